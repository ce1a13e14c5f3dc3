//! Helpers shared by the unit tests.

use std::path::Path;
use std::process::Command;

/// Runs plain git in `dir` as the test identity ("Tess"); its trimmed stdout.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.name=Tess", "-c", "user.email=tess@example.com"])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

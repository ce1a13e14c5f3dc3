//! Runs git: every per-document, interactive query (blame, commit details,
//! the paths a HEAD move changed, the user's identity) and the commit-graph.
//! Repository-wide analyses run in the engine, under the same policy
//! (`policy.rs`, handed to the engine at start-up) and with this commit-graph
//! writer.
//!
//! Paths are bytes: a file whose name is not valid UTF-8 is blamed like
//! any other. Every command has a deadline and is killed when the request
//! that needed it goes away.

pub mod blame;
pub mod commit;
pub mod commit_graph;
pub mod policy;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use policy::POLICY;

/// How long a first blame may take before the editor gets an error
/// instead (a huge file deep in a huge history takes seconds, not minutes).
pub const BLAME_TIMEOUT: Duration = Duration::from_secs(120);
/// How long listing the paths a HEAD move changed may take.
pub const CHANGED_PATHS_TIMEOUT: Duration = Duration::from_secs(30);
/// How long resolving names to commits (one `git cat-file`) may take.
pub const RESOLVE_TIMEOUT: Duration = Duration::from_secs(30);

/// `git <policy> SUBCOMMAND` run in `root`, stdin closed, output piped.
pub fn command(root: &Path, subcommand: &str) -> std::process::Command {
    command_with(root, &[], subcommand)
}

/// `command`, with more `-c key=value` settings of the caller's own.
pub fn command_with(root: &Path, settings: &[&str], subcommand: &str) -> std::process::Command {
    let mut cmd = std::process::Command::new("git");
    cmd.args(policy::pinned_config());
    cmd.args(policy::carried_over());
    for setting in settings {
        cmd.args(["-c", setting]);
    }
    cmd.arg(subcommand);
    cmd.args(policy::subcommand_args(subcommand));
    for var in policy::dropped_env() {
        cmd.env_remove(var);
    }
    cmd.envs(&POLICY.env)
        .current_dir(root)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// `git config` reading the user's own configuration (their identity for
/// "You", the protected settings of `policy::carried_over`). Reading
/// configuration runs no program a repository could configure.
pub fn user_config_command(root: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new("git");
    cmd.args(["-c", "core.fsmonitor=false", "config"]);
    for var in policy::dropped_env() {
        if !matches!(
            var.to_str(),
            Some("GIT_CONFIG_GLOBAL" | "GIT_CONFIG_SYSTEM" | "GIT_CONFIG_NOSYSTEM")
        ) {
            cmd.env_remove(var);
        }
    }
    cmd.env("LC_ALL", "C")
        .env("GIT_TERMINAL_PROMPT", "0")
        .current_dir(root)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Bytes from git as text a person reads: valid UTF-8 as is, any other
/// byte as Latin-1, the usual encoding of such text (as `gigui.text`).
pub fn readable(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        out.extend(chunk.invalid().iter().map(|&b| char::from(b)));
    }
    out
}

/// The line of git's stderr that says what went wrong, in git's words.
pub fn first_message(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines
        .iter()
        .find(|l| l.starts_with("fatal:") || l.starts_with("error:"))
        .or(lines.first())
        .map(|l| (*l).to_owned())
        .unwrap_or_else(|| "(no error output)".to_owned())
}

/// Runs `cmd` to the end within `timeout`; the child is killed if the
/// caller's future is dropped or the time runs out.
pub(crate) async fn output(
    cmd: std::process::Command,
    what: &str,
    timeout: Duration,
) -> Result<std::process::Output, String> {
    let child = tokio::process::Command::from(cmd)
        .kill_on_drop(true)
        .output();
    match tokio::time::timeout(timeout, child).await {
        Ok(Ok(output)) => Ok(output),
        Ok(Err(err)) => Err(format!("cannot run {what}: {err}")),
        Err(_) => Err(format!("{what} took longer than {} s", timeout.as_secs())),
    }
}

/// `output`, with `input` fed to the command's stdin (written while its
/// output is read, so neither side waits on a full pipe).
pub(crate) async fn output_with_input(
    cmd: std::process::Command,
    input: Vec<u8>,
    what: &str,
    timeout: Duration,
) -> Result<std::process::Output, String> {
    use tokio::io::AsyncWriteExt;

    let mut cmd = tokio::process::Command::from(cmd);
    cmd.stdin(Stdio::piped()).kill_on_drop(true);
    let run = async {
        let mut child = cmd
            .spawn()
            .map_err(|err| format!("cannot run {what}: {err}"))?;
        let stdin = child.stdin.take();
        let feed = async move {
            if let Some(mut stdin) = stdin {
                // A command that exits early closes its end: not our error.
                let _ = stdin.write_all(&input).await;
            }
        };
        let (_, output) = tokio::join!(feed, child.wait_with_output());
        output.map_err(|err| format!("cannot run {what}: {err}"))
    };
    match tokio::time::timeout(timeout, run).await {
        Ok(result) => result,
        Err(_) => Err(format!("{what} took longer than {} s", timeout.as_secs())),
    }
}

/// Repository-relative paths whose content differs between two commits;
/// `None` when git cannot tell (an unknown commit: everything is stale).
pub async fn changed_paths(root: &Path, old: &str, new: &str) -> Option<Vec<PathBuf>> {
    if old.starts_with('-') || new.starts_with('-') {
        return None;
    }
    let mut cmd = command(root, "diff");
    cmd.args(["--no-renames", "--name-only", "-z", old, new, "--"]);
    let what = format!("git diff {old} {new}");
    let output = output(cmd, &what, CHANGED_PATHS_TIMEOUT).await.ok()?;
    if !output.status.success() {
        tracing::debug!("{what}: {}", first_message(&output.stderr));
        return None;
    }
    Some(
        output
            .stdout
            .split(|&b| b == 0)
            .filter(|p| !p.is_empty())
            .map(|p| PathBuf::from(OsStr::from_bytes(p)))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::first_message;

    #[test]
    fn the_fatal_line_is_the_message() {
        let err = b"12:00:00.000 trace: built-in: git blame\nfatal: no such path 'x' in HEAD\n";
        assert_eq!(first_message(err), "fatal: no such path 'x' in HEAD");
        assert_eq!(first_message(b""), "(no error output)");
        assert_eq!(first_message(b"warning: odd\n"), "warning: odd");
    }
}

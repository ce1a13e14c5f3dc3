//! Runs git for the daemon's own hot path: a document's first blame and the
//! user's identity. Everything else goes through the engine. A first blame
//! must cost what `git blame` costs, and waiting for the embedded Python to
//! start would cost many times that in a fresh daemon.
//!
//! The safety settings are the engine's (`python/gigui/git.py`): an argument
//! list (never a shell), no pager, no fsmonitor, hooks, external diff or
//! textconv a repository could configure, stdin closed, output captured.

use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use sha2::{Digest, Sha256};

/// `-c` overrides put before every subcommand (as `SAFE_CONFIG` in gigui.git).
const SAFE_CONFIG: [&str; 9] = [
    "core.fsmonitor=false",
    "core.hooksPath=/dev/null",
    "diff.external=",
    "core.pager=cat",
    "log.showSignature=false",
    "log.follow=false",
    "color.ui=false",
    "core.untrackedCache=false",
    "i18n.logOutputEncoding=UTF-8",
];

/// Variables of our caller that must not redirect or reconfigure git.
const DROP_ENV: [&str; 16] = [
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_EXTERNAL_DIFF",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_COUNT",
    "GIT_PREFIX",
    "GIT_EDITOR",
    "GIT_SSH",
    "GIT_SSH_COMMAND",
    "GIT_ASKPASS",
    "GIT_TRACE",
];

/// `git <safe config> SUBCOMMAND` run in `root`, stdin closed, output piped.
pub fn command(root: &Path, subcommand: &str) -> std::process::Command {
    let mut cmd = std::process::Command::new("git");
    for setting in SAFE_CONFIG {
        cmd.arg("-c").arg(setting);
    }
    cmd.arg(subcommand);
    if matches!(subcommand, "log" | "diff" | "show" | "diff-tree" | "blame") {
        cmd.args(["--no-ext-diff", "--no-textconv"]);
    }
    for var in DROP_ENV {
        cmd.env_remove(var);
    }
    cmd.envs([
        ("GIT_TERMINAL_PROMPT", "0"),
        ("GIT_OPTIONAL_LOCKS", "0"),
        ("GIT_PAGER", "cat"),
        ("PAGER", "cat"),
        ("LC_ALL", "C"),
    ])
    .current_dir(root)
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    cmd
}

#[derive(Debug)]
pub enum BlameError {
    /// The path does not exist at the revision (untracked or new file).
    NotTracked,
    /// git could not be started, or failed: the message says which and why.
    Failed(String),
}

/// Raw `git blame --porcelain REV -- PATH` (plain blame: no `-w`, `-M` or
/// `-C`, as an analysis with default settings), for the porcelain parser.
pub async fn blame_porcelain(root: &Path, rev: &str, path: &str) -> Result<Vec<u8>, BlameError> {
    if rev.starts_with('-') {
        return Err(BlameError::Failed(format!("not a revision: {rev}")));
    }
    let mut cmd = command(root, "blame");
    if let Some(objects) = commit_graph(root) {
        cmd.env("GIT_ALTERNATE_OBJECT_DIRECTORIES", objects);
    }
    // An empty ignore-revs file overrides a configured blame.ignoreRevsFile.
    cmd.args(["--porcelain", "--ignore-revs-file", "", rev, "--", path]);
    let output = tokio::process::Command::from(cmd)
        .kill_on_drop(true)
        .output()
        .await
        .map_err(|e| BlameError::Failed(format!("cannot run git blame: {e}")))?;
    if output.status.success() {
        return Ok(output.stdout);
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    if stderr.contains("no such path") {
        return Err(BlameError::NotTracked);
    }
    let first = stderr.lines().next().unwrap_or("(no error output)");
    Err(BlameError::Failed(format!(
        "git blame {rev} -- {path} failed ({}): {first}",
        output.status
    )))
}

/// Where the engine keeps a repository's commit-graph with changed-path
/// Bloom filters (`location` in python/gigui/commit_graph.py: the same path).
fn commit_graph_location(root: &Path) -> Option<PathBuf> {
    let real = std::fs::canonicalize(root).ok()?;
    let digest = Sha256::digest(real.as_os_str().as_bytes());
    let key: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    Some(
        dirs::cache_dir()?
            .join("gitinspector-lsp")
            .join("commit-graph")
            .join(key),
    )
}

/// The object directory holding the repository's commit-graph, once the
/// engine has written one: git's blame then skips commits that did not
/// touch the file without diffing their trees.
pub fn commit_graph(root: &Path) -> Option<PathBuf> {
    let objects = commit_graph_location(root)?;
    objects
        .join("info/commit-graphs/commit-graph-chain")
        .is_file()
        .then_some(objects)
}

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
pub mod history;
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
/// How long one history query (a log, a commit's diff, a file at a
/// revision) may take.
pub const HISTORY_TIMEOUT: Duration = Duration::from_secs(60);

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

/// A path as text a person reads (and JSON can carry): bytes that are not
/// UTF-8 shown as Latin-1, as `readable` does.
pub fn readable_path(path: &Path) -> String {
    readable(path.as_os_str().as_bytes())
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
    let mut cmd = tokio::process::Command::from(cmd);
    cmd.kill_on_drop(true);
    let run = async {
        let child = cmd
            .spawn()
            .map_err(|err| format!("cannot run {what}: {err}"))?;
        started(&child, what);
        child
            .wait_with_output()
            .await
            .map_err(|err| format!("cannot run {what}: {err}"))
    };
    match tokio::time::timeout(timeout, run).await {
        Ok(result) => result,
        Err(_) => Err(format!("{what} took longer than {} s", timeout.as_secs())),
    }
}

/// Logs a command's start with its process id (which git of the daemon's
/// children runs for what, when a request waits on one).
fn started(child: &tokio::process::Child, what: &str) {
    tracing::debug!(pid = child.id(), "{what} started");
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
        started(&child, what);
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

/// What a command printed, read up to a cap (`output_capped`).
pub(crate) struct Capped {
    /// At most the cap's bytes of stdout.
    pub stdout: Vec<u8>,
    /// stdout went on past the cap: the command was stopped there.
    pub truncated: bool,
    /// It ran to the end and exited with status 0 (a truncated run is
    /// stopped, and counts as a success).
    pub success: bool,
    /// How it ended, for messages.
    pub status: String,
    /// The start of its stderr.
    pub stderr: Vec<u8>,
}

/// The most of stderr kept (the rest is read and dropped).
const STDERR_KEPT: usize = 64 << 10;

/// Runs `cmd` within `timeout`, keeping at most `cap` bytes of its output:
/// past that the command is killed and the output marked truncated, so a
/// huge answer (a vendored tree's diff, a long history) costs no more than
/// the cap. The child is killed if the caller's future is dropped.
pub(crate) async fn output_capped(
    cmd: std::process::Command,
    what: &str,
    timeout: Duration,
    cap: usize,
) -> Result<Capped, String> {
    use tokio::io::AsyncReadExt;

    let mut cmd = tokio::process::Command::from(cmd);
    cmd.kill_on_drop(true);
    let run = async {
        let mut child = cmd
            .spawn()
            .map_err(|err| format!("cannot run {what}: {err}"))?;
        started(&child, what);
        let stdout = child.stdout.take();
        let stderr = child.stderr.take();
        let read_stderr = async move {
            let mut kept = Vec::new();
            let Some(mut stderr) = stderr else {
                return kept;
            };
            let mut chunk = vec![0u8; 8192];
            loop {
                match stderr.read(&mut chunk).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        let room = STDERR_KEPT.saturating_sub(kept.len());
                        kept.extend(chunk.iter().take(n.min(room)));
                    }
                }
            }
            kept
        };
        let read_stdout = async {
            let mut out = Vec::new();
            if let Some(stdout) = stdout {
                let limit = u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1);
                let _ = stdout.take(limit).read_to_end(&mut out).await;
            }
            let truncated = out.len() > cap;
            if truncated {
                out.truncate(cap);
                // Stop it: nobody reads the rest.
                let _ = child.start_kill();
            }
            (out, truncated)
        };
        let ((stdout, truncated), stderr) = tokio::join!(read_stdout, read_stderr);
        let status = child
            .wait()
            .await
            .map_err(|err| format!("cannot run {what}: {err}"))?;
        Ok(Capped {
            stdout,
            truncated,
            success: truncated || status.success(),
            status: status.to_string(),
            stderr,
        })
    };
    match tokio::time::timeout(timeout, run).await {
        Ok(result) => result,
        Err(_) => Err(format!("{what} took longer than {} s", timeout.as_secs())),
    }
}

/// `bytes` cut after its last newline (a whole number of lines), for
/// output cut at a byte cap.
pub fn whole_lines(bytes: &[u8]) -> &[u8] {
    match memchr::memrchr(b'\n', bytes) {
        Some(end) => bytes.get(..=end).unwrap_or(bytes),
        None => bytes,
    }
}

/// A path as git prints it in porcelain headers (`core.quotePath`): a name
/// with special bytes comes in double quotes with C escapes (`\t`, `\"`,
/// `\\`, `\303\251`); anything else as is.
pub fn unquote_path(text: &[u8]) -> Vec<u8> {
    let Some(inner) = text.strip_prefix(b"\"").and_then(|t| t.strip_suffix(b"\"")) else {
        return text.to_vec();
    };
    let mut out = Vec::with_capacity(inner.len());
    let mut bytes = inner.iter().copied().peekable();
    while let Some(b) = bytes.next() {
        if b != b'\\' {
            out.push(b);
            continue;
        }
        let Some(escaped) = bytes.next() else {
            out.push(b);
            break;
        };
        match escaped {
            b'a' => out.push(0x07),
            b'b' => out.push(0x08),
            b't' => out.push(b'\t'),
            b'n' => out.push(b'\n'),
            b'v' => out.push(0x0b),
            b'f' => out.push(0x0c),
            b'r' => out.push(b'\r'),
            b'0'..=b'7' => {
                let mut value = u32::from(escaped - b'0');
                for _ in 0..2 {
                    match bytes.peek() {
                        Some(&d @ b'0'..=b'7') => {
                            value = value * 8 + u32::from(d - b'0');
                            bytes.next();
                        }
                        _ => break,
                    }
                }
                out.push(u8::try_from(value & 0xff).unwrap_or(0));
            }
            other => out.push(other),
        }
    }
    out
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
    use super::{first_message, unquote_path, whole_lines};

    #[test]
    fn quoted_paths_read_back_as_their_bytes() {
        assert_eq!(unquote_path(b"plain name.txt"), b"plain name.txt");
        assert_eq!(
            unquote_path(b"\"docs/na\\303\\257ve file.txt\""),
            "docs/naïve file.txt".as_bytes()
        );
        assert_eq!(unquote_path(b"\"a\\tb\\\"c\\\\d\""), b"a\tb\"c\\d");
        assert_eq!(unquote_path(b"\"\\377\""), b"\xff");
        assert_eq!(unquote_path(b"\"trailing\\\""), b"trailing\\");
        assert_eq!(whole_lines(b"a\nb\nc"), b"a\nb\n");
        assert_eq!(whole_lines(b"abc"), b"abc");
    }

    #[tokio::test]
    async fn capped_output_stops_the_command_at_the_cap() {
        let mut cmd = std::process::Command::new("sh");
        cmd.args(["-c", "yes line; echo never >&2"])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let out = super::output_capped(cmd, "yes", std::time::Duration::from_secs(10), 1000)
            .await
            .unwrap();
        assert!(out.truncated && out.success);
        assert_eq!(out.stdout.len(), 1000);
        let mut cmd = std::process::Command::new("sh");
        cmd.args(["-c", "echo short; echo oops >&2; exit 3"])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let out = super::output_capped(cmd, "sh", std::time::Duration::from_secs(10), 1000)
            .await
            .unwrap();
        assert!(!out.truncated && !out.success);
        assert_eq!(
            (out.stdout.as_slice(), out.stderr.as_slice()),
            (&b"short\n"[..], &b"oops\n"[..])
        );
    }

    #[test]
    fn the_fatal_line_is_the_message() {
        let err = b"12:00:00.000 trace: built-in: git blame\nfatal: no such path 'x' in HEAD\n";
        assert_eq!(first_message(err), "fatal: no such path 'x' in HEAD");
        assert_eq!(first_message(b""), "(no error output)");
        assert_eq!(first_message(b"warning: odd\n"), "warning: odd");
    }
}

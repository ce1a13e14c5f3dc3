//! History queries for the editor's history commands: the commits that
//! changed some lines (`git log -L`) or a file (`git log --follow`), where
//! one line of a file came from (a one-line `git blame --porcelain`), a
//! commit's first parent, a file at a revision, and where a line of a
//! commit's version stood in its parent's (from `git diff -U0`).
//!
//! Every revision handed in is checked (`revision_arg`) and every path goes
//! after `--` or inside a `REV:PATH` / `-L` argument of its own: nothing a
//! client sends is read by git as an option.

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use serde::Serialize;

use super::blame::{BlameError, BlameOptions};
use super::{command, first_message, output_capped, readable, unquote_path, HISTORY_TIMEOUT};

/// The most commits a history answer lists (more: `truncated`).
pub const MAX_COMMITS: usize = 1000;
/// The most bytes of `git log` output read for one answer.
const MAX_LOG_BYTES: usize = 8 << 20;
/// The largest file read at a revision (`file_at`).
pub const MAX_FILE_BYTES: usize = 32 << 20;
/// The most bytes of a `git diff -U0` read to map a line back.
const MAX_HUNK_BYTES: usize = 32 << 20;

/// One commit of a history answer.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct LogEntry {
    pub sha: String,
    pub author: String,
    pub email: String,
    pub author_time: i64,
    pub summary: String,
    /// The file's name in this commit (`git log --follow --name-only`);
    /// `None` in line histories.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// A history: newest first, at most `MAX_COMMITS`.
#[derive(Debug, Default)]
pub struct Log {
    pub entries: Vec<LogEntry>,
    /// There were more commits (or more output) than an answer holds.
    pub truncated: bool,
}

/// Each record starts with this byte (then the sha), fields end with NUL.
const LOG_FORMAT: &str = "--format=%x1e%H%x00%aN%x00%aE%x00%at%x00%s%x00";

/// `rev` when it can only be read as a revision: an object name (full or
/// abbreviated hex), never an option or a range.
pub fn revision_arg(rev: &str) -> Result<&str, String> {
    let hex = (4..=64).contains(&rev.len()) && rev.bytes().all(|b| b.is_ascii_hexdigit());
    match hex {
        true => Ok(rev),
        false => Err(format!("not a commit id: {rev:?}")),
    }
}

/// A repository-relative path a client named: not empty, not absolute, no
/// `..`, no NUL (git would refuse, or read outside the tree).
pub fn path_arg(path: &str) -> Result<&Path, String> {
    let p = Path::new(path);
    let bad = path.is_empty()
        || path.contains('\0')
        || p.is_absolute()
        || p.components()
            .any(|c| matches!(c, std::path::Component::ParentDir));
    match bad {
        true => Err(format!("not a path inside the repository: {path:?}")),
        false => Ok(p),
    }
}

/// The commits that changed lines `start..=end` (1-based) of `path` at
/// `revision`, newest first: `git log -L<start>,<end>:<path> --no-patch`.
pub async fn line_history(
    root: &Path,
    revision: &str,
    path: &Path,
    start: u32,
    end: u32,
) -> Result<Log, String> {
    let revision = revision_arg(revision)?;
    if start == 0 || end < start {
        return Err(format!("not a line range: {start},{end}"));
    }
    // One argument: the path is the rest of it, never an option.
    let mut range = OsString::from(format!("-L{start},{end}:"));
    range.push(path.as_os_str());
    let mut cmd = command(root, "log");
    cmd.arg("--no-patch")
        .arg(range)
        .arg(LOG_FORMAT)
        .arg(format!("--max-count={}", MAX_COMMITS + 1))
        .args([revision, "--"]);
    let what = format!("git log -L{start},{end}:{}", path.display());
    run_log(cmd, &what, false).await
}

/// The commits that changed `path` at `revision`, following renames,
/// newest first, each with the file's name in it: `git log --follow`.
pub async fn file_history(root: &Path, revision: &str, path: &Path) -> Result<Log, String> {
    let revision = revision_arg(revision)?;
    let mut cmd = command(root, "log");
    cmd.args(["--follow", "--name-only", "-z", LOG_FORMAT])
        .arg(format!("--max-count={}", MAX_COMMITS + 1))
        .args([revision, "--"])
        .arg(path);
    let what = format!("git log --follow -- {}", path.display());
    let mut log = run_log(cmd, &what, true).await?;
    // A commit that lists no name (a merge) has the name of the one after.
    let mut name = super::readable_path(path);
    for entry in &mut log.entries {
        match &entry.path {
            Some(path) => name.clone_from(path),
            None => entry.path = Some(name.clone()),
        }
    }
    Ok(log)
}

async fn run_log(cmd: std::process::Command, what: &str, with_paths: bool) -> Result<Log, String> {
    let out = output_capped(cmd, what, HISTORY_TIMEOUT, MAX_LOG_BYTES).await?;
    if !out.success {
        return Err(format!(
            "{what} failed ({}): {}",
            out.status,
            first_message(&out.stderr)
        ));
    }
    let mut log = parse_log(&out.stdout, with_paths);
    // A record cut by the byte cap is dropped by the parser or incomplete.
    if out.truncated {
        log.entries.pop();
        log.truncated = true;
    }
    if log.entries.len() > MAX_COMMITS {
        log.entries.truncate(MAX_COMMITS);
        log.truncated = true;
    }
    Ok(log)
}

/// Records of `LOG_FORMAT`. Whatever follows a record's fields (a
/// `--name-only` path, or a patch from a git that does not take
/// `--no-patch` with `-L`) runs up to the next record; only a record that
/// starts with a commit id is kept.
fn parse_log(data: &[u8], with_paths: bool) -> Log {
    let mut entries = Vec::new();
    for record in data.split(|&b| b == 0x1e) {
        let mut fields = record.split(|&b| b == 0);
        let Some(sha) = fields.next() else { continue };
        let sha = readable(sha);
        if !crate::repo::is_sha(&sha) {
            continue;
        }
        let mut next = || fields.next().map(readable).unwrap_or_default();
        let (author, email, time, summary) = (next(), next(), next(), next());
        // `-z` ends the format's fields with one more NUL before the name.
        let path = match with_paths {
            true => fields
                .map(|f| readable(f.strip_prefix(b"\n").unwrap_or(f)))
                .find(|p| !p.is_empty()),
            false => None,
        };
        entries.push(LogEntry {
            sha,
            author,
            email,
            author_time: time.trim().parse().unwrap_or(0),
            summary,
            path,
        });
    }
    Log {
        entries,
        truncated: false,
    }
}

/// Where one line of a blamed file came from (`git blame --porcelain -L`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineOrigin {
    /// The commit that last changed the line.
    pub sha: String,
    /// Its number in that commit's version of the file (1-based).
    pub orig_line: u32,
    /// The file's name in that commit (bytes).
    pub filename: Vec<u8>,
    /// The parent blame looked in and the file's name there (porcelain
    /// `previous`), when the file existed before the commit.
    pub previous: Option<(String, Vec<u8>)>,
}

/// Where line `line` (1-based) of `path` at `revision` came from, blamed
/// as the document's blame is (`options`).
pub async fn line_origin(
    root: &Path,
    revision: &str,
    path: &Path,
    line: u32,
    options: &BlameOptions,
) -> Result<LineOrigin, BlameError> {
    let revision = revision_arg(revision).map_err(BlameError::Failed)?;
    let range = format!("-L{line},{line}");
    let output =
        super::blame::blame_porcelain_with(root, revision, path, options, &[&range]).await?;
    parse_origin(&output)
        .ok_or_else(|| BlameError::Failed(format!("cannot read git blame {range} output")))
}

fn parse_origin(output: &[u8]) -> Option<LineOrigin> {
    let mut lines = output.split(|&b| b == b'\n');
    let header = lines.next()?;
    let mut numbers = header.split(|&b| b == b' ');
    let sha = readable(numbers.next()?);
    if !crate::repo::is_sha(&sha) {
        return None;
    }
    let orig_line = std::str::from_utf8(numbers.next()?).ok()?.parse().ok()?;
    let mut origin = LineOrigin {
        sha,
        orig_line,
        filename: Vec::new(),
        previous: None,
    };
    for line in lines {
        if line.starts_with(b"\t") {
            break;
        }
        if let Some(name) = line.strip_prefix(b"filename ") {
            origin.filename = unquote_path(name);
        } else if let Some(rest) = line.strip_prefix(b"previous ") {
            let (sha, name) = match memchr::memchr(b' ', rest) {
                Some(i) => (rest.get(..i)?, rest.get(i + 1..)?),
                None => continue,
            };
            origin.previous = Some((readable(sha), unquote_path(name)));
        }
    }
    (!origin.filename.is_empty()).then_some(origin)
}

/// The parents of commit `sha` (the first is the first parent).
pub async fn parents(root: &Path, sha: &str) -> Result<Vec<String>, String> {
    let sha = revision_arg(sha)?;
    let mut cmd = command(root, "rev-list");
    cmd.args(["--parents", "--max-count=1", sha, "--"]);
    let what = format!("git rev-list --parents {sha}");
    let out = output_capped(cmd, &what, HISTORY_TIMEOUT, 1 << 20).await?;
    if !out.success {
        return Err(format!("{what} failed: {}", first_message(&out.stderr)));
    }
    let text = readable(&out.stdout);
    Ok(text.split_whitespace().skip(1).map(str::to_owned).collect())
}

/// `REV:PATH`, one argument (the path is read literally after the colon).
fn blob_arg(revision: &str, path: &[u8]) -> OsString {
    let mut arg = OsString::from(format!("{revision}:"));
    arg.push(std::ffi::OsStr::from_bytes(path));
    arg
}

/// The content of `path` at `revision`; `Ok(None)` when it is no file
/// there. At most `MAX_FILE_BYTES`.
pub async fn file_at(root: &Path, revision: &str, path: &[u8]) -> Result<Option<Vec<u8>>, String> {
    let revision = revision_arg(revision)?;
    let mut cmd = command(root, "cat-file");
    cmd.arg("blob").arg(blob_arg(revision, path));
    let shown = readable(path);
    let what = format!("git cat-file blob {revision}:{shown}");
    let out = output_capped(cmd, &what, HISTORY_TIMEOUT, MAX_FILE_BYTES).await?;
    if out.truncated {
        return Err(format!(
            "{shown} at {revision} is larger than {} MiB",
            MAX_FILE_BYTES >> 20
        ));
    }
    Ok(out.success.then_some(out.stdout))
}

/// Where line `line` (1-based) of `new_path` at `commit` stood in
/// `old_path` at `parent` (1-based): lines outside the diff's hunks move
/// by what the hunks before them added and removed; a line inside a hunk
/// goes to the line it replaced (the same offset in the hunk, at most its
/// last old line), or, for lines only added, to the line after the
/// insertion point.
pub async fn line_in_parent(
    root: &Path,
    parent: &str,
    old_path: &[u8],
    commit: &str,
    new_path: &[u8],
    line: u32,
) -> Result<u32, String> {
    let parent = revision_arg(parent)?;
    let commit = revision_arg(commit)?;
    let mut cmd = command(root, "diff");
    cmd.args(["-U0", "--no-color"])
        .arg(blob_arg(parent, old_path))
        .arg(blob_arg(commit, new_path));
    let what = format!("git diff -U0 {parent} {commit}");
    let out = output_capped(cmd, &what, HISTORY_TIMEOUT, MAX_HUNK_BYTES).await?;
    if !out.success {
        return Err(format!("{what} failed: {}", first_message(&out.stderr)));
    }
    Ok(map_back(&hunks(&out.stdout), line))
}

/// A hunk header `@@ -a,b +c,d @@`: (a, b, c, d).
type Hunk = (u32, u32, u32, u32);

fn hunks(diff: &[u8]) -> Vec<Hunk> {
    let range = |text: &str| -> Option<(u32, u32)> {
        let (start, count) = text.split_once(',').unwrap_or((text, "1"));
        Some((start.parse().ok()?, count.parse().ok()?))
    };
    diff.split(|&b| b == b'\n')
        .filter_map(|line| {
            let line = std::str::from_utf8(line.strip_prefix(b"@@ -")?).ok()?;
            let (old, rest) = line.split_once(" +")?;
            let (new, _) = rest.split_once(" @@")?;
            let (a, b) = range(old)?;
            let (c, d) = range(new)?;
            Some((a, b, c, d))
        })
        .collect()
}

fn map_back(hunks: &[Hunk], line: u32) -> u32 {
    // old line = new line + shift, for lines between hunks.
    let mut shift: i64 = 0;
    for &(a, b, c, d) in hunks {
        // The first new line after the hunk, and the old one it matches.
        let (next_new, next_old) = (
            if d == 0 { c + 1 } else { c + d },
            if b == 0 { a + 1 } else { a + b },
        );
        let first_new = if d == 0 { c + 1 } else { c };
        if line < first_new {
            break;
        }
        if d > 0 && line < c + d {
            return match b {
                0 => a + 1,
                _ => a + (line - c).min(b - 1),
            };
        }
        shift = i64::from(next_old) - i64::from(next_new);
    }
    u32::try_from((i64::from(line) + shift).max(1)).unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_map_back_over_hunks() {
        // Old: 1..=10. New: line 2 replaced by two lines, line 5 deleted,
        // one line added after old 8.
        let diff = b"diff --git a b\n@@ -2 +2,2 @@\n-x\n+y\n+z\n@@ -5 +5,0 @@\n-gone\n@@ -8,0 +9 @@\n+new\n";
        let h = hunks(diff);
        assert_eq!(h, vec![(2, 1, 2, 2), (5, 1, 5, 0), (8, 0, 9, 1)]);
        let old: Vec<u32> = (1..=11).map(|n| map_back(&h, n)).collect();
        assert_eq!(old, vec![1, 2, 2, 3, 4, 6, 7, 8, 9, 9, 10]);
        assert_eq!(map_back(&[], 7), 7);
    }

    #[test]
    fn log_records_keep_their_fields_and_drop_what_follows() {
        let a = "a".repeat(40);
        let b = "b".repeat(40);
        let out = format!(
            "\x1e{a}\0Alice\0a@x\0100\0first\0\0\ndir/new name\0\x1e{b}\0Bob\0b@x\0 90\0second\0\0\nold\0"
        );
        let log = parse_log(out.as_bytes(), true);
        let got: Vec<_> = log
            .entries
            .iter()
            .map(|e| {
                (
                    e.sha.as_str(),
                    e.author_time,
                    e.summary.as_str(),
                    e.path.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (a.as_str(), 100, "first", Some("dir/new name")),
                (b.as_str(), 90, "second", Some("old"))
            ]
        );
        // A patch after the fields (git without -L --no-patch) is skipped.
        let patched = format!("\x1e{a}\0A\0a@x\x001\0s\0\n\ndiff --git a/f b/f\n+\x1eno\n");
        let log = parse_log(patched.as_bytes(), false);
        assert_eq!(log.entries.len(), 1);
        assert_eq!(log.entries[0].path, None);
        assert!(parse_log(b"junk\0\x1e\0", true).entries.is_empty());
    }

    #[test]
    fn revisions_and_paths_are_checked() {
        assert!(revision_arg("--output=/tmp/x").is_err());
        assert!(revision_arg("HEAD").is_err());
        assert!(revision_arg("abc").is_err());
        assert!(revision_arg("abcd1234").is_ok());
        assert!(path_arg("../etc/passwd").is_err());
        assert!(path_arg("/etc/passwd").is_err());
        assert!(path_arg("").is_err());
        assert!(path_arg("-L1,2:x").is_ok(), "after -- a dash is a name");
    }

    #[test]
    fn porcelain_origin_reads_quoted_names() {
        let a = "a".repeat(40);
        let p = "p".repeat(40);
        let out = format!(
            "{a} 7 3 1\nauthor A\nprevious {p} \"old\\303\\251.txt\"\nfilename \"new name\\t.txt\"\n\tcontent\n"
        );
        let o = parse_origin(out.as_bytes()).unwrap();
        assert_eq!((o.sha.as_str(), o.orig_line), (a.as_str(), 7));
        assert_eq!(o.filename, b"new name\t.txt");
        assert_eq!(o.previous, Some((p, "oldé.txt".as_bytes().to_vec())));
        assert_eq!(parse_origin(b"nonsense"), None);
    }
}

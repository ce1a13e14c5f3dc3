//! `git blame --porcelain` of committed content: running it, and reading
//! its output in Rust (the editor's first blame and the CLI's `blame` share
//! this), so a blame costs about what `git blame` itself costs; and the
//! revisions it ignores (the ignore-revs file, read here rather than by git,
//! so a stale or hostile file never fails a blame).

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::line_map::{Committed, LineIndex};

use super::{
    command, commit_graph, first_message, output, readable, BLAME_TIMEOUT, RESOLVE_TIMEOUT,
};

pub const NOT_COMMITTED: &str = "0000000000000000000000000000000000000000";
/// What every text of the daemon calls lines that are not committed (as
/// GitLens and VS Code's own blame do).
pub const NOT_COMMITTED_TEXT: &str = "Not Committed Yet";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CommitInfo {
    pub sha: String,
    pub author: String,
    pub email: String,
    pub author_time: i64,
    pub committer_time: i64,
    pub summary: String,
}

impl CommitInfo {
    pub fn not_committed() -> CommitInfo {
        CommitInfo {
            sha: NOT_COMMITTED.to_owned(),
            author: NOT_COMMITTED_TEXT.to_owned(),
            email: String::new(),
            author_time: 0,
            committer_time: 0,
            summary: NOT_COMMITTED_TEXT.to_owned(),
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct CommittedBlame {
    pub commits: Vec<CommitInfo>,
    /// Index into `commits` for each committed line.
    pub line_commit: Vec<u32>,
    /// The committed lines joined by `\n` (one allocation, not one per
    /// line), to diff the buffer against. Bytes that are not UTF-8 are read
    /// as Latin-1 (what an editor that guessed the encoding shows)...
    pub text: String,
    /// ...and, for such files only, the text as an editor that assumed
    /// UTF-8 shows it (U+FFFD for each bad sequence).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaced: Option<String>,
    /// Per text (`text`, `replaced`), its lines' index for mapping edits,
    /// built when first needed; never saved.
    #[serde(skip)]
    pub line_indexes: [OnceLock<LineIndex>; 2],
}

/// `count` lines of `text` (joined by `\n`); none for an empty blame.
fn split_committed(text: &str, count: usize) -> Vec<&str> {
    if count == 0 {
        return Vec::new();
    }
    let mut lines = Vec::with_capacity(count);
    let mut start = 0;
    // '\n' is one byte in UTF-8: every cut is at a character boundary.
    for end in memchr::memchr_iter(b'\n', text.as_bytes()) {
        lines.push(text.get(start..end).unwrap_or_default());
        start = end + 1;
    }
    lines.push(text.get(start..).unwrap_or_default());
    lines
}

impl CommittedBlame {
    /// A file git does not track at the revision: nothing is committed.
    pub fn untracked() -> CommittedBlame {
        CommittedBlame {
            commits: vec![],
            line_commit: vec![],
            text: String::new(),
            replaced: None,
            line_indexes: Default::default(),
        }
    }

    /// The committed lines.
    #[cfg(test)]
    pub fn lines(&self) -> Vec<&str> {
        split_committed(&self.text, self.line_commit.len())
    }

    /// The committed lines as an editor holding `buffer` shows them, for
    /// comparing with its lines: without the `\r` of CRLF endings (editors
    /// keep line endings apart from lines), without a UTF-8 byte order mark
    /// (editors strip it), decoded as the editor decoded a file that is not
    /// UTF-8 (U+FFFD in the buffer says it assumed UTF-8).
    pub fn lines_like(&self, buffer: &str) -> Vec<&str> {
        let mut lines = split_committed(self.committed_like(buffer).text, self.line_commit.len());
        for line in lines.iter_mut() {
            *line = line.strip_suffix('\r').unwrap_or(line);
        }
        if let Some(first) = lines.first_mut() {
            *first = first.strip_prefix('\u{feff}').unwrap_or(first);
        }
        lines
    }

    /// The committed text as an editor holding `buffer` shows it (see
    /// `lines_like`), to map the buffer's lines onto.
    pub fn committed_like(&self, buffer: &str) -> Committed<'_> {
        let (text, index) = match &self.replaced {
            Some(replaced) if buffer.contains('\u{fffd}') => (replaced, &self.line_indexes[1]),
            _ => (&self.text, &self.line_indexes[0]),
        };
        Committed {
            text,
            count: self.line_commit.len(),
            index,
        }
    }

    /// Whether every index points into `commits` and the texts have one
    /// line per blamed line: what is read from disk is checked before use.
    pub fn is_consistent(&self) -> bool {
        let lines = self.line_commit.len();
        let line_count = |text: &str| {
            if lines == 0 {
                text.is_empty()
            } else {
                memchr::memchr_iter(b'\n', text.as_bytes()).count() + 1 == lines
            }
        };
        self.line_commit
            .iter()
            .all(|&i| (i as usize) < self.commits.len())
            && line_count(&self.text)
            && self.replaced.as_deref().is_none_or(line_count)
    }

    /// Roughly the memory it holds, for the cache budget.
    pub fn approx_bytes(&self) -> usize {
        let text = self.text.len() + self.replaced.as_ref().map_or(0, String::len);
        let commits: usize = self
            .commits
            .iter()
            .map(|c| 120 + c.author.len() + c.email.len() + c.summary.len())
            .sum();
        let lines = self.line_commit.len();
        text + commits + lines * 4 + self.committed_like("").index_bytes() + 64
    }
}

#[derive(Debug)]
pub enum BlameError {
    /// The path does not exist at the revision (untracked or new file).
    NotTracked,
    /// git could not be started, or failed: the message says which and why.
    Failed(String),
}

/// The `git blame` options that change its answer (an analysis's
/// `whitespace`, `copy_move` and ignored revisions, the CLI's flags, the
/// editor's ignore-revs file). The default is plain blame.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlameOptions {
    /// `-w`: changes of whitespace only are not changes.
    pub ignore_whitespace: bool,
    /// Copy and move detection, `0..=MAX_COPY_MOVE` (see `copy_move_args`).
    pub copy_move: u8,
    /// Commits blame looks through (`--ignore-rev`), as full commit ids.
    pub ignore_revs: Vec<String>,
}

/// The highest copy/move detection level.
pub const MAX_COPY_MOVE: u8 = 4;

/// git's arguments for a copy/move detection level, as the engine's
/// `gigui.blame.copy_move_args`: 0 none, 1 `-M`, 2 `-C`, 3 `-C -C`,
/// 4 `-C -C -C` (a higher level is 4).
pub fn copy_move_args(level: u8) -> &'static [&'static str] {
    match level {
        0 => &[],
        1 => &["-M"],
        2 => &["-C"],
        3 => &["-C", "-C"],
        _ => &["-C", "-C", "-C"],
    }
}

impl BlameOptions {
    /// The arguments, after the policy's (which empty git's list of
    /// ignored revisions with `--no-ignore-revs-file`: `--ignore-rev` adds
    /// to that emptied list). `None` when an ignored revision is not a full
    /// commit id (it could be read as an option).
    fn args(&self) -> Option<Vec<&str>> {
        let mut args = copy_move_args(self.copy_move).to_vec();
        if self.ignore_whitespace {
            args.push("-w");
        }
        for rev in &self.ignore_revs {
            if !crate::repo::is_sha(rev) {
                return None;
            }
            args.extend(["--ignore-rev", rev.as_str()]);
        }
        Some(args)
    }
}

/// Raw `git blame --porcelain [OPTIONS] REV -- PATH`, for the porcelain
/// parser. `path` is relative to `root`, as bytes.
pub async fn blame_porcelain(
    root: &Path,
    rev: &str,
    path: &Path,
    options: &BlameOptions,
) -> Result<Vec<u8>, BlameError> {
    blame_porcelain_with(root, rev, path, options, &[]).await
}

/// `blame_porcelain` with more arguments of the caller's own (`-L n,n`),
/// put before the revision.
pub async fn blame_porcelain_with(
    root: &Path,
    rev: &str,
    path: &Path,
    options: &BlameOptions,
    extra: &[&str],
) -> Result<Vec<u8>, BlameError> {
    if rev.starts_with('-') {
        return Err(BlameError::Failed(format!("not a revision: {rev}")));
    }
    let Some(args) = options.args() else {
        return Err(BlameError::Failed(
            "a revision to ignore is not a full commit id".to_owned(),
        ));
    };
    let mut cmd = command(root, "blame");
    if let Some(objects) = commit_graph::existing(root) {
        cmd.env("GIT_ALTERNATE_OBJECT_DIRECTORIES", objects);
    }
    cmd.arg("--porcelain")
        .args(&args)
        .args(extra)
        .args([rev, "--"])
        .arg(path);
    let shown = path.to_string_lossy();
    let flags: String = copy_move_args(options.copy_move)
        .iter()
        .chain(options.ignore_whitespace.then_some(&"-w"))
        .map(|a| format!("{a} "))
        .collect();
    let ignored = match options.ignore_revs.len() {
        0 => String::new(),
        n => format!("({n} ignored revisions) "),
    };
    let extra: String = extra.iter().map(|a| format!("{a} ")).collect();
    let what = format!("git blame {flags}{extra}{ignored}{rev} -- {shown}");
    let output = output(cmd, &what, BLAME_TIMEOUT)
        .await
        .map_err(BlameError::Failed)?;
    if output.status.success() {
        return Ok(output.stdout);
    }
    let message = first_message(&output.stderr);
    if message.contains("no such path") {
        return Err(BlameError::NotTracked);
    }
    Err(BlameError::Failed(format!(
        "{what} failed ({}): {message}",
        output.status
    )))
}

/// What a name given to `resolve_commits` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// A commit (a tag is followed to its commit): its full id.
    Commit(String),
    /// A prefix of more than one object's id.
    Ambiguous,
    /// No commit of this repository.
    Unknown,
}

/// What each of `names` (object ids or their prefixes, hex only) names in
/// the repository at `root`, with one `git cat-file --batch-check`. A tag
/// is peeled to its commit, as git does with the revisions blame ignores.
pub async fn resolve_commits(root: &Path, names: &[String]) -> Result<Vec<Resolved>, String> {
    let hex = |name: &String| !name.is_empty() && name.bytes().all(|b| b.is_ascii_hexdigit());
    let asked: Vec<&String> = names.iter().filter(|n| hex(n)).collect();
    if asked.is_empty() {
        return Ok(vec![Resolved::Unknown; names.len()]);
    }
    let input: String = asked.iter().map(|n| format!("{n}^{{commit}}\n")).collect();
    let mut cmd = command(root, "cat-file");
    cmd.arg("--batch-check");
    let what = "git cat-file --batch-check";
    let output = super::output_with_input(cmd, input.into_bytes(), what, RESOLVE_TIMEOUT).await?;
    if !output.status.success() {
        return Err(format!(
            "{what} failed ({}): {}",
            output.status,
            first_message(&output.stderr)
        ));
    }
    // One line out per line in: "<id> <type> <size>", "<name> missing",
    // "<name> ambiguous".
    let text = String::from_utf8_lossy(&output.stdout);
    let mut answers = text.lines().map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        match fields.as_slice() {
            [id, "commit", _] if crate::repo::is_sha(id) => {
                Resolved::Commit(id.to_ascii_lowercase())
            }
            [_, "ambiguous"] => Resolved::Ambiguous,
            _ => Resolved::Unknown,
        }
    });
    Ok(names
        .iter()
        .map(|name| match hex(name) {
            true => answers.next().unwrap_or(Resolved::Unknown),
            false => Resolved::Unknown,
        })
        .collect())
}

/// The most of an ignore-revs file that is read (some 100,000 entries), as
/// the engine: a larger file must not hold up blame.
const IGNORE_REVS_MAX_BYTES: u64 = 4 << 20;
/// Skipped entries named one by one in the log; the rest are counted.
const SKIPPED_SHOWN: usize = 20;

/// The entries of an ignore-revs file, read as git reads one: `#` starts a
/// comment anywhere on a line, whitespace around an entry is trimmed,
/// blank lines are skipped, and every entry is a full object id (40 or 64
/// hex digits). Unlike git, an entry that is not one is skipped rather
/// than fatal: returned apart, naming only its line (the file may be a link
/// to anything: its text is never shown). Entries are lowercase, each once,
/// with the line each was first on.
pub fn parse_ignore_revs(text: &[u8]) -> (Vec<(String, usize)>, Vec<Skipped>) {
    let mut entries: Vec<(String, usize)> = Vec::new();
    let mut skipped = Vec::new();
    for (number, line) in text.split(|&b| b == b'\n').enumerate() {
        let line = match memchr::memchr(b'#', line) {
            Some(hash) => line.get(..hash).unwrap_or_default(),
            None => line,
        };
        let entry = line.trim_ascii();
        if entry.is_empty() {
            continue;
        }
        if (entry.len() == 40 || entry.len() == 64) && entry.iter().all(u8::is_ascii_hexdigit) {
            let id = String::from_utf8_lossy(entry).to_ascii_lowercase();
            if !entries.iter().any(|(known, _)| *known == id) {
                entries.push((id, number + 1));
            }
        } else {
            skipped.push(Skipped::at(number + 1, NOT_AN_ID));
        }
    }
    (entries, skipped)
}

/// An ignore-revs file as blame uses it.
#[derive(Debug, Default)]
pub struct IgnoreRevsFile {
    /// The commits it lists that this repository has, as full ids,
    /// sorted, each once.
    pub shas: Vec<String>,
    /// Why the file is not used at all (it does not exist, or cannot be
    /// read); `None` when it is used, or when it is the default file and
    /// does not exist (most repositories have none).
    pub problem: Option<String>,
    /// What was skipped (entries that are not object ids, nor commits
    /// here), by line: never the entry's text.
    pub skipped: Vec<Skipped>,
}

impl IgnoreRevsFile {
    /// Logs what was skipped: one line per reason, with the lines it
    /// applies to (a few named, the rest counted: a hostile file must not
    /// flood the log).
    pub fn log_skipped(&self, file: &Path) {
        for (why, lines) in group_by_reason(&self.skipped) {
            let mut named: Vec<String> = lines
                .iter()
                .take(SKIPPED_SHOWN)
                .map(ToString::to_string)
                .collect();
            if lines.len() > SKIPPED_SHOWN {
                named.push(format!("… ({} in all)", lines.len()));
            }
            let what = match lines.len() {
                0 => String::new(),
                1 => format!("line {}: ", named.join(", ")),
                _ => format!("lines {}: ", named.join(", ")),
            };
            tracing::warn!("ignore-revs file {}: {what}{why}; skipped", file.display());
        }
    }
}

/// Why an entry of an ignore-revs file is not used: not a full object id.
const NOT_AN_ID: &str = "not a full object id";
/// Why an entry of an ignore-revs file is not used: no commit of the repository.
const NOT_A_COMMIT: &str = "not a commit of this repository";

/// Something of an ignore-revs file blame does not use, and why: the line
/// of an entry, or (no line) a part of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub line: Option<usize>,
    pub why: String,
}

impl Skipped {
    fn at(line: usize, why: &str) -> Self {
        Skipped {
            line: Some(line),
            why: why.to_owned(),
        }
    }
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.why),
            None => f.write_str(&self.why),
        }
    }
}

/// Skipped entries as (why, their lines) in first-seen order; what names no
/// line is a group of its own.
fn group_by_reason(skipped: &[Skipped]) -> Vec<(&str, Vec<usize>)> {
    let mut groups: Vec<(&str, Vec<usize>)> = Vec::new();
    for entry in skipped {
        let Some(line) = entry.line else {
            groups.push((&entry.why, Vec::new()));
            continue;
        };
        match groups
            .iter_mut()
            .find(|(why, lines)| *why == entry.why && !lines.is_empty())
        {
            Some((_, lines)) => lines.push(line),
            None => groups.push((&entry.why, vec![line])),
        }
    }
    groups
}

/// Reads the ignore-revs file `file` and keeps the commits of the
/// repository at `root` it lists. `is_default`: the file was not named by
/// the user, so its absence is no problem. Never fails: a missing,
/// unreadable or hostile file gives fewer (or no) revisions to ignore.
pub async fn load_ignore_revs(root: &Path, file: &Path, is_default: bool) -> IgnoreRevsFile {
    let not_used = |why: String| IgnoreRevsFile {
        problem: Some(format!(
            "ignore-revs file {} {why}; blame ignores no revisions",
            file.display()
        )),
        ..Default::default()
    };
    // A regular file only (never a FIFO or device a link points at).
    match tokio::fs::metadata(file).await {
        Ok(meta) if meta.is_file() => {}
        Ok(_) => return not_used("is not a regular file".to_owned()),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return match is_default {
                true => IgnoreRevsFile::default(),
                false => not_used("does not exist".to_owned()),
            };
        }
        Err(err) => return not_used(format!("cannot be read ({})", err.kind())),
    }
    let text = match read_at_most(file, IGNORE_REVS_MAX_BYTES).await {
        Ok(text) => text,
        Err(err) => return not_used(format!("cannot be read ({})", err.kind())),
    };
    let (entries, mut skipped) = parse_ignore_revs(&text);
    if text.len() as u64 >= IGNORE_REVS_MAX_BYTES {
        skipped.push(Skipped {
            line: None,
            why: format!(
                "only the first {} MiB are read",
                IGNORE_REVS_MAX_BYTES >> 20
            ),
        });
    }
    if entries.is_empty() {
        return IgnoreRevsFile {
            skipped,
            ..Default::default()
        };
    }
    let ids: Vec<String> = entries.iter().map(|(id, _)| id.clone()).collect();
    let resolved = match resolve_commits(root, &ids).await {
        Ok(resolved) => resolved,
        Err(err) => return not_used(format!("cannot be resolved ({err})")),
    };
    let mut shas = Vec::new();
    for ((_, line), answer) in entries.iter().zip(resolved) {
        match answer {
            Resolved::Commit(sha) => shas.push(sha),
            _ => skipped.push(Skipped::at(*line, NOT_A_COMMIT)),
        }
    }
    shas.sort();
    shas.dedup();
    IgnoreRevsFile {
        shas,
        problem: None,
        skipped,
    }
}

/// The first `limit` bytes of `file`.
async fn read_at_most(file: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use tokio::io::AsyncReadExt;
    let mut text = Vec::new();
    tokio::fs::File::open(file)
        .await?
        .take(limit)
        .read_to_end(&mut text)
        .await?;
    Ok(text)
}

/// Identifies a set of ignored revisions (sorted full ids) in cache keys:
/// 0 for none (plain blame), else a digest of the ids.
pub fn ignore_revs_id(shas: &[String]) -> u64 {
    use sha2::{Digest, Sha256};
    if shas.is_empty() {
        return 0;
    }
    let mut hasher = Sha256::new();
    for sha in shas {
        hasher.update(sha.as_bytes());
        hasher.update(b"\n");
    }
    let digest = hasher.finalize();
    let mut bytes = [0u8; 8];
    for (to, from) in bytes.iter_mut().zip(digest.iter()) {
        *to = *from;
    }
    u64::from_le_bytes(bytes) | 1
}

pub fn parse(output: &[u8]) -> Result<CommittedBlame, String> {
    let mut commits: Vec<CommitInfo> = Vec::new();
    let mut index: HashMap<&[u8], u32> = HashMap::new();
    let mut line_commit: Vec<u32> = Vec::new();
    // Line texts by final line number, borrowed from the output.
    let mut texts: Vec<&[u8]> = Vec::new();
    let mut current: Option<u32> = None;
    let mut current_key: &[u8] = &[];
    let mut current_line = 0usize;
    let estimate = output.len() / 64;
    line_commit.reserve(estimate);
    texts.reserve(estimate);

    // Final line numbers beyond the output's own line count cannot be real.
    let most_lines = memchr::memchr_iter(b'\n', output).count() + 1;
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', output).chain([output.len()]) {
        let raw = output.get(start..end).unwrap_or_default();
        start = end + 1;
        if let Some(content) = raw.strip_prefix(b"\t") {
            // Every line has its own header naming its final line number.
            let commit = current.ok_or("content line before any header")?;
            let slot = current_line
                .checked_sub(1)
                .ok_or("final line numbers start at 1")?;
            if slot == line_commit.len() {
                // Lines come in order: the common case.
                line_commit.push(commit);
                texts.push(content);
                continue;
            }
            if slot >= most_lines {
                return Err("a final line number beyond the output".to_owned());
            }
            if slot > line_commit.len() {
                line_commit.resize(slot + 1, u32::MAX);
                texts.resize(slot + 1, &[]);
            }
            if let (Some(c), Some(t)) = (line_commit.get_mut(slot), texts.get_mut(slot)) {
                *c = commit;
                *t = content;
            }
            continue;
        }
        if raw.is_empty() {
            continue;
        }
        let (key, value) = match memchr::memchr(b' ', raw) {
            Some(i) => (
                raw.get(..i).unwrap_or_default(),
                raw.get(i + 1..).unwrap_or_default(),
            ),
            None => (raw, &b""[..]),
        };
        // 40 hex digits (SHA-1) or 64 (SHA-256 repositories).
        if (key.len() == 40 || key.len() == 64) && key.iter().all(u8::is_ascii_hexdigit) {
            // "<sha> <orig line> <final line> [<lines in group>]"
            let mut numbers = value.split(|&b| b == b' ');
            let _orig = numbers.next();
            current_line = numbers
                .next()
                .and_then(|n| std::str::from_utf8(n).ok()?.parse().ok())
                .ok_or("header without a final line number")?;
            // Consecutive lines of a group repeat their commit: skip the hash.
            if key == current_key {
                continue;
            }
            current_key = key;
            let next = commits.len() as u32;
            let id = *index.entry(key).or_insert_with(|| {
                commits.push(CommitInfo {
                    sha: String::from_utf8_lossy(key).into_owned(),
                    author: String::new(),
                    email: String::new(),
                    author_time: 0,
                    committer_time: 0,
                    summary: String::new(),
                });
                next
            });
            current = Some(id);
            continue;
        }
        let Some(commit) = current.and_then(|id| commits.get_mut(id as usize)) else {
            continue;
        };
        let text = || readable(value);
        let number = || {
            std::str::from_utf8(value)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        match key {
            b"author" => commit.author = text(),
            b"author-mail" => {
                commit.email = text()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_owned()
            }
            b"author-time" => commit.author_time = number(),
            b"committer-time" => commit.committer_time = number(),
            b"summary" => commit.summary = text(),
            _ => {}
        }
    }
    if line_commit.contains(&u32::MAX) {
        return Err("blame output skipped some lines".to_owned());
    }
    let joined = texts.join(&b'\n');
    let (text, replaced) = match String::from_utf8(joined) {
        Ok(text) => (text, None),
        Err(err) => {
            let bytes = err.into_bytes();
            let replaced = String::from_utf8_lossy(&bytes).into_owned();
            (readable(&bytes), Some(replaced))
        }
    };
    Ok(CommittedBlame {
        commits,
        line_commit,
        text,
        replaced,
        line_indexes: Default::default(),
    })
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn groups_reuse_commit_headers() {
        let a = "a".repeat(40);
        let b = "b".repeat(40);
        let out = format!(
            "{a} 1 1 2\nauthor Alice\nauthor-mail <alice@x>\nauthor-time 100\nauthor-tz +0000\n\
             committer Alice\ncommitter-mail <alice@x>\ncommitter-time 101\ncommitter-tz +0000\n\
             summary first\nfilename f\n\tline one\n{a} 2 2\n\tline two\n\
             {b} 3 3 1\nauthor Bob\nauthor-mail <bob@x>\nauthor-time 200\ncommitter-time 201\n\
             summary second\nprevious {a} f\nfilename f\n\tline three\n{a} 4 4 1\nfilename f\n\t\n"
        );
        let blame = parse(out.as_bytes()).unwrap();
        assert_eq!(blame.line_commit, vec![0, 0, 1, 0]);
        assert_eq!(
            blame.lines(),
            vec!["line one", "line two", "line three", ""]
        );
        assert_eq!(blame.commits[0].email, "alice@x");
        assert_eq!(blame.commits[1].author, "Bob");
        assert_eq!(blame.commits[1].committer_time, 201);
        assert_eq!(blame.commits[0].summary, "first");
    }

    #[test]
    fn ignore_revs_files_read_as_git_reads_them_and_junk_is_skipped() {
        let a = "a".repeat(40);
        let b = "B".repeat(64);
        let head = format!(
            "# reformat commits\n  {a}  # black\n\n{b}\r\n{a}\nnot-a-sha\n{short}\n",
            short = "c".repeat(39)
        );
        let text = [head.as_bytes(), b"\xff\xfe\n#", a.as_bytes(), b"\n"].concat();
        let (entries, skipped) = super::parse_ignore_revs(&text);
        assert_eq!(entries, vec![(a, 2), ("b".repeat(64), 4)]);
        let shown: Vec<String> = skipped.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            ["line 6", "line 7", "line 8"].map(|l| format!("{l}: not a full object id"))
        );
        let (none, skipped) = super::parse_ignore_revs(b"");
        assert!(none.is_empty() && skipped.is_empty());
        // A link to a file of secrets: only line numbers are ever shown.
        let secret = b"root:x:0:0:root:/root:/bin/bash\nSECRET_TOKEN=hunter2\0PATH=/bin\n";
        let (_, skipped) = super::parse_ignore_revs(secret);
        assert_eq!(skipped.len(), 2);
        assert!(
            skipped
                .iter()
                .map(ToString::to_string)
                .all(|m| !m.contains("root") && !m.contains("hunter2")),
            "{skipped:?}"
        );
    }

    #[test]
    fn skipped_entries_are_logged_one_line_per_reason() {
        use super::{Skipped, NOT_AN_ID, NOT_A_COMMIT};
        let skipped: Vec<Skipped> = (1..=30)
            .map(|n| Skipped::at(n, NOT_AN_ID))
            .chain([Skipped::at(40, NOT_A_COMMIT)])
            .chain([Skipped {
                line: None,
                why: "only the first 4 MiB are read".to_owned(),
            }])
            .collect();
        let groups = super::group_by_reason(&skipped);
        assert_eq!(groups.len(), 3);
        assert_eq!(groups[0].0, "not a full object id");
        assert_eq!(groups[0].1.len(), 30);
        assert_eq!(groups[1], ("not a commit of this repository", vec![40]));
        assert_eq!(groups[2], ("only the first 4 MiB are read", vec![]));
    }

    #[test]
    fn copy_move_levels_are_the_engines() {
        let levels: Vec<_> = (0..=5).map(super::copy_move_args).collect();
        assert_eq!(
            levels,
            [
                &[][..],
                &["-M"],
                &["-C"],
                &["-C", "-C"],
                &["-C", "-C", "-C"],
                &["-C", "-C", "-C"]
            ]
        );
    }

    /// A repository whose `blame.ignoreRevsFile` lists its reformat commit:
    /// (folder, original commit, reformat commit).
    fn reformatted_repo(name: &str) -> (std::path::PathBuf, String, String) {
        use crate::testing::git;
        let dir = std::env::temp_dir().join(format!("gil-blame-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        git(&dir, &["init", "-q"]);
        std::fs::write(dir.join("f.py"), "x = f(1,2)\ny = g(3,4)\n").unwrap();
        git(&dir, &["add", "."]);
        git(&dir, &["commit", "-q", "-m", "one"]);
        let original = git(&dir, &["rev-parse", "HEAD"]);
        std::fs::write(dir.join("f.py"), "x = f(1, 2)\ny = g(3, 4)\n").unwrap();
        git(&dir, &["commit", "-q", "-am", "reformat"]);
        let reformat = git(&dir, &["rev-parse", "HEAD"]);
        std::fs::write(dir.join("list"), format!("{reformat}\n")).unwrap();
        git(&dir, &["config", "blame.ignoreRevsFile", "list"]);
        (dir, original, reformat)
    }

    fn blamed(dir: &std::path::Path, options: &super::BlameOptions) -> Vec<String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let run = super::blame_porcelain(dir, "HEAD", std::path::Path::new("f.py"), options);
        let blame = parse(&runtime.block_on(run).unwrap()).unwrap();
        blame
            .line_commit
            .iter()
            .map(|&i| blame.commits[i as usize].sha.clone())
            .collect()
    }

    #[test]
    fn ignored_revisions_add_to_the_list_the_policy_empties() {
        let (dir, original, reformat) = reformatted_repo("ignore");
        // The repository's configured file is not read (the policy's
        // --no-ignore-revs-file)...
        let plain = blamed(&dir, &Default::default());
        assert_eq!(plain, vec![reformat.clone(), reformat.clone()]);
        // ...and --ignore-rev, after it, adds to the emptied list.
        let options = super::BlameOptions {
            ignore_revs: vec![reformat.clone()],
            ..Default::default()
        };
        assert_eq!(blamed(&dir, &options), vec![original.clone(), original]);
        let bad = super::BlameOptions {
            ignore_revs: vec!["--output=/tmp/x".to_owned()],
            ..Default::default()
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let run = super::blame_porcelain(&dir, "HEAD", std::path::Path::new("f.py"), &bad);
        assert!(matches!(
            runtime.block_on(run),
            Err(super::BlameError::Failed(_))
        ));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn an_ignore_revs_file_keeps_the_commits_it_lists_and_skips_the_rest() {
        use super::{load_ignore_revs, resolve_commits, Resolved};
        let (dir, original, reformat) = reformatted_repo("load");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let blob = crate::testing::git(&dir, &["rev-parse", "HEAD:f.py"]);
        let names = vec![
            reformat.clone(),
            original.get(..7).unwrap().to_owned(),
            "0".repeat(40),
            blob.clone(),
            "zz".to_owned(),
        ];
        let resolved = runtime.block_on(resolve_commits(&dir, &names)).unwrap();
        assert_eq!(
            resolved,
            vec![
                Resolved::Commit(reformat.clone()),
                Resolved::Commit(original.clone()),
                Resolved::Unknown,
                Resolved::Unknown,
                Resolved::Unknown,
            ]
        );
        let file = dir.join("list");
        std::fs::write(
            &file,
            format!("{blob}\njunk\n{reformat} # reformat\n{}\n", "1".repeat(40)),
        )
        .unwrap();
        let loaded = runtime.block_on(load_ignore_revs(&dir, &file, false));
        assert_eq!(loaded.shas, vec![reformat.clone()]);
        assert_eq!((loaded.problem, loaded.skipped.len()), (None, 3));
        let missing = dir.join("missing");
        let quiet = runtime.block_on(load_ignore_revs(&dir, &missing, true));
        assert!(quiet.shas.is_empty() && quiet.problem.is_none());
        let named = runtime.block_on(load_ignore_revs(&dir, &missing, false));
        assert!(named.problem.unwrap().contains("does not exist"));
        let folder = runtime.block_on(load_ignore_revs(&dir, &dir, false));
        assert!(folder.problem.unwrap().contains("not a regular file"));
        assert_ne!(super::ignore_revs_id(&[reformat]), 0);
        assert_eq!(super::ignore_revs_id(&[]), 0);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn latin1_text_reads_as_latin1_and_keeps_a_replaced_variant() {
        let a = "a".repeat(40);
        let mut out = format!("{a} 1 1 1\nauthor Jos").into_bytes();
        out.extend_from_slice(b"\xe9\nfilename f\n\tcaf\xe9\n");
        let blame = parse(&out).unwrap();
        assert_eq!(blame.commits[0].author, "Jos\u{e9}");
        assert_eq!(blame.text, "caf\u{e9}");
        assert_eq!(blame.replaced.as_deref(), Some("caf\u{fffd}"));
    }
}

/// Property tests (fuzzing with a bounded number of cases, run by `cargo test`).
#[cfg(test)]
mod fuzz {
    use proptest::prelude::*;

    fn porcelain_line() -> impl Strategy<Value = Vec<u8>> {
        let sha = prop_oneof![Just("a".repeat(40)), Just("b".repeat(40)), "[0-9a-f]{40}"];
        prop_oneof![
            (sha, 0u32..6, 0u32..8, prop::option::of(0u32..4)).prop_map(|(s, o, f, n)| {
                match n {
                    Some(n) => format!("{s} {o} {f} {n}").into_bytes(),
                    None => format!("{s} {o} {f}").into_bytes(),
                }
            }),
            ".{0,12}".prop_map(|t| format!("author {t}").into_bytes()),
            ".{0,12}".prop_map(|t| format!("author-mail <{t}>").into_bytes()),
            "[0-9-]{0,12}".prop_map(|t| format!("author-time {t}").into_bytes()),
            prop::collection::vec(any::<u8>(), 0..12).prop_map(|t| [b"\t".to_vec(), t].concat()),
            prop::collection::vec(any::<u8>(), 0..12),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// Whatever git printed, parsing never panics, and what it returns
        /// is consistent (every index points at a commit, one text line per
        /// blamed line).
        #[test]
        fn any_output_parses_to_a_consistent_blame_or_an_error(
            lines in prop::collection::vec(porcelain_line(), 0..30),
            raw in prop::collection::vec(any::<u8>(), 0..200),
        ) {
            for output in [lines.join(&b'\n'), raw] {
                if let Ok(blame) = super::parse(&output) {
                    prop_assert!(blame.is_consistent());
                }
            }
        }
    }
}

//! `git blame --porcelain` of committed content: running it, and reading
//! its output in Rust (the editor's first blame and the CLI's `blame` share
//! this), so a blame costs about what `git blame` itself costs.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{command, commit_graph, first_message, output, readable, BLAME_TIMEOUT};

pub const NOT_COMMITTED: &str = "0000000000000000000000000000000000000000";

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
            author: "Not Committed Yet".to_owned(),
            email: String::new(),
            author_time: 0,
            committer_time: 0,
            summary: "Not Committed Yet".to_owned(),
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
        let text = match &self.replaced {
            Some(replaced) if buffer.contains('\u{fffd}') => replaced,
            _ => &self.text,
        };
        let mut lines = split_committed(text, self.line_commit.len());
        for line in lines.iter_mut() {
            *line = line.strip_suffix('\r').unwrap_or(line);
        }
        if let Some(first) = lines.first_mut() {
            *first = first.strip_prefix('\u{feff}').unwrap_or(first);
        }
        lines
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
        text + commits + self.line_commit.len() * 4 + 64
    }
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
/// `path` is relative to `root`, as bytes.
pub async fn blame_porcelain(root: &Path, rev: &str, path: &Path) -> Result<Vec<u8>, BlameError> {
    if rev.starts_with('-') {
        return Err(BlameError::Failed(format!("not a revision: {rev}")));
    }
    let mut cmd = command(root, "blame");
    if let Some(objects) = commit_graph::existing(root) {
        cmd.env("GIT_ALTERNATE_OBJECT_DIRECTORIES", objects);
    }
    cmd.args(["--porcelain", rev, "--"]).arg(path);
    let shown = path.to_string_lossy();
    let what = format!("git blame {rev} -- {shown}");
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

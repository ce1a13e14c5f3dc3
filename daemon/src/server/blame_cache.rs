//! Blame of committed content, per (repository, commit, path). It never
//! changes for a given commit, so it is computed once and kept until the
//! memory budget evicts it (least recently used first).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::lru::Lru;
use serde::{Deserialize, Serialize};

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

    fn approx_bytes(&self) -> usize {
        let text = self.text.len() + self.replaced.as_ref().map_or(0, String::len);
        let commits: usize = self
            .commits
            .iter()
            .map(|c| 120 + c.author.len() + c.email.len() + c.summary.len())
            .sum();
        text + commits + self.line_commit.len() * 4 + 64
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BlameKey {
    pub root: PathBuf,
    pub revision: String,
    /// Relative to `root`; bytes, as git names it.
    pub path: PathBuf,
    /// The mailmap the blame's names went through (`Repository::mailmap_id`).
    pub mailmap: u64,
}

/// Committed blame in memory, bounded by the configured budget.
pub type BlameStore = Lru<BlameKey, Arc<CommittedBlame>>;

pub fn new_blame_store(budget_bytes: usize) -> BlameStore {
    Lru::new(budget_bytes, |b: &Arc<CommittedBlame>| b.approx_bytes())
}

impl BlameStore {
    /// After HEAD moved from `old` to `new`: files the move did not change
    /// have the same blame, so their entries serve the new revision too.
    pub fn carry_over(&self, root: &Path, old: &str, new: &str, changed: &[PathBuf]) -> usize {
        let changed: HashSet<&Path> = changed.iter().map(PathBuf::as_path).collect();
        let carried: Vec<(BlameKey, Arc<CommittedBlame>)> = self
            .entries()
            .into_iter()
            .filter(|(k, _)| {
                k.root == root && k.revision == old && !changed.contains(k.path.as_path())
            })
            .map(|(mut key, blame)| {
                key.revision = new.to_owned();
                (key, blame)
            })
            .collect();
        let n = carried.len();
        for (key, blame) in carried {
            self.insert(key, blame);
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blame(lines: usize) -> Arc<CommittedBlame> {
        let text = (0..lines)
            .map(|i| format!("line {i} {}", "x".repeat(40)))
            .collect::<Vec<_>>()
            .join("\n");
        Arc::new(CommittedBlame {
            commits: vec![CommitInfo::not_committed()],
            line_commit: vec![0; lines],
            text,
            replaced: None,
        })
    }

    fn key(path: &str, rev: &str) -> BlameKey {
        BlameKey {
            root: PathBuf::from("/r"),
            revision: rev.into(),
            path: path.into(),
            mailmap: 0,
        }
    }

    #[test]
    fn least_recently_used_is_evicted_over_budget() {
        let one = blame(100).approx_bytes();
        let store = new_blame_store(one * 2 + one / 2);
        store.insert(key("a", "1"), blame(100));
        store.insert(key("b", "1"), blame(100));
        store.get(&key("a", "1"));
        store.insert(key("c", "1"), blame(100));
        assert!(store.get(&key("a", "1")).is_some());
        assert!(
            store.get(&key("b", "1")).is_none(),
            "b was least recently used"
        );
        assert!(store.used_bytes() <= one * 2 + one / 2);
    }

    #[test]
    fn carry_over_skips_changed_paths() {
        let store = new_blame_store(usize::MAX);
        store.insert(key("a", "1"), blame(1));
        store.insert(key("b", "1"), blame(1));
        assert_eq!(
            store.carry_over(Path::new("/r"), "1", "2", &["b".into()]),
            1
        );
        assert!(store.get(&key("a", "2")).is_some());
        assert!(store.get(&key("b", "2")).is_none());
    }
}

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
    /// line), to diff the buffer against.
    pub text: String,
}

impl CommittedBlame {
    /// A file git does not track at the revision: nothing is committed.
    pub fn untracked() -> CommittedBlame {
        CommittedBlame {
            commits: vec![],
            line_commit: vec![],
            text: String::new(),
        }
    }

    /// The committed lines.
    pub fn lines(&self) -> Vec<&str> {
        if self.line_commit.is_empty() {
            return Vec::new();
        }
        let mut lines = Vec::with_capacity(self.line_commit.len());
        let mut start = 0;
        for end in memchr::memchr_iter(b'\n', self.text.as_bytes()) {
            lines.push(&self.text[start..end]);
            start = end + 1;
        }
        lines.push(&self.text[start..]);
        lines
    }

    fn approx_bytes(&self) -> usize {
        let text = self.text.len();
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
    pub path: String,
}

/// Committed blame in memory, bounded by the configured budget.
pub type BlameStore = Lru<BlameKey, Arc<CommittedBlame>>;

pub fn new_blame_store(budget_bytes: usize) -> BlameStore {
    Lru::new(budget_bytes, |b: &Arc<CommittedBlame>| b.approx_bytes())
}

impl BlameStore {
    /// After HEAD moved from `old` to `new`: files the move did not change
    /// have the same blame, so their entries serve the new revision too.
    pub fn carry_over(&self, root: &Path, old: &str, new: &str, changed: &[String]) -> usize {
        let changed: HashSet<&str> = changed.iter().map(String::as_str).collect();
        let carried: Vec<(BlameKey, Arc<CommittedBlame>)> = self
            .entries()
            .into_iter()
            .filter(|(k, _)| {
                k.root == root && k.revision == old && !changed.contains(k.path.as_str())
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
        })
    }

    fn key(path: &str, rev: &str) -> BlameKey {
        BlameKey {
            root: PathBuf::from("/r"),
            revision: rev.into(),
            path: path.into(),
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

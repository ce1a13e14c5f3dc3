//! Blame of committed content, per (repository, commit, path). It never
//! changes for a given commit, so it is computed once and kept until the
//! memory budget evicts it (least recently used first).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use super::lru::Lru;

pub const NOT_COMMITTED: &str = "0000000000000000000000000000000000000000";

#[derive(Debug, Clone, Serialize, PartialEq)]
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

#[derive(Debug)]
pub struct CommittedBlame {
    pub commits: Vec<CommitInfo>,
    /// Index into `commits` for each committed line.
    pub line_commit: Vec<u32>,
    /// The committed lines, to diff the buffer against.
    pub texts: Vec<String>,
}

impl CommittedBlame {
    /// A file git does not track at the revision: nothing is committed.
    pub fn untracked() -> CommittedBlame {
        CommittedBlame {
            commits: vec![],
            line_commit: vec![],
            texts: vec![],
        }
    }

    /// From `gigui.api.blame_file(..., with_text=True)`.
    pub fn from_engine(value: &Value) -> Option<CommittedBlame> {
        let mut index = std::collections::HashMap::new();
        let mut commits = Vec::new();
        for c in value.get("commits")?.as_array()? {
            let info = CommitInfo {
                sha: c.get("sha")?.as_str()?.to_owned(),
                author: str_field(c, "author"),
                email: str_field(c, "email"),
                author_time: c.get("author_time").and_then(Value::as_i64).unwrap_or(0),
                committer_time: c.get("committer_time").and_then(Value::as_i64).unwrap_or(0),
                summary: str_field(c, "summary"),
            };
            index.insert(info.sha.clone(), commits.len() as u32);
            commits.push(info);
        }
        let texts: Vec<String> = value
            .get("texts")?
            .as_array()?
            .iter()
            .map(|t| t.as_str().unwrap_or_default().to_owned())
            .collect();
        let mut line_commit = vec![0u32; texts.len()];
        for hunk in value.get("hunks")?.as_array()? {
            let start = hunk.get("start_line")?.as_u64()? as usize;
            let count = hunk.get("line_count")?.as_u64()? as usize;
            let commit = *index.get(hunk.get("commit")?.as_str()?)?;
            for slot in line_commit.get_mut(start.checked_sub(1)?..start - 1 + count)? {
                *slot = commit;
            }
        }
        Some(CommittedBlame {
            commits,
            line_commit,
            texts,
        })
    }

    fn approx_bytes(&self) -> usize {
        let texts: usize = self.texts.iter().map(|t| t.len() + 24).sum();
        let commits: usize = self
            .commits
            .iter()
            .map(|c| 120 + c.author.len() + c.email.len() + c.summary.len())
            .sum();
        texts + commits + self.line_commit.len() * 4 + 64
    }
}

fn str_field(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
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
    use serde_json::json;

    fn blame(lines: usize) -> Arc<CommittedBlame> {
        let texts: Vec<String> = (0..lines)
            .map(|i| format!("line {i} {}", "x".repeat(40)))
            .collect();
        Arc::new(CommittedBlame {
            commits: vec![CommitInfo::not_committed()],
            line_commit: vec![0; lines],
            texts,
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

    #[test]
    fn parses_engine_hunks() {
        let value = json!({
            "commits": [{"sha": "s1", "author": "A"}, {"sha": "s2", "author": "B"}],
            "hunks": [{"start_line": 1, "line_count": 2, "commit": "s1"},
                      {"start_line": 3, "line_count": 1, "commit": "s2"}],
            "texts": ["x", "y", "z"],
        });
        let b = CommittedBlame::from_engine(&value).unwrap();
        assert_eq!(b.line_commit, vec![0, 0, 1]);
    }
}

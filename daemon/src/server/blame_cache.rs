//! Blame of committed content, per (repository, commit, path, mailmap,
//! ignored revisions). It
//! never changes for a given commit, so it is computed once and kept until
//! the memory budget evicts it (least recently used first).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::lru::Lru;
pub use crate::git::blame::{CommitInfo, CommittedBlame, NOT_COMMITTED};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BlameKey {
    pub root: PathBuf,
    pub revision: String,
    /// Relative to `root`; bytes, as git names it.
    pub path: PathBuf,
    /// The mailmap the blame's names went through (`Repository::mailmap_id`).
    pub mailmap: u64,
    /// The revisions blame looked through (`git::blame::ignore_revs_id`,
    /// 0: none). Carried over to a new HEAD with the entry: an entry is
    /// only ever served under the set it was computed with.
    pub ignore_revs: u64,
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
            line_indexes: Default::default(),
        })
    }

    fn key(path: &str, rev: &str) -> BlameKey {
        BlameKey {
            root: PathBuf::from("/r"),
            revision: rev.into(),
            path: path.into(),
            mailmap: 0,
            ignore_revs: 0,
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
    fn carry_over_keeps_the_ignored_revisions_of_each_entry() {
        let store = new_blame_store(usize::MAX);
        let ignoring = BlameKey {
            ignore_revs: 7,
            ..key("a", "1")
        };
        store.insert(ignoring.clone(), blame(2));
        store.carry_over(Path::new("/r"), "1", "2", &[]);
        assert!(store
            .get(&BlameKey {
                revision: "2".into(),
                ..ignoring
            })
            .is_some());
        assert!(
            store.get(&key("a", "2")).is_none(),
            "blame computed ignoring revisions is not plain blame at the new HEAD"
        );
    }
}

//! The blame answers a client may hold, per document. A client that names
//! the one it has (`previousResultId`) gets only what changed since: one
//! edit of the flat `runs` array, as LSP's semantic-token deltas do. After a
//! keystroke that is a few numbers instead of the whole file's blame.

use crate::line_map::{common_ends, middle};
use std::collections::VecDeque;
use std::sync::Arc;

use serde::Serialize;

/// Answers kept per document: the client's requests may overtake each other.
const KEPT: usize = 4;

#[derive(Default)]
pub struct AnswerHistory {
    entries: VecDeque<(String, Arc<Vec<u32>>)>,
}

impl AnswerHistory {
    pub fn remember(&mut self, result_id: &str, runs: Arc<Vec<u32>>) {
        self.entries.retain(|(id, _)| id != result_id);
        if self.entries.len() == KEPT {
            self.entries.pop_front();
        }
        self.entries.push_back((result_id.to_owned(), runs));
    }

    /// The runs of an earlier answer, if still kept and of the same
    /// revision as `current` (commit indexes mean the same only there).
    pub fn find(&self, result_id: &str, current: &str) -> Option<Arc<Vec<u32>>> {
        if revision_of(result_id) != revision_of(current) {
            return None;
        }
        self.entries
            .iter()
            .find(|(id, _)| id == result_id)
            .map(|(_, runs)| runs.clone())
    }
}

/// Result ids are `<revision>:<document version>`.
fn revision_of(result_id: &str) -> &str {
    result_id.rsplit_once(':').map_or(result_id, |(rev, _)| rev)
}

/// Replace `delete_count` numbers at `start` with `data`.
#[derive(Debug, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RunsEdit {
    pub start: usize,
    pub delete_count: usize,
    pub data: Vec<u32>,
}

/// The one edit turning `old` into `new`: everything between their common
/// prefix and common suffix.
pub fn runs_edit(old: &[u32], new: &[u32]) -> RunsEdit {
    let (prefix, suffix) = common_ends(old, new);
    RunsEdit {
        start: prefix,
        delete_count: old.len() - prefix - suffix,
        data: middle(new, prefix, suffix).to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(old: &[u32], edit: &RunsEdit) -> Vec<u32> {
        let mut out = old.to_vec();
        out.splice(
            edit.start..edit.start + edit.delete_count,
            edit.data.iter().copied(),
        );
        out
    }

    #[test]
    fn edits_apply_back_to_the_new_runs() {
        let cases: [(&[u32], &[u32]); 6] = [
            (&[3, 0, 2, 1], &[3, 0, 2, 1]),
            (&[5, 0], &[2, 0, 1, 1, 2, 0]),
            (&[2, 0, 1, 1, 2, 0], &[5, 0]),
            (&[1, 0, 1, 0], &[1, 0]),
            (&[], &[4, 2]),
            (&[4, 2], &[]),
        ];
        for (old, new) in cases {
            let edit = runs_edit(old, new);
            assert_eq!(apply(old, &edit), new, "{old:?} -> {new:?}: {edit:?}");
        }
        assert_eq!(runs_edit(&[3, 0, 2, 1], &[3, 0, 2, 1]).delete_count, 0);
    }

    #[test]
    fn history_is_bounded_and_per_revision() {
        let mut history = AnswerHistory::default();
        for v in 0..6 {
            history.remember(&format!("abc:{v}"), Arc::new(vec![v]));
        }
        assert!(history.find("abc:1", "abc:9").is_none(), "evicted");
        assert_eq!(*history.find("abc:5", "abc:9").unwrap(), vec![5]);
        assert!(history.find("abc:5", "def:9").is_none(), "other revision");
    }
}

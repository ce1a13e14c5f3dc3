//! Maps the blame of committed content onto an edited buffer: lines the
//! diff keeps equal keep their commit, all others are not committed.

use similar::{capture_diff_slices, Algorithm, DiffOp};

/// For each buffer line, the index of the committed line it is, if unchanged.
pub fn map_lines(committed: &[&str], buffer: &[&str]) -> Vec<Option<u32>> {
    let mut mapped = vec![None; buffer.len()];
    if committed == buffer {
        for (i, slot) in mapped.iter_mut().enumerate() {
            *slot = Some(i as u32);
        }
        return mapped;
    }
    for op in capture_diff_slices(Algorithm::Myers, committed, buffer) {
        if let DiffOp::Equal {
            old_index,
            new_index,
            len,
        } = op
        {
            for k in 0..len {
                mapped[new_index + k] = Some((old_index + k) as u32);
            }
        }
    }
    mapped
}

#[cfg(test)]
mod tests {
    use super::map_lines;

    #[test]
    fn edited_and_inserted_lines_lose_their_commit() {
        let committed = ["a", "b", "c", "d"];
        let buffer = ["a", "B", "c", "new", "d"];
        assert_eq!(
            map_lines(&committed, &buffer),
            vec![Some(0), None, Some(2), None, Some(3)]
        );
    }

    #[test]
    fn deletions_shift_the_following_lines() {
        assert_eq!(
            map_lines(&["a", "b", "c"], &["a", "c"]),
            vec![Some(0), Some(2)]
        );
        assert_eq!(map_lines(&[], &["x"]), vec![None]);
    }
}

//! The blame of a document as the editor holds it (a view): committed blame
//! mapped onto unsaved edits by a line diff, and what requests read from it.
//! Built by `blame_service`.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use serde_json::{json, Value};
use tower_lsp::lsp_types::Url;

use super::blame_cache::{CommitInfo, CommittedBlame, NOT_COMMITTED};
use super::blocks;
use super::documents::{split_lines, Block};
use crate::git;
use crate::line_map::{map_text, NO_LINE};

pub struct DocumentBlame {
    pub uri: Url,
    pub version: Option<i32>,
    pub repository: Option<PathBuf>,
    pub path: String,
    pub revision: Option<String>,
    /// The mailmap the names went through (`Repository::mailmap_id`).
    pub mailmap: u64,
    /// The revisions blame looked through (`git::blame::ignore_revs_id`).
    pub ignore_revs: u64,
    /// Per entry of `commits`, its author's rank in the file (`author_ranks`).
    author_ranks: Vec<Option<u32>>,
    /// The path relative to `repository`, as git names it (bytes).
    pub git_path: PathBuf,
    /// Per buffer line, an index into `commits`.
    pub lines: Vec<u32>,
    /// Per buffer line, the committed line (0-based, at `revision`) it is,
    /// `NO_LINE` for a line that is not committed.
    committed_lines: Vec<u32>,
    pub commits: Vec<CommitInfo>,
    /// Inputs of `blocks()`, computed only when lenses are asked for.
    text: String,
    language_id: Option<String>,
    supplied_blocks: Option<Vec<Block>>,
    blocks: OnceLock<Vec<Block>>,
    /// The buffer's lines' lengths in UTF-16 units, computed for inlay hints.
    line_ends: OnceLock<Vec<u32>>,
    /// The `gitinspector/blame` answer, built on first request.
    pub json: OnceLock<Arc<Value>>,
    /// Its `runs`, kept to answer the next version with a delta.
    runs: OnceLock<Arc<Vec<u32>>>,
}

/// The buffer (or file on disk) a view is built from.
pub struct Buffer {
    pub version: Option<i32>,
    pub text: String,
    pub language_id: Option<String>,
    pub supplied_blocks: Option<Vec<Block>>,
}

impl DocumentBlame {
    /// A document in no repository: nothing is blamed.
    pub fn outside_repository(uri: &Url, buffer: Buffer, path: PathBuf) -> DocumentBlame {
        DocumentBlame::new(uri, buffer, None, path, None, 0, vec![], vec![])
    }

    /// The committed blame of a file at a revision, as is (no buffer):
    /// the blame of an earlier version (`gitinspector.blamePrior`).
    pub fn of_revision(
        uri: &Url,
        root: PathBuf,
        relative: PathBuf,
        revision: String,
        mailmap: u64,
        committed: &CommittedBlame,
    ) -> DocumentBlame {
        let buffer = Buffer {
            version: None,
            text: String::new(),
            language_id: None,
            supplied_blocks: None,
        };
        let mut commits = committed.commits.clone();
        commits.push(CommitInfo::not_committed());
        let mut view = DocumentBlame::new(
            uri,
            buffer,
            Some(root),
            relative,
            Some(revision),
            mailmap,
            committed.line_commit.clone(),
            commits,
        );
        view.committed_lines = (0..view.lines.len() as u32).collect();
        view.author_ranks = author_ranks(committed);
        view
    }

    /// `committed` mapped onto `buffer`'s lines.
    pub fn mapped(
        uri: &Url,
        buffer: Buffer,
        root: PathBuf,
        relative: PathBuf,
        head: Option<String>,
        mailmap: u64,
        committed: &CommittedBlame,
    ) -> DocumentBlame {
        let (lines, committed_lines, commits) = map_onto_buffer(committed, &buffer.text);
        let ranks = author_ranks(committed);
        let mut view = DocumentBlame::new(
            uri,
            buffer,
            Some(root),
            relative,
            head,
            mailmap,
            lines,
            commits,
        );
        view.author_ranks = ranks;
        view.committed_lines = committed_lines;
        view
    }

    #[allow(clippy::too_many_arguments)]
    fn new(
        uri: &Url,
        buffer: Buffer,
        repository: Option<PathBuf>,
        git_path: PathBuf,
        revision: Option<String>,
        mailmap: u64,
        lines: Vec<u32>,
        commits: Vec<CommitInfo>,
    ) -> DocumentBlame {
        DocumentBlame {
            uri: uri.clone(),
            version: buffer.version,
            repository,
            path: git::readable_path(&git_path),
            git_path,
            revision,
            mailmap,
            ignore_revs: 0,
            author_ranks: Vec::new(),
            committed_lines: Vec::new(),
            lines,
            commits,
            text: buffer.text,
            language_id: buffer.language_id,
            supplied_blocks: buffer.supplied_blocks,
            blocks: OnceLock::new(),
            line_ends: OnceLock::new(),
            json: OnceLock::new(),
            runs: OnceLock::new(),
        }
    }

    /// The committed line (0-based, at `revision`) buffer line `line` is;
    /// `None` for a line that is not committed (or out of range).
    pub fn committed_line(&self, line: u32) -> Option<u32> {
        self.committed_lines
            .get(line as usize)
            .copied()
            .filter(|&l| l != NO_LINE)
    }

    pub fn commit_at(&self, line: u32) -> Option<&CommitInfo> {
        self.lines
            .get(line as usize)
            .and_then(|&i| self.commits.get(i as usize))
    }

    /// Lines `[start, end)`, clamped to the document.
    fn line_range(&self, start: usize, end: usize) -> &[u32] {
        let end = end.min(self.lines.len());
        self.lines.get(start.min(end)..end).unwrap_or_default()
    }

    /// Top-level blocks: the editor's, else parsed (tree-sitter or indentation).
    pub fn blocks(&self) -> &[Block] {
        self.blocks.get_or_init(|| match &self.supplied_blocks {
            Some(blocks) => blocks.clone(),
            None => {
                let path = self.uri.to_file_path().unwrap_or_default();
                blocks::detect(&self.text, self.language_id.as_deref(), &path)
            }
        })
    }

    /// The blocks that get a lens, in order: at least `min_lines` long (the
    /// item itself, from its first line that is not an attribute or
    /// comment), no imports, within the document. An editor's blocks move
    /// up over the attributes, decorators and comments right above them.
    pub fn lens_blocks(&self, min_lines: u32) -> Vec<Block> {
        let lines = split_lines(&self.text);
        let Some(last) = lines.len().checked_sub(1) else {
            return Vec::new();
        };
        let supplied = self.supplied_blocks.is_some();
        let mut kept: Vec<Block> = self
            .blocks()
            .iter()
            .filter_map(|block| {
                let mut block = block.clone();
                block.end_line = block.end_line.min(last as u32);
                if block.start_line > block.end_line {
                    return None;
                }
                if supplied {
                    block.start_line = blocks::extend_over_prefix(&lines, block.start_line);
                }
                let header = (block.start_line..=block.end_line)
                    .find(|&k| {
                        lines
                            .get(k as usize)
                            .is_some_and(|l| !l.trim().is_empty() && !blocks::is_prefix_line(l))
                    })
                    .unwrap_or(block.start_line);
                let long_enough = block.end_line + 1 - header >= min_lines.max(1);
                (long_enough && !blocks::is_import_block(&lines, &block)).then_some(block)
            })
            .collect();
        kept.sort_by_key(|b| b.start_line);
        kept
    }

    /// Where a line ends, in UTF-16 units (LSP positions).
    pub fn line_end(&self, line: usize) -> u32 {
        let ends = self.line_ends.get_or_init(|| {
            split_lines(&self.text)
                .iter()
                .map(|l| l.encode_utf16().count() as u32)
                .collect()
        });
        ends.get(line).copied().unwrap_or(0)
    }

    pub fn in_repository(&self) -> bool {
        self.repository.is_some()
    }

    /// Identifies this answer: equal ids mean equal blame (same document
    /// version at the same HEAD). `None` for documents that are not open.
    pub fn result_id(&self) -> Option<String> {
        // Everything before the last ':' names the commit table: deltas are
        // made only between answers that share it (same HEAD, same mailmap,
        // same ignored revisions).
        let version = self.version?;
        Some(format!(
            "{}.{:x}.{:x}:{version}",
            self.revision.as_deref().unwrap_or("none"),
            self.mailmap,
            self.ignore_revs
        ))
    }

    /// The compact form served by `gitinspector/blame`, built once per view.
    pub fn to_json(&self, current_user: &Value) -> Arc<Value> {
        self.json
            .get_or_init(|| Arc::new(self.build_json(current_user)))
            .clone()
    }

    /// Flat `[lineCount, commitIndex, lineCount, commitIndex, …]`: each run
    /// of consecutive lines blamed on one commit, in order. A 5,000-line file
    /// is a few kilobytes this way, where an object per hunk with the sha
    /// spelled out is over a hundred, and decoding that dominated a request.
    pub fn runs(&self) -> Arc<Vec<u32>> {
        self.runs
            .get_or_init(|| {
                let mut runs = Vec::new();
                for chunk in self.lines.chunk_by(|a, b| a == b) {
                    if let Some(&commit) = chunk.first() {
                        runs.push(chunk.len() as u32);
                        runs.push(commit);
                    }
                }
                Arc::new(runs)
            })
            .clone()
    }

    fn build_json(&self, current_user: &Value) -> Value {
        let runs = self.runs();
        let user_email = current_user
            .get("email")
            .and_then(Value::as_str)
            .map(str::to_lowercase);
        let commits: Vec<Value> = self
            .commits
            .iter()
            .enumerate()
            .map(|(index, c)| {
                let mut v = serde_json::to_value(c).unwrap_or_default();
                let mine = c.sha != NOT_COMMITTED
                    && user_email.as_deref() == Some(c.email.to_lowercase().as_str());
                if let Some(map) = v.as_object_mut() {
                    map.insert("isCurrentUser".into(), json!(mine));
                    map.insert("authorRank".into(), json!(self.author_ranks.get(index)));
                }
                v
            })
            .collect();
        json!({
            "uri": self.uri,
            "version": self.version,
            "repository": self.repository.as_deref().map(crate::git::readable_path),
            "path": self.path,
            "revision": self.revision,
            "lineCount": self.lines.len(),
            "runs": *runs,
            "commits": commits,
            "currentUser": current_user,
            "resultId": self.result_id(),
        })
    }
}

/// Per buffer line, an index into the returned commit table: the committed
/// blame's commits, then "not committed" (always last, used or not: the
/// table then stays the same for every version of the document at one
/// revision, and a delta answer never has to resend it).
/// Per commit of `committed` (then "not committed": `None`), its author's
/// rank in the file: 0 for the author of the most committed lines, then the
/// next (ties by name). Clients colour authors by rank, so the main authors
/// of a file always get distinct colours; ranks are of the committed file,
/// so they do not move while the user types.
fn author_ranks(committed: &CommittedBlame) -> Vec<Option<u32>> {
    use std::collections::HashMap;
    // Lines per commit first: a large file has few commits and many lines.
    let mut per_commit = vec![0usize; committed.commits.len()];
    for &i in &committed.line_commit {
        if let Some(n) = per_commit.get_mut(i as usize) {
            *n += 1;
        }
    }
    let key = |c: &CommitInfo| (c.author.clone(), c.email.to_lowercase());
    let mut lines: HashMap<(String, String), usize> = HashMap::new();
    for (c, n) in committed.commits.iter().zip(&per_commit) {
        if *n > 0 {
            *lines.entry(key(c)).or_default() += n;
        }
    }
    let mut order: Vec<_> = lines.into_iter().collect();
    order.sort_by(|(a, n), (b, m)| m.cmp(n).then_with(|| a.cmp(b)));
    let rank: HashMap<_, u32> = order
        .into_iter()
        .enumerate()
        .map(|(r, (k, _))| (k, r as u32))
        .collect();
    let mut ranks: Vec<Option<u32>> = committed
        .commits
        .iter()
        .map(|c| rank.get(&key(c)).copied())
        .collect();
    ranks.push(None);
    ranks
}

/// Per buffer line: its commit (index into the returned table) and the
/// committed line it is (`NO_LINE`: none).
fn map_onto_buffer(
    committed: &CommittedBlame,
    text: &str,
) -> (Vec<u32>, Vec<u32>, Vec<CommitInfo>) {
    let committed_lines = map_text(&committed.committed_like(text), text);
    let mut commits = committed.commits.clone();
    let not_committed = commits.len() as u32;
    commits.push(CommitInfo::not_committed());
    let lines = committed_lines
        .iter()
        .map(|&m| {
            committed
                .line_commit
                .get(m as usize)
                .copied()
                .unwrap_or(not_committed)
        })
        .collect();
    (lines, committed_lines, commits)
}

/// One author's share of some lines of a document.
pub struct AuthorShare<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub lines: usize,
    /// The author's most recent commit among these lines.
    pub latest: &'a CommitInfo,
}

impl DocumentBlame {
    /// Authors of the committed lines among `[start, end)`, most lines
    /// first; lines that are not committed have no author.
    pub fn authors(&self, start: usize, end: usize) -> Vec<AuthorShare<'_>> {
        let mut shares: Vec<AuthorShare<'_>> = Vec::new();
        for &index in self.line_range(start, end) {
            let Some(commit) = self.commits.get(index as usize) else {
                continue;
            };
            if commit.sha == NOT_COMMITTED {
                continue;
            }
            match shares.iter_mut().find(|s| s.name == commit.author) {
                Some(share) => {
                    share.lines += 1;
                    if commit.author_time > share.latest.author_time {
                        share.latest = commit;
                    }
                }
                None => shares.push(AuthorShare {
                    name: &commit.author,
                    email: &commit.email,
                    lines: 1,
                    latest: commit,
                }),
            }
        }
        shares.sort_by(|a, b| b.lines.cmp(&a.lines).then(a.name.cmp(b.name)));
        shares
    }

    /// How many of lines `[start, end)` are not committed.
    pub fn uncommitted(&self, start: usize, end: usize) -> usize {
        self.line_range(start, end)
            .iter()
            .filter(|&&i| {
                self.commits
                    .get(i as usize)
                    .is_none_or(|c| c.sha == NOT_COMMITTED)
            })
            .count()
    }

    /// The most recent commit among lines `[start, end)`.
    pub fn latest(&self, start: usize, end: usize) -> Option<&CommitInfo> {
        self.line_range(start, end)
            .iter()
            .filter_map(|&i| self.commits.get(i as usize))
            .filter(|c| c.sha != NOT_COMMITTED)
            .max_by_key(|c| c.author_time)
    }
}

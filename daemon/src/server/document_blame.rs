//! The blame of a document as the editor holds it: committed blame from the
//! cache (or one `git blame`), mapped onto unsaved edits by a line diff.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use serde_json::{json, Value};
use tower_lsp::lsp_types::Url;

use super::blame_cache::{BlameKey, CommitInfo, CommittedBlame, NOT_COMMITTED};
use super::blocks;
use super::documents::{split_lines, Block};
use super::line_map::map_lines;
use super::porcelain;
use super::session::{shared_work, Session};
use crate::engine::{CallHooks, EngineError};
use crate::git;
use crate::git::commit::CommitDetails;
use crate::repo::Repository;

pub struct DocumentBlame {
    pub uri: Url,
    pub version: Option<i32>,
    pub repository: Option<PathBuf>,
    pub path: String,
    pub revision: Option<String>,
    /// The mailmap the names went through (`Repository::mailmap_id`).
    pub mailmap: u64,
    /// The path relative to `repository`, as git names it (bytes).
    pub git_path: PathBuf,
    /// Per buffer line, an index into `commits`.
    pub lines: Vec<u32>,
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
struct Buffer {
    version: Option<i32>,
    text: String,
    language_id: Option<String>,
    supplied_blocks: Option<Vec<Block>>,
}

impl DocumentBlame {
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
            path: porcelain::readable(git_path.as_os_str().as_encoded_bytes()),
            git_path,
            revision,
            mailmap,
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
        // made only between answers that share it (same HEAD, same mailmap).
        let version = self.version?;
        Some(format!(
            "{}.{:x}:{version}",
            self.revision.as_deref().unwrap_or("none"),
            self.mailmap
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
            .map(|c| {
                let mut v = serde_json::to_value(c).unwrap_or_default();
                let mine = c.sha != NOT_COMMITTED
                    && user_email.as_deref() == Some(c.email.to_lowercase().as_str());
                if let Some(map) = v.as_object_mut() {
                    map.insert("isCurrentUser".into(), json!(mine));
                }
                v
            })
            .collect();
        json!({
            "uri": self.uri,
            "version": self.version,
            "repository": self.repository,
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

impl Session {
    /// The document's blame now. Outside a repository: an empty blame.
    pub async fn document_blame(
        self: &Arc<Self>,
        uri: &Url,
    ) -> Result<Arc<DocumentBlame>, EngineError> {
        let path = uri.to_file_path().unwrap_or_default();
        let repo = Repository::discover(&path);
        let head = repo.as_ref().and_then(Repository::head);
        let mailmap = repo.as_ref().map_or(0, Repository::mailmap_id);
        let version = self.documents.get(uri).map(|d| d.version);
        if let Some(view) = self.views.get(uri) {
            if view.version.is_some()
                && view.version == version
                && view.revision == head
                && view.mailmap == mailmap
                && view.repository.as_ref() == repo.as_ref().map(|r| &r.root)
            {
                return Ok(view.clone());
            }
        }
        if version.is_none() {
            return self.build_view(uri, &path, repo, head).await;
        }
        // Requests for one version of a document share one build.
        let key = (uri.clone(), version, head.clone(), mailmap);
        let build = self.build_view(uri, &path, repo, head);
        shared_work(&self.view_builds, key, build).await
    }

    async fn build_view(
        self: &Arc<Self>,
        uri: &Url,
        path: &Path,
        repo: Option<Repository>,
        head: Option<String>,
    ) -> Result<Arc<DocumentBlame>, EngineError> {
        let buffer = match self.documents.get(uri) {
            Some(doc) => Buffer {
                version: Some(doc.version),
                text: doc.text.clone(),
                language_id: Some(doc.language_id.clone()),
                supplied_blocks: doc.blocks.clone(),
            },
            None => {
                let path = path.to_path_buf();
                let bytes = tokio::task::spawn_blocking(move || std::fs::read(path))
                    .await
                    .ok()
                    .and_then(Result::ok)
                    .unwrap_or_default();
                Buffer {
                    version: None,
                    text: String::from_utf8_lossy(&bytes).into_owned(),
                    language_id: None,
                    supplied_blocks: None,
                }
            }
        };
        let started = std::time::Instant::now();
        let Some(repo) = repo else {
            let view = DocumentBlame::new(uri, buffer, None, path.into(), None, 0, vec![], vec![]);
            return Ok(Arc::new(view));
        };
        let relative = relative_path(&repo.root, path);
        if let Some(head) = &head {
            self.note_head(&repo.root, head).await;
        }
        let mailmap = repo.mailmap_id();
        let committed = match &head {
            Some(head) => {
                self.committed_blame(&repo.root, head, &relative, mailmap)
                    .await?
            }
            None => Arc::new(CommittedBlame::untracked()),
        };
        let version = buffer.version;
        let large = buffer.text.len() > LARGE_BUFFER;
        let (uri_owned, root) = (uri.clone(), repo.root.clone());
        let map = move || {
            let (lines, commits) = map_onto_buffer(&committed, &buffer.text);
            DocumentBlame::new(
                &uri_owned,
                buffer,
                Some(root),
                relative,
                head,
                mailmap,
                lines,
                commits,
            )
        };
        // A large buffer's diff must not hold up the protocol loop.
        let view = if large {
            tokio::task::spawn_blocking(map)
                .await
                .map_err(|e| EngineError::git(format!("blame view failed: {e}")))?
        } else {
            map()
        };
        let view = Arc::new(view);
        if version.is_some() {
            self.views.insert(uri.clone(), view.clone());
        }
        tracing::debug!(elapsed = ?started.elapsed(), lines = view.lines.len(), "document blame view");
        Ok(view)
    }

    /// Loads what a document's first blame needs (its committed blame and
    /// the repository's user) without building the view, so an editor's
    /// first request, arriving meanwhile, shares the work instead of
    /// repeating it.
    pub async fn warm(self: &Arc<Self>, uri: &Url) -> Result<(), EngineError> {
        let path = uri.to_file_path().unwrap_or_default();
        let Some(repo) = Repository::discover(&path) else {
            return Ok(());
        };
        let session = self.clone();
        let root = repo.root.clone();
        tokio::spawn(async move { session.current_user(&root).await });
        let Some(head) = repo.head() else {
            return Ok(());
        };
        self.note_head(&repo.root, &head).await;
        let relative = relative_path(&repo.root, &path);
        self.committed_blame(&repo.root, &head, &relative, repo.mailmap_id())
            .await?;
        Ok(())
    }

    /// Committed blame of `path` at `revision`: from memory, else from disk,
    /// else one `git blame`; concurrent callers for one file share the work.
    async fn committed_blame(
        self: &Arc<Self>,
        root: &Path,
        revision: &str,
        path: &Path,
        mailmap: u64,
    ) -> Result<Arc<CommittedBlame>, EngineError> {
        let key = BlameKey {
            root: root.to_path_buf(),
            revision: revision.to_owned(),
            path: path.to_path_buf(),
            mailmap,
        };
        if let Some(hit) = self.blame_store.get(&key) {
            self.stats.cache_hit();
            return Ok(hit);
        }
        shared_work(&self.loading, key.clone(), self.load_committed_blame(key)).await
    }

    async fn load_committed_blame(
        self: &Arc<Self>,
        key: BlameKey,
    ) -> Result<Arc<CommittedBlame>, EngineError> {
        let (root, revision, path) = (&key.root, key.revision.as_str(), key.path.as_path());
        self.stats.cache_miss();
        let disk = self.disk_cache.clone();
        let started = std::time::Instant::now();
        // One stat decides; reading and decoding a hit goes to a blocking thread.
        let stored = if disk.contains(&key) {
            let key = key.clone();
            tokio::task::spawn_blocking(move || disk.get(&key))
                .await
                .ok()
                .flatten()
        } else {
            None
        };
        tracing::debug!(elapsed = ?started.elapsed(), hit = stored.is_some(), "disk cache lookup");
        if let Some(blame) = stored {
            self.stats
                .disk_hits
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let blame = Arc::new(blame);
            self.blame_store.insert(key, blame.clone());
            return Ok(blame);
        }
        let started = std::time::Instant::now();
        let output = git::blame_porcelain(root, revision, path).await;
        self.stats.record(
            "git/blame",
            started.elapsed(),
            !matches!(output, Err(git::BlameError::Failed(_))),
        );
        let blame = match output {
            Ok(output) => {
                let ran = started.elapsed();
                let blame = Arc::new(porcelain::parse(&output).map_err(|e| {
                    EngineError::git(format!("cannot read git blame of {}: {e}", path.display()))
                })?);
                tracing::debug!(?ran, parsed = ?started.elapsed(), bytes = output.len(), "git blame");
                let (disk, stored) = (self.disk_cache.clone(), blame.clone());
                let stored_key = key.clone();
                let mut writes = self.disk_writes.lock().unwrap_or_else(|e| e.into_inner());
                while writes.try_join_next().is_some() {}
                // Written a moment later: serializing a large file's blame
                // would compete with answering the request that needed it.
                writes.spawn(async move {
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    let _ =
                        tokio::task::spawn_blocking(move || disk.put(&stored_key, &stored)).await;
                });
                drop(writes);
                self.refresh_commit_graph(root, revision);
                blame
            }
            Err(git::BlameError::NotTracked) => Arc::new(CommittedBlame::untracked()),
            Err(git::BlameError::Failed(message)) => return Err(EngineError::git(message)),
        };
        self.blame_store.insert(key, blame.clone());
        Ok(blame)
    }

    /// Has the engine write (or extend) the repository's commit-graph once
    /// per HEAD, so later blames in it run faster (see git::commit_graph).
    /// Started after a pause: not to compete with the requests that come
    /// with opening a file.
    fn refresh_commit_graph(self: &Arc<Self>, root: &Path, head: &str) {
        let previous = self.graph_heads.insert(root.to_path_buf(), head.to_owned());
        if previous.as_deref() == Some(head) {
            return;
        }
        let session = self.clone();
        let root = root.to_path_buf();
        tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            let args = vec![json!(root)];
            if let Err(err) = session
                .call_engine("refresh_commit_graph", args, CallHooks::default())
                .await
            {
                tracing::debug!("commit-graph of {}: {err}", root.display());
            }
        });
    }

    /// Records the HEAD seen for a repository; when it moved, keeps the
    /// cached blame of every file the move did not touch, drops the old
    /// revision's analyses, and asks the editor to redraw.
    pub async fn note_head(self: &Arc<Self>, root: &Path, head: &str) {
        let previous = self.repo_heads.insert(root.to_path_buf(), head.to_owned());
        let Some(old) = previous.filter(|old| old != head) else {
            return;
        };
        tracing::info!(repo = %root.display(), %old, new = %head, "HEAD moved");
        match git::changed_paths(root, &old, head).await {
            Some(changed) => {
                let kept = self.blame_store.carry_over(root, &old, head, &changed);
                tracing::debug!(kept, changed = changed.len(), "blame carried over");
            }
            None => tracing::warn!("cannot list the paths changed from {old} to {head}"),
        }
        self.analyses.retain(|key| !key.contains(old.as_str()));
        self.request_refresh();
    }

    /// Current user of a repository, for "You" in blame (read once per repository).
    pub async fn current_user(&self, root: &Path) -> Value {
        let cell = self.users.entry(root.to_path_buf()).or_default().clone();
        cell.get_or_init(|| async {
            let root = root.to_path_buf();
            let (name, email) = tokio::task::spawn_blocking(move || {
                Repository::discover(&root)
                    .map(|r| r.configured_user())
                    .unwrap_or_default()
            })
            .await
            .unwrap_or_default();
            json!({"name": name, "email": email})
        })
        .await
        .clone()
    }

    /// Commit details for hovers and `gitinspector.showCommit` (cached).
    /// Details of a commit as `view`'s repository names it now (names go
    /// through the current mailmap), with what it did to `view`'s file.
    pub async fn commit_details(
        self: &Arc<Self>,
        view: &DocumentBlame,
        sha: &str,
    ) -> Result<Arc<CommitDetails>, EngineError> {
        let Some(root) = &view.repository else {
            return Err(EngineError::git(format!(
                "{} is in no repository",
                view.path
            )));
        };
        let key = (
            root.clone(),
            sha.to_owned(),
            view.git_path.clone(),
            view.mailmap,
        );
        if let Some(hit) = self.commit_cache.get(&key) {
            return Ok(hit.clone());
        }
        let details = git::commit::commit_details(root, sha, Some(&view.git_path))
            .await
            .map_err(EngineError::git)?;
        let details = Arc::new(details);
        self.commit_cache.insert(key, details.clone());
        Ok(details)
    }
}

/// Buffers this large (bytes) are mapped on a blocking thread.
const LARGE_BUFFER: usize = 256 << 10;

/// Per buffer line, an index into the returned commit table: the committed
/// blame's commits, then "not committed" (always last, used or not: the
/// table then stays the same for every version of the document at one
/// revision, and a delta answer never has to resend it).
fn map_onto_buffer(committed: &CommittedBlame, text: &str) -> (Vec<u32>, Vec<CommitInfo>) {
    let mut buffer_lines = split_lines(text);
    if let Some(first) = buffer_lines.first_mut() {
        *first = first.strip_prefix('\u{feff}').unwrap_or(first);
    }
    let mapping = map_lines(&committed.lines_like(text), &buffer_lines);
    let mut commits = committed.commits.clone();
    let not_committed = commits.len() as u32;
    commits.push(CommitInfo::not_committed());
    let lines = mapping
        .iter()
        .map(|m| {
            m.and_then(|i| committed.line_commit.get(i as usize).copied())
                .unwrap_or(not_committed)
        })
        .collect();
    (lines, commits)
}

/// `path` relative to `root`, as bytes (git's names need not be UTF-8).
fn relative_path(root: &Path, path: &Path) -> PathBuf {
    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let root = canonical(root);
    // The file itself may not exist yet (a new buffer): canonicalize its folder.
    let path = match (path.parent(), path.file_name()) {
        (Some(dir), Some(name)) => canonical(dir).join(name),
        _ => path.to_path_buf(),
    };
    path.strip_prefix(&root)
        .map(Path::to_path_buf)
        .unwrap_or(path)
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
    /// Authors of lines `[start, end)`, most lines first; uncommitted lines
    /// count as the pseudo-author "Not Committed Yet".
    pub fn authors(&self, start: usize, end: usize) -> Vec<AuthorShare<'_>> {
        let mut shares: Vec<AuthorShare<'_>> = Vec::new();
        for &index in self.line_range(start, end) {
            let Some(commit) = self.commits.get(index as usize) else {
                continue;
            };
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

    /// The most recent commit among lines `[start, end)`.
    pub fn latest(&self, start: usize, end: usize) -> Option<&CommitInfo> {
        self.line_range(start, end)
            .iter()
            .filter_map(|&i| self.commits.get(i as usize))
            .filter(|c| c.sha != NOT_COMMITTED)
            .max_by_key(|c| c.author_time)
    }
}

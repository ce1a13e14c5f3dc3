//! Blame for the editor: committed blame per (repository, commit, path,
//! mailmap, ignored revisions) from memory, disk or one `git blame`; each
//! open document's view of it (mapped onto unsaved edits); the answers
//! clients hold; commit details; who "You" is; the HEAD seen and the
//! ignore-revs file read per repository.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use dashmap::DashMap;
use serde_json::{json, Value};
use tokio::sync::OnceCell;
use tower_lsp::lsp_types::Url;

use super::blame_answers::AnswerHistory;
use super::blame_cache::{new_blame_store, BlameKey, BlameStore, CommittedBlame};
use super::config::DEFAULT_IGNORE_REVS_FILE;
use super::disk_cache::DiskCache;
use super::document_blame::{Buffer, DocumentBlame};
use super::documents::Documents;
use super::scheduler;
use super::stats::Stats;
use crate::engine::EngineError;
use crate::git;
use crate::git::commit::CommitDetails;
use crate::repo::{file_stamp, FileStamp, Repository};

/// The outcome of loading one file's committed blame.
type BlameLoad = Result<Arc<CommittedBlame>, EngineError>;
/// A document, its version, and the HEAD, mailmap and ignored revisions
/// its blame is for.
type ViewKey = (Url, Option<i32>, Option<String>, u64, u64);
/// The outcome of building a document's blame view.
type ViewBuild = Result<Arc<DocumentBlame>, EngineError>;
/// A commit's details as one file of one repository sees them.
type CommitKey = (PathBuf, String, PathBuf, u64);

/// Buffers this large (bytes) are mapped on a blocking thread.
const LARGE_BUFFER: usize = 256 << 10;

/// The revisions a repository's blame looks through (from its ignore-revs
/// file), and their id in cache keys and answers. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct IgnoredRevisions {
    /// `git::blame::ignore_revs_id` of `shas`: 0 for none.
    pub id: u64,
    /// Full commit ids, sorted.
    pub shas: Arc<[String]>,
}

impl IgnoredRevisions {
    fn of(shas: Vec<String>) -> IgnoredRevisions {
        IgnoredRevisions {
            id: git::blame::ignore_revs_id(&shas),
            shas: shas.into(),
        }
    }
}

/// What a repository's ignore-revs file gave, and what it was read from.
struct IgnoreRevsRead {
    file: Option<PathBuf>,
    stamp: Option<FileStamp>,
    /// The file is the default one (its absence is no problem).
    is_default: bool,
    /// The HEAD it was resolved at, when the answer depended on the
    /// repository's objects (an entry names a commit only once it is
    /// fetched): read again when HEAD moves.
    head: Option<String>,
    revisions: IgnoredRevisions,
    /// Why the file is not used, for the user (once: `reported`).
    problem: Option<String>,
    reported: AtomicBool,
}

/// A repository, its ignore-revs file and its stamp, default or not, HEAD.
type IgnoreRevsKey = (PathBuf, Option<PathBuf>, Option<FileStamp>, bool, String);

pub struct BlameService {
    store: BlameStore,
    /// Committed blame that survives restarts.
    disk: Arc<DiskCache>,
    /// Writes to the disk cache still running; `shutdown` lets them finish.
    disk_writes: std::sync::Mutex<tokio::task::JoinSet<()>>,
    /// Committed blame being computed, so concurrent requests share one load.
    loading: DashMap<BlameKey, Arc<OnceCell<BlameLoad>>>,
    /// Last view per open document (checked against version, HEAD, mailmap).
    views: DashMap<Url, Arc<DocumentBlame>>,
    /// Views being built, so concurrent requests for one version share one build.
    view_builds: DashMap<ViewKey, Arc<OnceCell<ViewBuild>>>,
    /// Blame answers each document's client may hold (for deltas).
    answers: DashMap<Url, AnswerHistory>,
    /// The HEAD last seen per repository root.
    heads: DashMap<PathBuf, String>,
    /// The ignore-revs file last read per repository root.
    ignore_revs: DashMap<PathBuf, Arc<IgnoreRevsRead>>,
    /// Ignore-revs files being read, so concurrent requests share one read.
    ignore_revs_reads: DashMap<IgnoreRevsKey, Arc<OnceCell<Arc<IgnoreRevsRead>>>>,
    /// The HEAD each repository's commit-graph was last refreshed at.
    graph_heads: DashMap<PathBuf, String>,
    users: DashMap<PathBuf, Arc<OnceCell<Value>>>,
    commits: DashMap<CommitKey, Arc<CommitDetails>>,
    stats: Arc<Stats>,
}

/// Runs `work` once for concurrent callers with the same key: the first
/// caller runs it, the others wait for and share its result.
async fn shared_work<K, V, F>(in_progress: &DashMap<K, Arc<OnceCell<V>>>, key: K, work: F) -> V
where
    K: std::hash::Hash + Eq + Clone,
    V: Clone,
    F: std::future::Future<Output = V>,
{
    let cell = in_progress.entry(key.clone()).or_default().clone();
    let result = cell.get_or_init(|| work).await.clone();
    in_progress.remove(&key);
    result
}

impl BlameService {
    pub fn new(budget_bytes: usize, stats: Arc<Stats>) -> BlameService {
        BlameService {
            store: new_blame_store(budget_bytes),
            disk: Arc::new(DiskCache::open_default()),
            disk_writes: Default::default(),
            loading: DashMap::new(),
            views: DashMap::new(),
            view_builds: DashMap::new(),
            answers: DashMap::new(),
            heads: DashMap::new(),
            ignore_revs: DashMap::new(),
            ignore_revs_reads: DashMap::new(),
            graph_heads: DashMap::new(),
            users: DashMap::new(),
            commits: DashMap::new(),
            stats,
        }
    }

    pub fn set_budget(&self, bytes: usize) {
        self.store.set_budget(bytes);
    }

    /// (entries, bytes) of committed blame in memory.
    pub fn usage(&self) -> (usize, usize) {
        (self.store.len(), self.store.used_bytes())
    }

    /// Prunes the disk cache (a walk of its folders: not during requests).
    pub fn prune_disk_cache(&self) {
        let disk = self.disk.clone();
        tokio::task::spawn_blocking(move || disk.prune());
    }

    /// Waits (boundedly) for blame being written to disk to land.
    pub async fn finish_disk_writes(&self) {
        let mut writes =
            std::mem::take(&mut *self.disk_writes.lock().unwrap_or_else(|e| e.into_inner()));
        let drain = async { while writes.join_next().await.is_some() {} };
        let _ = tokio::time::timeout(scheduler::SHUTDOWN_DRAIN, drain).await;
    }

    /// Forgets a closed document's view and answers.
    pub fn forget_document(&self, uri: &Url) {
        self.views.remove(uri);
        self.answers.remove(uri);
    }

    /// Forgets a document's view (its blocks changed).
    pub fn forget_view(&self, uri: &Url) {
        self.views.remove(uri);
    }

    /// The runs of an answer the client said it holds, if it can be the
    /// base of a delta to the answer `current`.
    pub fn held_answer(&self, uri: &Url, held: &str, current: &str) -> Option<Arc<Vec<u32>>> {
        self.answers.get(uri)?.find(held, current)
    }

    pub fn remember_answer(&self, uri: &Url, result_id: &str, runs: Arc<Vec<u32>>) {
        self.answers
            .entry(uri.clone())
            .or_default()
            .remember(result_id, runs);
    }

    /// Records the HEAD seen for a repository. When it moved: keeps the
    /// committed blame of every file the move did not touch (for the new
    /// commit too) and returns the old HEAD.
    pub async fn head_seen(&self, root: &Path, head: &str) -> Option<String> {
        // Every request passes here: the common case allocates nothing.
        if self.heads.get(root).is_some_and(|seen| *seen == head) {
            return None;
        }
        let previous = self.heads.insert(root.to_path_buf(), head.to_owned());
        let old = previous.filter(|old| old != head)?;
        tracing::info!(repo = %root.display(), %old, new = %head, "HEAD moved");
        match git::changed_paths(root, &old, head).await {
            Some(changed) => {
                let kept = self.store.carry_over(root, &old, head, &changed);
                tracing::debug!(kept, changed = changed.len(), "blame carried over");
            }
            None => tracing::warn!("cannot list the paths changed from {old} to {head}"),
        }
        Some(old)
    }

    /// The revisions blame looks through in `repo` at `head`: those of the
    /// ignore-revs file `setting` names (`Config::ignore_revs_file`). The
    /// file is read again only when it, the setting or (for a file with
    /// entries) HEAD changed: one stat per request otherwise. The second
    /// value is set when the file was just read and cannot be used at all
    /// (a missing file the user named): a warning for the user, once.
    pub async fn ignored_revisions(
        &self,
        repo: &Repository,
        head: &str,
        setting: &str,
    ) -> (IgnoredRevisions, Option<String>) {
        let file = repo.ignore_revs_file(setting);
        let stamp = file.as_deref().and_then(file_stamp);
        let is_default = setting.trim() == DEFAULT_IGNORE_REVS_FILE;
        let current = |read: &IgnoreRevsRead| {
            read.file == file
                && read.stamp == stamp
                && read.is_default == is_default
                && read.head.as_deref().is_none_or(|h| h == head)
        };
        let known = self
            .ignore_revs
            .get(&repo.root)
            .map(|read| read.value().clone())
            .filter(|read| current(read));
        let read = match known {
            Some(read) => read,
            None => {
                // Concurrent requests (an opening's warm-up and its first
                // blame) share one read, and one warning.
                let key = (
                    repo.root.clone(),
                    file.clone(),
                    stamp,
                    is_default,
                    head.to_owned(),
                );
                let read = self.read_ignore_revs(&repo.root, head, file.clone(), stamp, is_default);
                let read = shared_work(&self.ignore_revs_reads, key, read).await;
                self.ignore_revs.insert(repo.root.clone(), read.clone());
                read
            }
        };
        let problem = match read.reported.swap(true, Ordering::Relaxed) {
            false => read.problem.clone(),
            true => None,
        };
        (read.revisions.clone(), problem)
    }

    async fn read_ignore_revs(
        &self,
        root: &Path,
        head: &str,
        file: Option<PathBuf>,
        stamp: Option<FileStamp>,
        is_default: bool,
    ) -> Arc<IgnoreRevsRead> {
        let loaded = match &file {
            Some(path) => {
                let loaded = git::blame::load_ignore_revs(root, path, is_default).await;
                loaded.log_skipped(path);
                tracing::debug!(file = %path.display(), ignored = loaded.shas.len(), "ignore-revs file read");
                loaded
            }
            None => Default::default(),
        };
        let listed = !loaded.shas.is_empty() || !loaded.skipped.is_empty();
        Arc::new(IgnoreRevsRead {
            file,
            stamp,
            is_default,
            head: listed.then(|| head.to_owned()),
            revisions: IgnoredRevisions::of(loaded.shas),
            problem: loaded.problem,
            reported: AtomicBool::new(false),
        })
    }

    /// The document's blame now (`head`: of `repo`, already recorded;
    /// `ignored`: the revisions blame looks through there).
    pub async fn view(
        &self,
        uri: &Url,
        documents: &Documents,
        repo: Option<Repository>,
        head: Option<String>,
        ignored: IgnoredRevisions,
    ) -> ViewBuild {
        let mailmap = repo.as_ref().map_or(0, Repository::mailmap_id);
        let version = documents.version(uri);
        if let Some(view) = self.views.get(uri) {
            if view.version.is_some()
                && view.version == version
                && view.revision == head
                && view.mailmap == mailmap
                && view.ignore_revs == ignored.id
                && view.repository.as_ref() == repo.as_ref().map(|r| &r.root)
            {
                return Ok(view.clone());
            }
        }
        if version.is_none() {
            return self
                .build_view(uri, documents, repo, head, mailmap, ignored)
                .await;
        }
        // Requests for one version of a document share one build.
        let key = (uri.clone(), version, head.clone(), mailmap, ignored.id);
        let build = self.build_view(uri, documents, repo, head, mailmap, ignored);
        shared_work(&self.view_builds, key, build).await
    }

    async fn build_view(
        &self,
        uri: &Url,
        documents: &Documents,
        repo: Option<Repository>,
        head: Option<String>,
        mailmap: u64,
        ignored: IgnoredRevisions,
    ) -> ViewBuild {
        let path = uri.to_file_path().unwrap_or_default();
        let buffer = match documents.snapshot(uri) {
            Some(doc) => Buffer {
                version: Some(doc.version),
                text: doc.text,
                language_id: Some(doc.language_id),
                supplied_blocks: doc.blocks,
            },
            None => {
                let file = path.clone();
                let bytes = tokio::task::spawn_blocking(move || std::fs::read(file))
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
            return Ok(Arc::new(DocumentBlame::outside_repository(
                uri, buffer, path,
            )));
        };
        let relative = repo.relative(&path);
        let committed = match &head {
            Some(head) => {
                self.committed_blame(&repo.root, head, &relative, mailmap, &ignored)
                    .await?
            }
            None => Arc::new(CommittedBlame::untracked()),
        };
        let ignore_revs = ignored.id;
        let version = buffer.version;
        let large = buffer.text.len() > LARGE_BUFFER;
        let (uri_owned, root) = (uri.clone(), repo.root.clone());
        let map = move || {
            let started = std::time::Instant::now();
            let mut view = DocumentBlame::mapped(
                &uri_owned, buffer, root, relative, head, mailmap, &committed,
            );
            view.ignore_revs = ignore_revs;
            (view, started.elapsed())
        };
        // A large buffer's diff must not hold up the protocol loop.
        let (view, mapping) = if large {
            tokio::task::spawn_blocking(map)
                .await
                .map_err(|e| EngineError::git(format!("blame view failed: {e}")))?
        } else {
            map()
        };
        // The edit-to-blame map (the buffer's lines against the committed ones),
        // reported by getPerformanceStats as `blame/lineMap`.
        self.stats.record("blame/lineMap", mapping, true);
        let view = Arc::new(view);
        if version.is_some() {
            self.views.insert(uri.clone(), view.clone());
        }
        tracing::debug!(elapsed = ?started.elapsed(), lines = view.lines.len(), "document blame view");
        Ok(view)
    }

    /// Loads a file's committed blame at `head` without building a view, so
    /// an editor's first request, arriving meanwhile, shares the work.
    pub async fn warm(
        &self,
        repo: &Repository,
        head: &str,
        path: &Path,
        ignored: &IgnoredRevisions,
    ) -> Result<(), EngineError> {
        let relative = repo.relative(path);
        self.committed_blame(&repo.root, head, &relative, repo.mailmap_id(), ignored)
            .await?;
        Ok(())
    }

    /// Committed blame of `path` at `revision` (HEAD, or an earlier commit
    /// for `blamePrior`), looking through `ignored`: from memory, else from
    /// disk, else one `git blame`; concurrent callers for one file share the
    /// work.
    pub async fn committed_blame(
        &self,
        root: &Path,
        revision: &str,
        path: &Path,
        mailmap: u64,
        ignored: &IgnoredRevisions,
    ) -> BlameLoad {
        let key = BlameKey {
            root: root.to_path_buf(),
            revision: revision.to_owned(),
            path: path.to_path_buf(),
            mailmap,
            ignore_revs: ignored.id,
        };
        if let Some(hit) = self.store.get(&key) {
            self.stats.cache_hit();
            return Ok(hit);
        }
        let load = self.load_committed_blame(key.clone(), ignored.shas.clone());
        shared_work(&self.loading, key, load).await
    }

    async fn load_committed_blame(&self, key: BlameKey, ignored: Arc<[String]>) -> BlameLoad {
        let (root, revision, path) = (&key.root, key.revision.as_str(), key.path.as_path());
        self.stats.cache_miss();
        let disk = self.disk.clone();
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
            prepare_line_index(&blame);
            self.store.insert(key, blame.clone());
            return Ok(blame);
        }
        let started = std::time::Instant::now();
        let options = git::blame::BlameOptions {
            ignore_revs: ignored.to_vec(),
            ..Default::default()
        };
        let output = git::blame::blame_porcelain(root, revision, path, &options).await;
        self.stats.record(
            "git/blame",
            started.elapsed(),
            !matches!(output, Err(git::blame::BlameError::Failed(_))),
        );
        let blame = match output {
            Ok(output) => {
                let ran = started.elapsed();
                let blame = Arc::new(git::blame::parse(&output).map_err(|e| {
                    EngineError::git(format!("cannot read git blame of {}: {e}", path.display()))
                })?);
                tracing::debug!(?ran, parsed = ?started.elapsed(), bytes = output.len(), "git blame");
                self.write_to_disk(key.clone(), blame.clone());
                if self.heads.get(root).is_some_and(|head| *head == revision) {
                    self.refresh_commit_graph(root, revision);
                }
                blame
            }
            Err(git::blame::BlameError::NotTracked) => Arc::new(CommittedBlame::untracked()),
            Err(git::blame::BlameError::Failed(message)) => return Err(EngineError::git(message)),
        };
        prepare_line_index(&blame);
        self.store.insert(key, blame.clone());
        Ok(blame)
    }

    fn write_to_disk(&self, key: BlameKey, blame: Arc<CommittedBlame>) {
        let disk = self.disk.clone();
        let mut writes = self.disk_writes.lock().unwrap_or_else(|e| e.into_inner());
        while writes.try_join_next().is_some() {}
        writes.spawn(async move {
            tokio::time::sleep(scheduler::DISK_CACHE_WRITE).await;
            let _ = tokio::task::spawn_blocking(move || disk.put(&key, &blame)).await;
        });
    }

    /// Writes (or extends) the repository's commit-graph once per HEAD, so
    /// later blames in it run faster (see git::commit_graph).
    fn refresh_commit_graph(&self, root: &Path, head: &str) {
        let previous = self.graph_heads.insert(root.to_path_buf(), head.to_owned());
        if previous.as_deref() == Some(head) {
            return;
        }
        let root = root.to_path_buf();
        scheduler::blocking_after(
            "commit-graph refresh",
            scheduler::COMMIT_GRAPH_REFRESH,
            move || {
                let refreshed = git::commit_graph::refresh(&root);
                tracing::debug!(?refreshed, "commit-graph of {}", root.display());
            },
        );
    }

    /// Who "You" is in a repository (read once per repository).
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

    /// Details of a commit as `view`'s repository names it now (names go
    /// through the current mailmap), with what it did to `view`'s file.
    pub async fn commit_details(
        &self,
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
        if let Some(hit) = self.commits.get(&key) {
            return Ok(hit.clone());
        }
        let details = git::commit::commit_details(root, sha, Some(&view.git_path))
            .await
            .map_err(EngineError::git)?;
        let details = Arc::new(details);
        self.commits.insert(key, details.clone());
        Ok(details)
    }
}

/// A large file's line index (what maps a large edit, a reformat, onto its
/// committed blame) is built in the background as soon as its blame is
/// loaded: the first view doesn't need it, the first reformat does.
fn prepare_line_index(blame: &Arc<CommittedBlame>) {
    let blame = blame.clone();
    scheduler::blocking_after("line index", scheduler::LINE_INDEX, move || {
        blame.committed_like("").prepare()
    });
}

//! State shared by all requests: the engine, caches and counters.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use dashmap::DashMap;
use serde_json::Value;
use tokio::sync::{mpsc, OnceCell};
use tower_lsp::lsp_types::{MessageType, Url};
use tower_lsp::Client;

use super::blame_answers::AnswerHistory;
use super::blame_cache::{new_blame_store, BlameKey, BlameStore, CommittedBlame};
use super::config::Config;
use super::disk_cache::DiskCache;
use super::document_blame::DocumentBlame;
use super::documents::Document;
use super::lru::Lru;
use super::stats::Stats;
use crate::engine::{CallHooks, Engine, EngineError, EngineErrorKind, LogRecord, LogSink};
use crate::git::commit::CommitDetails;

/// The outcome of loading one file's committed blame.
pub type BlameLoad = Result<Arc<CommittedBlame>, EngineError>;
/// A document, its version, and the HEAD and mailmap its blame is for.
pub type ViewKey = (Url, Option<i32>, Option<String>, u64);
/// The outcome of building a document's blame view.
pub type ViewBuild = Result<Arc<DocumentBlame>, EngineError>;

/// What the client said it supports, from `initialize`.
#[derive(Default)]
pub struct ClientSupport {
    /// Server-initiated `$/progress`.
    pub progress: AtomicBool,
    pub code_lens_refresh: AtomicBool,
    pub inlay_hint_refresh: AtomicBool,
    pub watched_files_registration: AtomicBool,
}

pub struct Session {
    pub client: Client,
    pub support: ClientSupport,
    pub config: RwLock<Config>,
    /// Workspace folders, the default subject of `gitinspector.analyzeWorkspace`.
    pub workspace_folders: RwLock<Vec<PathBuf>>,
    pub documents: DashMap<Url, Document>,
    /// Last computed blame per open document (checked against version and HEAD).
    pub views: DashMap<Url, Arc<DocumentBlame>>,
    /// Views being built, so concurrent requests for one version share one build.
    pub view_builds: DashMap<ViewKey, Arc<OnceCell<ViewBuild>>>,
    /// Blame answers each document's client may hold (for deltas).
    pub answers: DashMap<Url, AnswerHistory>,
    /// The HEAD each repository's commit-graph was last refreshed at.
    pub graph_heads: DashMap<PathBuf, String>,
    pub blame_store: BlameStore,
    /// Committed blame that survives restarts.
    pub disk_cache: Arc<DiskCache>,
    /// Writes to the disk cache still running; `shutdown` lets them finish.
    pub disk_writes: std::sync::Mutex<tokio::task::JoinSet<()>>,
    /// The HEAD last seen per repository root.
    pub repo_heads: DashMap<PathBuf, String>,
    pub users: DashMap<PathBuf, Arc<OnceCell<Value>>>,
    /// Committed blame being computed, so concurrent requests share one load.
    pub loading: DashMap<BlameKey, Arc<OnceCell<BlameLoad>>>,
    /// Commit details by (repository, sha, file, mailmap).
    pub commit_cache: DashMap<(PathBuf, String, PathBuf, u64), Arc<CommitDetails>>,
    /// Held while settings are saved (FIFO: saves land in the order they came).
    pub settings_writes: tokio::sync::Mutex<()>,
    engine: OnceCell<Result<Arc<Engine>, EngineError>>,
    log_sink: LogSink,
    pub stats: Stats,
    /// Finished analyses by (settings, revisions): immutable once computed.
    pub analyses: Lru<String, Arc<str>>,
}

impl Session {
    pub fn new(client: Client) -> Arc<Session> {
        let (log_tx, log_rx) = mpsc::unbounded_channel();
        tokio::spawn(forward_logs(client.clone(), log_rx));
        let log_sink: LogSink = Arc::new(move |record: LogRecord| {
            crate::logging::python_record(&record);
            let _ = log_tx.send(record);
        });
        let config = Config::default();
        Arc::new(Session {
            client,
            support: ClientSupport::default(),
            blame_store: new_blame_store(config.cache_budget_mb << 20),
            analyses: Lru::new(config.cache_budget_mb << 19, |text: &Arc<str>| text.len()),
            disk_cache: Arc::new(DiskCache::open_default()),
            disk_writes: Default::default(),
            config: RwLock::new(config),
            workspace_folders: RwLock::default(),
            documents: DashMap::new(),
            views: DashMap::new(),
            view_builds: DashMap::new(),
            answers: DashMap::new(),
            graph_heads: DashMap::new(),
            repo_heads: DashMap::new(),
            users: DashMap::new(),
            loading: DashMap::new(),
            commit_cache: DashMap::new(),
            settings_writes: tokio::sync::Mutex::new(()),
            engine: OnceCell::new(),
            log_sink,
            stats: Stats::default(),
        })
    }

    /// The engine, started on first use (the first caller waits; a failure
    /// to start is kept and reported to every caller).
    pub async fn engine(&self) -> Result<Arc<Engine>, EngineError> {
        self.engine
            .get_or_init(|| async {
                let sink = self.log_sink.clone();
                let level = crate::logging::python_level();
                tokio::task::spawn_blocking(move || Engine::start(sink, level).map(Arc::new))
                    .await
                    .unwrap_or_else(|e| Err(panicked(e)))
            })
            .await
            .clone()
    }

    /// Runs `gigui.api.<function>` on a blocking thread.
    pub async fn call_engine(
        self: &Arc<Self>,
        function: &'static str,
        args: Vec<Value>,
        hooks: CallHooks,
    ) -> Result<Value, EngineError> {
        let result = self
            .run_engine(function, move |engine| engine.call(function, &args, &hooks))
            .await;
        if LARGE_CALLS.contains(&function) {
            release_free_memory();
            // Again once the answer went out: turning a large result into
            // the response's JSON makes a copy of it that is freed only then.
            tokio::spawn(async {
                tokio::time::sleep(std::time::Duration::from_secs(2)).await;
                tokio::task::spawn_blocking(release_free_memory);
            });
        }
        result
    }

    async fn run_engine<T: Send + 'static>(
        self: &Arc<Self>,
        function: &'static str,
        work: impl FnOnce(&Engine) -> Result<T, EngineError> + Send + 'static,
    ) -> Result<T, EngineError> {
        let engine = self.engine().await?;
        let session = self.clone();
        session
            .stats
            .engine_in_flight
            .fetch_add(1, Ordering::Relaxed);
        // Counters are updated inside the blocking task: the request's future
        // may be dropped (cancelled) while Python is still finishing.
        tokio::task::spawn_blocking(move || {
            let started = std::time::Instant::now();
            let result = work(&engine);
            session.stats.record(
                &format!("engine/{function}"),
                started.elapsed(),
                result.is_ok(),
            );
            if matches!(&result, Err(e) if e.kind == EngineErrorKind::Cancelled) {
                session
                    .stats
                    .engine_cancelled
                    .fetch_add(1, Ordering::Relaxed);
            }
            session
                .stats
                .engine_in_flight
                .fetch_sub(1, Ordering::Relaxed);
            result
        })
        .await
        .unwrap_or_else(|e| Err(panicked(e)))
    }
}

/// Runs `work` once for concurrent callers with the same key: the first
/// caller runs it, the others wait for and share its result.
pub async fn shared_work<K, V, F>(in_progress: &DashMap<K, Arc<OnceCell<V>>>, key: K, work: F) -> V
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

/// Engine calls that build and drop large transient structures (a whole
/// history, every file's blame).
const LARGE_CALLS: [&str; 2] = ["execute_analysis", "get_blame_data"];

/// Gives memory freed after a large call back to the system: a long-lived
/// daemon should not keep the peak of its largest analysis resident.
pub fn release_free_memory() {
    // SAFETY: malloc_trim only returns unused heap pages to the kernel.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    unsafe {
        libc::malloc_trim(0);
    }
}

fn panicked(err: tokio::task::JoinError) -> EngineError {
    EngineError::python(format!("engine call failed: {err}"))
}

/// Python log records become `window/logMessage` notifications.
async fn forward_logs(client: Client, mut records: mpsc::UnboundedReceiver<LogRecord>) {
    while let Some(record) = records.recv().await {
        let kind = match record.level {
            0..=19 => MessageType::LOG,
            20..=29 => MessageType::INFO,
            30..=39 => MessageType::WARNING,
            _ => MessageType::ERROR,
        };
        client
            .log_message(kind, format!("[{}] {}", record.logger, record.message))
            .await;
    }
}

/// Sets a flag when dropped: tower-lsp drops a request's future on
/// `$/cancelRequest`, and the engine polls the flag between files.
pub struct CancelOnDrop(pub Arc<AtomicBool>);

impl CancelOnDrop {
    pub fn new() -> Self {
        CancelOnDrop(Arc::new(AtomicBool::new(false)))
    }
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

impl Session {
    /// The engine if it has already started, without starting it.
    pub fn engine_if_started(&self) -> Option<Arc<Engine>> {
        self.engine.get().and_then(|r| r.as_ref().ok().cloned())
    }
}

impl Session {
    pub fn config(&self) -> Config {
        self.config
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Asks the editor to redraw lenses and hints (blame changed under them).
    pub fn request_refresh(&self) {
        let client = self.client.clone();
        let lenses = self.support.code_lens_refresh.load(Ordering::Relaxed);
        let hints = self.support.inlay_hint_refresh.load(Ordering::Relaxed);
        tokio::spawn(async move {
            if lenses {
                let _ = client.code_lens_refresh().await;
            }
            if hints {
                let _ = client.inlay_hint_refresh().await;
            }
        });
    }
}

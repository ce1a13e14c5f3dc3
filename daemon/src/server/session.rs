//! What every request shares: the client and what it supports, the
//! configuration, and the three services with their own state (open
//! documents, blame, analyses), plus counters. The few things that involve
//! several services (a HEAD move, a document's blame) are orchestrated here.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use tower_lsp::lsp_types::{MessageType, Url};
use tower_lsp::Client;

use super::analysis_service::AnalysisService;
use super::blame_service::{BlameService, IgnoredRevisions};
use super::config::Config;
use super::document_blame::DocumentBlame;
use super::documents::Documents;
use super::stats::Stats;
use crate::engine::EngineError;
use crate::repo::Repository;

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
    config: RwLock<Config>,
    /// Workspace folders, the default subject of `gitinspector.analyzeWorkspace`.
    workspace_folders: RwLock<Vec<PathBuf>>,
    pub documents: Documents,
    pub blame: BlameService,
    pub analyses: AnalysisService,
    pub stats: Arc<Stats>,
    /// Told when `initialize` arrives: log lines go to the editor from then.
    pub log_ready: Arc<tokio::sync::Notify>,
}

impl Session {
    pub fn new(client: Client, stats: Arc<Stats>) -> Arc<Session> {
        let config = Config::default();
        let log_ready = Arc::new(tokio::sync::Notify::new());
        if let Some(lines) = crate::logging::editor_lines() {
            let forward =
                crate::logging::forward_to_editor(client.clone(), lines, log_ready.clone());
            tokio::spawn(forward);
        }
        Arc::new(Session {
            blame: BlameService::new(config.cache_budget_mb << 20, stats.clone()),
            analyses: AnalysisService::new(config.cache_budget_mb << 19, stats.clone()),
            log_ready,
            client,
            support: ClientSupport::default(),
            config: RwLock::new(config),
            workspace_folders: RwLock::default(),
            documents: Documents::default(),
            stats,
        })
    }

    pub fn config(&self) -> Config {
        self.config
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Applies a configuration: the cache budgets follow it (blame gets
    /// the budget, finished analyses half as much again).
    pub fn set_config(&self, config: Config) {
        self.blame.set_budget(config.cache_budget_mb << 20);
        self.analyses.set_budget(config.cache_budget_mb << 19);
        *self.config.write().unwrap_or_else(|e| e.into_inner()) = config;
    }

    pub fn workspace_folders(&self) -> Vec<PathBuf> {
        self.workspace_folders
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn set_workspace_folders(&self, update: impl FnOnce(&mut Vec<PathBuf>)) {
        update(
            &mut self
                .workspace_folders
                .write()
                .unwrap_or_else(|e| e.into_inner()),
        );
    }

    /// The document's blame now. Outside a repository: an empty blame.
    pub async fn document_blame(&self, uri: &Url) -> Result<Arc<DocumentBlame>, EngineError> {
        let path = uri.to_file_path().unwrap_or_default();
        let repo = Repository::discover(&path);
        let head = repo.as_ref().and_then(Repository::head);
        let mut ignored = IgnoredRevisions::default();
        if let (Some(repo), Some(head)) = (&repo, &head) {
            self.note_head(&repo.root, head).await;
            ignored = self.ignored_revisions(repo, head).await;
        }
        self.blame
            .view(uri, &self.documents, repo, head, ignored)
            .await
    }

    /// The revisions `view`'s blame looked through (its repository's
    /// ignore-revs file now), for blaming more of its history the same way.
    pub async fn ignored_revisions_of(&self, view: &DocumentBlame) -> IgnoredRevisions {
        let (Some(root), Some(head)) = (&view.repository, &view.revision) else {
            return IgnoredRevisions::default();
        };
        match Repository::discover(root) {
            Some(repo) => self.ignored_revisions(&repo, head).await,
            None => IgnoredRevisions::default(),
        }
    }

    /// The revisions blame looks through in `repo` (`ignoreRevsFile`). A
    /// file the user named that cannot be used is reported as a bad setting
    /// is (a warning shown, and logged), once; blame goes on without it.
    async fn ignored_revisions(&self, repo: &Repository, head: &str) -> IgnoredRevisions {
        let setting = self
            .config
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .ignore_revs_file
            .clone();
        let (ignored, problem) = self.blame.ignored_revisions(repo, head, &setting).await;
        if let Some(problem) = problem {
            let message = format!("gitinspector.ignoreRevsFile: {problem}");
            tracing::warn!("{message}");
            self.client
                .show_message(MessageType::WARNING, message)
                .await;
        }
        ignored
    }

    /// Loads what a document's first blame needs (its committed blame and
    /// the repository's user) without building the view.
    pub async fn warm(self: &Arc<Self>, uri: &Url) -> Result<(), EngineError> {
        let path = uri.to_file_path().unwrap_or_default();
        let Some(repo) = Repository::discover(&path) else {
            return Ok(());
        };
        let session = self.clone();
        let root = repo.root.clone();
        tokio::spawn(async move { session.blame.current_user(&root).await });
        let Some(head) = repo.head() else {
            return Ok(());
        };
        self.note_head(&repo.root, &head).await;
        let ignored = self.ignored_revisions(&repo, &head).await;
        self.blame.warm(&repo, &head, &path, &ignored).await
    }

    /// Records the HEAD seen for a repository; when it moved, blame keeps
    /// what the move did not touch, the old revision's analyses go, and the
    /// editor is asked to redraw.
    pub async fn note_head(&self, root: &Path, head: &str) {
        if let Some(old) = self.blame.head_seen(root, head).await {
            self.analyses.forget_revision(&old);
            self.request_refresh();
        }
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

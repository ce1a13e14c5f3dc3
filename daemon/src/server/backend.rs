//! The tower-lsp `LanguageServer` implementation: lifecycle, capabilities,
//! and delegation to one module per request or notification.

use std::future::Future;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use serde_json::Value;
use tower_lsp::jsonrpc::Result;
use tower_lsp::lsp_types::*;
use tower_lsp::{Client, LanguageServer};

use super::config::Config;
use super::session::Session;

pub const COMMANDS: [&str; 4] = [
    "gitinspector.analyzeWorkspace",
    "gitinspector.fileAuthors",
    "gitinspector.repositoryAuthors",
    "gitinspector.showCommit",
];

pub struct Backend {
    pub(super) session: Arc<Session>,
}

/// How long after `initialize` the engine starts if nothing needed it
/// before, and the disk cache is pruned.
const ENGINE_START_DELAY: std::time::Duration = std::time::Duration::from_secs(1);

impl Backend {
    pub fn new(client: Client) -> Backend {
        Backend {
            session: Session::new(client),
        }
    }

    /// Runs a request handler, recording its latency and outcome.
    pub(super) async fn measured<T, F>(&self, method: &'static str, handler: F) -> Result<T>
    where
        F: Future<Output = Result<T>>,
    {
        let started = Instant::now();
        let result = handler.await;
        self.session
            .stats
            .record(method, started.elapsed(), result.is_ok());
        result
    }

    /// Applies client configuration; a bad value is reported, not fatal.
    pub(super) async fn apply_config(&self, value: &Value) {
        match Config::from_value(value) {
            Ok((config, warnings)) => {
                for warning in warnings {
                    tracing::warn!("{warning}");
                    self.session
                        .client
                        .show_message(MessageType::WARNING, warning)
                        .await;
                }
                // Blame gets the budget; finished analyses half as much again.
                self.session
                    .blame_store
                    .set_budget(config.cache_budget_mb << 20);
                self.session
                    .analyses
                    .set_budget(config.cache_budget_mb << 19);
                *self
                    .session
                    .config
                    .write()
                    .unwrap_or_else(|e| e.into_inner()) = config;
                self.session.request_refresh();
            }
            Err(message) => {
                tracing::warn!("{message}");
                self.session
                    .client
                    .show_message(MessageType::WARNING, message)
                    .await;
            }
        }
    }
}

#[tower_lsp::async_trait]
impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let caps = &params.capabilities;
        let support = &self.session.support;
        let flag = |b: Option<bool>| b.unwrap_or(false);
        support.progress.store(
            flag(caps.window.as_ref().and_then(|w| w.work_done_progress)),
            Ordering::Relaxed,
        );
        let workspace = caps.workspace.as_ref();
        support.code_lens_refresh.store(
            flag(workspace.and_then(|w| w.code_lens.as_ref()?.refresh_support)),
            Ordering::Relaxed,
        );
        support.inlay_hint_refresh.store(
            flag(workspace.and_then(|w| w.inlay_hint.as_ref()?.refresh_support)),
            Ordering::Relaxed,
        );
        support.watched_files_registration.store(
            flag(workspace.and_then(|w| w.did_change_watched_files?.dynamic_registration)),
            Ordering::Relaxed,
        );
        let mut folders: Vec<_> = params
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|f| f.uri.to_file_path().ok())
            .collect();
        #[allow(deprecated)]
        if folders.is_empty() {
            folders.extend(params.root_uri.and_then(|u| u.to_file_path().ok()));
        }
        *self
            .session
            .workspace_folders
            .write()
            .unwrap_or_else(|e| e.into_inner()) = folders;
        // Who "You" is, per workspace repository, before any file is opened.
        for folder in self
            .session
            .workspace_folders
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
        {
            if let Some(repo) = crate::repo::Repository::discover(folder) {
                let session = self.session.clone();
                tokio::spawn(async move { session.current_user(&repo.root).await });
            }
        }
        if let Some(options) = &params.initialization_options {
            self.apply_config(options).await;
        }

        // Start Python in the background, once the editor's opening burst
        // (didOpen, the first blames: git work that needs no Python) is
        // served: starting it costs a core for about 0.1 s, which would
        // otherwise compete with exactly those requests. Anything that needs
        // the engine sooner starts it itself.
        let session = self.session.clone();
        tokio::spawn(async move {
            tokio::time::sleep(ENGINE_START_DELAY).await;
            // Pruning the disk cache walks its folders: not during that burst either.
            let disk = session.disk_cache.clone();
            tokio::task::spawn_blocking(move || disk.prune());
            if let Err(err) = session.engine().await {
                tracing::error!("engine failed to start: {err}");
                session
                    .client
                    .show_message(MessageType::ERROR, format!("gitinspector engine: {err}"))
                    .await;
            }
        });
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                        ..Default::default()
                    },
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                code_lens_provider: Some(CodeLensOptions {
                    resolve_provider: Some(false),
                }),
                inlay_hint_provider: Some(OneOf::Left(true)),
                execute_command_provider: Some(ExecuteCommandOptions {
                    commands: COMMANDS.iter().map(|c| (*c).to_owned()).collect(),
                    work_done_progress_options: WorkDoneProgressOptions {
                        work_done_progress: Some(true),
                    },
                }),
                workspace: Some(WorkspaceServerCapabilities {
                    workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                        supported: Some(true),
                        change_notifications: Some(OneOf::Left(true)),
                    }),
                    file_operations: None,
                }),
                ..Default::default()
            },
            server_info: Some(ServerInfo {
                name: "gitinspector-lsp".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        self.register_git_watchers().await;
    }

    async fn shutdown(&self) -> Result<()> {
        tracing::info!("shutdown requested");
        // Let blame being written to the disk cache land (bounded wait).
        let mut writes = std::mem::take(
            &mut *self
                .session
                .disk_writes
                .lock()
                .unwrap_or_else(|e| e.into_inner()),
        );
        let drain = async { while writes.join_next().await.is_some() {} };
        let _ = tokio::time::timeout(std::time::Duration::from_secs(5), drain).await;
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        self.on_did_open(params).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        self.on_did_change(params);
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        self.on_did_save(params).await;
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        self.on_did_close(params);
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        self.apply_config(&params.settings).await;
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        self.on_did_change_watched_files(params).await;
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        let mut folders = self
            .session
            .workspace_folders
            .write()
            .unwrap_or_else(|e| e.into_inner());
        let removed: Vec<_> = params
            .event
            .removed
            .iter()
            .filter_map(|f| f.uri.to_file_path().ok())
            .collect();
        folders.retain(|f| !removed.contains(f));
        folders.extend(
            params
                .event
                .added
                .iter()
                .filter_map(|f| f.uri.to_file_path().ok()),
        );
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        self.measured("textDocument/hover", self.on_hover(params))
            .await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        self.measured("textDocument/codeLens", self.on_code_lens(params))
            .await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        self.measured("textDocument/inlayHint", self.on_inlay_hint(params))
            .await
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<Value>> {
        self.measured("workspace/executeCommand", self.on_execute_command(params))
            .await
    }
}

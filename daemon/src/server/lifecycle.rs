//! `initialize` (what the client supports, what we offer, what starts in
//! the background), `initialized` and `shutdown`.

use std::sync::atomic::Ordering;

use tower_lsp::jsonrpc::Result;
use tower_lsp::lsp_types::*;

use super::config::Config;
use super::scheduler;
use super::session::ClientSupport;
use super::Backend;

/// `workspace/executeCommand` commands (see requests/execute_command.rs).
pub const COMMANDS: [&str; 7] = [
    "gitinspector.analyzeWorkspace",
    "gitinspector.fileAuthors",
    "gitinspector.repositoryAuthors",
    "gitinspector.showCommit",
    "gitinspector.blamePrior",
    "gitinspector.lineHistory",
    "gitinspector.fileHistory",
];

impl Backend {
    pub(crate) async fn on_initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        record_client_support(&self.session.support, &params.capabilities);
        self.session.log_ready.notify_one();
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
        self.session.set_workspace_folders(|f| *f = folders);
        if let Some(options) = &params.initialization_options {
            self.apply_config(options).await;
        }
        self.start_background_work();
        Ok(InitializeResult {
            capabilities: capabilities(),
            server_info: Some(ServerInfo {
                name: "gitinspector-lsp".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
        })
    }

    /// Who "You" is per workspace repository, before any file is opened;
    /// the engine and the disk-cache pruning once the opening burst is over
    /// (anything that needs the engine sooner starts it itself).
    fn start_background_work(&self) {
        for folder in self.session.workspace_folders() {
            if let Some(repo) = crate::repo::Repository::discover(&folder) {
                let session = self.session.clone();
                tokio::spawn(async move { session.blame.current_user(&repo.root).await });
            }
        }
        let session = self.session.clone();
        scheduler::after("engine start", scheduler::ENGINE_START, async move {
            session.blame.prune_disk_cache();
            if let Err(err) = session.analyses.engine().await {
                tracing::error!("engine failed to start: {err}");
                session
                    .client
                    .show_message(MessageType::ERROR, format!("gitinspector engine: {err}"))
                    .await;
            }
        });
    }

    pub(crate) async fn on_initialized(&self) {
        self.register_git_watchers().await;
    }

    pub(crate) async fn on_shutdown(&self) -> Result<()> {
        tracing::info!("shutdown requested");
        self.session.blame.finish_disk_writes().await;
        Ok(())
    }
}

fn record_client_support(support: &ClientSupport, caps: &ClientCapabilities) {
    let flag = |b: Option<bool>| b.unwrap_or(false);
    let workspace = caps.workspace.as_ref();
    let set = |what: &std::sync::atomic::AtomicBool, value: Option<bool>| {
        what.store(flag(value), Ordering::Relaxed);
    };
    set(
        &support.progress,
        caps.window.as_ref().and_then(|w| w.work_done_progress),
    );
    set(
        &support.code_lens_refresh,
        workspace.and_then(|w| w.code_lens.as_ref()?.refresh_support),
    );
    set(
        &support.inlay_hint_refresh,
        workspace.and_then(|w| w.inlay_hint.as_ref()?.refresh_support),
    );
    set(
        &support.watched_files_registration,
        workspace.and_then(|w| w.did_change_watched_files?.dynamic_registration),
    );
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        // Every setting's default, from the one place they are defined:
        // clients send only what the user set, and show these otherwise.
        experimental: Some(serde_json::json!({
            "gitinspector": {"defaults": Config::default().to_value()}
        })),
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
    }
}

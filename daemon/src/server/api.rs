//! The dispatch table: every method the server answers, standard and
//! custom, and the module that handles it. Params are typed (lsp-types for
//! standard methods, serde structs or the engine's settings object for
//! custom ones; a malformed one is InvalidParams). Every request is timed
//! in one place, `Guarded` in server/mod.rs.

use serde_json::Value;
use tower_lsp::jsonrpc::Result;
use tower_lsp::lsp_types::*;
use tower_lsp::{LanguageServer, LspServiceBuilder};

use super::Backend;

#[tower_lsp::async_trait]
impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        self.on_initialize(params).await // lifecycle.rs
    }

    async fn initialized(&self, _: InitializedParams) {
        self.on_initialized().await // lifecycle.rs
    }

    async fn shutdown(&self) -> Result<()> {
        self.on_shutdown().await // lifecycle.rs
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        self.on_did_open(params).await // notifications/did_open.rs
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        self.on_did_change(params) // notifications/did_change.rs
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        self.on_did_save(params).await // notifications/did_save.rs
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        self.on_did_close(params) // notifications/did_close.rs
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        self.on_did_change_configuration(params).await
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        self.on_did_change_watched_files(params).await
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        self.on_did_change_workspace_folders(params)
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        self.on_hover(params).await // requests/hover.rs
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        self.on_code_lens(params).await // requests/code_lens.rs
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        self.on_inlay_hint(params).await // requests/inlay_hint.rs
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<Value>> {
        self.on_execute_command(params).await // requests/execute_command.rs
    }
}

/// The custom methods (one module each under requests/ and notifications/).
pub fn register(builder: LspServiceBuilder<Backend>) -> LspServiceBuilder<Backend> {
    builder
        // The engine API of GitInspectorGUI (snake_case payloads).
        .custom_method("gitinspector/healthCheck", Backend::health_check)
        .custom_method("gitinspector/getEngineInfo", Backend::get_engine_info)
        .custom_method("gitinspector/getSettings", Backend::get_settings)
        .custom_method("gitinspector/saveSettings", Backend::save_settings)
        .custom_method("gitinspector/executeAnalysis", Backend::execute_analysis)
        .custom_method("gitinspector/renderReport", Backend::render_report)
        .custom_method("gitinspector/getBlameData", Backend::get_blame_data)
        .custom_method(
            "gitinspector/getPerformanceStats",
            Backend::get_performance_stats,
        )
        // Editor-facing (camelCase payloads).
        .custom_method("gitinspector/blame", Backend::blame)
        .custom_method("gitinspector/setBlocks", Backend::set_blocks)
}

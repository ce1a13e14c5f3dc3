//! The tower-lsp `LanguageServer` implementation: lifecycle and the glue
//! shared by request handlers.

use std::future::Future;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use serde_json::Value;
use tower_lsp::jsonrpc::Result;
use tower_lsp::lsp_types::{
    InitializeParams, InitializeResult, InitializedParams, MessageType, ServerCapabilities,
    ServerInfo,
};
use tower_lsp::{Client, LanguageServer};

use super::session::Session;

pub struct Backend {
    pub(super) session: Arc<Session>,
}

impl Backend {
    pub fn new(client: Client) -> Backend {
        Backend {
            session: Session::new(client),
        }
    }

    /// Runs a request handler, recording its latency and outcome.
    pub(super) async fn measured<F>(&self, method: &'static str, handler: F) -> Result<Value>
    where
        F: Future<Output = Result<Value>>,
    {
        let started = Instant::now();
        let result = handler.await;
        self.session
            .stats
            .record(method, started.elapsed(), result.is_ok());
        result
    }
}

#[tower_lsp::async_trait]
impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let progress = params
            .capabilities
            .window
            .as_ref()
            .and_then(|w| w.work_done_progress)
            .unwrap_or(false);
        self.session
            .client_progress
            .store(progress, Ordering::Relaxed);
        // Start Python now, off the critical path: `initialize` answers at once
        // and the first real request finds the engine warm.
        let session = self.session.clone();
        tokio::spawn(async move {
            if let Err(err) = session.engine().await {
                tracing::error!("engine failed to start: {err}");
                session
                    .client
                    .log_message(MessageType::ERROR, format!("gitinspector engine: {err}"))
                    .await;
            }
        });
        Ok(InitializeResult {
            capabilities: ServerCapabilities::default(),
            server_info: Some(ServerInfo {
                name: "gitinspector-lsp".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        tracing::info!("client initialized");
    }

    async fn shutdown(&self) -> Result<()> {
        tracing::info!("shutdown requested");
        Ok(())
    }
}

//! State shared by all requests: the engine, caches and counters.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use dashmap::DashMap;
use serde_json::Value;
use tokio::sync::{mpsc, OnceCell};
use tower_lsp::lsp_types::MessageType;
use tower_lsp::Client;

use super::stats::Stats;
use crate::engine::{CallHooks, Engine, EngineError, EngineErrorKind, LogRecord, LogSink};

pub struct Session {
    pub client: Client,
    engine: OnceCell<Result<Arc<Engine>, EngineError>>,
    log_sink: LogSink,
    pub stats: Stats,
    /// Finished analyses by (settings, revisions): immutable once computed.
    pub analyses: DashMap<String, Arc<Value>>,
    /// The client said it can show `$/progress` for server-initiated work.
    pub client_progress: AtomicBool,
}

impl Session {
    pub fn new(client: Client) -> Arc<Session> {
        let (log_tx, log_rx) = mpsc::unbounded_channel();
        tokio::spawn(forward_logs(client.clone(), log_rx));
        let log_sink: LogSink = Arc::new(move |record: LogRecord| {
            crate::logging::python_record(&record);
            let _ = log_tx.send(record);
        });
        Arc::new(Session {
            client,
            engine: OnceCell::new(),
            log_sink,
            stats: Stats::default(),
            analyses: DashMap::new(),
            client_progress: AtomicBool::new(false),
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
        let engine = self.engine().await?;
        let session = self.clone();
        session
            .stats
            .engine_in_flight
            .fetch_add(1, Ordering::Relaxed);
        // Counters are updated inside the blocking task: the request's future
        // may be dropped (cancelled) while Python is still finishing.
        tokio::task::spawn_blocking(move || {
            let result = engine.call(function, &args, &hooks);
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

fn panicked(err: tokio::task::JoinError) -> EngineError {
    EngineError {
        kind: EngineErrorKind::Python,
        message: format!("engine call failed: {err}"),
        python_type: None,
        traceback: None,
        details: None,
    }
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

//! The engine (embedded Python, started once) and what it computed:
//! finished analyses, kept by everything that changes them.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use serde_json::Value;
use tokio::sync::OnceCell;

use super::lru::Lru;
use super::scheduler;
use super::stats::Stats;
use crate::engine::{CallHooks, Engine, EngineError, EngineErrorKind, LogRecord, LogSink};

/// Engine calls that build and drop large transient structures (a whole
/// history, every file's blame).
const LARGE_CALLS: [&str; 2] = ["execute_analysis", "get_blame_data"];

pub struct AnalysisService {
    engine: OnceCell<Result<Arc<Engine>, EngineError>>,
    log_sink: LogSink,
    /// Finished analyses by (function, settings, each repository's commit
    /// and mailmap): immutable once computed. Kept as JSON text: a quarter of
    /// the size of the parsed tree.
    results: Lru<String, Arc<str>>,
    /// Held while settings are saved (FIFO: saves land in the order they came).
    settings_writes: tokio::sync::Mutex<()>,
    stats: Arc<Stats>,
}

impl AnalysisService {
    /// Python log records go to the daemon's log (and so, from INFO up, to
    /// the editor: see `logging`).
    pub fn new(budget_bytes: usize, stats: Arc<Stats>) -> AnalysisService {
        let log_sink: LogSink =
            Arc::new(move |record: LogRecord| crate::logging::python_record(&record));
        AnalysisService {
            engine: OnceCell::new(),
            log_sink,
            results: Lru::new(budget_bytes, |text: &Arc<str>| text.len()),
            settings_writes: tokio::sync::Mutex::new(()),
            stats,
        }
    }

    pub fn set_budget(&self, bytes: usize) {
        self.results.set_budget(bytes);
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

    /// The engine if it has already started, without starting it.
    pub fn engine_if_started(&self) -> Option<Arc<Engine>> {
        self.engine.get().and_then(|r| r.as_ref().ok().cloned())
    }

    /// Runs `gigui.api.<function>` on a blocking thread (never on the
    /// protocol loop).
    pub async fn call(
        &self,
        function: &'static str,
        args: Vec<Value>,
        hooks: CallHooks,
    ) -> Result<Value, EngineError> {
        let engine = self.engine().await?;
        let stats = self.stats.clone();
        stats.engine_in_flight.fetch_add(1, Ordering::Relaxed);
        // Counters are updated inside the blocking task: the request's future
        // may be dropped (cancelled) while Python is still finishing.
        let result = tokio::task::spawn_blocking(move || {
            let started = std::time::Instant::now();
            let result = engine.call(function, &args, &hooks);
            stats.record(
                &format!("engine/{function}"),
                started.elapsed(),
                result.is_ok(),
            );
            if matches!(&result, Err(e) if e.kind == EngineErrorKind::Cancelled) {
                stats.engine_cancelled.fetch_add(1, Ordering::Relaxed);
            }
            stats.engine_in_flight.fetch_sub(1, Ordering::Relaxed);
            result
        })
        .await
        .unwrap_or_else(|e| Err(panicked(e)));
        if LARGE_CALLS.contains(&function) {
            scheduler::release_free_memory();
            scheduler::blocking_after(
                "memory trim after a large answer",
                scheduler::MEMORY_TRIM_AFTER_ANSWER,
                scheduler::release_free_memory,
            );
        }
        result
    }

    /// A finished analysis, if one is kept under `key`.
    pub fn cached(&self, key: &str) -> Option<Value> {
        let hit = self.results.get(&key.to_owned())?;
        serde_json::from_str(&hit).ok()
    }

    pub fn keep(&self, key: String, result: &Value) {
        if let Ok(text) = serde_json::to_string(result) {
            self.results.insert(key, Arc::from(text));
        }
    }

    /// Forgets every analysis of a revision HEAD moved away from.
    pub fn forget_revision(&self, revision: &str) {
        self.results.retain(|key| !key.contains(revision));
    }

    pub fn cached_count(&self) -> usize {
        self.results.len()
    }

    /// One settings save at a time, in the order they came.
    pub async fn settings_turn(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.settings_writes.lock().await
    }
}

fn panicked(err: tokio::task::JoinError) -> EngineError {
    EngineError::python(format!("engine call failed: {err}"))
}

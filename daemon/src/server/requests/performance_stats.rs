//! `gitinspector/getPerformanceStats`: per-method latency, cache and engine
//! counters. Answered without Python.

use serde_json::{json, Value};
use tower_lsp::jsonrpc::Result;

use crate::server::Backend;

impl Backend {
    pub async fn get_performance_stats(&self, _params: Value) -> Result<Value> {
        async {
            let python_time = self
                .session
                .analyses
                .engine_if_started()
                .map(|e| e.python_time())
                .unwrap_or_default();
            let mut stats = self.session.stats.snapshot(python_time);
            if let Some(map) = stats.as_object_mut() {
                map.insert(
                    "cached_results".into(),
                    json!(self.session.analyses.cached_count()),
                );
                map.insert(
                    "blame_cache".into(),
                    json!({
                        "entries": self.session.blame.usage().0,
                        "bytes": self.session.blame.usage().1,
                        "open_documents": self.session.documents.len(),
                    }),
                );
            }
            Ok(stats)
        }
        .await
    }
}

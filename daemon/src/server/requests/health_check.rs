//! `gitinspector/healthCheck`: is the engine up and git usable.

use serde_json::{json, Value};
use tower_lsp::jsonrpc::Result;

use crate::engine::CallHooks;
use crate::server::Backend;

impl Backend {
    pub async fn health_check(&self, _params: Value) -> Result<Value> {
        async {
            // An unhealthy engine is an answer, not a failed request.
            let mut report = match self
                .session
                .analyses
                .call("health_check", vec![], CallHooks::default())
                .await
            {
                Ok(report) => report,
                Err(err) => json!({"status": "error", "problems": [err.message]}),
            };
            if let Some(map) = report.as_object_mut() {
                map.insert("daemon_version".into(), json!(env!("CARGO_PKG_VERSION")));
            }
            Ok(report)
        }
        .await
    }
}

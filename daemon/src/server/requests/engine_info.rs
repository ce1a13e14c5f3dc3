//! `gitinspector/getEngineInfo`: engine, git and Python versions, and where
//! the daemon found the engine.

use serde_json::{json, Value};
use tower_lsp::jsonrpc::Result;

use crate::engine::CallHooks;
use crate::server::errors::to_rpc;
use crate::server::Backend;

impl Backend {
    pub async fn get_engine_info(&self, _params: Value) -> Result<Value> {
        async {
            let mut info = self
                .session
                .analyses
                .call("get_engine_info", vec![], CallHooks::default())
                .await
                .map_err(to_rpc)?;
            let engine = self.session.analyses.engine().await.map_err(to_rpc)?;
            if let Some(map) = info.as_object_mut() {
                map.insert("daemon_version".into(), json!(env!("CARGO_PKG_VERSION")));
                map.insert("location".into(), json!(engine.location));
            }
            Ok(info)
        }
        .await
    }
}

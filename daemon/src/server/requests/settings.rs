//! `gitinspector/getSettings` and `gitinspector/saveSettings`.

use serde_json::Value;
use tower_lsp::jsonrpc::Result;

use crate::engine::CallHooks;
use crate::server::errors::{invalid_params, to_rpc};
use crate::server::Backend;

impl Backend {
    pub async fn get_settings(&self, _params: Value) -> Result<Value> {
        async {
            self.session
                .analyses
                .call("get_settings", vec![], CallHooks::default())
                .await
                .map_err(to_rpc)
        }
        .await
    }

    /// Params: the settings object itself, or `{"settings": {...}}`.
    pub async fn save_settings(&self, params: Value) -> Result<Value> {
        async {
            let settings = match params {
                Value::Object(mut map) if map.len() == 1 && map.contains_key("settings") => {
                    map.remove("settings").unwrap_or_default()
                }
                other => other,
            };
            if !settings.is_object() {
                return Err(invalid_params("settings must be a JSON object"));
            }
            // One save at a time, in the order they came: the last one
            // acknowledged is the one on disk.
            let _turn = self.session.analyses.settings_turn().await;
            self.session
                .analyses
                .call("save_settings", vec![settings], CallHooks::default())
                .await
                .map_err(to_rpc)
        }
        .await
    }
}

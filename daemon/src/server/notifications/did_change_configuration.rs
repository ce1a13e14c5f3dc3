//! `workspace/didChangeConfiguration` (and `initializationOptions`): the
//! `gitinspector` settings (see docs/protocol.md).

use serde_json::Value;
use tower_lsp::lsp_types::{DidChangeConfigurationParams, MessageType};

use crate::server::config::Config;
use crate::server::Backend;

impl Backend {
    pub(crate) async fn on_did_change_configuration(&self, params: DidChangeConfigurationParams) {
        self.apply_config(&params.settings).await;
    }

    /// Applies client configuration; a bad value is reported, not fatal.
    pub(crate) async fn apply_config(&self, value: &Value) {
        match Config::from_value(value) {
            Ok((config, warnings)) => {
                for warning in warnings {
                    tracing::warn!("{warning}");
                    self.session
                        .client
                        .show_message(MessageType::WARNING, warning)
                        .await;
                }
                self.session.set_config(config);
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

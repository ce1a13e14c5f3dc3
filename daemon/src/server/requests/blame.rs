//! `gitinspector/blame`: the whole document's blame, following unsaved
//! edits, in the compact form the editor extensions render from.

use serde::Deserialize;
use std::sync::Arc;

use serde_json::{json, Value};
use tower_lsp::jsonrpc::Result;
use tower_lsp::lsp_types::TextDocumentIdentifier;

use crate::server::errors::{invalid_params, to_rpc};
use crate::server::Backend;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BlameParams {
    text_document: TextDocumentIdentifier,
    /// The `resultId` of the client's last answer: if still current, the
    /// answer is just `{resultId, unchanged: true}`.
    #[serde(default)]
    previous_result_id: Option<String>,
}

impl Backend {
    pub async fn blame(&self, params: Value) -> Result<Arc<Value>> {
        self.measured("gitinspector/blame", async {
            let params: BlameParams = serde_json::from_value(params)
                .map_err(|e| invalid_params(format!("expected {{textDocument: {{uri}}}}: {e}")))?;
            let view = self
                .session
                .document_blame(&params.text_document.uri)
                .await
                .map_err(to_rpc)?;
            let result_id = view.result_id();
            if result_id.is_some() && result_id == params.previous_result_id {
                return Ok(Arc::new(json!({"resultId": result_id, "unchanged": true})));
            }
            let started = std::time::Instant::now();
            let user = match &view.repository {
                Some(root) => self.session.current_user(root).await,
                None => Value::Null,
            };
            let answer = view.to_json(&user);
            tracing::debug!(elapsed = ?started.elapsed(), "blame answer");
            Ok(answer)
        })
        .await
    }
}

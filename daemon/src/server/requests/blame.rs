//! `gitinspector/blame`: the whole document's blame, following unsaved
//! edits, in the compact form the editor extensions render from; or, for a
//! client that names the answer it holds, only what changed since.

use serde::Deserialize;
use std::sync::Arc;

use serde_json::{json, Value};
use tower_lsp::jsonrpc::Result;
use tower_lsp::lsp_types::TextDocumentIdentifier;

use crate::server::blame_answers::runs_edit;
use crate::server::errors::to_rpc;
use crate::server::Backend;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BlameParams {
    text_document: TextDocumentIdentifier,
    /// The `resultId` of the answer the client holds: if still current, the
    /// answer is `{resultId, unchanged: true}`; if an earlier version of this
    /// document at the same revision, a delta.
    #[serde(default)]
    previous_result_id: Option<String>,
}

impl Backend {
    pub async fn blame(&self, params: BlameParams) -> Result<Arc<Value>> {
        async {
            let uri = &params.text_document.uri;
            let view = self.session.document_blame(uri).await.map_err(to_rpc)?;
            let Some(result_id) = view.result_id() else {
                // Not an open document: no versions, so no deltas either.
                let user = self.user_of(&view).await;
                return Ok(view.to_json(&user));
            };
            if let Some(previous) = &params.previous_result_id {
                if *previous == result_id {
                    return Ok(Arc::new(json!({"resultId": result_id, "unchanged": true})));
                }
                let held = self.session.blame.held_answer(uri, previous, &result_id);
                if let Some(held) = held {
                    let runs = view.runs();
                    let edit = runs_edit(&held, &runs);
                    self.remember(uri, &result_id, runs);
                    return Ok(Arc::new(json!({
                        "resultId": result_id,
                        "version": view.version,
                        "lineCount": view.lines.len(),
                        "edits": [edit],
                    })));
                }
            }
            let user = self.user_of(&view).await;
            let answer = view.to_json(&user);
            self.remember(uri, &result_id, view.runs());
            Ok(answer)
        }
        .await
    }

    async fn user_of(&self, view: &crate::server::document_blame::DocumentBlame) -> Value {
        match &view.repository {
            Some(root) => self.session.blame.current_user(root).await,
            None => Value::Null,
        }
    }

    fn remember(&self, uri: &tower_lsp::lsp_types::Url, result_id: &str, runs: Arc<Vec<u32>>) {
        self.session.blame.remember_answer(uri, result_id, runs);
    }
}

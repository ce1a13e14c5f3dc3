//! `gitinspector/setBlocks` (notification): the editor's own top-level
//! blocks (document symbols, tree-sitter) replace the built-in detection
//! for block lenses.

use serde::Deserialize;
use serde_json::Value;
use tower_lsp::lsp_types::TextDocumentIdentifier;

use crate::server::documents::Block;
use crate::server::Backend;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SetBlocksParams {
    text_document: TextDocumentIdentifier,
    blocks: Vec<Block>,
}

impl Backend {
    pub async fn set_blocks(&self, params: Value) {
        let params: SetBlocksParams = match serde_json::from_value(params) {
            Ok(p) => p,
            Err(err) => return tracing::warn!("gitinspector/setBlocks: invalid params: {err}"),
        };
        let uri = params.text_document.uri;
        if !self.session.documents.set_blocks(&uri, params.blocks) {
            return tracing::warn!("gitinspector/setBlocks: document is not open: {uri}");
        }
        self.session.blame.forget_view(&uri);
        self.session.request_refresh();
    }
}

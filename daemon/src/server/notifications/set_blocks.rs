//! `gitinspector/setBlocks` (notification): the editor's own top-level
//! blocks (document symbols, tree-sitter) replace the built-in detection
//! for block lenses.

use serde::Deserialize;
use tower_lsp::lsp_types::TextDocumentIdentifier;

use crate::server::documents::Block;
use crate::server::Backend;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetBlocksParams {
    text_document: TextDocumentIdentifier,
    blocks: Vec<Block>,
}

impl Backend {
    pub async fn set_blocks(&self, params: SetBlocksParams) {
        let uri = params.text_document.uri;
        if !self.session.documents.set_blocks(&uri, params.blocks) {
            return tracing::warn!("gitinspector/setBlocks: document is not open: {uri}");
        }
        self.session.blame.forget_view(&uri);
        self.session.request_refresh();
    }
}

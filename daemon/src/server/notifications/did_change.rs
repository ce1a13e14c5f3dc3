//! `textDocument/didChange`: apply incremental edits. Blame follows lazily:
//! the next request maps the cached committed blame onto the new text.

use tower_lsp::lsp_types::DidChangeTextDocumentParams;

use crate::server::Backend;

impl Backend {
    /// Synchronous on purpose: edits must apply in the order they arrive.
    pub(crate) fn on_did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        if !self
            .session
            .documents
            .change(&uri, version, params.content_changes)
        {
            tracing::warn!("change for a document that is not open: {uri}");
        }
    }
}

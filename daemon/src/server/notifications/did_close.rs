//! `textDocument/didClose`: forget the buffer (the committed blame stays cached).

use tower_lsp::lsp_types::DidCloseTextDocumentParams;

use crate::server::scheduler;
use crate::server::Backend;

/// Documents this large (bytes) give freed memory back when closed.
const LARGE_DOCUMENT: usize = 1 << 20;

impl Backend {
    pub(crate) fn on_did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let closed = self.session.documents.close(&uri);
        self.session.blame.forget_document(&uri);
        // A large document's buffer, view and answers (and the hints and
        // lenses built from them) were megabytes: give them back.
        if closed.is_some_and(|doc| doc.text.len() > LARGE_DOCUMENT) {
            scheduler::blocking_after(
                "memory trim after closing a large document",
                scheduler::MEMORY_TRIM_AFTER_CLOSE,
                scheduler::release_free_memory,
            );
        }
    }
}

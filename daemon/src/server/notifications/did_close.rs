//! `textDocument/didClose`: forget the buffer (the committed blame stays cached).

use tower_lsp::lsp_types::DidCloseTextDocumentParams;

use crate::server::Backend;

/// Documents this large (bytes) give freed memory back when closed.
const LARGE_DOCUMENT: usize = 1 << 20;

impl Backend {
    pub(crate) fn on_did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let closed = self.session.documents.remove(&uri);
        self.session.views.remove(&uri);
        self.session.answers.remove(&uri);
        // A large document's buffer, view and answers (and the hints and
        // lenses built from them) were megabytes: give them back.
        if closed.is_some_and(|(_, doc)| doc.text.len() > LARGE_DOCUMENT) {
            tokio::spawn(async {
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                let _ =
                    tokio::task::spawn_blocking(crate::server::session::release_free_memory).await;
            });
        }
    }
}

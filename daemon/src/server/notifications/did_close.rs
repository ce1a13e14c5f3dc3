//! `textDocument/didClose`: forget the buffer (the committed blame stays cached).

use tower_lsp::lsp_types::DidCloseTextDocumentParams;

use crate::server::Backend;

impl Backend {
    pub(crate) fn on_did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        self.session.documents.remove(&uri);
        self.session.views.remove(&uri);
        self.session.answers.remove(&uri);
    }
}

//! `textDocument/didOpen`: track the buffer and warm its blame.

use tower_lsp::lsp_types::DidOpenTextDocumentParams;

use crate::server::documents::Document;
use crate::server::Backend;

impl Backend {
    pub(crate) async fn on_did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        self.session.documents.open(
            doc.uri.clone(),
            Document::new(doc.version, doc.text, doc.language_id),
        );
        // Load the committed blame (and who "You" is) now: the first request
        // finds it ready, or joins the load in progress.
        let session = self.session.clone();
        tokio::spawn(async move {
            if let Err(err) = session.warm(&doc.uri).await {
                tracing::warn!("blame of {}: {err}", doc.uri);
            }
        });
    }
}

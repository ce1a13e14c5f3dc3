//! `textDocument/didOpen`: track the buffer and warm its blame.

use tower_lsp::lsp_types::DidOpenTextDocumentParams;

use crate::repo::Repository;
use crate::server::documents::Document;
use crate::server::Backend;

impl Backend {
    pub(crate) async fn on_did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        self.session.documents.insert(
            doc.uri.clone(),
            Document::new(doc.version, doc.text, doc.language_id),
        );
        // Compute the committed blame (and who "You" is) now, so the first
        // request is warm.
        let session = self.session.clone();
        if let Some(repo) = doc
            .uri
            .to_file_path()
            .ok()
            .and_then(|p| Repository::discover(&p))
        {
            let session = session.clone();
            tokio::spawn(async move { session.current_user(&repo.root).await });
        }
        tokio::spawn(async move {
            if let Err(err) = session.document_blame(&doc.uri).await {
                tracing::warn!("blame of {}: {err}", doc.uri);
            }
        });
    }
}

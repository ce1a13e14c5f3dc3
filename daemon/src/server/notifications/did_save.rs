//! `textDocument/didSave`: a save may come with a commit hook or an external
//! commit; check the repository's HEAD (cheap: two small file reads).

use tower_lsp::lsp_types::DidSaveTextDocumentParams;

use crate::repo::Repository;
use crate::server::Backend;

impl Backend {
    pub(crate) async fn on_did_save(&self, params: DidSaveTextDocumentParams) {
        let Ok(path) = params.text_document.uri.to_file_path() else {
            return;
        };
        if let Some(repo) = Repository::discover(&path) {
            if let Some(head) = repo.head() {
                self.session.note_head(&repo.root, &head).await;
            }
        }
    }
}

//! `workspace/didChangeWorkspaceFolders`: the folders `analyzeWorkspace` covers.

use tower_lsp::lsp_types::DidChangeWorkspaceFoldersParams;

use crate::server::Backend;

impl Backend {
    pub(crate) fn on_did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        let paths = |folders: &[tower_lsp::lsp_types::WorkspaceFolder]| -> Vec<_> {
            folders
                .iter()
                .filter_map(|f| f.uri.to_file_path().ok())
                .collect()
        };
        let (removed, added) = (paths(&params.event.removed), paths(&params.event.added));
        self.session.set_workspace_folders(|folders| {
            folders.retain(|f| !removed.contains(f));
            folders.extend(added);
        });
    }
}

//! Watches `.git/HEAD` and refs: a commit, checkout, rebase or reset moves
//! HEAD, and the blame of what it touched must be recomputed.

use std::collections::HashMap;

use tower_lsp::lsp_types::{
    DidChangeWatchedFilesParams, DidChangeWatchedFilesRegistrationOptions, FileSystemWatcher,
    GlobPattern, Registration,
};

use crate::repo::Repository;
use crate::server::Backend;

const GIT_STATE_GLOBS: [&str; 3] = ["**/.git/HEAD", "**/.git/refs/**", "**/.git/packed-refs"];

impl Backend {
    pub(crate) async fn register_git_watchers(&self) {
        let support = &self.session.support;
        if !support
            .watched_files_registration
            .load(std::sync::atomic::Ordering::Relaxed)
        {
            return;
        }
        let watchers = GIT_STATE_GLOBS
            .iter()
            .map(|glob| FileSystemWatcher {
                glob_pattern: GlobPattern::String((*glob).to_owned()),
                kind: None,
            })
            .collect();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        let registration = Registration {
            id: "gitinspector-git-state".to_owned(),
            method: "workspace/didChangeWatchedFiles".to_owned(),
            register_options: serde_json::to_value(options).ok(),
        };
        if let Err(err) = self
            .session
            .client
            .register_capability(vec![registration])
            .await
        {
            tracing::warn!("cannot register git watchers: {err}");
        }
    }

    pub(crate) async fn on_did_change_watched_files(&self, _params: DidChangeWatchedFilesParams) {
        // Whatever changed, re-check the HEAD of every repository with open
        // documents: cheap, and robust to which ref file the event named.
        let repos: HashMap<_, _> = self
            .session
            .documents
            .uris()
            .iter()
            .filter_map(|uri| uri.to_file_path().ok())
            .filter_map(|p| Repository::discover(&p))
            .map(|r| (r.root.clone(), r))
            .collect();
        for repo in repos.into_values() {
            if let Some(head) = repo.head() {
                self.session.note_head(&repo.root, &head).await;
            }
        }
    }
}

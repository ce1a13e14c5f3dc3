//! `gitinspector.showCommit` `[uri, sha | line, {file?}?]`: a commit's
//! details, the files it changed, the diff of the document's file in it
//! and the whole commit's patch (each against its first parent, at most
//! 512 KB), the date as `dateFormat` says, and the hover's markdown.

use serde_json::{json, Value};
use tower_lsp::jsonrpc::Result;

use crate::git::blame::NOT_COMMITTED_TEXT;
use crate::git::commit::{self, ChangedFile, FileChange, Patch};
use crate::git::history::revision_arg;
use crate::server::blame_cache::NOT_COMMITTED;
use crate::server::errors::{git_failed, invalid_params, to_rpc};
use crate::server::format::date;
use crate::server::requests::execute_command::uri_arg;
use crate::server::requests::hover::{hover_markdown, not_committed_markdown};
use crate::server::Backend;

impl Backend {
    pub(super) async fn show_commit(&self, args: &[Value]) -> Result<Value> {
        let uri = uri_arg(args.first())?;
        // `{file: true}` says the client means to show this file's change
        // (`line`: at that line of the document); the answer is the same.
        match args.get(2) {
            None | Some(Value::Null) => {}
            Some(Value::Object(options))
                if options
                    .get("file")
                    .is_none_or(|f| f.is_boolean() || f.is_null()) => {}
            Some(_) => return Err(invalid_params("options must be {\"file\": true|false}")),
        }
        let view = self.session.document_blame(&uri).await.map_err(to_rpc)?;
        let Some(root) = view.repository.clone() else {
            return Err(invalid_params(format!(
                "not inside a git repository: {uri}"
            )));
        };
        // For a line, the file's name in its commit as blame followed it there.
        let mut name_then: Option<Vec<u8>> = None;
        // Asked for a line: the hover of that line (its diff link names it).
        let mut asked_line: Option<u32> = None;
        let sha = match args.get(1) {
            Some(Value::String(sha)) if sha.as_str() == NOT_COMMITTED => sha.clone(),
            Some(Value::String(sha)) => revision_arg(sha).map_err(invalid_params)?.to_owned(),
            Some(Value::Number(n)) => {
                let line = n.as_u64().and_then(|n| u32::try_from(n).ok());
                asked_line = line;
                let sha = line
                    .and_then(|line| view.commit_at(line))
                    .ok_or_else(|| invalid_params(format!("no line {n} in {uri}")))?
                    .sha
                    .clone();
                let committed = line.and_then(|line| view.committed_line(line));
                if let (Some(committed), Some(head)) = (committed, view.revision.as_deref()) {
                    if sha != NOT_COMMITTED {
                        name_then = self.line_name_then(&view, &root, head, committed).await;
                    }
                }
                sha
            }
            _ => return Err(invalid_params("expected [uri, sha] or [uri, line]")),
        };
        if sha == NOT_COMMITTED {
            return Ok(json!({
                "sha": sha, "author": NOT_COMMITTED_TEXT, "email": "",
                "summary": NOT_COMMITTED_TEXT, "message": "", "date": "",
                "parents": [], "file": null, "files": [], "filesTruncated": false,
                "fileDiff": null, "fileDiffTruncated": false,
                "diff": null, "diffTruncated": false,
                "markdown": not_committed_markdown(),
            }));
        }
        let details = self
            .session
            .blame
            .commit_details(&view, &sha)
            .await
            .map_err(to_rpc)?;
        let full = details.sha.as_str();
        let parent = details.parents.first().map(String::as_str);
        let (files, diff) = tokio::join!(
            commit::changed_files(&root, full, parent),
            commit::patch(&root, full, parent, None)
        );
        let (files, diff) = (files.map_err(git_failed)?, diff.map_err(git_failed)?);
        // The document's file in the commit: by its name now, else by the
        // name it had then (renamed since).
        let here = view.git_path.as_os_str().as_encoded_bytes();
        let mut entry = files.files.iter().find(|f| f.git_path == here);
        if let (None, Some(then)) = (entry, &name_then) {
            entry = files.files.iter().find(|f| &f.git_path == then);
        }
        if entry.is_none() {
            if let Some(head) = &view.revision {
                if let Some(then) = commit::name_in(&root, full, head, &view.git_path).await {
                    entry = files.files.iter().find(|f| f.git_path == then);
                }
            }
        }
        let file_diff = match entry {
            Some(file) => Some(file_patch(&root, full, parent, file).await?),
            None => None,
        };
        let date_format = self.session.config().date_format;
        let mut shown = (*details).clone();
        if shown.file.is_none() {
            shown.file = entry.map(|f| FileChange {
                path: f.path.clone(),
                insertions: f.insertions,
                deletions: f.deletions,
            });
        }
        let markdown = hover_markdown(&uri, &shown, &date_format, asked_line);
        let mut answer = serde_json::to_value(&shown).unwrap_or_default();
        if let Some(map) = answer.as_object_mut() {
            let (file_diff, file_diff_truncated) = match file_diff {
                Some(p) => (json!(p.text), p.truncated),
                None => (Value::Null, false),
            };
            map.extend([
                ("date".into(), json!(date(shown.author_time, &date_format))),
                ("files".into(), json!(files.files)),
                ("filesTruncated".into(), json!(files.truncated)),
                ("fileDiff".into(), file_diff),
                ("fileDiffTruncated".into(), json!(file_diff_truncated)),
                ("diff".into(), json!(diff.text)),
                ("diffTruncated".into(), json!(diff.truncated)),
                ("markdown".into(), json!(markdown)),
            ]);
        }
        Ok(answer)
    }
}

impl Backend {
    /// The name the document's file had in the commit that last changed its
    /// committed line `committed` (0-based), as `git blame` followed it.
    async fn line_name_then(
        &self,
        view: &crate::server::document_blame::DocumentBlame,
        root: &std::path::Path,
        head: &str,
        committed: u32,
    ) -> Option<Vec<u8>> {
        let ignored = self.session.ignored_revisions_of(view).await;
        let options = crate::git::blame::BlameOptions {
            ignore_revs: ignored.shas.to_vec(),
            ..Default::default()
        };
        crate::git::history::line_origin(root, head, &view.git_path, committed + 1, &options)
            .await
            .ok()
            .map(|origin| origin.filename)
    }
}

/// The patch of one file in a commit, a rename or copy with its old name.
async fn file_patch(
    root: &std::path::Path,
    sha: &str,
    parent: Option<&str>,
    file: &ChangedFile,
) -> Result<Patch> {
    let mut paths: Vec<&[u8]> = Vec::new();
    if let Some(old) = &file.git_old_path {
        paths.push(old);
    }
    paths.push(&file.git_path);
    commit::patch(root, sha, parent, Some(&paths))
        .await
        .map_err(git_failed)
}

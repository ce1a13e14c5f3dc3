//! The history commands (`workspace/executeCommand`):
//!
//! * `gitinspector.blamePrior` `[uri, line, {revision, path}?]`: the blame
//!   of the file as it was before the commit that last changed a line;
//! * `gitinspector.lineHistory` `[uri, startLine, endLine]`: the commits
//!   that changed some lines (`git log -L`);
//! * `gitinspector.fileHistory` `[uri]`: the commits that changed the file,
//!   renames followed (`git log --follow`).
//!
//! Every git run has a deadline and is killed when the request is
//! cancelled (its future dropped); answers hold at most 1,000 commits.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use serde_json::{json, Value};
use tower_lsp::jsonrpc::Result;

use crate::git;
use crate::git::blame::{BlameError, BlameOptions, NOT_COMMITTED_TEXT};
use crate::git::history::{self, path_arg, revision_arg, Log};
use crate::server::blame_cache::NOT_COMMITTED;
use crate::server::document_blame::DocumentBlame;
use crate::server::errors::{git_failed, invalid_params, request_failed, to_rpc};
use crate::server::format::date;
use crate::server::requests::execute_command::{line_arg, uri_arg};
use crate::server::Backend;

fn short(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}

impl Backend {
    /// `[uri, line]`: the commit C that last changed `line` of the document
    /// (its blame, following edits); `[uri, line, {revision, path}]`: of
    /// `path` at `revision` (stepping back again from an earlier answer).
    /// Answers the blame of the file at C's first parent, under the name it
    /// had there, with its text and where the line stood in it.
    pub(super) async fn blame_prior(&self, args: &[Value]) -> Result<Value> {
        let uri = uri_arg(args.first())?;
        let line = line_arg(args.get(1), "line")?;
        let at = match args.get(2) {
            None | Some(Value::Null) => None,
            Some(Value::Object(at)) => {
                let field = |key: &str| {
                    at.get(key).and_then(Value::as_str).ok_or_else(|| {
                        invalid_params(format!("the third argument needs a string {key:?}"))
                    })
                };
                let revision = revision_arg(field("revision")?).map_err(invalid_params)?;
                let path = path_arg(field("path")?).map_err(invalid_params)?;
                Some((revision.to_owned(), path.to_path_buf()))
            }
            Some(_) => {
                return Err(invalid_params(
                    "the third argument must be {\"revision\", \"path\"}",
                ))
            }
        };
        let view = self.session.document_blame(&uri).await.map_err(to_rpc)?;
        let Some(root) = view.repository.clone() else {
            return Err(invalid_params(format!(
                "not inside a git repository: {uri}"
            )));
        };
        let ignored = self.session.ignored_revisions_of(&view).await;
        let options = BlameOptions {
            ignore_revs: ignored.shas.to_vec(),
            ..Default::default()
        };
        let (revision, path, blamed_line) = match at {
            Some((revision, path)) => (revision, path, line),
            None => {
                let Some(commit) = view.commit_at(line) else {
                    return Err(invalid_params(format!("no line {} in {uri}", line + 1)));
                };
                let committed = view
                    .committed_line(line)
                    .filter(|_| commit.sha != NOT_COMMITTED);
                let (Some(committed), Some(head)) = (committed, view.revision.clone()) else {
                    return Err(request_failed(
                        "notCommitted",
                        format!(
                            "line {} is {NOT_COMMITTED_TEXT}: it has no earlier version",
                            line + 1
                        ),
                    ));
                };
                (head, view.git_path.clone(), committed)
            }
        };
        let origin = history::line_origin(&root, &revision, &path, blamed_line + 1, &options)
            .await
            .map_err(|err| match err {
                BlameError::NotTracked => invalid_params(format!(
                    "no file {} at {}",
                    path.display(),
                    short(&revision)
                )),
                BlameError::Failed(message) if message.contains("has only") => {
                    invalid_params(format!(
                        "no line {} in {} at {}",
                        line + 1,
                        path.display(),
                        short(&revision)
                    ))
                }
                BlameError::Failed(message) => git_failed(message),
            })?;
        let commit = origin.sha.clone();
        let parents = history::parents(&root, &commit).await.map_err(git_failed)?;
        let Some(parent) = parents.first().cloned() else {
            return Err(request_failed(
                "rootCommit",
                format!(
                    "line {} comes from {}, the first commit: there is no earlier version",
                    line + 1,
                    short(&commit)
                ),
            ));
        };
        // The name in the parent: blame's `previous` when it looked there
        // (a commit that renamed the file), else the name in the commit.
        let prior_name = match &origin.previous {
            Some((sha, name)) if *sha == parent => name.clone(),
            _ => origin.filename.clone(),
        };
        let shown = git::readable(&prior_name);
        let Some(content) = history::file_at(&root, &parent, &prior_name)
            .await
            .map_err(git_failed)?
        else {
            return Err(request_failed(
                "notInParent",
                format!(
                    "{shown} did not exist before {}: line {} was added with the file",
                    short(&commit),
                    line + 1
                ),
            ));
        };
        let prior_line = history::line_in_parent(
            &root,
            &parent,
            &prior_name,
            &commit,
            &origin.filename,
            origin.orig_line,
        )
        .await
        .map_err(git_failed)?;
        let relative = PathBuf::from(OsStr::from_bytes(&prior_name));
        let committed = self
            .session
            .blame
            .committed_blame(&root, &parent, &relative, view.mailmap, &ignored)
            .await
            .map_err(to_rpc)?;
        let prior = DocumentBlame::of_revision(
            &uri,
            root.clone(),
            relative,
            parent.clone(),
            view.mailmap,
            &committed,
        );
        let user = self.session.blame.current_user(&root).await;
        let blame = prior.to_json(&user);
        let last = prior.lines.len().saturating_sub(1) as u32;
        Ok(json!({
            "repository": git::readable_path(&root),
            "revision": parent,
            "commit": commit,
            "path": shown,
            "text": git::readable(&content),
            "line": prior_line.saturating_sub(1).min(last),
            "commitLine": origin.orig_line.saturating_sub(1),
            "lineCount": prior.lines.len(),
            "runs": blame.get("runs"),
            "commits": blame.get("commits"),
        }))
    }

    /// `[uri, startLine, endLine]` (0-based, inclusive, lines of the
    /// buffer): the commits that changed those lines, newest first. An
    /// edited buffer's lines are taken to the committed lines they are.
    pub(super) async fn line_history(&self, args: &[Value]) -> Result<Value> {
        let uri = uri_arg(args.first())?;
        let start = line_arg(args.get(1), "startLine")?;
        let end = line_arg(args.get(2), "endLine")?;
        if start > end {
            return Err(invalid_params(format!(
                "startLine {start} is after endLine {end}"
            )));
        }
        let view = self.session.document_blame(&uri).await.map_err(to_rpc)?;
        let Some(root) = view.repository.clone() else {
            return Err(invalid_params(format!(
                "not inside a git repository: {uri}"
            )));
        };
        let count = view.lines.len() as u32;
        if start >= count {
            return Err(invalid_params(format!(
                "no line {} in {uri} ({count} lines)",
                start + 1
            )));
        }
        let end = end.min(count - 1);
        let committed: Vec<u32> = (start..=end)
            .filter_map(|l| view.committed_line(l))
            .collect();
        let (Some(&first), Some(&last), Some(head)) = (
            committed.iter().min(),
            committed.iter().max(),
            view.revision.clone(),
        ) else {
            return Err(request_failed(
                "notCommitted",
                format!("lines {start}-{end} are {NOT_COMMITTED_TEXT}: they have no history"),
            ));
        };
        let log = history::line_history(&root, &head, &view.git_path, first + 1, last + 1)
            .await
            .map_err(git_failed)?;
        Ok(json!({
            "path": view.path,
            "revision": head,
            "range": {"startLine": first, "endLine": last},
            "commits": self.log_json(&log),
            "truncated": log.truncated,
        }))
    }

    /// `[uri]`: the commits that changed the file, renames followed, newest
    /// first, each with the file's name in it.
    pub(super) async fn file_history(&self, args: &[Value]) -> Result<Value> {
        let uri = uri_arg(args.first())?;
        let view = self.session.document_blame(&uri).await.map_err(to_rpc)?;
        let Some(root) = view.repository.clone() else {
            return Err(invalid_params(format!(
                "not inside a git repository: {uri}"
            )));
        };
        let log = match &view.revision {
            Some(head) => history::file_history(&root, head, &view.git_path)
                .await
                .map_err(git_failed)?,
            None => Log::default(),
        };
        Ok(json!({
            "path": view.path,
            "revision": view.revision,
            "commits": self.log_json(&log),
            "truncated": log.truncated,
        }))
    }

    /// A history's commits with their dates as `dateFormat` says.
    fn log_json(&self, log: &Log) -> Vec<Value> {
        let date_format = self.session.config().date_format;
        log.entries
            .iter()
            .map(|e| {
                let mut v = serde_json::to_value(e).unwrap_or_default();
                if let Some(map) = v.as_object_mut() {
                    map.insert("date".into(), json!(date(e.author_time, &date_format)));
                }
                v
            })
            .collect()
    }
}

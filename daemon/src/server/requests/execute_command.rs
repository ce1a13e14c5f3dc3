//! `workspace/executeCommand`: the commands lenses and editors run. Each
//! returns its data, so plain LSP clients can use them too.

use std::path::PathBuf;

use serde_json::{json, Map, Value};
use tower_lsp::jsonrpc::Result;
use tower_lsp::lsp_types::{ExecuteCommandParams, Url};

use crate::engine::results;
use crate::server::blame_cache::NOT_COMMITTED;
use crate::server::errors::{internal, invalid_params, to_rpc};
use crate::server::Backend;

impl Backend {
    pub(crate) async fn on_execute_command(
        &self,
        params: ExecuteCommandParams,
    ) -> Result<Option<Value>> {
        let args = params.arguments;
        let token = params.work_done_progress_params.work_done_token;
        let result = match params.command.as_str() {
            "gitinspector.analyzeWorkspace" => {
                let mut settings = self.analysis_settings(args.first())?;
                if settings
                    .get("input_fstrs")
                    .is_none_or(|v| v.as_array().is_none_or(Vec::is_empty))
                {
                    let folders = self.session.workspace_folders();
                    settings.insert("input_fstrs".into(), json!(folders));
                }
                let settings = Value::Object(settings);
                let result = self
                    .cached_analysis("execute_analysis", "Analyzing workspace", settings, token)
                    .await?;
                results::for_editor(result).map_err(internal)?
            }
            "gitinspector.repositoryAuthors" => {
                let root = self.repository_of(args.first()).await?;
                let mut settings = self.analysis_settings(None)?;
                settings.insert("input_fstrs".into(), json!([root]));
                let settings = Value::Object(settings);
                let result = self
                    .cached_analysis("execute_analysis", "Analyzing repository", settings, token)
                    .await?;
                results::for_editor(result).map_err(internal)?
            }
            "gitinspector.fileAuthors" => self.file_authors(&args).await?,
            "gitinspector.showCommit" => self.show_commit(&args).await?,
            other => return Err(invalid_params(format!("unknown command: {other}"))),
        };
        Ok(Some(result))
    }

    /// The configured analysis settings, overlaid with `overrides`.
    fn analysis_settings(&self, overrides: Option<&Value>) -> Result<Map<String, Value>> {
        let mut settings = match self.session.config().analysis {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        match overrides {
            None | Some(Value::Null) => {}
            Some(Value::Object(extra)) => {
                for (k, v) in extra {
                    settings.insert(k.clone(), v.clone());
                }
            }
            Some(_) => return Err(invalid_params("settings argument must be an object")),
        }
        Ok(settings)
    }

    async fn repository_of(&self, arg: Option<&Value>) -> Result<PathBuf> {
        let uri = uri_arg(arg)?;
        let view = self.session.document_blame(&uri).await.map_err(to_rpc)?;
        view.repository
            .clone()
            .ok_or_else(|| invalid_params(format!("not inside a git repository: {uri}")))
    }

    /// `[uri]` or `[uri, {startLine, endLine}]`: authors of the file (or block).
    async fn file_authors(&self, args: &[Value]) -> Result<Value> {
        let uri = uri_arg(args.first())?;
        let view = self.session.document_blame(&uri).await.map_err(to_rpc)?;
        let range = args.get(1);
        let line = |key: &str| range.and_then(|r| r.get(key)).and_then(Value::as_u64);
        let start = line("startLine").unwrap_or(0) as usize;
        let end = line("endLine").map_or(view.lines.len(), |e| e as usize + 1);
        let total = end.saturating_sub(start).max(1);
        let authors: Vec<Value> = view
            .authors(start, end)
            .iter()
            .map(|a| {
                json!({
                    "name": a.name,
                    "email": a.email,
                    "lines": a.lines,
                    "percent": (a.lines as f64) * 100.0 / total as f64,
                    "lastChange": {
                        "sha": a.latest.sha,
                        "authorTime": a.latest.author_time,
                        "summary": a.latest.summary,
                    },
                })
            })
            .collect();
        Ok(json!({
            "uri": uri,
            "path": view.path,
            "repository": view.repository,
            "revision": view.revision,
            "lines": end.saturating_sub(start),
            "authors": authors,
        }))
    }

    /// `[uri, sha]` or `[uri, line]`: details of a commit.
    async fn show_commit(&self, args: &[Value]) -> Result<Value> {
        let uri = uri_arg(args.first())?;
        let view = self.session.document_blame(&uri).await.map_err(to_rpc)?;
        if view.repository.is_none() {
            return Err(invalid_params(format!(
                "not inside a git repository: {uri}"
            )));
        }
        let sha = match args.get(1) {
            Some(Value::String(sha)) => sha.clone(),
            Some(Value::Number(n)) => {
                let line = n.as_u64().unwrap_or(u64::MAX) as u32;
                view.commit_at(line)
                    .ok_or_else(|| invalid_params(format!("no line {line} in {uri}")))?
                    .sha
                    .clone()
            }
            _ => return Err(invalid_params("expected [uri, sha] or [uri, line]")),
        };
        if sha == NOT_COMMITTED {
            return Ok(
                json!({"sha": sha, "author": "Not Committed Yet", "summary": "Not Committed Yet",
                             "message": "", "parents": [], "file": null}),
            );
        }
        let details = self
            .session
            .blame
            .commit_details(&view, &sha)
            .await
            .map_err(to_rpc)?;
        Ok(serde_json::to_value(&*details).unwrap_or_default())
    }
}

fn uri_arg(arg: Option<&Value>) -> Result<Url> {
    arg.and_then(Value::as_str)
        .and_then(|s| Url::parse(s).ok())
        .ok_or_else(|| invalid_params("the first argument must be a document URI"))
}

//! `workspace/executeCommand`: the commands lenses and editors run. Each
//! returns its data, so plain LSP clients can use them too. The history
//! commands live in `show_commit.rs` and `history.rs`.

use std::path::PathBuf;

use serde_json::{json, Map, Value};
use tower_lsp::jsonrpc::Result;
use tower_lsp::lsp_types::{ExecuteCommandParams, Url};

use crate::engine::results;
use crate::server::errors::{internal, invalid_params, to_rpc};
use crate::server::format::date;
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
                let mut input_paths = None;
                if settings
                    .get("input_fstrs")
                    .is_none_or(|v| v.as_array().is_none_or(Vec::is_empty))
                {
                    let folders = self.session.workspace_folders();
                    settings.insert("input_fstrs".into(), json!(readable_paths(&folders)));
                    input_paths = Some(folders);
                }
                let settings = Value::Object(settings);
                let result = self
                    .cached_analysis(
                        "execute_analysis",
                        "Analyzing workspace",
                        settings,
                        input_paths,
                        token,
                    )
                    .await?;
                results::for_editor(result).map_err(internal)?
            }
            "gitinspector.repositoryAuthors" => {
                let root = self.repository_of(args.first()).await?;
                let mut settings = self.analysis_settings(None)?;
                let roots = vec![root];
                settings.insert("input_fstrs".into(), json!(readable_paths(&roots)));
                let settings = Value::Object(settings);
                let result = self
                    .cached_analysis(
                        "execute_analysis",
                        "Analyzing repository",
                        settings,
                        Some(roots),
                        token,
                    )
                    .await?;
                results::for_editor(result).map_err(internal)?
            }
            "gitinspector.fileAuthors" => self.file_authors(&args).await?,
            "gitinspector.showCommit" => self.show_commit(&args).await?,
            "gitinspector.blamePrior" => self.blame_prior(&args).await?,
            "gitinspector.lineHistory" => self.line_history(&args).await?,
            "gitinspector.fileHistory" => self.file_history(&args).await?,
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

    /// `[uri]`: authors of the file; `[uri, startLine, endLine]` (0-based,
    /// inclusive; the block lens's arguments): of those lines. Only
    /// committed lines have authors; percentages are of them.
    async fn file_authors(&self, args: &[Value]) -> Result<Value> {
        let uri = uri_arg(args.first())?;
        let asked = match (args.get(1), args.get(2)) {
            (None | Some(Value::Null), _) => None,
            // The form of earlier versions: `[uri, {startLine, endLine}]`.
            (Some(Value::Object(range)), None) => Some((
                line_arg(range.get("startLine"), "startLine")?,
                line_arg(range.get("endLine"), "endLine")?,
            )),
            (start, end) => Some((line_arg(start, "startLine")?, line_arg(end, "endLine")?)),
        };
        let view = self.session.document_blame(&uri).await.map_err(to_rpc)?;
        let count = view.lines.len();
        let (start, end) = match asked {
            None => (0, count),
            Some((start, end)) => {
                if start > end || start as usize >= count {
                    return Err(invalid_params(format!(
                        "no lines {start}-{end} in {uri} ({count} lines)"
                    )));
                }
                (start as usize, (end as usize + 1).min(count))
            }
        };
        let uncommitted = view.uncommitted(start, end);
        let lines = end.saturating_sub(start);
        let committed = lines - uncommitted;
        let date_format = self.session.config().date_format;
        let authors: Vec<Value> = view
            .authors(start, end)
            .iter()
            .map(|a| {
                json!({
                    "name": a.name,
                    "email": a.email,
                    "lines": a.lines,
                    "percent": (a.lines as f64) * 100.0 / committed.max(1) as f64,
                    "lastChange": {
                        "sha": a.latest.sha,
                        "authorTime": a.latest.author_time,
                        "date": date(a.latest.author_time, &date_format),
                        "summary": a.latest.summary,
                    },
                })
            })
            .collect();
        let range = asked.map(|_| json!({"startLine": start, "endLine": end.saturating_sub(1)}));
        Ok(json!({
            "uri": uri,
            "path": view.path,
            "repository": view.repository.as_deref().map(crate::git::readable_path),
            "revision": view.revision,
            "range": range,
            "lines": lines,
            "committedLines": committed,
            "uncommittedLines": uncommitted,
            "authors": authors,
        }))
    }
}

pub(super) fn uri_arg(arg: Option<&Value>) -> Result<Url> {
    arg.and_then(Value::as_str)
        .and_then(|s| Url::parse(s).ok())
        .ok_or_else(|| invalid_params("the first argument must be a document URI"))
}

/// A 0-based line number argument.
pub(super) fn line_arg(arg: Option<&Value>, name: &str) -> Result<u32> {
    arg.and_then(Value::as_u64)
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| invalid_params(format!("{name} must be a line number (0-based)")))
}

/// Paths as text for settings and cache keys; the engine gets the paths
/// themselves.
fn readable_paths(paths: &[std::path::PathBuf]) -> Vec<String> {
    paths.iter().map(|p| crate::git::readable_path(p)).collect()
}

//! The path shared by `executeAnalysis` and `getBlameData`: validate the
//! settings, answer from the cache when the repositories' revisions are
//! unchanged, else run the engine with progress and cancellation.

use std::path::Path;

use serde_json::Value;
use tower_lsp::jsonrpc::Result;
use tower_lsp::lsp_types::ProgressToken;

use crate::engine::CallHooks;
use crate::repo::{file_stamp, is_sha, Repository};
use crate::server::config::DEFAULT_IGNORE_REVS_FILE;
use crate::server::errors::{invalid_params, to_rpc};
use crate::server::progress::Progress;
use crate::server::session::CancelOnDrop;
use crate::server::Backend;

impl Backend {
    /// Params: a settings object, optionally with the LSP `workDoneToken`.
    pub(super) async fn analysis_request(
        &self,
        function: &'static str,
        title: &str,
        params: Value,
    ) -> Result<Value> {
        let Value::Object(mut settings) = params else {
            return Err(invalid_params(
                "params must be a settings object, e.g. {\"input_fstrs\": [\"/path/to/repo\"]}",
            ));
        };
        let token = match settings.remove("workDoneToken") {
            Some(token) => Some(
                serde_json::from_value::<ProgressToken>(token)
                    .map_err(|e| invalid_params(format!("workDoneToken: {e}")))?,
            ),
            None => None,
        };
        self.cached_analysis(function, title, Value::Object(settings), None, token)
            .await
    }

    /// `input_paths`: folders of this machine to analyze, as paths (a name
    /// that is not UTF-8 reaches the engine as it is; `settings` shows it
    /// readable).
    pub(crate) async fn cached_analysis(
        &self,
        function: &'static str,
        title: &str,
        settings: Value,
        input_paths: Option<Vec<std::path::PathBuf>>,
        token: Option<ProgressToken>,
    ) -> Result<Value> {
        let session = &self.session;
        let key = cache_key(function, &settings);
        if let Some(hit) = key.as_deref().and_then(|k| session.analyses.cached(k)) {
            session.stats.cache_hit();
            return Ok(hit);
        }
        session.stats.cache_miss();

        let cancel = CancelOnDrop::new();
        let server_progress = session
            .support
            .progress
            .load(std::sync::atomic::Ordering::Relaxed);
        let progress = Progress::begin(&session.client, token, server_progress, title).await;
        let hooks = CallHooks {
            progress: progress.as_ref().map(Progress::callback),
            cancel: Some(cancel.0.clone()),
            input_paths,
        };
        let call = session.analyses.call(function, vec![settings], hooks);
        let result = match &progress {
            Some(progress) => progress.drive(call).await,
            None => call.await,
        };
        if let Some(progress) = progress {
            let message = match &result {
                Ok(_) => "done".to_owned(),
                Err(err) => err.message.clone(),
            };
            progress.end(message).await;
        }
        let result = result.map_err(to_rpc)?;
        if let Some(key) = key {
            session.analyses.keep(key, &result);
        }
        Ok(result)
    }
}

/// Identifies a result by function, settings and the commit each repository
/// is analyzed at; `None` when a revision can't be pinned cheaply (then the
/// result is not cached).
fn cache_key(function: &str, settings: &Value) -> Option<String> {
    if function == "render_report" {
        return None;
    }
    let paths = settings.get("input_fstrs")?.as_array()?;
    if paths.is_empty() {
        return None;
    }
    let saved = saved_settings();
    // A field the request leaves out comes from the saved settings.
    let field = |name: &str| {
        settings
            .get(name)
            .or_else(|| saved.get(name))
            .and_then(Value::as_str)
    };
    // "2 weeks ago" moves with the clock: such results are not kept.
    if ["since", "until"]
        .iter()
        .any(|name| field(name).is_some_and(|v| !v.trim().is_empty()))
    {
        return None;
    }
    let ignore_revs_file = field("ignore_revs_file").unwrap_or(DEFAULT_IGNORE_REVS_FILE);
    let rev = settings
        .get("rev")
        .and_then(Value::as_str)
        .unwrap_or("HEAD");
    let mut commits = Vec::with_capacity(paths.len());
    for path in paths {
        let repo = Repository::discover(Path::new(path.as_str()?))?;
        let commit = if rev == "HEAD" {
            repo.head()?
        } else if is_sha(rev) {
            rev.to_owned()
        } else {
            repo.resolve_ref(&format!("refs/heads/{rev}"))
                .or_else(|| repo.resolve_ref(&format!("refs/tags/{rev}")))?
        };
        // The same commit analyzed through another mailmap names other people;
        // another ignore-revs file blames other commits.
        let ignore_revs = repo
            .ignore_revs_file(ignore_revs_file)
            .and_then(|file| file_stamp(&file))
            .map(|stamp| format!("{stamp:?}"))
            .unwrap_or_default();
        commits.push(format!("{commit}.{:x}.{ignore_revs}", repo.mailmap_id()));
    }
    // serde_json's map is ordered by key, so equal settings print equally;
    // the saved settings fill in what the request leaves out.
    Some(format!(
        "{function}\n{settings}\n{}\n{}",
        commits.join(","),
        saved_settings_stamp()
    ))
}

/// The engine's settings file,
/// `platformdirs.user_config_dir("gitinspector-lsp")/settings.json`.
fn saved_settings_file() -> Option<std::path::PathBuf> {
    dirs::config_dir().map(|d| d.join("gitinspector-lsp").join("settings.json"))
}

/// Changes when the saved settings may have.
fn saved_settings_stamp() -> String {
    use std::os::unix::fs::MetadataExt;
    saved_settings_file()
        .and_then(|f| std::fs::metadata(f).ok())
        .map(|m| format!("{}.{}.{}", m.mtime(), m.mtime_nsec(), m.size()))
        .unwrap_or_default()
}

/// The saved settings as JSON (`Null` when there are none or they do not
/// parse: the engine then uses its defaults).
fn saved_settings() -> Value {
    saved_settings_file()
        .and_then(|f| std::fs::read(f).ok())
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or(Value::Null)
}

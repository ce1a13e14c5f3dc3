//! `textDocument/hover`: the line's commit — sha, author, dates, full
//! message, and how many lines of this file the commit changed.

use serde_json::Value;
use tower_lsp::jsonrpc::Result;
use tower_lsp::lsp_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};

use crate::server::blame_cache::NOT_COMMITTED;
use crate::server::errors::to_rpc;
use crate::server::format::{absolute_date, relative_date};
use crate::server::Backend;

impl Backend {
    pub(crate) async fn on_hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let position = params.text_document_position_params;
        let view = self
            .session
            .document_blame(&position.text_document.uri)
            .await
            .map_err(to_rpc)?;
        let (Some(root), Some(commit)) = (&view.repository, view.commit_at(position.position.line))
        else {
            return Ok(None);
        };
        let markdown = if commit.sha == NOT_COMMITTED {
            "**Not Committed Yet**\n\nThis line differs from the last commit.".to_owned()
        } else {
            let details = self
                .session
                .commit_details(root, &commit.sha, Some(&view.path))
                .await
                .map_err(to_rpc)?;
            hover_markdown(&details)
        };
        Ok(Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: markdown,
            }),
            range: None,
        }))
    }
}

fn hover_markdown(details: &Value) -> String {
    let text = |key: &str| details.get(key).and_then(Value::as_str).unwrap_or_default();
    let time = details
        .get("author_time")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let now = chrono::Utc::now().timestamp();
    let sha = text("sha");
    let mut out = format!(
        "**{}** <{}>  \n{} ({})  \n`{}`\n\n{}\n",
        text("author"),
        text("email"),
        absolute_date(time),
        relative_date(time, now),
        sha.get(..12).unwrap_or(sha),
        text("message"),
    );
    if let Some(file) = details.get("file").filter(|f| f.is_object()) {
        let count = |key: &str| file.get(key).and_then(Value::as_i64).unwrap_or(0);
        out.push_str(&format!(
            "\n---\nThis commit changed {} lines of this file (+{} −{}).\n",
            count("insertions") + count("deletions"),
            count("insertions"),
            count("deletions"),
        ));
    }
    out
}

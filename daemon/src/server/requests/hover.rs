//! `textDocument/hover`: the line's commit — sha, author, dates, full
//! message, and how many lines of this file the commit changed.

use tower_lsp::jsonrpc::Result;
use tower_lsp::lsp_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};

use crate::git::commit::CommitDetails;
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
        let (Some(_), Some(commit)) = (&view.repository, view.commit_at(position.position.line))
        else {
            return Ok(None);
        };
        let markdown = if commit.sha == NOT_COMMITTED {
            "**Not Committed Yet**\n\nThis line differs from the last commit.".to_owned()
        } else {
            let details = self
                .session
                .blame
                .commit_details(&view, &commit.sha)
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

fn hover_markdown(details: &CommitDetails) -> String {
    let time = details.author_time;
    let now = chrono::Utc::now().timestamp();
    let sha = &details.sha;
    let mut out = format!(
        "**{}** <{}>  \n{} ({})  \n`{}`\n\n{}\n",
        details.author,
        details.email,
        absolute_date(time),
        relative_date(time, now),
        sha.get(..12).unwrap_or(sha),
        details.message,
    );
    if let Some(file) = &details.file {
        out.push_str(&format!(
            "\n---\nThis commit changed {} lines of this file (+{} −{}).\n",
            file.insertions + file.deletions,
            file.insertions,
            file.deletions,
        ));
    }
    out
}

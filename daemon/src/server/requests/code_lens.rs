//! `textDocument/codeLens`: authorship of the file at its top, and of each
//! top-level block above it.

use serde_json::json;
use tower_lsp::jsonrpc::Result;
use tower_lsp::lsp_types::{CodeLens, CodeLensParams, Command, Position, Range};

use crate::server::document_blame::DocumentBlame;
use crate::server::errors::to_rpc;
use crate::server::format::date;
use crate::server::Backend;

const TOP_AUTHORS: usize = 3;

impl Backend {
    pub(crate) async fn on_code_lens(
        &self,
        params: CodeLensParams,
    ) -> Result<Option<Vec<CodeLens>>> {
        let config = self.session.config();
        if !config.code_lens.file && !config.code_lens.blocks {
            return Ok(None);
        }
        let view = self
            .session
            .document_blame(&params.text_document.uri)
            .await
            .map_err(to_rpc)?;
        if !view.in_repository() || view.lines.is_empty() {
            return Ok(None);
        }
        let mut lenses = Vec::new();
        if config.code_lens.file {
            lenses.push(lens(&view, 0, file_title(&view, &config.date_format), None));
        }
        if config.code_lens.blocks {
            for block in view.blocks() {
                let (start, end) = (block.start_line as usize, block.end_line as usize + 1);
                let title = block_title(&view, start, end, &config.date_format);
                lenses.push(lens(&view, block.start_line, title, Some((start, end))));
            }
        }
        Ok(Some(lenses))
    }
}

fn lens(view: &DocumentBlame, line: u32, title: String, block: Option<(usize, usize)>) -> CodeLens {
    let mut arguments = vec![json!(view.uri)];
    if let Some((start, end)) = block {
        arguments.push(json!({"startLine": start, "endLine": end - 1}));
    }
    CodeLens {
        range: Range::new(Position::new(line, 0), Position::new(line, 0)),
        command: Some(Command {
            title,
            command: "gitinspector.fileAuthors".to_owned(),
            arguments: Some(arguments),
        }),
        data: None,
    }
}

/// "3 authors · Alice 60%, Bob 30%, Carol 10% · last change Bob, 2 days ago"
fn file_title(view: &DocumentBlame, date_format: &str) -> String {
    let total = view.lines.len();
    let authors = view.authors(0, total);
    let shares: Vec<String> = authors
        .iter()
        .take(TOP_AUTHORS)
        .map(|a| format!("{} {}%", a.name, (a.lines * 100 + total / 2) / total))
        .collect();
    let mut title = format!(
        "{} author{} · {}",
        authors.len(),
        if authors.len() == 1 { "" } else { "s" },
        shares.join(", ")
    );
    if authors.len() > TOP_AUTHORS {
        title.push_str(&format!(" (+{})", authors.len() - TOP_AUTHORS));
    }
    if let Some(latest) = view.latest(0, total) {
        title.push_str(&format!(
            " · last change {}, {}",
            latest.author,
            date(latest.author_time, date_format)
        ));
    }
    title
}

/// "Alice, Bob · last change Bob, 2 days ago"
fn block_title(view: &DocumentBlame, start: usize, end: usize, date_format: &str) -> String {
    let authors = view.authors(start, end);
    let names: Vec<&str> = authors.iter().take(TOP_AUTHORS).map(|a| a.name).collect();
    let extra = authors.len().saturating_sub(TOP_AUTHORS);
    let mut title = names.join(", ");
    if extra > 0 {
        title.push_str(&format!(" (+{extra})"));
    }
    if let Some(latest) = view.latest(start, end) {
        title.push_str(&format!(
            " · last change {}, {}",
            latest.author,
            date(latest.author_time, date_format)
        ));
    }
    title
}

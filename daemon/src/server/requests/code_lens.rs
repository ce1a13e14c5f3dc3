//! `textDocument/codeLens`: authorship of the file at its top, and of each
//! block above it (above its attributes, decorators and doc comment).
//!
//! Only committed lines have authors: lines that are not committed count
//! for no one, and make the last change "Not Committed Yet". A block that
//! starts on line 0 gets no lens of its own when the file lens is shown:
//! two lenses on one line are drawn as one long line, and such a block is
//! most of what the file lens already describes.

use serde_json::json;
use tower_lsp::jsonrpc::Result;
use tower_lsp::lsp_types::{CodeLens, CodeLensParams, Command, Position, Range};

use crate::git::blame::NOT_COMMITTED_TEXT;
use crate::server::document_blame::DocumentBlame;
use crate::server::errors::to_rpc;
use crate::server::format::{date, share};
use crate::server::Backend;

const TOP_AUTHORS: usize = 3;

impl Backend {
    pub(crate) async fn on_code_lens(
        &self,
        params: CodeLensParams,
    ) -> Result<Option<Vec<CodeLens>>> {
        let config = self.session.config();
        let settings = &config.code_lens;
        if !settings.file && !settings.blocks {
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
        if settings.file {
            let title = file_title(&view, &config.date_format);
            lenses.push(lens(0, title, vec![json!(view.uri)]));
        }
        if settings.blocks {
            let mut taken = settings.file.then_some(0);
            for block in view.lens_blocks(settings.min_block_lines) {
                if taken == Some(block.start_line) {
                    continue;
                }
                taken = Some(block.start_line);
                let (start, end) = (block.start_line as usize, block.end_line as usize + 1);
                let title = block_title(&view, start, end, &config.date_format);
                let arguments = vec![
                    json!(view.uri),
                    json!(block.start_line),
                    json!(block.end_line),
                ];
                lenses.push(lens(block.start_line, title, arguments));
            }
        }
        Ok(Some(lenses))
    }
}

fn lens(line: u32, title: String, arguments: Vec<serde_json::Value>) -> CodeLens {
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
/// (shares of the committed lines: "<1%" rather than "0%" for a few lines,
/// ">99%" rather than "100%" for all but a few); "Not Committed Yet" when
/// none is.
fn file_title(view: &DocumentBlame, date_format: &str) -> String {
    let total = view.lines.len();
    let committed = total - view.uncommitted(0, total);
    if committed == 0 {
        return NOT_COMMITTED_TEXT.to_owned();
    }
    let authors = view.authors(0, total);
    let shares: Vec<String> = authors
        .iter()
        .take(TOP_AUTHORS)
        .map(|a| format!("{} {}", a.name, share(a.lines, committed)))
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
    title.push_str(&last_change(view, 0, total, date_format));
    title
}

/// "Alice, Bob · last change Bob, 2 days ago"; "Not Committed Yet" when
/// no line of the block is committed.
fn block_title(view: &DocumentBlame, start: usize, end: usize, date_format: &str) -> String {
    let authors = view.authors(start, end);
    if authors.is_empty() {
        return NOT_COMMITTED_TEXT.to_owned();
    }
    let names: Vec<&str> = authors.iter().take(TOP_AUTHORS).map(|a| a.name).collect();
    let extra = authors.len().saturating_sub(TOP_AUTHORS);
    let mut title = names.join(", ");
    if extra > 0 {
        title.push_str(&format!(" (+{extra})"));
    }
    title.push_str(&last_change(view, start, end, date_format));
    title
}

/// " · last change Bob, 2 days ago", or " · last change Not Committed Yet"
/// when some of the lines are edited: an edit is newer than any commit.
fn last_change(view: &DocumentBlame, start: usize, end: usize, date_format: &str) -> String {
    if view.uncommitted(start, end) > 0 {
        return format!(" · last change {NOT_COMMITTED_TEXT}");
    }
    match view.latest(start, end) {
        Some(latest) => format!(
            " · last change {}, {}",
            latest.author,
            date(latest.author_time, date_format)
        ),
        None => String::new(),
    }
}

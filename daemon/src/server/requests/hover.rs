//! `textDocument/hover`: the line's commit — author, date (as the
//! `dateFormat` setting says), sha, full message, how many lines of this
//! file the commit changed — and actions as command links (show the
//! commit, the diff of this change, copy the sha), which VS Code runs and
//! other clients show as plain link text. Off when `hover.enabled` is false.

use serde_json::{json, Value};
use tower_lsp::jsonrpc::Result;
use tower_lsp::lsp_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind, Url};

use crate::git::blame::NOT_COMMITTED_TEXT;
use crate::git::commit::CommitDetails;
use crate::server::blame_cache::NOT_COMMITTED;
use crate::server::errors::to_rpc;
use crate::server::format::date;
use crate::server::Backend;

impl Backend {
    pub(crate) async fn on_hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let config = self.session.config();
        if !config.hover.enabled {
            return Ok(None);
        }
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
            not_committed_markdown()
        } else {
            let details = self
                .session
                .blame
                .commit_details(&view, &commit.sha)
                .await
                .map_err(to_rpc)?;
            hover_markdown(
                &view.uri,
                &details,
                &config.date_format,
                Some(position.position.line),
            )
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

pub fn not_committed_markdown() -> String {
    format!("**{NOT_COMMITTED_TEXT}**\n\nThis line differs from the last commit.")
}

/// The hover of a commit (also `markdown` in `gitinspector.showCommit`'s
/// answer, for a client that shows it elsewhere). `line`: the document's
/// line hovered, which the diff link names so a client can open the diff
/// there.
pub fn hover_markdown(
    uri: &Url,
    details: &CommitDetails,
    date_format: &str,
    line: Option<u32>,
) -> String {
    let sha = &details.sha;
    let short = sha.get(..12).unwrap_or(sha);
    let mut out = format!(
        "**{}** <{}>  \n{}  \n`{}`\n\n{}\n",
        details.author,
        details.email,
        date(details.author_time, date_format),
        short,
        shortened_message(&details.message),
    );
    if let Some(file) = &details.file {
        out.push_str(&format!(
            "\n---\nThis commit: +{} −{} lines of this file.\n",
            file.insertions, file.deletions,
        ));
    }
    let show = command_link("Show commit", "gitinspector.showCommit", &json!([uri, sha]));
    let diff = command_link(
        "Diff of this change",
        "gitinspector.showCommit",
        &match line {
            Some(line) => json!([uri, sha, {"file": true, "line": line}]),
            None => json!([uri, sha, {"file": true}]),
        },
    );
    let copy = command_link("Copy sha", "gitinspector.copySha", &json!([sha]));
    out.push_str(&format!("\n---\n{show} · {diff} · {copy}\n"));
    out
}

/// The most lines of a commit message a hover shows: a long one (release
/// notes, a squash of a hundred commits) would push the actions out of
/// reach; "Show commit" has the whole message.
const HOVER_MESSAGE_LINES: usize = 12;

/// `message` cut after `HOVER_MESSAGE_LINES` lines, saying how many more.
fn shortened_message(message: &str) -> String {
    let lines: Vec<&str> = message.trim_end().lines().collect();
    if lines.len() <= HOVER_MESSAGE_LINES + 1 {
        return message.trim_end().to_owned();
    }
    let shown = lines
        .get(..HOVER_MESSAGE_LINES)
        .unwrap_or_default()
        .join("\n");
    let more = lines.len() - HOVER_MESSAGE_LINES;
    format!("{shown}\n\n*… {more} more lines (Show commit has the whole message)*")
}

/// `[title](command:NAME?ARGS)`: ARGS is the JSON argument array,
/// percent-encoded (as VS Code's command links take it).
fn command_link(title: &str, command: &str, args: &Value) -> String {
    format!(
        "[{title}](command:{command}?{})",
        percent_encode(&args.to_string())
    )
}

/// Every byte but ASCII letters, digits and `-_.~` as `%XX`: nothing in
/// the link can end it or be read as markdown.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_links_carry_percent_encoded_json() {
        let link = command_link("Copy sha", "gitinspector.copySha", &json!(["ab (c)"]));
        assert_eq!(
            link,
            "[Copy sha](command:gitinspector.copySha?%5B%22ab%20%28c%29%22%5D)"
        );
        assert_eq!(percent_encode("é"), "%C3%A9");
    }

    #[test]
    fn a_long_message_is_cut_and_says_how_much_more() {
        let short = "Fix it\n\nBecause.";
        assert_eq!(shortened_message(short), short);
        let long: String = (1..=100).map(|n| format!("line {n}\n")).collect();
        let shown = shortened_message(&long);
        assert_eq!(
            shown.lines().filter(|l| l.starts_with("line ")).count(),
            HOVER_MESSAGE_LINES
        );
        assert!(
            shown.ends_with("*… 88 more lines (Show commit has the whole message)*"),
            "{shown}"
        );
        // One line over is shown whole: cutting it would save nothing.
        let edge: String = (1..=HOVER_MESSAGE_LINES + 1)
            .map(|n| format!("l{n}\n"))
            .collect();
        assert_eq!(shortened_message(&edge), edge.trim_end());
    }
}

//! `textDocument/inlayHint`: end-of-line blame for editors without a plugin
//! (off unless `inlayHints.enabled`).

use tower_lsp::jsonrpc::Result;
use tower_lsp::lsp_types::{InlayHint, InlayHintLabel, InlayHintParams, Position};

use crate::server::errors::to_rpc;
use crate::server::format::blame_text;
use crate::server::Backend;

impl Backend {
    pub(crate) async fn on_inlay_hint(
        &self,
        params: InlayHintParams,
    ) -> Result<Option<Vec<InlayHint>>> {
        let config = self.session.config();
        if !config.inlay_hints.enabled {
            return Ok(None);
        }
        let view = self
            .session
            .document_blame(&params.text_document.uri)
            .await
            .map_err(to_rpc)?;
        if !view.in_repository() {
            return Ok(None);
        }
        let first = params.range.start.line as usize;
        let last = (params.range.end.line as usize).min(view.lines.len().saturating_sub(1));
        let hints = (first..=last)
            .filter_map(|line| {
                let commit = view.commit_at(line as u32)?;
                Some(InlayHint {
                    position: Position::new(line as u32, view.line_end(line)),
                    label: InlayHintLabel::String(blame_text(
                        &config.blame_template,
                        commit,
                        &config.date_format,
                    )),
                    kind: None,
                    text_edits: None,
                    tooltip: None,
                    padding_left: Some(true),
                    padding_right: None,
                    data: None,
                })
            })
            .collect();
        Ok(Some(hints))
    }
}

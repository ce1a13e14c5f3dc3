//! `gitinspector/renderReport`: the analysis as a report (table, json, csv,
//! markdown, html, excel) from the engine's one renderer, written to the
//! `output` file the editor names (or returned as text). Never answered from
//! the cache: a request that names a file must write it.

use serde_json::Value;
use tower_lsp::jsonrpc::Result;

use crate::server::Backend;

impl Backend {
    pub async fn render_report(&self, params: Value) -> Result<Value> {
        self.analysis_request("render_report", "Writing the report", params)
            .await
    }
}

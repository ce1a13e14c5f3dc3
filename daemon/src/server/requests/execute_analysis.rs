//! `gitinspector/executeAnalysis`: authors, files and authors×files tables.

use serde_json::Value;
use tower_lsp::jsonrpc::Result;

use crate::server::Backend;

impl Backend {
    pub async fn execute_analysis(&self, params: Value) -> Result<Value> {
        self.analysis_request("execute_analysis", "Analyzing authorship", params)
            .await
    }
}

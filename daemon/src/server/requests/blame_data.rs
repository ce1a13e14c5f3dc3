//! `gitinspector/getBlameData`: compact blame (hunks and a commit table) per file.

use serde_json::Value;
use tower_lsp::jsonrpc::Result;

use crate::server::Backend;

impl Backend {
    pub async fn get_blame_data(&self, params: Value) -> Result<Value> {
        self.analysis_request("get_blame_data", "Computing blame", params)
            .await
    }
}

//! The server object tower-lsp calls: a handle on the session. What each
//! method does lives in its own module; `api.rs` is the dispatch table.

use std::sync::Arc;

use tower_lsp::Client;

use super::session::Session;
use super::stats::Stats;

pub struct Backend {
    pub(super) session: Arc<Session>,
}

impl Backend {
    pub fn new(client: Client, stats: Arc<Stats>) -> Backend {
        Backend {
            session: Session::new(client, stats),
        }
    }
}

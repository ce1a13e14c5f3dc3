//! The stdio language server: tower-lsp transport, session state and one
//! module per custom request.

mod backend;
mod blame_answers;
mod blame_cache;
mod blocks;
mod config;
mod disk_cache;
mod document_blame;
mod documents;
mod errors;
mod format;
mod line_map;
mod lru;
mod notifications;
mod porcelain;
mod progress;
mod requests;
mod session;
mod stats;
mod transport;

use std::fs::File;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::sync::Notify;
use tower::ServiceExt;
use tower_lsp::jsonrpc::Request;
use tower_lsp::{LspService, Server};

pub use backend::Backend;

/// Requests served at once. tower-lsp's default of 4 lets four slow analyses
/// block every hover; analyses run on blocking threads, so allow many.
const CONCURRENCY: usize = 64;

/// Serves LSP over stdin and `rpc_out` (the private copy of stdout) until `exit`.
/// Returns the process exit code: 0 when `exit` followed `shutdown` (the LSP
/// rule), 1 otherwise.
pub fn run(rpc_out: File) -> anyhow::Result<i32> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("gitinspector-lsp")
        .build()?;
    let result = runtime.block_on(async move {
        let (service, socket) = requests::register(LspService::build(Backend::new)).finish();
        let lifecycle = Arc::new(Lifecycle::default());
        let watcher = lifecycle.clone();
        let service = service.map_request(move |request: Request| {
            watcher.observe(&request);
            default_custom_params(request)
        });
        let stdin = transport::input();
        let stdout = transport::output(rpc_out);
        let serve = Server::new(stdin, stdout, socket)
            .concurrency_level(CONCURRENCY)
            .serve(service);
        // tower-lsp only stops at the next message after `exit`; a client
        // that sends `exit` and waits would wait forever.
        tokio::select! {
            _ = serve => {}
            _ = lifecycle.exit.notified() => {}
        }
        let code = if lifecycle.shutdown.load(Ordering::Relaxed) {
            0
        } else {
            1
        };
        // Blocking threads may still be inside Python; don't wait for them.
        Ok(code)
    });
    runtime.shutdown_background();
    result
}

#[derive(Default)]
struct Lifecycle {
    shutdown: AtomicBool,
    exit: Notify,
}

impl Lifecycle {
    fn observe(&self, request: &Request) {
        match request.method() {
            "shutdown" => self.shutdown.store(true, Ordering::Relaxed),
            "exit" => self.exit.notify_one(),
            _ => {}
        }
    }
}

/// Normalizes "no parameters": custom requests take an object and clients
/// differ in sending none, `null` or `{}`, so all three mean `{}`; `shutdown`
/// and `exit` take none, and some clients (eglot) send `null`.
fn default_custom_params(request: Request) -> Request {
    let custom = request.method().starts_with("gitinspector/");
    let no_params = matches!(request.method(), "shutdown" | "exit");
    let empty = matches!(request.params(), None | Some(serde_json::Value::Null));
    let rewrite = (custom && empty) || (no_params && request.params().is_some());
    if !rewrite {
        return request;
    }
    let (method, id, params) = request.into_parts();
    let mut builder = Request::build(method);
    if custom {
        builder = builder.params(serde_json::json!({}));
    } else if let Some(params) = params.filter(|p| !p.is_null()) {
        // Real parameters where none belong: let tower-lsp reject them.
        builder = builder.params(params);
    }
    match id {
        Some(id) => builder.id(id).finish(),
        None => builder.finish(),
    }
}

//! The stdio language server: tower-lsp transport, session state and one
//! module per custom request.

mod analysis_service;
mod api;
mod backend;
mod blame_answers;
mod blame_cache;
mod blame_service;
mod blocks;
pub(crate) mod config;
mod disk_cache;
mod document_blame;
mod documents;
mod errors;
mod format;
mod framing;
mod lifecycle;
mod lru;
mod notifications;
mod progress;
mod requests;
mod scheduler;
mod session;
mod stats;
mod transport;

use std::fs::File;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use futures::FutureExt;
use tokio::sync::Notify;
use tower::{Service, ServiceExt};
use tower_lsp::jsonrpc::{Error, Request, Response};
use tower_lsp::{ExitedError, LspService, Server};

pub use backend::Backend;

/// Requests tower-lsp runs at once: more than `framing` lets in, so its
/// queue never fills and it never stops reading (tower-lsp's default of 4
/// let four slow analyses block every hover).
const CONCURRENCY: usize = (framing::MAX_IN_FLIGHT + framing::MAX_QUICK_IN_FLIGHT) * 2;

/// Serves LSP over stdin and `rpc_out` (the private copy of stdout) until `exit`.
/// Returns the process exit code: 0 when `exit` followed `shutdown` (the LSP
/// rule), 1 otherwise.
pub fn run(rpc_out: File) -> anyhow::Result<i32> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("gitinspector-lsp")
        .build()?;
    let result = runtime.block_on(async move {
        let stats = Arc::new(stats::Stats::default());
        let for_backend = stats.clone();
        let (service, socket) = api::register(LspService::build(move |client| {
            Backend::new(client, for_backend)
        }))
        .finish();
        let lifecycle = Arc::new(Lifecycle::default());
        let watcher = lifecycle.clone();
        let (stdin, stdout, shared) =
            framing::spawn(transport::input(), transport::output(rpc_out)?);
        let service = Guarded {
            inner: service,
            shared: shared.clone(),
            stats,
        }
        .map_request(move |request: Request| {
            watcher.observe(&request);
            default_custom_params(request)
        });
        let serve = Server::new(stdin, stdout, socket)
            .concurrency_level(CONCURRENCY)
            .serve(service);
        // tower-lsp only stops at the next message after `exit`; a client
        // that sends `exit` and waits would wait forever. An editor that
        // went away (input closed) takes its requests with it.
        tokio::select! {
            _ = serve => {}
            _ = lifecycle.exit.notified() => {}
            _ = shared.input_closed.notified() => {}
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

/// tower-lsp's service, with each request timed (the one place requests
/// are measured, for `getPerformanceStats`), its end reported to `framing`
/// (answered, failed or cancelled alike), and a panic in a handler turned
/// into an internal error for that request instead of the end of the
/// process.
struct Guarded<S> {
    inner: S,
    shared: Arc<framing::Shared>,
    stats: Arc<stats::Stats>,
}

type ServiceFuture = Pin<Box<dyn Future<Output = Result<Option<Response>, ExitedError>> + Send>>;

impl<S> Service<Request> for Guarded<S>
where
    S: Service<Request, Response = Option<Response>, Error = ExitedError>,
    S::Future: Send + 'static,
{
    type Response = Option<Response>;
    type Error = ExitedError;
    type Future = ServiceFuture;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let id = request.id().cloned();
        let method = request.method().to_owned();
        let in_flight = id
            .is_some()
            .then(|| framing::InFlight::new(&self.shared, &method));
        let stats = self.stats.clone();
        let started = std::time::Instant::now();
        let called = std::panic::catch_unwind(AssertUnwindSafe(|| self.inner.call(request)));
        Box::pin(async move {
            let _in_flight = in_flight;
            let outcome = match called {
                Ok(future) => AssertUnwindSafe(future).catch_unwind().await,
                Err(panic) => Err(panic),
            };
            if let (Some(_), Ok(Ok(response))) = (&id, &outcome) {
                let ok = response.as_ref().is_none_or(|r| r.error().is_none());
                stats.record(&method, started.elapsed(), ok);
            }
            outcome.unwrap_or_else(|panic| {
                let what = panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                tracing::error!("{method} panicked: {what}");
                let mut error = Error::internal_error();
                error.message = format!("internal error in {method}: {what}").into();
                Ok(id.map(|id| Response::from_error(id, error)))
            })
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panicking_handler_answers_an_internal_error() {
        let shared = Arc::new(framing::Shared::default());
        let mut service = Guarded {
            inner: tower::service_fn(|request: Request| async move {
                if request.method() == "boom" {
                    panic!("handler bug");
                }
                Ok::<_, ExitedError>(None)
            }),
            shared,
            stats: Arc::new(stats::Stats::default()),
        };
        let request = Request::build("boom").id(7).finish();
        let response = service.call(request).await.expect("served");
        let response = response.expect("a request gets a response");
        let (id, body) = response.into_parts();
        assert_eq!(id, tower_lsp::jsonrpc::Id::Number(7));
        let error = body.expect_err("an error");
        assert!(error.message.contains("handler bug"), "{}", error.message);
        let fine = service.call(Request::build("fine").finish()).await;
        assert!(matches!(fine, Ok(None)));
    }
}

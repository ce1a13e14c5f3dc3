//! Engine errors as JSON-RPC errors.

use serde_json::json;
use tower_lsp::jsonrpc::{Error, ErrorCode};

use crate::engine::{EngineError, EngineErrorKind};

/// A Python exception raised by the engine, or git failing.
pub const ENGINE_ERROR: i64 = -32001;
/// The engine could not be started.
pub const ENGINE_UNAVAILABLE: i64 = -32002;

pub fn to_rpc(err: EngineError) -> Error {
    let code = match err.kind {
        EngineErrorKind::InvalidSettings => ErrorCode::InvalidParams,
        EngineErrorKind::Cancelled => ErrorCode::RequestCancelled,
        EngineErrorKind::Python | EngineErrorKind::Git => ErrorCode::ServerError(ENGINE_ERROR),
        EngineErrorKind::Startup => ErrorCode::ServerError(ENGINE_UNAVAILABLE),
    };
    Error {
        code,
        message: err.message.into(),
        data: Some(json!({
            "type": err.python_type,
            "traceback": err.traceback,
            "errors": err.details,
        })),
    }
}

pub fn invalid_params(message: impl Into<String>) -> Error {
    Error::invalid_params(message.into())
}

/// Something of ours went wrong (not the client's params, not git's).
pub fn internal(message: impl Into<String>) -> Error {
    let mut error = Error::internal_error();
    error.message = message.into().into();
    error
}

/// LSP's RequestFailed: the request was valid but cannot be answered (a
/// line that is not committed has no history).
pub const REQUEST_FAILED: i64 = -32803;

/// RequestFailed with `data.reason`, a word a client can act on
/// (`notCommitted`, `rootCommit`, `notInParent`).
pub fn request_failed(reason: &str, message: impl Into<String>) -> Error {
    Error {
        code: ErrorCode::ServerError(REQUEST_FAILED),
        message: message.into().into(),
        data: Some(json!({"reason": reason})),
    }
}

/// git failing (or not answering in time), as an engine error is reported.
pub fn git_failed(message: impl Into<String>) -> Error {
    to_rpc(EngineError::git(message.into()))
}

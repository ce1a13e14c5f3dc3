//! The JSON-RPC byte streams. Editors start servers with pipes on stdin and
//! stdout; those are driven by the reactor (non-blocking, epoll). tokio's
//! own stdio hands every read and write to a blocking thread, and that hop
//! was a large share of a small request's round trip. Anything else (a
//! file, a terminal) keeps tokio's blocking stdio.

use std::fs::File;
use std::os::fd::AsFd;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::unix::pipe;

pub fn input() -> Box<dyn AsyncRead + Unpin + Send> {
    let piped = std::io::stdin()
        .as_fd()
        .try_clone_to_owned()
        .and_then(|fd| pipe::Receiver::from_file(File::from(fd)));
    match piped {
        Ok(receiver) => Box::new(receiver),
        Err(_) => Box::new(tokio::io::stdin()),
    }
}

/// `rpc_out` is the private copy of stdout (see `stdio_guard`).
pub fn output(rpc_out: File) -> std::io::Result<Box<dyn AsyncWrite + Unpin + Send>> {
    let fallback = rpc_out.try_clone()?;
    Ok(match pipe::Sender::from_file(rpc_out) {
        Ok(sender) => Box::new(sender),
        Err(_) => Box::new(tokio::fs::File::from_std(fallback)),
    })
}

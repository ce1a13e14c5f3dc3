//! gitinspector-lsp: a language server and command-line tool for git blame
//! and authorship statistics, on an embedded Python analysis engine.

// Input (frames, buffers, git output, files on disk) must never reach a
// panic: no unwrap, expect, panic, or index that can be out of bounds
// outside tests.
#![cfg_attr(
    not(test),
    deny(
        clippy::indexing_slicing,
        clippy::string_slice,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic
    )
)]

mod children;
mod cli;
mod engine;
mod git;
mod line_map;
mod logging;
mod repo;
mod server;
mod stdio_guard;
#[cfg(test)]
mod testing;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match args.command.unwrap_or(cli::Command::Serve) {
        cli::Command::Serve => serve(),
        cli::Command::Analyze(a) => {
            quiet_on_closed_pipe();
            cli::report(cli::analyze::run(*a))
        }
        cli::Command::Blame(b) => {
            quiet_on_closed_pipe();
            cli::report(cli::blame::run(b))
        }
    }
}

/// A command whose reader went away (`analyze … | head -1`) ends quietly,
/// as Unix tools do, instead of panicking in `println!`: the default action
/// of SIGPIPE (which Rust ignores) is restored. Not for `serve`, which must
/// see a closed output as an error to handle.
fn quiet_on_closed_pipe() {
    // SAFETY: sets a signal's disposition to its default; no handler runs our code.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn serve() -> ExitCode {
    // First, before Python or any thread exists: fd 1 becomes JSON-RPC only.
    let rpc_out = match stdio_guard::take_stdout() {
        Ok(file) => file,
        Err(err) => {
            eprintln!("gitinspector-lsp: cannot take stdout for JSON-RPC: {err}");
            return ExitCode::FAILURE;
        }
    };
    logging::init_serving();
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "serving LSP on stdio");
    let code = match server::run(rpc_out) {
        Ok(code) => code,
        Err(err) => {
            tracing::error!("server failed: {err:#}");
            1
        }
    };
    // Exit now: engine worker threads must not hold the process open, and
    // no git run for a request of the editor may outlive it.
    children::kill_all();
    std::process::exit(code)
}

//! The command line: `serve` (default), `analyze` and `blame`.

pub mod analyze;
pub mod blame;

use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand, ValueEnum};

use crate::engine::{Engine, LogSink};

#[derive(Parser)]
#[command(name = "gitinspector-lsp", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the language server on stdin/stdout (the default).
    Serve,
    /// Authorship statistics of one or more repositories.
    Analyze(Box<analyze::AnalyzeArgs>),
    /// Blame of one file.
    Blame(blame::BlameArgs),
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
}

/// Prints a command's error as one line on stderr.
pub fn report(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("gitinspector-lsp: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Starts the engine for a one-shot command; Python log records go to stderr.
fn start_engine() -> anyhow::Result<Engine> {
    crate::logging::init("warn");
    let sink: LogSink = Arc::new(|record| crate::logging::python_record(&record));
    Engine::start(sink, crate::logging::python_level()).map_err(|e| anyhow::anyhow!(e))
}

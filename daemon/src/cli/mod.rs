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

/// A command's failure whose lines are already on stderr (`analyze` with
/// some paths failed): exit status 1, no further line.
#[derive(Debug)]
pub struct Reported;

impl std::fmt::Display for Reported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("errors reported above")
    }
}

impl std::error::Error for Reported {}

/// One error line on stderr, as every command prints its errors.
pub fn error_line(message: impl std::fmt::Display) {
    eprintln!("gitinspector-lsp: error: {message}");
}

/// Prints a command's error as one line on stderr (none when the command
/// reported its errors itself); the exit status is 1 on any error.
pub fn report(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if err.is::<Reported>() => ExitCode::FAILURE,
        Err(err) => {
            error_line(format_args!("{err:#}"));
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

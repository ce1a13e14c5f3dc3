//! Logs go to stderr (never stdout, which carries JSON-RPC), filtered by
//! `GITINSPECTOR_LOG` (e.g. `debug`, `gitinspector_lsp=trace`).

use tracing::level_filters::LevelFilter;
use tracing_subscriber::EnvFilter;

use crate::engine::LogRecord;

pub fn init(default_level: &str) {
    let filter = EnvFilter::try_from_env("GITINSPECTOR_LOG")
        .unwrap_or_else(|_| EnvFilter::new(default_level));
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init();
}

/// The Python `logging` level matching the most verbose level enabled here.
pub fn python_level() -> u32 {
    match LevelFilter::current() {
        LevelFilter::TRACE | LevelFilter::DEBUG => 10,
        LevelFilter::INFO => 20,
        LevelFilter::WARN => 30,
        LevelFilter::ERROR => 40,
        _ => 50,
    }
}

pub fn python_record(record: &LogRecord) {
    let (logger, message) = (&record.logger, &record.message);
    match record.level {
        0..=19 => tracing::debug!(target: "python", "{logger}: {message}"),
        20..=29 => tracing::info!(target: "python", "{logger}: {message}"),
        30..=39 => tracing::warn!(target: "python", "{logger}: {message}"),
        _ => tracing::error!(target: "python", "{logger}: {message}"),
    }
}

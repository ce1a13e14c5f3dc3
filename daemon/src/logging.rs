//! Logs go to stderr (never stdout, which carries JSON-RPC), filtered by
//! `GITINSPECTOR_LOG` (e.g. `debug`, `gitinspector_lsp=trace`). When
//! serving, INFO and above also go to the editor as `window/logMessage`
//! (with the matching type: Error 1, Warning 2, Info 3), and stderr keeps
//! only warnings and errors unless `GITINSPECTOR_LOG` says otherwise: an
//! editor shows a server's whole stderr as errors.

use std::fmt::Write as _;
use std::sync::{LazyLock, Mutex};

use tokio::sync::mpsc;
use tower_lsp::lsp_types::MessageType;
use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{filter, EnvFilter};

use crate::engine::LogRecord;

/// Lines waiting for the editor (sent once `initialize` arrived); past
/// this many, new ones are dropped rather than held.
const WAITING_LINES: usize = 1024;

type LogLine = (MessageType, String);

struct ToEditor {
    sender: mpsc::Sender<LogLine>,
    receiver: Mutex<Option<mpsc::Receiver<LogLine>>>,
}

static TO_EDITOR: LazyLock<ToEditor> = LazyLock::new(|| {
    let (sender, receiver) = mpsc::channel(WAITING_LINES);
    ToEditor {
        sender,
        receiver: Mutex::new(Some(receiver)),
    }
});

fn env_filter(default_level: &str) -> EnvFilter {
    EnvFilter::try_from_env("GITINSPECTOR_LOG").unwrap_or_else(|_| EnvFilter::new(default_level))
}

fn stderr_layer<S>(default_level: &str) -> impl Layer<S>
where
    S: Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_filter(env_filter(default_level))
}

/// Logging for the command-line tools: stderr only.
pub fn init(default_level: &str) {
    let _ = tracing_subscriber::registry()
        .with(stderr_layer(default_level))
        .try_init();
}

/// Logging for the language server: warnings and errors on stderr (or
/// what `GITINSPECTOR_LOG` asks), INFO and above to the editor.
pub fn init_serving() {
    // tower-lsp's own events are not sent through tower-lsp (a failed send
    // would log, and be sent again).
    let editor = EditorLayer
        .with_filter(LevelFilter::INFO)
        .with_filter(filter::filter_fn(|meta| {
            !meta.target().starts_with("tower_lsp")
        }));
    let _ = tracing_subscriber::registry()
        .with(stderr_layer("warn"))
        .with(editor)
        .try_init();
}

/// The log lines for the editor, to forward with `window/logMessage`
/// (once: the one session takes them).
pub fn editor_lines() -> Option<mpsc::Receiver<LogLine>> {
    TO_EDITOR
        .receiver
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take()
}

/// Sends each log line to the editor, after `ready` (the `initialize`
/// request arrived: before it, a server must not write to the client).
pub async fn forward_to_editor(
    client: tower_lsp::Client,
    mut lines: mpsc::Receiver<LogLine>,
    ready: std::sync::Arc<tokio::sync::Notify>,
) {
    ready.notified().await;
    while let Some((kind, message)) = lines.recv().await {
        client.log_message(kind, message).await;
    }
}

struct EditorLayer;

impl<S: Subscriber> Layer<S> for EditorLayer {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let kind = match *event.metadata().level() {
            Level::ERROR => MessageType::ERROR,
            Level::WARN => MessageType::WARNING,
            Level::INFO => MessageType::INFO,
            _ => MessageType::LOG,
        };
        let mut line = LineWriter::default();
        event.record(&mut line);
        // A full queue (no editor reading yet) drops the line.
        let _ = TO_EDITOR.sender.try_send((kind, line.text));
    }
}

/// An event as one line: its message, then its other fields `key=value`.
#[derive(Default)]
struct LineWriter {
    text: String,
}

impl Visit for LineWriter {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.text.insert_str(0, value);
        } else {
            let _ = write!(self.text, " {}={value}", field.name());
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.text.insert_str(0, &format!("{value:?}"));
        } else {
            let _ = write!(self.text, " {}={value:?}", field.name());
        }
    }
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

/// A Python log record, logged as ours (and so sent where ours go).
pub fn python_record(record: &LogRecord) {
    let (logger, message) = (&record.logger, &record.message);
    match record.level {
        0..=19 => tracing::debug!(target: "python", "[{logger}] {message}"),
        20..=29 => tracing::info!(target: "python", "[{logger}] {message}"),
        30..=39 => tracing::warn!(target: "python", "[{logger}] {message}"),
        _ => tracing::error!(target: "python", "[{logger}] {message}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_is_one_line_with_its_fields() {
        let layer = EditorLayer.with_filter(LevelFilter::INFO);
        let subscriber = tracing_subscriber::registry().with(layer);
        let mut lines = editor_lines().unwrap();
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!(repo = "/r", "HEAD moved");
            tracing::debug!("not sent");
            tracing::warn!("careful");
        });
        let (kind, text) = lines.try_recv().unwrap();
        assert_eq!(
            (kind, text.as_str()),
            (MessageType::INFO, "HEAD moved repo=/r")
        );
        let (kind, text) = lines.try_recv().unwrap();
        assert_eq!((kind, text.as_str()), (MessageType::WARNING, "careful"));
        assert!(lines.try_recv().is_err());
    }
}

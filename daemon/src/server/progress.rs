//! Work-done progress (`$/progress`) for long engine calls.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tower_lsp::lsp_types::notification::Progress as ProgressNotification;
use tower_lsp::lsp_types::request::WorkDoneProgressCreate;
use tower_lsp::lsp_types::{
    NumberOrString, ProgressParams, ProgressParamsValue, ProgressToken, WorkDoneProgress,
    WorkDoneProgressBegin, WorkDoneProgressCreateParams, WorkDoneProgressEnd,
    WorkDoneProgressReport,
};
use tower_lsp::Client;

use crate::engine::ProgressFn;

/// Reports sent at most this often; the last one always goes out.
const REPORT_INTERVAL: Duration = Duration::from_millis(100);

pub struct Progress {
    client: Client,
    token: ProgressToken,
    latest: Arc<Mutex<Option<(u64, u64, String)>>>,
}

impl Progress {
    /// Begins progress under the client's token, or under a new one when the
    /// client supports server-initiated progress; `None` when neither.
    pub async fn begin(
        client: &Client,
        client_token: Option<ProgressToken>,
        server_initiated: bool,
        title: &str,
    ) -> Option<Progress> {
        let token = match client_token {
            Some(token) => token,
            None if server_initiated => {
                let token = NumberOrString::String(format!(
                    "gitinspector/{}/{}",
                    std::process::id(),
                    next_id()
                ));
                client
                    .send_request::<WorkDoneProgressCreate>(WorkDoneProgressCreateParams {
                        token: token.clone(),
                    })
                    .await
                    .ok()?;
                token
            }
            None => return None,
        };
        let begin = WorkDoneProgress::Begin(WorkDoneProgressBegin {
            title: title.to_owned(),
            cancellable: Some(true),
            message: None,
            percentage: Some(0),
        });
        send(client, &token, begin).await;
        Some(Progress {
            client: client.clone(),
            token,
            latest: Arc::default(),
        })
    }

    /// A callback for the engine: it only records the latest state, which
    /// `drive` reports at most every `REPORT_INTERVAL`.
    pub fn callback(&self) -> ProgressFn {
        let latest = self.latest.clone();
        Arc::new(move |done, total, message: &str| {
            *latest.lock().unwrap_or_else(|e| e.into_inner()) =
                Some((done, total, message.to_owned()));
        })
    }

    /// Awaits `work`, reporting progress while it runs and once more at its end.
    pub async fn drive<F: Future>(&self, work: F) -> F::Output {
        tokio::pin!(work);
        let mut ticker = tokio::time::interval(REPORT_INTERVAL);
        let output = loop {
            tokio::select! {
                output = &mut work => break output,
                _ = ticker.tick() => self.report_latest().await,
            }
        };
        self.report_latest().await;
        output
    }

    async fn report_latest(&self) {
        let update = self.latest.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(update) = update {
            send(&self.client, &self.token, report(&update)).await;
        }
    }

    pub async fn end(self, message: String) {
        let end = WorkDoneProgress::End(WorkDoneProgressEnd {
            message: Some(message),
        });
        send(&self.client, &self.token, end).await;
    }
}

fn report((done, total, message): &(u64, u64, String)) -> WorkDoneProgress {
    let percentage = if *total == 0 {
        0
    } else {
        (done * 100 / total).min(100) as u32
    };
    WorkDoneProgress::Report(WorkDoneProgressReport {
        cancellable: Some(true),
        message: Some(if message.is_empty() {
            format!("{done}/{total} files")
        } else {
            format!("{done}/{total} {message}")
        }),
        percentage: Some(percentage),
    })
}

async fn send(client: &Client, token: &ProgressToken, value: WorkDoneProgress) {
    client
        .send_notification::<ProgressNotification>(ProgressParams {
            token: token.clone(),
            value: ProgressParamsValue::WorkDone(value),
        })
        .await;
}

fn next_id() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

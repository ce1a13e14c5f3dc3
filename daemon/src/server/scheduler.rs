//! Background work the daemon does on its own (not to answer a request),
//! with the delays that keep it out of the way of the requests it follows.
//! One place for every such delay, each with its reason.

use std::future::Future;
use std::time::Duration;

/// The engine (Python) starts this long after `initialize` if nothing
/// needed it before, and the disk cache is pruned then: the editor's
/// opening burst (didOpen, first blames: git work, no Python) comes first.
pub const ENGINE_START: Duration = Duration::from_secs(1);
/// A repository's commit-graph is refreshed this long after a first blame,
/// not to compete with the requests that come with opening a file.
pub const COMMIT_GRAPH_REFRESH: Duration = Duration::from_millis(500);
/// Fresh blame is written to the disk cache this long after it was
/// computed: serializing a large file's blame would compete with answering
/// the request that needed it.
pub const DISK_CACHE_WRITE: Duration = Duration::from_millis(50);
/// Freed memory is given back this long after a large engine answer went
/// out (turning it into the response's JSON made a copy freed only then).
pub const MEMORY_TRIM_AFTER_ANSWER: Duration = Duration::from_secs(2);
/// ...and this long after a large document was closed.
pub const MEMORY_TRIM_AFTER_CLOSE: Duration = Duration::from_millis(100);
/// A large file's line index (for mapping large edits) is built this long
/// after its blame is loaded: at once, beside the first view, which doesn't
/// need it, so that it is there for the first edit.
pub const LINE_INDEX: Duration = Duration::ZERO;
/// `shutdown` waits at most this long for disk-cache writes to land.
pub const SHUTDOWN_DRAIN: Duration = Duration::from_secs(5);

/// Runs `work` after `delay`, in the background; `name` is for the log.
pub fn after<F>(name: &'static str, delay: Duration, work: F)
where
    F: Future<Output = ()> + Send + 'static,
{
    tokio::spawn(async move {
        tokio::time::sleep(delay).await;
        tracing::debug!("background: {name}");
        work.await;
    });
}

/// Runs blocking `work` on a blocking thread after `delay`, in the background.
pub fn blocking_after<F>(name: &'static str, delay: Duration, work: F)
where
    F: FnOnce() + Send + 'static,
{
    after(name, delay, async move {
        let _ = tokio::task::spawn_blocking(work).await;
    });
}

/// Gives memory freed after a large answer back to the system: a long-lived
/// daemon should not keep the peak of its largest answer resident.
pub fn release_free_memory() {
    // SAFETY: malloc_trim only returns unused heap pages to the kernel.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    unsafe {
        libc::malloc_trim(0);
    }
}

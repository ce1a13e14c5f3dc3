//! Performance counters served by `gitinspector/getPerformanceStats`.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use serde_json::{json, Value};

/// Latency samples kept per method for percentiles.
const SAMPLES: usize = 2048;

#[derive(Default)]
struct MethodStats {
    calls: u64,
    errors: u64,
    total: Duration,
    recent: VecDeque<Duration>,
}

#[derive(Default)]
pub struct Stats {
    /// Requests by LSP method, and engine calls as `engine/<function>`.
    methods: Mutex<HashMap<String, MethodStats>>,
    pub cache_hits: AtomicU64,
    pub cache_misses: AtomicU64,
    /// Blame found in the on-disk cache (after a memory miss).
    pub disk_hits: AtomicU64,
    /// Engine calls stopped by `$/cancelRequest` (the engine saw the flag).
    pub engine_cancelled: AtomicU64,
    /// Engine calls running right now.
    pub engine_in_flight: AtomicI64,
}

impl Stats {
    pub fn record(&self, method: &str, elapsed: Duration, ok: bool) {
        let mut methods = self.methods.lock().unwrap_or_else(|e| e.into_inner());
        if !methods.contains_key(method) {
            methods.insert(method.to_owned(), MethodStats::default());
        }
        let Some(entry) = methods.get_mut(method) else {
            return;
        };
        entry.calls += 1;
        entry.errors += u64::from(!ok);
        entry.total += elapsed;
        if entry.recent.len() == SAMPLES {
            entry.recent.pop_front();
        }
        entry.recent.push_back(elapsed);
    }

    pub fn cache_hit(&self) {
        self.cache_hits.fetch_add(1, Ordering::Relaxed);
    }

    pub fn cache_miss(&self) {
        self.cache_misses.fetch_add(1, Ordering::Relaxed);
    }

    pub fn snapshot(&self, python_time: Duration) -> Value {
        let methods = self.methods.lock().unwrap_or_else(|e| e.into_inner());
        let mut per_method = serde_json::Map::new();
        for (name, m) in methods.iter() {
            let mut sorted: Vec<Duration> = m.recent.iter().copied().collect();
            sorted.sort_unstable();
            per_method.insert(
                name.clone(),
                json!({
                    "calls": m.calls,
                    "errors": m.errors,
                    "total_ms": ms(m.total),
                    "p50_ms": percentile(&sorted, 0.50),
                    "p90_ms": percentile(&sorted, 0.90),
                    "p99_ms": percentile(&sorted, 0.99),
                    "max_ms": sorted.last().copied().map(ms),
                }),
            );
        }
        json!({
            "methods": per_method,
            "cache": {
                "hits": self.cache_hits.load(Ordering::Relaxed),
                "misses": self.cache_misses.load(Ordering::Relaxed),
                "disk_hits": self.disk_hits.load(Ordering::Relaxed),
            },
            "engine": {
                "python_ms": ms(python_time),
                "in_flight": self.engine_in_flight.load(Ordering::Relaxed),
                "cancelled": self.engine_cancelled.load(Ordering::Relaxed),
            },
        })
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Nearest-rank percentile over sorted samples.
fn percentile(sorted: &[Duration], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted.get(rank - 1).map(|&d| ms(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_nearest_rank() {
        let samples: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&samples, 0.50), Some(50.0));
        assert_eq!(percentile(&samples, 0.99), Some(99.0));
        assert_eq!(percentile(&[], 0.5), None);
    }
}

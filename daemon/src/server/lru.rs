//! A concurrent map bounded by a memory budget: inserting past the budget
//! evicts the least recently used entries.

use std::hash::Hash;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use dashmap::DashMap;

struct Entry<V> {
    value: V,
    bytes: usize,
    last_used: AtomicU64,
}

pub struct Lru<K: Eq + Hash, V> {
    entries: DashMap<K, Entry<V>>,
    budget: AtomicUsize,
    used: AtomicUsize,
    clock: AtomicU64,
    weigh: fn(&V) -> usize,
}

impl<K: Eq + Hash + Clone, V: Clone> Lru<K, V> {
    pub fn new(budget_bytes: usize, weigh: fn(&V) -> usize) -> Self {
        Lru {
            entries: DashMap::new(),
            budget: AtomicUsize::new(budget_bytes),
            used: AtomicUsize::new(0),
            clock: AtomicU64::new(0),
            weigh,
        }
    }

    pub fn set_budget(&self, bytes: usize) {
        self.budget.store(bytes, Ordering::Relaxed);
        self.evict();
    }

    pub fn get(&self, key: &K) -> Option<V> {
        let entry = self.entries.get(key)?;
        entry.last_used.store(self.tick(), Ordering::Relaxed);
        Some(entry.value.clone())
    }

    pub fn insert(&self, key: K, value: V) {
        let bytes = (self.weigh)(&value);
        let entry = Entry {
            value,
            bytes,
            last_used: AtomicU64::new(self.tick()),
        };
        if let Some(old) = self.entries.insert(key, entry) {
            self.used.fetch_sub(old.bytes, Ordering::Relaxed);
        }
        self.used.fetch_add(bytes, Ordering::Relaxed);
        self.evict();
    }

    /// Keeps only the entries for which `keep` is true.
    pub fn retain(&self, keep: impl Fn(&K) -> bool) {
        self.entries.retain(|k, e| {
            let kept = keep(k);
            if !kept {
                self.used.fetch_sub(e.bytes, Ordering::Relaxed);
            }
            kept
        });
    }

    /// A snapshot of all entries.
    pub fn entries(&self) -> Vec<(K, V)> {
        self.entries
            .iter()
            .map(|e| (e.key().clone(), e.value.clone()))
            .collect()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn used_bytes(&self) -> usize {
        self.used.load(Ordering::Relaxed)
    }

    fn tick(&self) -> u64 {
        self.clock.fetch_add(1, Ordering::Relaxed)
    }

    fn evict(&self) {
        let budget = self.budget.load(Ordering::Relaxed);
        while self.used.load(Ordering::Relaxed) > budget && self.entries.len() > 1 {
            let oldest = self
                .entries
                .iter()
                .min_by_key(|e| e.last_used.load(Ordering::Relaxed))
                .map(|e| e.key().clone());
            match oldest.and_then(|k| self.entries.remove(&k)) {
                Some((_, entry)) => {
                    self.used.fetch_sub(entry.bytes, Ordering::Relaxed);
                }
                None => break,
            }
        }
    }
}

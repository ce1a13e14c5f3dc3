//! Committed blame on disk, so a restarted daemon answers files it has seen
//! before without running git or Python: blame of a (repository, commit,
//! path, mailmap, ignored revisions) never changes. One JSON file per entry in the user cache directory, written
//! to a temporary file and renamed into place (safe against concurrent
//! daemons); an unreadable or mismatched file is removed and recomputed.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::blame_cache::{BlameKey, CommittedBlame};

/// Bump when the stored shape or the blame options change.
const FORMAT: u32 = 5;
/// Pruned down to this size (oldest files first) when the daemon starts.
const MAX_BYTES: u64 = 512 << 20;
/// Temporary files older than this are left over from a failed write.
const STALE_TEMP: std::time::Duration = std::time::Duration::from_secs(600);

#[derive(Serialize, Deserialize)]
struct Stored {
    format: u32,
    repository: String,
    revision: String,
    path: String,
    blame: CommittedBlame,
}

/// `Stored` by reference, for writing without a copy.
#[derive(Serialize)]
struct StoredRef<'a> {
    format: u32,
    repository: &'a str,
    revision: &'a str,
    path: &'a str,
    blame: &'a CommittedBlame,
}

pub struct DiskCache {
    dir: Option<PathBuf>,
}

/// Makes temporary file names unique within the process (the pid makes
/// them unique across daemons).
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

impl DiskCache {
    /// The cache under `$XDG_CACHE_HOME/gitinspector-lsp/blame-v{FORMAT}`; disabled
    /// when no cache directory exists or it cannot be created.
    pub fn open_default() -> DiskCache {
        let dir =
            dirs::cache_dir().map(|d| d.join("gitinspector-lsp").join(format!("blame-v{FORMAT}")));
        DiskCache::open(dir)
    }

    pub fn open(dir: Option<PathBuf>) -> DiskCache {
        let dir = dir.filter(|d| fs::create_dir_all(d).is_ok());
        DiskCache { dir }
    }

    /// The entry's file: named by a digest of the key's exact bytes.
    fn file_for(&self, key: &BlameKey) -> Option<PathBuf> {
        let mut hasher = Sha256::new();
        hasher.update(key.root.as_os_str().as_encoded_bytes());
        hasher.update([0]);
        hasher.update(key.revision.as_bytes());
        hasher.update([0]);
        hasher.update(key.path.as_os_str().as_encoded_bytes());
        hasher.update([0]);
        hasher.update(key.mailmap.to_le_bytes());
        // Plain blame keeps the names it had before revisions were ignored.
        if key.ignore_revs != 0 {
            hasher.update(key.ignore_revs.to_le_bytes());
        }
        let name: String = hasher
            .finalize()
            .iter()
            .take(16)
            .map(|b| format!("{b:02x}"))
            .collect();
        let (shard, rest) = name.split_at_checked(2)?;
        Some(self.dir.as_ref()?.join(shard).join(rest))
    }

    /// Whether an entry exists (not whether it is readable).
    pub fn contains(&self, key: &BlameKey) -> bool {
        self.file_for(key).is_some_and(|f| f.is_file())
    }

    pub fn get(&self, key: &BlameKey) -> Option<CommittedBlame> {
        let file = self.file_for(key)?;
        let bytes = fs::read(&file).ok()?;
        match serde_json::from_slice::<Stored>(&bytes) {
            Ok(s)
                if s.format == FORMAT
                    && s.repository == key.root.to_string_lossy()
                    && s.revision == key.revision
                    && s.path == key.path.to_string_lossy()
                    && s.blame.is_consistent() =>
            {
                Some(s.blame)
            }
            _ => {
                tracing::warn!("discarding unreadable blame cache file {}", file.display());
                let _ = fs::remove_file(&file);
                None
            }
        }
    }

    pub fn put(&self, key: &BlameKey, blame: &CommittedBlame) {
        let Some(file) = self.file_for(key) else {
            return;
        };
        let stored = StoredRef {
            format: FORMAT,
            repository: &key.root.to_string_lossy(),
            revision: &key.revision,
            path: &key.path.to_string_lossy(),
            blame,
        };
        if let Err(err) = self.write_atomically(&file, &stored) {
            tracing::debug!("cannot write blame cache {}: {err}", file.display());
        }
    }

    fn write_atomically(&self, file: &Path, stored: &StoredRef<'_>) -> std::io::Result<()> {
        let dir = file
            .parent()
            .ok_or_else(|| std::io::Error::other("a cache file outside any folder"))?;
        fs::create_dir_all(dir)?;
        let temp = dir.join(format!(
            ".tmp-{}-{}",
            std::process::id(),
            TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        // Buffered: unbuffered, serde_json makes a write syscall per token.
        let mut out = std::io::BufWriter::with_capacity(256 << 10, fs::File::create(&temp)?);
        let written = serde_json::to_writer(&mut out, stored)
            .map_err(std::io::Error::from)
            .and_then(|()| out.flush());
        drop(out);
        // A full disk must not leave the partial file behind.
        written
            .and_then(|()| fs::rename(&temp, file))
            .inspect_err(|_| {
                let _ = fs::remove_file(&temp);
            })
    }

    /// Removes the least recently written files beyond the size bound, and
    /// the folders of older formats.
    pub fn prune(&self) {
        let Some(dir) = &self.dir else { return };
        if let (Some(parent), Some(current)) = (dir.parent(), dir.file_name()) {
            for entry in fs::read_dir(parent).into_iter().flatten().flatten() {
                let name = entry.file_name();
                if name != current && name.to_string_lossy().starts_with("blame-v") {
                    let _ = fs::remove_dir_all(entry.path());
                }
            }
        }
        let mut files: Vec<(SystemTime, u64, PathBuf)> = Vec::new();
        let stale = SystemTime::now()
            .checked_sub(STALE_TEMP)
            .unwrap_or(SystemTime::UNIX_EPOCH);
        for shard in fs::read_dir(dir).into_iter().flatten().flatten() {
            for entry in fs::read_dir(shard.path()).into_iter().flatten().flatten() {
                if let Ok(meta) = entry.metadata() {
                    let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
                    // A writer that died (or met a full disk) left a temporary
                    // file; one this old is no other daemon's write in progress.
                    if entry.file_name().to_string_lossy().starts_with(".tmp-") {
                        if modified < stale {
                            let _ = fs::remove_file(entry.path());
                        }
                        continue;
                    }
                    files.push((modified, meta.len(), entry.path()));
                }
            }
        }
        let mut total: u64 = files.iter().map(|f| f.1).sum();
        files.sort();
        for (_, size, path) in files {
            if total <= MAX_BYTES {
                break;
            }
            if fs::remove_file(&path).is_ok() {
                total -= size;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::blame_cache::CommitInfo;

    fn sample(lines: usize) -> CommittedBlame {
        CommittedBlame {
            commits: vec![CommitInfo::not_committed()],
            line_commit: vec![0; lines],
            text: vec!["x".repeat(100); lines].join("\n"),
            replaced: None,
            line_indexes: Default::default(),
        }
    }

    fn key(root: &str, revision: &str, path: &str) -> BlameKey {
        BlameKey {
            root: PathBuf::from(root),
            revision: revision.into(),
            path: PathBuf::from(path),
            mailmap: 0,
            ignore_revs: 0,
        }
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("gil-disk-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn prune_removes_older_formats_only() {
        let root = temp_dir("formats");
        let old = root.join("blame-v1");
        let other = root.join("commit-graph");
        fs::create_dir_all(old.join("ab")).unwrap();
        fs::create_dir_all(&other).unwrap();
        let cache = DiskCache::open(Some(root.join(format!("blame-v{FORMAT}"))));
        cache.put(&key("/r", "abc", "f.py"), &sample(2));
        cache.prune();
        assert!(!old.exists(), "an older format's folder is removed");
        assert!(other.exists(), "other caches are left alone");
        assert!(cache.get(&key("/r", "abc", "f.py")).is_some());
        fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn round_trip_and_corruption_is_a_miss() {
        let dir = temp_dir("rt");
        let cache = DiskCache::open(Some(dir.clone()));
        let blame = sample(3);
        assert!(cache.get(&key("/r", "abc", "f.py")).is_none());
        cache.put(&key("/r", "abc", "f.py"), &blame);
        assert_eq!(
            cache.get(&key("/r", "abc", "f.py")).unwrap().text,
            blame.text
        );
        assert!(cache.get(&key("/r", "abc", "g.py")).is_none());
        let ignoring = BlameKey {
            ignore_revs: 5,
            ..key("/r", "abc", "f.py")
        };
        assert!(
            cache.get(&ignoring).is_none(),
            "blame ignoring revisions is another entry"
        );
        assert!(
            cache.get(&key("/other", "abc", "f.py")).is_none(),
            "another repository's file at the same commit and path is another entry"
        );

        let file = cache.file_for(&key("/r", "abc", "f.py")).unwrap();
        fs::write(&file, b"{ truncated").unwrap();
        assert!(cache.get(&key("/r", "abc", "f.py")).is_none());
        assert!(!file.exists(), "a corrupt entry is removed");
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn an_entry_with_indices_out_of_range_is_removed_and_missed() {
        let dir = temp_dir("range");
        let cache = DiskCache::open(Some(dir.clone()));
        let mut blame = sample(3);
        blame.line_commit = vec![0, 7, 0];
        cache.put(&key("/r", "abc", "f.py"), &blame);
        let file = cache.file_for(&key("/r", "abc", "f.py")).unwrap();
        assert!(file.exists());
        assert!(cache.get(&key("/r", "abc", "f.py")).is_none());
        assert!(!file.exists(), "the bad entry is removed, not read again");
        let mut short = sample(3);
        short.text = "only one line".into();
        cache.put(&key("/r", "abc", "g.py"), &short);
        assert!(cache.get(&key("/r", "abc", "g.py")).is_none());
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn prune_removes_old_temporary_files_only() {
        let dir = temp_dir("tmp");
        let cache = DiskCache::open(Some(dir.clone()));
        fs::create_dir_all(dir.join("ab")).unwrap();
        let old = dir.join("ab/.tmp-1-1");
        let fresh = dir.join("ab/.tmp-1-2");
        fs::write(&old, b"partial").unwrap();
        fs::write(&fresh, b"partial").unwrap();
        let long_ago = SystemTime::now() - std::time::Duration::from_secs(3600);
        fs::File::options()
            .write(true)
            .open(&old)
            .unwrap()
            .set_modified(long_ago)
            .unwrap();
        cache.prune();
        assert!(!old.exists(), "a write that died long ago is cleaned up");
        assert!(fresh.exists(), "another daemon may be writing this one");
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn concurrent_writers_leave_a_complete_file() {
        let dir = temp_dir("conc");
        let blame = std::sync::Arc::new(sample(2000));
        std::thread::scope(|s| {
            for _ in 0..4 {
                let dir = dir.clone();
                let blame = blame.clone();
                s.spawn(move || {
                    let cache = DiskCache::open(Some(dir));
                    for _ in 0..20 {
                        cache.put(&key("/r", "r", "p"), &blame);
                    }
                });
            }
        });
        let read = DiskCache::open(Some(dir.clone()))
            .get(&key("/r", "r", "p"))
            .unwrap();
        assert_eq!(read.line_commit, blame.line_commit);
        fs::remove_dir_all(dir).unwrap();
    }
}

/// Property tests (fuzzing with a bounded number of cases, run by `cargo test`).
#[cfg(test)]
mod fuzz {
    use super::*;
    use crate::server::blame_cache::CommitInfo;
    use proptest::prelude::*;

    fn key() -> BlameKey {
        BlameKey {
            root: PathBuf::from("/r"),
            revision: "abc".into(),
            path: PathBuf::from("f.py"),
            mailmap: 0,
            ignore_revs: 0,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        /// Whatever a cache file holds (bytes, or a well-formed entry with
        /// any indices and texts), reading it never panics and returns only
        /// a blame that is safe to use; anything else is removed.
        #[test]
        fn any_cache_file_reads_as_a_safe_blame_or_nothing(
            bytes in prop::collection::vec(any::<u8>(), 0..300),
            line_commit in prop::collection::vec(0u32..6, 0..8),
            commits in 0usize..4,
            text in "[a\n]{0,12}",
        ) {
            let dir = std::env::temp_dir().join(format!("gil-fuzz-{}", std::process::id()));
            let cache = DiskCache::open(Some(dir.clone()));
            let file = cache.file_for(&key()).unwrap();
            fs::create_dir_all(file.parent().unwrap()).unwrap();
            let blame = CommittedBlame {
                commits: vec![CommitInfo::not_committed(); commits],
                line_commit,
                text,
                replaced: None,
                line_indexes: Default::default(),
            };
            let stored = serde_json::to_vec(&StoredRef {
                format: FORMAT,
                repository: "/r",
                revision: "abc",
                path: "f.py",
                blame: &blame,
            })
            .unwrap();
            for contents in [bytes, stored] {
                fs::write(&file, &contents).unwrap();
                match cache.get(&key()) {
                    Some(read) => prop_assert!(read.is_consistent()),
                    None => prop_assert!(!file.exists(), "an unusable entry is removed"),
                }
            }
            let _ = fs::remove_dir_all(dir);
        }
    }
}

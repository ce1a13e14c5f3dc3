//! Cheap, process-free facts about git repositories: where a path's
//! repository is and which commit its HEAD names. Read straight from the
//! `.git` files so they can be checked on every request; what needs git
//! itself runs through `crate::git` (first blames) or the engine.

use std::fs;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repository {
    /// The work tree's top-level directory.
    pub root: PathBuf,
    /// The repository's own git directory (per worktree).
    pub git_dir: PathBuf,
    /// Where shared refs live (differs from `git_dir` in linked worktrees).
    pub common_dir: PathBuf,
}

impl Repository {
    /// The innermost repository containing `path` (a file or directory).
    pub fn discover(path: &Path) -> Option<Repository> {
        let start = if path.is_dir() { path } else { path.parent()? };
        start.ancestors().find_map(Repository::at)
    }

    fn at(dir: &Path) -> Option<Repository> {
        let dot_git = dir.join(".git");
        let git_dir = if dot_git.is_dir() {
            dot_git
        } else if dot_git.is_file() {
            // Submodules and linked worktrees: ".git" is a file "gitdir: <path>".
            let text = fs::read_to_string(&dot_git).ok()?;
            let target = text.strip_prefix("gitdir:")?.trim();
            let target = Path::new(target);
            if target.is_absolute() {
                target.to_path_buf()
            } else {
                dir.join(target)
            }
        } else {
            return None;
        };
        if !git_dir.join("HEAD").is_file() {
            return None;
        }
        let common_dir = fs::read_to_string(git_dir.join("commondir"))
            .ok()
            .map(|c| git_dir.join(c.trim()))
            .unwrap_or_else(|| git_dir.clone());
        Some(Repository {
            root: dir.to_path_buf(),
            git_dir,
            common_dir,
        })
    }

    /// `path` relative to the work tree, as bytes (git's names need not be
    /// UTF-8); the file itself may not exist yet (a new buffer).
    pub fn relative(&self, path: &Path) -> PathBuf {
        let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
        let root = canonical(&self.root);
        let path = match (path.parent(), path.file_name()) {
            (Some(dir), Some(name)) => canonical(dir).join(name),
            _ => path.to_path_buf(),
        };
        path.strip_prefix(&root)
            .map(Path::to_path_buf)
            .unwrap_or(path)
    }

    /// The commit HEAD points at, or `None` in an empty repository.
    pub fn head(&self) -> Option<String> {
        let head = fs::read_to_string(self.git_dir.join("HEAD")).ok()?;
        let head = head.trim();
        match head.strip_prefix("ref:") {
            Some(name) => self.resolve_ref(name.trim()),
            None => is_sha(head).then(|| head.to_owned()),
        }
    }

    /// Identifies the mailmap git applies here (the work tree's `.mailmap`,
    /// the only one the git policy reads): 0 without one, else a digest of
    /// its bytes. Part of every cache key whose answer names people. A stat
    /// decides whether the file is read again.
    pub fn mailmap_id(&self) -> u64 {
        mailmap_id(&self.root.join(".mailmap"))
    }

    /// The ignore-revs file a setting names here: a path relative to the
    /// work tree's top, or absolute; `None` for an empty setting (no file).
    /// Surrounding whitespace is not part of the name (as the engine's
    /// `ignore_revs_file`).
    pub fn ignore_revs_file(&self, setting: &str) -> Option<PathBuf> {
        let setting = setting.trim();
        (!setting.is_empty()).then(|| self.root.join(setting))
    }

    /// The identity git would commit as here (`user.name`, `user.email`).
    /// Reading config runs nothing a repository could configure, and needs
    /// no engine: a restarted daemon answers its first blame at once.
    pub fn configured_user(&self) -> (Option<String>, Option<String>) {
        let output = crate::git::user_config_command(&self.root)
            .args(["--get-regexp", r"^user\.(name|email)$"])
            .output();
        let (mut name, mut email) = (None, None);
        if let Ok(output) = output {
            for line in String::from_utf8_lossy(&output.stdout).lines() {
                match line.split_once(' ') {
                    Some(("user.name", v)) => name = Some(v.to_owned()),
                    Some(("user.email", v)) => email = Some(v.to_owned()),
                    _ => {}
                }
            }
        }
        (name, email)
    }

    /// Resolves a full ref name (`refs/heads/main`) through loose and packed
    /// refs. Symbolic refs are followed at most `SYMREF_MAX_DEPTH` times, as
    /// git does: a loop (a ref naming itself, a -> b -> a) resolves to
    /// nothing, like an unborn branch.
    pub fn resolve_ref(&self, name: &str) -> Option<String> {
        let mut name = name.to_owned();
        for _ in 0..SYMREF_MAX_DEPTH {
            if !is_ref_name(&name) {
                return None;
            }
            match self.read_ref(&name)? {
                RefValue::Sha(sha) => return Some(sha),
                RefValue::Symbolic(target) => name = target,
            }
        }
        tracing::warn!("symbolic refs nest deeper than {SYMREF_MAX_DEPTH} at {name}: a loop?");
        None
    }

    fn read_ref(&self, name: &str) -> Option<RefValue> {
        for dir in [&self.git_dir, &self.common_dir] {
            if let Ok(text) = fs::read_to_string(dir.join(name)) {
                let text = text.trim();
                if let Some(target) = text.strip_prefix("ref:") {
                    return Some(RefValue::Symbolic(target.trim().to_owned()));
                }
                if is_sha(text) {
                    return Some(RefValue::Sha(text.to_owned()));
                }
            }
        }
        let packed = fs::read_to_string(self.common_dir.join("packed-refs")).ok()?;
        packed.lines().find_map(|line| {
            let (sha, ref_name) = line.split_once(' ')?;
            (ref_name == name && is_sha(sha)).then(|| RefValue::Sha(sha.to_owned()))
        })
    }
}

/// What tells a file's versions apart without reading it: modification
/// time, size and inode (a rename over it changes the inode).
pub type FileStamp = (i64, i64, u64, u64);

/// `path`'s stamp (links followed), `None` when it does not exist.
pub fn file_stamp(path: &Path) -> Option<FileStamp> {
    use std::os::unix::fs::MetadataExt;
    let meta = fs::metadata(path).ok()?;
    Some((meta.mtime(), meta.mtime_nsec(), meta.size(), meta.ino()))
}

fn mailmap_id(path: &Path) -> u64 {
    use std::collections::HashMap;
    use std::hash::{Hash, Hasher};
    use std::sync::{Mutex, OnceLock};

    static SEEN: OnceLock<Mutex<HashMap<PathBuf, (FileStamp, u64)>>> = OnceLock::new();
    let Some(stamp) = file_stamp(path) else {
        return 0;
    };
    let seen = SEEN.get_or_init(Default::default);
    let mut seen = seen.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((known, id)) = seen.get(path) {
        if *known == stamp {
            return *id;
        }
    }
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    fs::read(path).unwrap_or_default().hash(&mut hasher);
    let id = hasher.finish() | 1; // never 0: 0 means "no mailmap"
    seen.insert(path.to_path_buf(), (stamp, id));
    id
}

/// git follows symbolic refs this deep (refs.h `SYMREF_MAXDEPTH`).
const SYMREF_MAX_DEPTH: usize = 5;

enum RefValue {
    Sha(String),
    Symbolic(String),
}

/// A ref name that stays inside the git directory (`refs/…`, no `..`).
fn is_ref_name(name: &str) -> bool {
    name.starts_with("refs/") && !name.split('/').any(|part| part == ".." || part.is_empty())
}

pub fn is_sha(text: &str) -> bool {
    matches!(text.len(), 40 | 64) && text.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::git;

    #[test]
    fn head_follows_loose_and_packed_refs_like_git() {
        let tmp = std::env::temp_dir().join(format!("gil-repo-test-{}", std::process::id()));
        let _ = fs::remove_dir_all(&tmp);
        fs::create_dir_all(tmp.join("sub/dir")).unwrap();
        git(&tmp, &["init", "-q", "-b", "main"]);
        let repo = Repository::discover(&tmp.join("sub/dir")).expect("found");
        assert_eq!(repo.root, tmp);
        assert_eq!(repo.head(), None, "empty repository has no HEAD commit");

        fs::write(tmp.join("sub/dir/a.txt"), "a\n").unwrap();
        git(&tmp, &["add", "."]);
        git(&tmp, &["commit", "-q", "-m", "one"]);
        assert_eq!(
            repo.head().as_deref(),
            Some(git(&tmp, &["rev-parse", "HEAD"]).as_str())
        );

        git(&tmp, &["pack-refs", "--all"]);
        assert_eq!(
            repo.head().as_deref(),
            Some(git(&tmp, &["rev-parse", "HEAD"]).as_str())
        );

        git(&tmp, &["checkout", "-q", "--detach"]);
        assert_eq!(
            repo.head().as_deref(),
            Some(git(&tmp, &["rev-parse", "HEAD"]).as_str())
        );

        assert!(Repository::discover(Path::new("/")).is_none());

        // A loop of symbolic refs resolves to nothing (git: "unknown revision").
        fs::write(tmp.join(".git/HEAD"), "ref: refs/heads/loop\n").unwrap();
        fs::write(tmp.join(".git/refs/heads/loop"), "ref: refs/heads/loop\n").unwrap();
        assert_eq!(repo.head(), None);
        fs::write(tmp.join(".git/refs/heads/loop"), "ref: refs/heads/other\n").unwrap();
        fs::write(tmp.join(".git/refs/heads/other"), "ref: refs/heads/loop\n").unwrap();
        assert_eq!(repo.head(), None);
        fs::write(tmp.join(".git/HEAD"), "ref: ../../etc/passwd\n").unwrap();
        assert_eq!(
            repo.head(),
            None,
            "a ref outside the git directory is not read"
        );
        fs::remove_dir_all(&tmp).unwrap();
    }
}

//! A commit-graph with changed-path Bloom filters per repository, kept in
//! the user cache directory (never in the repository) and offered to git as
//! an alternate object directory.
//!
//! git's path-limited history walks, which is what every `git blame` is, use
//! the filters to skip commits that did not touch the path without diffing
//! their trees: blaming every file of a repository runs about 1.5x faster.
//! git reads a commit-graph from the first object directory that has one, so
//! a repository with its own graph keeps it and this one is not written.
//! Being only an index of commits git already has, a stale or partial graph
//! is still correct: commits it does not list are read the usual way.
//!
//! The daemon refreshes it after a repository's first blame; the engine's
//! analyses call `refresh` through the hook they get at start-up.

use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{command, command_with, first_message};

/// Where a repository's graph lives: a folder of our cache, named by a
/// digest of the repository's real path.
fn location(root: &Path) -> Option<PathBuf> {
    let real = std::fs::canonicalize(root).ok()?;
    let digest = Sha256::digest(real.as_os_str().as_bytes());
    let key: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    Some(
        dirs::cache_dir()?
            .join("gitinspector-lsp")
            .join("commit-graph")
            .join(key),
    )
}

/// The object directory holding the repository's graph, once one was
/// written (no git run): hand it to git as `GIT_ALTERNATE_OBJECT_DIRECTORIES`.
pub fn existing(root: &Path) -> Option<PathBuf> {
    let objects = location(root)?;
    objects
        .join("info/commit-graphs/commit-graph-chain")
        .is_file()
        .then_some(objects)
}

/// Whether the repository has a commit-graph of its own.
fn has_own_graph(root: &Path) -> bool {
    let output = command(root, "rev-parse")
        .args([
            "--git-path",
            "objects/info/commit-graph",
            "--git-path",
            "objects/info/commit-graphs/commit-graph-chain",
        ])
        .output();
    let Ok(output) = output else { return false };
    output
        .stdout
        .split(|&b| b == b'\n')
        .filter(|p| !p.is_empty())
        .any(|p| root.join(std::ffi::OsStr::from_bytes(p)).exists())
}

/// Brings the repository's graph up to date with its refs (a new layer holds
/// only the commits added since the last refresh) and returns the object
/// directory to give git; `None` when the repository has its own graph or
/// ours cannot be written (git then works without it). Blocking.
pub fn refresh(root: &Path) -> Option<PathBuf> {
    if has_own_graph(root) {
        return None;
    }
    let objects = location(root)?;
    let ready = std::fs::create_dir_all(objects.join("info"))
        .and_then(|()| std::fs::create_dir_all(objects.join("pack")));
    if let Err(err) = ready {
        tracing::info!("no commit-graph for {}: {err}", root.display());
        return None;
    }
    let written = command_with(root, &["commitGraph.changedPathsVersion=2"], "commit-graph")
        .env("GIT_ALTERNATE_OBJECT_DIRECTORIES", &objects)
        .args([
            "write",
            "--reachable",
            "--changed-paths",
            "--split",
            "--no-progress",
            "--object-dir",
        ])
        .arg(&objects)
        .output();
    match written {
        Ok(out) if out.status.success() => Some(objects),
        Ok(out) => {
            tracing::info!(
                "no commit-graph for {}: {}",
                root.display(),
                first_message(&out.stderr)
            );
            None
        }
        Err(err) => {
            tracing::info!("no commit-graph for {}: {err}", root.display());
            None
        }
    }
}

//! A commit's details for hovers and `gitinspector.showCommit`: who, when,
//! the whole message, and what it did to one file.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::time::Duration;

use serde::Serialize;

use super::{command, first_message, output, output_capped, readable, HISTORY_TIMEOUT};

/// A hover waits this long at most (a huge commit's numstat).
pub const COMMIT_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CommitDetails {
    pub sha: String,
    pub author: String,
    pub email: String,
    pub author_time: i64,
    pub committer: String,
    pub committer_email: String,
    pub committer_time: i64,
    pub summary: String,
    pub message: String,
    pub parents: Vec<String>,
    /// What the commit did to the file asked about (against its first
    /// parent, renames followed); `None` when it did not touch it.
    pub file: Option<FileChange>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FileChange {
    pub path: String,
    pub insertions: u64,
    pub deletions: u64,
}

const FORMAT: &str = "--format=%H%x00%P%x00%aN%x00%aE%x00%at%x00%cN%x00%cE%x00%ct%x00%s%x00%B";

/// Details of commit `sha` in `root`; with `path` (relative, bytes), that
/// file's numstat in the commit.
pub async fn commit_details(
    root: &Path,
    sha: &str,
    path: Option<&Path>,
) -> Result<CommitDetails, String> {
    if sha.starts_with('-') || sha.is_empty() {
        return Err(format!("not a commit: {sha:?}"));
    }
    let mut show = command(root, "show");
    show.args(["-s", FORMAT, &format!("{sha}^{{commit}}"), "--"]);
    let what = format!("git show {sha}");
    let shown = output(show, &what, COMMIT_TIMEOUT).await?;
    if !shown.status.success() {
        return Err(format!("{what} failed: {}", first_message(&shown.stderr)));
    }
    let text = readable(&shown.stdout);
    let mut fields = text.splitn(10, '\0');
    let mut next = || fields.next().unwrap_or_default();
    let (full, parents, author, email, author_time) = (next(), next(), next(), next(), next());
    let (committer, committer_email, committer_time, summary, message) =
        (next(), next(), next(), next(), next());
    let mut details = CommitDetails {
        sha: full.to_owned(),
        author: author.to_owned(),
        email: email.to_owned(),
        author_time: author_time.parse().unwrap_or(0),
        committer: committer.to_owned(),
        committer_email: committer_email.to_owned(),
        committer_time: committer_time.parse().unwrap_or(0),
        summary: summary.to_owned(),
        message: message.trim_end_matches('\n').to_owned(),
        parents: parents.split_whitespace().map(str::to_owned).collect(),
        file: None,
    };
    if details.sha.len() < 40 {
        return Err(format!("cannot read commit {sha} in {}", root.display()));
    }
    if let Some(path) = path {
        let mut diff = command(root, "diff-tree");
        match details.parents.first() {
            Some(parent) => diff.args(["-r", "-M", "--numstat", "-z", parent, &details.sha]),
            None => diff.args([
                "--root",
                "--no-commit-id",
                "-r",
                "-M",
                "--numstat",
                "-z",
                &details.sha,
            ]),
        };
        let what = format!("git diff-tree {sha}");
        let changes = output(diff, &what, COMMIT_TIMEOUT).await?;
        if changes.status.success() {
            details.file = find_numstat(&changes.stdout, path);
        }
    }
    Ok(details)
}

/// The most bytes of a patch an answer holds (`fileDiff`, `diff`).
pub const MAX_DIFF_BYTES: usize = 512 << 10;
/// The most changed files an answer lists.
pub const MAX_FILES: usize = 10_000;
/// The most bytes of `--raw --numstat` output read for the file list.
const MAX_FILE_LIST_BYTES: usize = 16 << 20;

/// One file a commit changed (against its first parent, renames found).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ChangedFile {
    pub path: String,
    /// The name before a rename or copy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_path: Option<String>,
    /// git's status letter: A, M, D, R, C, T.
    pub status: String,
    pub insertions: u64,
    pub deletions: u64,
    /// The names as git has them (bytes), to name the file to git again.
    #[serde(skip)]
    pub git_path: Vec<u8>,
    #[serde(skip)]
    pub git_old_path: Option<Vec<u8>>,
}

/// The files a commit changed, at most `MAX_FILES`.
#[derive(Debug, Default)]
pub struct ChangedFiles {
    pub files: Vec<ChangedFile>,
    pub truncated: bool,
}

/// `diff-tree` against the first parent (`parent`), or, for a root
/// commit, against nothing.
fn diff_tree(root: &Path, sha: &str, parent: Option<&str>) -> std::process::Command {
    let mut cmd = command(root, "diff-tree");
    cmd.args(["--no-commit-id", "-r", "-M"]);
    match parent {
        Some(parent) => cmd.args([parent, sha]),
        None => cmd.args(["--root", sha]),
    };
    cmd
}

/// The files commit `sha` changed against its first parent `parent`
/// (`None`: a root commit): one `git diff-tree --raw --numstat -z`.
pub async fn changed_files(
    root: &Path,
    sha: &str,
    parent: Option<&str>,
) -> Result<ChangedFiles, String> {
    for rev in [Some(sha), parent].into_iter().flatten() {
        if !crate::repo::is_sha(rev) {
            return Err(format!("not a commit id: {rev:?}"));
        }
    }
    let mut cmd = diff_tree(root, sha, parent);
    cmd.args(["--raw", "--numstat", "-z"]);
    let what = format!("git diff-tree --raw --numstat {sha}");
    let out = output_capped(cmd, &what, HISTORY_TIMEOUT, MAX_FILE_LIST_BYTES).await?;
    if !out.success {
        return Err(format!("{what} failed: {}", first_message(&out.stderr)));
    }
    let mut files = parse_raw_numstat(&out.stdout);
    let truncated = out.truncated || files.len() > MAX_FILES;
    files.truncate(MAX_FILES);
    Ok(ChangedFiles { files, truncated })
}

/// `--raw --numstat -z` output: every raw record (`:modes ids STATUS\0path\0`,
/// two paths for a rename or copy), then every numstat row in the same
/// order (`ins\tdel\tpath\0`, or `ins\tdel\t\0old\0new\0`).
fn parse_raw_numstat(data: &[u8]) -> Vec<ChangedFile> {
    let mut files: Vec<ChangedFile> = Vec::new();
    let mut counts: Vec<(u64, u64, Vec<u8>)> = Vec::new();
    let mut tokens = data.split(|&b| b == 0);
    let count = |n: &[u8]| -> u64 {
        std::str::from_utf8(n)
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    while let Some(token) = tokens.next() {
        let token = token.strip_prefix(b"\n").unwrap_or(token);
        if token.first() == Some(&b':') {
            let status = token
                .rsplit(|&b| b == b' ')
                .next()
                .and_then(|s| s.first())
                .map(|&b| char::from(b))
                .unwrap_or('M');
            let (old, new) = match status {
                'R' | 'C' => (tokens.next().map(<[u8]>::to_vec), tokens.next()),
                _ => (None, tokens.next()),
            };
            let new = new.unwrap_or_default().to_vec();
            files.push(ChangedFile {
                path: readable(&new),
                old_path: old.as_deref().map(readable),
                status: status.to_string(),
                insertions: 0,
                deletions: 0,
                git_path: new,
                git_old_path: old,
            });
            continue;
        }
        let mut parts = token.splitn(3, |&b| b == b'\t');
        let (Some(ins), Some(del), Some(name)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let name = if name.is_empty() {
            let _old = tokens.next();
            tokens.next().unwrap_or_default()
        } else {
            name
        };
        counts.push((count(ins), count(del), name.to_vec()));
    }
    // Rows come in the raw records' order; look a row up by name otherwise.
    for (i, file) in files.iter_mut().enumerate() {
        let row = counts
            .get(i)
            .filter(|(_, _, name)| *name == file.git_path)
            .or_else(|| counts.iter().find(|(_, _, name)| *name == file.git_path));
        if let Some((ins, del, _)) = row {
            file.insertions = *ins;
            file.deletions = *del;
        }
    }
    files
}

/// A patch, at most `MAX_DIFF_BYTES` (cut at a line end).
#[derive(Debug, Default, Clone)]
pub struct Patch {
    pub text: String,
    pub truncated: bool,
}

/// The patch of commit `sha` against its first parent `parent` (`None`: a
/// root commit), of the whole commit or only of `paths` (a renamed file's
/// old and new name: the rename is shown as one change).
pub async fn patch(
    root: &Path,
    sha: &str,
    parent: Option<&str>,
    paths: Option<&[&[u8]]>,
) -> Result<Patch, String> {
    for rev in [Some(sha), parent].into_iter().flatten() {
        if !crate::repo::is_sha(rev) {
            return Err(format!("not a commit id: {rev:?}"));
        }
    }
    let mut cmd = diff_tree(root, sha, parent);
    cmd.arg("-p");
    if let Some(paths) = paths {
        cmd.arg("--");
        cmd.args(paths.iter().map(|p| OsStr::from_bytes(p)));
    }
    let what = format!("git diff-tree -p {sha}");
    let out = output_capped(cmd, &what, HISTORY_TIMEOUT, MAX_DIFF_BYTES).await?;
    if !out.success {
        return Err(format!("{what} failed: {}", first_message(&out.stderr)));
    }
    let bytes = match out.truncated {
        true => super::whole_lines(&out.stdout),
        false => &out.stdout,
    };
    Ok(Patch {
        text: readable(bytes),
        truncated: out.truncated,
    })
}

/// The name the file at `path` in `head` had in commit `sha`'s tree,
/// when a rename since then is found (`git diff-tree -M sha head`).
pub async fn name_in(root: &Path, sha: &str, head: &str, path: &Path) -> Option<Vec<u8>> {
    if !crate::repo::is_sha(sha) || !crate::repo::is_sha(head) {
        return None;
    }
    let mut cmd = command(root, "diff-tree");
    cmd.args(["-r", "-M", "--name-status", "-z", sha, head]);
    let what = format!("git diff-tree -M {sha} {head}");
    let out = output_capped(cmd, &what, HISTORY_TIMEOUT, MAX_FILE_LIST_BYTES)
        .await
        .ok()?;
    let want = path.as_os_str().as_bytes();
    let mut tokens = out.stdout.split(|&b| b == 0);
    while let Some(status) = tokens.next() {
        let status = status.strip_prefix(b"\n").unwrap_or(status);
        match status.first() {
            Some(b'R') => {
                let (old, new) = (tokens.next()?, tokens.next()?);
                if new == want {
                    return Some(old.to_vec());
                }
            }
            Some(b'C') => {
                let _ = (tokens.next(), tokens.next());
            }
            Some(_) => {
                let _ = tokens.next();
            }
            None => {}
        }
    }
    None
}

/// The numstat row of `path` in `git diff-tree --numstat -z` output
/// (`ins\tdel\tpath\0`, or `ins\tdel\t\0old\0new\0` for a rename).
fn find_numstat(data: &[u8], path: &Path) -> Option<FileChange> {
    let want = path.as_os_str().as_bytes();
    let mut fields = data.split(|&b| b == 0);
    while let Some(field) = fields.next() {
        let field = field.strip_prefix(b"\n").unwrap_or(field);
        let mut parts = field.splitn(3, |&b| b == b'\t');
        let (Some(ins), Some(del), Some(name)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let name = if name.is_empty() {
            let _old = fields.next();
            fields.next().unwrap_or_default()
        } else {
            name
        };
        if name == want {
            let count = |n: &[u8]| {
                std::str::from_utf8(n)
                    .ok()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(0)
            };
            return Some(FileChange {
                path: readable(OsStr::from_bytes(name).as_bytes()),
                insertions: count(ins),
                deletions: count(del),
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::git;

    #[tokio::test]
    async fn details_follow_renames_and_the_root_commit() {
        let tmp = std::env::temp_dir().join(format!("gil-commit-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir_all(&tmp).unwrap();
        git(&tmp, &["init", "-q", "-b", "main"]);
        std::fs::write(tmp.join("a.txt"), "one\ntwo\nthree\n").unwrap();
        git(&tmp, &["add", "."]);
        git(&tmp, &["commit", "-q", "-m", "root\n\nbody line"]);
        let root = git(&tmp, &["rev-parse", "HEAD"]);
        git(&tmp, &["mv", "a.txt", "b.txt"]);
        std::fs::write(tmp.join("b.txt"), "one\ntwo\nthree\nfour\n").unwrap();
        git(&tmp, &["commit", "-qam", "rename and grow"]);
        let head = git(&tmp, &["rev-parse", "HEAD"]);

        let d = commit_details(&tmp, &root, Some(Path::new("a.txt")))
            .await
            .unwrap();
        assert_eq!((d.sha.as_str(), d.author.as_str()), (root.as_str(), "Tess"));
        assert_eq!(
            (d.summary.as_str(), d.message.as_str()),
            ("root", "root\n\nbody line")
        );
        assert!(d.parents.is_empty());
        assert_eq!(d.file.map(|f| (f.insertions, f.deletions)), Some((3, 0)));

        let d = commit_details(&tmp, &head[..10], Some(Path::new("b.txt")))
            .await
            .unwrap();
        assert_eq!(d.sha, head, "a short sha names the full one");
        assert_eq!(d.parents, vec![root.clone()]);
        assert_eq!(d.file.map(|f| (f.insertions, f.deletions)), Some((1, 0)));
        let untouched = commit_details(&tmp, &head, Some(Path::new("other.txt")))
            .await
            .unwrap();
        assert_eq!(untouched.file, None);
        assert!(commit_details(&tmp, "0123456789abcdef", None)
            .await
            .is_err());
        assert!(commit_details(&tmp, "--help", None).await.is_err());
        std::fs::remove_dir_all(&tmp).unwrap();
    }

    #[test]
    fn raw_and_numstat_records_pair_up() {
        let z = "0".repeat(7);
        let data = format!(
            ":100644 100644 {z} {z} M\0a.txt\0:100644 100644 {z} {z} R087\0old.txt\0new.txt\0\
             :000000 100644 {z} {z} A\0logo.png\03\t1\ta.txt\01\t2\t\0old.txt\0new.txt\0-\t-\tlogo.png\0"
        );
        let files = parse_raw_numstat(data.as_bytes());
        let got: Vec<_> = files
            .iter()
            .map(|f| {
                (
                    f.path.as_str(),
                    f.old_path.as_deref(),
                    f.status.as_str(),
                    f.insertions,
                    f.deletions,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("a.txt", None, "M", 3, 1),
                ("new.txt", Some("old.txt"), "R", 1, 2),
                ("logo.png", None, "A", 0, 0),
            ]
        );
        assert!(parse_raw_numstat(b"").is_empty());
        assert!(parse_raw_numstat(b":junk\0").len() == 1);
    }

    #[test]
    fn numstat_rows_are_found_by_path_renamed_or_not() {
        let data = b"\n3\t1\ta.txt\x001\t0\t\x00old.txt\x00new.txt\x00-\t-\tlogo.png\x00";
        let change = |p: &str| find_numstat(data, Path::new(p));
        assert_eq!(change("a.txt").map(|c| c.insertions), Some(3));
        assert_eq!(
            change("new.txt").map(|c| (c.insertions, c.deletions)),
            Some((1, 0))
        );
        assert_eq!(change("old.txt"), None);
        assert_eq!(change("logo.png").map(|c| c.insertions), Some(0));
    }
}

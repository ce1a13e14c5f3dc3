//! A commit's details for hovers and `gitinspector.showCommit`: who, when,
//! the whole message, and what it did to one file.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::time::Duration;

use serde::Serialize;

use super::{command, first_message, output, readable};

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

//! `gitinspector-lsp blame FILE`: who last changed each line. The same git
//! run and porcelain parser as the editor's blame (`crate::git::blame`), and
//! the same ignore-revs file rule and default (`ignoreRevsFile`); no Python.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context};
use clap::Args;
use serde_json::{json, Value};

use super::Format;
use crate::git::blame::{
    blame_porcelain, load_ignore_revs, parse, resolve_commits, BlameError, BlameOptions,
    CommittedBlame, Resolved, MAX_COPY_MOVE,
};
use crate::repo::Repository;
use crate::server::config::DEFAULT_IGNORE_REVS_FILE;

#[derive(Args)]
pub struct BlameArgs {
    /// The file to blame.
    file: PathBuf,
    /// Revision to blame at.
    #[arg(long, default_value = "HEAD")]
    rev: String,
    /// Ignore whitespace changes (git blame -w).
    #[arg(long)]
    ignore_whitespace: bool,
    /// Copy/move detection: 0 none, 1 -M, 2 -C, 3 -C -C, 4 -C -C -C.
    #[arg(long = "copy-move", value_name = "LEVEL", default_value_t = 0,
          value_parser = clap::value_parser!(u8).range(0..=MAX_COPY_MOVE as i64))]
    copy_move: u8,
    /// A commit to look through (git blame --ignore-rev): its sha, or a
    /// prefix of it (repeatable).
    #[arg(long = "ignore-rev", value_name = "SHA")]
    ignore_revs: Vec<String>,
    /// File of commits to look through, one full sha a line, `#` starting a
    /// comment: relative to the repository's top, or absolute; "" for none
    /// [default: .git-blame-ignore-revs, when the repository has one].
    #[arg(long, value_name = "PATH", conflicts_with = "no_ignore_revs_file")]
    ignore_revs_file: Option<String>,
    /// Use no ignore-revs file.
    #[arg(long)]
    no_ignore_revs_file: bool,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

pub fn run(args: BlameArgs) -> anyhow::Result<()> {
    crate::logging::init("warn");
    let path = args
        .file
        .canonicalize()
        .with_context(|| format!("cannot open {}", args.file.display()))?;
    let repo = Repository::discover(&path)
        .ok_or_else(|| anyhow!("not inside a git repository: {}", path.display()))?;
    let relative = repo.relative(&path);
    let revision = resolve(&repo.root, &args.rev)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let options = BlameOptions {
        ignore_whitespace: args.ignore_whitespace,
        copy_move: args.copy_move,
        ignore_revs: runtime.block_on(ignored_revisions(&repo, &args))?,
    };
    let blame_run = blame_porcelain(&repo.root, &revision, &relative, &options);
    let output = match runtime.block_on(blame_run) {
        Ok(output) => output,
        Err(BlameError::NotTracked) => {
            bail!("{} is not tracked at {}", relative.display(), args.rev)
        }
        Err(BlameError::Failed(message)) => bail!(message),
    };
    let blame = parse(&output).map_err(|e| anyhow!("cannot read git blame output: {e}"))?;
    match args.format {
        Format::Json => {
            let value = to_json(&repo.root, &revision, &relative, &blame);
            println!("{}", serde_json::to_string_pretty(&value)?);
        }
        Format::Table => print_table(&blame),
    }
    Ok(())
}

/// The commits to look through: those of the ignore-revs file (the
/// editor's rule: a missing default file is no problem, a missing named one
/// a warning; entries that are not commits here are skipped with a warning)
/// and each `--ignore-rev` (one that names no commit is an error).
async fn ignored_revisions(repo: &Repository, args: &BlameArgs) -> anyhow::Result<Vec<String>> {
    let mut shas = Vec::new();
    let setting = args
        .ignore_revs_file
        .as_deref()
        .unwrap_or(DEFAULT_IGNORE_REVS_FILE);
    let file = match args.no_ignore_revs_file {
        true => None,
        false => repo.ignore_revs_file(setting),
    };
    if let Some(file) = file {
        let loaded = load_ignore_revs(&repo.root, &file, args.ignore_revs_file.is_none()).await;
        if let Some(problem) = &loaded.problem {
            eprintln!("gitinspector-lsp: warning: {problem}");
        }
        loaded.log_skipped(&file);
        shas.extend(loaded.shas);
    }
    for rev in &args.ignore_revs {
        if !(4..=64).contains(&rev.len()) || !rev.bytes().all(|b| b.is_ascii_hexdigit()) {
            bail!(
                "--ignore-rev {rev:?} is not a commit sha or a prefix of one (4 to 64 hex digits)"
            );
        }
    }
    let resolved = resolve_commits(&repo.root, &args.ignore_revs)
        .await
        .map_err(|e| anyhow!(e))?;
    for (rev, answer) in args.ignore_revs.iter().zip(resolved) {
        match answer {
            Resolved::Commit(sha) => shas.push(sha),
            Resolved::Ambiguous => {
                bail!("--ignore-rev {rev} is ambiguous in {}", repo.root.display())
            }
            Resolved::Unknown => {
                bail!(
                    "--ignore-rev {rev} names no commit in {}",
                    repo.root.display()
                )
            }
        }
    }
    shas.sort();
    shas.dedup();
    Ok(shas)
}

/// The commit `rev` names, in git's words when it names none.
fn resolve(root: &Path, rev: &str) -> anyhow::Result<String> {
    let output = crate::git::command(root, "rev-parse")
        .args(["--verify", "--end-of-options", &format!("{rev}^{{commit}}")])
        .output()
        .context("cannot run git")?;
    if !output.status.success() {
        bail!(
            "unknown revision {rev:?} in {}: {}",
            root.display(),
            crate::git::first_message(&output.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// Runs of lines per commit (`start_line` from 1), and the commits.
fn to_json(root: &Path, revision: &str, relative: &Path, blame: &CommittedBlame) -> Value {
    let mut hunks = Vec::new();
    let mut start = 1;
    for run in blame.line_commit.chunk_by(|a, b| a == b) {
        let sha = run
            .first()
            .and_then(|&i| blame.commits.get(i as usize))
            .map(|c| c.sha.as_str())
            .unwrap_or_default();
        hunks.push(json!({"start_line": start, "line_count": run.len(), "commit": sha}));
        start += run.len();
    }
    let commits: Vec<Value> = blame
        .commits
        .iter()
        .map(|c| {
            json!({
                "sha": c.sha,
                "author": c.author,
                "email": c.email,
                "author_time": c.author_time,
                "committer_time": c.committer_time,
                "summary": c.summary,
            })
        })
        .collect();
    json!({
        "repository": crate::git::readable_path(root),
        "revision": revision,
        "path": crate::git::readable_path(relative),
        "lines": blame.line_commit.len(),
        "hunks": hunks,
        "commits": commits,
    })
}

fn print_table(blame: &CommittedBlame) {
    let author_width = blame
        .commits
        .iter()
        .map(|c| c.author.chars().count())
        .max()
        .unwrap_or(0);
    let texts = blame.lines_like("");
    for (n, (&index, text)) in blame.line_commit.iter().zip(texts).enumerate() {
        let Some(commit) = blame.commits.get(index as usize) else {
            continue;
        };
        let sha = commit.sha.get(..8).unwrap_or(&commit.sha);
        let date = format_date(commit.author_time);
        let (author, line) = (&commit.author, n + 1);
        println!("{sha} ({author:<author_width$} {date} {line:>5}) {text}");
    }
}

/// `YYYY-MM-DD` in UTC, from a unix timestamp.
fn format_date(timestamp: i64) -> String {
    chrono::DateTime::from_timestamp(timestamp, 0)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_unix_dates() {
        assert_eq!(super::format_date(0), "1970-01-01");
        assert_eq!(super::format_date(951_782_400), "2000-02-29");
    }
}

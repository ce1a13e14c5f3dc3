//! `gitinspector-lsp blame FILE`: who last changed each line.

use std::path::Path;

use anyhow::{bail, Context};
use clap::Args;
use serde_json::{json, Value};

use super::{start_engine, Format};
use crate::engine::CallHooks;

#[derive(Args)]
pub struct BlameArgs {
    /// The file to blame.
    file: String,
    /// Revision to blame at.
    #[arg(long, default_value = "HEAD")]
    rev: String,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

pub fn run(args: BlameArgs) -> anyhow::Result<()> {
    let path = Path::new(&args.file)
        .canonicalize()
        .with_context(|| format!("cannot open {}", args.file))?;
    let engine = start_engine()?;
    let none = CallHooks::default();
    let path_str = path.to_string_lossy().into_owned();
    let repo = engine
        .call("find_repository", &[json!(path_str)], &none)
        .map_err(|e| anyhow::anyhow!(e))?;
    let (Some(root), Some(relative)) = (
        repo.get("root").and_then(Value::as_str),
        repo.get("relative_path").and_then(Value::as_str),
    ) else {
        bail!("not inside a git repository: {}", path.display());
    };
    let blame = engine
        .call(
            "blame_file",
            &[
                json!(root),
                json!(relative),
                json!(args.rev),
                Value::Null,
                json!(args.format == Format::Table),
            ],
            &none,
        )
        .map_err(|e| anyhow::anyhow!(e))?;
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&blame)?),
        Format::Table => print_blame(&blame).context("unexpected engine result")?,
    }
    Ok(())
}

fn print_blame(blame: &Value) -> Option<()> {
    let commits: std::collections::HashMap<&str, &Value> = blame
        .get("commits")?
        .as_array()?
        .iter()
        .filter_map(|c| Some((c.get("sha")?.as_str()?, c)))
        .collect();
    let texts = blame.get("texts").and_then(Value::as_array);
    let author_width = commits
        .values()
        .filter_map(|c| c.get("author")?.as_str().map(|a| a.chars().count()))
        .max()
        .unwrap_or(0);
    for hunk in blame.get("hunks")?.as_array()? {
        let start = hunk.get("start_line")?.as_u64()?;
        let count = hunk.get("line_count")?.as_u64()?;
        let sha = hunk.get("commit")?.as_str()?;
        let commit = commits.get(sha)?;
        let author = commit.get("author")?.as_str()?;
        let date = commit
            .get("author_time")
            .and_then(Value::as_i64)
            .map(format_date)
            .unwrap_or_default();
        for line in start..start + count {
            let text = texts
                .and_then(|t| t.get(line as usize - 1))
                .and_then(Value::as_str)
                .unwrap_or("");
            println!(
                "{} ({author:<author_width$} {date} {line:>5}) {text}",
                sha.get(..8).unwrap_or(sha)
            );
        }
    }
    Some(())
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

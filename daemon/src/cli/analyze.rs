//! `gitinspector-lsp analyze PATH...`: the authors table, or the full result as JSON.

use std::io::IsTerminal;
use std::sync::Arc;

use anyhow::Context;
use clap::Args;
use comfy_table::{presets, CellAlignment, Table};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{json, Map, Value};

use super::{start_engine, Format};
use crate::engine::CallHooks;

#[derive(Args)]
pub struct AnalyzeArgs {
    /// Repositories (or folders inside them) to analyze.
    #[arg(required = true)]
    paths: Vec<String>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Also print the files table.
    #[arg(long)]
    files: bool,
    /// Revision to analyze.
    #[arg(long)]
    rev: Option<String>,
    /// Analyze only the N files with the most lines (0 = all).
    #[arg(long = "n-files")]
    n_files: Option<u64>,
    /// Only files matching this glob (repeatable).
    #[arg(long = "include")]
    include_files: Vec<String>,
    /// Skip files matching this glob (repeatable).
    #[arg(long = "exclude")]
    ex_files: Vec<String>,
    /// File extensions to analyze, without dots (repeatable; default: all).
    #[arg(long = "extension")]
    extensions: Vec<String>,
    /// Leave out authors whose name matches this glob (repeatable).
    #[arg(long = "ex-author")]
    ex_authors: Vec<String>,
    /// Leave out authors whose email matches this glob (repeatable).
    #[arg(long = "ex-email")]
    ex_emails: Vec<String>,
    /// Ignore commits whose sha starts with this (repeatable).
    #[arg(long = "ex-revision")]
    ex_revisions: Vec<String>,
    /// Only history since this date (git log --since).
    #[arg(long)]
    since: Option<String>,
    /// Only history until this date (git log --until).
    #[arg(long)]
    until: Option<String>,
    /// Blame copy/move detection: 0 none, 1 -M, 2 -C, 3 -C -C, 4 -C -C -C.
    #[arg(long = "copy-move")]
    copy_move: Option<u8>,
    /// Ignore whitespace changes in blame (git blame -w).
    #[arg(long)]
    ignore_whitespace: bool,
    /// Do not count comment lines.
    #[arg(long)]
    no_comments: bool,
    /// Do not count empty lines.
    #[arg(long)]
    no_empty_lines: bool,
    /// Parallel git processes (default: number of cores).
    #[arg(long)]
    workers: Option<u32>,
}

impl AnalyzeArgs {
    /// Only what the user set: the engine's defaults stay the engine's.
    fn settings(&self) -> Value {
        let mut s = Map::new();
        s.insert("input_fstrs".into(), json!(self.paths));
        let mut set = |key: &str, value: Value| {
            s.insert(key.into(), value);
        };
        if let Some(rev) = &self.rev {
            set("rev", json!(rev));
        }
        if let Some(n) = self.n_files {
            set("n_files", json!(n));
        }
        for (key, list) in [
            ("include_files", &self.include_files),
            ("ex_files", &self.ex_files),
            ("extensions", &self.extensions),
            ("ex_authors", &self.ex_authors),
            ("ex_emails", &self.ex_emails),
            ("ex_revisions", &self.ex_revisions),
        ] {
            if !list.is_empty() {
                set(key, json!(list));
            }
        }
        if let Some(since) = &self.since {
            set("since", json!(since));
        }
        if let Some(until) = &self.until {
            set("until", json!(until));
        }
        if let Some(level) = self.copy_move {
            set("copy_move", json!(level));
        }
        if self.ignore_whitespace {
            set("whitespace", json!(false));
        }
        if self.no_comments {
            set("comments", json!(false));
        }
        if self.no_empty_lines {
            set("empty_lines", json!(false));
        }
        if let Some(workers) = self.workers {
            set("max_workers", json!(workers));
        }
        Value::Object(s)
    }
}

pub fn run(args: AnalyzeArgs) -> anyhow::Result<()> {
    let engine = start_engine()?;
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new(0);
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} files {msg}") {
            bar.set_style(style);
        }
        bar
    });
    let hooks = CallHooks {
        progress: bar.clone().map(|bar| {
            Arc::new(move |done, total, _message: &str| {
                bar.set_length(total);
                bar.set_position(done);
            }) as crate::engine::ProgressFn
        }),
        cancel: None,
    };
    let result = engine.call("execute_analysis", &[args.settings()], &hooks);
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let result = result.map_err(|e| anyhow::anyhow!(e))?;
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&result)?),
        Format::Table => print_tables(&result, args.files).context("unexpected engine result")?,
    }
    Ok(())
}

fn print_tables(result: &Value, with_files: bool) -> Option<()> {
    for repo in result.get("repositories")?.as_array()? {
        let revision = repo.get("revision")?.as_str()?;
        println!(
            "{} ({}) at {}",
            repo.get("name")?.as_str()?,
            repo.get("path")?.as_str()?,
            revision.get(..12).unwrap_or(revision)
        );
        // What a reader of these numbers must know (a shallow clone's cut history).
        for warning in repo
            .get("warnings")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            println!("note: {}", warning.as_str().unwrap_or_default());
        }
        let authors = repo.get("authors")?.as_array()?;
        println!(
            "{}",
            table(
                &[
                    ("Author", "name", Kind::Text),
                    ("Email", "email", Kind::Text),
                    ("Commits", "commits", Kind::Int),
                    ("Insertions", "insertions", Kind::Int),
                    ("Deletions", "deletions", Kind::Int),
                    ("Lines", "lines", Kind::Int),
                    ("Lines %", "lines_pct", Kind::Pct),
                    ("Stability", "stability", Kind::Pct),
                    ("Age (days)", "age", Kind::Pct),
                    ("Files", "files", Kind::Int),
                ],
                authors,
            )
        );
        if with_files {
            println!(
                "{}",
                table(
                    &[
                        ("File", "path", Kind::Text),
                        ("Lines", "lines", Kind::Int),
                        ("Commits", "commits", Kind::Int),
                        ("Insertions", "insertions", Kind::Int),
                        ("Deletions", "deletions", Kind::Int),
                        ("Authors", "authors", Kind::Int),
                        ("Top author", "top_author", Kind::Text),
                    ],
                    repo.get("files")?.as_array()?,
                )
            );
        }
    }
    Some(())
}

#[derive(Clone, Copy)]
enum Kind {
    Text,
    Int,
    Pct,
}

fn table(columns: &[(&str, &str, Kind)], rows: &[Value]) -> Table {
    let mut table = Table::new();
    table.load_preset(presets::NOTHING);
    table.set_header(columns.iter().map(|(title, _, _)| *title));
    for row in rows {
        table.add_row(columns.iter().map(|(_, key, kind)| {
            let v = &row[*key];
            match (kind, v) {
                (_, Value::Null) => String::new(),
                (Kind::Pct, Value::Number(n)) => format!("{:.1}", n.as_f64().unwrap_or(0.0)),
                (_, Value::String(s)) => s.clone(),
                (_, other) => other.to_string(),
            }
        }));
    }
    for (i, (_, _, kind)) in columns.iter().enumerate() {
        if !matches!(kind, Kind::Text) {
            if let Some(col) = table.column_mut(i) {
                col.set_cell_alignment(CellAlignment::Right);
            }
        }
    }
    table
}

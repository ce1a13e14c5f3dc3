//! `gitinspector-lsp analyze PATH...`: the analysis as a report, in any of
//! the engine's formats (`gigui.report`: the one renderer the editors use
//! too), on stdout or in files.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{json, Map, Value};

use super::{error_line, start_engine, Reported};
use crate::engine::CallHooks;

/// The report formats of `gigui.report`.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ReportFormat {
    Table,
    Json,
    Csv,
    Markdown,
    Html,
    Excel,
}

impl ReportFormat {
    fn name(self) -> &'static str {
        match self {
            ReportFormat::Table => "table",
            ReportFormat::Json => "json",
            ReportFormat::Csv => "csv",
            ReportFormat::Markdown => "markdown",
            ReportFormat::Html => "html",
            ReportFormat::Excel => "excel",
        }
    }
}

#[derive(Args)]
pub struct AnalyzeArgs {
    /// Repositories, folders inside them, or folders holding repositories
    /// (searched down to --depth).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// `table`: per repository the authors, files, authors × files and
    /// files × authors tables (and the timeline with --timeline); `json`: the
    /// engine's whole result; `csv`: one file per table (or --table);
    /// `markdown`; `html`: one self-contained page with blame tabs; `excel`:
    /// an .xlsx (needs --output). The exit status is 1 when any path failed.
    #[arg(long, value_enum, default_value = "table")]
    format: ReportFormat,
    /// Write the report to this file instead of stdout (csv without --table:
    /// a folder, or a name each table's file is named after).
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<String>,
    /// csv, markdown: only this table (authors, files, authors_files,
    /// files_authors, timeline).
    #[arg(long, value_name = "NAME")]
    table: Option<String>,
    /// html, excel: give this file a blame tab (repeatable; default: the
    /// files with the most lines, see --blame-top).
    #[arg(long = "blame-file", value_name = "PATH")]
    blame_files: Vec<String>,
    /// html, excel: how many files (with the most lines) get a blame tab
    /// (default 10).
    #[arg(long, value_name = "N")]
    blame_top: Option<u64>,
    /// No effect (the files table is always printed); kept for old scripts.
    #[arg(long = "files", hide = true)]
    _files: bool,
    /// Revision to analyze.
    #[arg(long)]
    rev: Option<String>,
    /// How deep a folder that is not a repository is searched for
    /// repositories.
    #[arg(long, value_name = "N")]
    depth: Option<u32>,
    /// Analyze only this folder of each repository.
    #[arg(long, value_name = "PATH")]
    subfolder: Option<String>,
    /// Also print the tables of all repositories together, titled "combined".
    #[arg(long)]
    combined: bool,
    /// Analyze only the N files with the most lines (0 = all).
    #[arg(long = "n-files", value_name = "N")]
    n_files: Option<u64>,
    /// Only files matching this glob (repeatable).
    #[arg(long = "include", value_name = "GLOB")]
    include_files: Vec<String>,
    /// Skip files matching this glob (repeatable).
    #[arg(long = "exclude", value_name = "GLOB")]
    ex_files: Vec<String>,
    /// File extensions to analyze, without dots (repeatable; default: all).
    #[arg(long = "extension", value_name = "EXT")]
    extensions: Vec<String>,
    /// Leave out authors whose name matches this glob (repeatable).
    #[arg(long = "ex-author", value_name = "GLOB")]
    ex_authors: Vec<String>,
    /// Leave out authors whose email matches this glob (repeatable).
    #[arg(long = "ex-email", value_name = "GLOB")]
    ex_emails: Vec<String>,
    /// Ignore commits whose sha starts with this (repeatable).
    #[arg(long = "ex-revision", value_name = "SHA")]
    ex_revisions: Vec<String>,
    /// Do not count commits whose subject matches this glob (repeatable;
    /// case-insensitive; blame is unaffected).
    #[arg(long = "ex-message", value_name = "GLOB")]
    ex_messages: Vec<String>,
    /// Only history since this date (git log --since).
    #[arg(long)]
    since: Option<String>,
    /// Only history until this date (git log --until).
    #[arg(long)]
    until: Option<String>,
    /// Blame copy/move detection: 0 none, 1 -M, 2 -C, 3 -C -C, 4 -C -C -C.
    #[arg(long = "copy-move", value_name = "LEVEL")]
    copy_move: Option<u8>,
    /// Ignore whitespace changes in blame (git blame -w).
    #[arg(long)]
    ignore_whitespace: bool,
    /// Revisions file for blame to ignore (git blame --ignore-revs-file).
    #[arg(long, value_name = "PATH", conflicts_with = "no_ignore_revs_file")]
    ignore_revs_file: Option<String>,
    /// Use no ignore-revs file, not even the repository's
    /// .git-blame-ignore-revs.
    #[arg(long)]
    no_ignore_revs_file: bool,
    /// Do not count comment lines.
    #[arg(long)]
    no_comments: bool,
    /// Do not count empty lines.
    #[arg(long)]
    no_empty_lines: bool,
    /// Also show percentages scaled to the number of authors (100 = an
    /// equal share).
    #[arg(long)]
    scaled_percentages: bool,
    /// Show the former names of renamed files and every name and email of
    /// each author.
    #[arg(long)]
    show_renames: bool,
    /// Leave out the deletions columns.
    #[arg(long)]
    no_deletions: bool,
    /// Sort the authors and files tables by this column (largest first;
    /// names, emails and paths A-Z): lines (the default), commits,
    /// insertions, deletions, stability, age, files, authors, name, email,
    /// path.
    #[arg(long, value_name = "COLUMN")]
    sort_by: Option<String>,
    /// Keep only the first N authors and files (and their rows of the
    /// authors × files tables); totals still cover everything.
    #[arg(long, value_name = "N")]
    top: Option<u64>,
    /// Also print commits, insertions and deletions per period and author.
    #[arg(long)]
    timeline: bool,
    /// The timeline's period (default: month; implies --timeline).
    #[arg(long, value_name = "PERIOD", value_parser = ["week", "month", "quarter", "year"])]
    period: Option<String>,
    /// A cold run: do not start from the analysis state earlier runs saved
    /// (it is still saved for the next run).
    #[arg(long)]
    no_cache: bool,
    /// Parallel git processes (default: number of cores).
    #[arg(long, value_name = "N")]
    workers: Option<u32>,
}

impl AnalyzeArgs {
    /// Only what the user set: the engine's defaults stay the engine's.
    fn settings(&self) -> Value {
        let mut s = Map::new();
        // Readable here; the engine gets the paths themselves (CallHooks::input_paths).
        let shown: Vec<String> = self
            .paths
            .iter()
            .map(|p| crate::git::readable_path(p))
            .collect();
        s.insert("input_fstrs".into(), json!(shown));
        let mut set = |key: &str, value: Value| {
            s.insert(key.into(), value);
        };
        if let Some(rev) = &self.rev {
            set("rev", json!(rev));
        }
        if let Some(depth) = self.depth {
            set("depth", json!(depth));
        }
        if let Some(subfolder) = &self.subfolder {
            set("subfolder", json!(subfolder));
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
            ("ex_messages", &self.ex_messages),
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
        if let Some(path) = &self.ignore_revs_file {
            set("ignore_revs_file", json!(path));
        }
        if self.no_ignore_revs_file {
            set("ignore_revs_file", json!(""));
        }
        if self.no_comments {
            set("comments", json!(false));
        }
        if self.no_empty_lines {
            set("empty_lines", json!(false));
        }
        for (key, on) in [
            ("combined", self.combined),
            ("scaled_percentages", self.scaled_percentages),
            ("show_renames", self.show_renames),
            ("timeline", self.timeline || self.period.is_some()),
        ] {
            if on {
                set(key, json!(true));
            }
        }
        if self.no_deletions {
            set("deletions", json!(false));
        }
        if self.no_cache {
            set("cache", json!(false));
        }
        if let Some(column) = &self.sort_by {
            set("sort_by", json!(column));
        }
        if let Some(top) = self.top {
            set("top", json!(top));
        }
        if let Some(period) = &self.period {
            set("timeline_period", json!(period));
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
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} {wide_msg}") {
            bar.set_style(style);
        }
        bar
    });
    let hooks = CallHooks {
        progress: bar.clone().map(|bar| {
            Arc::new(move |done, total, message: &str| {
                bar.set_length(total);
                bar.set_position(done);
                bar.set_message(message.to_owned());
            }) as crate::engine::ProgressFn
        }),
        cancel: None,
        input_paths: Some(args.paths.clone()),
    };
    let result = engine.call("render_report", &[args.request()], &hooks);
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let result = result.map_err(|e| anyhow::anyhow!(e))?;
    if let Some(content) = result.get("content").and_then(Value::as_str) {
        let mut out = std::io::stdout().lock();
        out.write_all(content.as_bytes())?;
        out.flush()?;
    }
    for file in result
        .get("files")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        eprintln!("wrote {}", file.as_str().unwrap_or_default());
    }
    let loads = result
        .get("saved_state_loads")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    if loads > 0 {
        eprintln!(
            "gitinspector-lsp: started from the analysis state an earlier run saved \
             (--no-cache for a cold run)"
        );
    }
    // The paths that failed, after the report of those that worked.
    let failed = failures(&result);
    for (path, error) in &failed {
        if error.contains(path.as_str()) {
            error_line(error);
        } else {
            error_line(format_args!("{path}: {error}"));
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Reported.into())
    }
}

impl AnalyzeArgs {
    /// The engine's `render_report` request: the settings and the report
    /// options.
    fn request(&self) -> Value {
        let mut request = self.settings();
        if let Value::Object(map) = &mut request {
            map.insert("format".into(), json!(self.format.name()));
            if let Some(output) = &self.output {
                map.insert("output".into(), json!(output));
            }
            if let Some(table) = &self.table {
                map.insert("table".into(), json!(table));
            }
            if !self.blame_files.is_empty() {
                map.insert("blame_files".into(), json!(self.blame_files));
            }
            if let Some(top) = self.blame_top {
                map.insert("blame_top".into(), json!(top));
            }
            let colour = self.format == ReportFormat::Table
                && self.output.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            map.insert("colour".into(), json!(colour));
        }
        request
    }
}

/// The paths the engine could not analyze, each with its error on one line.
fn failures(result: &Value) -> Vec<(String, String)> {
    let text = |v: Option<&Value>| match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    };
    result
        .get("errors")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|e| {
            let error = text(e.get("error"));
            let one_line: Vec<&str> = error
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect();
            (text(e.get("path")), one_line.join(" "))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: AnalyzeArgs,
    }

    fn settings(argv: &[&str]) -> Value {
        let cli = Cli::try_parse_from(std::iter::once("analyze").chain(argv.iter().copied()))
            .expect("arguments parse");
        cli.args.settings()
    }

    #[test]
    fn only_the_flags_given_become_settings() {
        assert_eq!(settings(&["."]), json!({"input_fstrs": ["."]}));
        assert_eq!(
            settings(&[
                ".",
                "--depth",
                "2",
                "--subfolder",
                "src",
                "--combined",
                "--ignore-revs-file",
                "revs.txt",
                "--ex-message",
                "wip*",
                "--ex-message",
                "fixup*",
                "--scaled-percentages",
                "--show-renames",
                "--no-deletions",
                "--sort-by",
                "commits",
                "--top",
                "5",
                "--period",
                "week",
                "--files",
            ]),
            json!({
                "input_fstrs": ["."],
                "depth": 2,
                "subfolder": "src",
                "combined": true,
                "ignore_revs_file": "revs.txt",
                "ex_messages": ["wip*", "fixup*"],
                "scaled_percentages": true,
                "show_renames": true,
                "deletions": false,
                "sort_by": "commits",
                "top": 5,
                "timeline": true,
                "timeline_period": "week",
            })
        );
        assert_eq!(
            settings(&[".", "--no-ignore-revs-file", "--timeline"]),
            json!({"input_fstrs": ["."], "ignore_revs_file": "", "timeline": true})
        );
    }

    #[test]
    fn refuses_contradicting_or_unknown_values() {
        let parse = |argv: &[&str]| {
            Cli::try_parse_from(std::iter::once("analyze").chain(argv.iter().copied())).is_ok()
        };
        assert!(!parse(&[
            ".",
            "--ignore-revs-file",
            "x",
            "--no-ignore-revs-file"
        ]));
        assert!(!parse(&[".", "--period", "day"]));
    }
}

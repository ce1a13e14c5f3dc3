//! `gitinspector-lsp analyze PATH...`: per repository the authors, files,
//! authors × files and files × authors tables (and the timeline when asked),
//! or the full result as JSON.

use std::io::IsTerminal;
use std::sync::Arc;

use anyhow::Context;
use clap::Args;
use comfy_table::{presets, Attribute, Cell, CellAlignment, Color, Table};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{json, Map, Value};

use super::{error_line, start_engine, Format, Reported};
use crate::engine::CallHooks;

#[derive(Args)]
pub struct AnalyzeArgs {
    /// Repositories, folders inside them, or folders holding repositories
    /// (searched down to --depth).
    #[arg(required = true)]
    paths: Vec<String>,
    /// `table`: per repository the authors, files, authors × files and
    /// files × authors tables (and the timeline with --timeline); `json`: the
    /// engine's whole result. The exit status is 1 when any path failed.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
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
    /// Use no ignore-revs file, not even the repository's configured one.
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
    /// Parallel git processes (default: number of cores).
    #[arg(long, value_name = "N")]
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
    };
    let result = engine.call("execute_analysis", &[args.settings()], &hooks);
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let result = result.map_err(|e| anyhow::anyhow!(e))?;
    let printed = match args.format {
        Format::Json => {
            println!("{}", serde_json::to_string_pretty(&result)?);
            Ok(())
        }
        Format::Table => {
            let colour = std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            print_result(&result, colour).context("unexpected engine result")
        }
    };
    // The paths that failed, after the tables of those that worked.
    let failed = failures(&result);
    for (path, error) in &failed {
        error_line(format_args!("{path}: {error}"));
    }
    printed?;
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Reported.into())
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

fn print_result(result: &Value, colour: bool) -> Option<()> {
    let repositories = result.get("repositories")?.as_array()?;
    let combined = result.get("combined").filter(|c| c.is_object());
    let mut blocks: Vec<String> = Vec::new();
    for repo in repositories {
        let revision = repo.get("revision")?.as_str()?;
        let title = format!(
            "{} ({}) at {}",
            repo.get("name")?.as_str()?,
            repo.get("path")?.as_str()?,
            revision.get(..12).unwrap_or(revision)
        );
        blocks.push(repository(title, repo, colour)?);
    }
    if let Some(combined) = combined {
        blocks.push(repository("combined".into(), combined, colour)?);
    }
    if !blocks.is_empty() {
        println!("{}", blocks.join("\n\n"));
    }
    Some(())
}

/// One repository's header, notes and tables, blocks apart by blank lines.
fn repository(title: String, repo: &Value, colour: bool) -> Option<String> {
    let mut head = vec![title];
    // What a reader of these numbers must know (a shallow clone's cut history).
    for warning in repo
        .get("warnings")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        head.push(format!("note: {}", warning.as_str().unwrap_or_default()));
    }
    let mut blocks = vec![head.join("\n")];
    let show_renames = repo
        .get("settings")
        .and_then(|s| s.get("show_renames"))
        .and_then(Value::as_bool)
        .unwrap_or(false)
        || rows(repo, "files").any(|f| f.get("renamed_from").is_some());
    let tables: [(&str, &str, &[Column]); 4] = [
        ("Authors", "authors", AUTHORS),
        ("Files", "files", FILES),
        ("Authors × files", "authors_files", AUTHORS_FILES),
        ("Files × authors", "files_authors", FILES_AUTHORS),
    ];
    for (name, key, columns) in tables {
        if let Some(rows) = repo.get(key) {
            blocks.push(titled(
                name,
                columns,
                rows.as_array()?,
                show_renames,
                colour,
            ));
        }
    }
    if let Some(timeline) = repo.get("timeline").filter(|t| t.is_object()) {
        let period = timeline
            .get("period")
            .and_then(Value::as_str)
            .unwrap_or("period");
        let rows = timeline.get("rows")?.as_array()?;
        let name = format!("Timeline by {period}");
        blocks.push(titled(&name, TIMELINE, rows, show_renames, colour));
    }
    Some(blocks.join("\n\n"))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Int,
    /// One decimal: percentages, stability, age in days.
    Decimal,
    /// A list of strings, joined with ", ".
    List,
}

struct Column {
    title: &'static str,
    key: &'static str,
    kind: Kind,
    show: Show,
}

/// When a column whose key the rows have is printed.
#[derive(Clone, Copy)]
enum Show {
    Always,
    /// With --show-renames (a file's former paths).
    Renames,
    /// With --show-renames, when some row's list holds more than the value
    /// of this key (an author's names beyond the name shown).
    Aliases(&'static str),
}

const fn col(title: &'static str, key: &'static str, kind: Kind) -> Column {
    Column {
        title,
        key,
        kind,
        show: Show::Always,
    }
}

/// A list shown with --show-renames.
const fn list(title: &'static str, key: &'static str, show: Show) -> Column {
    Column {
        title,
        key,
        kind: Kind::List,
        show,
    }
}

/// Whether ROW's list KEY holds more than its OWN value.
fn has_aliases(row: &Value, key: &str, own: &str) -> bool {
    let own = row.get(own);
    row.get(key)
        .and_then(Value::as_array)
        .is_some_and(|items| items.iter().any(|item| Some(item) != own))
}

// A column is printed when its key is in the rows: deletions vanish without
// them, scaled percentages, renames and lines before --since appear with them.
const AUTHORS: &[Column] = &[
    col("Author", "name", Kind::Text),
    col("Email", "email", Kind::Text),
    col("Commits", "commits", Kind::Int),
    col("Insertions", "insertions", Kind::Int),
    col("Insertions %", "insertions_pct", Kind::Decimal),
    col("Scaled ins. %", "scaled_insertions_pct", Kind::Decimal),
    col("Deletions", "deletions", Kind::Int),
    col("Lines", "lines", Kind::Int),
    col("Lines %", "lines_pct", Kind::Decimal),
    col("Scaled lines %", "scaled_lines_pct", Kind::Decimal),
    col("Stability", "stability", Kind::Decimal),
    col("Age (days)", "age", Kind::Decimal),
    col("Files", "files", Kind::Int),
    list("Names", "names", Show::Aliases("name")),
    list("Emails", "emails", Show::Aliases("email")),
];

const FILES: &[Column] = &[
    col("File", "path", Kind::Text),
    col("Lines", "lines", Kind::Int),
    col("Lines %", "lines_pct", Kind::Decimal),
    col("Lines before since", "lines_before_since", Kind::Int),
    col("Commits", "commits", Kind::Int),
    col("Insertions", "insertions", Kind::Int),
    col("Insertions %", "insertions_pct", Kind::Decimal),
    col("Deletions", "deletions", Kind::Int),
    col("Stability", "stability", Kind::Decimal),
    col("Age (days)", "age", Kind::Decimal),
    col("Authors", "authors", Kind::Int),
    col("Top author", "top_author", Kind::Text),
    list("Renamed from", "renamed_from", Show::Renames),
];

const AUTHORS_FILES: &[Column] = &[
    col("Author", "author", Kind::Text),
    col("Email", "email", Kind::Text),
    col("File", "path", Kind::Text),
    col("Lines", "lines", Kind::Int),
    col("% of file", "lines_pct", Kind::Decimal),
    col("Commits", "commits", Kind::Int),
    col("Insertions", "insertions", Kind::Int),
    col("Deletions", "deletions", Kind::Int),
    col("Stability", "stability", Kind::Decimal),
];

const FILES_AUTHORS: &[Column] = &[
    col("File", "path", Kind::Text),
    col("Author", "author", Kind::Text),
    col("Email", "email", Kind::Text),
    col("Lines", "lines", Kind::Int),
    col("% of file", "lines_pct", Kind::Decimal),
    col("Commits", "commits", Kind::Int),
    col("Insertions", "insertions", Kind::Int),
    col("Deletions", "deletions", Kind::Int),
    col("Stability", "stability", Kind::Decimal),
];

const TIMELINE: &[Column] = &[
    col("Period", "period", Kind::Text),
    col("Author", "author", Kind::Text),
    col("Email", "email", Kind::Text),
    col("Commits", "commits", Kind::Int),
    col("Insertions", "insertions", Kind::Int),
    col("Deletions", "deletions", Kind::Int),
];

fn rows<'a>(repo: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    repo.get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

/// A one-line title, then the table (or "(none)").
fn titled(name: &str, columns: &[Column], rows: &[Value], renames: bool, colour: bool) -> String {
    let title = if colour {
        format!("\x1b[1m{name}\x1b[0m")
    } else {
        name.to_owned()
    };
    if rows.is_empty() {
        return format!("{title}\n(none)");
    }
    let shown: Vec<&Column> = columns
        .iter()
        .filter(|c| rows.iter().any(|r| r.get(c.key).is_some()))
        .filter(|c| match c.show {
            Show::Always => true,
            Show::Renames => renames,
            Show::Aliases(own) => renames && rows.iter().any(|r| has_aliases(r, c.key, own)),
        })
        .collect();
    format!("{title}\n{}", table(&shown, rows, colour))
}

fn table(columns: &[&Column], rows: &[Value], colour: bool) -> Table {
    let mut table = Table::new();
    table.load_preset(presets::NOTHING);
    if colour {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    table.set_header(columns.iter().map(|c| {
        let cell = Cell::new(c.title);
        if colour {
            cell.add_attribute(Attribute::Bold).fg(Color::Cyan)
        } else {
            cell
        }
    }));
    for row in rows {
        table.add_row(columns.iter().map(|c| cell_text(row.get(c.key), c.kind)));
    }
    for (i, c) in columns.iter().enumerate() {
        if matches!(c.kind, Kind::Int | Kind::Decimal) {
            if let Some(column) = table.column_mut(i) {
                column.set_cell_alignment(CellAlignment::Right);
            }
        }
    }
    table
}

fn cell_text(value: Option<&Value>, kind: Kind) -> String {
    match (kind, value) {
        (_, None | Some(Value::Null)) => String::new(),
        (Kind::Decimal, Some(Value::Number(n))) => match n.as_f64() {
            Some(x) => format!("{x:.1}"),
            None => n.to_string(),
        },
        (_, Some(Value::String(s))) => s.clone(),
        (_, Some(Value::Array(items))) => items
            .iter()
            .map(|item| match item {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", "),
        (_, Some(other)) => other.to_string(),
    }
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

    #[test]
    fn columns_follow_the_keys_present() {
        let rows =
            vec![json!({"path": "a", "lines": 3, "lines_pct": 60.04, "renamed_from": ["b", "c"]})];
        let text = titled("Files", FILES, &rows, false, false).to_string();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.first(), Some(&"Files"));
        let header: Vec<&str> = lines
            .get(1)
            .map(|l| l.split("  ").collect())
            .unwrap_or_default();
        let header: Vec<&str> = header
            .iter()
            .map(|h| h.trim())
            .filter(|h| !h.is_empty())
            .collect();
        assert_eq!(header, ["File", "Lines", "Lines %"]);
        let with = titled("Files", FILES, &rows, true, false);
        assert!(with.contains("Renamed from") && with.contains("b, c") && with.contains("60.0"));
        assert_eq!(titled("Files", FILES, &[], false, false), "Files\n(none)");
    }
}

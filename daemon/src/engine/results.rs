//! The engine's analysis result, typed. `gitinspector/executeAnalysis` is
//! the GitInspectorGUI engine API and passes the engine's JSON through as
//! it is (snake_case); editor-facing command results
//! (`gitinspector.analyzeWorkspace`, `gitinspector.repositoryAuthors`) are
//! this type, serialized in camelCase like the rest of LSP. One struct,
//! read in the engine's casing and written in the editor's.

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all(serialize = "camelCase", deserialize = "snake_case"))]
pub struct AnalysisResult {
    pub repositories: Vec<RepositoryResult>,
    /// Inputs and repositories that could not be analyzed (the others were).
    #[serde(default)]
    pub errors: Vec<InputError>,
    /// All repositories as one (setting `combined`).
    #[serde(default)]
    pub combined: Option<Tables>,
    /// Timings of the run (engine API field names, as reported).
    #[serde(default)]
    pub performance_stats: Value,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InputError {
    pub path: String,
    pub error: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all(serialize = "camelCase", deserialize = "snake_case"))]
pub struct RepositoryResult {
    pub name: String,
    pub path: String,
    pub revision: String,
    pub revision_time: i64,
    #[serde(default)]
    pub bare: bool,
    #[serde(default)]
    pub shallow: bool,
    #[serde(default)]
    pub history_cut_at: Vec<String>,
    #[serde(default)]
    pub subfolder: String,
    #[serde(default)]
    pub ignore_revs_file: String,
    #[serde(default)]
    pub blame_ignored_revisions: Vec<String>,
    #[serde(default)]
    pub warnings: Vec<String>,
    #[serde(flatten)]
    pub tables: Tables,
}

/// The tables of one repository, or of several combined.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all(serialize = "camelCase", deserialize = "snake_case"))]
pub struct Tables {
    pub authors: Vec<AuthorRow>,
    pub files: Vec<FileRow>,
    pub authors_files: Vec<AuthorFileRow>,
    #[serde(default)]
    pub files_authors: Vec<AuthorFileRow>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeline: Option<Timeline>,
    pub totals: Totals,
    /// The settings the analysis ran with (the engine API's own names).
    #[serde(default)]
    pub settings: Value,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all(serialize = "camelCase", deserialize = "snake_case"))]
pub struct AuthorRow {
    pub name: String,
    pub email: String,
    pub names: Vec<String>,
    pub emails: Vec<String>,
    pub commits: u64,
    pub insertions: u64,
    /// Absent when the `deletions` setting is off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletions: Option<u64>,
    pub lines: u64,
    pub lines_pct: f64,
    pub insertions_pct: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scaled_lines_pct: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scaled_insertions_pct: Option<f64>,
    pub stability: f64,
    pub age: f64,
    pub files: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all(serialize = "camelCase", deserialize = "snake_case"))]
pub struct FileRow {
    pub path: String,
    pub lines: u64,
    #[serde(default)]
    pub lines_pct: f64,
    pub commits: u64,
    pub insertions: u64,
    #[serde(default)]
    pub insertions_pct: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletions: Option<u64>,
    #[serde(default)]
    pub stability: f64,
    #[serde(default)]
    pub age: f64,
    pub authors: u64,
    pub top_author: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lines_before_since: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all(serialize = "camelCase", deserialize = "snake_case"))]
pub struct AuthorFileRow {
    pub author: String,
    pub email: String,
    pub path: String,
    pub lines: u64,
    pub commits: u64,
    pub insertions: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletions: Option<u64>,
    pub lines_pct: f64,
    #[serde(default)]
    pub stability: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Timeline {
    pub period: String,
    pub rows: Vec<TimelineRow>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TimelineRow {
    pub period: String,
    pub author: String,
    pub email: String,
    pub commits: u64,
    pub insertions: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletions: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all(serialize = "camelCase", deserialize = "snake_case"))]
pub struct Totals {
    pub lines: u64,
    pub commits: u64,
    pub insertions: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletions: Option<u64>,
    pub files: u64,
    pub authors: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lines_before_since: Option<u64>,
}

/// The engine's result in the editor's casing; an error names what the
/// engine sent that does not fit the contract.
pub fn for_editor(engine_result: Value) -> Result<Value, String> {
    let typed: AnalysisResult = serde_json::from_value(engine_result)
        .map_err(|e| format!("unexpected analysis result from the engine: {e}"))?;
    serde_json::to_value(typed).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn engine_names_in_editor_names_out() {
        let engine = json!({"repositories": [{
            "name": "r", "path": "/r", "revision": "abc", "revision_time": 5,
            "authors": [{"name": "A", "email": "a@x", "names": ["A"], "emails": ["a@x"],
                "commits": 1, "insertions": 2, "deletions": 0, "lines": 2, "lines_pct": 100.0,
                "insertions_pct": 100.0, "stability": 100.0, "age": 1.5, "files": 1}],
            "files": [{"path": "f", "lines": 2, "commits": 1, "insertions": 2, "deletions": 0,
                "authors": 1, "top_author": "A"}],
            "authors_files": [{"author": "A", "email": "a@x", "path": "f", "lines": 2,
                "commits": 1, "insertions": 2, "deletions": 0, "lines_pct": 100.0}],
            "totals": {"lines": 2, "commits": 1, "insertions": 2, "deletions": 0, "files": 1,
                "authors": 1},
            "settings": {"input_fstrs": ["/r"]}}],
            "performance_stats": {"total_seconds": 0.1}});
        let editor = for_editor(engine).unwrap();
        let repo = &editor["repositories"][0];
        assert_eq!(repo["revisionTime"], 5);
        assert_eq!(repo["authors"][0]["linesPct"], 100.0);
        assert_eq!(repo["files"][0]["topAuthor"], "A");
        assert_eq!(repo["authorsFiles"][0]["linesPct"], 100.0);
        assert_eq!(
            repo["settings"]["input_fstrs"][0], "/r",
            "settings keep the engine's names"
        );
        assert_eq!(editor["performanceStats"]["total_seconds"], 0.1);
        assert_eq!(editor["errors"], json!([]));
        assert!(editor["combined"].is_null());
        assert!(for_editor(json!({"repositories": [{"name": 1}]})).is_err());
    }
}

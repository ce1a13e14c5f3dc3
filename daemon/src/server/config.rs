//! Client configuration: `initializationOptions` and
//! `workspace/didChangeConfiguration` (keys documented in docs/protocol.md).

use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Config {
    pub date_format: String,
    pub blame_template: String,
    pub code_lens: CodeLensConfig,
    pub inlay_hints: InlayHintConfig,
    pub hover: HoverConfig,
    pub analysis: Value,
    pub cache_budget_mb: usize,
    /// The ignore-revs file blame looks through the commits of: relative
    /// to the repository's work tree, or absolute; empty: none.
    pub ignore_revs_file: String,
}

/// `ignoreRevsFile`'s default, the file GitHub, GitLens and gitsigns read
/// (the engine's `ignore_revs_file` has the same); the CLI's `blame` too.
pub const DEFAULT_IGNORE_REVS_FILE: &str = ".git-blame-ignore-revs";

#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct CodeLensConfig {
    pub file: bool,
    pub blocks: bool,
    /// Blocks shorter than this many lines get no lens.
    pub min_block_lines: u32,
}

/// `textDocument/hover`: on for plain LSP clients; an editor extension
/// that shows the same content on its own blame annotation turns it off.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(default)]
pub struct HoverConfig {
    pub enabled: bool,
}

impl Default for HoverConfig {
    fn default() -> Self {
        HoverConfig { enabled: true }
    }
}

#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, PartialEq)]
#[serde(default)]
pub struct InlayHintConfig {
    pub enabled: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            date_format: "relative".to_owned(),
            blame_template: "${author}, ${date} • ${summary}".to_owned(),
            code_lens: CodeLensConfig::default(),
            inlay_hints: InlayHintConfig::default(),
            hover: HoverConfig::default(),
            analysis: Value::Object(Default::default()),
            cache_budget_mb: 256,
            ignore_revs_file: DEFAULT_IGNORE_REVS_FILE.to_owned(),
        }
    }
}

impl Default for CodeLensConfig {
    fn default() -> Self {
        CodeLensConfig {
            file: true,
            blocks: true,
            min_block_lines: 3,
        }
    }
}

impl Config {
    /// As the client writes it (camelCase keys).
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    /// Accepts `{"gitinspector": {...}}` (VS Code style sections) or the
    /// object itself; unknown keys are ignored, a value of the wrong type is
    /// an error. A value of the right type that cannot work (a `dateFormat`
    /// pattern chrono cannot format) falls back to its default, with a
    /// warning to show.
    pub fn from_value(value: &Value) -> Result<(Config, Vec<String>), String> {
        let section = value.get("gitinspector").unwrap_or(value);
        if section.is_null() {
            return Ok((Config::default(), Vec::new()));
        }
        let mut config = Config::deserialize(section)
            .map_err(|e| format!("invalid gitinspector configuration: {e}"))?;
        let mut warnings = Vec::new();
        if let Err(why) = super::format::check_date_format(&config.date_format) {
            warnings.push(format!(
                "gitinspector.dateFormat {:?} {why}; using \"relative\"",
                config.date_format
            ));
            config.date_format = Config::default().date_format;
        }
        Ok((config, warnings))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn partial_configuration_keeps_defaults() {
        let (c, warnings) =
            Config::from_value(&json!({"gitinspector": {"inlayHints": {"enabled": true}}}))
                .unwrap();
        assert!(c.inlay_hints.enabled && c.code_lens.file && warnings.is_empty());
        assert!(c.hover.enabled && c.code_lens.min_block_lines == 3);
        let (c, _) = Config::from_value(&json!({"codeLens": {"minBlockLines": 5},
                                                 "hover": {"enabled": false}}))
        .unwrap();
        assert!(!c.hover.enabled && c.code_lens.min_block_lines == 5 && c.code_lens.blocks);
        assert!(Config::from_value(&json!({"codeLens": {"minBlockLines": -1}})).is_err());
        assert_eq!(
            Config::default().to_value()["codeLens"],
            json!({"file": true, "blocks": true, "minBlockLines": 3})
        );
        assert_eq!(
            Config::from_value(&Value::Null).unwrap().0,
            Config::default()
        );
        assert!(Config::from_value(&json!({"dateFormat": 3})).is_err());
        assert_eq!(c.ignore_revs_file, ".git-blame-ignore-revs");
        let (off, _) = Config::from_value(&json!({"ignoreRevsFile": ""})).unwrap();
        assert_eq!(off.ignore_revs_file, "");
        assert!(Config::from_value(&json!({"ignoreRevsFile": false})).is_err());
        assert_eq!(
            Config::default().to_value()["ignoreRevsFile"],
            json!(".git-blame-ignore-revs")
        );
    }

    #[test]
    fn a_date_pattern_chrono_cannot_format_falls_back_with_a_warning() {
        for bad in ["%Q", "%Y-%", "%"] {
            let (c, warnings) = Config::from_value(&json!({"dateFormat": bad})).unwrap();
            assert_eq!(c.date_format, "relative", "{bad}");
            assert_eq!(warnings.len(), 1, "{bad}");
        }
        let (c, warnings) = Config::from_value(&json!({"dateFormat": "%d.%m.%Y"})).unwrap();
        assert_eq!((c.date_format.as_str(), warnings.len()), ("%d.%m.%Y", 0));
    }
}

/// Property tests (fuzzing with a bounded number of cases, run by `cargo test`).
#[cfg(test)]
mod fuzz {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Any configuration a client sends is accepted or refused, never a
        /// panic, and an accepted date format always formats.
        #[test]
        fn any_configuration_is_applied_or_refused(
            date_format in "[%a-zA-Z:. -]{0,8}",
            template in ".{0,12}",
            budget in any::<i64>(),
            ignore_revs_file in ".{0,12}",
        ) {
            let value = serde_json::json!({"gitinspector": {
                "dateFormat": date_format,
                "blameTemplate": template,
                "cacheBudgetMb": budget,
                "ignoreRevsFile": ignore_revs_file,
            }});
            if let Ok((config, _)) = Config::from_value(&value) {
                let _ = crate::server::format::date(1_700_000_000, &config.date_format);
            }
        }
    }
}

//! Client configuration: `initializationOptions` and
//! `workspace/didChangeConfiguration` (keys documented in docs/protocol.md).

use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Config {
    pub date_format: String,
    pub blame_template: String,
    pub code_lens: CodeLensConfig,
    pub inlay_hints: InlayHintConfig,
    pub analysis: Value,
    pub cache_budget_mb: usize,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default)]
pub struct CodeLensConfig {
    pub file: bool,
    pub blocks: bool,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
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
            analysis: Value::Object(Default::default()),
            cache_budget_mb: 256,
        }
    }
}

impl Default for CodeLensConfig {
    fn default() -> Self {
        CodeLensConfig {
            file: true,
            blocks: true,
        }
    }
}

impl Config {
    /// Accepts `{"gitinspector": {...}}` (VS Code style sections) or the
    /// object itself; unknown keys are ignored, a bad value is an error.
    pub fn from_value(value: &Value) -> Result<Config, String> {
        let section = value.get("gitinspector").unwrap_or(value);
        if section.is_null() {
            return Ok(Config::default());
        }
        Config::deserialize(section).map_err(|e| format!("invalid gitinspector configuration: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn partial_configuration_keeps_defaults() {
        let c = Config::from_value(&json!({"gitinspector": {"inlayHints": {"enabled": true}}}))
            .unwrap();
        assert!(c.inlay_hints.enabled && c.code_lens.file);
        assert_eq!(Config::from_value(&Value::Null).unwrap(), Config::default());
        assert!(Config::from_value(&json!({"dateFormat": 3})).is_err());
    }
}

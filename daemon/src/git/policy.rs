//! The git policy: how every git command is built, in the daemon and in
//! the engine alike. Its one definition is `python/gigui/git_policy.json`
//! (compiled in here, read by `gigui.git` there), with the reason for each
//! entry next to it. In short: an argument list, never a shell; the user's
//! global and system configuration are not read, except the protected
//! settings git only takes from there (`safe.directory`); every setting that
//! could run a program or change the numbers is pinned with `-c`, which
//! overrides the repository's own configuration; only the `GIT_*` variables
//! the policy keeps reach git.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::sync::{LazyLock, OnceLock};

use serde::Deserialize;

/// The policy's text, compiled in; the engine gets it at start-up.
pub const POLICY_JSON: &str = include_str!("../../../python/gigui/git_policy.json");

#[derive(Debug, Deserialize)]
pub struct Entry {
    pub key: String,
    pub value: String,
}

/// The parts the daemon uses (it runs no git in bare repositories).
#[derive(Debug, Deserialize)]
pub struct Policy {
    pub config: Vec<Entry>,
    /// Arguments put right after a subcommand (its `about` entry is text).
    pub subcommand_args: BTreeMap<String, serde_json::Value>,
    pub env: BTreeMap<String, String>,
    pub env_keep: Vec<String>,
    pub carry_over: Vec<String>,
}

/// The policy compiled into the binary; its unit test proves it parses.
pub static POLICY: LazyLock<Policy> = LazyLock::new(|| {
    serde_json::from_str(POLICY_JSON).unwrap_or_else(|err| {
        // Unreachable for a binary whose tests passed; refuse every
        // setting rather than run git without the pins.
        tracing::error!("git_policy.json is invalid: {err}");
        Policy {
            config: Vec::new(),
            subcommand_args: BTreeMap::new(),
            env: BTreeMap::new(),
            env_keep: Vec::new(),
            carry_over: Vec::new(),
        }
    })
});

/// The arguments the policy puts right after `subcommand`.
pub fn subcommand_args(subcommand: &str) -> Vec<&'static str> {
    match POLICY.subcommand_args.get(subcommand) {
        Some(serde_json::Value::Array(args)) => args.iter().filter_map(|a| a.as_str()).collect(),
        _ => Vec::new(),
    }
}

/// `-c key=value` for each pinned setting (built once).
pub fn pinned_config() -> &'static [OsString] {
    static PINNED: LazyLock<Vec<OsString>> = LazyLock::new(|| {
        POLICY
            .config
            .iter()
            .flat_map(|e| ["-c".into(), format!("{}={}", e.key, e.value).into()])
            .collect()
    });
    &PINNED
}

/// Variables of ours to drop before running git: every `GIT_*` the
/// policy does not keep (read once: the daemon never changes its own
/// environment).
pub fn dropped_env() -> &'static [OsString] {
    static DROPPED: LazyLock<Vec<OsString>> = LazyLock::new(|| {
        std::env::vars_os()
            .map(|(k, _)| k)
            .filter(|k| {
                let name = k.as_encoded_bytes();
                name.starts_with(b"GIT_")
                    && !POLICY.env_keep.iter().any(|keep| keep.as_bytes() == name)
            })
            .collect()
    });
    &DROPPED
}

/// `-c` options for the protected settings the policy takes from the
/// user's own configuration (`safe.directory`, `safe.bareRepository`):
/// git reads them only from there, and the pinned commands do not read it.
/// Read once per process, and handed to the engine at start-up.
pub fn carried_over() -> &'static [OsString] {
    static CARRIED: OnceLock<Vec<OsString>> = OnceLock::new();
    CARRIED.get_or_init(|| {
        let output = super::user_config_command(std::path::Path::new("/"))
            .args(["--includes", "--show-scope", "--get-regexp", r"^safe\."])
            .output();
        let Ok(output) = output else {
            return Vec::new();
        };
        let wanted: Vec<String> = POLICY
            .carry_over
            .iter()
            .map(|k| k.to_ascii_lowercase())
            .collect();
        let mut args = Vec::new();
        for line in output.stdout.split(|&b| b == b'\n') {
            let text = String::from_utf8_lossy(line);
            let Some((scope, rest)) = text.split_once('\t') else {
                continue;
            };
            let (key, value) = rest.split_once(' ').unwrap_or((rest, ""));
            if matches!(scope, "system" | "global") && wanted.iter().any(|w| w == key) {
                args.push("-c".into());
                args.push(format!("{key}={value}").into());
            }
        }
        args
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_parses_and_pins_what_changes_the_numbers() {
        let policy: Policy = serde_json::from_str(POLICY_JSON).expect("valid policy");
        let pinned: Vec<&str> = policy.config.iter().map(|e| e.key.as_str()).collect();
        for key in [
            "log.showRoot",
            "diff.renameLimit",
            "diff.algorithm",
            "core.hooksPath",
        ] {
            assert!(pinned.contains(&key), "{key} is pinned");
        }
        assert_eq!(
            policy.env.get("GIT_CONFIG_GLOBAL").map(String::as_str),
            Some("/dev/null")
        );
        assert!(subcommand_args("blame").contains(&"--no-ignore-revs-file"));
        assert!(subcommand_args("log").contains(&"--no-textconv"));
        assert!(subcommand_args("about").is_empty());
    }
}

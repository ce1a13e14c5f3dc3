//! Dates, the blame text template and the file lens's shares.

use std::fmt::Write;

use chrono::format::{Item, StrftimeItems};
use chrono::{DateTime, Local, TimeZone, Utc};

use super::blame_cache::{CommitInfo, NOT_COMMITTED};

/// "3 days ago", "just now", "in the future".
pub fn relative_date(timestamp: i64, now: i64) -> String {
    let seconds = now - timestamp;
    if seconds < 0 {
        return "in the future".to_owned();
    }
    const UNITS: [(i64, &str); 6] = [
        (365 * 86_400, "year"),
        (30 * 86_400, "month"),
        (7 * 86_400, "week"),
        (86_400, "day"),
        (3_600, "hour"),
        (60, "minute"),
    ];
    for (size, name) in UNITS {
        let n = seconds / size;
        if n >= 1 {
            return format!("{n} {name}{} ago", if n == 1 { "" } else { "s" });
        }
    }
    "just now".to_owned()
}

pub fn absolute_date(timestamp: i64) -> String {
    Local
        .timestamp_opt(timestamp, 0)
        .single()
        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// Whether `dateFormat` can format dates: "relative", "absolute", or a
/// strftime pattern chrono reads in full.
pub fn check_date_format(format: &str) -> Result<(), String> {
    if matches!(format, "relative" | "absolute") {
        return Ok(());
    }
    if StrftimeItems::new(format).any(|item| matches!(item, Item::Error)) {
        return Err("is not a strftime pattern chrono can use".to_owned());
    }
    Ok(())
}

/// A date as the configuration asks: "relative", "absolute" or a strftime
/// pattern (one chrono cannot use gives the absolute date, never a panic).
pub fn date(timestamp: i64, format: &str) -> String {
    date_at(timestamp, format, Utc::now().timestamp())
}

fn date_at(timestamp: i64, format: &str, now: i64) -> String {
    match format {
        "relative" => relative_date(timestamp, now),
        "absolute" => absolute_date(timestamp),
        pattern => {
            let Some(t) = DateTime::from_timestamp(timestamp, 0) else {
                return String::new();
            };
            let mut out = String::new();
            match write!(out, "{}", t.with_timezone(&Local).format(pattern)) {
                Ok(()) => out,
                Err(_) => absolute_date(timestamp),
            }
        }
    }
}

/// A share of lines as the file lens shows it: a whole percent, rounded,
/// but never "0%" for some lines nor "100%" for not all of them: "<1%"
/// and ">99%".
pub fn share(lines: usize, total: usize) -> String {
    if total == 0 {
        return "0%".to_owned();
    }
    let lines = lines.min(total);
    match lines.saturating_mul(100).saturating_add(total / 2) / total {
        0 if lines > 0 => "<1%".to_owned(),
        100 if lines < total => ">99%".to_owned(),
        percent => format!("{percent}%"),
    }
}

/// Fills `${author}`, `${email}`, `${date}`, `${summary}`, `${sha}`.
pub fn blame_text(template: &str, commit: &CommitInfo, date_format: &str) -> String {
    blame_text_at(template, commit, date_format, Utc::now().timestamp())
}

fn blame_text_at(template: &str, commit: &CommitInfo, date_format: &str, now: i64) -> String {
    if commit.sha == NOT_COMMITTED {
        return crate::git::blame::NOT_COMMITTED_TEXT.to_owned();
    }
    template
        .replace("${author}", &commit.author)
        .replace("${email}", &commit.email)
        .replace("${date}", &date_at(commit.author_time, date_format, now))
        .replace("${summary}", &commit.summary)
        .replace("${sha}", commit.sha.get(..8).unwrap_or(&commit.sha))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_dates_pick_the_largest_unit() {
        assert_eq!(relative_date(1000, 1000), "just now");
        assert_eq!(relative_date(0, 3 * 86_400 + 5), "3 days ago");
        assert_eq!(relative_date(0, 3_600), "1 hour ago");
        assert_eq!(relative_date(0, 800 * 86_400), "2 years ago");
    }

    /// The shared vectors every client's tests read too: one behaviour.
    #[test]
    fn the_shared_vectors() {
        let vectors: serde_json::Value =
            serde_json::from_str(include_str!("../../../tests/fixtures/vectors/format.json"))
                .unwrap();
        let now = vectors["now"].as_i64().unwrap();
        for case in vectors["relative"].as_array().unwrap() {
            let time = case["time"].as_i64().unwrap();
            assert_eq!(relative_date(time, now), case["expected"], "{case}");
        }
        for case in vectors["template"].as_array().unwrap() {
            let c = &case["commit"];
            let commit = CommitInfo {
                sha: c["sha"].as_str().unwrap().into(),
                author: c["author"].as_str().unwrap().into(),
                email: c["email"].as_str().unwrap().into(),
                author_time: c["authorTime"].as_i64().unwrap(),
                committer_time: 0,
                summary: c["summary"].as_str().unwrap().into(),
            };
            let text = blame_text_at(
                case["template"].as_str().unwrap(),
                &commit,
                case["dateFormat"].as_str().unwrap(),
                now,
            );
            assert_eq!(text, case["expected"].as_str().unwrap(), "{case}");
        }
    }

    #[test]
    fn shares_round_but_never_to_none_or_all() {
        // flask's src/flask/app.py: 5 of 1,625 lines.
        assert_eq!(share(5, 1625), "<1%");
        assert_eq!(share(1, 100_000), "<1%");
        assert_eq!(share(1620, 1625), ">99%");
        assert_eq!(share(99_999, 100_000), ">99%");
        assert_eq!(share(1625, 1625), "100%");
        assert_eq!(share(0, 1625), "0%");
        assert_eq!(share(0, 0), "0%");
        // Rounded to the nearest, halves up.
        assert_eq!(share(5, 1000), "1%");
        assert_eq!(share(4, 1000), "<1%");
        assert_eq!(share(994, 1000), "99%");
        assert_eq!(share(995, 1000), ">99%");
        assert_eq!(share(1, 3), "33%");
        assert_eq!(share(2, 3), "67%");
        assert_eq!(share(1, 2), "50%");
    }

    #[test]
    fn a_bad_pattern_formats_the_absolute_date_instead_of_panicking() {
        assert_eq!(date(0, "%Q"), absolute_date(0));
        assert_eq!(date(0, "%Y-%"), absolute_date(0));
        assert!(check_date_format("%Q").is_err());
    }
}

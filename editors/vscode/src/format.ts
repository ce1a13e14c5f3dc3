// Blame texts: templates and dates, as the daemon formats them
// (tests/fixtures/vectors/format.json holds what both must produce).

import { BlameCommit, NOT_COMMITTED } from "./protocol";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/** Now, in unix seconds. */
function nowSeconds(): number {
  return Date.now() / 1000;
}

/** "3 days ago", "just now", "in the future" for a unix time in seconds. */
export function relativeDate(seconds: number, now: number = nowSeconds()): string {
  const delta = Math.round(now - seconds);
  if (delta < 0) {
    return "in the future";
  }
  const units: [number, string][] = [
    [365 * 24 * 3600, "year"],
    [30 * 24 * 3600, "month"],
    [7 * 24 * 3600, "week"],
    [24 * 3600, "day"],
    [3600, "hour"],
    [60, "minute"],
  ];
  for (const [size, name] of units) {
    const n = Math.floor(delta / size);
    if (n >= 1) {
      return `${n} ${name}${n === 1 ? "" : "s"} ago`;
    }
  }
  return "just now";
}

/** A strftime subset: %Y %y %m %d %e %H %M %S %I %p %b %a %z %%. */
function strftime(pattern: string, seconds: number): string {
  const d = new Date(seconds * 1000);
  return pattern.replace(/%([%YymdeHMSbaIpz])/g, (_m, code: string) => {
    switch (code) {
      case "Y":
        return String(d.getFullYear());
      case "y":
        return pad(d.getFullYear() % 100);
      case "m":
        return pad(d.getMonth() + 1);
      case "d":
        return pad(d.getDate());
      case "e":
        return String(d.getDate()).padStart(2, " ");
      case "H":
        return pad(d.getHours());
      case "I":
        return pad(((d.getHours() + 11) % 12) + 1);
      case "p":
        return d.getHours() < 12 ? "AM" : "PM";
      case "M":
        return pad(d.getMinutes());
      case "S":
        return pad(d.getSeconds());
      case "b":
        return MONTHS[d.getMonth()] ?? "";
      case "a":
        return DAYS[d.getDay()] ?? "";
      case "z": {
        const off = -d.getTimezoneOffset();
        return `${off < 0 ? "-" : "+"}${pad(Math.floor(Math.abs(off) / 60))}${pad(Math.abs(off) % 60)}`;
      }
      default:
        return "%";
    }
  });
}

/**
 * A date per a `gitinspector.dateFormat` value: "relative", "absolute" or a
 * strftime pattern. An unset setting has no value here: callers pass the
 * daemon's announced default (settings.ts).
 */
export function formatDate(seconds: number, dateFormat: string, now: number = nowSeconds()): string {
  if (dateFormat === "relative") {
    return relativeDate(seconds, now);
  }
  if (dateFormat === "absolute") {
    return strftime("%Y-%m-%d %H:%M", seconds);
  }
  return strftime(dateFormat, seconds);
}

export function isNotCommitted(commit: { sha: string } | undefined): boolean {
  return commit === undefined || commit.sha === NOT_COMMITTED;
}

/** What lines that are not committed are called, everywhere (the daemon's wording). */
export const NOT_COMMITTED_TEXT = "Not Committed Yet";

interface TemplateFields {
  author: string;
  email: string;
  date: string;
  summary: string;
  sha: string;
}

function applyTemplate(template: string, fields: TemplateFields): string {
  return template.replace(/\$\{(author|email|date|summary|sha)\}/g, (_m, key: keyof TemplateFields) => fields[key]);
}

/**
 * The current-line blame text of a commit: the daemon's template filled as the
 * daemon fills it (its inlay hints read the same), "Not Committed Yet" for
 * lines that are not committed.
 */
export function blameText(commit: BlameCommit | undefined, template: string, dateFormat: string, now: number = nowSeconds()): string {
  if (commit === undefined || isNotCommitted(commit)) {
    return NOT_COMMITTED_TEXT;
  }
  return applyTemplate(template, {
    author: commit.author,
    email: commit.email,
    date: formatDate(commit.authorTime, dateFormat, now),
    summary: commit.summary,
    sha: commit.sha.slice(0, 8),
  });
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

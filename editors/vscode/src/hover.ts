// The blame details of a line, as Markdown: the hover of the current-line
// blame annotation and of the status bar item (the daemon's own hover is
// turned off: `hover.enabled` false). Dates are the daemon's (`date` of
// `gitinspector.showCommit`, formatted by its dateFormat) once the details
// have arrived; until then the blame table's, formatted the same way.

import { isNotCommitted, NOT_COMMITTED_TEXT } from "./format";
import { BlameCommit, CommitDetails } from "./protocol";

/**
 * The commands the hover's links run (the Markdown trusts exactly these): the
 * extension's, and those of the daemon's own hover text (`markdown` of
 * `gitinspector.showCommit`: `gitinspector.showCommit`, whose answer the
 * extension shows, and `gitinspector.copySha`).
 */
export const HOVER_COMMANDS = [
  "gitinspector.showCommit",
  "gitinspector.openCommit",
  "gitinspector.diffLineChange",
  "gitinspector.copySha",
  "gitinspector.blamePriorToChange",
  "gitinspector.showLineHistory",
] as const;

/** Markdown's special characters escaped: author names and messages are text. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`);
}

/** A `command:` link running `command` with `args` (JSON, URI-encoded). */
export function commandLink(label: string, command: string, args: unknown[]): string {
  return `[${label}](command:${command}?${encodeURIComponent(JSON.stringify(args))})`;
}

export interface HoverTarget {
  /** The document the line is in, as the commands take it (a revision document's own URI too). */
  uri: string;
  /** 0-based line. */
  line: number;
}

/**
 * The hover of a line blamed on `commit`: author, email, date, sha, the whole
 * message, what the commit changed in this file, and the actions (open the
 * commit, the diff of this line's change, copy the sha, blame prior to this
 * change, the line's history). Once the commit's details have come, that is
 * the daemon's text (`markdown`: its wording and date format, its links) and
 * the history actions after it; until then the same from the blame table.
 */
export function hoverMarkdown(commit: BlameCommit, details: CommitDetails | undefined, date: string, target: HoverTarget): string {
  // The labels are the daemon's (its hover text says "Show commit · Diff of this change · Copy sha").
  const history = commandLink("Line history", "gitinspector.showLineHistory", [target.uri, target.line, target.line]);
  if (isNotCommitted(commit)) {
    return `**${NOT_COMMITTED_TEXT}**\n\nThis line differs from the last commit.\n\n---\n\n${history}`;
  }
  const prior = commandLink("Blame prior to this change", "gitinspector.blamePriorToChange", [target.uri, target.line]);
  if (details?.markdown && details.sha === commit.sha) {
    // The history actions join the daemon's line of actions (its last line). The daemon's
    // text is the commit's (fetched once per commit): its diff link becomes this line's.
    const diff = commandLink("Diff of this change", "gitinspector.diffLineChange", [target.uri, target.line]);
    const text = details.markdown.trimEnd().replace(/\[Diff of this change\]\(command:[^)]*\)/, () => diff);
    const lastLine = text.slice(text.lastIndexOf("\n") + 1);
    return lastLine.includes("](command:") ? `${text} · ${prior} · ${history}` : `${text}\n\n${prior} · ${history}`;
  }
  const sha = commit.sha;
  const email = details?.email ?? commit.email;
  const when = details?.date ?? date;
  const parts: string[] = [];
  parts.push(`**${escapeMarkdown(details?.author ?? commit.author)}** ${email ? `\\<${escapeMarkdown(email)}\\>` : ""} · ${escapeMarkdown(when)}`);
  parts.push(`\`${sha.slice(0, 12)}\` ${escapeMarkdown(details?.summary ?? commit.summary)}`);
  const body = details ? messageBody(details.message, details.summary) : "";
  if (body) {
    parts.push(body.split("\n").map((l) => escapeMarkdown(l)).join("  \n"));
  }
  if (details?.file) {
    const { insertions, deletions } = details.file;
    parts.push(`This commit: +${insertions} −${deletions} lines of this file.`);
  }
  const actions = [
    commandLink("Show commit", "gitinspector.openCommit", [target.uri, sha]),
    commandLink("Diff of this change", "gitinspector.diffLineChange", [target.uri, target.line]),
    commandLink("Copy sha", "gitinspector.copySha", [sha]),
    prior,
    history,
  ];
  return `${parts.join("\n\n")}\n\n---\n\n${actions.join(" · ")}`;
}

/** The message without its summary line (and the blank line after it). */
export function messageBody(message: string, summary: string): string {
  const text = message.replace(/\r\n/g, "\n").trim();
  const lines = text.split("\n");
  if (lines[0]?.trim() === summary.trim()) {
    lines.shift();
  }
  const body = lines.join("\n").trim().split("\n");
  // As the daemon's hover: a long message would push the actions out of reach.
  if (body.length > HOVER_BODY_LINES + 1) {
    const more = body.length - HOVER_BODY_LINES;
    return [...body.slice(0, HOVER_BODY_LINES), "", `… ${more} more lines (Show commit has the whole message)`].join("\n");
  }
  return body.join("\n");
}

/** The most lines of a message body the hover shows. */
export const HOVER_BODY_LINES = 11;

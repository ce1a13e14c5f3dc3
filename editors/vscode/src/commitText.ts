// The text of a commit's read-only document (Show Commit): its header, message,
// the files it touched and its diff, as `git show --stat` lays them out. Pure:
// the unit tests check it.

import { CommitDetails, CommitFile } from "./protocol";

export interface CommitText {
  text: string;
  /** The 0-based line of each of `details.files`, in order (a "Diff of This File" lens goes there). */
  fileLines: number[];
}

const STATUS: Record<string, string> = { A: "added", M: "modified", D: "deleted", R: "renamed", C: "copied", T: "type changed" };

/** A file's line in the list: status, path (old → new for a rename), +/− counts. */
export function fileLine(file: CommitFile): string {
  const status = file.status.charAt(0).toUpperCase();
  const name = file.oldPath && file.oldPath !== file.path ? `${file.oldPath} → ${file.path}` : file.path;
  return `  ${status} ${name}  (+${file.insertions} -${file.deletions}${STATUS[status] ? `, ${STATUS[status]}` : ""})`;
}

export function commitText(details: CommitDetails): CommitText {
  const lines: string[] = [];
  lines.push(`commit ${details.sha}`);
  const parents = details.parents ?? [];
  if (parents.length > 1) {
    lines.push(`Merge:      ${parents.map((p) => p.slice(0, 8)).join(" ")}`);
  } else if (parents.length === 1 && parents[0]) {
    lines.push(`Parent:     ${parents[0].slice(0, 8)}`);
  }
  lines.push(`Author:     ${details.author}${details.email ? ` <${details.email}>` : ""}`);
  if (details.date) {
    lines.push(`Date:       ${details.date}`);
  }
  if (details.committer && details.committer !== details.author) {
    lines.push(`Committer:  ${details.committer}`);
  }
  lines.push("");
  for (const l of (details.message || details.summary).replace(/\r\n/g, "\n").trimEnd().split("\n")) {
    lines.push(l ? `    ${l}` : "");
  }
  lines.push("");
  const files = details.files ?? [];
  const fileLines: number[] = [];
  if (files.length > 0) {
    const ins = files.reduce((n, f) => n + f.insertions, 0);
    const del = files.reduce((n, f) => n + f.deletions, 0);
    lines.push(`${files.length} file${files.length === 1 ? "" : "s"} changed, +${ins} -${del}:`);
    for (const f of files) {
      fileLines.push(lines.length);
      lines.push(fileLine(f));
    }
    lines.push("");
  } else if (details.file) {
    lines.push(`${details.file.path}: +${details.file.insertions} -${details.file.deletions}`);
    lines.push("");
  }
  const diff = details.diff ?? details.fileDiff ?? "";
  if (diff) {
    lines.push(...diff.replace(/\r\n/g, "\n").replace(/\n$/, "").split("\n"));
    if (details.diff ? details.diffTruncated : details.fileDiffTruncated) {
      lines.push("", "… (the diff is longer: cut here)");
    }
  }
  return { text: lines.join("\n") + "\n", fileLines };
}

// Unified diffs as `gitinspector.showCommit` sends them (`fileDiff`, `diff`):
// split per file, and one file's diff applied to its text before the commit,
// which gives its text in the commit (the two sides of VS Code's diff editor).

export interface Hunk {
  oldStart: number;
  oldCount: number;
  newStart: number;
  newCount: number;
  /** The hunk's lines with their first character (" ", "-", "+", "\\"). */
  lines: string[];
}

export interface FilePatch {
  /** The `diff --git` header's old and new paths (without a/ b/). */
  oldPath: string | null;
  newPath: string | null;
  /** The lines of this file's diff, from its `diff --git` line on. */
  text: string;
  hunks: Hunk[];
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

function splitLines(text: string): string[] {
  const lines = text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") {
    lines.pop();
  }
  return lines;
}

function unquote(p: string): string {
  if (p.startsWith('"') && p.endsWith('"')) {
    try {
      return JSON.parse(p) as string;
    } catch {
      return p.slice(1, -1);
    }
  }
  return p;
}

function stripPrefix(p: string | undefined): string | null {
  if (p === undefined || p === "/dev/null") {
    return null;
  }
  const q = unquote(p.trim());
  return q.startsWith("a/") || q.startsWith("b/") ? q.slice(2) : q;
}

/** A diff's files, in order; a diff without `diff --git` lines is one file. */
export function parseDiff(diff: string): FilePatch[] {
  const files: FilePatch[] = [];
  let current: (FilePatch & { raw: string[] }) | undefined;
  let hunk: Hunk | undefined;
  let oldLeft = 0;
  let newLeft = 0;
  const finish = (): void => {
    if (current) {
      files.push({ oldPath: current.oldPath, newPath: current.newPath, text: current.raw.join("\n") + "\n", hunks: current.hunks });
    }
  };
  for (const line of splitLines(diff)) {
    if (line.startsWith("diff --git ")) {
      finish();
      const m = /^diff --git (?:"?a\/)(.*?)"? (?:"?b\/)(.*?)"?$/.exec(line);
      current = { oldPath: m?.[1] ?? null, newPath: m?.[2] ?? null, text: "", hunks: [], raw: [line] };
      hunk = undefined;
      continue;
    }
    if (!current) {
      current = { oldPath: null, newPath: null, text: "", hunks: [], raw: [] };
    }
    current.raw.push(line);
    const h = HUNK.exec(line);
    if (h) {
      hunk = {
        oldStart: Number(h[1]),
        oldCount: h[2] === undefined ? 1 : Number(h[2]),
        newStart: Number(h[3]),
        newCount: h[4] === undefined ? 1 : Number(h[4]),
        lines: [],
      };
      current.hunks.push(hunk);
      oldLeft = hunk.oldCount;
      newLeft = hunk.newCount;
      continue;
    }
    if (hunk && line.startsWith("\\")) {
      hunk.lines.push(line);
      continue;
    }
    if (hunk && (oldLeft > 0 || newLeft > 0) && (line.startsWith(" ") || line.startsWith("-") || line.startsWith("+") || line === "")) {
      // An empty line inside a hunk is a context line whose space was trimmed.
      const l = line === "" ? " " : line;
      hunk.lines.push(l);
      if (l.startsWith(" ") || l.startsWith("-")) {
        oldLeft--;
      }
      if (l.startsWith(" ") || l.startsWith("+")) {
        newLeft--;
      }
      continue;
    }
    if (line.startsWith("--- ")) {
      current.oldPath = stripPrefix(line.slice(4)) ?? current.oldPath;
      if (line.slice(4).trim() === "/dev/null") {
        current.oldPath = null;
      }
    } else if (line.startsWith("+++ ")) {
      current.newPath = stripPrefix(line.slice(4)) ?? current.newPath;
      if (line.slice(4).trim() === "/dev/null") {
        current.newPath = null;
      }
    } else if (line.startsWith("rename from ")) {
      current.oldPath = line.slice("rename from ".length);
    } else if (line.startsWith("rename to ")) {
      current.newPath = line.slice("rename to ".length);
    }
    hunk = undefined;
  }
  finish();
  return files;
}

/** The 1-based line numbers, in the commit's text, of the lines a file's diff adds. */
export function addedLines(patch: FilePatch): number[] {
  const out: number[] = [];
  for (const hunk of patch.hunks) {
    let line = hunk.newStart;
    for (const l of hunk.lines) {
      if (l.startsWith("+")) {
        out.push(line);
        line++;
      } else if (l.startsWith(" ")) {
        line++;
      }
    }
  }
  return out;
}

/**
 * A file's text after its diff: `before` with each hunk applied; undefined when
 * the diff does not fit `before` (a context or removed line differs).
 */
export function applyPatch(before: string, patch: FilePatch): string | undefined {
  const eol = before.includes("\r\n") ? "\r\n" : "\n";
  const oldHasFinalNewline = before === "" || before.endsWith("\n");
  const old = before === "" ? [] : before.replace(/\r?\n$/, "").split(/\r?\n/);
  const out: string[] = [];
  let next = 0; // index in `old` of the next line not yet copied
  // "\ No newline at end of file" after a line the new text keeps (" " or "+").
  let newLacksFinalNewline = false;
  for (const hunk of patch.hunks) {
    const start = hunk.oldCount === 0 ? hunk.oldStart : hunk.oldStart - 1;
    if (start < next || start > old.length) {
      return undefined;
    }
    out.push(...old.slice(next, start));
    next = start;
    let previous = "";
    for (const l of hunk.lines) {
      const kind = l.charAt(0);
      // Lines compare without their ending (the text's own is written back).
      const body = l.slice(1).replace(/\r$/, "");
      if (kind === " " || kind === "-") {
        if (old[next] !== body) {
          return undefined;
        }
        next++;
        if (kind === " ") {
          out.push(body);
        }
      } else if (kind === "+") {
        out.push(body);
      } else if (kind === "\\" && (previous === " " || previous === "+")) {
        newLacksFinalNewline = true;
      }
      if (kind !== "\\") {
        previous = kind;
      }
    }
  }
  const tailCopied = next < old.length;
  out.push(...old.slice(next));
  if (out.length === 0) {
    return "";
  }
  const lacksFinalNewline = tailCopied ? !oldHasFinalNewline : newLacksFinalNewline;
  return out.join(eol) + (lacksFinalNewline ? "" : eol);
}

/** The lines of a file's text in the commit that its diff alone gives: when the file was added. */
export function addedFileText(patch: FilePatch): string {
  const lines = patch.hunks.flatMap((h) => h.lines.filter((l) => l.startsWith("+")).map((l) => l.slice(1)));
  return lines.length ? lines.join("\n") + "\n" : "";
}

/** Likewise the text before the commit of a file it deleted. */
export function deletedFileText(patch: FilePatch): string {
  const lines = patch.hunks.flatMap((h) => h.lines.filter((l) => l.startsWith("-")).map((l) => l.slice(1)));
  return lines.length ? lines.join("\n") + "\n" : "";
}

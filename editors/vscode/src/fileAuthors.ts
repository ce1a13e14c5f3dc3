// The file and block lenses' answer (`gitinspector.fileAuthors`): the title of
// its quick pick. Pure: the unit tests check it.

import { FileAuthors } from "./protocol";

/**
 * The title of a fileAuthors quick pick: "Authors of src/a.py (120 lines)", or
 * for a block lens (`[uri, startLine, endLine]`, 0-based) "Authors of lines
 * 12–40 of src/a.py".
 */
export function fileAuthorsTitle(result: FileAuthors, args: unknown[]): string {
  const file = result.path ?? "file";
  const range = blockRange(result.range) ?? blockRange(args.slice(1));
  if (range) {
    return `Authors of lines ${range.start + 1}–${range.end + 1} of ${file}`;
  }
  return `Authors of ${file} (${result.lines} ${result.lines === 1 ? "line" : "lines"})`;
}

/** 0-based first and last line of a block, from the daemon's `range` or the lens's arguments. */
function blockRange(value: unknown): { start: number; end: number } | undefined {
  const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isInteger(v) && v >= 0 ? v : undefined);
  if (Array.isArray(value)) {
    const [a, b] = value as unknown[];
    if (num(a) !== undefined && num(b) !== undefined) {
      return { start: num(a) ?? 0, end: num(b) ?? 0 };
    }
    return typeof a === "object" && a !== null ? blockRange(a) : undefined;
  }
  if (typeof value !== "object" || value === null) {
    return undefined;
  }
  const r = value as Record<string, unknown>;
  if (num(r.startLine) !== undefined && num(r.endLine) !== undefined) {
    return { start: num(r.startLine) ?? 0, end: num(r.endLine) ?? 0 };
  }
  const line = (p: unknown): number | undefined => (typeof p === "object" && p !== null ? num((p as Record<string, unknown>).line) : undefined);
  const start = line(r.start);
  const end = line(r.end);
  if (start !== undefined && end !== undefined) {
    // An LSP range ending at column 0 of the next line ends on the line before.
    const endChar = typeof r.end === "object" && r.end !== null ? (r.end as Record<string, unknown>).character : undefined;
    return { start, end: endChar === 0 && end > start ? end - 1 : end };
  }
  return undefined;
}

/** A share with one decimal; one that rounds to 0.0 or 100.0 without being so reads "<0.1%" or ">99.9%". */
export function shareLabel(percent: number): string {
  const shown = percent.toFixed(1);
  if (percent > 0 && shown === "0.0") return "<0.1%";
  if (percent < 100 && shown === "100.0") return ">99.9%";
  return `${shown}%`;
}

/** An author's description in the quick pick: "1 line (8.3%)", "12 lines (66.7%)". */
export function authorLinesLabel(lines: number, percent: number): string {
  return `${lines} ${lines === 1 ? "line" : "lines"} (${shareLabel(percent)})`;
}

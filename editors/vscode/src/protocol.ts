// Types of the daemon's custom requests (docs/protocol.md).

export const NOT_COMMITTED = "0000000000000000000000000000000000000000";

export interface BlameCommit {
  sha: string;
  author: string;
  email: string;
  authorTime: number;
  committerTime: number;
  summary: string;
  isCurrentUser: boolean;
  /** The author's rank in the file by committed lines (0 = most); null when not committed. */
  authorRank: number | null;
}

export interface DocumentBlame {
  uri: string;
  version: number | null;
  repository: string | null;
  path: string | null;
  revision: string | null;
  lineCount: number;
  /** Flat pairs [lineCount, commitIndex, …], in line order; commitIndex into `commits`. */
  runs: number[];
  commits: BlameCommit[];
  currentUser: { name: string; email: string } | null;
  resultId: string | null;
}

/** Answer to a request naming the held answer (`previousResultId`). */
interface BlameUnchanged {
  resultId: string;
  unchanged: true;
}

/** Only what changed since the held answer: splices of its `runs`. */
export interface BlameDelta {
  resultId: string;
  version: number | null;
  lineCount: number;
  edits: { start: number; deleteCount: number; data: number[] }[];
}

export type BlameAnswer = DocumentBlame | BlameUnchanged | BlameDelta;

/** `held` runs after a delta's edits: each replaces `deleteCount` numbers at
 * `start`, an index into the held runs; applied from the last edit back, so
 * every start still points into the held runs. */
function applyEdits(held: readonly number[], edits: BlameDelta["edits"]): number[] {
  const runs = held.slice();
  for (let i = edits.length - 1; i >= 0; i--) {
    const edit = edits[i];
    if (edit) {
      runs.splice(edit.start, edit.deleteCount, ...edit.data);
    }
  }
  return runs;
}

/** The whole blame after `answer`, given the blame held when asking. */
export function applyBlameAnswer(held: DocumentBlame | undefined, answer: BlameAnswer): DocumentBlame {
  if ("runs" in answer) {
    return answer;
  }
  if (!held) {
    throw new Error("the daemon answered relative to a blame this client does not hold");
  }
  if ("unchanged" in answer) {
    return held;
  }
  const runs = applyEdits(held.runs, answer.edits);
  return { ...held, runs, version: answer.version, lineCount: answer.lineCount, resultId: answer.resultId };
}

export interface HealthReport {
  status: string;
  git_version?: string;
  python_version?: string;
  engine_version?: string;
  daemon_version?: string;
  problems?: string[];
}

/** A file a commit touched (`gitinspector.showCommit`'s `files`). */
export interface CommitFile {
  path: string;
  /** The path before a rename or copy. */
  oldPath?: string | null;
  /** git's status letter: A, M, D, R, C, T. */
  status: string;
  insertions: number;
  deletions: number;
}

/** `gitinspector.showCommit` `[uri, sha|line, {file?}]`. */
export interface CommitDetails {
  sha: string;
  author: string;
  email?: string;
  authorTime?: number;
  /** The author time as the daemon's dateFormat formats it. */
  date?: string;
  committer?: string;
  committerTime?: number;
  summary: string;
  message: string;
  parents?: string[];
  /** This document's file in the commit. */
  file?: { path: string; insertions: number; deletions: number } | null;
  files?: CommitFile[];
  /** The commit's diff of this document's file (unified). */
  fileDiff?: string | null;
  fileDiffTruncated?: boolean;
  /** The commit's whole diff (unified). */
  diff?: string | null;
  diffTruncated?: boolean;
  /** The daemon's hover text of this commit (Markdown, with its action links). */
  markdown?: string;
}

/** `gitinspector.fileAuthors` `[uri]`, or `[uri, startLine, endLine]` for a block. */
export interface FileAuthors {
  path: string | null;
  repository: string | null;
  lines: number;
  /** The block's lines, for a block. */
  range?: unknown;
  authors: {
    name: string;
    email: string;
    lines: number;
    percent: number;
    /** `date`: as the daemon's dateFormat formats it. */
    lastChange: { sha: string; authorTime: number; date?: string; summary: string };
  }[];
}

/**
 * `gitinspector.blamePrior` `[uri, line, {revision, path}?]`: the blame of the
 * file at the parent of the commit that last changed `line` (of the document,
 * or of `path` at `revision`).
 */
export interface BlamePrior {
  repository?: string;
  /** The parent revision shown. */
  revision: string;
  /** The commit stepped back over (its sha, or its details). */
  commit: string | { sha: string; author?: string; summary?: string; authorTime?: number; date?: string } | null;
  /** The file's path at `revision` (before a rename). */
  path: string;
  /** The file's text at `revision`. */
  text: string;
  /** The line at `revision` that corresponds to the line asked about (0-based). */
  line: number;
  /** The line in the stepped-over commit's own version of the file (0-based). */
  commitLine?: number;
  runs: number[];
  commits: BlameCommit[];
}

/** A commit of `gitinspector.lineHistory` / `gitinspector.fileHistory`. */
export interface HistoryCommit {
  sha: string;
  author: string;
  email: string;
  authorTime: number;
  /** As the daemon's dateFormat formats it. */
  date: string;
  summary: string;
  /** The file's path in this commit (fileHistory, which follows renames). */
  path?: string;
}

export interface History {
  path: string;
  commits: HistoryCommit[];
  truncated?: boolean;
}

/** `gitinspector.analyzeWorkspace` and `gitinspector.repositoryAuthors`: camelCase, as LSP. */
interface AuthorRow {
  name: string;
  email: string;
  names: string[];
  emails: string[];
  commits: number;
  insertions: number;
  deletions: number;
  lines: number;
  linesPct: number;
  insertionsPct: number;
  stability: number;
  age: number;
  files: number;
}

interface FileRow {
  path: string;
  lines: number;
  commits: number;
  insertions: number;
  deletions: number;
  authors: number;
  topAuthor: string | null;
}

interface AuthorFileRow {
  author: string;
  email: string;
  path: string;
  lines: number;
  commits: number;
  insertions: number;
  deletions: number;
  linesPct: number;
}

interface Totals {
  lines: number;
  commits: number;
  insertions: number;
  deletions: number;
  files: number;
  authors: number;
}

interface RepositoryAnalysis {
  name: string;
  path: string;
  revision: string;
  revisionTime: number;
  bare: boolean;
  shallow: boolean;
  historyCutAt: string[];
  warnings: string[];
  authors: AuthorRow[];
  files: FileRow[];
  authorsFiles: AuthorFileRow[];
  totals: Totals;
  /** The settings the analysis ran with, in the engine API's own names. */
  settings: Record<string, unknown>;
}

export interface AnalysisResult {
  repositories: RepositoryAnalysis[];
  /** Timings of the run, in the engine API's own names. */
  performanceStats: Record<string, unknown>;
}

/** `gitinspector/renderReport`'s answer. */
export interface RenderReportResult {
  format: string;
  /** The repositories that could not be analyzed. */
  errors: { path: string; error: string }[];
  /** The paths written (with `output`): one, or one per table for CSV. */
  files?: string[];
  /** The text (without `output`). */
  content?: string;
}

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

export interface CommitDetails {
  sha: string;
  author: string;
  email?: string;
  authorTime?: number;
  committer?: string;
  committerTime?: number;
  summary: string;
  message: string;
  parents: string[];
  file: { path: string; insertions: number; deletions: number } | null;
}

export interface FileAuthors {
  path: string | null;
  repository: string | null;
  lines: number;
  authors: {
    name: string;
    email: string;
    lines: number;
    percent: number;
    lastChange: { sha: string; authorTime: number; summary: string };
  }[];
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

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
export interface BlameUnchanged {
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
  const runs = held.runs.slice();
  let shift = 0;
  for (const edit of answer.edits) {
    runs.splice(edit.start + shift, edit.deleteCount, ...edit.data);
    shift += edit.data.length - edit.deleteCount;
  }
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

export interface AuthorRow {
  name: string;
  email: string;
  commits: number;
  insertions: number;
  deletions: number;
  lines: number;
  lines_pct: number;
  insertions_pct: number;
  stability: number;
  age: number;
  files: number;
}

export interface FileRow {
  path: string;
  lines: number;
  commits: number;
  insertions: number;
  deletions: number;
  authors: number;
  top_author: string;
}

export interface RepositoryAnalysis {
  name: string;
  path: string;
  revision: string;
  authors: AuthorRow[];
  files: FileRow[];
  authors_files: {
    author: string;
    email: string;
    path: string;
    lines: number;
    lines_pct: number;
    commits: number;
    insertions: number;
    deletions: number;
  }[];
  totals: Record<string, number>;
}

export interface AnalysisResult {
  repositories: RepositoryAnalysis[];
}

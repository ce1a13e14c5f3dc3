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

export interface BlameHunk {
  startLine: number;
  lineCount: number;
  commit: string;
}

export interface DocumentBlame {
  uri: string;
  version: number | null;
  repository: string | null;
  path: string | null;
  revision: string | null;
  lineCount: number;
  hunks: BlameHunk[];
  commits: BlameCommit[];
  currentUser: { name: string; email: string } | null;
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

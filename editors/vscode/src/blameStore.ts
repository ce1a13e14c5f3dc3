// Whole-document blame from `gitinspector/blame`, fetched once per document
// version and cached; cursor moves read the cache and send nothing.

import * as vscode from "vscode";
import { applyBlameAnswer, BlameAnswer, BlameCommit, DocumentBlame } from "./protocol";

interface Run {
  startLine: number;
  lineCount: number;
  commit: BlameCommit;
}

export class DocumentBlameView {
  /** `blame.runs` decoded, in line order. */
  private readonly runs: Run[] = [];

  constructor(
    readonly blame: DocumentBlame,
    readonly version: number,
  ) {
    const { runs, commits } = blame;
    let line = 0;
    for (let i = 0; i + 1 < runs.length; i += 2) {
      const lineCount = runs[i] ?? 0;
      const commit = commits[runs[i + 1] ?? -1];
      if (commit) {
        this.runs.push({ startLine: line, lineCount, commit });
      }
      line += lineCount;
    }
  }

  get inRepository(): boolean {
    return this.blame.repository !== null;
  }

  get currentEmail(): string | undefined {
    return this.blame.currentUser?.email;
  }

  /** The commit of a 0-based line. */
  line(line: number): BlameCommit | undefined {
    let lo = 0;
    let hi = this.runs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const run = this.runs[mid];
      if (!run) {
        return undefined;
      }
      if (line < run.startLine) {
        hi = mid - 1;
      } else if (line >= run.startLine + run.lineCount) {
        lo = mid + 1;
      } else {
        return run.commit;
      }
    }
    return undefined;
  }

  get hunks(): readonly Run[] {
    return this.runs;
  }
}

/** Asks for a document's blame, naming the answer held (for a delta). */
type Requester = (uri: string, previousResultId: string | undefined) => Promise<BlameAnswer>;

export class BlameStore implements vscode.Disposable {
  private readonly cache = new Map<string, DocumentBlameView>();
  private readonly pending = new Map<string, { version: number; promise: Promise<DocumentBlameView | undefined> }>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  /** Fires when a document's blame was fetched anew. */
  readonly onDidChange = this.emitter.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly request: () => Requester | undefined) {
    this.subscriptions.push(
      vscode.workspace.onDidCloseTextDocument((doc) => {
        this.cache.delete(doc.uri.toString());
      }),
    );
  }

  /** The cached blame of the document's current version, if any. */
  cached(doc: vscode.TextDocument): DocumentBlameView | undefined {
    const view = this.cache.get(doc.uri.toString());
    return view && view.version === doc.version ? view : undefined;
  }

  /** The last blame fetched for the document, whatever its version. */
  latest(doc: vscode.TextDocument): DocumentBlameView | undefined {
    return this.cache.get(doc.uri.toString());
  }

  /** The blame of the document's current version: cached, or one request. */
  async get(doc: vscode.TextDocument): Promise<DocumentBlameView | undefined> {
    const cached = this.cached(doc);
    if (cached) {
      return cached;
    }
    const key = doc.uri.toString();
    const pending = this.pending.get(key);
    if (pending && pending.version === doc.version) {
      return pending.promise;
    }
    const requester = this.request();
    if (!requester) {
      return undefined;
    }
    const version = doc.version;
    const entry: { version: number; promise: Promise<DocumentBlameView | undefined> } = { version, promise: Promise.resolve(undefined) };
    entry.promise = (async () => {
      try {
        const held = this.cache.get(key)?.blame;
        const answer = await requester(key, held?.resultId ?? undefined);
        const blame = applyBlameAnswer(held, answer);
        // The daemon may answer for another version when edits raced the
        // request; the view is still right for that version.
        const view = new DocumentBlameView(blame, blame.version ?? version);
        const current = this.cache.get(key);
        if (!current || current.version <= view.version) {
          this.cache.set(key, view);
          this.emitter.fire(doc.uri);
        }
        return view;
      } finally {
        if (this.pending.get(key) === entry) {
          this.pending.delete(key);
        }
      }
    })();
    this.pending.set(key, entry);
    return entry.promise;
  }

  clear(): void {
    this.cache.clear();
    this.pending.clear();
  }

  dispose(): void {
    this.emitter.dispose();
    for (const s of this.subscriptions) {
      s.dispose();
    }
  }
}

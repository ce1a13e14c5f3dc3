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

interface Cached {
  view: DocumentBlameView;
  /** The store's generation it was fetched in: an older one is asked again (with its resultId). */
  generation: number;
}

export class BlameStore implements vscode.Disposable {
  private readonly cache = new Map<string, Cached>();
  /** Blame that is not asked for: documents of a past revision (history.ts). */
  private readonly pinned = new Map<string, DocumentBlameView>();
  private readonly pending = new Map<string, { version: number; generation: number; promise: Promise<DocumentBlameView | undefined> }>();
  private generation = 0;
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  /** Fires when a document's blame was fetched anew. */
  readonly onDidChange = this.emitter.event;
  private readonly invalidated = new vscode.EventEmitter<void>();
  /** Fires when every held blame may be out of date (HEAD moved): views ask again. */
  readonly onDidInvalidate = this.invalidated.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly request: () => Requester | undefined) {
    this.subscriptions.push(
      vscode.workspace.onDidCloseTextDocument((doc) => {
        this.cache.delete(doc.uri.toString());
        this.pinned.delete(doc.uri.toString());
      }),
    );
  }

  /** The cached blame of the document's current version, if any (and not invalidated since). */
  cached(doc: vscode.TextDocument): DocumentBlameView | undefined {
    const key = doc.uri.toString();
    const pinned = this.pinned.get(key);
    if (pinned) {
      return pinned;
    }
    const entry = this.cache.get(key);
    return entry && entry.view.version === doc.version && entry.generation === this.generation ? entry.view : undefined;
  }

  /** The last blame fetched for the document, whatever its version. */
  latest(doc: vscode.TextDocument): DocumentBlameView | undefined {
    const key = doc.uri.toString();
    return this.pinned.get(key) ?? this.cache.get(key)?.view;
  }

  /** Blame given rather than asked for: a document of a past revision. */
  pin(uri: vscode.Uri, blame: DocumentBlame): DocumentBlameView {
    const view = new DocumentBlameView(blame, blame.version ?? 1);
    this.pinned.set(uri.toString(), view);
    this.emitter.fire(uri);
    return view;
  }

  /**
   * Every held blame may be out of date: a commit, checkout, rebase or reset
   * (the daemon asks the editor to refresh its lenses and hints then). The
   * next look at a document asks the daemon again, naming the answer held, so
   * an unchanged blame costs a few bytes; what is shown stays until then.
   */
  invalidate(): void {
    this.generation++;
    this.pending.clear();
    this.invalidated.fire();
  }

  /** The blame of the document's current version: cached, or one request. */
  async get(doc: vscode.TextDocument): Promise<DocumentBlameView | undefined> {
    const cached = this.cached(doc);
    if (cached) {
      return cached;
    }
    if (doc.uri.scheme !== "file") {
      // Only files are the daemon's; a past revision's blame is pinned.
      return undefined;
    }
    const key = doc.uri.toString();
    const generation = this.generation;
    const pending = this.pending.get(key);
    if (pending && pending.version === doc.version && pending.generation === generation) {
      return pending.promise;
    }
    const requester = this.request();
    if (!requester) {
      return undefined;
    }
    const version = doc.version;
    const entry: { version: number; generation: number; promise: Promise<DocumentBlameView | undefined> } = {
      version,
      generation,
      promise: Promise.resolve(undefined),
    };
    entry.promise = (async () => {
      try {
        const held = this.cache.get(key)?.view.blame;
        const answer = await requester(key, held?.resultId ?? undefined);
        const blame = applyBlameAnswer(held, answer);
        // The daemon may answer for another version when edits raced the
        // request; the view is still right for that version.
        const view = new DocumentBlameView(blame, blame.version ?? version);
        const current = this.cache.get(key);
        if (!current || current.view.version <= view.version || current.generation < generation) {
          this.cache.set(key, { view, generation });
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
    this.invalidated.dispose();
    for (const s of this.subscriptions) {
      s.dispose();
    }
  }
}

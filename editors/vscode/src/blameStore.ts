// Whole-document blame from `gitinspector/blame`, fetched once per document
// version and cached; cursor moves read the cache and send nothing.

import * as vscode from "vscode";
import { BlameCommit, DocumentBlame, NOT_COMMITTED } from "./protocol";

export interface LineBlame {
  commit: BlameCommit;
  /** The hunk holding the line, 0-based, end exclusive. */
  hunkStart: number;
  hunkEnd: number;
}

export class DocumentBlameView {
  private readonly lineCommit: (number | undefined)[] = [];
  private readonly commits = new Map<string, BlameCommit>();

  constructor(
    readonly blame: DocumentBlame,
    readonly version: number,
  ) {
    for (const c of blame.commits) {
      this.commits.set(c.sha, c);
    }
    blame.hunks.forEach((hunk, index) => {
      for (let i = 0; i < hunk.lineCount; i++) {
        this.lineCommit[hunk.startLine + i] = index;
      }
    });
  }

  get inRepository(): boolean {
    return this.blame.repository !== null;
  }

  get currentEmail(): string | undefined {
    return this.blame.currentUser?.email;
  }

  commit(sha: string): BlameCommit {
    return (
      this.commits.get(sha) ?? {
        sha,
        author: sha === NOT_COMMITTED ? "Not Committed Yet" : "Unknown",
        email: "",
        authorTime: Date.now() / 1000,
        committerTime: Date.now() / 1000,
        summary: sha === NOT_COMMITTED ? "Not Committed Yet" : "",
        isCurrentUser: sha === NOT_COMMITTED,
      }
    );
  }

  line(line: number): LineBlame | undefined {
    const index = this.lineCommit[line];
    if (index === undefined) {
      return undefined;
    }
    const hunk = this.blame.hunks[index];
    if (hunk === undefined) {
      return undefined;
    }
    return { commit: this.commit(hunk.commit), hunkStart: hunk.startLine, hunkEnd: hunk.startLine + hunk.lineCount };
  }

  get hunks(): readonly { startLine: number; lineCount: number; commit: BlameCommit }[] {
    return this.blame.hunks.map((h) => ({ startLine: h.startLine, lineCount: h.lineCount, commit: this.commit(h.commit) }));
  }
}

type Requester = (uri: string) => Promise<DocumentBlame>;

export class BlameStore implements vscode.Disposable {
  private readonly cache = new Map<string, DocumentBlameView>();
  private readonly pending = new Map<string, { version: number; promise: Promise<DocumentBlameView | undefined> }>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  /** Fires when a document's blame was fetched anew. */
  readonly onDidChange = this.emitter.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  requests = 0;

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
        this.requests++;
        const blame = await requester(key);
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

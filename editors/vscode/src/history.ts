// History of lines and files, from the daemon's commands (docs/protocol.md):
// * Blame Prior to This Change (`gitinspector.blamePrior`): the file at the
//   parent of the commit that last changed a line, in a read-only document
//   with its blame, at the corresponding line; Step Back Again from there;
//   Back to Working Tree.
// * Line History / File History (`gitinspector.lineHistory`, `fileHistory`,
//   which follows renames): a quick pick of the commits; picking one shows it.
// * Show Commit (`gitinspector.showCommit`): a read-only document with the
//   commit's message, files and diff; "Diff of This File" opens VS Code's diff
//   editor between the file at the parent and at the commit.
// Every text comes from the daemon (the file at a revision: blamePrior's
// `text`, and the commit's side: that text with the commit's diff applied);
// the extension runs no git.

import * as path from "path";
import * as vscode from "vscode";
import { BlameStore } from "./blameStore";
import { commitText } from "./commitText";
import { Daemon } from "./daemon";
import { FileBlameController } from "./fileBlame";
import { isNotCommitted, NOT_COMMITTED_TEXT } from "./format";
import { addedFileText, addedLines, applyPatch, deletedFileText, FilePatch, parseDiff } from "./patch";
import { BlamePrior, CommitDetails, CommitFile, DocumentBlame, History } from "./protocol";
import { COMMIT_SCHEME, REVISION_SCHEME } from "./schemes";

/** A document of a file at a past revision. */
interface RevisionState {
  /** The working-tree file its history started from (the daemon's commands take it). */
  origin: vscode.Uri;
  /** The line of `origin` the steps back started at: Back to Working Tree returns there. */
  originLine: number;
  revision: string;
  /** The file's path at `revision`, relative to the repository. */
  path: string;
  text: string;
  /** The commit stepped back over to get here. */
  stepped?: { sha: string; summary?: string; author?: string };
  /** Whether the daemon's blame of it is held (then Step Back Again works). */
  blamed: boolean;
}

interface CommitState {
  origin: vscode.Uri;
  details: CommitDetails;
  fileLines: number[];
  text: string;
}

type Stepped = RevisionState["stepped"];

function short(sha: string): string {
  return sha.slice(0, 8);
}

/** The commit blamePrior stepped over, whether it sends a sha or the commit's details. */
function steppedCommit(commit: BlamePrior["commit"]): Stepped {
  if (typeof commit === "string") {
    return { sha: commit };
  }
  if (commit && typeof commit.sha === "string") {
    return { sha: commit.sha, summary: commit.summary, author: commit.author };
  }
  return undefined;
}

/** The commit stepped over, its summary and author from the line's blame when the daemon sends only its sha. */
function stepped(commit: BlamePrior["commit"], line: { sha: string; summary: string; author: string } | undefined): Stepped {
  const s = steppedCommit(commit);
  if (!s) {
    return line ? { sha: line.sha, summary: line.summary, author: line.author } : undefined;
  }
  if (line && line.sha === s.sha) {
    return { sha: s.sha, summary: s.summary ?? line.summary, author: s.author ?? line.author };
  }
  return s;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The daemon's reason of a RequestFailed answer (`data.reason`: notCommitted, rootCommit, notInParent). */
export function failureReason(e: unknown): string | undefined {
  if (typeof e !== "object" || e === null) {
    return undefined;
  }
  const data = (e as { data?: unknown }).data;
  if (typeof data !== "object" || data === null) {
    return undefined;
  }
  const reason = (data as { reason?: unknown }).reason;
  return typeof reason === "string" ? reason : undefined;
}

/** A document URI argument: a string (hover links, lenses) or a Uri (menus). */
function uriArg(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) {
    return arg;
  }
  if (typeof arg === "string" && arg) {
    return vscode.Uri.parse(arg);
  }
  return undefined;
}

/** What a person is told when blamePrior has no answer (its `data.reason`). */
export function priorFailure(reason: string | undefined, line: number): string | undefined {
  switch (reason) {
    case "rootCommit":
      return `line ${line + 1} came with the first commit: there is nothing before it.`;
    case "notInParent":
      return `line ${line + 1} came with the commit that added the file: there is nothing before it.`;
    case "notCommitted":
      return `line ${line + 1} is ${NOT_COMMITTED_TEXT}: there is no change of it to step back over.`;
    default:
      return undefined;
  }
}

export class HistoryViews implements vscode.Disposable {
  private readonly revisions = new Map<string, RevisionState>();
  private readonly commits = new Map<string, CommitState>();
  private readonly lensChanged = new vscode.EventEmitter<void>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly daemon: Daemon,
    private readonly store: BlameStore,
    private readonly fileBlame: FileBlameController,
  ) {
    const revisions = this.revisions;
    const commits = this.commits;
    this.subscriptions.push(
      vscode.workspace.registerTextDocumentContentProvider(REVISION_SCHEME, {
        provideTextDocumentContent: (uri) =>
          revisions.get(uri.toString())?.text ??
          "This view of a past revision is gone (the window was reloaded).\nOpen it again: gitinspector: Blame Prior to This Change.\n",
      }),
      vscode.workspace.registerTextDocumentContentProvider(COMMIT_SCHEME, {
        provideTextDocumentContent: (uri) =>
          commits.get(uri.toString())?.text ?? "This commit view is gone (the window was reloaded).\nOpen it again: gitinspector: Show Commit.\n",
      }),
      vscode.languages.registerCodeLensProvider({ scheme: REVISION_SCHEME }, { provideCodeLenses: (doc) => this.revisionLenses(doc), onDidChangeCodeLenses: this.lensChanged.event }),
      vscode.languages.registerCodeLensProvider({ scheme: COMMIT_SCHEME }, { provideCodeLenses: (doc) => this.commitLenses(doc), onDidChangeCodeLenses: this.lensChanged.event }),
      vscode.workspace.onDidCloseTextDocument((doc) => {
        // Kept while a diff editor or another tab may still show them; small.
        if (doc.uri.scheme === COMMIT_SCHEME && this.commits.size > 50) {
          this.commits.delete(doc.uri.toString());
        }
      }),
    );
  }

  /** The commands of this module, for Commands.register. */
  commands(): [string, (...args: unknown[]) => unknown][] {
    return [
      ["gitinspector.blamePriorToChange", (uri?: unknown, line?: unknown) => this.run(() => this.blamePrior(uri, line))],
      ["gitinspector.stepBackAgain", (uri?: unknown) => this.run(() => this.stepBackAgain(uri))],
      ["gitinspector.backToWorkingTree", (uri?: unknown) => this.run(() => this.backToWorkingTree(uri))],
      ["gitinspector.showLineHistory", (uri?: unknown, start?: unknown, end?: unknown) => this.run(() => this.lineHistory(uri, start, end))],
      ["gitinspector.showFileHistory", (uri?: unknown) => this.run(() => this.fileHistory(uri))],
      ["gitinspector.openCommit", (uri?: unknown, sha?: unknown) => this.run(() => this.openCommit(uri, sha))],
      ["gitinspector.diffLineChange", (uri?: unknown, line?: unknown) => this.run(() => this.diffLineChange(uri, line))],
      ["gitinspector.diffOfFile", (uri?: unknown, index?: unknown) => this.run(() => this.diffOfFile(uri, index))],
    ];
  }

  private async run(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      void vscode.window.showErrorMessage(`gitinspector: ${errorText(e)}`);
    }
  }

  /** The document and 0-based line a command is about: its arguments, else the active editor's cursor. */
  private target(uriValue: unknown, lineValue: unknown): { uri: vscode.Uri; line: number } | undefined {
    const editor = vscode.window.activeTextEditor;
    const uri = uriArg(uriValue) ?? editor?.document.uri;
    if (!uri) {
      void vscode.window.showWarningMessage("gitinspector: open a file of a git repository first.");
      return undefined;
    }
    const line =
      typeof lineValue === "number"
        ? lineValue
        : editor && editor.document.uri.toString() === uri.toString()
          ? editor.selection.active.line
          : 0;
    return { uri, line };
  }

  /** The working-tree file behind a document (itself for a file). */
  origin(uri: vscode.Uri): vscode.Uri {
    return this.revisions.get(uri.toString())?.origin ?? this.commits.get(uri.toString())?.origin ?? uri;
  }

  // ------------------------------------------------------------ blame prior

  async blamePrior(uriValue?: unknown, lineValue?: unknown): Promise<void> {
    const target = this.target(uriValue, lineValue);
    if (!target) {
      return;
    }
    const here = this.revisions.get(target.uri.toString());
    if (target.uri.scheme !== "file" && !here?.blamed) {
      void vscode.window.showWarningMessage("gitinspector: Blame Prior works on a file, or on a past revision it opened.");
      return;
    }
    const origin = here ? here.origin : target.uri;
    const view = this.blameOfLine(target.uri, target.line);
    if (view && isNotCommitted(view)) {
      void vscode.window.showInformationMessage(`gitinspector: line ${target.line + 1} is ${NOT_COMMITTED_TEXT}: there is no change of it to step back over.`);
      return;
    }
    const args: unknown[] = here ? [origin.toString(), target.line, { revision: here.revision, path: here.path }] : [origin.toString(), target.line];
    let prior: BlamePrior | null;
    try {
      prior = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: "gitinspector: blame prior to this change" },
        () => this.daemon.command<BlamePrior | null>("gitinspector.blamePrior", args),
      );
    } catch (e) {
      const why = priorFailure(failureReason(e), target.line);
      if (why) {
        void vscode.window.showInformationMessage(`gitinspector: ${why}`);
        return;
      }
      throw e;
    }
    if (!prior || typeof prior.text !== "string") {
      void vscode.window.showInformationMessage(`gitinspector: ${priorFailure("rootCommit", target.line) ?? ""}`);
      return;
    }
    const state: RevisionState = {
      origin,
      originLine: here ? here.originLine : target.line,
      revision: prior.revision,
      path: prior.path,
      text: prior.text,
      stepped: stepped(prior.commit, view),
      blamed: true,
    };
    await this.openRevision(state, prior.line, prior);
  }

  /** The commit a line of a document is blamed on, if its blame is held. */
  private blameOfLine(uri: vscode.Uri, line: number): { sha: string; summary: string; author: string } | undefined {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    return doc ? this.store.latest(doc)?.line(line) : undefined;
  }

  /** The URI of a file at a revision: its path under the short revision (breadcrumbs read "a1b2c3d4 › src › x.py"). */
  private revisionUri(revision: string, filePath: string): vscode.Uri {
    // The tab reads "app.py (1a2b3c4d)", as GitLens's do; the language is the file's (openRevision).
    return vscode.Uri.from({ scheme: REVISION_SCHEME, path: `/${short(revision)}/${filePath} (${short(revision)})`, query: revision });
  }

  private remember(state: RevisionState): vscode.Uri {
    const uri = this.revisionUri(state.revision, state.path);
    const held = this.revisions.get(uri.toString());
    this.revisions.set(uri.toString(), held ? { ...state, blamed: state.blamed || held.blamed, stepped: state.stepped ?? held.stepped } : state);
    return uri;
  }

  private async openRevision(state: RevisionState, line: number, blame: BlamePrior): Promise<void> {
    const uri = this.remember(state);
    const doc = await withFileLanguage(await vscode.workspace.openTextDocument(uri), state.origin);
    const pinned: DocumentBlame = {
      uri: uri.toString(),
      version: doc.version,
      repository: "",
      path: state.path,
      revision: state.revision,
      lineCount: doc.lineCount,
      runs: blame.runs,
      commits: blame.commits,
      currentUser: null,
      resultId: null,
    };
    this.store.pin(uri, pinned);
    const at = new vscode.Position(Math.max(0, Math.min(line, doc.lineCount - 1)), 0);
    const editor = await vscode.window.showTextDocument(doc, { preview: false, selection: new vscode.Range(at, at) });
    editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenter);
    // One past revision of a file open at a time: the step before this one gives way.
    await this.closeRevisionTabs(state.origin, uri);
    this.lensChanged.fire();
    await this.fileBlame.show(editor);
  }

  /** Closes the tabs of past revisions of `origin` opened here, but `keep`'s. */
  private async closeRevisionTabs(origin: vscode.Uri, keep?: vscode.Uri): Promise<void> {
    const tabs = vscode.window.tabGroups.all.flatMap((group) =>
      group.tabs.filter((tab) => {
        const input = tab.input;
        return (
          input instanceof vscode.TabInputText &&
          input.uri.scheme === REVISION_SCHEME &&
          input.uri.toString() !== keep?.toString() &&
          this.origin(input.uri).toString() === origin.toString()
        );
      }),
    );
    if (tabs.length > 0) {
      await vscode.window.tabGroups.close(tabs, true);
    }
  }

  async stepBackAgain(uriValue?: unknown): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const uri = uriArg(uriValue) ?? editor?.document.uri;
    const state = uri && this.revisions.get(uri.toString());
    if (!uri || !state?.blamed) {
      void vscode.window.showWarningMessage("gitinspector: Step Back Again works in a past revision opened by Blame Prior to This Change.");
      return;
    }
    const line = editor && editor.document.uri.toString() === uri.toString() ? editor.selection.active.line : 0;
    await this.blamePrior(uri, line);
  }

  async backToWorkingTree(uriValue?: unknown): Promise<void> {
    const uri = uriArg(uriValue) ?? vscode.window.activeTextEditor?.document.uri;
    const state = uri && this.revisions.get(uri.toString());
    const origin = uri ? this.origin(uri) : undefined;
    if (!origin || origin.scheme !== "file") {
      void vscode.window.showWarningMessage("gitinspector: this is not a past revision of a file.");
      return;
    }
    const at = new vscode.Position(state?.originLine ?? 0, 0);
    const editor = await vscode.window.showTextDocument(origin, { preview: false, selection: new vscode.Range(at, at) });
    editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenter);
    await this.closeRevisionTabs(origin);
  }

  private revisionLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const state = this.revisions.get(doc.uri.toString());
    if (!state) {
      return [];
    }
    const top = new vscode.Range(0, 0, 0, 0);
    const lenses: vscode.CodeLens[] = [];
    const name = path.posix.basename(state.path);
    const stepped = state.stepped;
    const title = stepped
      ? `$(history) ${name} at ${short(state.revision)}, before ${short(stepped.sha)}${stepped.summary ? ` “${stepped.summary}”` : ""}${stepped.author ? ` by ${stepped.author}` : ""}`
      : `$(history) ${name} at ${short(state.revision)}`;
    lenses.push(new vscode.CodeLens(top, { title, command: "gitinspector.openCommit", arguments: [doc.uri.toString(), stepped?.sha ?? state.revision], tooltip: "Show the commit" }));
    if (state.blamed) {
      lenses.push(new vscode.CodeLens(top, { title: "$(arrow-left) Step Back Again", command: "gitinspector.stepBackAgain", arguments: [doc.uri.toString()], tooltip: "Blame prior to the change of the cursor's line" }));
    }
    lenses.push(new vscode.CodeLens(top, { title: "$(file) Back to Working Tree", command: "gitinspector.backToWorkingTree", arguments: [doc.uri.toString()] }));
    return lenses;
  }

  // ------------------------------------------------------------ histories

  async lineHistory(uriValue?: unknown, startValue?: unknown, endValue?: unknown): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const uri = uriArg(uriValue) ?? editor?.document.uri;
    if (!uri) {
      return;
    }
    if (uri.scheme !== "file") {
      void vscode.window.showWarningMessage("gitinspector: Line History works on the lines of a file of the working tree.");
      return;
    }
    let start: number;
    let end: number;
    if (typeof startValue === "number") {
      start = startValue;
      end = typeof endValue === "number" ? endValue : startValue;
    } else if (editor && editor.document.uri.toString() === uri.toString()) {
      const sel = editor.selection;
      start = sel.start.line;
      end = sel.end.line > sel.start.line && sel.end.character === 0 ? sel.end.line - 1 : sel.end.line;
    } else {
      start = end = 0;
    }
    let history: History;
    try {
      history = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: "gitinspector: line history" },
        () => this.daemon.command<History>("gitinspector.lineHistory", [uri.toString(), start, end]),
      );
    } catch (e) {
      if (failureReason(e) === "notCommitted") {
        void vscode.window.showInformationMessage(`gitinspector: the lines are ${NOT_COMMITTED_TEXT}: they have no history.`);
        return;
      }
      throw e;
    }
    const lines = start === end ? `line ${start + 1}` : `lines ${start + 1}–${end + 1}`;
    await this.pickCommit(uri, history, `Line History of ${lines} of ${history.path || path.basename(uri.fsPath)}`);
  }

  async fileHistory(uriValue?: unknown): Promise<void> {
    const uri = uriArg(uriValue) ?? vscode.window.activeTextEditor?.document.uri;
    if (!uri) {
      return;
    }
    const origin = this.origin(uri);
    if (origin.scheme !== "file") {
      void vscode.window.showWarningMessage("gitinspector: File History works on a file of a git repository.");
      return;
    }
    const history = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: "gitinspector: file history" },
      () => this.daemon.command<History>("gitinspector.fileHistory", [origin.toString()]),
    );
    await this.pickCommit(origin, history, `File History of ${history.path || path.basename(origin.fsPath)} (following renames)`);
  }

  /** A history's commits in a quick pick (newest first, as the daemon sends them); picking one shows it. */
  private async pickCommit(origin: vscode.Uri, history: History, title: string): Promise<void> {
    if (history.commits.length === 0) {
      void vscode.window.showInformationMessage(`gitinspector: no commits (${title}).`);
      return;
    }
    const items = history.commits.map((c) => ({
      label: `$(git-commit) ${c.summary}`,
      description: `${c.author} · ${c.date}`,
      detail: `${short(c.sha)}${c.path && c.path !== history.path ? ` · ${c.path}` : ""}`,
      sha: c.sha,
    }));
    const picked = await vscode.window.showQuickPick(items, {
      title: history.truncated ? `${title}: the latest ${history.commits.length}` : title,
      placeHolder: `${history.commits.length} commit${history.commits.length === 1 ? "" : "s"}: pick one to show it`,
      matchOnDescription: true,
      matchOnDetail: true,
    });
    if (picked) {
      await this.openCommit(origin.toString(), picked.sha);
    }
  }

  // ------------------------------------------------------------ commits

  async openCommit(uriValue?: unknown, shaValue?: unknown): Promise<void> {
    let shaOrLine: string | number;
    let uri: vscode.Uri;
    if (typeof shaValue === "string" && shaValue) {
      const u = uriArg(uriValue) ?? vscode.window.activeTextEditor?.document.uri;
      if (!u) {
        return;
      }
      uri = u;
      shaOrLine = shaValue;
    } else {
      const target = this.target(uriValue, shaValue);
      if (!target) {
        return;
      }
      uri = target.uri;
      const commit = this.blameOfLine(target.uri, target.line);
      if (commit && isNotCommitted(commit)) {
        void vscode.window.showInformationMessage(`gitinspector: line ${target.line + 1} is ${NOT_COMMITTED_TEXT}.`);
        return;
      }
      // A past revision's line: its commit from the blame held; a file's: the daemon's.
      shaOrLine = target.uri.scheme === "file" ? target.line : (commit?.sha ?? "");
    }
    if (shaOrLine === "") {
      return;
    }
    const origin = this.origin(uri);
    const details = await this.daemon.command<CommitDetails>("gitinspector.showCommit", [origin.toString(), shaOrLine]);
    if (isNotCommitted(details)) {
      void vscode.window.showInformationMessage(`gitinspector: this line is ${NOT_COMMITTED_TEXT}.`);
      return;
    }
    await this.showCommitDocument(origin, details);
  }

  /**
   * Shows an answer of `gitinspector.showCommit` that VS Code ran (the links of
   * the daemon's hover text): with `{file: true}` the diff of the document's
   * file, else the commit's document.
   */
  async showCommitResult(args: unknown[], details: CommitDetails): Promise<void> {
    const uri = uriArg(args[0]);
    if (!uri) {
      return;
    }
    if (isNotCommitted(details)) {
      void vscode.window.showInformationMessage(`gitinspector: this line is ${NOT_COMMITTED_TEXT}.`);
      return;
    }
    const origin = this.origin(uri);
    const third = args[2];
    if (typeof third === "object" && third !== null && (third as { file?: unknown }).file === true) {
      // The hover's link names the line hovered: the diff opens there (see diffLineChange).
      const line = (third as { line?: unknown }).line;
      if (typeof line === "number" && Number.isInteger(line) && line >= 0 && !this.revisions.has(uri.toString())) {
        await this.diffLineChange(uri.toString(), line);
        return;
      }
      const patch = parseDiff(details.fileDiff ?? "")[0];
      const filePath = details.file?.path ?? patch?.newPath ?? "";
      const file: CommitFile = details.files?.find((f) => f.path === filePath) ?? {
        path: filePath,
        status: patch && patch.oldPath === null ? "A" : "M",
        insertions: details.file?.insertions ?? 0,
        deletions: details.file?.deletions ?? 0,
      };
      await this.openDiff(origin, details, file, patch);
      return;
    }
    await this.showCommitDocument(origin, details);
  }

  private async showCommitDocument(origin: vscode.Uri, details: CommitDetails): Promise<void> {
    const summary = details.summary.replace(/[\\/]/g, "-").slice(0, 60);
    const uri = vscode.Uri.from({ scheme: COMMIT_SCHEME, path: `/${short(details.sha)} ${summary}`, query: details.sha });
    const { text, fileLines } = commitText(details);
    this.commits.set(uri.toString(), { origin, details, fileLines, text });
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, "diff");
    await vscode.window.showTextDocument(doc, { preview: false });
    this.lensChanged.fire();
  }

  private commitLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const state = this.commits.get(doc.uri.toString());
    if (!state) {
      return [];
    }
    const lenses: vscode.CodeLens[] = [
      new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), { title: "$(copy) Copy SHA", command: "gitinspector.copySha", arguments: [state.details.sha] }),
    ];
    state.fileLines.forEach((line, index) => {
      lenses.push(
        new vscode.CodeLens(new vscode.Range(line, 0, line, 0), {
          title: "$(diff) Diff of This File",
          command: "gitinspector.diffOfFile",
          arguments: [doc.uri.toString(), index],
          tooltip: "The file at the parent and at this commit, in the diff editor",
        }),
      );
    });
    return lenses;
  }

  /** "Diff of This File" of a commit's document: the file's index in its files. */
  async diffOfFile(uriValue?: unknown, indexValue?: unknown): Promise<void> {
    const uri = uriArg(uriValue) ?? vscode.window.activeTextEditor?.document.uri;
    const state = uri && this.commits.get(uri.toString());
    if (!state) {
      return;
    }
    const editor = vscode.window.activeTextEditor;
    let index = typeof indexValue === "number" ? indexValue : -1;
    if (index < 0 && editor) {
      index = state.fileLines.findIndex((l) => l === editor.selection.active.line);
    }
    const file = state.details.files?.[index];
    if (!file) {
      void vscode.window.showInformationMessage("gitinspector: put the cursor on a file of the commit's list.");
      return;
    }
    const patch = parseDiff(state.details.diff ?? "").find((p) => p.newPath === file.path || (p.newPath === null && p.oldPath === (file.oldPath ?? file.path)));
    await this.openDiff(state.origin, state.details, file, patch);
  }

  /** "Diff of This Change" of a line: the line's commit's diff of its file. */
  async diffLineChange(uriValue?: unknown, lineValue?: unknown): Promise<void> {
    const target = this.target(uriValue, lineValue);
    if (!target) {
      return;
    }
    const here = this.revisions.get(target.uri.toString());
    const origin = here ? here.origin : target.uri;
    const commit = this.blameOfLine(target.uri, target.line);
    if (commit && isNotCommitted(commit)) {
      void vscode.window.showInformationMessage(`gitinspector: line ${target.line + 1} is ${NOT_COMMITTED_TEXT}.`);
      return;
    }
    const shaOrLine: string | number = here ? (commit?.sha ?? "") : target.line;
    if (shaOrLine === "") {
      return;
    }
    const details = await this.daemon.command<CommitDetails>("gitinspector.showCommit", [origin.toString(), shaOrLine, { file: true }]);
    if (isNotCommitted(details)) {
      void vscode.window.showInformationMessage(`gitinspector: line ${target.line + 1} is ${NOT_COMMITTED_TEXT}.`);
      return;
    }
    const filePath = here?.path ?? details.file?.path ?? "";
    const patches = parseDiff(details.fileDiff ?? details.diff ?? "");
    const patch = patches.find((p) => p.newPath === filePath) ?? (details.fileDiff ? patches[0] : undefined);
    const file: CommitFile = details.files?.find((f) => f.path === filePath) ?? {
      path: filePath || patch?.newPath || "",
      oldPath: patch?.oldPath ?? undefined,
      status: patch && patch.oldPath === null ? "A" : "M",
      insertions: details.file?.insertions ?? 0,
      deletions: details.file?.deletions ?? 0,
    };
    // The file at the parent: blamePrior of this very line (whose commit this is).
    const args: unknown[] = here ? [origin.toString(), target.line, { revision: here.revision, path: here.path }] : [origin.toString(), target.line];
    await this.openDiff(origin, details, file, patch, args);
  }

  /**
   * VS Code's diff editor between a file at the commit's parent and at the
   * commit; when the two texts cannot be had (a diff cut short, a change that
   * only deletes lines of a file the daemon gives no text of), the file's diff
   * in a document.
   */
  private async openDiff(origin: vscode.Uri, details: CommitDetails, file: CommitFile, patch: FilePatch | undefined, priorArgs?: unknown[]): Promise<void> {
    const parent = details.parents?.[0];
    const sides = patch ? await this.sides(origin, details, file, patch, priorArgs) : undefined;
    const name = path.posix.basename(file.path);
    if (!sides || !parent) {
      await this.showPatch(origin, details, file, patch);
      return;
    }
    const left = this.remember({ origin, originLine: 0, revision: parent, path: sides.oldPath, text: sides.left, blamed: false });
    const right = this.remember({ origin, originLine: 0, revision: details.sha, path: file.path, text: sides.right, blamed: false });
    for (const side of [left, right]) {
      await withFileLanguage(await vscode.workspace.openTextDocument(side), origin);
    }
    // At the line asked about (its line in the commit), else the diff's top.
    const at = sides.line !== undefined ? new vscode.Position(sides.line, 0) : undefined;
    const options: vscode.TextDocumentShowOptions = { preview: false, selection: at && new vscode.Range(at, at) };
    await vscode.commands.executeCommand("vscode.diff", left, right, `${name} (${short(parent)} ↔ ${short(details.sha)}) ${details.summary}`, options);
    // The diff editor reveals its first change on opening; the line asked about wins.
    const modified = vscode.window.activeTextEditor;
    if (at && modified?.document.uri.toString() === right.toString()) {
      modified.selection = new vscode.Selection(at, at);
      modified.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenter);
    }
  }

  private async sides(
    origin: vscode.Uri,
    details: CommitDetails,
    file: CommitFile,
    patch: FilePatch,
    priorArgs?: unknown[],
  ): Promise<{ left: string; right: string; oldPath: string; line?: number } | undefined> {
    const status = file.status.charAt(0).toUpperCase();
    const oldPath = file.oldPath ?? patch.oldPath ?? file.path;
    if (status === "A" || (patch.oldPath === null && patch.hunks.every((h) => h.oldCount === 0))) {
      return { left: "", right: addedFileText(patch), oldPath };
    }
    if (status === "D" || patch.newPath === null) {
      return { left: deletedFileText(patch), right: "", oldPath };
    }
    let args = priorArgs;
    if (!args) {
      // A line the commit added: blamePrior of it, at the commit, is the file at the parent.
      const added = addedLines(patch)[0];
      if (added === undefined) {
        return undefined;
      }
      args = [origin.toString(), added - 1, { revision: details.sha, path: file.path }];
    }
    let prior: BlamePrior | null;
    try {
      prior = await this.daemon.command<BlamePrior | null>("gitinspector.blamePrior", args);
    } catch {
      return undefined;
    }
    const parent = details.parents?.[0];
    const stepped = prior ? steppedCommit(prior.commit) : undefined;
    if (!prior || typeof prior.text !== "string" || (parent && prior.revision !== parent) || (stepped && stepped.sha !== details.sha)) {
      return undefined;
    }
    const right = applyPatch(prior.text, patch);
    return right === undefined ? undefined : { left: prior.text, right, oldPath: prior.path || oldPath, line: prior.commitLine };
  }

  private async showPatch(origin: vscode.Uri, details: CommitDetails, file: CommitFile, patch: FilePatch | undefined): Promise<void> {
    const text = patch?.text ?? details.fileDiff ?? "";
    const state: CommitDetails = { ...details, files: [], diff: text || null, fileDiff: null, message: details.message };
    const uri = vscode.Uri.from({ scheme: COMMIT_SCHEME, path: `/${short(details.sha)} ${path.posix.basename(file.path)}`, query: `${details.sha}:${file.path}` });
    const { text: body, fileLines } = commitText(state);
    this.commits.set(uri.toString(), { origin, details: state, fileLines, text: body });
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, "diff");
    await vscode.window.showTextDocument(doc, { preview: false });
  }

  dispose(): void {
    this.lensChanged.dispose();
    for (const s of this.subscriptions) {
      s.dispose();
    }
  }
}

/**
 * `doc` (a past revision, named "app.py (1a2b3c4d)": no extension VS Code knows) in the
 * language of the working tree's file it is a version of.
 */
async function withFileLanguage(doc: vscode.TextDocument, origin: vscode.Uri): Promise<vscode.TextDocument> {
  if (doc.languageId !== "plaintext" || origin.scheme !== "file") {
    return doc;
  }
  try {
    const language = (await vscode.workspace.openTextDocument(origin)).languageId;
    return language === "plaintext" ? doc : await vscode.languages.setTextDocumentLanguage(doc, language);
  } catch {
    return doc; // the working file is gone: plain text
  }
}

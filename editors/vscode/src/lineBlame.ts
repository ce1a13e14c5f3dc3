// Current-line blame after the end of the cursor's line, and the status bar
// item, both read from the cached document blame. The annotation's hover (and
// the status bar item's tooltip) holds the commit's details and actions
// (hover.ts): the daemon's own hover is off.

import * as vscode from "vscode";
import { BlameStore } from "./blameStore";
import { blameText, formatDate, isNotCommitted, NOT_COMMITTED_TEXT } from "./format";
import { HOVER_COMMANDS, hoverMarkdown } from "./hover";
import { BlameCommit, CommitDetails } from "./protocol";
import { isBlameScheme } from "./schemes";
import { TextSettings } from "./settings";

/** Fetches a commit's details (`gitinspector.showCommit`) for a document's line. */
export type DetailsSource = (doc: vscode.Uri, sha: string) => Promise<CommitDetails | undefined>;

/** How long fetched details are kept (their relative date ages). */
const DETAILS_TTL_MS = 5 * 60 * 1000;

export function blameHover(markdown: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString(markdown, true);
  md.isTrusted = { enabledCommands: [...HOVER_COMMANDS] };
  md.supportHtml = false;
  return md;
}

export class LineBlameController implements vscode.Disposable {
  private readonly decoration = vscode.window.createTextEditorDecorationType({
    after: {
      color: new vscode.ThemeColor("editorCodeLens.foreground"),
      margin: "0 0 0 3em",
      fontStyle: "normal",
    },
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedOpen,
  });
  private readonly statusItem = vscode.window.createStatusBarItem("gitinspector.blame", vscode.StatusBarAlignment.Left, 90);
  private readonly subscriptions: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private enabled: boolean;
  private decorated: vscode.TextEditor | undefined;
  private readonly details = new Map<string, { at: number; details: CommitDetails } | { at: number; pending: true }>();

  constructor(
    private readonly store: BlameStore,
    private readonly settings: TextSettings,
    private readonly detailsSource: DetailsSource,
  ) {
    this.enabled = config().get<boolean>("currentLine.enabled", true);
    this.statusItem.name = "gitinspector blame";
    this.statusItem.command = "gitinspector.showCommitDetails";
    this.subscriptions.push(
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor === vscode.window.activeTextEditor) {
          this.schedule();
        }
      }),
      vscode.window.onDidChangeActiveTextEditor(() => {
        this.schedule(0);
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === vscode.window.activeTextEditor?.document && e.contentChanges.length > 0) {
          this.schedule();
        }
      }),
      store.onDidChange((uri) => {
        if (uri.toString() === vscode.window.activeTextEditor?.document.uri.toString()) {
          this.render();
        }
      }),
      // HEAD moved (a commit in a terminal…): ask again now, not on the next keystroke.
      store.onDidInvalidate(() => {
        this.details.clear();
        this.schedule(0);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration("gitinspector")) {
          this.enabled = config().get<boolean>("currentLine.enabled", true);
          if (e.affectsConfiguration("gitinspector.dateFormat")) {
            this.details.clear();
          }
          this.schedule(0);
        }
      }),
    );
    this.schedule(0);
  }

  get isEnabled(): boolean {
    return this.enabled;
  }

  toggle(): boolean {
    this.enabled = !this.enabled;
    void config().update("currentLine.enabled", this.enabled, vscode.ConfigurationTarget.Global);
    this.schedule(0);
    return this.enabled;
  }

  /** Updates after the configured delay; moves in between cancel it. */
  schedule(delay: number = config().get<number>("currentLine.delay", 150)): void {
    if (this.timer) {
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.update();
    }, Math.max(0, delay));
  }

  private async update(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || !isBlameScheme(editor.document.uri.scheme)) {
      this.clear();
      return;
    }
    // Show what is known at once, then the current version's blame.
    this.render();
    const view = await this.store.get(editor.document).catch(() => undefined);
    if (view && view.version !== editor.document.version && editor.document.uri.scheme === "file") {
      // The daemon answered for an older version (edits raced the request).
      this.schedule();
    }
    this.render();
  }

  /** The details of a commit if fetched, else starts fetching them (the hover is drawn again when they come). */
  private commitDetails(doc: vscode.Uri, commit: BlameCommit): CommitDetails | undefined {
    if (isNotCommitted(commit)) {
      return undefined;
    }
    const key = `${doc.toString()}\n${commit.sha}`;
    const held = this.details.get(key);
    const now = Date.now();
    if (held && now - held.at < DETAILS_TTL_MS) {
      return "details" in held ? held.details : undefined;
    }
    this.details.set(key, { at: now, pending: true });
    void this.detailsSource(doc, commit.sha)
      .then((details) => {
        if (details) {
          this.details.set(key, { at: Date.now(), details });
          const editor = vscode.window.activeTextEditor;
          if (editor?.document.uri.toString() === doc.toString()) {
            this.render();
          }
        } else {
          this.details.delete(key);
        }
      })
      .catch(() => {
        this.details.delete(key);
      });
    return held && "details" in held ? held.details : undefined;
  }

  /** Draws the decoration and status bar from the cache; sends nothing but a commit's details, once. */
  render(): void {
    const editor = vscode.window.activeTextEditor;
    if (this.decorated && this.decorated !== editor) {
      this.decorated.setDecorations(this.decoration, []);
      this.decorated = undefined;
    }
    if (!editor || !isBlameScheme(editor.document.uri.scheme)) {
      this.clear();
      return;
    }
    const doc = editor.document;
    const view = this.store.cached(doc) ?? this.store.latest(doc);
    const line = editor.selection.active.line;
    const commit = view?.line(line);
    if (!view || !view.inRepository || !commit) {
      this.clear();
      return;
    }
    // The user's settings, else the defaults the daemon announced (none of its own).
    const dateFormat = this.settings.dateFormat();
    const template = this.settings.lineTemplate();
    if (dateFormat === undefined || template === undefined) {
      this.clear();
      return;
    }
    const c = config();
    const text = blameText(commit, template, dateFormat);
    const details = this.commitDetails(doc.uri, commit);
    const date = isNotCommitted(commit) ? "" : formatDate(commit.authorTime, dateFormat);
    const hover = blameHover(hoverMarkdown(commit, details, date, { uri: doc.uri.toString(), line }));
    if (this.enabled && editor.selections.length === 1) {
      const end = doc.lineAt(line).range.end;
      editor.setDecorations(this.decoration, [
        { range: new vscode.Range(end, end), hoverMessage: hover, renderOptions: { after: { contentText: text } } },
      ]);
      this.decorated = editor;
    } else {
      editor.setDecorations(this.decoration, []);
    }
    if (c.get<boolean>("statusBar.enabled", true)) {
      this.statusItem.text = isNotCommitted(commit)
        ? `$(git-commit) ${NOT_COMMITTED_TEXT}`
        : `$(git-commit) ${commit.author}, ${date}`;
      this.statusItem.tooltip = hover;
      this.statusItem.show();
    } else {
      this.statusItem.hide();
    }
  }

  private clear(): void {
    this.decorated?.setDecorations(this.decoration, []);
    this.decorated = undefined;
    this.statusItem.hide();
  }

  dispose(): void {
    if (this.timer) {
      clearTimeout(this.timer);
    }
    this.decoration.dispose();
    this.statusItem.dispose();
    for (const s of this.subscriptions) {
      s.dispose();
    }
  }
}

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration("gitinspector");
}

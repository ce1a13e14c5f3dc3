// Current-line blame after the end of the cursor's line, and the status bar
// item, both read from the cached document blame.

import * as vscode from "vscode";
import { BlameStore } from "./blameStore";
import { blameText, displayAuthor, formatDate, isNotCommitted } from "./format";
import { TextSettings } from "./settings";

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

  constructor(
    private readonly store: BlameStore,
    private readonly settings: TextSettings,
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
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration("gitinspector")) {
          this.enabled = config().get<boolean>("currentLine.enabled", true);
          this.schedule(0);
        }
      }),
    );
    this.schedule(0);
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
    if (!editor || editor.document.uri.scheme !== "file") {
      this.clear();
      return;
    }
    // Show what is known at once, then the current version's blame.
    this.render();
    const view = await this.store.get(editor.document).catch(() => undefined);
    if (view && view.version !== editor.document.version) {
      // The daemon answered for an older version (edits raced the request).
      this.schedule();
    }
    this.render();
  }

  /** Draws the decoration and status bar from the cache; sends nothing. */
  render(): void {
    const editor = vscode.window.activeTextEditor;
    if (this.decorated && this.decorated !== editor) {
      this.decorated.setDecorations(this.decoration, []);
      this.decorated = undefined;
    }
    if (!editor) {
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
    const text = blameText(commit, template, dateFormat, view.currentEmail);
    if (this.enabled && editor.selections.length === 1) {
      const end = doc.lineAt(line).range.end;
      editor.setDecorations(this.decoration, [
        { range: new vscode.Range(end, end), renderOptions: { after: { contentText: text } } },
      ]);
      this.decorated = editor;
    } else {
      editor.setDecorations(this.decoration, []);
    }
    if (c.get<boolean>("statusBar.enabled", true)) {
      this.statusItem.text = isNotCommitted(commit)
        ? "$(git-commit) You, Not Committed Yet"
        : `$(git-commit) ${displayAuthor(commit, view.currentEmail)}, ${formatDate(commit.authorTime, dateFormat)}`;
      this.statusItem.tooltip = isNotCommitted(commit)
        ? "Not Committed Yet"
        : `${commit.sha.slice(0, 8)} ${commit.author} <${commit.email}>\n${commit.summary}\n\nClick for the commit's details`;
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

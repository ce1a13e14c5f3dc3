// File blame: an annotation column before each line, one colour per author
// (a bar on the left) and an age heatmap (the background), per editor.

import * as vscode from "vscode";
import { BlameStore, DocumentBlameView } from "./blameStore";
import { displayAuthor, formatDate, isNotCommitted } from "./format";

const PALETTE = [
  "#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4",
  "#f032e6", "#bfef45", "#fabed4", "#469990", "#dcbeff", "#9a6324",
  "#800000", "#aaffc3", "#808000", "#000075",
];
const WIDTH = 28;

/** A stable colour for an author. */
function authorColor(email: string, name: string): string {
  const key = (email || name).toLowerCase();
  let hash = 0;
  for (let i = 0; i < key.length; i++) {
    hash = (hash * 31 + key.charCodeAt(i)) >>> 0;
  }
  return PALETTE[hash % PALETTE.length] ?? "#888888";
}

/** Heat of a time between oldest (0) and newest (1): warm when recent, cold when old. */
function heatColor(t: number): string {
  const hue = Math.round(220 - 200 * t); // 220 blue … 20 orange
  return `hsla(${hue}, 80%, 50%, ${0.08 + 0.2 * t})`;
}

export class FileBlameController implements vscode.Disposable {
  private readonly decoration = vscode.window.createTextEditorDecorationType({
    before: { margin: "0 1em 0 0", fontStyle: "normal" },
    isWholeLine: false,
  });
  private readonly enabledFor = new Set<string>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly store: BlameStore) {
    this.subscriptions.push(
      vscode.window.onDidChangeVisibleTextEditors(() => {
        this.refreshAll();
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.enabledFor.has(e.document.uri.toString()) && e.contentChanges.length > 0) {
          this.scheduleRefresh();
        }
      }),
      store.onDidChange((uri) => {
        if (this.enabledFor.has(uri.toString())) {
          this.refreshAll();
        }
      }),
    );
  }

  async toggle(editor: vscode.TextEditor): Promise<boolean> {
    const key = editor.document.uri.toString();
    if (this.enabledFor.has(key)) {
      this.enabledFor.delete(key);
      for (const e of vscode.window.visibleTextEditors) {
        if (e.document === editor.document) {
          e.setDecorations(this.decoration, []);
        }
      }
      return false;
    }
    this.enabledFor.add(key);
    await this.refresh(editor);
    return true;
  }

  private scheduleRefresh(): void {
    if (this.timer) {
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.refreshAll();
    }, vscode.workspace.getConfiguration("gitinspector").get<number>("currentLine.delay", 150) + 100);
  }

  private refreshAll(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      if (this.enabledFor.has(editor.document.uri.toString())) {
        void this.refresh(editor);
      }
    }
  }

  private async refresh(editor: vscode.TextEditor): Promise<void> {
    const view = await this.store.get(editor.document).catch(() => undefined);
    if (!view || !this.enabledFor.has(editor.document.uri.toString())) {
      return;
    }
    editor.setDecorations(this.decoration, this.decorations(editor.document, view));
  }

  private decorations(doc: vscode.TextDocument, view: DocumentBlameView): vscode.DecorationOptions[] {
    const config = vscode.workspace.getConfiguration("gitinspector");
    const dateFormat = config.get<string>("dateFormat");
    const heatmap = config.get<boolean>("fileBlame.heatmap", true);
    const hunks = view.hunks;
    const times = hunks.filter((h) => !isNotCommitted(h.commit)).map((h) => h.commit.authorTime);
    const oldest = Math.min(...times);
    const newest = Math.max(...times);
    const result: vscode.DecorationOptions[] = [];
    for (const hunk of hunks) {
      const commit = hunk.commit;
      const uncommitted = isNotCommitted(commit);
      const color = uncommitted ? "#888888" : authorColor(commit.email, commit.author);
      const t = uncommitted ? 1 : newest > oldest ? (commit.authorTime - oldest) / (newest - oldest) : 1;
      const label = uncommitted
        ? "Not Committed Yet"
        : `${displayAuthor(commit, view.currentEmail)}, ${formatDate(commit.authorTime, dateFormat)}`;
      for (let i = 0; i < hunk.lineCount; i++) {
        const line = hunk.startLine + i;
        if (line >= doc.lineCount) {
          break;
        }
        const text = i === 0 ? truncate(label, WIDTH) : "";
        const start = new vscode.Position(line, 0);
        result.push({
          range: new vscode.Range(start, start),
          hoverMessage: i === 0 && !uncommitted ? `${commit.sha.slice(0, 8)} ${commit.author} <${commit.email}> — ${commit.summary}` : undefined,
          renderOptions: {
            before: {
              contentText: `\u2003${text.padEnd(WIDTH, "\u00a0")}`,
              width: `${WIDTH + 2}ch`,
              color: new vscode.ThemeColor("editorCodeLens.foreground"),
              backgroundColor: heatmap ? heatColor(t) : new vscode.ThemeColor("editor.lineHighlightBackground"),
              border: `solid ${color}`,
              borderColor: color,
              textDecoration: `none; border-width: 0 0 0 4px; box-sizing: border-box; display: inline-block`,
            },
          },
        });
      }
    }
    return result;
  }

  dispose(): void {
    if (this.timer) {
      clearTimeout(this.timer);
    }
    this.decoration.dispose();
    for (const s of this.subscriptions) {
      s.dispose();
    }
  }
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

// File blame: an annotation column before each line, one colour per author
// (a bar on the left: the palette entry of the commit's authorRank, see
// palette.ts) and an age heatmap (the background), per editor.

import * as vscode from "vscode";
import { BlameStore, DocumentBlameView } from "./blameStore";
import { displayAuthor, formatDate, isNotCommitted } from "./format";
import { authorColor } from "./palette";
import { TextSettings } from "./settings";

const WIDTH = 28;

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

  constructor(
    private readonly store: BlameStore,
    private readonly settings: TextSettings,
  ) {
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
    // The user's date format, else the daemon's announced default.
    const dateFormat = this.settings.dateFormat();
    const heatmap = config.get<boolean>("fileBlame.heatmap", true);
    const hunks = view.hunks;
    const times = hunks.filter((h) => !isNotCommitted(h.commit)).map((h) => h.commit.authorTime);
    const oldest = Math.min(...times);
    const newest = Math.max(...times);
    const result: vscode.DecorationOptions[] = [];
    for (const hunk of hunks) {
      const commit = hunk.commit;
      const uncommitted = isNotCommitted(commit);
      const color = authorColor(uncommitted ? null : commit.authorRank);
      const t = uncommitted ? 1 : newest > oldest ? (commit.authorTime - oldest) / (newest - oldest) : 1;
      const author = displayAuthor(commit, view.currentEmail);
      const label = uncommitted ? "Not Committed Yet" : dateFormat === undefined ? author : `${author}, ${formatDate(commit.authorTime, dateFormat)}`;
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

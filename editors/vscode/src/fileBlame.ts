// File blame: an annotation column before each line, per editor. Two things,
// kept apart so neither hides the other: the author's colour is the thick bar
// (swatch) at the annotation's left edge, the palette entry of the commit's
// authorRank (palette.ts; light or dark by the theme); the commit's age is a
// thin bar in the gutter, in no hue of its own (the palette has them all): faint
// for the file's oldest change, strong for its newest. Documents of a past
// revision (history.ts) always show it.

import * as path from "path";
import * as vscode from "vscode";
import { BlameStore, DocumentBlameView } from "./blameStore";
import { formatDate, isNotCommitted, NOT_COMMITTED_TEXT } from "./format";
import { hoverMarkdown } from "./hover";
import { blameHover } from "./lineBlame";
import { authorColor } from "./palette";
import { isBlameScheme, REVISION_SCHEME } from "./schemes";
import { TextSettings } from "./settings";

const WIDTH = 28;
/** Steps of the age heatmap (media/heat-N-{dark,light}.svg, N = 0 oldest … HEAT_STEPS-1 newest). */
export const HEAT_STEPS = 8;

/** The heat step of a time between the oldest (0) and newest (1) change. */
export function heatStep(t: number): number {
  return Math.max(0, Math.min(HEAT_STEPS - 1, Math.round(t * (HEAT_STEPS - 1))));
}

export class FileBlameController implements vscode.Disposable {
  private readonly decoration = vscode.window.createTextEditorDecorationType({
    before: { margin: "0 1em 0 0", fontStyle: "normal" },
    isWholeLine: false,
  });
  private readonly heat: vscode.TextEditorDecorationType[];
  private readonly enabledFor = new Set<string>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: BlameStore,
    private readonly settings: TextSettings,
    extensionPath: string,
  ) {
    this.heat = Array.from({ length: HEAT_STEPS }, (_, i) =>
      vscode.window.createTextEditorDecorationType({
        light: { gutterIconPath: vscode.Uri.file(path.join(extensionPath, "media", `heat-${i}-light.svg`)), gutterIconSize: "cover" },
        dark: { gutterIconPath: vscode.Uri.file(path.join(extensionPath, "media", `heat-${i}-dark.svg`)), gutterIconSize: "cover" },
      }),
    );
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
      store.onDidInvalidate(() => {
        this.refreshAll();
      }),
      vscode.workspace.onDidCloseTextDocument((doc) => {
        if (doc.uri.scheme === REVISION_SCHEME) {
          this.enabledFor.delete(doc.uri.toString());
        }
      }),
    );
  }

  isOn(doc: vscode.TextDocument): boolean {
    return this.enabledFor.has(doc.uri.toString());
  }

  /** Turns the file blame on for a document (without toggling). */
  async show(editor: vscode.TextEditor): Promise<void> {
    this.enabledFor.add(editor.document.uri.toString());
    await this.refresh(editor);
  }

  async toggle(editor: vscode.TextEditor): Promise<boolean> {
    const key = editor.document.uri.toString();
    if (this.enabledFor.has(key)) {
      this.enabledFor.delete(key);
      for (const e of vscode.window.visibleTextEditors) {
        if (e.document === editor.document) {
          this.clear(e);
        }
      }
      return false;
    }
    await this.show(editor);
    return true;
  }

  private clear(editor: vscode.TextEditor): void {
    editor.setDecorations(this.decoration, []);
    for (const h of this.heat) {
      editor.setDecorations(h, []);
    }
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
    if (!isBlameScheme(editor.document.uri.scheme)) {
      return;
    }
    const view = await this.store.get(editor.document).catch(() => undefined);
    if (!view || !this.enabledFor.has(editor.document.uri.toString())) {
      return;
    }
    this.draw(editor, view);
  }

  private draw(editor: vscode.TextEditor, view: DocumentBlameView): void {
    const doc = editor.document;
    const config = vscode.workspace.getConfiguration("gitinspector");
    // The user's date format, else the daemon's announced default.
    const dateFormat = this.settings.dateFormat();
    const heatmap = config.get<boolean>("fileBlame.heatmap", true);
    const hunks = view.hunks;
    const times = hunks.filter((h) => !isNotCommitted(h.commit)).map((h) => h.commit.authorTime);
    const oldest = Math.min(...times);
    const newest = Math.max(...times);
    const annotations: vscode.DecorationOptions[] = [];
    const heat: vscode.Range[][] = Array.from({ length: HEAT_STEPS }, () => []);
    // Lines not committed have no author: no swatch (their label says so).
    const neutral = "transparent";
    for (const hunk of hunks) {
      const commit = hunk.commit;
      const uncommitted = isNotCommitted(commit);
      const light = authorColor(commit.authorRank, "light") ?? neutral;
      const dark = authorColor(commit.authorRank, "dark") ?? neutral;
      const date = uncommitted || dateFormat === undefined ? "" : formatDate(commit.authorTime, dateFormat);
      const label = uncommitted ? NOT_COMMITTED_TEXT : date ? `${commit.author}, ${date}` : commit.author;
      const step = newest > oldest ? heatStep((commit.authorTime - oldest) / (newest - oldest)) : HEAT_STEPS - 1;
      for (let i = 0; i < hunk.lineCount; i++) {
        const line = hunk.startLine + i;
        if (line >= doc.lineCount) {
          break;
        }
        const text = i === 0 ? truncate(label, WIDTH) : "";
        const start = new vscode.Position(line, 0);
        const range = new vscode.Range(start, start);
        if (heatmap && !uncommitted) {
          heat[step]?.push(range);
        }
        const swatch = (color: string): vscode.ThemableDecorationAttachmentRenderOptions => ({ borderColor: color });
        annotations.push({
          range,
          hoverMessage: i === 0 ? blameHover(hoverMarkdown(commit, undefined, date, { uri: doc.uri.toString(), line })) : undefined,
          renderOptions: {
            before: {
              contentText: `\u2002${text.padEnd(WIDTH, "\u00a0")}`,
              width: `${WIDTH + 2}ch`,
              color: new vscode.ThemeColor("editorCodeLens.foreground"),
              backgroundColor: new vscode.ThemeColor("editor.lineHighlightBackground"),
              // The swatch: a left border only (CSS after the one VS Code writes for textDecoration).
              textDecoration: "none; border-style: solid; border-width: 0 0 0 6px; box-sizing: border-box; display: inline-block",
            },
            light: { before: swatch(light) },
            dark: { before: swatch(dark) },
          },
        });
      }
    }
    editor.setDecorations(this.decoration, annotations);
    this.heat.forEach((type, i) => {
      editor.setDecorations(type, heat[i] ?? []);
    });
  }

  dispose(): void {
    if (this.timer) {
      clearTimeout(this.timer);
    }
    this.decoration.dispose();
    for (const h of this.heat) {
      h.dispose();
    }
    for (const s of this.subscriptions) {
      s.dispose();
    }
  }
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

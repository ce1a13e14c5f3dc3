// The repository authors webview: media/authors.{js,css}, themed with the
// editor's CSS variables. Its author colours are the extension's palette
// (palette.ts), given to the page here. The page keeps the analysis in its
// state, and a serializer brings the panel back after a window reload.
// Clicking a file in it opens the file. (Exported reports are the engine's:
// commands.ts asks the daemon for them.)

import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as vscode from "vscode";
import { escapeHtml } from "./format";
import { WEBVIEW_PALETTE } from "./palette";
import { AnalysisResult } from "./protocol";

export const AUTHORS_VIEW_TYPE = "gitinspector.authors";

function media(extensionPath: string, name: string): string {
  return fs.readFileSync(path.join(extensionPath, "media", name), "utf8");
}

/** JSON inside <script>: keep "</script>" and U+2028/9 from ending it. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/** The page; the analysis result arrives in messages (AuthorsPanel.post), or from the page's state. */
function pageHtml(extensionPath: string, title: string, cspSource: string): string {
  const nonce = crypto.randomBytes(16).toString("base64");
  const csp = `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'unsafe-inline'; script-src 'nonce-${nonce}';">`;
  const palette = `<script nonce="${nonce}">window.GITINSPECTOR_PALETTE = ${scriptJson(WEBVIEW_PALETTE)};</script>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
${csp}
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${media(extensionPath, "authors.css")}</style>
</head>
<body>
<div id="status"></div>
<div id="root"></div>
${palette}
<script nonce="${nonce}">${media(extensionPath, "authors.js")}</script>
</body>
</html>
`;
}

/** Whether `file` is inside `folder` (after resolving `..`). */
export function isInside(folder: string, file: string): boolean {
  const rel = path.relative(folder, file);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
}

const OPTIONS: vscode.WebviewPanelOptions & vscode.WebviewOptions = {
  enableScripts: true,
  retainContextWhenHidden: true,
  localResourceRoots: [],
};

export class AuthorsPanel {
  private static current: AuthorsPanel | undefined;
  private ready: Promise<void>;
  private disposed = false;

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionPath: string,
  ) {
    let resolveReady: () => void = () => undefined;
    this.ready = new Promise((resolve) => {
      resolveReady = resolve;
    });
    panel.webview.options = OPTIONS;
    panel.webview.onDidReceiveMessage((msg: { type?: string; repository?: unknown; path?: unknown }) => {
      if (msg.type === "ready") {
        resolveReady();
      } else if (msg.type === "open" && typeof msg.repository === "string" && typeof msg.path === "string") {
        void openFile(msg.repository, msg.path);
      }
    });
    panel.onDidDispose(() => {
      this.disposed = true;
      if (AuthorsPanel.current === this) {
        AuthorsPanel.current = undefined;
      }
    });
    panel.webview.html = pageHtml(extensionPath, panel.title, panel.webview.cspSource);
  }

  static show(extensionPath: string, title: string): AuthorsPanel {
    const existing = AuthorsPanel.current;
    if (existing && !existing.disposed) {
      existing.panel.title = title;
      existing.panel.reveal(vscode.ViewColumn.Active);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(AUTHORS_VIEW_TYPE, title, vscode.ViewColumn.Active, OPTIONS);
    AuthorsPanel.current = new AuthorsPanel(panel, extensionPath);
    return AuthorsPanel.current;
  }

  /** Brings back a panel of an earlier window (the page shows the analysis from its state). */
  static serializer(extensionPath: string): vscode.WebviewPanelSerializer {
    return {
      deserializeWebviewPanel: (panel: vscode.WebviewPanel): Thenable<void> => {
        const restored = new AuthorsPanel(panel, extensionPath);
        AuthorsPanel.current ??= restored;
        return Promise.resolve();
      },
    };
  }

  async post(message: { type: "progress"; percentage?: number; message?: string } | { type: "result"; data: AnalysisResult } | { type: "error"; message: string }): Promise<void> {
    await this.ready;
    if (!this.disposed) {
      await this.panel.webview.postMessage(message);
    }
  }
}

async function openFile(repository: string, file: string): Promise<void> {
  const target = path.resolve(repository, file);
  if (!isInside(repository, target)) {
    return;
  }
  try {
    await vscode.window.showTextDocument(vscode.Uri.file(target), { preview: false, viewColumn: vscode.ViewColumn.Active });
  } catch (e) {
    void vscode.window.showWarningMessage(`gitinspector: cannot open ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

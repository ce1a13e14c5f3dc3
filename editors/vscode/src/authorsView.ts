// The repository authors webview: media/authors.{js,css}, themed with the
// editor's CSS variables. Its author colours are the extension's palette
// (palette.ts), given to the page here. (Exported reports are the engine's:
// commands.ts asks the daemon for them.)

import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as vscode from "vscode";
import { escapeHtml } from "./format";
import { AUTHOR_PALETTE } from "./palette";
import { AnalysisResult } from "./protocol";

function media(extensionPath: string, name: string): string {
  return fs.readFileSync(path.join(extensionPath, "media", name), "utf8");
}

/** JSON inside <script>: keep "</script>" and U+2028/9 from ending it. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/** The page; the analysis result arrives in messages (AuthorsPanel.post). */
function pageHtml(extensionPath: string, title: string, cspSource: string): string {
  const nonce = crypto.randomBytes(16).toString("base64");
  const csp = `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'unsafe-inline'; script-src 'nonce-${nonce}';">`;
  const palette = `<script nonce="${nonce}">window.GITINSPECTOR_PALETTE = ${scriptJson(AUTHOR_PALETTE)};</script>`;
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
    panel.webview.onDidReceiveMessage((msg: { type?: string }) => {
      if (msg.type === "ready") {
        resolveReady();
      }
    });
    panel.onDidDispose(() => {
      this.disposed = true;
      if (AuthorsPanel.current === this) {
        AuthorsPanel.current = undefined;
      }
    });
    panel.webview.html = pageHtml(extensionPath, "Repository Authors", panel.webview.cspSource);
  }

  static show(extensionPath: string, title: string): AuthorsPanel {
    const existing = AuthorsPanel.current;
    if (existing && !existing.disposed) {
      existing.panel.title = title;
      existing.panel.reveal(vscode.ViewColumn.Active);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel("gitinspector.authors", title, vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [],
    });
    AuthorsPanel.current = new AuthorsPanel(panel, extensionPath);
    return AuthorsPanel.current;
  }

  async post(message: { type: "progress"; percentage?: number; message?: string } | { type: "result"; data: AnalysisResult } | { type: "error"; message: string }): Promise<void> {
    await this.ready;
    if (!this.disposed) {
      await this.panel.webview.postMessage(message);
    }
  }
}

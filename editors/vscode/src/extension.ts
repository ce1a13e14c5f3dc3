// gitinspector for VS Code: a thin client of the gitinspector-lsp daemon.

import * as vscode from "vscode";
import { ExecuteCommandParams, ExecuteCommandRequest, WorkDoneProgress, WorkDoneProgressBegin, WorkDoneProgressReport } from "vscode-languageclient/node";
import { AuthorsPanel, pageHtml, writeReport } from "./authorsView";
import { BlameStore } from "./blameStore";
import { Daemon } from "./daemon";
import { FileBlameController } from "./fileBlame";
import { formatDate, isNotCommitted } from "./format";
import { LineBlameController } from "./lineBlame";
import { AnalysisResult, BlameAnswer, CommitDetails, FileAuthors } from "./protocol";

let daemon: Daemon | undefined;

export interface GitinspectorApi {
  /** Number of `gitinspector/blame` requests sent (tests check the cache with it). */
  blameRequests(): number;
  daemonRunning(): boolean;
  lastError(): string | undefined;
}

export async function activate(context: vscode.ExtensionContext): Promise<GitinspectorApi> {
  const output = vscode.window.createOutputChannel("gitinspector", { log: true });
  context.subscriptions.push(output);

  const d = new Daemon(context, output, {
    executeCommand: async (command, args, next) => {
      const result = await next(command, args);
      // The file lens runs gitinspector.fileAuthors: show its answer.
      if (command === "gitinspector.fileAuthors" && result) {
        await showFileAuthors(result as FileAuthors, args[0]);
      }
      return result;
    },
    onStateChange: (running) => {
      if (running) {
        store.clear();
        lineBlame.schedule(0);
      }
    },
  });
  daemon = d;
  context.subscriptions.push(d);

  const store = new BlameStore(() => {
    const client = d.client;
    if (!client || !d.running) {
      return undefined;
    }
    return (uri: string, previousResultId: string | undefined) =>
      client.sendRequest<BlameAnswer>("gitinspector/blame", { textDocument: { uri }, previousResultId });
  });
  const lineBlame = new LineBlameController(store);
  const fileBlame = new FileBlameController(store);
  context.subscriptions.push(store, lineBlame, fileBlame);

  async function executeDaemonCommand<T>(command: string, args: unknown[], token?: vscode.CancellationToken, onProgress?: (p: { percentage?: number; message?: string }) => void): Promise<T> {
    const client = d.client;
    if (!client || !d.running) {
      throw new Error(d.lastError ?? "The gitinspector daemon is not running.");
    }
    const params: ExecuteCommandParams = { command, arguments: args };
    let progress: vscode.Disposable | undefined;
    if (onProgress) {
      const workDoneToken = `gitinspector-${Date.now()}-${Math.random().toString(36).slice(2)}`;
      params.workDoneToken = workDoneToken;
      progress = client.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
        if (value.kind === "begin" || value.kind === "report") {
          const v: WorkDoneProgressBegin | WorkDoneProgressReport = value;
          onProgress({ percentage: v.percentage, message: v.message ?? (value.kind === "begin" ? value.title : undefined) });
        }
      });
    }
    try {
      return (await client.sendRequest(ExecuteCommandRequest.type, params, token)) as T;
    } finally {
      progress?.dispose();
    }
  }

  function activeFileEditor(): vscode.TextEditor | undefined {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.uri.scheme !== "file") {
      void vscode.window.showWarningMessage("gitinspector: open a file of a git repository first.");
      return undefined;
    }
    return editor;
  }

  async function showCommit(uri: vscode.Uri, shaOrLine: string | number): Promise<void> {
    try {
      const c = await executeDaemonCommand<CommitDetails>("gitinspector.showCommit", [uri.toString(), shaOrLine]);
      if (isNotCommitted(c)) {
        void vscode.window.showInformationMessage("This line is not committed yet.");
        return;
      }
      const dateFormat = vscode.workspace.getConfiguration("gitinspector").get<string>("dateFormat", "relative");
      const date = c.authorTime ? `${new Date(c.authorTime * 1000).toLocaleString()} (${formatDate(c.authorTime, dateFormat)})` : "";
      const lines = [
        `Author: ${c.author} <${c.email ?? ""}>`,
        `Date: ${date}`,
        c.committer && c.committer !== c.author ? `Committer: ${c.committer}` : "",
        c.file ? `${c.file.path}: +${c.file.insertions} −${c.file.deletions}` : "",
        "",
        c.message.trim(),
      ].filter((l, i) => l !== "" || i === 4);
      const choice = await vscode.window.showInformationMessage(
        `Commit ${c.sha.slice(0, 10)}: ${c.summary}`,
        { modal: true, detail: lines.join("\n") },
        "Copy SHA",
      );
      if (choice === "Copy SHA") {
        await vscode.env.clipboard.writeText(c.sha);
      }
    } catch (e) {
      void vscode.window.showErrorMessage(`gitinspector: ${errorText(e)}`);
    }
  }

  async function showFileAuthors(result: FileAuthors, uriArg: unknown): Promise<void> {
    const dateFormat = vscode.workspace.getConfiguration("gitinspector").get<string>("dateFormat", "relative");
    const items = result.authors.map((a) => ({
      label: a.name,
      description: `${a.lines} lines (${a.percent.toFixed(1)}%)`,
      detail: `${a.email} · last change ${formatDate(a.lastChange.authorTime, dateFormat)}: ${a.lastChange.summary}`,
      sha: a.lastChange.sha,
    }));
    const picked = await vscode.window.showQuickPick(items, {
      title: `Authors of ${result.path ?? "file"} (${result.lines} lines)`,
      placeHolder: "Pick an author to see their last change",
      matchOnDescription: true,
      matchOnDetail: true,
    });
    if (picked && typeof uriArg === "string") {
      await showCommit(vscode.Uri.parse(uriArg), picked.sha);
    }
  }

  async function runAnalysis(title: string, command: string, args: unknown[], panel?: AuthorsPanel): Promise<AnalysisResult | undefined> {
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      async (progress, token) => {
        let last = 0;
        try {
          const result = await executeDaemonCommand<AnalysisResult>(command, args, token, (p) => {
            const increment = p.percentage !== undefined ? Math.max(0, p.percentage - last) : undefined;
            if (p.percentage !== undefined) {
              last = p.percentage;
            }
            progress.report({ message: p.message, increment });
            void panel?.post({ type: "progress", percentage: p.percentage, message: p.message });
          });
          await panel?.post({ type: "result", data: result });
          return result;
        } catch (e) {
          const message = token.isCancellationRequested ? "Analysis cancelled." : `Analysis failed: ${errorText(e)}`;
          await panel?.post({ type: "error", message });
          if (!token.isCancellationRequested) {
            void vscode.window.showErrorMessage(`gitinspector: ${message}`);
          }
          return undefined;
        }
      },
    );
  }

  const register = (id: string, fn: (...args: unknown[]) => unknown) => {
    context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  };

  register("gitinspector.toggleLineBlame", () => {
    const on = lineBlame.toggle();
    vscode.window.setStatusBarMessage(`gitinspector: line blame ${on ? "on" : "off"}`, 2000);
  });
  register("gitinspector.toggleFileBlame", async () => {
    const editor = activeFileEditor();
    if (editor) {
      await fileBlame.toggle(editor);
    }
  });
  register("gitinspector.showCommitDetails", async (uriArg?: unknown, shaArg?: unknown) => {
    if (typeof uriArg === "string" && (typeof shaArg === "string" || typeof shaArg === "number")) {
      await showCommit(vscode.Uri.parse(uriArg), shaArg);
      return;
    }
    const editor = activeFileEditor();
    if (editor) {
      await showCommit(editor.document.uri, editor.selection.active.line);
    }
  });
  register("gitinspector.copyCommitSha", async () => {
    const editor = activeFileEditor();
    if (!editor) {
      return;
    }
    const view = await store.get(editor.document);
    const blame = view?.line(editor.selection.active.line);
    if (!blame || isNotCommitted(blame.commit)) {
      void vscode.window.showInformationMessage("gitinspector: this line is not committed yet.");
      return;
    }
    await vscode.env.clipboard.writeText(blame.commit.sha);
    vscode.window.setStatusBarMessage(`Copied ${blame.commit.sha.slice(0, 10)}`, 3000);
  });
  register("gitinspector.showFileAuthors", async () => {
    const editor = activeFileEditor();
    if (!editor) {
      return;
    }
    try {
      const uri = editor.document.uri.toString();
      const result = await executeDaemonCommand<FileAuthors>("gitinspector.fileAuthors", [uri]);
      await showFileAuthors(result, uri);
    } catch (e) {
      void vscode.window.showErrorMessage(`gitinspector: ${errorText(e)}`);
    }
  });
  register("gitinspector.showRepositoryAuthors", async () => {
    const editor = vscode.window.activeTextEditor;
    const panel = AuthorsPanel.show(context.extensionPath, "Repository Authors");
    if (editor && editor.document.uri.scheme === "file") {
      const result = await runAnalysis("gitinspector: analyzing the repository", "gitinspector.repositoryAuthors", [editor.document.uri.toString()], panel);
      if (result?.repositories[0]) {
        panel.panel.title = `Authors: ${result.repositories[0].name}`;
      }
    } else {
      await runAnalysis("gitinspector: analyzing the workspace", "gitinspector.analyzeWorkspace", [], panel);
    }
  });
  register("gitinspector.exportReport", async () => {
    const result = await runAnalysis("gitinspector: analyzing the workspace for the report", "gitinspector.analyzeWorkspace", []);
    if (!result) {
      return;
    }
    const configured = vscode.workspace.getConfiguration("gitinspector").get<string>("report.directory", "");
    const dir = configured ? vscode.Uri.file(configured) : vscode.Uri.joinPath(context.globalStorageUri, "reports");
    const file = await writeReport(context.extensionPath, dir, result);
    output.appendLine(`Report written to ${file.fsPath}`);
    const preview = vscode.window.createWebviewPanel("gitinspector.report", "gitinspector Report", vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [],
    });
    preview.webview.html = pageHtml(context.extensionPath, "gitinspector report", result, preview.webview.cspSource);
    const choice = await vscode.window.showInformationMessage(`gitinspector: report written to ${file.fsPath}`, "Open in Browser", "Copy Path");
    if (choice === "Open in Browser") {
      await vscode.env.openExternal(file);
    } else if (choice === "Copy Path") {
      await vscode.env.clipboard.writeText(file.fsPath);
    }
  });
  register("gitinspector.restartServer", async () => {
    store.clear();
    if (await d.restart()) {
      vscode.window.setStatusBarMessage("gitinspector: daemon restarted", 3000);
    }
  });
  register("gitinspector.showLog", () => {
    output.show();
  });

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration("gitinspector.path")) {
        store.clear();
        await d.restart();
      }
    }),
  );

  await d.start();
  return {
    blameRequests: () => store.requests,
    daemonRunning: () => d.running,
    lastError: () => d.lastError,
  };
}

export async function deactivate(): Promise<void> {
  await daemon?.stop();
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

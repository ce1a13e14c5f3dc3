// The extension's commands (package.json `contributes.commands`): one method
// each; activate() builds this and registers them.

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as vscode from "vscode";
import { AuthorsPanel } from "./authorsView";
import { BlameStore } from "./blameStore";
import { Daemon } from "./daemon";
import { FileBlameController } from "./fileBlame";
import { formatDate, isNotCommitted, NOT_COMMITTED_TEXT } from "./format";
import { HistoryViews } from "./history";
import { LineBlameController } from "./lineBlame";
import { AnalysisResult, CommitDetails, FileAuthors, RenderReportResult } from "./protocol";
import { authorLinesLabel, fileAuthorsTitle } from "./fileAuthors";
import { isBlameScheme } from "./schemes";
import { REPORT_FORMATS, ReportFormat, reportFileName, reportFormat, reportInputs, renderReportParams } from "./report";
import { userValue } from "./settings";

export class Commands {
  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
    private readonly daemon: Daemon,
    private readonly store: BlameStore,
    private readonly lineBlame: LineBlameController,
    private readonly fileBlame: FileBlameController,
    private readonly history: HistoryViews,
  ) {}

  /** Registers every command with VS Code. */
  register(): void {
    const commands: [string, (...args: unknown[]) => unknown][] = [
      ["gitinspector.toggleLineBlame", () => {
        this.toggleLineBlame();
      }],
      ["gitinspector.toggleFileBlame", () => this.toggleFileBlame()],
      ["gitinspector.showCommitDetails", (uri?: unknown, sha?: unknown) => this.showCommitDetails(uri, sha)],
      ["gitinspector.copyCommitSha", () => this.copyCommitSha()],
      ["gitinspector.copySha", (sha?: unknown) => this.copySha(sha)],
      ["gitinspector.showFileAuthors", () => this.showFileAuthors()],
      ["gitinspector.showRepositoryAuthors", () => this.showRepositoryAuthors()],
      ["gitinspector.exportReport", (format?: unknown) => this.exportReport(format)],
      ["gitinspector.restartServer", () => this.restartServer()],
      ["gitinspector.showLog", () => {
        this.output.show();
      }],
    ];
    for (const [id, fn] of [...commands, ...this.history.commands()]) {
      this.context.subscriptions.push(vscode.commands.registerCommand(id, fn));
    }
  }

  toggleLineBlame(): void {
    const on = this.lineBlame.toggle();
    vscode.window.setStatusBarMessage(`gitinspector: line blame ${on ? "on" : "off"}`, 2000);
  }

  async toggleFileBlame(): Promise<void> {
    const editor = activeFileEditor();
    if (editor) {
      await this.fileBlame.toggle(editor);
    }
  }

  /** The commit of `[uri, sha or line]`, else of the cursor line, in a dialog (the status bar item's click). */
  async showCommitDetails(uriArg?: unknown, shaArg?: unknown): Promise<void> {
    if (typeof uriArg === "string" && (typeof shaArg === "string" || typeof shaArg === "number")) {
      await this.showCommit(vscode.Uri.parse(uriArg), shaArg);
      return;
    }
    const editor = activeBlameEditor();
    if (!editor) {
      return;
    }
    const line = editor.selection.active.line;
    if (editor.document.uri.scheme === "file") {
      await this.showCommit(editor.document.uri, line);
      return;
    }
    const commit = this.store.latest(editor.document)?.line(line);
    if (commit) {
      await this.showCommit(this.history.origin(editor.document.uri), commit.sha);
    }
  }

  async copyCommitSha(): Promise<void> {
    const editor = activeBlameEditor();
    if (!editor) {
      return;
    }
    const view = editor.document.uri.scheme === "file" ? await this.store.get(editor.document) : this.store.latest(editor.document);
    const commit = view?.line(editor.selection.active.line);
    if (!commit || isNotCommitted(commit)) {
      void vscode.window.showInformationMessage(`gitinspector: this line is ${NOT_COMMITTED_TEXT}.`);
      return;
    }
    await this.copySha(commit.sha);
  }

  async copySha(sha: unknown): Promise<void> {
    if (typeof sha !== "string" || !sha) {
      await this.copyCommitSha();
      return;
    }
    await vscode.env.clipboard.writeText(sha);
    vscode.window.setStatusBarMessage(`gitinspector: copied ${sha.slice(0, 10)}`, 3000);
  }

  async showFileAuthors(): Promise<void> {
    const editor = activeFileEditor();
    if (!editor) {
      return;
    }
    try {
      const uri = editor.document.uri.toString();
      const result = await this.daemon.command<FileAuthors>("gitinspector.fileAuthors", [uri]);
      await this.pickFileAuthor(result, [uri]);
    } catch (e) {
      void vscode.window.showErrorMessage(`gitinspector: ${errorText(e)}`);
    }
  }

  async showRepositoryAuthors(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const panel = AuthorsPanel.show(this.context.extensionPath, "Repository Authors");
    if (editor && editor.document.uri.scheme === "file") {
      const result = await this.runAnalysis("gitinspector: analyzing the repository", "gitinspector.repositoryAuthors", [editor.document.uri.toString()], panel);
      if (result?.repositories[0]) {
        panel.panel.title = `Authors: ${result.repositories[0].name}`;
      }
    } else {
      await this.runAnalysis("gitinspector: analyzing the workspace", "gitinspector.analyzeWorkspace", [], panel);
    }
  }

  /**
   * The engine's report of the workspace's repositories (`gitinspector/renderReport`),
   * written by the daemon into the report folder, then opened. `formatArg` ("html",
   * "excel", "markdown", "csv") skips the quick pick of the format.
   */
  async exportReport(formatArg?: unknown): Promise<void> {
    const format = reportFormat(formatArg) ?? (await pickReportFormat());
    if (!format) {
      return;
    }
    const config = vscode.workspace.getConfiguration("gitinspector");
    const analysis = userValue(config.inspect("analysis"));
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === "file").map((f) => f.uri.fsPath);
    const inputs = reportInputs(analysis, folders);
    if (inputs.length === 0) {
      void vscode.window.showWarningMessage("gitinspector: open a folder of a git repository first.");
      return;
    }
    const output = path.join(this.reportDirectory(), reportFileName(inputs, format, new Date()));
    const params = renderReportParams(analysis, folders, format, output);
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `gitinspector: writing the ${format.label} report`, cancellable: true },
      async (progress, token) => {
        let last = 0;
        try {
          return await this.daemon.request<RenderReportResult>("gitinspector/renderReport", params, token, (p) => {
            const increment = p.percentage !== undefined ? Math.max(0, p.percentage - last) : undefined;
            if (p.percentage !== undefined) {
              last = p.percentage;
            }
            progress.report({ message: p.message, increment });
          });
        } catch (e) {
          if (!token.isCancellationRequested) {
            void vscode.window.showErrorMessage(`gitinspector: the report failed: ${errorText(e)}`);
          }
          return undefined;
        }
      },
    );
    if (!result) {
      return;
    }
    if (result.errors.length > 0) {
      const failed = result.errors.map((e) => `${e.path}: ${e.error}`).join("; ");
      void vscode.window.showWarningMessage(`gitinspector: not in the report: ${failed}`);
    }
    const files = result.files ?? [];
    const [first] = files;
    if (first === undefined) {
      void vscode.window.showErrorMessage("gitinspector: the daemon wrote no report file.");
      return;
    }
    for (const file of files) {
      this.output.info(`Report written to ${file}`);
    }
    await this.openReport(format, first, inputs);
    const where = files.length > 1 ? `${files.length} ${format.label} files written to ${path.dirname(first)}` : `report written to ${first}`;
    const open = format.format === "html" ? "Open in Browser" : format.format === "excel" ? "Open" : undefined;
    const choice = await vscode.window.showInformationMessage(`gitinspector: ${where}`, ...(open ? [open] : []), "Copy Path");
    if (choice === open && open !== undefined) {
      await vscode.env.openExternal(vscode.Uri.file(first));
    } else if (choice === "Copy Path") {
      await vscode.env.clipboard.writeText(files.length > 1 ? path.dirname(first) : first);
    }
  }

  /** `gitinspector.report.directory` (`~/` and workspace-relative paths resolved), else the extension's storage. */
  private reportDirectory(): string {
    const configured = vscode.workspace.getConfiguration("gitinspector").get<string>("report.directory", "").trim();
    if (!configured) {
      return path.join(this.context.globalStorageUri.fsPath, "reports");
    }
    const expanded = configured === "~" || configured.startsWith("~/") ? path.join(os.homedir(), configured.slice(1)) : configured;
    const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    return path.isAbsolute(expanded) || base === undefined ? expanded : path.join(base, expanded);
  }

  /**
   * Shows a report the daemon wrote: HTML in a preview (the engine's page as it is: its
   * own Content-Security-Policy lets only its inline style and script run, which a
   * webview allows), Markdown and CSV in an editor; Excel is opened on request.
   */
  private async openReport(format: ReportFormat, file: string, inputs: readonly string[]): Promise<void> {
    try {
      if (format.format === "html") {
        const names = inputs.map((i) => path.basename(i)).join(", ");
        const preview = vscode.window.createWebviewPanel("gitinspector.report", `gitinspector Report: ${names}`, vscode.ViewColumn.Active, {
          enableScripts: true,
          enableFindWidget: true,
          retainContextWhenHidden: true,
          localResourceRoots: [],
        });
        preview.webview.html = await fs.promises.readFile(file, "utf8");
      } else if (format.format === "markdown" || format.format === "csv") {
        await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: false });
      }
    } catch (e) {
      this.output.warn(`Cannot show ${file}: ${errorText(e)}`);
    }
  }

  async restartServer(): Promise<void> {
    this.store.clear();
    if (await this.daemon.restart()) {
      vscode.window.setStatusBarMessage("gitinspector: daemon restarted", 3000);
    }
  }

  /**
   * A `gitinspector.fileAuthors` answer as a quick pick (the file lens's and,
   * with `[uri, startLine, endLine]`, a block lens's); picking an author shows
   * their last change.
   */
  async pickFileAuthor(result: FileAuthors, args: unknown[]): Promise<void> {
    const items = result.authors.map((a) => ({
      label: a.name,
      description: authorLinesLabel(a.lines, a.percent),
      detail: `${a.email} · last change ${a.lastChange.date ?? this.date(a.lastChange.authorTime)}: ${a.lastChange.summary}`,
      sha: a.lastChange.sha,
    }));
    const picked = await vscode.window.showQuickPick(items, {
      title: fileAuthorsTitle(result, args),
      placeHolder: "Pick an author to see their last change",
      matchOnDescription: true,
      matchOnDetail: true,
    });
    const uriArg = args[0];
    if (picked && typeof uriArg === "string") {
      await this.showCommit(vscode.Uri.parse(uriArg), picked.sha);
    }
  }

  /** A date as the daemon formats it: the user's dateFormat, else the daemon's announced default. */
  private date(seconds: number): string {
    const dateFormat = this.daemon.dateFormat();
    return dateFormat === undefined ? new Date(seconds * 1000).toLocaleString() : formatDate(seconds, dateFormat);
  }

  /** A commit's details in a dialog; dates as the daemon formats them. */
  private async showCommit(uri: vscode.Uri, shaOrLine: string | number): Promise<void> {
    try {
      const c = await this.daemon.command<CommitDetails>("gitinspector.showCommit", [uri.toString(), shaOrLine]);
      if (isNotCommitted(c)) {
        void vscode.window.showInformationMessage(`This line is ${NOT_COMMITTED_TEXT}.`);
        return;
      }
      const date = c.date ?? (c.authorTime ? this.date(c.authorTime) : "");
      const lines = [
        `Author: ${c.author}${c.email ? ` <${c.email}>` : ""}`,
        date ? `Date: ${date}` : "",
        c.committer && c.committer !== c.author ? `Committer: ${c.committer}` : "",
        c.file ? `${c.file.path}: +${c.file.insertions} −${c.file.deletions}` : "",
      ].filter((l) => l !== "");
      const choice = await vscode.window.showInformationMessage(
        `Commit ${c.sha.slice(0, 10)}: ${c.summary}`,
        { modal: true, detail: `${lines.join("\n")}\n\n${c.message.trim()}` },
        "Open Commit",
        "Copy SHA",
      );
      if (choice === "Copy SHA") {
        await this.copySha(c.sha);
      } else if (choice === "Open Commit") {
        await this.history.openCommit(uri.toString(), c.sha);
      }
    } catch (e) {
      void vscode.window.showErrorMessage(`gitinspector: ${errorText(e)}`);
    }
  }

  /** An analysis command with its progress in a notification (and the panel, if any). */
  private async runAnalysis(title: string, command: string, args: unknown[], panel?: AuthorsPanel): Promise<AnalysisResult | undefined> {
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      async (progress, token) => {
        let last = 0;
        try {
          const result = await this.daemon.command<AnalysisResult>(command, args, token, (p) => {
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
}

/** The report format, from a quick pick (HTML first). */
async function pickReportFormat(): Promise<ReportFormat | undefined> {
  const items = REPORT_FORMATS.map((f) => ({ label: f.label, description: f.extension, detail: f.description, format: f }));
  const picked = await vscode.window.showQuickPick(items, {
    title: "gitinspector: export a report of the workspace",
    placeHolder: "Format of the report",
    matchOnDetail: true,
  });
  return picked?.format;
}

/** The active editor if it shows a file or a past revision of one, else a warning. */
function activeBlameEditor(): vscode.TextEditor | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !isBlameScheme(editor.document.uri.scheme)) {
    void vscode.window.showWarningMessage("gitinspector: open a file of a git repository first.");
    return undefined;
  }
  return editor;
}

/** The active editor if it shows a file, else a warning. */
function activeFileEditor(): vscode.TextEditor | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.uri.scheme !== "file") {
    void vscode.window.showWarningMessage("gitinspector: open a file of a git repository first.");
    return undefined;
  }
  return editor;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

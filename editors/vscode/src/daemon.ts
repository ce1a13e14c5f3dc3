// Starts the gitinspector-lsp daemon with vscode-languageclient, restarts it
// when it dies, and tells the user why when it cannot start.

import * as fs from "fs";
import * as path from "path";
import * as vscode from "vscode";
import {
  CloseAction,
  CloseHandlerResult,
  DidChangeConfigurationNotification,
  ErrorAction,
  ErrorHandlerResult,
  LanguageClient,
  LanguageClientOptions,
  Message,
  ServerOptions,
  State,
} from "vscode-languageclient/node";
import { HealthReport } from "./protocol";
import { announcedDefaults, asString, currentLineTemplate, DAEMON_KEYS, daemonSetting, TextSettings, userSettings } from "./settings";

const BINARY = "gitinspector-lsp";

class DaemonNotFound extends Error {}

/** The binary to run: the setting, else bin/ in the extension, else PATH. */
function resolveBinary(extensionPath: string): string {
  const configured = vscode.workspace.getConfiguration("gitinspector").get<string>("path", "").trim();
  if (configured) {
    const expanded = configured.startsWith("~/") ? path.join(process.env.HOME ?? "", configured.slice(2)) : configured;
    if (!isExecutable(expanded)) {
      throw new DaemonNotFound(
        `The gitinspector.path setting points to "${configured}", which is not an executable file.`,
      );
    }
    return expanded;
  }
  const bundled = path.join(extensionPath, "bin", process.platform === "win32" ? `${BINARY}.exe` : BINARY);
  if (isExecutable(bundled)) {
    return bundled;
  }
  const onPath = findOnPath(BINARY);
  if (onPath) {
    return onPath;
  }
  throw new DaemonNotFound(
    `${BINARY} was not found: it is not bundled with the extension and not on PATH. Install it, or set gitinspector.path to the binary.`,
  );
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function findOnPath(name: string): string | undefined {
  const exts = process.platform === "win32" ? [".exe", ".cmd", ""] : [""];
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      if (dir && isExecutable(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

/** The daemon's settings the user set (never VS Code's defaults: the daemon has its own). */
function daemonSettings(): Record<string, unknown> {
  const c = vscode.workspace.getConfiguration("gitinspector");
  return userSettings((key) => c.inspect(key));
}

interface DaemonHooks {
  /** Runs a daemon command's result through the editor (e.g. the lens's fileAuthors). */
  executeCommand?: (command: string, args: unknown[], next: (command: string, args: unknown[]) => Promise<unknown>) => Promise<unknown>;
  onStateChange?: (running: boolean) => void;
}

export class Daemon implements vscode.Disposable, TextSettings {
  client: LanguageClient | undefined;
  private restarts: number[] = [];
  private stopping = false;
  lastError: string | undefined;
  /** Sends the daemon's settings again when the user changes one. */
  private readonly configListener = vscode.workspace.onDidChangeConfiguration((e) => {
    const client = this.client;
    if (client && this.running && DAEMON_KEYS.some((key) => e.affectsConfiguration(`gitinspector.${key}`))) {
      void client.sendNotification(DidChangeConfigurationNotification.type, { settings: { gitinspector: daemonSettings() } });
    }
  });

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
    private readonly hooks: DaemonHooks,
  ) {}

  get running(): boolean {
    return this.client?.state === State.Running;
  }

  /** The defaults the running daemon announced in its `initialize` result. */
  get defaults(): Record<string, unknown> | undefined {
    return announcedDefaults(this.client?.initializeResult);
  }

  dateFormat(): string | undefined {
    const c = vscode.workspace.getConfiguration("gitinspector");
    return asString(daemonSetting("dateFormat", c.inspect("dateFormat"), this.defaults));
  }

  lineTemplate(): string | undefined {
    const c = vscode.workspace.getConfiguration("gitinspector");
    return currentLineTemplate(c.inspect("currentLine.template"), c.inspect("blameTemplate"), this.defaults);
  }

  async start(): Promise<boolean> {
    this.stopping = false;
    let command: string;
    try {
      command = resolveBinary(this.context.extensionPath);
    } catch (e) {
      this.fail(e instanceof Error ? e.message : String(e));
      return false;
    }
    this.output.appendLine(`Starting ${command}`);
    const serverOptions: ServerOptions = {
      run: { command, args: ["serve"] },
      debug: { command, args: ["serve"], options: { env: { ...process.env, GITINSPECTOR_LOG: "debug" } } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ scheme: "file" }],
      outputChannel: this.output,
      initializationOptions: daemonSettings(),
      // Handled by the errorHandler below: restart quietly, explain when giving up.
      connectionOptions: { maxRestartCount: 0 },
      errorHandler: {
        error: (error: Error, message: Message | undefined, count: number | undefined): ErrorHandlerResult => {
          this.output.appendLine(`Connection error: ${error.message} ${message ? JSON.stringify(message) : ""}`);
          return { action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown, handled: true };
        },
        closed: (): CloseHandlerResult => this.onClosed(),
      },
      middleware: {
        executeCommand: async (cmd, args, next) => {
          if (this.hooks.executeCommand) {
            return this.hooks.executeCommand(cmd, args, async (c, a) => next(c, a) as Promise<unknown>);
          }
          return next(cmd, args) as Promise<unknown>;
        },
      },
    };
    const client = new LanguageClient("gitinspector", "gitinspector", serverOptions, clientOptions);
    this.client = client;
    client.onDidChangeState((e) => this.hooks.onStateChange?.(e.newState === State.Running));
    try {
      await client.start();
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      this.fail(`The gitinspector daemon (${command}) could not start: ${reason}`);
      return false;
    }
    if (!this.defaults) {
      // The extension has no defaults of its own: without these, the texts it
      // formats itself (current-line blame, dates) cannot be drawn.
      const message = `The gitinspector daemon (${command}) does not announce its settings' defaults in its initialize result (capabilities.experimental.gitinspector.defaults): it is older than this extension. Update it.`;
      this.output.appendLine(`Error: ${message}`);
      void vscode.window.showWarningMessage(message);
    }
    return this.checkHealth();
  }

  private onClosed(): CloseHandlerResult {
    if (this.stopping) {
      return { action: CloseAction.DoNotRestart, handled: true };
    }
    const now = Date.now();
    this.restarts = this.restarts.filter((t) => now - t < 3 * 60 * 1000);
    this.restarts.push(now);
    if (this.restarts.length > 4) {
      this.fail(
        "The gitinspector daemon stopped 5 times in the last 3 minutes and will not be restarted. See the gitinspector output for its log.",
      );
      return { action: CloseAction.DoNotRestart, handled: true };
    }
    this.output.appendLine("The gitinspector daemon stopped; restarting it.");
    return { action: CloseAction.Restart, handled: true };
  }

  /** Calls gitinspector/healthCheck; an unhealthy engine is reported to the user. */
  private async checkHealth(): Promise<boolean> {
    const client = this.client;
    if (!client) {
      return false;
    }
    try {
      const report = await client.sendRequest<HealthReport>("gitinspector/healthCheck", {});
      this.output.appendLine(`Health check: ${JSON.stringify(report)}`);
      if (report.status !== "ok") {
        const problems = (report.problems ?? []).join("; ") || `status ${report.status}`;
        this.fail(`The gitinspector analysis engine failed its health check: ${problems}`);
        return false;
      }
      this.lastError = undefined;
      return true;
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      this.fail(`The gitinspector daemon did not answer its health check: ${reason}`);
      return false;
    }
  }

  private fail(message: string): void {
    this.lastError = message;
    this.output.appendLine(`Error: ${message}`);
    void vscode.window.showErrorMessage(message, "Open Settings", "Show Log").then((choice) => {
      if (choice === "Open Settings") {
        void vscode.commands.executeCommand("workbench.action.openSettings", "gitinspector.path");
      } else if (choice === "Show Log") {
        this.output.show();
      }
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const client = this.client;
    this.client = undefined;
    if (client) {
      try {
        await client.stop(5000);
      } catch {
        // already gone
      }
      await client.dispose();
    }
  }

  async restart(): Promise<boolean> {
    await this.stop();
    this.restarts = [];
    return this.start();
  }

  dispose(): void {
    this.configListener.dispose();
    void this.stop();
  }
}

// Starts the gitinspector-lsp daemon with vscode-languageclient, restarts it
// when it dies, and tells the user why when it cannot start.

import * as fs from "fs";
import * as os from "os";
import * as readline from "readline";
import * as vscode from "vscode";
import {
  CloseAction,
  CloseHandlerResult,
  CodeLensRefreshRequest,
  CodeLensRequest,
  DidChangeConfigurationNotification,
  ErrorAction,
  ErrorHandlerResult,
  ExecuteCommandParams,
  ExecuteCommandRequest,
  FeatureState,
  InlayHintRefreshRequest,
  InlayHintRequest,
  LanguageClient,
  LanguageClientOptions,
  Message,
  ServerOptions,
  State,
  StaticFeature,
  WorkDoneProgress,
} from "vscode-languageclient/node";
import { INSTALL_COMMAND, locateDaemon } from "./locate";
import { stderrLine } from "./logs";
import { HealthReport } from "./protocol";
import {
  announcedDefaults,
  asString,
  currentLineTemplate,
  DAEMON_KEYS,
  daemonSetting,
  TextSettings,
  userSettings,
  withExtensionSettings,
} from "./settings";

class DaemonNotFound extends Error {}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The configured daemon path: `gitinspector.serverPath`, else the older `gitinspector.path`. */
function configuredPath(): { value: string; setting: string } {
  const c = vscode.workspace.getConfiguration("gitinspector");
  const serverPath = c.get<string>("serverPath", "").trim();
  if (serverPath) {
    return { value: serverPath, setting: "gitinspector.serverPath" };
  }
  const legacy = c.get<string>("path", "").trim();
  return legacy ? { value: legacy, setting: "gitinspector.path" } : { value: "", setting: "gitinspector.serverPath" };
}

/** The binary to run (locate.ts): the setting, else bin/ in the extension, PATH and the install locations. */
function resolveBinary(extensionPath: string): string {
  const { value, setting } = configuredPath();
  const located = locateDaemon(value, { platform: process.platform, home: os.homedir(), pathEnv: process.env.PATH ?? "", extensionPath, isExecutable }, setting);
  if ("error" in located) {
    throw new DaemonNotFound(located.error);
  }
  return located.found;
}

/** Opens the Settings editor at `gitinspector.serverPath` (in a remote window, where it applies: the Remote tab). */
export async function openServerPathSetting(): Promise<void> {
  const query = "gitinspector.serverPath";
  if (vscode.env.remoteName) {
    await vscode.commands.executeCommand("workbench.action.openRemoteSettings", { query });
  } else {
    await vscode.commands.executeCommand("workbench.action.openSettings", query);
  }
}

/**
 * Re-handles the daemon's `workspace/codeLens/refresh` and
 * `workspace/inlayHint/refresh` (sent when a commit, checkout, rebase or reset
 * changed blame): the lenses and hints are asked again as the language client
 * does, and the extension's own blame (current line, status bar, file blame)
 * too. Registered after the client's features, so its handlers are the ones
 * the connection keeps, on every (re)start.
 */
class RefreshFeature implements StaticFeature {
  constructor(
    private readonly client: LanguageClient,
    private readonly onRefresh: () => void,
  ) {}

  fillClientCapabilities(): void {
    // The client's CodeLens and InlayHint features announce refreshSupport.
  }

  initialize(): void {
    const docs = (): vscode.TextDocument[] => vscode.workspace.textDocuments.filter((d) => d.uri.scheme === "file");
    this.client.onRequest(CodeLensRefreshRequest.type, () => {
      const lenses = this.client.getFeature(CodeLensRequest.method);
      for (const provider of new Set(docs().map((d) => lenses.getProvider(d)))) {
        provider?.onDidChangeCodeLensEmitter.fire();
      }
      this.onRefresh();
    });
    this.client.onRequest(InlayHintRefreshRequest.type, () => {
      const hints = this.client.getFeature(InlayHintRequest.method);
      for (const provider of new Set(docs().map((d) => hints.getProvider(d)))) {
        provider?.onDidChangeInlayHints.fire();
      }
      this.onRefresh();
    });
  }

  getState(): FeatureState {
    return { kind: "static" };
  }

  clear(): void {
    // Nothing held.
  }
}

interface Progress {
  percentage?: number;
  message?: string;
}

/** The daemon's settings the user set (never VS Code's defaults: the daemon has its own). */
function daemonSettings(): Record<string, unknown> {
  const c = vscode.workspace.getConfiguration("gitinspector");
  return withExtensionSettings(userSettings((key) => c.inspect(key)));
}

interface DaemonHooks {
  /** Runs a daemon command's result through the editor (e.g. the lens's fileAuthors). */
  executeCommand?: (command: string, args: unknown[], next: (command: string, args: unknown[]) => Promise<unknown>) => Promise<unknown>;
  onStateChange?: (running: boolean) => void;
  /** The daemon signalled that blame changed (HEAD moved): what the extension holds is out of date. */
  onRefresh?: () => void;
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
      this.fail(e instanceof Error ? e.message : String(e), e instanceof DaemonNotFound);
      return false;
    }
    this.output.info(`Starting ${command}`);
    const serverOptions: ServerOptions = {
      run: { command, args: ["serve"] },
      debug: { command, args: ["serve"], options: { env: { ...process.env, GITINSPECTOR_LOG: "debug" } } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ scheme: "file" }],
      outputChannel: this.output,
      // stderr is tracing's log: shown from WARN up, at its level (logs.ts);
      // the daemon's records arrive as window/logMessage too.
      stdioOptions: {
        stdout: (input, channel) => {
          readline.createInterface({ input, crlfDelay: Infinity, terminal: false }).on("line", (line) => {
            channel.info(line);
          });
        },
        stderr: (input, channel) => {
          readline.createInterface({ input, crlfDelay: Infinity, terminal: false }).on("line", (line) => {
            const shown = stderrLine(line);
            if (shown) {
              channel[shown.level](shown.text);
            }
          });
        },
      },
      initializationOptions: daemonSettings(),
      // Handled by the errorHandler below: restart quietly, explain when giving up.
      connectionOptions: { maxRestartCount: 0 },
      errorHandler: {
        error: (error: Error, message: Message | undefined, count: number | undefined): ErrorHandlerResult => {
          this.output.error(`Connection error: ${error.message} ${message ? JSON.stringify(message) : ""}`);
          return { action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown, handled: true };
        },
        closed: (): CloseHandlerResult => this.onClosed(),
      },
      middleware: {
        // The blame details are on the extension's own annotation (hover.ts);
        // the daemon is told so (hover.enabled false), and an older daemon's hover is not shown.
        provideHover: () => undefined,
        executeCommand: async (cmd, args, next) => {
          if (this.hooks.executeCommand) {
            return this.hooks.executeCommand(cmd, args, async (c, a) => next(c, a) as Promise<unknown>);
          }
          return next(cmd, args) as Promise<unknown>;
        },
      },
    };
    const client = new LanguageClient("gitinspector", "gitinspector", serverOptions, clientOptions);
    client.registerFeature(new RefreshFeature(client, () => this.hooks.onRefresh?.()));
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
      this.output.warn(message);
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
    this.output.warn("The gitinspector daemon stopped; restarting it.");
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
      this.output.info(`Health check: ${JSON.stringify(report)}`);
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

  private fail(message: string, notFound = false): void {
    this.lastError = message;
    this.output.error(message);
    const actions = notFound ? ["Open Settings", "Copy Install Command", "Show Log"] : ["Open Settings", "Show Log"];
    void vscode.window.showErrorMessage(message, ...actions).then(async (choice) => {
      if (choice === "Open Settings") {
        await openServerPathSetting();
      } else if (choice === "Copy Install Command") {
        await vscode.env.clipboard.writeText(INSTALL_COMMAND);
      } else if (choice === "Show Log") {
        this.output.show();
      }
    });
  }

  /** `workspace/executeCommand` of a daemon command, with `$/progress` to `onProgress` when given. */
  async command<T>(command: string, args: unknown[], token?: vscode.CancellationToken, onProgress?: (p: Progress) => void): Promise<T> {
    const params: ExecuteCommandParams = { command, arguments: args };
    return this.request<T>(ExecuteCommandRequest.method, params, token, onProgress);
  }

  /** A request to the daemon, with `$/progress` under a `workDoneToken` to `onProgress` when given. */
  async request<T>(method: string, params: object, token?: vscode.CancellationToken, onProgress?: (p: Progress) => void): Promise<T> {
    const client = this.client;
    if (!client || !this.running) {
      throw new Error(this.lastError ?? "The gitinspector daemon is not running.");
    }
    let progress: vscode.Disposable | undefined;
    let sent: object = params;
    if (onProgress) {
      const workDoneToken = `gitinspector-${Date.now()}-${Math.random().toString(36).slice(2)}`;
      sent = { ...params, workDoneToken };
      progress = client.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
        if (value.kind === "begin") {
          onProgress({ percentage: value.percentage, message: value.message ?? value.title });
        } else if (value.kind === "report") {
          onProgress({ percentage: value.percentage, message: value.message });
        }
      });
    }
    try {
      // No token: none passed (an undefined last argument would send the params as an array).
      return await (token ? client.sendRequest<T>(method, sent, token) : client.sendRequest<T>(method, sent));
    } finally {
      progress?.dispose();
    }
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

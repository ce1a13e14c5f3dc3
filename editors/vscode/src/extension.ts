// gitinspector for VS Code: a thin client of the gitinspector-lsp daemon.
// activate() wires the daemon, the blame cache, the blame views, the history
// views and the commands together; what each command does is in commands.ts
// and history.ts.

import * as vscode from "vscode";
import { AUTHORS_VIEW_TYPE, AuthorsPanel } from "./authorsView";
import { BlameStore } from "./blameStore";
import { Commands } from "./commands";
import { Daemon } from "./daemon";
import { FileBlameController } from "./fileBlame";
import { HistoryViews } from "./history";
import { LineBlameController } from "./lineBlame";
import { NativeBlameOffer } from "./nativeBlame";
import { BlameAnswer, CommitDetails, FileAuthors } from "./protocol";

let daemon: Daemon | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("gitinspector", { log: true });
  context.subscriptions.push(output);
  // Registered first: a panel of the last window comes back even before the daemon runs.
  context.subscriptions.push(vscode.window.registerWebviewPanelSerializer(AUTHORS_VIEW_TYPE, AuthorsPanel.serializer(context.extensionPath)));

  const d = new Daemon(context, output, {
    executeCommand: async (command, args, next) => {
      const result = await next(command, args);
      // The file lens and the block lenses run gitinspector.fileAuthors: show its answer.
      if (command === "gitinspector.fileAuthors" && result) {
        await commands.pickFileAuthor(result as FileAuthors, args);
      }
      // The links of the daemon's hover text run gitinspector.showCommit: show the commit, or its diff of the file.
      if (command === "gitinspector.showCommit" && result) {
        await history.showCommitResult(args, result as CommitDetails);
      }
      return result;
    },
    onStateChange: (running) => {
      if (running) {
        store.clear();
        lineBlame.schedule(0);
      }
    },
    // A commit, checkout, rebase or reset changed blame (the daemon asks for
    // its lenses and hints again): the extension's own blame is asked again too.
    onRefresh: () => {
      store.invalidate();
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
  // Their texts use the user's settings, else the daemon's announced defaults.
  const fileBlame = new FileBlameController(store, d, context.extensionPath);
  const history: HistoryViews = new HistoryViews(d, store, fileBlame);
  const lineBlame = new LineBlameController(store, d, async (doc, sha) => {
    if (!d.running) {
      return undefined;
    }
    return d.command<CommitDetails>("gitinspector.showCommit", [history.origin(doc).toString(), sha]);
  });
  const offer = new NativeBlameOffer(context);
  context.subscriptions.push(store, lineBlame, fileBlame, history, offer);

  const commands = new Commands(context, output, d, store, lineBlame, fileBlame, history);
  commands.register();

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration("gitinspector.serverPath") || e.affectsConfiguration("gitinspector.path")) {
        store.clear();
        await d.restart();
      }
    }),
  );

  void offer.check();
  await d.start();
}

export async function deactivate(): Promise<void> {
  await daemon?.stop();
}

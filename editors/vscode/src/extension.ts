// gitinspector for VS Code: a thin client of the gitinspector-lsp daemon.
// activate() wires the daemon, the blame cache, the blame views and the
// commands together; what each command does is in commands.ts.

import * as vscode from "vscode";
import { BlameStore } from "./blameStore";
import { Commands } from "./commands";
import { Daemon } from "./daemon";
import { FileBlameController } from "./fileBlame";
import { LineBlameController } from "./lineBlame";
import { BlameAnswer, FileAuthors } from "./protocol";

let daemon: Daemon | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("gitinspector", { log: true });
  context.subscriptions.push(output);

  const d = new Daemon(context, output, {
    executeCommand: async (command, args, next) => {
      const result = await next(command, args);
      // The file lens runs gitinspector.fileAuthors: show its answer.
      if (command === "gitinspector.fileAuthors" && result) {
        await commands.pickFileAuthor(result as FileAuthors, args[0]);
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
  // Their texts use the user's settings, else the daemon's announced defaults.
  const lineBlame = new LineBlameController(store, d);
  const fileBlame = new FileBlameController(store, d);
  context.subscriptions.push(store, lineBlame, fileBlame);

  const commands = new Commands(context, output, d, store, lineBlame, fileBlame);
  commands.register();

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration("gitinspector.path")) {
        store.clear();
        await d.restart();
      }
    }),
  );

  await d.start();
}

export async function deactivate(): Promise<void> {
  await daemon?.stop();
}

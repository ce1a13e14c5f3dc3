// VS Code's own blame (1.100 turns its status bar item on by default) next to
// gitinspector's: two blames of the same line. When VS Code's is on (and its
// git extension is), the extension offers once, in a dialog, to turn one of
// them off; the answer is remembered (closing the dialog asks again next time).

import * as vscode from "vscode";
import { ANSWERED, KEEP_BOTH, NATIVE_BLAME_SETTINGS, nativeBlameOn, shouldOffer, TURN_OFF_OURS, TURN_OFF_VSCODE } from "./nativeBlamePolicy";

export class NativeBlameOffer implements vscode.Disposable {
  private offering = false;
  private readonly listener: vscode.Disposable;

  constructor(private readonly context: vscode.ExtensionContext) {
    this.listener = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("git") || e.affectsConfiguration("gitinspector.currentLine.enabled") || e.affectsConfiguration("gitinspector.statusBar.enabled")) {
        void this.check();
      }
    });
  }

  /** Offers once, if VS Code's blame is on next to gitinspector's. */
  async check(): Promise<void> {
    const get = (key: string): unknown => {
      const dot = key.lastIndexOf(".");
      return vscode.workspace.getConfiguration(key.slice(0, dot)).get(key.slice(dot + 1));
    };
    const on = nativeBlameOn(get);
    const ours = get("gitinspector.currentLine.enabled") !== false || get("gitinspector.statusBar.enabled") !== false;
    if (this.offering || !shouldOffer(on, ours, this.context.globalState.get<string>(ANSWERED))) {
      return;
    }
    this.offering = true;
    try {
      const what = on.map((k) => (k.includes("statusBar") ? "its status bar item" : "its line annotation")).join(" and ");
      // A dialog: three choices do not fit a notification's buttons.
      const choice = await vscode.window.showInformationMessage(
        "VS Code's own git blame is on next to gitinspector's",
        {
          modal: true,
          detail: `VS Code shows the blame of the cursor's line too (${what}): each line's author is shown twice. Turn one of them off? (Asked once; the settings are git.blame.* and gitinspector.currentLine.enabled / statusBar.enabled.)`,
        },
        TURN_OFF_VSCODE,
        TURN_OFF_OURS,
        KEEP_BOTH,
      );
      if (choice === undefined) {
        return; // dismissed: asked again in the next window
      }
      await this.context.globalState.update(ANSWERED, choice);
      if (choice === TURN_OFF_VSCODE) {
        const git = vscode.workspace.getConfiguration("git");
        for (const key of NATIVE_BLAME_SETTINGS) {
          await git.update(key.slice("git.".length), false, vscode.ConfigurationTarget.Global);
        }
      } else if (choice === TURN_OFF_OURS) {
        const ours = vscode.workspace.getConfiguration("gitinspector");
        await ours.update("currentLine.enabled", false, vscode.ConfigurationTarget.Global);
        await ours.update("statusBar.enabled", false, vscode.ConfigurationTarget.Global);
      }
    } finally {
      this.offering = false;
    }
  }

  dispose(): void {
    this.listener.dispose();
  }
}

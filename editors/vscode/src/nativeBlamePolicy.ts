// When to offer turning off one of the two blames (nativeBlame.ts). Pure: the
// unit tests check it.

/** VS Code's blame settings (the git extension's). */
export const NATIVE_BLAME_SETTINGS = ["git.blame.statusBarItem.enabled", "git.blame.editorDecoration.enabled"] as const;

export const TURN_OFF_VSCODE = "Turn off VS Code's blame";
export const TURN_OFF_OURS = "Turn off gitinspector's";
export const KEEP_BOTH = "Keep both";

/** The globalState key of the answer. */
export const ANSWERED = "gitinspector.nativeBlameAnswer";

/** Which of VS Code's blame settings are on, given a reader of settings (`section.key` → value). */
export function nativeBlameOn(get: (key: string) => unknown): string[] {
  if (get("git.enabled") === false) {
    return [];
  }
  return NATIVE_BLAME_SETTINGS.filter((key) => get(key) === true);
}

/** Whether to offer: VS Code's blame on, gitinspector's on, and no answer given yet. */
export function shouldOffer(on: readonly string[], oursOn: boolean, answered: string | undefined): boolean {
  return on.length > 0 && oursOn && answered === undefined;
}

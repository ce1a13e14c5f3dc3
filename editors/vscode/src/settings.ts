// The settings sent to the daemon (docs/protocol.md): only what the user set.
// Defaults live in the daemon (daemon/src/server/config.rs); a key left out
// is the daemon's default, so resetting a setting resets the daemon too.

/** What `WorkspaceConfiguration.inspect` reports of a key, the user's values only. */
interface Inspected {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/** The daemon's keys in the `gitinspector` section; a dot nests (`codeLens.file`). */
export const DAEMON_KEYS = [
  "dateFormat",
  "blameTemplate",
  "codeLens.file",
  "codeLens.blocks",
  "inlayHints.enabled",
  "analysis",
  "cacheBudgetMb",
] as const;

/** The daemon's settings the user set, nested as it reads them: `{codeLens: {file: false}}`. */
export function userSettings(inspect: (key: string) => Inspected | undefined): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const key of DAEMON_KEYS) {
    const inspected = inspect(key);
    const value = inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue;
    if (value === undefined) {
      continue;
    }
    const [group, leaf] = key.split(".") as [string, string | undefined];
    if (leaf === undefined) {
      settings[group] = value;
    } else {
      const nested = (settings[group] ??= {}) as Record<string, unknown>;
      nested[leaf] = value;
    }
  }
  return settings;
}

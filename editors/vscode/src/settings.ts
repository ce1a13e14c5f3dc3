// The daemon's settings (docs/protocol.md): what is sent to it, and the value
// the extension itself uses for display. Defaults live in the daemon
// (daemon/src/server/config.rs) and nowhere here: only what the user set is
// sent, so a key left out is the daemon's default and resetting a setting
// resets the daemon too; where the extension formats a text itself (the
// current-line blame, dates), an unset key takes the default the daemon
// announced in its `initialize` result
// (`capabilities.experimental.gitinspector.defaults`).

/** What `WorkspaceConfiguration.inspect` reports of a key, the user's values only. */
export interface Inspected {
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
  "codeLens.minBlockLines",
  "inlayHints.enabled",
  "analysis",
  "cacheBudgetMb",
  "ignoreRevsFile",
] as const;

export type DaemonKey = (typeof DAEMON_KEYS)[number];

/** The value the user set (folder, then workspace, then user settings), if any. */
export function userValue(inspected: Inspected | undefined): unknown {
  return inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue;
}

/** The daemon's settings the user set, nested as it reads them: `{codeLens: {file: false}}`. */
export function userSettings(inspect: (key: string) => Inspected | undefined): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const key of DAEMON_KEYS) {
    const value = userValue(inspect(key));
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

/**
 * What the extension always sends besides the user's settings: the daemon's
 * hover off (`hover.enabled` false), since the extension shows the same
 * details on its own current-line annotation (hover.ts).
 */
export function withExtensionSettings(settings: Record<string, unknown>): Record<string, unknown> {
  return { ...settings, hover: { enabled: false } };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The defaults a daemon announced in its `initialize` result
 * (`capabilities.experimental.gitinspector.defaults`), nested as it sends
 * them; undefined when it announced none.
 */
export function announcedDefaults(initializeResult: unknown): Record<string, unknown> | undefined {
  let node: unknown = initializeResult;
  for (const key of ["capabilities", "experimental", "gitinspector", "defaults"]) {
    node = isObject(node) ? node[key] : undefined;
  }
  return isObject(node) ? node : undefined;
}

/** A daemon key's value in announced defaults (`codeLens.file` nests). */
function announcedValue(defaults: Record<string, unknown> | undefined, key: DaemonKey): unknown {
  let node: unknown = defaults;
  for (const part of key.split(".")) {
    node = isObject(node) ? node[part] : undefined;
  }
  return node;
}

/**
 * The value of a daemon setting as the daemon applies it: the user's if set,
 * else the default the daemon announced; undefined if neither (a daemon that
 * announces no defaults).
 */
export function daemonSetting(key: DaemonKey, inspected: Inspected | undefined, defaults: Record<string, unknown> | undefined): unknown {
  return userValue(inspected) ?? announcedValue(defaults, key);
}

/** A setting's value if it is a string, else undefined. */
export function asString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/**
 * Text of the current-line blame: `gitinspector.currentLine.template` if the
 * user set it, else `gitinspector.blameTemplate` as the daemon applies it
 * (the user's, else the daemon's announced default).
 */
export function currentLineTemplate(
  currentLine: Inspected | undefined,
  blameTemplate: Inspected | undefined,
  defaults: Record<string, unknown> | undefined,
): string | undefined {
  return asString(userValue(currentLine)) ?? asString(daemonSetting("blameTemplate", blameTemplate, defaults));
}

/** The settings of the texts the extension formats itself, as the daemon applies them. */
export interface TextSettings {
  /** `gitinspector.dateFormat`; undefined when unset and the daemon announced no default. */
  dateFormat(): string | undefined;
  /** The current-line template (see currentLineTemplate). */
  lineTemplate(): string | undefined;
}

// Where the gitinspector-lsp daemon is: the `gitinspector.serverPath` setting,
// else the places it gets installed to. Pure (the file system and the
// environment are passed in), so the unit tests run it on made-up machines.

export const BINARY = "gitinspector-lsp";

/** What the search needs of the machine. */
export interface Machine {
  platform: string;
  /** The user's home folder. */
  home: string;
  /** The PATH variable. */
  pathEnv: string;
  /** The extension's folder (a binary may be bundled in its bin/). */
  extensionPath: string;
  isExecutable(file: string): boolean;
}

export type Located = { found: string; from: string } | { error: string; searched: string[] };

/** The command that installs the daemon where the extension looks first. */
export const INSTALL_COMMAND = "bash scripts/install.sh";

function join(platform: string, ...parts: string[]): string {
  const sep = platform === "win32" ? "\\" : "/";
  return parts
    .filter((p) => p !== "")
    .map((p, i) => (i === 0 ? p.replace(/[\\/]+$/, "") : p.replace(/^[\\/]+|[\\/]+$/g, "")))
    .join(sep);
}

/** `~` and `~/…` expanded to the home folder. */
export function expandHome(file: string, home: string, platform: string): string {
  if (file === "~") {
    return home;
  }
  if (file.startsWith("~/") || file.startsWith("~\\")) {
    return join(platform, home, file.slice(2));
  }
  return file;
}

/**
 * The places searched when no path is configured, in order: a binary bundled
 * in the extension's bin/, each folder of PATH, then the install locations
 * (`~/.local/bin`, where scripts/install.sh puts it by default,
 * `/usr/local/bin`, and `~/.cargo/bin`, where `cargo install` puts it).
 */
export function candidates(machine: Machine): { file: string; from: string }[] {
  const { platform, home } = machine;
  const exe = platform === "win32" ? `${BINARY}.exe` : BINARY;
  const list: { file: string; from: string }[] = [{ file: join(platform, machine.extensionPath, "bin", exe), from: "the extension's bin folder" }];
  const delimiter = platform === "win32" ? ";" : ":";
  const exts = platform === "win32" ? [".exe", ".cmd", ""] : [""];
  for (const dir of machine.pathEnv.split(delimiter)) {
    if (dir) {
      for (const ext of exts) {
        list.push({ file: join(platform, dir, BINARY + ext), from: "PATH" });
      }
    }
  }
  if (home) {
    list.push({ file: join(platform, home, ".local", "bin", exe), from: "~/.local/bin" });
  }
  if (platform !== "win32") {
    list.push({ file: `/usr/local/bin/${BINARY}`, from: "/usr/local/bin" });
  }
  if (home) {
    list.push({ file: join(platform, home, ".cargo", "bin", exe), from: "~/.cargo/bin" });
  }
  return list;
}

/** The daemon to run: the configured path (which must be an executable), else the first candidate found. */
export function locateDaemon(configured: string, machine: Machine, settingName = "gitinspector.serverPath"): Located {
  const setting = configured.trim();
  if (setting) {
    const file = expandHome(setting, machine.home, machine.platform);
    if (machine.isExecutable(file)) {
      return { found: file, from: settingName };
    }
    return {
      error: `The ${settingName} setting points to "${setting}", which is not an executable file. Set it to the gitinspector-lsp binary, or clear it to use the one on PATH or in ~/.local/bin (\`${INSTALL_COMMAND}\` from a checkout of gitinspector-lsp installs it there).`,
      searched: [file],
    };
  }
  const list = candidates(machine);
  for (const { file, from } of list) {
    if (machine.isExecutable(file)) {
      return { found: file, from };
    }
  }
  return {
    error: `${BINARY} was not found on PATH, in ~/.local/bin, /usr/local/bin or ~/.cargo/bin. To install it, run \`${INSTALL_COMMAND}\` in a checkout of gitinspector-lsp (it installs ~/.local/bin/${BINARY}), or set gitinspector.serverPath to the binary.`,
    searched: list.map((c) => c.file),
  };
}

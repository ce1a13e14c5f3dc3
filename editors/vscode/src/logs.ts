// The daemon's log in the output channel (a LogOutputChannel). Its records
// reach the extension as `window/logMessage` (the language client maps their
// types onto the channel's levels: 1 error, 2 warn, 3 info, 4 debug) and, in
// tracing's format, on stderr. stderr is shown only from WARN up (the lower
// levels arrive as logMessage too), at its own level, never all as errors.

export type LogLevel = "trace" | "debug" | "info" | "warn" | "error";

/** tracing's line: `2025-01-02T03:04:05.678Z  INFO gitinspector_lsp: message`. */
const TRACING_LINE = /^\S*\d\S*\s+(TRACE|DEBUG|INFO|WARN|ERROR)\s+(.*)$/;

/**
 * How a stderr line of the daemon is shown: at its level from WARN up, at
 * trace level (visible when the channel's level is Trace) below. A line
 * without a level (a panic, a Python traceback) is a warning.
 */
export function stderrLine(line: string): { level: LogLevel; text: string } | undefined {
  if (line.trim() === "") {
    return undefined;
  }
  const m = TRACING_LINE.exec(line);
  if (!m) {
    return { level: "warn", text: line };
  }
  const level = (m[1] ?? "").toLowerCase();
  const text = m[2] ?? "";
  switch (level) {
    case "error":
      return { level: "error", text };
    case "warn":
      return { level: "warn", text };
    default:
      return { level: "trace", text: `${level.toUpperCase()} ${text}` };
  }
}

// The report export's pure parts: the formats offered, the request sent to the
// daemon (`gitinspector/renderReport`, docs/protocol.md) and the file it
// writes. The report itself is the engine's (python/gigui/report/): the
// extension renders nothing of it.

/** A format of `gitinspector/renderReport` that the export offers. */
export interface ReportFormat {
  /** The engine's name (`format`). */
  format: "html" | "excel" | "markdown" | "csv";
  label: string;
  /** The extension of the file the engine writes. */
  extension: string;
  description: string;
}

/** The formats offered, the usual one first. */
export const REPORT_FORMATS: readonly ReportFormat[] = [
  { format: "html", label: "HTML", extension: ".html", description: "one self-contained page: summary, sortable tables, charts, blame of the largest files" },
  { format: "excel", label: "Excel", extension: ".xlsx", description: "a sheet per table and per blamed file" },
  { format: "markdown", label: "Markdown", extension: ".md", description: "the tables, for pull requests and wikis" },
  { format: "csv", label: "CSV", extension: ".csv", description: "one file per table" },
];

/** The offered format named `name` (the engine's name, or its label), if any. */
export function reportFormat(name: unknown): ReportFormat | undefined {
  if (typeof name !== "string") {
    return undefined;
  }
  const wanted = name.trim().toLowerCase();
  return REPORT_FORMATS.find((f) => f.format === wanted || f.label.toLowerCase() === wanted);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The repositories the report covers: the analysis setting's `input_fstrs` if it names
 * any, else the workspace folders (as `gitinspector.analyzeWorkspace` does). */
export function reportInputs(analysis: unknown, folders: readonly string[]): string[] {
  const inputs = isObject(analysis) ? analysis.input_fstrs : undefined;
  if (Array.isArray(inputs) && inputs.length > 0 && inputs.every((i) => typeof i === "string")) {
    return inputs;
  }
  return [...folders];
}

/**
 * The params of `gitinspector/renderReport`: the user's analysis settings
 * (`gitinspector.analysis`, the engine's snake_case names) over the workspace's
 * repositories, and the report options.
 */
export function renderReportParams(analysis: unknown, folders: readonly string[], format: ReportFormat, output: string): Record<string, unknown> {
  const settings: Record<string, unknown> = isObject(analysis) ? { ...analysis } : {};
  return { ...settings, input_fstrs: reportInputs(analysis, folders), format: format.format, output };
}

/** The last part of a path (either separator), for file names. */
function baseName(p: string): string {
  const parts = p.split(/[\\/]+/).filter((s) => s !== "");
  return parts[parts.length - 1] ?? "";
}

/** `gitinspector-<repositories>-<YYYY-MM-DD-HH-MM-SS><extension>`, from local time. */
export function reportFileName(inputs: readonly string[], format: ReportFormat, when: Date): string {
  const names = inputs.map(baseName).filter((n) => n !== "").join("-") || "workspace";
  const pad = (n: number): string => String(n).padStart(2, "0");
  const stamp = `${when.getFullYear()}-${pad(when.getMonth() + 1)}-${pad(when.getDate())}-${pad(when.getHours())}-${pad(when.getMinutes())}-${pad(when.getSeconds())}`;
  return `gitinspector-${names.replace(/[^\w.-]+/g, "_").slice(0, 80)}-${stamp}${format.extension}`;
}

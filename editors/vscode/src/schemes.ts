// URI schemes of the extension's read-only documents (history.ts).

/** A file at a past revision: `gitinspector-rev:/<short revision>/<path>?<state>`. */
export const REVISION_SCHEME = "gitinspector-rev";
/** A commit: its message, files and diff (`gitinspector-commit:/<short sha> <summary>.diff?<state>`). */
export const COMMIT_SCHEME = "gitinspector-commit";

/** Whether the extension shows blame for documents of this scheme. */
export function isBlameScheme(scheme: string): boolean {
  return scheme === "file" || scheme === REVISION_SCHEME;
}

// Author colours: one palette and one rule for every view of the extension
// (the file blame in the editor, the authors webview and the exported report,
// which get this list from pageHtml). An author's colour is the palette entry
// of their rank, 0 being the author of most lines: in the file blame the
// commit's `authorRank` in the file (docs/protocol.md), in the authors tables
// the row's index in the analysis result's authors list (sorted by lines,
// most first). A file's main authors therefore never share a colour.

export const AUTHOR_PALETTE: readonly string[] = [
  "#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4",
  "#f032e6", "#bfef45", "#fabed4", "#469990", "#dcbeff", "#9a6324",
  "#800000", "#aaffc3", "#808000", "#000075",
];

/** Lines that are not committed: no author, a neutral grey. */
export const NOT_COMMITTED_COLOR = "#888888";

/** The colour of an author of rank `rank` (0 = most lines); null/undefined: not committed. */
export function authorColor(rank: number | null | undefined): string {
  if (rank === null || rank === undefined || !Number.isInteger(rank) || rank < 0) {
    return NOT_COMMITTED_COLOR;
  }
  return AUTHOR_PALETTE[rank % AUTHOR_PALETTE.length] ?? NOT_COMMITTED_COLOR;
}

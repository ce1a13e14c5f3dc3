// Author colours: one palette and one rule for every view of the extension
// (the file blame in the editor, the authors webview), and the same as the
// engine's reports: python/gigui/report/model.py (PALETTE_LIGHT, PALETTE_DARK,
// OTHER_LIGHT, OTHER_DARK), copied in tests/fixtures/vectors/palette.json,
// which the unit tests compare this with. An author's colour is the palette
// entry of their rank, 0 being the author of most lines: in the file blame the
// commit's `authorRank` in the file (docs/protocol.md), in the authors view the
// row's index in the analysis result's authors list (sorted by lines, most
// first). A file's main authors therefore never share a colour; authors ranked
// past the palette share the "other" colour. Light themes take the light list,
// dark (and high-contrast dark) themes the dark one, at the same hues.

export const PALETTE_LIGHT: readonly string[] = [
  "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2",
  "#edc948", "#9c755f", "#ff9da7", "#5d1b7e", "#bd28bd", "#2828bd",
];

export const PALETTE_DARK: readonly string[] = [
  "#6b9bd1", "#ffa54f", "#7cc46f", "#ff7b7d", "#cf9ac2", "#93d4cf",
  "#ffe066", "#c19a82", "#ffb8c0", "#9f35d4", "#e274e2", "#7474e2",
];

export const OTHER_LIGHT = "#bab0ac";
export const OTHER_DARK = "#8a8280";

/** What the authors webview gets (it picks light or dark by the theme's body class). */
export const WEBVIEW_PALETTE = { light: PALETTE_LIGHT, dark: PALETTE_DARK, otherLight: OTHER_LIGHT, otherDark: OTHER_DARK } as const;

export type ThemeKind = "light" | "dark";

/**
 * The colour of the author of rank `rank` (0 = most lines) in a light or dark
 * theme; undefined for lines that are not committed (`authorRank` null), which
 * have no author: the views draw them in the theme's own neutral colour.
 */
export function authorColor(rank: number | null | undefined, theme: ThemeKind): string | undefined {
  if (rank === null || rank === undefined || !Number.isInteger(rank) || rank < 0) {
    return undefined;
  }
  const palette = theme === "light" ? PALETTE_LIGHT : PALETTE_DARK;
  return palette[rank] ?? (theme === "light" ? OTHER_LIGHT : OTHER_DARK);
}

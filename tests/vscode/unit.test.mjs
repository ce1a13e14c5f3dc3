// Unit tests of the VS Code extension's pure modules, on the JS that
// `npm run compile` writes to editors/vscode/out (scripts/test-vscode.sh
// builds it first): the shared vectors of tests/fixtures/vectors, which the
// daemon and the Neovim plugin pass too, the settings sent to the daemon, the
// defaults it announces, the author colours, and the report export's request.

import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");
const OUT = process.env.GITINSPECTOR_VSCODE_OUT ?? path.join(ROOT, "editors/vscode/out");
const require = createRequire(import.meta.url);
const { relativeDate, formatDate, blameText } = require(path.join(OUT, "format.js"));
const { applyBlameAnswer } = require(path.join(OUT, "protocol.js"));
const { userSettings, announcedDefaults, daemonSetting, currentLineTemplate } = require(path.join(OUT, "settings.js"));
const { AUTHOR_PALETTE, NOT_COMMITTED_COLOR, authorColor } = require(path.join(OUT, "palette.js"));
const { REPORT_FORMATS, reportFormat, reportInputs, renderReportParams, reportFileName } = require(path.join(OUT, "report.js"));

const vectors = (name) => JSON.parse(fs.readFileSync(path.join(ROOT, "tests/fixtures/vectors", name), "utf8"));

test("relative dates are the shared vectors' (format.json)", () => {
  const { now, relative } = vectors("format.json");
  assert.ok(relative.length > 0);
  for (const { time, expected } of relative) {
    assert.equal(relativeDate(time, now), expected, `relativeDate(${time}, ${now})`);
    assert.equal(formatDate(time, "relative", now), expected, `formatDate(${time}, "relative")`);
  }
});

test("blame template texts are the shared vectors' (format.json)", () => {
  const { now, template } = vectors("format.json");
  assert.ok(template.length > 0);
  for (const c of template) {
    assert.equal(blameText(c.commit, c.template, c.dateFormat, undefined, now), c.expected, JSON.stringify(c));
  }
});

test("blame deltas patch the held runs as the shared vectors say (deltas.json)", () => {
  const { cases } = vectors("deltas.json");
  assert.ok(cases.length > 0);
  for (const c of cases) {
    const held = {
      uri: "file:///r/a.py", version: 1, repository: "/r", path: "a.py", revision: "abc",
      lineCount: 0, runs: c.held.slice(), commits: [], currentUser: null, resultId: "abc:1",
    };
    const answer = { resultId: "abc:2", version: 2, lineCount: 9, edits: c.edits };
    const blame = applyBlameAnswer(held, answer);
    assert.deepEqual(blame.runs, c.expected, JSON.stringify(c));
    assert.deepEqual(held.runs, c.held, "the held answer is left as it was");
    assert.deepEqual([blame.resultId, blame.version, blame.lineCount], ["abc:2", 2, 9]);
  }
});

test("only the settings the user set reach the daemon, nested as it reads them", () => {
  // What WorkspaceConfiguration.inspect reports: defaults (package.json) are never sent.
  const config = {
    dateFormat: { defaultValue: undefined, globalValue: "absolute" },
    blameTemplate: { defaultValue: undefined },
    "codeLens.file": { defaultValue: true, globalValue: true, workspaceValue: false },
    "codeLens.blocks": { defaultValue: true },
    "inlayHints.enabled": { defaultValue: undefined, workspaceFolderValue: true, globalValue: false },
    analysis: { defaultValue: undefined, workspaceValue: { n_files: 3 } },
    cacheBudgetMb: { defaultValue: undefined },
    "currentLine.delay": { defaultValue: 150, globalValue: 50 },
  };
  assert.deepEqual(userSettings((key) => config[key]), {
    dateFormat: "absolute",
    codeLens: { file: false },
    inlayHints: { enabled: true },
    analysis: { n_files: 3 },
  });
  assert.deepEqual(userSettings(() => ({ defaultValue: "relative" })), {});
  assert.deepEqual(userSettings(() => undefined), {});
});

/** An initialize result as the daemon sends it, announcing `defaults`. */
const initializeResult = (defaults) => ({ capabilities: { hoverProvider: true, experimental: { gitinspector: { defaults } } } });

test("unset settings take the defaults the daemon announces, never ones of the extension", () => {
  // Another daemon's defaults than today's: what the extension shows follows them.
  const defaults = announcedDefaults(initializeResult({
    dateFormat: "%Y", blameTemplate: "${sha} by ${author} in ${date}", codeLens: { file: false, blocks: true },
  }));
  assert.equal(daemonSetting("dateFormat", {}, defaults), "%Y");
  assert.equal(daemonSetting("dateFormat", undefined, defaults), "%Y");
  assert.equal(daemonSetting("codeLens.file", {}, defaults), false);
  assert.equal(daemonSetting("cacheBudgetMb", {}, defaults), undefined);
  // The current-line text is blameTemplate's when currentLine.template is not set.
  const template = currentLineTemplate({}, {}, defaults);
  assert.equal(template, "${sha} by ${author} in ${date}");
  const { now, template: cases } = vectors("format.json");
  const commit = cases[0].commit;
  const year = String(new Date(commit.authorTime * 1000).getFullYear());
  assert.equal(
    blameText(commit, template, daemonSetting("dateFormat", {}, defaults), undefined, now),
    `${commit.sha.slice(0, 8)} by ${commit.author} in ${year}`,
  );
  // What the user set wins: folder over workspace over user settings.
  assert.equal(daemonSetting("dateFormat", { globalValue: "absolute" }, defaults), "absolute");
  assert.equal(daemonSetting("dateFormat", { globalValue: "absolute", workspaceFolderValue: "relative" }, defaults), "relative");
  assert.equal(currentLineTemplate({}, { globalValue: "${author}!" }, defaults), "${author}!");
  assert.equal(currentLineTemplate({ workspaceValue: "${email}" }, { globalValue: "${author}!" }, defaults), "${email}");
  // Nothing set and nothing announced: no value (the extension has no defaults of its own).
  assert.equal(announcedDefaults({ capabilities: {} }), undefined);
  assert.equal(announcedDefaults(undefined), undefined);
  assert.equal(daemonSetting("dateFormat", {}, undefined), undefined);
  assert.equal(currentLineTemplate({}, {}, undefined), undefined);
});

test("authors are coloured by rank: the palette's entries in order, the not committed neutral", () => {
  assert.ok(AUTHOR_PALETTE.length >= 3);
  const top = [0, 1, 2].map((rank) => authorColor(rank));
  assert.deepEqual(top, AUTHOR_PALETTE.slice(0, 3));
  assert.equal(new Set(top).size, 3, "a file's three main authors never share a colour");
  assert.equal(new Set(AUTHOR_PALETTE.map((_, rank) => authorColor(rank))).size, AUTHOR_PALETTE.length);
  assert.equal(authorColor(AUTHOR_PALETTE.length + 1), AUTHOR_PALETTE[1], "ranks past the palette wrap");
  assert.equal(authorColor(null), NOT_COMMITTED_COLOR);
  assert.equal(authorColor(undefined), NOT_COMMITTED_COLOR);
  assert.ok(!AUTHOR_PALETTE.includes(NOT_COMMITTED_COLOR));
  // One palette: the webview script has none of its own (the page gives it palette.ts's).
  const script = fs.readFileSync(path.join(ROOT, "editors/vscode/media/authors.js"), "utf8");
  assert.doesNotMatch(script, /#[0-9a-f]{6}\b/i, "a colour literal in media/authors.js");
  assert.match(script, /GITINSPECTOR_PALETTE/);
});

test("the report export asks the daemon for the engine's report of the workspace", () => {
  // The formats offered, HTML first (the quick pick's default), each the engine's name.
  assert.deepEqual(REPORT_FORMATS.map((f) => f.format), ["html", "excel", "markdown", "csv"]);
  assert.deepEqual(REPORT_FORMATS.map((f) => f.extension), [".html", ".xlsx", ".md", ".csv"]);
  assert.equal(reportFormat("excel").extension, ".xlsx");
  assert.equal(reportFormat("Markdown").format, "markdown");
  assert.equal(reportFormat("table"), undefined, "only the formats a file is wanted of");
  assert.equal(reportFormat(3), undefined);
  // The params: the user's analysis settings (snake_case, as the engine reads them) over the
  // workspace folders, and the report options.
  const html = reportFormat("html");
  assert.deepEqual(renderReportParams({ n_files: 3, ex_authors: ["bot*"] }, ["/w/shop"], html, "/out/r.html"), {
    n_files: 3, ex_authors: ["bot*"], input_fstrs: ["/w/shop"], format: "html", output: "/out/r.html",
  });
  assert.deepEqual(renderReportParams(undefined, ["/w/a", "/w/b"], html, "/o.html"), {
    input_fstrs: ["/w/a", "/w/b"], format: "html", output: "/o.html",
  });
  // Repositories named in the analysis settings win over the workspace folders, as in
  // gitinspector.analyzeWorkspace; an empty list does not.
  assert.deepEqual(reportInputs({ input_fstrs: ["/r/x"] }, ["/w/shop"]), ["/r/x"]);
  assert.deepEqual(reportInputs({ input_fstrs: [] }, ["/w/shop"]), ["/w/shop"]);
  assert.deepEqual(reportInputs("nonsense", []), []);
  // The file: named after the repositories and the local time, the format's extension.
  const when = new Date(2025, 2, 4, 5, 6, 7);
  assert.equal(reportFileName(["/w/shop"], html, when), "gitinspector-shop-2025-03-04-05-06-07.html");
  assert.equal(reportFileName(["/w/a b/", "C:\\r\\c"], reportFormat("csv"), when), "gitinspector-a_b-c-2025-03-04-05-06-07.csv");
  assert.equal(reportFileName([], reportFormat("excel"), when), "gitinspector-workspace-2025-03-04-05-06-07.xlsx");
});

test("no report is generated in the extension: the engine's renderer is the only one", () => {
  const src = path.join(ROOT, "editors/vscode/src");
  for (const file of fs.readdirSync(src)) {
    const text = fs.readFileSync(path.join(src, file), "utf8");
    assert.doesNotMatch(text, /writeReport|GITINSPECTOR_DATA|workspace\.fs\.writeFile|writeFileSync/, `a report written by ${file}`);
  }
  const commands = fs.readFileSync(path.join(src, "commands.ts"), "utf8");
  assert.match(commands, /"gitinspector\/renderReport"/);
  const script = fs.readFileSync(path.join(ROOT, "editors/vscode/media/authors.js"), "utf8");
  assert.doesNotMatch(script, /GITINSPECTOR_DATA/, "media/authors.js has no embedded-report mode");
});

// Unit tests of the VS Code extension's pure modules, on the JS that
// `npm run compile` writes to editors/vscode/out (scripts/test-vscode.sh
// builds it first): the shared vectors of tests/fixtures/vectors, which the
// daemon, the engine and the Neovim plugin pass too (dates, templates, deltas,
// the author palette), the settings sent to the daemon, the defaults it
// announces, where the daemon is looked for, how its log lines are shown, the
// hover, the history views' diffs and commit text, the report export's request.

import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import os from "node:os";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");
const OUT = process.env.GITINSPECTOR_VSCODE_OUT ?? path.join(ROOT, "editors/vscode/out");
const require = createRequire(import.meta.url);
const { relativeDate, formatDate, blameText } = require(path.join(OUT, "format.js"));
const { applyBlameAnswer } = require(path.join(OUT, "protocol.js"));
const { userSettings, announcedDefaults, daemonSetting, currentLineTemplate, withExtensionSettings } = require(path.join(OUT, "settings.js"));
const { PALETTE_LIGHT, PALETTE_DARK, OTHER_LIGHT, OTHER_DARK, WEBVIEW_PALETTE, authorColor } = require(path.join(OUT, "palette.js"));
const { locateDaemon, candidates, INSTALL_COMMAND } = require(path.join(OUT, "locate.js"));
const { stderrLine } = require(path.join(OUT, "logs.js"));
const { parseDiff, applyPatch, addedLines, addedFileText, deletedFileText } = require(path.join(OUT, "patch.js"));
const { commitText } = require(path.join(OUT, "commitText.js"));
const { hoverMarkdown, HOVER_COMMANDS, HOVER_BODY_LINES, messageBody } = require(path.join(OUT, "hover.js"));
const { fileAuthorsTitle, authorLinesLabel, shareLabel } = require(path.join(OUT, "fileAuthors.js"));
const { nativeBlameOn, shouldOffer, NATIVE_BLAME_SETTINGS } = require(path.join(OUT, "nativeBlamePolicy.js"));
const { REPORT_FORMATS, reportFormat, reportInputs, renderReportParams, reportFileName } = require(path.join(OUT, "report.js"));

const vectors = (name) => JSON.parse(fs.readFileSync(path.join(ROOT, "tests/fixtures/vectors", name), "utf8"));

test("author shares are the shared vectors' (format.json), in the quick pick and the authors panel", () => {
  const { share } = vectors("format.json");
  assert.ok(share.length > 0);
  // The panel's script runs in the webview: its formatter is read out of it and run here.
  const script = fs.readFileSync(path.join(ROOT, "editors/vscode/media/authors.js"), "utf8");
  const body = script.match(/function fmt\(value, kind\) \{[\s\S]*?\n  \}/);
  assert.ok(body, "fmt in media/authors.js");
  const fmt = new Function(`${body[0]}; return fmt;`)();
  for (const { percent, expected } of share) {
    assert.equal(shareLabel(percent), `${expected}%`, `shareLabel(${percent})`);
    assert.equal(fmt(percent, "pct"), `${expected}%`, `authors.js fmt(${percent})`);
  }
});

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
    assert.equal(blameText(c.commit, c.template, c.dateFormat, now), c.expected, JSON.stringify(c));
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
    blameText(commit, template, daemonSetting("dateFormat", {}, defaults), now),
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

test("the author palette is the engine's: tests/fixtures/vectors/palette.json", () => {
  const shared = vectors("palette.json");
  assert.deepEqual([...PALETTE_LIGHT], shared.light);
  assert.deepEqual([...PALETTE_DARK], shared.dark);
  assert.equal(OTHER_LIGHT, shared.otherLight);
  assert.equal(OTHER_DARK, shared.otherDark);
  // The webview gets the same lists.
  assert.deepEqual(JSON.parse(JSON.stringify(WEBVIEW_PALETTE)), { light: shared.light, dark: shared.dark, otherLight: shared.otherLight, otherDark: shared.otherDark });
});

test("authors are coloured by rank: the palette's entries in order, past it the other colour, the not committed none", () => {
  for (const [theme, list, other] of [["light", PALETTE_LIGHT, OTHER_LIGHT], ["dark", PALETTE_DARK, OTHER_DARK]]) {
    const top = list.map((_, rank) => authorColor(rank, theme));
    assert.deepEqual(top, [...list]);
    assert.equal(new Set(top).size, list.length, `the main authors never share a colour (${theme})`);
    assert.ok(!list.includes(other));
    assert.equal(authorColor(list.length, theme), other, "the first rank past the palette");
    assert.equal(authorColor(300, theme), other);
    assert.equal(authorColor(null, theme), undefined, "not committed: no author colour");
    assert.equal(authorColor(undefined, theme), undefined);
    assert.equal(authorColor(-1, theme), undefined);
  }
  // One palette: the webview script has none of its own (the page gives it palette.ts's).
  const script = fs.readFileSync(path.join(ROOT, "editors/vscode/media/authors.js"), "utf8");
  assert.doesNotMatch(script, /#[0-9a-f]{6}\b/i, "a colour literal in media/authors.js");
  assert.match(script, /GITINSPECTOR_PALETTE/);
});

/** A made-up machine: `files` are the executables on it. */
function machine(files, overrides = {}) {
  const set = new Set(files);
  return { platform: "linux", home: "/home/ann", pathEnv: "/usr/bin:/bin", extensionPath: "/ext", isExecutable: (f) => set.has(f), ...overrides };
}

test("the daemon is found from the setting, bin/, PATH and the install locations, in that order", () => {
  const all = ["/ext/bin/gitinspector-lsp", "/bin/gitinspector-lsp", "/home/ann/.local/bin/gitinspector-lsp", "/usr/local/bin/gitinspector-lsp", "/home/ann/.cargo/bin/gitinspector-lsp"];
  // The setting wins; ~/ is the home folder.
  assert.deepEqual(locateDaemon("~/tools/gi", machine(["/home/ann/tools/gi", ...all])), { found: "/home/ann/tools/gi", from: "gitinspector.serverPath" });
  assert.deepEqual(locateDaemon("  /opt/gi  ", machine(["/opt/gi"])), { found: "/opt/gi", from: "gitinspector.serverPath" });
  // Without it: each place in turn.
  for (let i = 0; i < all.length; i++) {
    const located = locateDaemon("", machine(all.slice(i)));
    assert.equal(located.found, all[i], `with ${all.slice(i)}`);
  }
  assert.equal(locateDaemon("", machine(["/home/ann/.local/bin/gitinspector-lsp"])).from, "~/.local/bin");
  // The install script's default location: what scripts/install.sh writes.
  const install = fs.readFileSync(path.join(ROOT, "scripts/install.sh"), "utf8");
  assert.match(install, /prefix="\$\{1:-\$HOME\/\.local\}"/);
  assert.match(install, /"\$prefix\/bin\/gitinspector-lsp"/);
  assert.ok(candidates(machine([])).some((c) => c.file === "/home/ann/.local/bin/gitinspector-lsp"));
});

test("a daemon not found is explained with the command that fixes it", () => {
  const missing = locateDaemon("", machine([]));
  assert.ok("error" in missing);
  assert.equal(INSTALL_COMMAND, "bash scripts/install.sh");
  assert.ok(missing.error.includes("`bash scripts/install.sh`"), missing.error);
  assert.ok(missing.error.includes("gitinspector.serverPath"), missing.error);
  for (const place of ["PATH", "~/.local/bin", "/usr/local/bin", "~/.cargo/bin"]) {
    assert.ok(missing.error.includes(place), `${place} in: ${missing.error}`);
  }
  assert.deepEqual(missing.searched.slice(-3), ["/home/ann/.local/bin/gitinspector-lsp", "/usr/local/bin/gitinspector-lsp", "/home/ann/.cargo/bin/gitinspector-lsp"]);
  const wrong = locateDaemon("/nope/gi", machine(all()));
  assert.match(wrong.error, /The gitinspector\.serverPath setting points to "\/nope\/gi", which is not an executable file/);
  assert.ok(wrong.error.includes("bash scripts/install.sh"));
  assert.match(locateDaemon("/nope", machine([]), "gitinspector.path").error, /^The gitinspector\.path setting/);
  function all() { return ["/bin/gitinspector-lsp"]; }
});

test("the daemon's stderr is shown from WARN up, at its level; INFO is no error", () => {
  assert.deepEqual(stderrLine("2025-01-02T03:04:05.678901Z  INFO gitinspector_lsp: serving LSP on stdio version=0.1.0"),
    { level: "trace", text: "INFO gitinspector_lsp: serving LSP on stdio version=0.1.0" });
  assert.deepEqual(stderrLine("2025-01-02T03:04:05Z DEBUG gitinspector_lsp::server: x"), { level: "trace", text: "DEBUG gitinspector_lsp::server: x" });
  assert.deepEqual(stderrLine("2025-01-02T03:04:05Z  WARN gitinspector_lsp: cannot register"), { level: "warn", text: "gitinspector_lsp: cannot register" });
  assert.deepEqual(stderrLine("2025-01-02T03:04:05Z ERROR gitinspector_lsp: boom"), { level: "error", text: "gitinspector_lsp: boom" });
  assert.deepEqual(stderrLine("thread 'main' panicked at src/main.rs:1:1"), { level: "warn", text: "thread 'main' panicked at src/main.rs:1:1" });
  assert.equal(stderrLine("   "), undefined);
});

test("the daemon's hover is turned off: the extension shows the details on its own annotation", () => {
  assert.deepEqual(withExtensionSettings({}), { hover: { enabled: false } });
  assert.deepEqual(withExtensionSettings({ dateFormat: "absolute" }), { dateFormat: "absolute", hover: { enabled: false } });
  const commit = { sha: "a".repeat(40), author: "Ann *Bold*", email: "ann@x.org", authorTime: 1700000000, committerTime: 0, summary: "Fix [it]", isCurrentUser: false, authorRank: 0 };
  const target = { uri: "file:///r/a.py", line: 4 };
  const md = hoverMarkdown(commit, undefined, "2 days ago", target);
  assert.ok(md.includes("Ann \\*Bold\\*"), md);
  assert.ok(md.includes("`aaaaaaaaaaaa` Fix \\[it\\]"), md);
  assert.ok(md.includes("2 days ago"));
  for (const command of ["gitinspector.openCommit", "gitinspector.diffLineChange", "gitinspector.copySha", "gitinspector.blamePriorToChange", "gitinspector.showLineHistory"]) {
    assert.ok(md.includes(`(command:${command}?`), `${command} in ${md}`);
    assert.ok(HOVER_COMMANDS.includes(command));
  }
  // The daemon's labels, in the daemon's order, then the history actions.
  const labels = [...md.matchAll(/\[([^\]]+)\]\(command:/g)].map((m) => m[1]);
  assert.deepEqual(labels, ["Show commit", "Diff of this change", "Copy sha", "Blame prior to this change", "Line history"]);
  const open = /\(command:gitinspector\.openCommit\?([^)]+)\)/.exec(md)[1];
  assert.deepEqual(JSON.parse(decodeURIComponent(open)), [target.uri, commit.sha]);
  // With the daemon's details: its date, the whole message, what the commit changed in the file.
  const details = { sha: commit.sha, author: "Ann *Bold*", email: "ann@x.org", date: "2023-11-14 22:13", summary: "Fix [it]", message: "Fix [it]\n\nBecause it broke.\nTwice.", file: { path: "a.py", insertions: 3, deletions: 1 } };
  const full = hoverMarkdown(commit, details, "2 days ago", target);
  assert.ok(full.includes("2023\\-11\\-14 22:13") || full.includes("2023-11-14 22:13"), full);
  assert.ok(!full.includes("2 days ago"), "the daemon's date replaces the extension's");
  assert.ok(full.includes("Because it broke\\.  \nTwice\\."), full);
  assert.ok(full.includes("This commit: +3 −1 lines of this file."), full);
  // The daemon's own hover text when it sends one: as it is, the history actions joining its line of links.
  const daemonText = "**Ann** <ann@x.org>  \n2 days ago\n\n[Show commit](command:gitinspector.showCommit?%5B%5D) · [Diff of this change](command:gitinspector.showCommit?%5B%5D) · [Copy sha](command:gitinspector.copySha?%5B%5D)\n";
  const withDaemon = hoverMarkdown(commit, { ...details, markdown: daemonText }, "2 days ago", target);
  // Its diff link (the commit's, fetched once per commit) becomes this line's.
  const lineDiff = `[Diff of this change](command:gitinspector.diffLineChange?${encodeURIComponent(JSON.stringify([target.uri, target.line]))})`;
  const daemonForLine = daemonText.replace("[Diff of this change](command:gitinspector.showCommit?%5B%5D)", lineDiff);
  assert.ok(withDaemon.startsWith(daemonForLine.trimEnd() + " · [Blame prior to this change](command:gitinspector.blamePriorToChange?"), withDaemon);
  assert.ok(withDaemon.endsWith(")") && withDaemon.includes("[Line history](command:gitinspector.showLineHistory?"));
  assert.ok(HOVER_COMMANDS.includes("gitinspector.showCommit"), "the daemon's links are trusted");
  assert.equal(messageBody("Sum\r\n\r\nBody", "Sum"), "Body");
  // A hundred-line message is cut, so the actions stay in reach.
  const long = ["Sum", "", ...Array.from({ length: 100 }, (_, i) => `line ${i + 1}`)].join("\n");
  const cut = messageBody(long, "Sum").split("\n");
  assert.equal(cut.filter((l) => l.startsWith("line ")).length, HOVER_BODY_LINES);
  assert.equal(cut[cut.length - 1], `… ${100 - HOVER_BODY_LINES} more lines (Show commit has the whole message)`);
  // Not committed: the daemon's one wording, no "You".
  const nc = hoverMarkdown({ ...commit, sha: "0".repeat(40), author: "Not Committed Yet" }, undefined, "", target);
  assert.match(nc, /^\*\*Not Committed Yet\*\*/);
  assert.doesNotMatch(nc, /You/);
});

test("one wording: Not Committed Yet, authors by name (no \"You\")", () => {
  const { now } = vectors("format.json");
  const zero = { sha: "0".repeat(40), author: "Not Committed Yet", email: "", authorTime: now, summary: "", isCurrentUser: true };
  assert.equal(blameText(zero, "${author}, ${date} • ${summary}", "relative", now), "Not Committed Yet");
  const mine = { sha: "b".repeat(40), author: "Carol Chen", email: "carol@x.org", authorTime: now - 60, summary: "Mine", isCurrentUser: true };
  assert.equal(blameText(mine, "${author}, ${date} • ${summary}", "relative", now), "Carol Chen, 1 minute ago • Mine");
  const src = path.join(ROOT, "editors/vscode/src");
  for (const file of fs.readdirSync(src)) {
    const text = fs.readFileSync(path.join(src, file), "utf8");
    assert.doesNotMatch(text, /"You"|You, Not Committed|You •/, `"You" in ${file}`);
  }
});

/** A unified diff of `before` → `after` as git writes it (git diff --no-index). */
function gitDiff(before, after, name = "f.txt") {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gi-patch-"));
  try {
    fs.mkdirSync(path.join(dir, "a"));
    fs.mkdirSync(path.join(dir, "b"));
    if (before !== null) fs.writeFileSync(path.join(dir, "a", name), before);
    if (after !== null) fs.writeFileSync(path.join(dir, "b", name), after);
    try {
      return execFileSync("git", ["diff", "--no-index", "--no-color", before === null ? "/dev/null" : `a/${name}`, after === null ? "/dev/null" : `b/${name}`], { cwd: dir, encoding: "utf8" });
    } catch (e) {
      return e.stdout; // exit status 1: there are differences
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test("a commit's diff applied to the file at its parent gives the file at the commit (the diff editor's sides)", () => {
  const lines = Array.from({ length: 40 }, (_, i) => `line ${i + 1}`);
  const cases = [
    [lines.join("\n") + "\n", [...lines.slice(0, 3), "new", ...lines.slice(3, 20), ...lines.slice(22), "end"].join("\n") + "\n"],
    [lines.join("\n") + "\n", lines.map((l, i) => (i % 9 === 0 ? l.toUpperCase() : l)).join("\n") + "\n"],
    [lines.join("\n"), lines.join("\n") + "\n"], // a final newline added
    [lines.join("\n") + "\n", lines.slice(0, 39).join("\n") + "\nlast"], // and taken away
    ["a\r\nb\r\nc\r\n", "a\r\nB\r\nc\r\n"],
    [lines.join("\n") + "\n", lines.slice(5).join("\n") + "\n"], // deletions only
  ];
  for (const [before, after] of cases) {
    const [patch] = parseDiff(gitDiff(before, after));
    assert.ok(patch, "one file");
    assert.equal(applyPatch(before, patch), after, JSON.stringify({ before: before.slice(0, 30), after: after.slice(0, 30) }));
  }
  // A diff that does not fit the text is refused, never applied crookedly.
  const [patch] = parseDiff(gitDiff("a\nb\nc\n", "a\nB\nc\n"));
  assert.equal(applyPatch("x\ny\nz\n", patch), undefined);
  // Added lines' numbers at the commit (blamePrior of one gives the file at the parent).
  const [p2] = parseDiff(gitDiff("a\nb\nc\nd\n", "a\nX\nc\nd\nY\n"));
  assert.deepEqual(addedLines(p2), [2, 5]);
  // An added file is its diff's + lines; a deleted one its - lines.
  const [added] = parseDiff(gitDiff(null, "one\ntwo\n"));
  assert.equal(added.oldPath, null);
  assert.equal(addedFileText(added), "one\ntwo\n");
  const [deleted] = parseDiff(gitDiff("one\ntwo\n", null));
  assert.equal(deleted.newPath, null);
  assert.equal(deletedFileText(deleted), "one\ntwo\n");
});

test("a commit's whole diff is split per file, renames named", () => {
  const diff = [
    "diff --git a/src/a.py b/src/a.py", "index 1..2 100644", "--- a/src/a.py", "+++ b/src/a.py", "@@ -1,2 +1,2 @@", " x", "-y", "+Y",
    "diff --git a/src/old.py b/src/new.py", "similarity index 90%", "rename from src/old.py", "rename to src/new.py", "index 3..4 100644",
    "--- a/src/old.py", "+++ b/src/new.py", "@@ -3 +3 @@", "-p", "+q",
    "diff --git a/gone.txt b/gone.txt", "deleted file mode 100644", "--- a/gone.txt", "+++ /dev/null", "@@ -1 +0,0 @@", "-bye", "",
  ].join("\n");
  const files = parseDiff(diff);
  assert.deepEqual(files.map((f) => [f.oldPath, f.newPath, f.hunks.length]), [["src/a.py", "src/a.py", 1], ["src/old.py", "src/new.py", 1], ["gone.txt", null, 1]]);
  assert.ok(files[1].text.startsWith("diff --git a/src/old.py b/src/new.py\n"));
});

test("a commit's document: header, message, files (one lens line each) and diff", () => {
  const details = {
    sha: "c".repeat(40), author: "Bob Brown", email: "bob@example.com", date: "2 years ago", committer: "Bob Brown", summary: "Use floats",
    message: "Use floats\n\nFor money.", parents: ["d".repeat(40)],
    files: [{ path: "src/cart.py", status: "M", insertions: 3, deletions: 3 }, { path: "src/new.py", oldPath: "src/old.py", status: "R", insertions: 0, deletions: 0 }],
    diff: "diff --git a/src/cart.py b/src/cart.py\n@@ -1 +1 @@\n-a\n+b\n",
  };
  const { text, fileLines } = commitText(details);
  const lines = text.split("\n");
  assert.equal(lines[0], `commit ${"c".repeat(40)}`);
  assert.ok(lines.includes("Author:     Bob Brown <bob@example.com>"));
  assert.ok(lines.includes("Date:       2 years ago"), "the daemon's date");
  assert.ok(lines.includes("    For money."));
  assert.equal(fileLines.length, 2);
  assert.match(lines[fileLines[0]], /^ {2}M src\/cart\.py {2}\(\+3 -3, modified\)$/);
  assert.match(lines[fileLines[1]], /src\/old\.py → src\/new\.py/);
  assert.ok(text.includes("diff --git a/src/cart.py b/src/cart.py\n@@ -1 +1 @@\n-a\n+b\n"));
});

test("a block lens's authors are titled with the block's lines", () => {
  const result = { path: "src/cart.py", repository: "/r", lines: 5, authors: [] };
  assert.equal(fileAuthorsTitle(result, ["file:///r/src/cart.py"]), "Authors of src/cart.py (5 lines)");
  assert.equal(fileAuthorsTitle(result, ["file:///r/src/cart.py", 6, 10]), "Authors of lines 7–11 of src/cart.py");
  assert.equal(fileAuthorsTitle({ ...result, range: { startLine: 11, endLine: 19 } }, ["u", 6, 10]), "Authors of lines 12–20 of src/cart.py");
  assert.equal(fileAuthorsTitle({ ...result, range: { start: { line: 2, character: 0 }, end: { line: 9, character: 0 } } }, ["u"]), "Authors of lines 3–9 of src/cart.py");
  assert.equal(fileAuthorsTitle(result, ["u", { startLine: 0, endLine: 3 }]), "Authors of lines 1–4 of src/cart.py");
});

test("a lens's authors: one line is \"1 line\", never \"1 lines\"", () => {
  assert.equal(authorLinesLabel(1, 8.333), "1 line (8.3%)");
  assert.equal(authorLinesLabel(12, 66.6667), "12 lines (66.7%)");
  assert.equal(authorLinesLabel(0, 0), "0 lines (0.0%)");
  // 1 line of 3,000 is not "0.0%", and 2,999 of 3,000 is not "100.0%"
  assert.equal(authorLinesLabel(1, (100 * 1) / 3000), "1 line (<0.1%)");
  assert.equal(authorLinesLabel(2999, (100 * 2999) / 3000), "2999 lines (>99.9%)");
  assert.equal(authorLinesLabel(3000, 100), "3000 lines (100.0%)");
  assert.equal(fileAuthorsTitle({ path: "a.txt", repository: "/r", lines: 1, authors: [] }, ["u"]), "Authors of a.txt (1 line)");
});

test("VS Code's own blame: offered once when it is on next to gitinspector's", () => {
  const settings = (values) => (key) => values[key];
  assert.deepEqual(NATIVE_BLAME_SETTINGS, ["git.blame.statusBarItem.enabled", "git.blame.editorDecoration.enabled"]);
  assert.deepEqual(nativeBlameOn(settings({ "git.blame.statusBarItem.enabled": true })), ["git.blame.statusBarItem.enabled"]);
  assert.deepEqual(nativeBlameOn(settings({ "git.blame.statusBarItem.enabled": true, "git.blame.editorDecoration.enabled": true })), [...NATIVE_BLAME_SETTINGS]);
  assert.deepEqual(nativeBlameOn(settings({ "git.blame.statusBarItem.enabled": true, "git.enabled": false })), [], "no git extension, no blame of VS Code's");
  assert.deepEqual(nativeBlameOn(settings({})), []);
  assert.equal(shouldOffer(["git.blame.statusBarItem.enabled"], true, undefined), true);
  assert.equal(shouldOffer(["git.blame.statusBarItem.enabled"], true, "Keep both"), false, "answered: never again");
  assert.equal(shouldOffer(["git.blame.statusBarItem.enabled"], false, undefined), false, "gitinspector's own blame is off");
  assert.equal(shouldOffer([], true, undefined), false);
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

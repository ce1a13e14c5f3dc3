// Unit tests of the VS Code extension's pure modules, on the JS that
// `npm run compile` writes to editors/vscode/out (scripts/test-vscode.sh
// builds it first): the shared vectors of tests/fixtures/vectors, which the
// daemon and the Neovim plugin pass too, and the settings sent to the daemon.

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
const { userSettings } = require(path.join(OUT, "settings.js"));

const vectors = (name) => JSON.parse(fs.readFileSync(path.join(ROOT, "tests/fixtures/vectors", name), "utf8"));

test("relative dates are the shared vectors' (format.json)", () => {
  const { now, relative } = vectors("format.json");
  assert.ok(relative.length > 0);
  for (const { time, expected } of relative) {
    assert.equal(relativeDate(time, now), expected, `relativeDate(${time}, ${now})`);
    // An unset dateFormat is relative, as the daemon's default.
    assert.equal(formatDate(time, "relative", now), expected, `formatDate(${time}, "relative")`);
    assert.equal(formatDate(time, undefined, now), expected, `formatDate(${time}, undefined)`);
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

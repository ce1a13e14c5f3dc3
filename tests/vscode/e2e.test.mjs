// End-to-end tests of the VS Code extension in a real VS Code (code-server),
// driven through Debian's chromium with playwright-core. Run by
// scripts/test-vscode.sh (node --test). Expected values come from plain
// `git blame --porcelain` on a repository built here with fixed authors.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { createRequire } from "node:module";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");
const EXT_DIR = path.join(ROOT, "editors/vscode");
const VSIX = process.env.GITINSPECTOR_VSIX ?? path.join(EXT_DIR, "gitinspector.vsix");
const DAEMON = process.env.GITINSPECTOR_LSP ?? path.join(ROOT, "target/release/gitinspector-lsp");
const CODE_SERVER = process.env.CODE_SERVER ?? path.join(HERE, ".code-server/node_modules/.bin/code-server");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const ARTIFACTS = process.env.ARTIFACTS ?? path.join(ROOT, "artifacts/vscode");
const require = createRequire(path.join(EXT_DIR, "package.json"));
const { chromium } = require("playwright-core");
// The extension's one palette (editors/vscode/src/palette.ts, compiled by `npm run compile`).
const { AUTHOR_PALETTE } = require(path.join(EXT_DIR, "out/palette.js"));

const ALICE = { name: "Alice Anders", email: "alice@example.com" };
const BOB = { name: "Bob Brown", email: "bob@example.com" };
const CAROL = { name: "Carol Chen", email: "carol@example.com" };

let tmp, repo, home, server, browser, page, port, announceFile;
const expected = {};

// ---------------------------------------------------------------- helpers

function git(args, opts = {}) {
  return execFileSync("git", args, {
    cwd: repo,
    encoding: "utf8",
    env: { ...process.env, HOME: home, GIT_CONFIG_NOSYSTEM: "1", ...opts.env },
  });
}

function commitAs(who, date, message) {
  git(["commit", "-q", "-m", message], {
    env: {
      GIT_AUTHOR_NAME: who.name, GIT_AUTHOR_EMAIL: who.email, GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_NAME: who.name, GIT_COMMITTER_EMAIL: who.email, GIT_COMMITTER_DATE: date,
    },
  });
}

/** `git blame --porcelain` of a file: one {sha, author, email, summary} per line. */
function porcelainBlame(file) {
  const out = git(["blame", "--porcelain", "HEAD", "--", file]);
  const commits = {};
  const lines = [];
  let current;
  for (const line of out.split("\n")) {
    const header = /^([0-9a-f]{40}) \d+ (\d+)/.exec(line);
    if (header) {
      current = commits[header[1]] ??= { sha: header[1] };
      lines[Number(header[2]) - 1] = current;
    } else if (line.startsWith("author ")) current.author = line.slice(7);
    else if (line.startsWith("author-mail ")) current.email = line.slice(13, -1);
    else if (line.startsWith("summary ")) current.summary = line.slice(8);
  }
  return lines;
}

/** "#e6194b" as the browser computes it: "rgb(230, 25, 75)". */
function rgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
}

/** Authors of `lines` ({author} per line) by their number of lines, most first (ranks 0, 1, …). */
function authorsByLines(lines) {
  const counts = {};
  for (const c of lines) counts[c.author] = (counts[c.author] ?? 0) + 1;
  const ranked = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  for (let i = 1; i < ranked.length; i++) {
    assert.notEqual(ranked[i][1], ranked[i - 1][1], `the test repository has no ties: ${JSON.stringify(ranked)}`);
  }
  return ranked.map(([name]) => name);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port: p } = s.address();
      s.close(() => resolve(p));
    });
    s.on("error", reject);
  });
}

async function waitFor(fn, what, timeoutMs = 30000, intervalMs = 250) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
}

async function shot(name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}

async function runCommand(title) {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: 10000 });
  await input.fill(`>${title}`);
  await page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first().waitFor({ timeout: 10000 });
  await page.keyboard.press("Enter");
}

async function openFile(name) {
  await page.keyboard.press("Control+P");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: 10000 });
  await input.fill(name);
  await page.locator(".quick-input-list .monaco-list-row", { hasText: path.basename(name) }).first().waitFor({ timeout: 15000 });
  await page.keyboard.press("Enter");
  await page.locator(".monaco-editor .view-lines").first().waitFor({ timeout: 15000 });
}

async function gotoLine(line1) {
  await page.keyboard.press("Control+G");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: 10000 });
  await input.fill(`:${line1}`);
  await page.keyboard.press("Enter");
}

/** Texts of `after` decorations in the active editor (rendered as ::after content or injected text). */
async function afterDecorationTexts() {
  return page.evaluate(() => {
    const texts = [];
    for (const el of document.querySelectorAll(".editor-instance .monaco-editor .view-lines span, .monaco-editor .view-overlays div")) {
      const after = getComputedStyle(el, "::after").content;
      if (after && after !== "none" && after !== "normal" && after !== '""') texts.push(after.replace(/^"|"$/g, ""));
      if ([...el.classList].some((c) => c.startsWith("ced-")) && el.textContent) texts.push(el.textContent);
    }
    return texts;
  });
}

async function lineBlameText() {
  return (await afterDecorationTexts()).find((t) => t.includes(" • ") || t.includes("Not Committed")) ?? "";
}

async function statusBarText() {
  return page.evaluate(() => {
    const item = [...document.querySelectorAll(".statusbar-item")].find((e) => e.id.includes("gitinspector"));
    return item ? item.textContent.trim() : "";
  });
}

// ---------------------------------------------------------------- setup

before(async () => {
  for (const [what, file] of [["daemon", DAEMON], ["vsix", VSIX], ["code-server", CODE_SERVER], ["chromium", CHROMIUM]]) {
    assert.ok(fs.existsSync(file), `${what} missing: ${file}`);
  }
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "gi-vscode-"));
  home = path.join(tmp, "home");
  repo = path.join(tmp, "shop");
  fs.mkdirSync(home);
  fs.mkdirSync(path.join(repo, "src"), { recursive: true });

  // The repository: Alice writes the module, Bob changes part of it, Carol
  // (the user of this clone) adds a helper file.
  git(["init", "-q", "-b", "main"]);
  git(["config", "user.name", CAROL.name]);
  git(["config", "user.email", CAROL.email]);
  const v1 = [
    "def total(prices):", "    result = 0", "    for p in prices:", "        result += p", "    return result", "",
    "def average(prices):", "    if not prices:", "        return 0", "    return total(prices) / len(prices)", "",
    "class Cart:", "    def __init__(self):", "        self.items = []", "", "    def add(self, item):", "        self.items.append(item)", "",
  ];
  fs.writeFileSync(path.join(repo, "src/cart.py"), v1.join("\n") + "\n");
  fs.writeFileSync(path.join(repo, "README.md"), "# Shop\n\nA tiny shop.\n");
  // money.py: three authors, whose ranks by lines (Bob, Carol, Alice) are
  // neither their order of commits nor of names. Every line is different.
  const money1 = [
    "CENTS = 100", "def to_cents(x):", "    return int(x * 100)", "def from_cents(c):", "    return c / 100",
    "def add(a, b):", "    return a + b", "def sub(a, b):", "    return a - b",
  ];
  fs.writeFileSync(path.join(repo, "src/money.py"), money1.join("\n") + "\n");
  git(["add", "."]);
  commitAs(ALICE, "2024-01-15T10:00:00+00:00", "Add cart module");
  const money2 = [...money1];
  money2[2] = "    return round(x * CENTS)";
  money2[4] = "    return c / CENTS";
  money2[6] = "    return round(a + b, 2)";
  money2[8] = "    return round(a - b, 2)";
  fs.writeFileSync(path.join(repo, "src/money.py"), money2.join("\n") + "\n");
  const v2 = [...v1];
  v2[1] = "    result = 0.0";
  v2[3] = "        result += float(p)";
  v2[8] = "        return 0.0";
  v2.push("    def clear(self):", "        self.items.clear()", "");
  fs.writeFileSync(path.join(repo, "src/cart.py"), v2.join("\n") + "\n");
  git(["add", "."]);
  commitAs(BOB, "2024-06-01T09:30:00+00:00", "Use floats for money");
  fs.writeFileSync(path.join(repo, "src/util.py"), "def clamp(x, lo, hi):\n    return max(lo, min(x, hi))\n");
  const money3 = [...money2];
  money3[0] = "CENTS = 100  # per unit";
  money3[5] = "def add(a: float, b: float) -> float:";
  money3[7] = "def sub(a: float, b: float) -> float:";
  fs.writeFileSync(path.join(repo, "src/money.py"), money3.join("\n") + "\n");
  git(["add", "."]);
  commitAs(CAROL, "2024-09-10T14:00:00+00:00", "Add clamp helper");

  // Expected values, from git itself.
  expected.cart = porcelainBlame("src/cart.py");
  expected.money = porcelainBlame("src/money.py");
  expected.lineCounts = {};
  expected.topAuthors = {};
  for (const file of git(["ls-files"]).trim().split("\n")) {
    const counts = {};
    for (const c of porcelainBlame(file)) {
      expected.lineCounts[c.author] = (expected.lineCounts[c.author] ?? 0) + 1;
      counts[c.author] = (counts[c.author] ?? 0) + 1;
    }
    // The author of most lines (this repository has no ties).
    expected.topAuthors[file] = Object.entries(counts).sort((a, b) => b[1] - a[1])[0][0];
  }

  // The daemon, run through announce-proxy.mjs: unchanged until a test writes
  // announceFile, then announcing other defaults from its next start.
  announceFile = path.join(tmp, "announce.json");
  const daemonCommand = path.join(tmp, "gitinspector-lsp");
  fs.writeFileSync(daemonCommand, `#!/bin/sh\nGITINSPECTOR_TEST_ANNOUNCE='${announceFile}' exec '${process.execPath}' '${path.join(HERE, "announce-proxy.mjs")}' '${DAEMON}' "$@"\n`);
  fs.chmodSync(daemonCommand, 0o755);

  // code-server with its own folders, the extension installed from the vsix.
  const ud = path.join(tmp, "user-data");
  const ext = path.join(tmp, "extensions");
  fs.mkdirSync(path.join(ud, "User"), { recursive: true });
  fs.writeFileSync(path.join(ud, "User/settings.json"), JSON.stringify({
    "gitinspector.path": daemonCommand,
    "gitinspector.currentLine.delay": 50,
    "security.workspace.trust.enabled": false,
    "workbench.startupEditor": "none",
    "workbench.colorTheme": "Default Dark Modern",
    "telemetry.telemetryLevel": "off",
    "extensions.autoUpdate": false,
    "update.mode": "none",
    "chat.disableAIFeatures": true,
    "workbench.tips.enabled": false,
    "editor.minimap.enabled": false,
    "git.enabled": false,
  }, null, 2));
  // gitinspector.path is machine-overridable: in code-server (a remote window) it is read
  // from the Machine settings once the User ones are written again (the Settings editor
  // does), so a later restart of the daemon finds it there too.
  fs.mkdirSync(path.join(ud, "Machine"), { recursive: true });
  fs.writeFileSync(path.join(ud, "Machine/settings.json"), JSON.stringify({ "gitinspector.path": daemonCommand }, null, 2));
  const env = {
    // HOME stays the real one: VS Code resolves the user's shell environment
    // (PATH) from it, and the daemon finds its Python through PATH.
    ...process.env, GIT_CONFIG_NOSYSTEM: "1",
    XDG_CONFIG_HOME: path.join(tmp, "xdg-config"), XDG_DATA_HOME: path.join(tmp, "xdg-data"),
    EXTENSIONS_GALLERY: '{"serviceUrl":""}',
  };
  execFileSync(CODE_SERVER, ["--user-data-dir", ud, "--extensions-dir", ext, "--install-extension", VSIX], { env, stdio: "pipe", timeout: 60000 });
  port = await freePort();
  server = spawn(CODE_SERVER, [
    "--auth", "none", "--bind-addr", `127.0.0.1:${port}`, "--disable-telemetry", "--disable-update-check",
    "--disable-workspace-trust", "--user-data-dir", ud, "--extensions-dir", ext, repo,
  ], { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const log = fs.createWriteStream(path.join(tmp, "code-server.log"));
  server.stdout.pipe(log);
  server.stderr.pipe(log);
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok, "code-server /healthz", 60000, 500);

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
    timeout: 60000,
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(repo)}`);
  await page.locator(".monaco-workbench").waitFor({ timeout: 60000 });
  await page.waitForTimeout(2000);
});

after(async () => {
  await browser?.close().catch(() => {});
  if (server?.pid) {
    try { process.kill(-server.pid, "SIGTERM"); } catch { /* gone */ }
  }
  if (tmp && !process.env.KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
  else if (tmp) console.log(`kept ${tmp}`);
});

// ---------------------------------------------------------------- tests

// A line Alice wrote and Bob never touched, and one Bob changed.
const ALICE_LINE = 9; // 0-based: "    return total(prices) / len(prices)"
const BOB_LINE = 3; // "        result += float(p)"

test("current-line blame names the line's real author", { timeout: 90000 }, async () => {
  assert.equal(expected.cart[ALICE_LINE].author, ALICE.name);
  assert.equal(expected.cart[BOB_LINE].author, BOB.name);
  await openFile("src/cart.py");
  await gotoLine(ALICE_LINE + 1);
  const text = await waitFor(async () => {
    const t = await lineBlameText();
    return t.includes(expected.cart[ALICE_LINE].author) ? t : false;
  }, "the current-line blame of Alice's line", 45000);
  assert.match(text, new RegExp(`^${expected.cart[ALICE_LINE].author}, .+ago • ${expected.cart[ALICE_LINE].summary}$`));
  await gotoLine(BOB_LINE + 1);
  const bobText = await waitFor(async () => {
    const t = await lineBlameText();
    return t.includes(expected.cart[BOB_LINE].author) ? t : false;
  }, "the current-line blame of Bob's line");
  assert.ok(bobText.includes(expected.cart[BOB_LINE].summary), bobText);
  await shot("01-line-blame");
});

test("status bar shows the current line's author and time", { timeout: 30000 }, async () => {
  const text = await waitFor(async () => {
    const t = await statusBarText();
    return t.includes(expected.cart[BOB_LINE].author) ? t : false;
  }, "status bar text");
  assert.match(text, new RegExp(`${expected.cart[BOB_LINE].author}, \\d+ (year|month|week|day)s? ago`));
});

test("file lens names the file's authors with their shares", { timeout: 30000 }, async () => {
  const lines = expected.cart;
  const counts = {};
  for (const c of lines) counts[c.author] = (counts[c.author] ?? 0) + 1;
  const authors = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  const shares = authors.map(([name, n]) => `${name} ${Math.floor((n * 100 + Math.floor(lines.length / 2)) / lines.length)}%`).join(", ");
  const prefix = `${authors.length} authors · ${shares} · last change ${BOB.name}`;
  const lens = await waitFor(async () => {
    const texts = await page.locator(".codelens-decoration").allTextContents();
    return texts.find((t) => t.includes("authors ·")) ?? false;
  }, "the file lens");
  assert.ok(lens.startsWith(prefix), `lens "${lens}" should start with "${prefix}"`);
  await gotoLine(ALICE_LINE + 1);
  await waitFor(async () => (await lineBlameText()).includes(ALICE.name), "Alice's line for the screenshot");
  await shot("00-overview");
});

/** Texts of the lenses above blocks (the file lens names "N authors"). */
async function blockLensTexts() {
  const texts = await page.locator(".codelens-decoration").allTextContents();
  return texts.filter((t) => t.trim() && !t.includes("authors ·"));
}

/** The Settings editor's entry of a setting (User tab), searched by key. */
async function settingItem(key, title) {
  await runCommand("Preferences: Open User Settings");
  const search = page.locator(".settings-editor .suggest-input-container .monaco-editor textarea, .settings-editor .settings-header-widget textarea").first();
  await search.waitFor({ timeout: 15000 });
  await search.fill(key);
  const item = page.locator(".settings-editor .setting-item-contents", { hasText: title }).first();
  await item.waitFor({ timeout: 15000 });
  return item;
}

/** Clicks the editor tab titled `title`. */
async function showTab(title) {
  await page.locator(".tabs-container .tab", { hasText: title }).first().click();
}

function userSettings() {
  return JSON.parse(fs.readFileSync(path.join(tmp, "user-data/User/settings.json"), "utf8"));
}

test("a daemon setting changed reaches the daemon, and reset it is the daemon's default again", { timeout: 90000 }, async (t) => {
  t.after(async () => { await shot("08-daemon-setting"); });
  const KEY = "gitinspector.codeLens.blocks";
  await waitFor(async () => (await blockLensTexts()).length > 0, "block lenses (on by default)");
  let item = await settingItem(KEY, "Code Lens: Blocks");
  await item.locator(".setting-value-checkbox").click();
  await waitFor(() => userSettings()[KEY] === false, `${KEY} false in the user settings`);
  await showTab("cart.py");
  // The file lens stays, the block lenses go.
  await waitFor(async () => {
    const lenses = await page.locator(".codelens-decoration").allTextContents();
    return lenses.some((t) => t.includes("authors ·")) && (await blockLensTexts()).length === 0;
  }, "the file lens without block lenses with codeLens.blocks false", 30000, 500);
  // Checked again: the Settings editor resets a setting set back to its default (package.json
  // keeps it for the checkbox), so the key leaves the settings, nothing of it is sent, and the
  // daemon's default is back.
  item = await settingItem(KEY, "Code Lens: Blocks");
  await item.locator(".setting-value-checkbox").click();
  await waitFor(() => !(KEY in userSettings()), `${KEY} removed from the user settings`);
  const settingsTab = page.locator(".tabs-container .tab", { hasText: "Settings" }).first();
  await settingsTab.hover();
  await settingsTab.locator(".tab-actions .action-label").first().click();
  await showTab("cart.py");
  await waitFor(async () => (await blockLensTexts()).length > 0, "block lenses back after the reset", 30000, 500);
});

test("hover shows the line's commit", { timeout: 45000 }, async () => {
  const commit = expected.cart[ALICE_LINE];
  const line = page.locator(".monaco-editor .view-lines .view-line", { hasText: "return total(prices) / len(prices)" });
  const hover = await waitFor(async () => {
    await line.hover({ position: { x: 40, y: 5 } });
    await page.waitForTimeout(1200);
    const texts = await page.locator(".monaco-hover").allTextContents();
    return texts.find((t) => t.includes(commit.sha.slice(0, 12))) ?? false;
  }, "the hover", 30000, 500);
  assert.ok(hover.includes(commit.author), hover);
  assert.ok(hover.includes(commit.email), hover);
  assert.ok(hover.includes(commit.summary), hover);
  await shot("02-hover");
  await page.keyboard.press("Escape");
});

test("unset settings take the defaults the daemon announces, none of the extension's own", { timeout: 120000 }, async (t) => {
  // The daemon (through announce-proxy.mjs) announces another default
  // template and date format; the user set neither (nor currentLine.template).
  const commit = expected.cart[BOB_LINE];
  const announced = { blameTemplate: "${summary} ~ ${author} ~ ${date} [${sha}]", dateFormat: "%Y/%m" };
  const wanted = `${commit.summary} ~ ${BOB.name} ~ 2024/06 [${commit.sha.slice(0, 8)}]`;
  const announcedText = async () => (await afterDecorationTexts()).find((x) => x.includes(" ~ ")) ?? "";
  t.after(async () => {
    await shot("09-announced-defaults");
    if (fs.existsSync(announceFile)) {
      fs.rmSync(announceFile);
      await runCommand("gitinspector: Restart Daemon");
    }
  });
  fs.writeFileSync(announceFile, JSON.stringify(announced));
  await runCommand("gitinspector: Restart Daemon");
  await gotoLine(ALICE_LINE + 1);
  await gotoLine(BOB_LINE + 1);
  const text = await waitFor(async () => {
    const x = await announcedText();
    return x === wanted ? x : false;
  }, `the current-line blame in the announced template: ${wanted}`, 45000);
  assert.equal(text, wanted);
  // The status bar's date follows the announced date format too.
  await waitFor(async () => (await statusBarText()).includes(`${BOB.name}, 2024/06`), "the status bar with the announced date format");
  await shot("09-announced-defaults");
  fs.rmSync(announceFile);
  // The daemon's usual announcement again: the usual text.
  await runCommand("gitinspector: Restart Daemon");
  await gotoLine(ALICE_LINE + 1);
  await gotoLine(BOB_LINE + 1);
  const usual = await waitFor(async () => {
    const x = await lineBlameText();
    return x.startsWith(`${BOB.name}, `) && x.includes(" ago • ") ? x : false;
  }, "the current-line blame in the daemon's usual default template", 45000);
  assert.match(usual, new RegExp(`^${BOB.name}, .+ago • ${commit.summary}$`));
});

test("after typing on a line its blame reads Not Committed Yet", { timeout: 45000 }, async () => {
  await gotoLine(ALICE_LINE + 1);
  await waitFor(async () => (await lineBlameText()).includes(ALICE.name), "Alice's line again");
  await page.keyboard.press("End");
  await page.keyboard.type("  # edited");
  const text = await waitFor(async () => {
    const t = await lineBlameText();
    return t.includes("Not Committed Yet") ? t : false;
  }, "the not-committed blame");
  assert.match(text, /Not Committed Yet/);
  assert.match(await statusBarText(), /Not Committed Yet/);
  // Another line keeps its real author.
  await gotoLine(BOB_LINE + 1);
  await waitFor(async () => (await lineBlameText()).includes(BOB.name), "Bob's line after the edit");
  await gotoLine(ALICE_LINE + 1);
  await page.keyboard.press("End");
  await waitFor(async () => (await lineBlameText()).includes("Not Committed Yet"), "back on the edited line");
  await shot("03-not-committed");
});

test("file blame annotates every line", { timeout: 30000 }, async () => {
  await runCommand("gitinspector: Toggle File Blame");
  const texts = await waitFor(async () => {
    const ts = await page.evaluate(() => {
      const out = [];
      for (const el of document.querySelectorAll(".monaco-editor .view-lines span")) {
        const before = getComputedStyle(el, "::before").content;
        if (before && before !== "none" && before !== "normal") out.push(before);
      }
      return out;
    });
    return ts.some((t) => t.includes(ALICE.name)) && ts.some((t) => t.includes(BOB.name)) ? ts : false;
  }, "file blame annotations");
  assert.ok(texts.length > 0);
  await shot("04-file-blame");
  await runCommand("gitinspector: Toggle File Blame");
});

test("file blame colours each author by their rank in the file: the top three differ", { timeout: 60000 }, async () => {
  // money.py: three authors, ranked by their lines in the file (from git).
  const ranked = authorsByLines(expected.money);
  assert.equal(ranked.length, 3, `authors of money.py: ${ranked}`);
  const colorOf = (author) => rgb(AUTHOR_PALETTE[ranked.indexOf(author) % AUTHOR_PALETTE.length]);
  const fileLines = fs.readFileSync(path.join(repo, "src/money.py"), "utf8").split("\n");
  await openFile("src/money.py");
  await runCommand("gitinspector: Toggle File Blame");
  const shown = await waitFor(async () => {
    const lines = await page.evaluate(() => {
      const out = [];
      for (const line of document.querySelectorAll(".editor-instance .monaco-editor .view-lines .view-line")) {
        for (const span of line.querySelectorAll("span")) {
          const before = getComputedStyle(span, "::before");
          if (before.content && before.content !== "none" && before.content !== "normal") {
            out.push({ text: line.textContent.replace(/\u00a0/g, " "), color: before.borderLeftColor });
            break;
          }
        }
      }
      return out;
    });
    return lines.length >= expected.money.length ? lines : false;
  }, "file blame annotations of every line of money.py");
  await shot("10-file-blame-ranks");
  await runCommand("gitinspector: Toggle File Blame");
  const byAuthor = {};
  for (const { text, color } of shown) {
    const index = fileLines.indexOf(text);
    assert.ok(index >= 0, `shown line ${JSON.stringify(text)} is a line of money.py`);
    const author = expected.money[index].author;
    assert.equal(color, colorOf(author), `colour of line ${index + 1} (${author}, rank ${ranked.indexOf(author)})`);
    byAuthor[author] = color;
  }
  assert.equal(Object.keys(byAuthor).length, 3, "every author of the file shown");
  assert.equal(new Set(Object.values(byAuthor)).size, 3, `three authors, three colours: ${JSON.stringify(byAuthor)}`);
});

test("repository authors view lists each author with their lines", { timeout: 90000 }, async () => {
  await runCommand("gitinspector: Show Repository Authors");
  const tables = await waitFor(async () => {
    for (const frame of page.frames()) {
      const found = await frame.evaluate(() => {
        const table = document.getElementById("authors-table");
        if (!table) return null;
        const files = document.getElementById("files-table");
        return {
          authors: [...table.querySelectorAll("tbody tr")].map((tr) => ({
            name: tr.querySelector('[data-col="name"]').textContent,
            lines: tr.querySelector('[data-col="lines"]').textContent,
            pct: tr.querySelector('[data-col="linesPct"]').textContent,
            swatch: getComputedStyle(tr.querySelector('[data-col="name"] .swatch')).backgroundColor,
          })),
          files: [...(files?.querySelectorAll("tbody tr") ?? [])].map((tr) => ({
            path: tr.querySelector('[data-col="path"]').textContent,
            top: tr.querySelector('[data-col="topAuthor"]').textContent,
          })),
        };
      }).catch(() => null);
      if (found && found.authors.length) return found;
    }
    return false;
  }, "the authors table", 60000, 500);
  const rows = tables.authors;
  const got = Object.fromEntries(rows.map((r) => [r.name, Number(r.lines.replace(/,/g, ""))]));
  assert.deepEqual(got, expected.lineCounts);
  // Sorted by lines, most first.
  const counts = rows.map((r) => Number(r.lines.replace(/,/g, "")));
  assert.deepEqual(counts, [...counts].sort((a, b) => b - a));
  // Each author's share of the lines (the result's linesPct), and each file's top author.
  const total = Object.values(expected.lineCounts).reduce((a, b) => a + b, 0);
  const pcts = Object.fromEntries(rows.map((r) => [r.name, r.pct]));
  const wanted = Object.fromEntries(Object.entries(expected.lineCounts).map(([name, n]) => [name, `${((100 * n) / total).toFixed(1)}%`]));
  assert.deepEqual(pcts, wanted);
  assert.deepEqual(Object.fromEntries(tables.files.map((f) => [f.path, f.top])), expected.topAuthors);
  // Each author's colour is the extension's palette entry of their rank in the
  // repository (the result's authors come most lines first): three authors, three colours.
  const ranked = authorsByLines(Object.entries(expected.lineCounts).flatMap(([author, n]) => Array(n).fill({ author })));
  const swatches = Object.fromEntries(rows.map((r) => [r.name, r.swatch]));
  assert.deepEqual(swatches, Object.fromEntries(ranked.map((name, i) => [name, rgb(AUTHOR_PALETTE[i % AUTHOR_PALETTE.length])])));
  assert.equal(new Set(Object.values(swatches)).size, ranked.length, "one colour per author");
  await page.waitForTimeout(500);
  await shot("05-repository-authors");
});

/** The rows of table `name` of a report section (the engine's page data), as {column: value}. */
function reportRows(section, name) {
  const table = section.tables.find((t) => t.name === name);
  assert.ok(table, `the report has a ${name} table: ${section.tables.map((t) => t.name)}`);
  return table.rows.map((row) => Object.fromEntries(table.columns.map(([key], i) => [key, row[i]])));
}

test("export asks the daemon for the engine's HTML report, which it writes, and previews it", { timeout: 120000 }, async (t) => {
  t.after(async () => { await shot("07-report"); });
  const reports = path.join(tmp, "user-data/User/globalStorage/gitinspector.gitinspector/reports");
  const earlier = new Set(fs.existsSync(reports) ? fs.readdirSync(reports) : []);
  await runCommand("gitinspector: Export Report of the Workspace");
  // The format's quick pick: the engine's formats a file is made of, HTML first.
  const rows = page.locator(".quick-input-list .monaco-list-row");
  await rows.filter({ hasText: "Excel" }).first().waitFor({ timeout: 15000 });
  const offered = (await rows.allTextContents()).map((text) => /^(HTML|Excel|Markdown|CSV)/.exec(text)?.[1]);
  assert.deepEqual(offered, ["HTML", "Excel", "Markdown", "CSV"]);
  await page.keyboard.press("Enter");
  const file = await waitFor(
    () => fs.existsSync(reports) && fs.readdirSync(reports).find((f) => f.endsWith(".html") && !earlier.has(f)),
    "the report file the daemon writes", 60000, 250,
  );
  assert.match(file, /^gitinspector-shop-\d{4}(-\d\d){5}\.html$/, "named after the repository and the date");
  const html = fs.readFileSync(path.join(reports, file), "utf8");
  // The engine's page (python/gigui/report/html.py), nothing of the extension's.
  assert.match(html, /<meta name="generator" content="gitinspector-lsp">/);
  assert.doesNotMatch(html, /GITINSPECTOR_DATA|GITINSPECTOR_PALETTE|authors-table/, "a report generated in the extension");
  const data = JSON.parse(/<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)[1]);
  assert.equal(data.sections.length, 1, "one section: the workspace's one repository");
  const section = data.sections[0];
  assert.equal(section.path, repo);
  // Its numbers are the analysis's (git blame's): each author's lines, each file's top author.
  const authors = reportRows(section, "authors");
  assert.deepEqual(Object.fromEntries(authors.map((a) => [a.name, a.lines])), expected.lineCounts);
  const [top, topLines] = Object.entries(expected.lineCounts).sort((a, b) => b[1] - a[1])[0];
  assert.equal(authors[0].name, top, "the top author first");
  assert.equal(authors[0].lines, topLines);
  assert.ok(html.includes(top), "the top author's name in the page");
  const files = reportRows(section, "files");
  assert.deepEqual(Object.fromEntries(files.map((f) => [f.path, f.top_author])), expected.topAuthors);
  // The preview shows the same page, its own script drawing the tables inside the webview.
  await page.locator(".tabs-container .tab", { hasText: "gitinspector Report: shop" }).waitFor({ timeout: 30000 });
  const shown = await waitFor(async () => {
    for (const frame of page.frames()) {
      const cells = await frame.evaluate(() => {
        if (!document.querySelector('meta[name="generator"][content="gitinspector-lsp"]')) return null;
        return [...document.querySelectorAll("#app .panel table tbody tr")].map((tr) => [...tr.cells].map((td) => td.textContent.trim()));
      }).catch(() => null);
      if (cells && cells.length >= Object.keys(expected.lineCounts).length) return cells;
    }
    return false;
  }, "the report preview's authors table, drawn by the engine's script", 30000, 500);
  for (const [name, lines] of Object.entries(expected.lineCounts)) {
    const row = shown.find((cells) => cells[0] === name);
    assert.ok(row, `${name} in the preview: ${JSON.stringify(shown)}`);
    assert.ok(row.includes(String(lines)), `${name}'s ${lines} lines in the preview: ${row}`);
  }
  await shot("07-report");
  // The notification names the file the daemon wrote.
  await waitFor(async () => (await page.locator(".notifications-toasts .notification-toast").allTextContents()).some((x) => x.includes(file)),
    "the notification with the report's path", 15000, 250);
});

test("export as Markdown: the engine's tables, opened in an editor", { timeout: 90000 }, async () => {
  const reports = path.join(tmp, "user-data/User/globalStorage/gitinspector.gitinspector/reports");
  const earlier = new Set(fs.existsSync(reports) ? fs.readdirSync(reports) : []);
  await runCommand("gitinspector: Export Report of the Workspace");
  const rows = page.locator(".quick-input-list .monaco-list-row");
  await rows.filter({ hasText: "Markdown" }).first().waitFor({ timeout: 15000 });
  await page.locator(".quick-input-widget input").fill("Markdown");
  await page.keyboard.press("Enter");
  const file = await waitFor(
    () => fs.existsSync(reports) && fs.readdirSync(reports).find((f) => f.endsWith(".md") && !earlier.has(f)),
    "the Markdown report the daemon writes", 60000, 250,
  );
  const md = fs.readFileSync(path.join(reports, file), "utf8");
  for (const [name, lines] of Object.entries(expected.lineCounts)) {
    const row = md.split("\n").find((l) => l.startsWith(`| ${name} `));
    assert.ok(row, `${name}'s row in:\n${md}`);
    assert.ok(row.split("|").map((c) => c.trim()).includes(String(lines)), `${name}'s ${lines} lines in ${row}`);
  }
  await page.locator(".tabs-container .tab", { hasText: file }).waitFor({ timeout: 15000 });
  await shot("11-report-markdown");
});

test("a gitinspector.path that does not exist is reported with its reason", { timeout: 60000 }, async (t) => {
  t.after(async () => { await shot("06-missing-binary"); });
  const missing = path.join(tmp, "no-such-gitinspector-lsp");
  await runCommand("Preferences: Open User Settings");
  const search = page.locator(".settings-editor .suggest-input-container .monaco-editor textarea, .settings-editor .settings-header-widget textarea").first();
  await search.waitFor({ timeout: 15000 });
  await search.fill("gitinspector.path");
  // gitinspector.path is machine-scoped: in code-server (a remote window) its
  // Settings editor entry is under the Remote tab.
  await page.locator(".settings-editor .settings-tabs-widget .action-label", { hasText: "Remote" }).first().click();
  const input = page.locator(".settings-editor .setting-item-contents", { hasText: "Gitinspector: Path" }).locator("input").first();
  await input.waitFor({ timeout: 15000 });
  await input.fill(missing);
  await input.press("Tab");
  const toast = await waitFor(async () => {
    const texts = await page.locator(".notifications-toasts .notification-toast").allTextContents();
    return texts.find((t) => t.includes("no-such-gitinspector-lsp")) ?? false;
  }, "the error notification", 30000, 500);
  assert.match(toast, /not an executable file/);
  await shot("06-missing-binary");
});

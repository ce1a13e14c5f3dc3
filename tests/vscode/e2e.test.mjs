// End-to-end tests of the VS Code extension in a real VS Code (code-server),
// driven through Debian's chromium with playwright-core. Run by
// scripts/test-vscode.sh (node --test). Expected values come from plain git
// (`git blame --porcelain`, `git show`, `git log -L`, `git log --follow`) on
// repositories built here with fixed authors. Each test checks what a person
// sees, and leaves a screenshot in tests/vscode/artifacts/ (UPDATE_README_IMAGES=1
// also copies the README's into editors/vscode/images/).

import { test, before, after, afterEach } from "node:test";
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
const ARTIFACTS = process.env.ARTIFACTS ?? path.join(HERE, "artifacts");
const README_IMAGES = path.join(EXT_DIR, "images");
const require = createRequire(path.join(EXT_DIR, "package.json"));
const { chromium } = require("playwright-core");
// The extension's one palette (editors/vscode/src/palette.ts, compiled by `npm run compile`);
// the tests run VS Code's dark theme: the dark list.
const { PALETTE_DARK, OTHER_DARK } = require(path.join(EXT_DIR, "out/palette.js"));
const AUTHOR_PALETTE = PALETTE_DARK;

const ALICE = { name: "Alice Anders", email: "alice@example.com" };
const BOB = { name: "Bob Brown", email: "bob@example.com" };
const CAROL = { name: "Carol Chen", email: "carol@example.com" };
const DAVE = { name: "Dave Dunn", email: "dave@example.com" };

let tmp, repo, home, server, browser, page, port, announceFile, daemonCommand, pathBin, userData, crowd;
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

/** Where line `line` (1-based) of `file` at HEAD came from, as git blame says: {sha, line} (its line in that commit). */
function porcelainOrigin(file, line) {
  const header = git(["blame", "--porcelain", `-L${line},${line}`, "HEAD", "--", file]).split("\n")[0];
  const [sha, original] = header.split(" ");
  return { sha, line: Number(original) };
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

/** A screenshot of the page (or of `clip`), in ARTIFACTS; with UPDATE_README_IMAGES=1 also as the README's image `readme`. */
async function shot(name, { clip, readme } = {}) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, clip });
  if (readme && process.env.UPDATE_README_IMAGES === "1") {
    fs.mkdirSync(README_IMAGES, { recursive: true });
    fs.copyFileSync(file, path.join(README_IMAGES, `${readme}.png`));
  }
}

/** The box of the element `selector` (the first visible one), grown by `margin` and kept on the page. */
async function boxOf(selector, margin = 0, frame = page) {
  const box = await frame.locator(selector).first().boundingBox();
  if (!box) return undefined;
  const x = Math.max(0, box.x - margin);
  const y = Math.max(0, box.y - margin);
  return { x, y, width: Math.min(1400 - x, box.width + 2 * margin), height: Math.min(850 - y, box.height + 2 * margin) };
}

/** git in `dir` (not the shop repository). */
function gitIn(dir, args, opts = {}) {
  return execFileSync("git", args, { cwd: dir, encoding: "utf8", env: { ...process.env, HOME: home, GIT_CONFIG_NOSYSTEM: "1", ...opts.env }, input: opts.input });
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
  const input = page.locator(".quick-input-widget input");
  for (let attempt = 1; ; attempt++) {
    try {
      await page.keyboard.press("Control+G");
      await input.waitFor({ state: "visible", timeout: 3000 });
      await input.fill(`:${line1}`, { timeout: 3000 });
      await page.locator(".quick-input-list .monaco-list-row", { hasText: `line ${line1}` }).first().waitFor({ timeout: 3000 });
      await page.keyboard.press("Enter");
      await input.waitFor({ state: "hidden", timeout: 3000 });
      return;
    } catch (e) {
      // The keys went elsewhere, or the quick input closed under them (focus moved): into the editor, and again.
      if (attempt === 3) throw e;
      await page.keyboard.press("Escape");
      // Focus, not a click: a click can land on a code lens or an overlay.
      await page.locator(".editor-group-container.active .monaco-editor textarea").first().focus();
    }
  }
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

/** The box of the current-line blame annotation (the after text of the cursor's line). */
async function annotationBox() {
  return page.evaluate(() => {
    for (const el of document.querySelectorAll(".editor-group-container.active .monaco-editor .view-lines span")) {
      const after = getComputedStyle(el, "::after").content;
      const text = after && after !== "none" && after !== "normal" ? after : [...el.classList].some((c) => c.startsWith("ced-")) ? el.textContent : "";
      if (text && (text.includes(" • ") || text.includes("Not Committed"))) {
        const r = el.getBoundingClientRect();
        if (r.width > 0) return { x: r.x, y: r.y, width: r.width, height: r.height };
      }
    }
    return null;
  });
}

/** Hovers the current-line annotation until a hover containing `wanted` shows; its text. */
async function hoverAnnotation(wanted) {
  return waitFor(async () => {
    const box = await annotationBox();
    if (!box) return false;
    await page.mouse.move(box.x + 5, box.y + box.height / 2);
    await page.mouse.move(box.x + 25, box.y + box.height / 2, { steps: 3 });
    await page.waitForTimeout(900);
    const texts = await page.locator(".monaco-hover:visible").allTextContents();
    return texts.find((t) => t.includes(wanted)) ?? false;
  }, `the annotation's hover with ${wanted}`, 30000, 300);
}

/** Clicks the link `label` of the visible hover. */
async function clickHoverLink(label) {
  const link = page.locator(".monaco-hover:visible a", { hasText: label }).first();
  await link.waitFor({ timeout: 10000 });
  await link.click();
}

/** The lines an editor shows (in `root`, default the active group's editor), in order, without injected texts. */
async function editorLines(root = ".editor-group-container.active .editor-instance") {
  return page.evaluate((sel) => {
    const host = document.querySelector(sel);
    if (!host) return null;
    const lines = [...host.querySelectorAll(".view-lines .view-line")].map((line) => {
      const copy = line.cloneNode(true);
      for (const span of copy.querySelectorAll("span")) {
        if ([...span.classList].some((c) => c.startsWith("ced-"))) span.remove();
      }
      return { top: parseFloat(line.style.top) || 0, text: copy.textContent.replace(/\u00a0/g, " ") };
    });
    return lines.sort((a, b) => a.top - b.top).map((l) => l.text);
  }, root);
}

/** The `::before` texts (file blame annotations) of the active editor's lines. */
async function beforeTexts() {
  return page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll(".editor-group-container.active .monaco-editor .view-lines span")) {
      const before = getComputedStyle(el, "::before").content;
      if (before && before !== "none" && before !== "normal") out.push(before.replace(/^"|"$/g, "").replace(/\u00a0/g, " ").trim());
    }
    return out;
  });
}

/** The active editor tab's label. */
/** The labels of the tabs of every editor group. */
async function tabLabels() {
  return (await page.locator(".tabs-container .tab").allTextContents()).map((t) => t.trim());
}

async function activeTab() {
  return (await page.locator(".editor-group-container.active .tabs-container .tab.active").first().textContent())?.trim() ?? "";
}

/** Lines of `git show REV:PATH` (the file at a revision) as an editor shows them (a final newline: an empty last line). */
function showFile(rev, file) {
  return git(["show", `${rev}:${file}`]).split("\n");
}

/** The rows of the open quick pick: {label, description, text (all of it)}. */
async function quickPickRows() {
  return page.evaluate(() => [...document.querySelectorAll(".quick-input-widget .quick-input-list .monaco-list-row")].map((row) => ({
    label: row.querySelector(".label-name")?.textContent?.trim() ?? "",
    description: row.querySelector(".label-description")?.textContent?.trim() ?? "",
    text: row.textContent.replace(/\u00a0/g, " "),
  })));
}

async function quickPickTitle() {
  return (await page.locator(".quick-input-widget .quick-input-title").first().textContent())?.trim() ?? "";
}

/** Every notification toast's text. */
async function toasts() {
  return page.locator(".notifications-toasts .notification-toast").allTextContents();
}

/** The status bar's cursor position: "Ln 3, Col 1". */
async function cursorPosition() {
  return (await page.locator(".statusbar-item[id*='status.editor.selection']").first().textContent())?.trim() ?? "";
}

/**
 * A repository of 320 authors, built with git fast-import: author i (rank by
 * lines roughly their order) adds people/pNNN.txt, and every tenth author
 * also appends to shared.txt. Long names and emails for some, to see that
 * nothing is clipped. Returns {dir, authors: [{name, email, files: [path]}]}.
 */
function buildCrowd(dir) {
  fs.mkdirSync(dir);
  gitIn(dir, ["init", "-q", "-b", "main"]);
  const authors = [];
  const chunks = [];
  let shared = "";
  let t = Date.parse("2023-01-01T00:00:00Z") / 1000;
  const data = (text) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  for (let i = 0; i < 320; i++) {
    const long = i % 50 === 7;
    const name = long ? `Maximiliane Alexandra Wolfeschlegelsteinhausen-Bergdorff ${i}` : `Person ${String(i).padStart(3, "0")}`;
    const email = long ? `maximiliane.alexandra.wolfeschlegelsteinhausen.${i}@a-very-long-domain-name.example.org` : `p${i}@example.com`;
    const lines = 1000 - 3 * i; // rank i has the i-th most lines (shared.txt adds one: no ties)
    const file = `people/p${String(i).padStart(3, "0")}.txt`;
    const files = [file];
    const text = Array.from({ length: lines }, (_, k) => `${name} line ${k}`).join("\n") + "\n";
    t += 3600;
    const commands = [`M 100644 inline ${file}\n${data(text)}`];
    if (i % 10 === 0) {
      shared += `${name} was here\n`;
      commands.push(`M 100644 inline shared.txt\n${data(shared)}`);
      files.push("shared.txt");
    }
    chunks.push(`commit refs/heads/main\nmark :${i + 1}\nauthor ${name} <${email}> ${t} +0000\ncommitter ${name} <${email}> ${t} +0000\n${data(`Add ${file}`)}${i > 0 ? `from :${i}\n` : ""}${commands.join("")}\n`);
    authors.push({ name, email, files });
  }
  gitIn(dir, ["fast-import", "--quiet"], { input: chunks.join("") });
  gitIn(dir, ["checkout", "-q", "-f", "main"]);
  return { dir, authors };
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
  // rates.py: one line changed by each of Alice, Bob and Carol in turn, then
  // Dave renames the file to tax.py (the history views' repository).
  const rates = ["RATE = 0.2", "def tax(x):", "    return x * RATE", "def net(x):", "    return x - tax(x)"];
  fs.writeFileSync(path.join(repo, "src/rates.py"), rates.join("\n") + "\n");
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
  rates[2] = "    return round(x * RATE, 2)";
  fs.writeFileSync(path.join(repo, "src/rates.py"), rates.join("\n") + "\n");
  git(["add", "."]);
  commitAs(BOB, "2024-06-01T09:30:00+00:00", "Use floats for money");
  fs.writeFileSync(path.join(repo, "src/util.py"), "def clamp(x, lo, hi):\n    return max(lo, min(x, hi))\n");
  const money3 = [...money2];
  money3[0] = "CENTS = 100  # per unit";
  money3[5] = "def add(a: float, b: float) -> float:";
  money3[7] = "def sub(a: float, b: float) -> float:";
  fs.writeFileSync(path.join(repo, "src/money.py"), money3.join("\n") + "\n");
  rates[2] = "    return round(x * RATE, 2)  # rounded to cents";
  fs.writeFileSync(path.join(repo, "src/rates.py"), rates.join("\n") + "\n");
  git(["add", "."]);
  commitAs(CAROL, "2024-09-10T14:00:00+00:00", "Add clamp helper");
  git(["mv", "src/rates.py", "src/tax.py"]);
  rates[0] = "RATE = 0.21";
  fs.writeFileSync(path.join(repo, "src/tax.py"), rates.join("\n") + "\n");
  git(["add", "."]);
  commitAs(DAVE, "2024-11-20T08:15:00+00:00", "Rename rates to tax");

  // Expected values, from git itself.
  expected.cart = porcelainBlame("src/cart.py");
  expected.cartText = fs.readFileSync(path.join(repo, "src/cart.py"), "utf8").split("\n");
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

  // A repository of 320 authors (the authors view with hundreds of them).
  crowd = buildCrowd(path.join(tmp, "crowd"));

  // The daemon, run through announce-proxy.mjs: unchanged until a test writes
  // announceFile, then announcing other defaults from its next start.
  announceFile = path.join(tmp, "announce.json");
  daemonCommand = path.join(tmp, "gitinspector-lsp");
  fs.writeFileSync(daemonCommand, `#!/bin/sh\nGITINSPECTOR_TEST_ANNOUNCE='${announceFile}' exec '${process.execPath}' '${path.join(HERE, "announce-proxy.mjs")}' '${DAEMON}' "$@"\n`);
  fs.chmodSync(daemonCommand, 0o755);

  // code-server with its own folders, the extension installed from the vsix.
  const ud = (userData = path.join(tmp, "user-data"));
  const ext = path.join(tmp, "extensions");
  fs.mkdirSync(path.join(ud, "User"), { recursive: true });
  fs.writeFileSync(path.join(ud, "User/settings.json"), JSON.stringify({
    "gitinspector.serverPath": daemonCommand,
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
  // gitinspector.serverPath is machine-overridable: in code-server (a remote window) it is read
  // from the Machine settings once the User ones are written again (the Settings editor
  // does), so a later restart of the daemon finds it there too.
  fs.mkdirSync(path.join(ud, "Machine"), { recursive: true });
  fs.writeFileSync(path.join(ud, "Machine/settings.json"), JSON.stringify({ "gitinspector.serverPath": daemonCommand }, null, 2));
  // A folder on the PATH of VS Code, empty until a test puts the daemon there.
  pathBin = path.join(tmp, "path-bin");
  fs.mkdirSync(pathBin);
  const env = {
    // HOME stays the real one. VSCODE_CLI makes VS Code skip resolving the login
    // shell's environment: its extension host gets this one, PATH included (the
    // daemon finds its Python through it, and the extension its binary in pathBin).
    ...process.env, GIT_CONFIG_NOSYSTEM: "1", PATH: `${pathBin}${path.delimiter}${process.env.PATH}`, VSCODE_CLI: "1",
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

let testIndex = 0;
afterEach(async (t) => {
  // What the page showed when each test ended (passed or not); then no menu nor hover is left open.
  testIndex++;
  const slug = String(t?.name ?? "test").replace(/[^a-z0-9]+/gi, "-").slice(0, 60);
  if (page) {
    await shot(`zz-end-${String(testIndex).padStart(2, "0")}-${slug}`).catch(() => {});
    await page.keyboard.press("Escape").catch(() => {});
  }
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
  await shot("00-overview", { readme: "lenses" });
});

test("a block lens lists the authors of the block's lines, titled with them", { timeout: 45000 }, async () => {
  // The lens above `def average(prices):` (line 7).
  const defLine = expected.cartText.indexOf("def average(prices):");
  const clicked = await waitFor(async () => page.evaluate((wanted) => {
    const lines = [...document.querySelectorAll(".editor-group-container.active .view-lines .view-line")];
    const target = lines.find((l) => l.textContent.replace(/\u00a0/g, " ").startsWith(wanted));
    if (!target) return false;
    const y = target.getBoundingClientRect().top;
    let best = null;
    for (const lens of document.querySelectorAll(".editor-group-container.active .codelens-decoration")) {
      const r = lens.getBoundingClientRect();
      if (r.bottom <= y + 1 && (!best || r.top > best.getBoundingClientRect().top)) best = lens;
    }
    const link = best?.querySelector("a");
    if (!link) return false;
    const r = link.getBoundingClientRect();
    return { text: link.textContent, x: r.x + Math.min(20, r.width / 2), y: r.y + r.height / 2 };
  }, "def average(prices):"), "the block lens above def average", 20000);
  await page.mouse.click(clicked.x, clicked.y);
  assert.ok(!clicked.text.includes("authors ·"), `a block lens, not the file's: ${clicked.text}`);
  const title = await waitFor(async () => {
    const t = await quickPickTitle().catch(() => "");
    return t.startsWith("Authors of") ? t : false;
  }, "the authors quick pick");
  const m = /^Authors of lines (\d+)–(\d+) of src\/cart\.py$/.exec(title);
  assert.ok(m, `a block's title: ${title}`);
  assert.equal(Number(m[1]), defLine + 1, "the block starts at its def");
  const end = Number(m[2]);
  assert.ok(end >= defLine + 4 && end < expected.cart.length, `the block ends after its body: ${title}`);
  // Its authors are those git blames the block's lines on.
  const names = [...new Set(expected.cart.slice(defLine, end).map((c) => c.author))].sort();
  const rows = await quickPickRows();
  assert.deepEqual(rows.map((r) => r.label).sort(), names);
  await shot("12-block-lens-authors", { readme: "block-authors" });
  await page.keyboard.press("Escape");
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

test("the current-line annotation's hover: the commit, its actions; the daemon's hover is off", { timeout: 120000 }, async () => {
  const commit = expected.cart[BOB_LINE];
  await openFile("src/cart.py");
  await gotoLine(BOB_LINE + 1);
  await waitFor(async () => (await lineBlameText()).includes(BOB.name), "Bob's line");
  // Hovering the code itself shows no blame (the daemon's hover is off: hover.enabled false).
  const code = page.locator(".editor-group-container.active .view-lines .view-line", { hasText: "result += float(p)" });
  await code.hover({ position: { x: 60, y: 5 } });
  await page.waitForTimeout(1500);
  const onCode = await page.locator(".monaco-hover:visible").allTextContents();
  assert.ok(!onCode.some((t) => t.includes(commit.sha.slice(0, 8))), `a blame hover on the code: ${onCode}`);
  // The annotation's hover: author, email, the daemon's date, sha, message, actions.
  const hover = await hoverAnnotation(commit.sha.slice(0, 8));
  for (const part of [commit.author, commit.email, commit.summary, "ago", "Show commit", "Diff of this change", "Copy sha", "Blame prior to this change", "Line history"]) {
    assert.ok(hover.includes(part), `${part} in the hover: ${hover}`);
  }
  assert.ok(!hover.includes("You"), hover);
  await shot("02-hover", { readme: "hover" });
  // Copy SHA: the status bar says what was copied.
  await clickHoverLink("Copy sha");
  await waitFor(async () => (await page.locator(".statusbar").textContent()).includes(`copied ${commit.sha.slice(0, 10)}`), "the copied message");
  // Open Commit: the commit's document (message, files, diff), as git show has it.
  await hoverAnnotation(commit.sha.slice(0, 8));
  await clickHoverLink("Show commit");
  await waitFor(async () => (await activeTab()).includes(commit.sha.slice(0, 8)), "the commit's tab");
  const doc = await waitFor(async () => {
    const lines = await editorLines();
    return lines && lines[0] === `commit ${commit.sha}` ? lines : false;
  }, "the commit's document");
  assert.ok(doc.includes(`Author:     ${BOB.name} <${BOB.email}>`), doc.join("\n"));
  assert.ok(doc.includes(`    ${commit.summary}`), doc.join("\n"));
  for (const file of git(["show", "--format=", "--name-only", commit.sha]).trim().split("\n")) {
    assert.ok(doc.some((l) => l.includes(` ${file}  (+`)), `${file} listed: ${doc.join("\n")}`);
  }
  assert.ok(doc.some((l) => l.startsWith("diff --git a/src/")), "the diff");
  await waitFor(async () => (await page.locator(".editor-group-container.active .codelens-decoration", { hasText: "Diff of This File" }).count()) > 0, "the lenses of the files");
  await shot("13-show-commit", { readme: "show-commit" });
  // Diff of This Change: VS Code's diff editor, the file at the parent and at the commit.
  await showTab("cart.py");
  await gotoLine(BOB_LINE + 1);
  await hoverAnnotation(commit.sha.slice(0, 8));
  await clickHoverLink("Diff of this change");
  const sides = await waitFor(async () => {
    const original = await editorLines(".editor-group-container.active .monaco-diff-editor .editor.original");
    const modified = await editorLines(".editor-group-container.active .monaco-diff-editor .editor.modified");
    return original?.length && modified?.length ? { original, modified } : false;
  }, "the diff editor", 30000, 500);
  assert.deepEqual(sides.original, showFile(`${commit.sha}^`, "src/cart.py"));
  assert.deepEqual(sides.modified, showFile(commit.sha, "src/cart.py"));
  // At the hovered line, where it stands in the commit's version.
  const inCommit = porcelainOrigin("src/cart.py", BOB_LINE + 1);
  assert.equal(inCommit.sha, commit.sha);
  await waitFor(async () => {
    const at = await cursorPosition();
    if (at.startsWith(`Ln ${inCommit.line},`)) return at;
    throw new Error(`the cursor at ${at}`);
  }, `the cursor on line ${inCommit.line} of the commit's version`);
  await shot("14-diff-of-change", { readme: "diff-of-change" });
  await page.keyboard.press("Escape");
  // The next tests go on in cart.py alone.
  await runCommand("View: Close All Editors");
  await openFile("src/cart.py");
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
  assert.equal(text, "Not Committed Yet");
  // One wording: the daemon's, with no "You" before it.
  assert.equal(await statusBarText(), "Not Committed Yet");
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
  // The age is a thin bar in the gutter (media/heat-N.svg), apart from the author's colour.
  const heat = await waitFor(async () => {
    const steps = await page.evaluate(() => [...document.querySelectorAll(".editor-group-container.active .monaco-editor .cgmr")]
      .map((el) => /heat-(\d)-(?:dark|light)\.svg/.exec(getComputedStyle(el).backgroundImage)?.[1]).filter(Boolean));
    return steps.length > 0 ? steps : false;
  }, "heat bars in the gutter");
  // In no hue of the palette's: white (dark themes) or black (light ones) of more or less strength.
  assert.ok(new Set(heat).size >= 2, `old and recent lines differ in heat: ${heat}`);
  await shot("04-file-blame", { readme: "file-blame" });
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
            name: tr.querySelector('[data-col="name"] .name').textContent,
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
  await shot("07-report", { readme: "report" });
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

// ---------------------------------------------------------------- history

test("Blame Prior to This Change, from the hover: the file at the parent, its blame, the line; Step Back Again; Back to Working Tree", { timeout: 150000 }, async () => {
  // tax.py line 3: Carol's change of Bob's change of Alice's line; the file was rates.py then.
  const LINE = 2;
  const [c4, c3, c2, c1] = git(["log", "--format=%H", "--", "src/tax.py", "src/rates.py"]).trim().split("\n");
  assert.equal(porcelainBlame("src/tax.py")[LINE].sha, c3, "Carol's commit last changed the line");
  await openFile("src/tax.py");
  await gotoLine(LINE + 1);
  await waitFor(async () => (await lineBlameText()).includes(CAROL.name), "Carol's line in tax.py");
  await hoverAnnotation(c3.slice(0, 8));
  await clickHoverLink("Blame prior to this change");
  // The file at C3^ (Bob's commit), named as it was then, at the corresponding line, blamed.
  await waitFor(async () => (await activeTab()).startsWith("rates.py"), "the past revision's tab");
  const text = await waitFor(async () => {
    const lines = await editorLines();
    return lines?.length >= 5 ? lines : false;
  }, "the past revision's text");
  assert.deepEqual(text, showFile(`${c3}^`, "src/rates.py"));
  await waitFor(async () => (await cursorPosition()).startsWith(`Ln ${LINE + 1},`), "the cursor on the corresponding line");
  const blame = await waitFor(async () => {
    const t = await beforeTexts();
    return t.some((x) => x.startsWith(BOB.name)) && t.some((x) => x.startsWith(ALICE.name)) ? t : false;
  }, "the past revision's blame");
  assert.ok(!blame.some((x) => x.startsWith(CAROL.name)), `no line of Carol's before her change: ${blame}`);
  await waitFor(async () => (await lineBlameText()).includes(BOB.name), "the current-line blame: Bob's change");
  const lens = await waitFor(async () => {
    const l = (await page.locator(".editor-group-container.active .codelens-decoration").allTextContents()).join(" | ");
    return l.includes("Step Back Again") ? l : false;
  }, "the past revision's lens");
  assert.ok(lens.includes(`rates.py at ${c2.slice(0, 8)}, before ${c3.slice(0, 8)}`) && lens.includes("Add clamp helper") && lens.includes(CAROL.name), lens);
  // Its tab names the revision, and it reads as the file's language.
  assert.equal(await activeTab(), `rates.py (${c2.slice(0, 8)})`);
  await waitFor(async () => (await page.locator(".statusbar-item[id*='status.editor.mode']").first().textContent())?.trim() === "Python", "the file's language");
  assert.ok(lens.includes("Step Back Again") && lens.includes("Back to Working Tree"), lens);
  await shot("15-blame-prior", { readme: "blame-prior" });
  // Step Back Again (the lens): before Bob's change, Alice's file.
  await page.locator(".editor-group-container.active .codelens-decoration a", { hasText: "Step Back Again" }).first().click();
  const older = await waitFor(async () => {
    const lines = await editorLines();
    return lines && lines[LINE] === showFile(`${c2}^`, "src/rates.py")[LINE] ? lines : false;
  }, "the revision before Bob's change");
  assert.deepEqual(older, showFile(`${c2}^`, "src/rates.py"));
  assert.equal(c1, git(["rev-parse", `${c2}^`]).trim());
  // One past revision open at a time: the step before gave way.
  await waitFor(async () => (await tabLabels()).filter((t) => t.startsWith("rates.py")).length === 1, "one rates.py tab");
  await waitFor(async () => (await beforeTexts()).every((x) => x === "" || x.startsWith(ALICE.name)), "Alice's blame only");
  // Once more: Alice's line came with the first commit; nothing before it.
  await runCommand("gitinspector: Step Back Again");
  await waitFor(async () => (await toasts()).some((x) => x.includes("nothing before it")), "the first commit's message");
  // Back to Working Tree (the editor title's button): tax.py at the line the steps started at.
  await page.locator(".editor-group-container.active .editor-actions .action-label[aria-label*='Back to Working Tree']").first().click();
  await waitFor(async () => (await activeTab()).startsWith("tax.py"), "the working tree's file again");
  await waitFor(async () => (await cursorPosition()).startsWith(`Ln ${LINE + 1},`), "at the line the steps started at");
  await waitFor(async () => !(await tabLabels()).some((t) => t.startsWith("rates.py")), "the past revisions' tabs closed");
  assert.ok(c4);
});

test("Line History (context menu): the commits git log -L gives; picking one shows it", { timeout: 90000 }, async () => {
  const LINE = 2;
  await showTab("tax.py");
  await gotoLine(LINE + 1);
  const wanted = git(["log", `-L${LINE + 1},${LINE + 1}:src/tax.py`, "--no-patch", "--format=%H%x09%an%x09%s"]).trim().split("\n").map((l) => l.split("\t"));
  assert.equal(wanted.length, 3);
  const line = page.locator(".editor-group-container.active .view-lines .view-line", { hasText: "rounded to cents" });
  const item = page.locator(".context-view .monaco-menu .action-label", { hasText: "Line History" }).first();
  // A lens redrawn above the line between finding it and clicking moves it: as a person would, look where
  // the right click put the cursor, and click again if it was not on that line.
  await waitFor(async () => {
    await page.keyboard.press("Control+Home");
    await waitFor(async () => (await cursorPosition()).startsWith("Ln 1,"), "the cursor on line 1", 5000);
    await line.click({ button: "right", position: { x: 30, y: 5 } });
    await item.waitFor({ timeout: 10000 });
    const at = await waitFor(async () => {
      const p = await cursorPosition();
      return p.startsWith("Ln 1,") ? false : p;
    }, "the cursor moved by the right click", 5000);
    if (at.startsWith(`Ln ${LINE + 1},`)) return true;
    await page.keyboard.press("Escape");
    return false;
  }, `the context menu on line ${LINE + 1}`);
  // The menu ignores a click right after it opened: as a person, wait, point, click.
  await page.waitForTimeout(500);
  await item.hover();
  await page.mouse.down();
  await page.mouse.up();
  const title = await waitFor(async () => {
    const t = await quickPickTitle().catch(() => "");
    return t.startsWith("Line History") ? t : false;
  }, "the line history quick pick");
  assert.equal(title, `Line History of line ${LINE + 1} of src/tax.py`);
  const rows = await waitFor(async () => {
    const r = await quickPickRows();
    return r.length === wanted.length ? r : false;
  }, "its rows");
  assert.deepEqual(rows.map((r) => r.label), wanted.map(([, , summary]) => summary));
  rows.forEach((r, i) => assert.ok(r.description.startsWith(`${wanted[i][1]} · `), `${r.description}: ${wanted[i][1]}`));
  await shot("16-line-history", { readme: "line-history" });
  // The second: Bob's commit, in its document.
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  const doc = await waitFor(async () => {
    const lines = await editorLines();
    return lines && lines[0] === `commit ${wanted[1][0]}` ? lines : false;
  }, "the picked commit's document");
  assert.ok(doc.includes(`    ${wanted[1][2]}`));
});

test("File History (palette): following the rename, as git log --follow; Diff of This File opens the diff editor", { timeout: 90000 }, async () => {
  await showTab("tax.py");
  const wanted = git(["log", "--follow", "--format=%H%x09%s", "--", "src/tax.py"]).trim().split("\n").map((l) => l.split("\t"));
  assert.equal(wanted.length, 4, "the rename and the three changes before it");
  await runCommand("gitinspector: File History");
  await waitFor(async () => (await quickPickTitle().catch(() => "")).startsWith("File History"), "the file history quick pick");
  assert.equal(await quickPickTitle(), "File History of src/tax.py (following renames)");
  const rows = await waitFor(async () => {
    const r = await quickPickRows();
    return r.length === wanted.length ? r : false;
  }, "its rows");
  assert.deepEqual(rows.map((r) => r.label), wanted.map(([, summary]) => summary));
  // The commits before the rename name the file as it was.
  assert.ok(rows.slice(1).every((r) => r.text.includes("src/rates.py")), JSON.stringify(rows));
  await shot("17-file-history", { readme: "file-history" });
  // Bob's commit (the third): its document, then the diff of rates.py in it.
  const bob = wanted[2][0];
  await page.locator(".quick-input-widget input").fill("Use floats");
  await page.keyboard.press("Enter");
  await waitFor(async () => {
    const lines = await editorLines();
    return lines && lines[0] === `commit ${bob}`;
  }, "Bob's commit");
  await page.locator(".editor-group-container.active .codelens-decoration a", { hasText: "Diff of This File" }).nth(2).click();
  const sides = await waitFor(async () => {
    const original = await editorLines(".editor-group-container.active .monaco-diff-editor .editor.original");
    const modified = await editorLines(".editor-group-container.active .monaco-diff-editor .editor.modified");
    return original?.length && modified?.length ? { original, modified } : false;
  }, "the diff editor", 30000, 500);
  const files = git(["show", "--format=", "--name-only", bob]).trim().split("\n");
  const file = files[2];
  assert.deepEqual(sides.original, showFile(`${bob}^`, file), file);
  assert.deepEqual(sides.modified, showFile(bob, file), file);
  await shot("18-diff-of-file");
});

// ---------------------------------------------------------------- authors view

test("the authors view of 320 authors: table first, top authors and others, nothing clipped, filter by author, open a file, survives a reload", { timeout: 240000 }, async () => {
  const top = crowd.authors[0];
  await openFile(path.join(crowd.dir, top.files[0]));
  await runCommand("gitinspector: Show Repository Authors");
  await page.locator(".tabs-container .tab", { hasText: "Authors: crowd" }).waitFor({ timeout: 60000 });
  const frameOf = async () => waitFor(async () => {
    for (const frame of page.frames()) {
      const n = await frame.evaluate(() => document.querySelectorAll("#authors-table tbody tr").length).catch(() => 0);
      if (n >= 300) return frame;
    }
    return false;
  }, "the authors table of 320 authors", 120000, 500);
  let frame = await frameOf();
  const layout = await frame.evaluate(() => {
    const table = document.getElementById("authors-table");
    const box = table.closest(".table-box");
    const files = document.getElementById("files-table");
    const chart = document.getElementById("share-chart");
    const clipped = (t) => {
      const b = t.closest(".table-box");
      const right = b.getBoundingClientRect().right;
      return { scroll: b.scrollWidth > b.clientWidth, heads: [...t.querySelectorAll("th")].filter((th) => th.getBoundingClientRect().right > right + 1).map((th) => th.textContent) };
    };
    return {
      rows: table.querySelectorAll("tbody tr").length,
      tableTop: box.getBoundingClientRect().top,
      chartTop: chart.getBoundingClientRect().top,
      viewport: window.innerHeight,
      width: window.innerWidth,
      authorsClipped: clipped(table),
      filesClipped: clipped(files),
      chart: [...chart.querySelectorAll(".who")].map((w) => ({ label: w.textContent.trim(), color: getComputedStyle(w.querySelector(".swatch")).backgroundColor })),
      swatches: [...table.querySelectorAll("tbody tr")].map((tr) => getComputedStyle(tr.querySelector(".swatch")).backgroundColor),
      names: [...table.querySelectorAll("tbody tr .name")].map((n) => n.textContent),
    };
  });
  assert.equal(layout.rows, 320);
  assert.ok(layout.tableTop < layout.viewport / 3, `the table starts near the top: ${layout.tableTop} of ${layout.viewport}`);
  assert.ok(layout.chartTop > layout.tableTop, "the chart after the table");
  assert.deepEqual(layout.authorsClipped, { scroll: false, heads: [] }, `authors columns clipped at ${layout.width}px`);
  assert.deepEqual(layout.filesClipped, { scroll: false, heads: [] }, "files columns clipped");
  // Rank order (most lines first), the palette's colours for the top authors, "other" past them.
  assert.deepEqual(layout.names, crowd.authors.map((a) => a.name));
  assert.deepEqual(layout.swatches.slice(0, AUTHOR_PALETTE.length), AUTHOR_PALETTE.map(rgb));
  assert.ok(layout.swatches.slice(AUTHOR_PALETTE.length).every((c) => c === rgb(OTHER_DARK)));
  // The chart: the top authors, then the others in one row.
  assert.equal(layout.chart.length, AUTHOR_PALETTE.length + 1);
  assert.deepEqual(layout.chart.slice(0, -1).map((c) => c.label), crowd.authors.slice(0, AUTHOR_PALETTE.length).map((a) => a.name));
  assert.equal(layout.chart.at(-1).label, `${320 - AUTHOR_PALETTE.length} other authors`);
  assert.equal(layout.chart.at(-1).color, rgb(OTHER_DARK));
  await shot("19-authors-crowd", { readme: "authors" });
  // Clicking an author: the files table shows their files.
  const pick = crowd.authors[10]; // also in shared.txt
  await frame.locator("#authors-table tbody tr", { hasText: pick.name }).first().click();
  const shownFiles = await waitFor(async () => frame.evaluate(() => {
    const head = [...document.querySelectorAll("section h2")].map((h) => h.textContent).find((t) => t.startsWith("Files of"));
    return head ? { head, files: [...document.querySelectorAll("#files-table tbody tr [data-col='path']")].map((td) => td.textContent) } : false;
  }), "the author's files");
  assert.equal(shownFiles.head, `Files of ${pick.name} (${pick.files.length})`);
  assert.deepEqual(shownFiles.files.sort(), [...pick.files].sort());
  await shot("20-authors-filtered");
  // Clicking a file opens it.
  await frame.locator("#files-table a.file", { hasText: pick.files[0] }).first().click();
  await waitFor(async () => (await activeTab()).startsWith(path.basename(pick.files[0])), "the file opened from the view");
  // A reload of the window brings the view back, with its data and the author picked.
  await runCommand("Developer: Reload Window");
  await page.waitForTimeout(3000);
  await page.locator(".monaco-workbench").waitFor({ timeout: 60000 });
  await page.locator(".tabs-container .tab", { hasText: "Authors: crowd" }).first().click({ timeout: 60000 });
  frame = await frameOf();
  const restored = await frame.evaluate(() => [...document.querySelectorAll("section h2")].map((h) => h.textContent));
  assert.ok(restored.includes(`Files of ${pick.name} (${pick.files.length})`), `after the reload: ${restored}`);
  await shot("21-authors-after-reload");
});

// ---------------------------------------------------------------- the output channel

/** The extension's log files (its LogOutputChannel) under the user data folder. */
function logFiles(dir = path.join(userData, "logs")) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? logFiles(p) : e.name.endsWith("gitinspector.log") ? [p] : [];
  });
}

test("the daemon's log: INFO lines are info, not errors", { timeout: 60000 }, async () => {
  await runCommand("gitinspector: Show Daemon Log");
  const panel = ".part.panel .monaco-editor .view-lines";
  await page.locator(panel).first().waitFor({ timeout: 15000 });
  const shown = await waitFor(async () => {
    const lines = await page.locator(`${panel} .view-line`).allTextContents();
    return lines.some((l) => l.includes("[info]")) ? lines.map((l) => l.replace(/\u00a0/g, " ")) : false;
  }, "the output channel's lines");
  await shot("22-output-channel");
  const log = logFiles().map((f) => fs.readFileSync(f, "utf8")).join("\n");
  assert.ok(log.length > 0, "the channel's log file");
  const errors = log.split("\n").filter((l) => l.includes("[error]"));
  assert.deepEqual(errors, [], "no [error] lines in a healthy run");
  assert.ok(!shown.some((l) => l.includes("[error]")), shown.join("\n"));
  // The daemon's INFO records are info lines (window/logMessage type 3; stderr's INFO is not shown as [error]).
  assert.match(log, /\[info\] .*(serving LSP|HEAD moved|Health check)/);
  await page.keyboard.press("Control+J"); // the panel closes again
});

// ---------------------------------------------------------------- VS Code's own blame

test("VS Code's own blame on: offered once to turn one off, the answer remembered", { timeout: 120000 }, async (t) => {
  /** Sets a boolean setting in the Settings editor's User tab. */
  const DEFAULTS = { "git.enabled": true, "git.blame.editorDecoration.enabled": false };
  const setCheckbox = async (key, title, value) => {
    const item = await settingItem(key, title);
    const box = item.locator(".setting-value-checkbox");
    if ((await box.getAttribute("aria-checked")) !== String(value)) await box.click();
    // A value set back to its default leaves the file.
    await waitFor(() => (userSettings()[key] ?? DEFAULTS[key]) === value, `${key} ${value}`);
  };
  t.after(async () => {
    await setCheckbox("git.enabled", "Git: Enabled", false).catch(() => {});
    await closeSettings();
  });
  const offer = "VS Code's own git blame is on";
  const dialogs = () => page.locator(".monaco-dialog-box", { hasText: offer });
  // VS Code 1.100 has its blame's status bar item on by default: turning its git on is enough.
  await setCheckbox("git.enabled", "Git: Enabled", true);
  const dialog = dialogs().first();
  await dialog.waitFor({ state: "visible", timeout: 30000 });
  assert.ok((await dialog.textContent()).includes("its status bar item"));
  for (const label of ["Turn off VS Code's blame", "Turn off gitinspector's", "Keep both"]) {
    assert.ok(await dialog.locator(".monaco-button", { hasText: label }).count(), `${label} offered`);
  }
  await shot("23-native-blame-offer", { readme: "native-blame-offer" });
  await dialog.locator(".monaco-button", { hasText: "Turn off VS Code's blame" }).click();
  await waitFor(() => {
    const s = userSettings();
    return s["git.blame.statusBarItem.enabled"] === false && s["git.blame.editorDecoration.enabled"] === false;
  }, "VS Code's blame settings off");
  // Remembered: its annotation turned on again, no second offer.
  await setCheckbox("git.blame.editorDecoration.enabled", "Editor Decoration: Enabled", true);
  await page.waitForTimeout(4000);
  assert.equal(await dialogs().count(), 0, "offered once only");
  await setCheckbox("git.blame.editorDecoration.enabled", "Editor Decoration: Enabled", false);
});

// ---------------------------------------------------------------- finding the daemon

/** The Remote tab of the Settings editor at `gitinspector.serverPath`: its input. */
async function serverPathInput() {
  await runCommand("Preferences: Open User Settings");
  const search = page.locator(".settings-editor .suggest-input-container .monaco-editor textarea, .settings-editor .settings-header-widget textarea").first();
  await search.waitFor({ timeout: 15000 });
  await search.fill("gitinspector.serverPath");
  // gitinspector.serverPath is machine-scoped: in code-server (a remote window) its
  // Settings editor entry is under the Remote tab.
  await page.locator(".settings-editor .settings-tabs-widget .action-label", { hasText: "Remote" }).first().click();
  const input = page.locator(".settings-editor .setting-item-contents", { hasText: "Server Path" }).locator("input").first();
  await input.waitFor({ timeout: 15000 });
  return input;
}

async function closeSettings() {
  const tab = page.locator(".tabs-container .tab", { hasText: "Settings" }).first();
  if (await tab.count()) {
    await tab.hover();
    await tab.locator(".tab-actions .action-label").first().click();
  }
}

test("a gitinspector.serverPath that is no executable: the reason, the fix, and Open Settings opens the setting", { timeout: 90000 }, async () => {
  const missing = path.join(tmp, "no-such-gitinspector-lsp");
  const input = await serverPathInput();
  await input.fill(missing);
  await input.press("Tab");
  const toast = await waitFor(async () => (await toasts()).find((x) => x.includes("no-such-gitinspector-lsp")) ?? false, "the error notification", 30000, 500);
  assert.match(toast, /not an executable file/);
  assert.ok(toast.includes("bash scripts/install.sh"), toast);
  await shot("06-missing-binary");
  await closeSettings();
  // Open Settings: the Settings editor at the setting itself (not an empty tab).
  await page.locator(".notifications-toasts .notification-toast", { hasText: "no-such-gitinspector-lsp" }).locator(".monaco-button", { hasText: "Open Settings" }).first().click();
  const item = page.locator(".settings-editor .setting-item-contents", { hasText: "Server Path" }).first();
  await item.waitFor({ state: "visible", timeout: 15000 });
  assert.ok((await item.textContent()).includes("gitinspector-lsp"), "the setting's description");
  await shot("24-open-settings", { readme: "server-path-setting" });
  await closeSettings();
});

test("no gitinspector.serverPath: the daemon on PATH is found; none anywhere: the command that installs it", { timeout: 120000 }, async (t) => {
  // The User settings name the daemon too (see the setup): without both, none is configured.
  const settingsFile = path.join(userData, "User/settings.json");
  const user = JSON.parse(fs.readFileSync(settingsFile, "utf8"));
  delete user["gitinspector.serverPath"];
  fs.writeFileSync(settingsFile, JSON.stringify(user, null, 2));
  t.after(async () => {
    const input = await serverPathInput();
    await input.fill(daemonCommand);
    await input.press("Tab");
    await closeSettings();
    fs.rmSync(path.join(pathBin, "gitinspector-lsp"), { force: true });
  });
  // Empty, with nothing on PATH nor in ~/.local/bin, /usr/local/bin, ~/.cargo/bin.
  for (const p of [path.join(os.homedir(), ".local/bin/gitinspector-lsp"), "/usr/local/bin/gitinspector-lsp", path.join(os.homedir(), ".cargo/bin/gitinspector-lsp")]) {
    assert.ok(!fs.existsSync(p), `this machine has ${p}: the test needs it absent`);
  }
  const input = await serverPathInput();
  await input.fill("");
  await input.press("Tab");
  const toast = await waitFor(async () => (await toasts()).find((x) => x.includes("was not found on PATH")) ?? false, "the not-found notification", 30000, 500);
  assert.ok(toast.includes("bash scripts/install.sh"), toast);
  assert.ok(toast.includes("gitinspector.serverPath"), toast);
  assert.ok(toast.includes("~/.local/bin"), toast);
  await shot("25-daemon-not-found", { readme: "daemon-not-found" });
  await closeSettings();
  // The daemon put on PATH: found without any setting.
  fs.symlinkSync(daemonCommand, path.join(pathBin, "gitinspector-lsp"));
  await runCommand("gitinspector: Restart Daemon");
  await showTab("cart.py");
  await gotoLine(BOB_LINE + 1);
  await waitFor(async () => (await lineBlameText()).includes(BOB.name), "blame from the daemon found on PATH", 45000);
});

// ---------------------------------------------------------------- a commit outside the editor

test("a commit made in a terminal: the current-line blame and the status bar follow within 2 s, without typing", { timeout: 90000 }, async () => {
  await openFile("src/cart.py");
  await gotoLine(ALICE_LINE + 1);
  await page.keyboard.press("End");
  const lines = await editorLines();
  if (!lines?.[ALICE_LINE]?.includes("# edited")) {
    // The window reload (authors view test) may have dropped the unsaved edit.
    await page.keyboard.type("  # edited");
  }
  await waitFor(async () => (await statusBarText()) === "Not Committed Yet", "the edited line, not committed");
  await page.keyboard.press("Control+S");
  await waitFor(() => fs.readFileSync(path.join(repo, "src/cart.py"), "utf8").includes("# edited"), "the file saved");
  await page.waitForTimeout(1500);
  assert.equal(await statusBarText(), "Not Committed Yet");
  // git in a terminal: Dave commits the edit.
  git(["add", "src/cart.py"]);
  const started = Date.now();
  commitAs(DAVE, new Date(Date.now() - 60_000).toISOString(), "Note the edit");
  const text = await waitFor(async () => {
    const x = await statusBarText();
    return x.startsWith(DAVE.name) ? x : false;
  }, "the status bar naming the committer", 10000, 100);
  const elapsed = Date.now() - started;
  assert.match(text, new RegExp(`^${DAVE.name}, (1 minute ago|just now)$`));
  await waitFor(async () => (await lineBlameText()).startsWith(`${DAVE.name}, `), "the current-line blame naming the committer", 5000, 100);
  await shot("26-after-terminal-commit");
  assert.ok(elapsed <= 2000, `the blame followed the commit after ${elapsed} ms`);
  console.log(`blame followed the commit in ${elapsed} ms`);
});

test("the authors panel's files table gives a long path the room and still fits the top author", { timeout: 60000 }, async () => {
  // The panel's own page (media/authors.{css,js}) with a result whose paths are as long as a real
  // project's, at the width the panel has beside the sidebar in a 1,400 px window.
  const media = (name) => fs.readFileSync(path.join(EXT_DIR, "media", name), "utf8");
  const paths = ["crates/printer/src/standard.rs", "benchsuite/runs/2016-09-22-archlinux-cheetah/README.SUMMARY", "crates/searcher/src/searcher/glue.rs"];
  const top = "Andrew Gallant";
  const files = paths.map((p, i) => ({ path: p, lines: 4000 - i, commits: 30, insertions: 4000, deletions: 600, authors: 8, topAuthor: top }));
  const author = { name: top, email: "a@example.com", lines: 12000, linesPct: 100, commits: 90, insertions: 12000, deletions: 1800, stability: 80, age: 100, files: 3 };
  const data = { repositories: [{ name: "project", path: "/src/project", revision: "0".repeat(40), authors: [author], files, authorsFiles: [] }] };
  const html = `<!DOCTYPE html><html><head><meta charset="utf-8"><style>${media("authors.css")}</style></head>
<body class="vscode-dark"><div id="status"></div><div id="root"></div>
<script>window.acquireVsCodeApi = () => ({ getState: () => null, setState: () => {}, postMessage: () => {} });
window.GITINSPECTOR_PALETTE = ${JSON.stringify({ light: AUTHOR_PALETTE, dark: AUTHOR_PALETTE, otherLight: OTHER_DARK, otherDark: OTHER_DARK })};</script>
<script>${media("authors.js")}</script>
<script>window.postMessage({ type: "result", data: ${JSON.stringify(data)} }, "*");</script></body></html>`;
  const panel = await browser.newPage({ viewport: { width: 1052, height: 700 } });
  try {
    await panel.setContent(html);
    await panel.waitForSelector("td[data-col=path]");
    const cut = (col) => panel.$$eval(`td[data-col=${col}]`, (tds) => tds.filter((td) => td.scrollWidth > td.clientWidth).map((td) => td.textContent));
    assert.deepEqual(await cut("path"), [], "no path cut short");
    assert.deepEqual(await cut("topAuthor"), [], "the top author not cut short");
    await panel.screenshot({ path: path.join(ARTIFACTS, "27-authors-long-paths.png") });
  } finally {
    await panel.close();
  }
});

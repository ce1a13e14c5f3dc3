// Opens an HTML report in a real headless Chromium (Debian's /usr/bin/chromium driven by
// editors/vscode's playwright-core), acts on it as a reader would and prints what it saw
// as JSON; test_html_report.py asserts on it. Screenshots go to --out.
//
//   node html_check.mjs --report R.html --out DIR [--blame PATH] [--lines 1,4] [--filter TEXT]
//                       [--viewport 1400x900] [--max-rows 60]
//
// Observations: console messages and page errors, every request, the authors table as
// rendered (before and after sorting by commits, twice), the hash, a filter's effect, a
// blame tab opened by the hash (rows, swatch and code colours, the toggles' effects), the
// dark theme (by the system preference and by the hash), the theme button and print.

import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");
const EXT_DIR = path.join(ROOT, "editors/vscode");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

function arg(name, fallback) {
  const i = process.argv.indexOf("--" + name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const REPORT = path.resolve(arg("report"));
const OUT = path.resolve(arg("out", path.join(HERE, "artifacts")));
const BLAME = arg("blame", "");
const LINES = (arg("lines", "") || "").split(",").filter(Boolean).map(Number);
const FILTER = arg("filter", "");
const MAX_ROWS = Number(arg("max-rows", "60"));
const [WIDTH, HEIGHT] = arg("viewport", "1400x900").split("x").map(Number);
const VIEWPORT = { width: WIDTH, height: HEIGHT };
fs.mkdirSync(OUT, { recursive: true });

let chromium;
try {
  chromium = createRequire(path.join(EXT_DIR, "package.json"))("playwright-core").chromium;
} catch (e) {
  console.error("playwright-core is not installed: run `(cd editors/vscode && npm ci)` (scripts/test-vscode.sh does)");
  process.exit(3);
}

const url = pathToFileURL(REPORT).href;
const seen = { console: [], pageErrors: [], requests: [] };

function watch(page) {
  page.on("console", (m) => seen.console.push({ type: m.type(), text: m.text() }));
  page.on("pageerror", (e) => seen.pageErrors.push(String(e)));
  page.on("request", (r) => seen.requests.push(r.url()));
}

async function open(context, hash = "") {
  const page = await context.newPage();
  watch(page);
  await page.goto(url + hash);
  await page.waitForSelector("html[data-ready]", { timeout: 30000 });
  return page;
}

/** The table named NAME as rendered: column keys, cells' text, totals, sort state. */
async function readTable(page, name, maxRows) {
  return page.evaluate(
    ([name, maxRows]) => {
      const t = document.querySelector(`#app table.data[data-table="${name}"]`);
      if (!t) return null;
      const keys = [...t.querySelectorAll("thead th")].map((th) => th.dataset.key);
      const titles = [...t.querySelectorAll("thead th")].map((th) => th.textContent.replace(/[▲▼↕]/g, "").trim());
      const sort = [...t.querySelectorAll("thead th")].map((th) => th.getAttribute("aria-sort"));
      const rows = [...t.querySelectorAll("tbody tr")].slice(0, maxRows).map((tr) => [...tr.cells].map((td) => td.textContent));
      const totals = [...t.querySelectorAll("tfoot td")].map((td) => td.textContent);
      const rect = t.getBoundingClientRect();
      return { keys, titles, sort, rows, count: t.querySelectorAll("tbody tr").length, totals, top: rect.top + window.scrollY };
    },
    [name, maxRows],
  );
}

async function readBlame(page, lines, maxRows) {
  return page.evaluate(
    ([lines, maxRows]) => {
      const t = document.querySelector("#app table.blame");
      if (!t) return null;
      const rows = [...t.querySelectorAll("tbody tr")];
      const pick = lines.length ? rows.filter((tr) => lines.includes(Number(tr.dataset.line))) : rows.slice(0, maxRows);
      return {
        file: t.dataset.file,
        selected: [...document.querySelectorAll("#app .files button[aria-selected=true]")].map((b) => b.textContent),
        count: rows.length,
        rows: pick.map((tr) => {
          const sw = tr.querySelector(".sw");
          return {
            line: Number(tr.dataset.line),
            cls: tr.className,
            author: tr.querySelector("td.who").textContent,
            authorTitle: tr.querySelector("td.who").title,
            date: tr.querySelector("td.when").textContent,
            sha: tr.querySelector("td.sha").textContent,
            code: tr.querySelector("td.code").textContent,
            codeTitle: tr.querySelector("td.code").title,
            codeHtml: tr.querySelector("td.code").innerHTML,
            swatch: getComputedStyle(sw).backgroundColor,
            codeBg: getComputedStyle(tr.querySelector("td.code")).backgroundColor,
            age: getComputedStyle(tr.querySelector("td.age")).backgroundColor,
          };
        }),
      };
    },
    [lines, maxRows],
  );
}

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ["--headless", "--no-sandbox", "--disable-gpu"],
});
const result = {};
try {
  const light = await browser.newContext({ viewport: VIEWPORT, colorScheme: "light" });
  const loadStarted = Date.now();
  let page = await open(light);
  result.loadMs = Date.now() - loadStarted;
  result.title = await page.title();
  result.header = await page.evaluate(() => document.querySelector("header.top").innerText);
  result.headerHtml = await page.evaluate(() => document.querySelector("header.top").innerHTML);
  result.sections = await page.evaluate(() => [...document.querySelectorAll("#app nav.sections button")].map((b) => b.textContent));
  result.tabs = await page.evaluate(() => [...document.querySelectorAll("#app nav.tabs button")].map((b) => b.dataset.tab));
  result.charts = await page.evaluate(() =>
    [...document.querySelectorAll("#app svg.share")].map((s) => ({
      key: s.dataset.key,
      bars: s.querySelectorAll("rect.bar").length,
      height: s.getBoundingClientRect().height,
      labels: [...s.querySelectorAll("g > text:first-child")].map((t) => t.textContent),
    })),
  );
  result.background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  result.viewportHeight = HEIGHT;
  await page.screenshot({ path: path.join(OUT, "summary.png") });
  result.authors = await readTable(page, "authors", MAX_ROWS);

  // sort by commits: largest first, then reversed
  await page.click('#app table.data[data-table="authors"] th[data-key="commits"] button');
  result.sortedDesc = await readTable(page, "authors", MAX_ROWS);
  result.hashAfterSort = await page.evaluate(() => location.hash);
  await page.screenshot({ path: path.join(OUT, "sorted.png") });
  await page.click('#app table.data[data-table="authors"] th[data-key="commits"] button');
  result.sortedAsc = await readTable(page, "authors", MAX_ROWS);
  await page.click('#app table.data[data-table="authors"] th[data-key="name"] button');
  result.sortedName = await readTable(page, "authors", MAX_ROWS);

  if (FILTER) {
    await page.fill("#app input[type=search]", FILTER);
    result.filtered = await readTable(page, "authors", MAX_ROWS);
    result.hashAfterFilter = await page.evaluate(() => location.hash);
    await page.fill("#app input[type=search]", "");
  }

  // every tab of the first section renders
  result.tabRows = {};
  for (const tab of result.tabs) {
    await page.click(`#app nav.tabs button[data-tab="${tab}"]`);
    result.tabRows[tab] = await page.evaluate(() => document.querySelectorAll("#app .panel tbody tr").length);
    if (tab !== "blame") (result.tables ??= {})[tab] = await readTable(page, tab, MAX_ROWS);
    if (tab === "timeline") {
      result.timeline = await page.evaluate(() => {
        const svg = document.querySelector("#app svg.timeline");
        return svg ? { bars: svg.querySelectorAll("rect.bar").length, legend: [...document.querySelectorAll("#app .timeline-chart .legend .item")].map((i) => i.textContent) } : null;
      });
      await page.screenshot({ path: path.join(OUT, "timeline.png") });
    }
  }
  await page.close();

  // links: a sorted table, another section
  page = await open(light, "#s=0&t=authors&sort=authors:commits:desc");
  result.sortedByLink = await readTable(page, "authors", MAX_ROWS);
  await page.close();
  page = await open(light, "#s=1&t=files");
  result.secondSection = {
    selected: await page.evaluate(() => [...document.querySelectorAll("#app nav.sections button[aria-selected=true]")].map((b) => b.textContent)),
    files: await readTable(page, "files", MAX_ROWS),
  };
  await page.close();

  // a blame tab, opened by the hash
  if (BLAME) {
    const hash = "#" + new URLSearchParams({ s: "0", t: "blame", f: BLAME }).toString();
    const started = Date.now();
    page = await open(light, hash);
    result.blameOpenMs = Date.now() - started;
    result.blame = await readBlame(page, LINES, MAX_ROWS);
    result.injected = await page.evaluate(() => window.__injected === undefined ? null : window.__injected);
    await page.screenshot({ path: path.join(OUT, "blame.png") });
    await page.check('#app input[data-toggle="hx"]');
    result.blameHideExcluded = await readBlame(page, [], 100000);
    await page.uncheck('#app input[data-toggle="hx"]');
    await page.check('#app input[data-toggle="he"]');
    result.blameHideEmpty = await readBlame(page, [], 100000);
    await page.check('#app input[data-toggle="hx"]');
    result.blameHideBoth = await readBlame(page, [], 100000);
    result.hashAfterToggles = await page.evaluate(() => location.hash);
    await page.uncheck('#app input[data-toggle="hx"]');
    await page.uncheck('#app input[data-toggle="he"]');
    await page.uncheck('#app input[data-toggle="nc"]');
    result.blameNoColours = await readBlame(page, LINES, MAX_ROWS);
    await page.close();
  }

  // print: every section, table and blame file; no controls
  page = await open(light);
  await page.emulateMedia({ media: "print" });
  await page.waitForFunction(() => document.getElementById("print").childElementCount > 0, null, { timeout: 30000 });
  result.print = await page.evaluate(() => {
    const visible = (e) => !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length);
    return {
      appVisible: visible(document.getElementById("app")),
      sections: document.querySelectorAll("#print .print-section").length,
      tables: document.querySelectorAll("#print table.data").length,
      blames: document.querySelectorAll("#print table.blame").length,
      controlsVisible: [...document.querySelectorAll("button, input, select")].filter(visible).length,
    };
  });
  await page.screenshot({ path: path.join(OUT, "print.png") });
  await page.close();
  await light.close();

  // dark: by the system's preference, then by the hash in a light system
  const dark = await browser.newContext({ viewport: VIEWPORT, colorScheme: "dark" });
  page = await open(dark);
  result.darkBackground = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.screenshot({ path: path.join(OUT, "dark.png") });
  await page.emulateMedia({ media: "print" });
  await page.waitForFunction(() => document.getElementById("print").childElementCount > 0, null, { timeout: 30000 });
  result.darkPrint = await page.evaluate(() => ({
    bg: getComputedStyle(document.body).backgroundColor,
    th: getComputedStyle(document.querySelector("#print table.data thead th")).backgroundColor,
    swatch: getComputedStyle(document.querySelector("#print table.data tbody .sw")).backgroundColor,
  }));
  await page.close();
  if (BLAME) {
    page = await open(dark, "#" + new URLSearchParams({ s: "0", t: "blame", f: BLAME }).toString());
    result.darkBlame = await readBlame(page, LINES, MAX_ROWS);
    await page.screenshot({ path: path.join(OUT, "dark-blame.png") });
    await page.close();
  }
  await dark.close();
  const light2 = await browser.newContext({ viewport: VIEWPORT, colorScheme: "light" });
  page = await open(light2, "#theme=dark");
  result.hashDarkBackground = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.close();
  // the theme button (last: the choice is remembered in the context's storage)
  page = await open(light2);
  await page.click("#theme");
  result.afterThemeButton = await page.evaluate(() => ({ cls: document.documentElement.className, hash: location.hash, bg: getComputedStyle(document.body).backgroundColor }));
  await page.screenshot({ path: path.join(OUT, "dark-button.png") });
  await page.close();
  await light2.close();
} finally {
  await browser.close();
}
result.console = seen.console;
result.pageErrors = seen.pageErrors;
result.requests = seen.requests;
result.url = url;
process.stdout.write(JSON.stringify(result) + "\n");

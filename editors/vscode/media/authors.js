// Repository authors view: sortable authors and files tables and a chart of
// each author's share of the surviving lines, in the webview; the analysis
// result arrives in a message (exported reports are the engine's own page).
// Author colours: the extension's palette (src/palette.ts, given by the page as
// GITINSPECTOR_PALETTE), an author's entry being their index in the result's
// authors list (sorted by lines, most first), whatever order the table shows.
(function () {
  "use strict";
  const PALETTE = window.GITINSPECTOR_PALETTE || [];
  const vscode = acquireVsCodeApi();
  const root = document.getElementById("root");
  const status = document.getElementById("status");
  let data;
  const sorts = {};

  /** The colour of the author of rank `rank` (their index in the result's authors list). */
  function colorOf(rank) {
    return PALETTE.length ? PALETTE[rank % PALETTE.length] : "transparent";
  }
  /** author row -> its colour, by the row's index in the repository's authors list. */
  function authorColors(repo) {
    return new Map((repo.authors || []).map((a, i) => [a, colorOf(i)]));
  }
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "text") node.textContent = v;
      else if (k === "style") node.setAttribute("style", v);
      else node.setAttribute(k, v);
    }
    for (const c of children || []) if (c) node.appendChild(c);
    return node;
  }
  function fmt(value, kind) {
    if (typeof value !== "number") return String(value ?? "");
    if (kind === "pct") return value.toFixed(1) + "%";
    if (kind === "days") return value.toFixed(1);
    return value.toLocaleString("en-US");
  }

  const AUTHOR_COLUMNS = [
    ["name", "Author", "text"], ["email", "Email", "text"], ["lines", "Lines", "int"], ["linesPct", "% Lines", "pct"],
    ["commits", "Commits", "int"], ["insertions", "Insertions", "int"], ["deletions", "Deletions", "int"],
    ["stability", "Stability", "pct"], ["age", "Age (days)", "days"], ["files", "Files", "int"],
  ];
  const FILE_COLUMNS = [
    ["path", "File", "text"], ["lines", "Lines", "int"], ["commits", "Commits", "int"], ["insertions", "Insertions", "int"],
    ["deletions", "Deletions", "int"], ["authors", "Authors", "int"], ["topAuthor", "Top author", "text"],
  ];

  function table(id, columns, rows, defaultSort, rowKey, decorate) {
    const sort = sorts[id] || (sorts[id] = { key: defaultSort, dir: -1 });
    const sorted = rows.slice().sort((a, b) => {
      const x = a[sort.key], y = b[sort.key];
      const c = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
      return c * sort.dir;
    });
    const head = el("tr", {}, columns.map(([key, title, kind]) => {
      const th = el("th", { class: kind === "text" ? "" : "num", "data-col": key, text: title });
      if (sort.key === key) th.setAttribute("aria-sort", sort.dir > 0 ? "ascending" : "descending");
      th.addEventListener("click", () => {
        sorts[id] = { key, dir: sort.key === key ? -sort.dir : (kind === "text" ? 1 : -1) };
        render();
      });
      return th;
    }));
    const body = el("tbody", {}, sorted.map((row) => el("tr", { "data-key": rowKey(row) }, columns.map(([key, , kind]) => {
      const td = el("td", { class: kind === "text" ? "" : "num", "data-col": key, text: fmt(row[key], kind) });
      if (decorate) decorate(key, row, td);
      return td;
    }))));
    return el("table", { id }, [el("thead", {}, [head]), body]);
  }

  function chart(repo, colors) {
    const authors = repo.authors.slice().sort((a, b) => b.lines - a.lines);
    const stack = el("div", { class: "stack", title: "Share of surviving lines" }, authors.map((a) =>
      el("div", { style: `width:${a.linesPct}%;background:${colors.get(a)}`, title: `${a.name}: ${fmt(a.linesPct, "pct")}` })));
    const max = Math.max(1, ...authors.map((a) => a.linesPct));
    const grid = el("div", { class: "chart" });
    for (const a of authors) {
      grid.appendChild(el("div", {}, [el("span", { class: "swatch", style: `background:${colors.get(a)}` }), el("span", { text: a.name })]));
      grid.appendChild(el("div", { class: "track" }, [el("div", { class: "bar", style: `width:${(100 * a.linesPct) / max}%;background:${colors.get(a)}` })]));
      grid.appendChild(el("div", { class: "pct", text: fmt(a.linesPct, "pct") }));
    }
    return el("div", { class: "chart-block", "data-repo": repo.name }, [stack, grid]);
  }

  function render() {
    if (!data) return;
    root.textContent = "";
    for (const repo of data.repositories || []) {
      const t = repo.totals || {};
      const idBase = (data.repositories.length > 1 ? repo.name + "-" : "");
      root.appendChild(el("h1", { text: repo.name }));
      root.appendChild(el("div", { class: "meta" }, [
        el("span", { text: `${repo.path} @ ` }), el("code", { text: String(repo.revision || "").slice(0, 10) }),
        el("span", { text: ` · ${fmt(t.authors)} authors · ${fmt(t.files)} files · ${fmt(t.lines)} lines · ${fmt(t.commits)} commits` }),
      ]));
      root.appendChild(el("h2", { text: "Share of lines" }));
      const colors = authorColors(repo);
      root.appendChild(chart(repo, colors));
      root.appendChild(el("h2", { text: "Authors" }));
      root.appendChild(el("div", { class: "tables" }, [table(idBase + "authors-table", AUTHOR_COLUMNS, repo.authors, "lines", (r) => r.name,
        (key, row, td) => { if (key === "name") td.prepend(el("span", { class: "swatch", style: `background:${colors.get(row)}` })); })]));
      root.appendChild(el("h2", { text: "Files" }));
      root.appendChild(el("div", { class: "tables" }, [table(idBase + "files-table", FILE_COLUMNS, repo.files, "lines", (r) => r.path)]));
    }
  }

  function setStatus(kind, percentage, message) {
    status.textContent = "";
    if (kind === "progress") {
      const bar = el("progress", { max: "100" });
      if (typeof percentage === "number") bar.value = percentage;
      status.appendChild(bar);
      status.appendChild(el("span", { class: "message", text: message || "Analyzing…" }));
    } else if (kind === "error") {
      status.appendChild(el("div", { class: "error", text: message }));
    }
  }

  window.addEventListener("message", (event) => {
    const msg = event.data || {};
    if (msg.type === "progress") setStatus("progress", msg.percentage, msg.message);
    else if (msg.type === "error") setStatus("error", undefined, msg.message);
    else if (msg.type === "result") {
      data = msg.data;
      setStatus("done");
      render();
      vscode.setState({ data });
    }
  });
  if (vscode.getState()) data = vscode.getState().data;
  if (data) render();
  else setStatus("progress", undefined, "Starting analysis…");
  vscode.postMessage({ type: "ready" });
})();

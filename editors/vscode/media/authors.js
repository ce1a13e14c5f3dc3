// Repository authors view: per repository, the authors table first (sortable,
// filterable, scrolling in its own box so hundreds of authors do not push the
// rest away), then the files table (clicking an author shows that author's
// files; clicking a file opens it), then the share of lines of the top authors
// with the others summed up. The analysis result arrives in a message and is
// kept in the webview's state, so a reloaded window shows it again.
// Author colours: the extension's palette (src/palette.ts, given by the page as
// GITINSPECTOR_PALETTE: light and dark lists, the engine's), an author's entry
// being their index in the result's authors list (sorted by lines, most
// first), whatever order the table shows; authors past the palette share the
// "other" colour.
(function () {
  "use strict";
  const PALETTE = window.GITINSPECTOR_PALETTE || { light: [], dark: [], otherLight: "gray", otherDark: "gray" };
  const vscode = acquireVsCodeApi();
  const root = document.getElementById("root");
  const status = document.getElementById("status");
  const saved = vscode.getState() || {};
  let data = saved.data;
  /** Per table id: {key, dir}. */
  const sorts = saved.sorts || {};
  /** Per repository path: the selected author ({name, email}) whose files are shown. */
  const selected = saved.selected || {};
  /** Per repository path: the authors filter text. */
  const filters = saved.filters || {};
  /** Rows shown before "show all" in a table. */
  const ROW_LIMIT = 500;
  const expanded = {};

  function save() {
    vscode.setState({ data, sorts, selected, filters });
  }

  function isLight() {
    const c = document.body.classList;
    return c.contains("vscode-light") || c.contains("vscode-high-contrast-light");
  }
  /** The colour of the author of rank `rank` (their index in the result's authors list). */
  function colorOf(rank) {
    const light = isLight();
    const list = light ? PALETTE.light : PALETTE.dark;
    return rank < list.length ? list[rank] : (light ? PALETTE.otherLight : PALETTE.otherDark);
  }
  function otherColor() {
    return isLight() ? PALETTE.otherLight : PALETTE.otherDark;
  }

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null) continue;
      if (k === "text") node.textContent = v;
      else if (k === "style") node.setAttribute("style", v);
      else node.setAttribute(k, v);
    }
    for (const c of children || []) if (c) node.appendChild(c);
    return node;
  }
  function fmt(value, kind) {
    if (typeof value !== "number") return String(value ?? "");
    if (kind === "pct") {
      // as fileAuthors.shareLabel: a share is never shown as 0.0% or 100.0% unless it is
      const shown = value.toFixed(1);
      if (value > 0 && shown === "0.0") return "<0.1%";
      if (value < 100 && shown === "100.0") return ">99.9%";
      return shown + "%";
    }
    if (kind === "days") return value.toFixed(1);
    return value.toLocaleString("en-US");
  }
  function sameAuthor(a, b) {
    return a && b && a.name === b.name && a.email === b.email;
  }

  const AUTHOR_COLUMNS = [
    ["name", "Author", "text"], ["lines", "Lines", "int"], ["linesPct", "% Lines", "pct"],
    ["commits", "Commits", "int"], ["insertions", "Insertions", "int"], ["deletions", "Deletions", "int"],
    ["stability", "Stability", "pct"], ["age", "Age (days)", "days"], ["files", "Files", "int"],
  ];
  const FILE_COLUMNS = [
    ["path", "File", "text"], ["lines", "Lines", "int"], ["commits", "Commits", "int"], ["insertions", "Insertions", "int"],
    ["deletions", "Deletions", "int"], ["authors", "Authors", "int"], ["topAuthor", "Top author", "text"],
  ];
  const AUTHOR_FILE_COLUMNS = [
    ["path", "File", "text"], ["lines", "Lines", "int"], ["linesPct", "% of file", "pct"], ["commits", "Commits", "int"],
    ["insertions", "Insertions", "int"], ["deletions", "Deletions", "int"],
  ];

  function table(id, columns, rows, defaultSort, opts) {
    const sort = sorts[id] || { key: defaultSort, dir: -1 };
    const sorted = rows.slice().sort((a, b) => {
      const x = a[sort.key], y = b[sort.key];
      const c = typeof x === "number" && typeof y === "number" ? x - y : String(x ?? "").localeCompare(String(y ?? ""));
      return c * sort.dir;
    });
    const limit = expanded[id] ? sorted.length : ROW_LIMIT;
    const head = el("tr", {}, columns.map(([key, title, kind]) => {
      const th = el("th", { class: kind === "text" ? "text" : "num", "data-col": key, text: title, title: "Sort by " + title });
      if (sort.key === key) th.setAttribute("aria-sort", sort.dir > 0 ? "ascending" : "descending");
      th.addEventListener("click", () => {
        sorts[id] = { key, dir: sort.key === key ? -sort.dir : (kind === "text" ? 1 : -1) };
        save();
        render();
      });
      return th;
    }));
    const body = el("tbody", {}, sorted.slice(0, limit).map((row) => {
      const tr = el("tr", { "data-key": opts.rowKey(row) }, columns.map(([key, , kind]) => {
        const td = el("td", { class: kind === "text" ? "text" : "num", "data-col": key });
        if (opts.cell && opts.cell(key, row, td)) return td;
        td.textContent = fmt(row[key], kind);
        if (kind === "text") td.title = String(row[key] ?? "");
        return td;
      }));
      if (opts.onRow) opts.onRow(row, tr);
      return tr;
    }));
    const parts = [el("table", { id }, [el("thead", {}, [head]), body])];
    if (sorted.length > limit) {
      const more = el("button", { class: "more", text: `Show all ${fmt(sorted.length)} rows` });
      more.addEventListener("click", () => { expanded[id] = true; render(); });
      parts.push(more);
    }
    return parts;
  }

  /** The share of lines: the stacked bar and one row per top author, the others summed in one. */
  function chart(repo, id) {
    const authors = repo.authors || [];
    const top = PALETTE.light.length;
    const shown = authors.slice(0, top).map((a, i) => ({ name: a.name, pct: a.linesPct, lines: a.lines, color: colorOf(i) }));
    const rest = authors.slice(top);
    if (rest.length) {
      shown.push({
        name: `${fmt(rest.length)} other author${rest.length === 1 ? "" : "s"}`,
        pct: rest.reduce((n, a) => n + (a.linesPct || 0), 0),
        lines: rest.reduce((n, a) => n + (a.lines || 0), 0),
        color: otherColor(),
        others: true,
      });
    }
    const stack = el("div", { class: "stack", title: "Share of surviving lines" }, shown.map((a) =>
      el("div", { style: `width:${a.pct}%;background:${a.color}`, title: `${a.name}: ${fmt(a.pct, "pct")}` })));
    const max = Math.max(1, ...shown.map((a) => a.pct));
    const grid = el("div", { class: "chart", id });
    for (const a of shown) {
      grid.appendChild(el("div", { class: "who" + (a.others ? " others" : "") }, [
        el("span", { class: "swatch", style: `background:${a.color}` }), el("span", { class: "label", text: a.name, title: a.name })]));
      grid.appendChild(el("div", { class: "track" }, [el("div", { class: "bar", style: `width:${(100 * a.pct) / max}%;background:${a.color}` })]));
      grid.appendChild(el("div", { class: "pct", text: `${fmt(a.pct, "pct")} · ${fmt(a.lines)} lines` }));
    }
    return el("div", { class: "chart-block", "data-repo": repo.name }, [stack, grid]);
  }

  function section(title, count, children, extra) {
    const countText = typeof count === "number" ? fmt(count) : count;
    return el("section", {}, [
      el("div", { class: "section-head" }, [el("h2", { text: title }, countText === undefined ? [] : [el("span", { class: "count", text: ` (${countText})` })]), extra]),
      ...children,
    ]);
  }

  function renderRepo(repo, multi) {
    const t = repo.totals || {};
    const idBase = multi ? repo.name + "-" : "";
    const key = repo.path;
    const ranks = new Map((repo.authors || []).map((a, i) => [a, i]));
    const out = [];
    out.push(el("h1", { text: repo.name }));
    out.push(el("div", { class: "meta" }, [
      el("span", { text: `${repo.path} @ ` }), el("code", { text: String(repo.revision || "").slice(0, 10) }),
      el("span", { text: ` · ${fmt(t.authors)} authors · ${fmt(t.files)} files · ${fmt(t.lines)} lines · ${fmt(t.commits)} commits` }),
    ]));
    for (const w of repo.warnings || []) out.push(el("div", { class: "warning", text: w }));

    // Authors: filterable, in their own scroll box.
    const filter = (filters[key] || "").toLowerCase();
    const authors = (repo.authors || []).filter((a) => !filter || a.name.toLowerCase().includes(filter) || String(a.email).toLowerCase().includes(filter));
    const input = el("input", { type: "search", class: "filter", placeholder: "Filter authors…", value: filters[key] || "", "aria-label": "Filter authors" });
    input.addEventListener("input", () => {
      filters[key] = input.value;
      save();
      render();
      const again = root.querySelector(`section[data-repo="${CSS.escape(key)}"] input.filter`);
      if (again) { again.focus(); again.setSelectionRange(again.value.length, again.value.length); }
    });
    const pick = selected[key];
    const authorTable = table(idBase + "authors-table", AUTHOR_COLUMNS, authors, "lines", {
      rowKey: (r) => r.name,
      cell: (col, row, td) => {
        if (col !== "name") return false;
        td.appendChild(el("span", { class: "swatch", style: `background:${colorOf(ranks.get(row) ?? 1e9)}` }));
        td.appendChild(el("span", { class: "name", text: row.name }));
        td.appendChild(el("span", { class: "email", text: row.email }));
        td.title = `${row.name} <${row.email}>: click to see their files`;
        return true;
      },
      onRow: (row, tr) => {
        tr.classList.add("clickable");
        if (sameAuthor(row, pick)) tr.classList.add("selected");
        tr.addEventListener("click", () => {
          selected[key] = sameAuthor(row, pick) ? null : { name: row.name, email: row.email };
          save();
          render();
          const files = document.getElementById(idBase + "files-table");
          if (files && selected[key]) files.scrollIntoView({ block: "nearest" });
        });
      },
    });
    const total = (repo.authors || []).length;
    const authorsSection = section("Authors", authors.length === total ? total : `${fmt(authors.length)} of ${fmt(total)}`,
      [el("div", { class: "table-box authors-box" }, authorTable)], input);
    authorsSection.setAttribute("data-repo", key);
    out.push(authorsSection);

    // Files: all of them, or the selected author's.
    const open = (row) => vscode.postMessage({ type: "open", repository: repo.path, path: row.path });
    const fileCell = (col, row, td) => {
      if (col !== "path") return false;
      const a = el("a", { href: "#", class: "file", text: row.path, title: `Open ${row.path}` });
      a.addEventListener("click", (e) => { e.preventDefault(); open(row); });
      td.appendChild(a);
      return true;
    };
    let filesSection;
    if (pick) {
      const rows = (repo.authorsFiles || []).filter((r) => r.author === pick.name && (!r.email || !pick.email || r.email === pick.email));
      const clear = el("button", { class: "clear", text: "Show all files", title: "Show every file again" });
      clear.addEventListener("click", () => { selected[key] = null; save(); render(); });
      filesSection = section(`Files of ${pick.name}`, rows.length,
        [el("div", { class: "table-box files-box" }, table(idBase + "files-table", AUTHOR_FILE_COLUMNS, rows, "lines", { rowKey: (r) => r.path, cell: fileCell }))], clear);
    } else {
      filesSection = section("Files", (repo.files || []).length,
        [el("div", { class: "table-box files-box" }, table(idBase + "files-table", FILE_COLUMNS, repo.files || [], "lines", { rowKey: (r) => r.path, cell: fileCell }))]);
    }
    out.push(filesSection);

    out.push(section("Share of lines", undefined, [chart(repo, idBase + "share-chart")]));
    return el("div", { class: "repository", "data-path": repo.path }, out);
  }

  function render() {
    if (!data) return;
    const scroll = window.scrollY;
    root.textContent = "";
    const repos = data.repositories || [];
    for (const repo of repos) root.appendChild(renderRepo(repo, repos.length > 1));
    window.scrollTo(0, scroll);
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
      save();
      render();
    }
  });
  // The theme changed (light / dark): the palette's other list.
  new MutationObserver(() => render()).observe(document.body, { attributes: true, attributeFilter: ["class"] });
  if (data) render();
  else setStatus("progress", undefined, "Starting analysis…");
  vscode.postMessage({ type: "ready", restored: !!data });
})();

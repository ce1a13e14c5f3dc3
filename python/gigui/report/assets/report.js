// The HTML report's behaviour (html.py inlines it). It reads the report from the JSON
// data block (id "report-data") and builds the sections, tables,
// charts and blame tabs with DOM calls only (textContent, never innerHTML: file names,
// author names and code are data, not markup). State lives in the URL hash:
//   #s=<section>&t=<authors|files|authors_files|files_authors|timeline|blame>&f=<file>
//   &sort=<table>:<column>:<asc|desc>[,...]&q=<filter>&hx=1&he=1&nc=1&theme=<light|dark>
(function () {
  "use strict";

  const DATA = JSON.parse(document.getElementById("report-data").textContent);
  const SECTIONS = DATA.sections;
  // a table sent as another's rows in another order (files × authors): its rows rebuilt
  for (const section of SECTIONS) {
    for (const table of section.tables) {
      if (!table.reorders) continue;
      const [from, order] = table.reorders;
      const source = section.tables[from];
      const map = table.columns.map((c) => source.columns.findIndex((s) => s[0] === c[0]));
      table.rows = order.map((i) => map.map((j) => source.rows[i][j]));
    }
  }
  const ROW_CAP = 1000; // rows drawn at once; a button shows the rest
  const CHART_TOP = 10; // authors in a share chart before "others"
  const TIMELINE_TOP = 8; // authors in the timeline chart before "others"
  const NUMERIC = { int: true, decimal: true };
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

  const state = {
    s: 0,
    t: "",
    f: "",
    sort: {}, // table name -> [column key, "asc"|"desc"]
    q: "",
    hx: false,
    he: false,
    nc: false,
    theme: "",
    metric: "",
  };

  // -- small DOM helpers ----------------------------------------------------------------
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    setAttrs(node, attrs);
    append(node, children);
    return node;
  }
  const SVG_NS = "http://www.w3.org/2000/svg";
  function sv(tag, attrs, children) {
    const node = document.createElementNS(SVG_NS, tag);
    setAttrs(node, attrs);
    append(node, children);
    return node;
  }
  function setAttrs(node, attrs) {
    if (!attrs) return;
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "text") node.textContent = String(v);
      else if (k === "cls") node.setAttribute("class", v);
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : String(v));
    }
  }
  function append(node, children) {
    if (children === undefined || children === null) return;
    if (!Array.isArray(children)) children = [children];
    for (const c of children) {
      if (c === undefined || c === null || c === false) continue;
      node.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
    }
  }
  function tip(node, text) {
    // a tooltip that SVG shows too
    if (node instanceof SVGElement) node.appendChild(sv("title", { text }));
    else node.title = text;
    return node;
  }
  function colourClass(index) {
    return index >= 0 ? "c" + index : "cx";
  }
  /** One decimal, as Python's "{:.1f}" (model.cell_text): halves (only x.25 and x.75 are
   *  exact) go to the even digit, where toFixed would round them up. */
  function decimal(v) {
    if (Number.isInteger(v * 4) && !Number.isInteger(v * 2)) return ((2 * Math.round((v * 10) / 2)) / 10).toFixed(1);
    return v.toFixed(1);
  }
  function fmt(value, kind) {
    if (value === null || value === undefined) return "";
    if (kind === "decimal" && typeof value === "number") return decimal(value);
    if (kind === "list" && Array.isArray(value)) return value.join(", ");
    return String(value);
  }
  function pct(part, whole) {
    return whole > 0 ? ((100 * part) / whole).toFixed(1) + "%" : "";
  }
  function shortName(name, max) {
    return name.length > max ? name.slice(0, max - 1) + "…" : name;
  }

  // -- the state in the URL hash ----------------------------------------------------------
  function readHash() {
    const p = new URLSearchParams(location.hash.replace(/^#/, ""));
    const s = parseInt(p.get("s") || "0", 10);
    state.s = s >= 0 && s < SECTIONS.length ? s : 0;
    state.t = p.get("t") || "";
    state.f = p.get("f") || "";
    state.q = p.get("q") || "";
    state.hx = p.get("hx") === "1";
    state.he = p.get("he") === "1";
    state.nc = p.get("nc") === "1";
    state.theme = ["light", "dark"].includes(p.get("theme")) ? p.get("theme") : state.theme;
    state.metric = p.get("m") || "";
    state.sort = {};
    for (const item of (p.get("sort") || "").split(",")) {
      const [table, key, dir] = item.split(":");
      if (table && key) state.sort[table] = [key, dir === "asc" ? "asc" : "desc"];
    }
  }
  // readable links: "/", ":" and "," stay as they are (URLSearchParams reads them back)
  function enc(value) {
    return encodeURIComponent(value).replace(/%2F/g, "/").replace(/%3A/g, ":").replace(/%2C/g, ",");
  }
  function writeHash() {
    const p = [["s", String(state.s)]];
    if (state.t) p.push(["t", state.t]);
    if (state.t === "blame" && state.f) p.push(["f", state.f]);
    const sorts = Object.entries(state.sort).map(([t, [k, d]]) => `${t}:${k}:${d}`);
    if (sorts.length) p.push(["sort", sorts.join(",")]);
    if (state.q) p.push(["q", state.q]);
    if (state.hx) p.push(["hx", "1"]);
    if (state.he) p.push(["he", "1"]);
    if (state.nc) p.push(["nc", "1"]);
    if (state.metric) p.push(["m", state.metric]);
    if (state.theme) p.push(["theme", state.theme]);
    const hash = "#" + p.map(([k, v]) => k + "=" + enc(v)).join("&");
    if (hash !== location.hash) history.replaceState(null, "", hash);
  }

  // -- theme ----------------------------------------------------------------------------
  const darkQuery = window.matchMedia("(prefers-color-scheme: dark)");
  function applyTheme() {
    const root = document.documentElement;
    const dark = state.theme ? state.theme === "dark" : darkQuery.matches;
    root.classList.toggle("dark", state.theme === "dark");
    root.classList.toggle("light", state.theme === "light");
    const button = document.getElementById("theme");
    if (button) {
      button.textContent = dark ? "☀ Light" : "☾ Dark";
      button.title = "Switch to the " + (dark ? "light" : "dark") + " theme";
    }
  }
  function toggleTheme() {
    const dark = state.theme ? state.theme === "dark" : darkQuery.matches;
    state.theme = dark ? "light" : "dark";
    try {
      localStorage.setItem("gitinspector-report-theme", state.theme);
    } catch (e) {
      /* file:// storage may be off */
    }
    applyTheme();
    writeHash();
  }

  // -- tables -----------------------------------------------------------------------------
  function tableOf(section, name) {
    return section.tables.find((t) => t.name === name);
  }
  function colIndex(table, key) {
    return table.columns.findIndex((c) => c[0] === key);
  }
  function colours(section) {
    if (!section._colours) {
      section._colours = new Map();
      for (const [name, email, index] of section.colours) section._colours.set(name + "\0" + email, index);
    }
    return section._colours;
  }
  function authorColour(section, name, email) {
    const index = colours(section).get(name + "\0" + email);
    return index === undefined ? -1 : index;
  }

  /** The row indices of TABLE, filtered by QUERY and sorted by SORT ([key, dir] or none). */
  function orderedRows(table, query, sort) {
    let idx = table.rows.map((_, i) => i);
    if (query) {
      const q = query.toLowerCase();
      if (!table._text) {
        table._text = table.rows.map((row) =>
          row.map((v, i) => fmt(v, table.columns[i][2])).join("\u0001").toLowerCase(),
        );
      }
      idx = idx.filter((i) => table._text[i].includes(q));
    }
    if (sort) {
      const c = colIndex(table, sort[0]);
      if (c >= 0) {
        const kind = table.columns[c][2];
        const sign = sort[1] === "asc" ? 1 : -1;
        const numeric = NUMERIC[kind];
        idx.sort((a, b) => {
          const x = table.rows[a][c];
          const y = table.rows[b][c];
          let r;
          if (numeric) {
            const nx = typeof x === "number" ? x : -Infinity;
            const ny = typeof y === "number" ? y : -Infinity;
            r = nx === ny ? 0 : nx < ny ? -1 : 1;
          } else {
            r = collator.compare(fmt(x, kind), fmt(y, kind));
          }
          return r * sign || a - b; // stable: ties keep the report's order
        });
      }
    }
    return idx;
  }

  function authorCell(section, table, row, key) {
    // the author column: a colour swatch before the name
    const nameCol = key === "name" ? colIndex(table, "name") : colIndex(table, "author");
    const emailCol = colIndex(table, "email");
    const name = row[nameCol];
    const email = emailCol >= 0 ? row[emailCol] : "";
    return el("span", { cls: "sw " + colourClass(authorColour(section, name, email)) });
  }

  /** One table: a filter box, sortable headers, rows (ROW_CAP at a time), a totals row. */
  function renderTable(section, table, opts) {
    const interactive = !opts || !opts.print;
    const box = el("div", { cls: "table-box" });
    const cols = table.columns;
    const sort = interactive ? state.sort[table.name] : null;
    let shown = ROW_CAP;

    const thead = el("thead");
    const tbody = el("tbody");
    const tfoot = el("tfoot");
    const t = el("table", { cls: "data", "data-table": table.name }, [thead, tbody, tfoot]);
    const info = el("span", { cls: "info" });
    const more = el("div", { cls: "more noprint" });

    const hr = el("tr");
    cols.forEach(([key, title, kind]) => {
      const numeric = !!NUMERIC[kind];
      const active = sort && sort[0] === key;
      const dir = active ? sort[1] : "";
      const th = el("th", {
        cls: numeric ? "num" : "",
        "data-key": key,
        "aria-sort": active ? (dir === "asc" ? "ascending" : "descending") : "none",
        scope: "col",
      });
      const arrow = el("span", { cls: "arrow", "aria-hidden": "true", text: active ? (dir === "asc" ? "▲" : "▼") : "↕" });
      if (interactive) {
        const button = el("button", {
          type: "button",
          title: "Sort by " + title + (numeric ? " (largest first, click again to reverse)" : " (A–Z, click again to reverse)"),
          onclick: () => {
            const cur = state.sort[table.name];
            const first = numeric ? "desc" : "asc";
            const next = cur && cur[0] === key ? (cur[1] === "asc" ? "desc" : "asc") : first;
            state.sort[table.name] = [key, next];
            writeHash();
            renderPanel();
          },
        });
        append(button, numeric ? [arrow, " ", title] : [title, " ", arrow]);
        th.appendChild(button);
      } else {
        th.appendChild(el("span", { cls: "th", text: title }));
      }
      hr.appendChild(th);
    });
    thead.appendChild(hr);

    const authorKey = cols.some((c) => c[0] === "name") ? "name" : cols.some((c) => c[0] === "author") ? "author" : "";

    function rowsUpTo(idx, limit) {
      const frag = document.createDocumentFragment();
      const n = Math.min(idx.length, limit);
      for (let j = 0; j < n; j++) {
        const row = table.rows[idx[j]];
        const tr = document.createElement("tr");
        for (let c = 0; c < cols.length; c++) {
          const [key, , kind] = cols[c];
          const td = document.createElement("td");
          const text = fmt(row[c], kind);
          if (NUMERIC[kind]) td.className = "num";
          else {
            td.className = "text";
            if (text.length > 40) td.title = text;
          }
          if (key === authorKey) td.appendChild(authorCell(section, table, row, key));
          td.appendChild(document.createTextNode(text));
          tr.appendChild(td);
        }
        frag.appendChild(tr);
      }
      return frag;
    }

    function fill() {
      const idx = orderedRows(table, interactive ? state.q : "", sort);
      tbody.replaceChildren(rowsUpTo(idx, interactive ? shown : Infinity));
      const total = table.rows.length;
      info.textContent =
        (idx.length === total ? `${total} rows` : `${idx.length} of ${total} rows`) +
        (idx.length > shown && interactive ? ` (first ${shown} shown)` : "");
      more.replaceChildren();
      if (interactive && idx.length > shown) {
        more.appendChild(
          el("button", {
            type: "button",
            cls: "btn",
            text: `Show all ${idx.length} rows`,
            onclick: () => {
              shown = Infinity;
              fill();
            },
          }),
        );
      }
    }

    if (table.totals) {
      const tr = el("tr", { cls: "totals" });
      cols.forEach(([key, , kind], c) => {
        let text = "";
        if (c === 0) text = "Total";
        else if (key in table.totals && typeof table.totals[key] === "number") text = fmt(table.totals[key], kind);
        else if (key === "lines_pct" || key === "insertions_pct") text = "100.0";
        tr.appendChild(el("td", { cls: NUMERIC[kind] ? "num" : "text", "data-key": key, text }));
      });
      tfoot.appendChild(tr);
    }

    if (interactive) {
      const search = el("input", {
        type: "search",
        placeholder: "Filter rows…",
        "aria-label": "Filter the rows of " + table.title,
        value: state.q,
      });
      search.value = state.q;
      search.addEventListener("input", () => {
        state.q = search.value;
        shown = ROW_CAP;
        writeHash();
        fill();
      });
      box.appendChild(el("div", { cls: "toolbar noprint" }, [search, info]));
    }
    box.appendChild(el("div", { cls: "scroll" }, t));
    box.appendChild(more);
    fill();
    return box;
  }

  // -- charts -------------------------------------------------------------------------------
  /** A horizontal bar chart of the top authors' share of KEY in the authors table, the rest
   *  as one "others" bar (their sum: the totals minus the rows shown, so --top counts). */
  function shareChart(section, table, key, title) {
    const c = colIndex(table, key);
    const nameCol = colIndex(table, "name");
    const emailCol = colIndex(table, "email");
    if (c < 0 || nameCol < 0) return null;
    const rows = table.rows.slice().sort((a, b) => (b[c] || 0) - (a[c] || 0));
    const sum = rows.reduce((acc, r) => acc + (r[c] || 0), 0);
    const whole = table.totals && typeof table.totals[key] === "number" ? Math.max(table.totals[key], sum) : sum;
    const top = rows.slice(0, CHART_TOP).filter((r) => (r[c] || 0) > 0);
    const bars = top.map((r) => ({
      label: r[nameCol],
      full: r[nameCol] + (emailCol >= 0 && r[emailCol] ? ` <${r[emailCol]}>` : ""),
      value: r[c] || 0,
      cls: colourClass(authorColour(section, r[nameCol], emailCol >= 0 ? r[emailCol] : "")),
    }));
    const restCount = table.totals && typeof table.totals.authors === "number" ? table.totals.authors - top.length : rows.length - top.length;
    const rest = whole - bars.reduce((acc, b) => acc + b.value, 0);
    if (rest > 0 || restCount > 0) {
      const label = `${Math.max(restCount, 0)} others`;
      bars.push({ label, full: label, value: Math.max(rest, 0), cls: "cx others" });
    }
    const rowH = 16;
    const labelW = 126;
    const barW = 130;
    const width = labelW + barW + 52;
    const height = bars.length * rowH + 2;
    const max = Math.max(1, ...bars.map((b) => b.value));
    const svg = sv("svg", {
      cls: "share",
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      role: "img",
      "aria-label": `${title}: share per author`,
      "data-key": key,
    });
    bars.forEach((b, i) => {
      const y = i * rowH + 1;
      const g = sv("g", { cls: b.cls });
      g.appendChild(sv("text", { x: labelW - 6, y: y + 11.5, "text-anchor": "end", cls: b.cls.includes("others") ? "dim" : "", text: shortName(b.label, 18) }));
      g.appendChild(sv("rect", { cls: "track", x: labelW, y: y + 2, width: barW, height: rowH - 4, rx: 2 }));
      g.appendChild(sv("rect", { cls: "bar", x: labelW, y: y + 2, width: Math.max(1, (barW * b.value) / max), height: rowH - 4, rx: 2 }));
      g.appendChild(sv("text", { x: labelW + barW + 5, y: y + 11.5, cls: "dim", text: pct(b.value, whole) }));
      tip(g, `${b.full}: ${b.value} ${title.toLowerCase()} (${pct(b.value, whole)})`);
      svg.appendChild(g);
    });
    return el("figure", { cls: "chart" }, [el("figcaption", { text: title }), svg]);
  }

  function overview(section, charts) {
    const box = el("div", { cls: "overview" });
    const authors = tableOf(section, "authors");
    const files = tableOf(section, "files");
    const totals = (authors && authors.totals) || (files && files.totals) || {};
    const stats = el("div", { cls: "stats" });
    for (const [key, label] of [
      ["authors", "Authors"],
      ["files", "Files"],
      ["lines", "Lines"],
      ["commits", "Commits"],
      ["insertions", "Insertions"],
      ["deletions", "Deletions"],
    ]) {
      if (typeof totals[key] !== "number") continue;
      stats.appendChild(
        el("span", { cls: "stat" }, [
          el("span", { cls: "v", "data-total": key, text: String(totals[key]) }),
          el("span", { cls: "k", text: label.toLowerCase() }),
        ]),
      );
    }
    box.appendChild(stats);
    if (charts && authors && authors.rows.length) {
      const charts = el("div", { cls: "charts" });
      for (const [key, title] of [
        ["lines", "Lines"],
        ["insertions", "Insertions"],
        ["commits", "Commits"],
      ]) {
        append(charts, shareChart(section, authors, key, title));
      }
      box.appendChild(charts);
    }
    return box;
  }

  /** KEYS (period labels, sorted) with the periods between them that had no commits, so
   *  the chart's axis is time; KEYS as they are when their labels are not the engine's. */
  function allPeriods(keys) {
    if (keys.length < 2) return keys;
    const parse = (k) => {
      let m;
      if ((m = /^(\d{4})$/.exec(k))) return ["y", +m[1], 0];
      if ((m = /^(\d{4})-Q([1-4])$/.exec(k))) return ["q", +m[1], +m[2]];
      if ((m = /^(\d{4})-W(\d{2})$/.exec(k))) return ["w", +m[1], +m[2]];
      if ((m = /^(\d{4})-(\d{2})$/.exec(k))) return ["m", +m[1], +m[2]];
      return null;
    };
    const isoWeeks = (y) => {
      const p = (x) => (x + Math.floor(x / 4) - Math.floor(x / 100) + Math.floor(x / 400)) % 7;
      return p(y) === 4 || p(y - 1) === 3 ? 53 : 52;
    };
    const pad = (n) => String(n).padStart(2, "0");
    const first = parse(keys[0]);
    const last = parse(keys[keys.length - 1]);
    if (!first || !last || first[0] !== last[0]) return keys;
    const [unit] = first;
    let [, y, n] = first;
    const out = [];
    for (let guard = 0; guard < 5000; guard++) {
      out.push(unit === "y" ? `${y}` : unit === "q" ? `${y}-Q${n}` : unit === "w" ? `${y}-W${pad(n)}` : `${y}-${pad(n)}`);
      if (y === last[1] && n === last[2]) {
        const have = new Set(out);
        return keys.every((k) => have.has(k)) ? out : keys;
      }
      const size = unit === "y" ? 0 : unit === "q" ? 4 : unit === "w" ? isoWeeks(y) : 12;
      if (unit === "y" || n >= size) {
        y += 1;
        n = unit === "y" ? 0 : 1;
      } else n += 1;
    }
    return keys;
  }

  /** Stacked bars per period of the timeline table: the top authors (by the chosen metric
   *  over the whole timeline), everyone else as "others". */
  function timelineChart(section, table, print) {
    const pc = colIndex(table, "period");
    const ac = colIndex(table, "author");
    const ec = colIndex(table, "email");
    const metrics = ["commits", "insertions", "deletions"].filter((k) => colIndex(table, k) >= 0);
    if (pc < 0 || ac < 0 || !metrics.length) return null;
    const metric = metrics.includes(state.metric) ? state.metric : metrics[0];
    const mc = colIndex(table, metric);
    const byAuthor = new Map();
    const periods = new Map();
    for (const row of table.rows) {
      const who = row[ac] + "\0" + (ec >= 0 ? row[ec] : "");
      byAuthor.set(who, (byAuthor.get(who) || 0) + (row[mc] || 0));
      if (!periods.has(row[pc])) periods.set(row[pc], new Map());
      const per = periods.get(row[pc]);
      per.set(who, (per.get(who) || 0) + (row[mc] || 0));
    }
    const top = [...byAuthor.entries()]
      .filter(([, v]) => v > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, TIMELINE_TOP)
      .map(([who]) => who);
    const topSet = new Set(top);
    const hasOthers = byAuthor.size > top.length;
    const keys = allPeriods([...periods.keys()].sort(collator.compare));
    // an author's own colour when they have one; the others of the chart get the colours no
    // one in it has (a stack of greys would not tell them apart)
    const own = top.map((who) => {
      const [name, email] = who.split("\0");
      return authorColour(section, name, email);
    });
    const free = [...Array(DATA.palette).keys()].filter((i) => !own.includes(i));
    const series = top.map((who, i) => ({
      who,
      name: who.split("\0")[0],
      cls: colourClass(own[i] >= 0 ? own[i] : free.length ? free.shift() : -1),
    }));
    if (hasOthers) series.push({ who: "", name: `${byAuthor.size - top.length} others`, cls: "cx" });
    const stacks = keys.map((k) => {
      const per = periods.get(k) || new Map();
      let others = 0;
      for (const [who, v] of per) if (!topSet.has(who)) others += v;
      return series.map((s) => (s.who ? per.get(s.who) || 0 : others));
    });
    const max = Math.max(1, ...stacks.map((st) => st.reduce((a, b) => a + b, 0)));
    const plotH = 150;
    const left = 44;
    const slot = Math.max(2, Math.min(36, Math.floor(1000 / Math.max(1, keys.length))));
    const gap = slot >= 6 ? 2 : slot >= 3 ? 1 : 0;
    const width = left + keys.length * slot + 10;
    const height = plotH + 34;
    const svg = sv("svg", {
      cls: "timeline",
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      role: "img",
      "aria-label": `Timeline of ${metric} per ${DATA.period || "period"}`,
    });
    for (const frac of [0, 0.5, 1]) {
      const y = 6 + plotH - frac * plotH;
      svg.appendChild(sv("line", { cls: "axis", x1: left - 4, x2: width, y1: y, y2: y }));
      svg.appendChild(sv("text", { x: left - 6, y: y + 4, "text-anchor": "end", cls: "dim", text: String(Math.round(max * frac)) }));
    }
    const every = Math.max(1, Math.ceil(64 / slot));
    keys.forEach((k, i) => {
      const x = left + i * slot + gap / 2;
      let y = 6 + plotH;
      stacks[i].forEach((v, j) => {
        if (!v) return;
        const h = (v / max) * plotH;
        y -= h;
        const r = sv("rect", { cls: "bar " + series[j].cls, x, y, width: Math.max(1, slot - gap), height: h });
        tip(r, `${k} · ${series[j].name}: ${v} ${metric}`);
        svg.appendChild(r);
      });
      if (i % every === 0) svg.appendChild(sv("text", { x: x, y: 6 + plotH + 14, cls: "dim", text: k }));
    });
    const legend = el(
      "div",
      { cls: "legend" },
      series.map((s) => el("span", { cls: "item " + s.cls }, [el("span", { cls: "sw" }), shortName(s.name, 28)])),
    );
    const head = [el("b", { text: "Timeline: " })];
    if (!print && metrics.length > 1) {
      const select = el(
        "select",
        { "aria-label": "Timeline metric", cls: "noprint" },
        metrics.map((m) => el("option", { value: m, text: m, selected: m === metric })),
      );
      select.addEventListener("change", () => {
        state.metric = select.value;
        writeHash();
        renderPanel();
      });
      head.push(select);
    } else head.push(metric);
    head.push(el("span", { cls: "muted", text: ` per ${DATA.period || "period"}` }));
    return el("figure", { cls: "chart timeline-chart" }, [
      el("figcaption", null, head),
      legend,
      el("div", { cls: "timeline-box" }, svg),
    ]);
  }

  // -- blame --------------------------------------------------------------------------------
  function blameOf(section, path) {
    return section.blame.find((b) => b.path === path) || section.blame[0];
  }

  function ageLevel(age, maxAge) {
    if (!(maxAge > 0)) return 0;
    return Math.min(9, Math.floor((9.999 * Math.log1p(age)) / Math.log1p(maxAge)));
  }

  function renderBlame(section, file, print) {
    const box = el("div", { cls: "blame-box", "data-file": file.path });
    const commits = section.commits;
    const people = section.people;
    const reasons = file.reasons;
    const lines = file.lines;
    // per line: [commit, text, reason + 1 (0: counted), empty (0/1), number (when not the next)]
    let maxAge = 0;
    const counts = new Map();
    let nExcluded = 0;
    let nEmpty = 0;
    for (const line of lines) {
      const commit = commits[line[0]];
      if (commit[3] > maxAge) maxAge = commit[3];
      counts.set(commit[1], (counts.get(commit[1]) || 0) + 1);
      if (line[2]) nExcluded++;
      if (line[3]) nEmpty++;
    }

    const title = el("h3", { cls: "blame-title" }, [el("code", { text: file.path }), el("span", { cls: "muted", text: ` · ${lines.length} lines` })]);
    box.appendChild(title);

    // the authors of this file, most lines first (the top ones only)
    const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]);
    const legend = el("div", { cls: "legend" });
    ranked.slice(0, 12).forEach(([p, n]) => {
      const [name, email, colour] = people[p];
      legend.appendChild(tip(el("span", { cls: "item " + colourClass(colour) }, [el("span", { cls: "sw" }), `${shortName(name, 28)} ${n}`]), `${name} <${email}>: ${n} lines`));
    });
    if (ranked.length > 12) {
      const rest = ranked.slice(12).reduce((acc, [, n]) => acc + n, 0);
      legend.appendChild(el("span", { cls: "item cx" }, [el("span", { cls: "sw" }), `${ranked.length - 12} others ${rest}`]));
    }
    const key = el("span", { cls: "item muted" }, ["age: new", el("span", { cls: "agekey" }, [0, 3, 6, 9].map((i) => el("i", { cls: "age" + i }))), "old"]);
    legend.appendChild(key);
    box.appendChild(legend);

    const table = el("table", { cls: "blame" + (state.nc && !print ? "" : " colours"), "data-file": file.path });
    table.appendChild(
      el(
        "thead",
        null,
        el("tr", null, [
          el("th", { text: "Line" }),
          el("th", { text: "Author" }),
          el("th", { text: "Date" }),
          el("th", { text: "Commit" }),
          el("th", { title: "Age of the line (darker: newer)", text: "" }),
          el("th", { text: "Code" }),
        ]),
      ),
    );
    const tbody = el("tbody");
    table.appendChild(tbody);

    if (!print) {
      const toggle = (label, prop, count) => {
        const input = el("input", { type: "checkbox", "data-toggle": prop });
        input.checked = prop === "nc" ? !state.nc : state[prop];
        input.addEventListener("change", () => {
          state[prop] = prop === "nc" ? !input.checked : input.checked;
          writeHash();
          if (prop === "nc") table.classList.toggle("colours", input.checked);
          else fill();
        });
        return el("label", null, [input, " " + label + (count === undefined ? "" : ` (${count})`)]);
      };
      const info = el("span", { cls: "info" });
      box.insertBefore(
        el("div", { cls: "toolbar noprint" }, [
          toggle("Hide excluded lines", "hx", nExcluded),
          toggle("Hide empty lines", "he", nEmpty),
          toggle("Author colours", "nc"),
          info,
        ]),
        title.nextSibling,
      );
      box._info = info;
    }

    function fill() {
      const frag = document.createDocumentFragment();
      let prev = -1;
      let number = 0;
      let shown = 0;
      for (const line of lines) {
        number = line.length > 4 ? line[4] : number + 1;
        if (!print && ((state.hx && line[2]) || (state.he && line[3]))) continue;
        shown++;
        const commit = commits[line[0]];
        const [name, email, colour] = people[commit[1]];
        const first = line[0] !== prev;
        prev = line[0];
        const tr = document.createElement("tr");
        tr.className = colourClass(colour) + (first ? " first" : "") + (line[2] ? " x" : "") + (line[3] ? " e" : "");
        tr.dataset.line = number;
        const n = document.createElement("td");
        n.className = "n";
        n.textContent = number;
        const who = document.createElement("td");
        who.className = "who";
        const sw = document.createElement("span");
        sw.className = "sw";
        who.appendChild(sw);
        const when = document.createElement("td");
        when.className = "when";
        const sha = document.createElement("td");
        sha.className = "sha mono";
        if (first) {
          who.appendChild(document.createTextNode(name));
          when.textContent = commit[2].slice(0, 10);
          sha.textContent = commit[0].slice(0, 8);
        }
        who.title = `${name} <${email}>`;
        when.title = commit[2];
        sha.title = commit[0];
        const age = document.createElement("td");
        age.className = "age age" + ageLevel(commit[3], maxAge);
        age.title = `${Math.round(commit[3])} days old`;
        const code = document.createElement("td");
        code.className = "code";
        code.textContent = line[1];
        if (line[2]) code.title = "Not counted: " + reasons[line[2] - 1];
        tr.append(n, who, when, sha, age, code);
        frag.appendChild(tr);
      }
      tbody.replaceChildren(frag);
      if (box._info) box._info.textContent = shown === lines.length ? `${lines.length} lines` : `${shown} of ${lines.length} lines shown`;
    }
    fill();
    box.appendChild(el("div", { cls: "scroll code" }, table));
    return box;
  }

  // -- the page ------------------------------------------------------------------------------
  const app = document.getElementById("app");
  let panel = null;

  function tabsOf(section) {
    const tabs = section.tables.map((t) => [t.name, t.title, t.rows.length]);
    if (section.blame.length) tabs.push(["blame", "Blame", section.blame.length]);
    return tabs;
  }

  function render() {
    const section = SECTIONS[state.s];
    const tabs = tabsOf(section);
    if (!tabs.some(([name]) => name === state.t)) state.t = tabs.length ? tabs[0][0] : "";
    app.replaceChildren();
    if (SECTIONS.length > 1) {
      const nav = el("nav", { cls: "sections", role: "tablist", "aria-label": "Repositories" });
      SECTIONS.forEach((s, i) => {
        nav.appendChild(
          el("button", {
            type: "button",
            role: "tab",
            "aria-selected": i === state.s ? "true" : "false",
            "data-section": i,
            text: s.title,
            title: s.path,
            onclick: () => {
              if (state.s === i) return;
              state.s = i;
              state.q = "";
              writeHash();
              render();
            },
          }),
        );
      });
      app.appendChild(nav);
    }
    // one repository: the summary header above already says where it is
    if (SECTIONS.length > 1) app.appendChild(sectionHead(section));
    const nav = el("nav", { cls: "tabs", role: "tablist", "aria-label": "Tables" });
    for (const [name, title, count] of tabs) {
      nav.appendChild(
        el(
          "button",
          {
            type: "button",
            role: "tab",
            "data-tab": name,
            "aria-selected": name === state.t ? "true" : "false",
            onclick: () => {
              if (state.t === name) return;
              state.t = name;
              state.q = "";
              writeHash();
              for (const b of nav.children) b.setAttribute("aria-selected", b.dataset.tab === name ? "true" : "false");
              renderPanel();
            },
          },
          [title, el("span", { cls: "count", text: String(count) })],
        ),
      );
    }
    app.appendChild(nav);
    panel = el("div", { cls: "panel", role: "tabpanel" });
    app.appendChild(panel);
    renderPanel();
  }

  function sectionHead(section) {
    const head = el("div", { cls: "section-head" });
    head.appendChild(el("h2", { text: section.title === "combined" ? "All repositories combined" : section.title }));
    const where = [section.path];
    if (section.revision) where.push("at " + section.revision.slice(0, 12));
    if (section.revision_date) where.push("(" + section.revision_date + ")");
    head.appendChild(el("div", { cls: "where", text: where.join(" ") }));
    for (const w of section.warnings) head.appendChild(el("div", { cls: "warn", text: "⚠ " + w }));
    return head;
  }

  function renderPanel() {
    const section = SECTIONS[state.s];
    const active = document.activeElement;
    const refocus = active && active.type === "search";
    panel.replaceChildren();
    // the totals above every table; the share charts with the authors
    if (state.t !== "blame") panel.appendChild(overview(section, state.t === "authors"));
    if (state.t === "blame") {
      const file = blameOf(section, state.f);
      const picker = el("div", { cls: "files", role: "tablist", "aria-label": "Blamed files" });
      for (const b of section.blame) {
        picker.appendChild(
          el("button", {
            type: "button",
            role: "tab",
            "aria-selected": b === file ? "true" : "false",
            "data-file": b.path,
            title: `${b.path} (${b.lines.length} lines)`,
            text: b.path,
            onclick: () => {
              state.f = b.path;
              writeHash();
              renderPanel();
            },
          }),
        );
      }
      panel.appendChild(picker);
      if (file) panel.appendChild(renderBlame(section, file, false));
      return;
    }
    const table = tableOf(section, state.t);
    if (!table) return;
    if (table.name === "timeline") append(panel, timelineChart(section, table, false));
    panel.appendChild(renderTable(section, table));
    if (refocus) {
      const search = panel.querySelector("input[type=search]");
      if (search) {
        search.focus();
        search.setSelectionRange(search.value.length, search.value.length);
      }
    }
  }

  // -- print: every section, table and blame file, all rows --------------------------------
  const printRoot = document.getElementById("print");
  function renderPrint() {
    if (printRoot.childElementCount) return;
    SECTIONS.forEach((section) => {
      const box = el("section", { cls: "print-section" });
      box.appendChild(sectionHead(section));
      box.appendChild(overview(section, true));
      for (const table of section.tables) {
        const part = el("div", { cls: "print-table" }, el("h3", { text: table.title }));
        if (table.name === "timeline") append(part, timelineChart(section, table, true));
        part.appendChild(renderTable(section, table, { print: true }));
        box.appendChild(part);
      }
      for (const file of section.blame) {
        box.appendChild(el("div", { cls: "print-blame" }, renderBlame(section, file, true)));
      }
      printRoot.appendChild(box);
    });
  }
  window.addEventListener("beforeprint", renderPrint);
  window.matchMedia("print").addEventListener("change", (e) => {
    if (e.matches) renderPrint();
  });

  // -- start ------------------------------------------------------------------------------
  try {
    const saved = localStorage.getItem("gitinspector-report-theme");
    if (saved === "light" || saved === "dark") state.theme = saved;
  } catch (e) {
    /* file:// storage may be off */
  }
  readHash();
  applyTheme();
  document.getElementById("theme").addEventListener("click", toggleTheme);
  darkQuery.addEventListener("change", applyTheme);
  window.addEventListener("hashchange", () => {
    readHash();
    applyTheme();
    render();
  });
  render();
  writeHash();
  document.documentElement.dataset.ready = "1";
})();

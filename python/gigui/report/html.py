"""The report as one self-contained HTML file: inline CSS and JavaScript, no network (a
Content-Security-Policy forbids it), readable from a ``file://`` URL, offline.

The page: a summary header written here (title, repositories with their analyzed revision
and its date, the period, the settings that shaped the numbers, warnings, the repositories
that could not be analyzed, when the report was made); then, drawn by ``assets/report.js``
from one JSON block, a tab per section (repository, and "combined"), in it a tab per table
(its totals on one line; sortable, filterable, with a totals row; the authors with small
share charts of the top authors and "others", the timeline with stacked bars) and a blame
tab (a file picker, lines coloured by author rank, an age bar, toggles). The state
(section, tab, file, sorts, filter, toggles, theme) is in the URL hash. ``@media print``
shows every section, table and blame file, without controls.

The data is embedded once, compactly: table rows as arrays in column order (files × authors
as the order of authors × files' rows); blame lines as ``[commit, text, reason, empty]``,
with indices into per-section lists of commits and people.
Every string reaches the page through ``html.escape`` (the header) or the JSON block (with
``<``, ``>`` and ``&`` escaped) and ``textContent`` (never parsed as markup).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from functools import cache
from importlib import resources
from typing import Any

from .model import (
    OTHER_DARK,
    OTHER_LIGHT,
    PALETTE_DARK,
    PALETTE_LIGHT,
    BlameFile,
    Report,
    Section,
    Table,
)

#: Theme colours: the page's own (the authors' come from model.py's palettes).
_LIGHT = {
    "bg": "#ffffff",
    "fg": "#1f2328",
    "muted": "#5d6670",
    "border": "#d1d9e0",
    "panel": "#f6f8fa",
    "hover": "#eaeef2",
    "accent": "#0969da",
    "warn-bg": "#fff3c4",
    "err-bg": "#ffebe9",
    "err-fg": "#82071e",
    "age-rgb": "31, 35, 40",
    "other": OTHER_LIGHT,
}
_DARK = {
    "bg": "#0d1117",
    "fg": "#e6edf3",
    "muted": "#9198a1",
    "border": "#3d444d",
    "panel": "#161b22",
    "hover": "#21262d",
    "accent": "#4493f8",
    "warn-bg": "#3b2e0a",
    "err-bg": "#3c1618",
    "err-fg": "#ffa198",
    "age-rgb": "230, 237, 243",
    "other": OTHER_DARK,
}
#: How strongly a blame line's code is tinted with its author's colour.
_TINT = {"light": 0.22, "dark": 0.28}


@cache
def _asset(name: str) -> str:
    return (resources.files(__package__) / "assets" / name).read_text(encoding="utf-8")


def _rgba(colour: str, alpha: float) -> str:
    n = int(colour.lstrip("#"), 16)
    return f"rgba({n >> 16 & 255}, {n >> 8 & 255}, {n & 255}, {alpha})"


def _theme_block(
    selector: str, theme: dict[str, str], palette: tuple[str, ...], tint: float
) -> str:
    lines = [selector + " {"]
    lines += [f"  --{k}: {v};" for k, v in theme.items()]
    lines.append("}")
    for i, colour in enumerate(palette):
        scope = f"{selector} .c{i}" if selector != ":root" else f".c{i}"
        lines.append(f"{scope} {{ --ac: {colour}; --at: {_rgba(colour, tint)}; }}")
    scope = f"{selector} .cx" if selector != ":root" else ".cx"
    lines.append(f"{scope} {{ --ac: {theme['other']}; --at: {_rgba(theme['other'], tint)}; }}")
    return "\n".join(lines)


@cache
def _css() -> str:
    """The theme variables and author colours (light; dark by the system's preference
    unless the page is switched to light; dark when switched to dark), then the style."""
    light = _theme_block(":root", _LIGHT, PALETTE_LIGHT, _TINT["light"])
    auto_dark = _theme_block(":root:not(.light)", _DARK, PALETTE_DARK, _TINT["dark"])
    dark = _theme_block(":root.dark", _DARK, PALETTE_DARK, _TINT["dark"])
    # paper is light whatever the screen's theme
    printed = "\n".join(
        _theme_block(selector, _LIGHT, PALETTE_LIGHT, _TINT["light"])
        for selector in (":root:not(.light)", ":root.dark")
    )
    return (
        f"{light}\n"
        "@media (prefers-color-scheme: dark) {\n"
        f"{auto_dark}\n"
        ":root:not(.light) { color-scheme: dark; }\n"
        "}\n"
        f"{dark}\n"
        f"@media print {{\n{printed}\n:root:root {{ color-scheme: light; }}\n}}\n"
        f"{_asset('report.css')}"
    )


# -- the embedded data ----------------------------------------------------------------------


def _row_key(row: dict[str, Any]) -> str:
    return json.dumps(row, sort_keys=True, default=str)


def _reordering(table: Table, earlier: list[Table]) -> tuple[int, list[int]] | None:
    """(i, order) when TABLE's rows are those of EARLIER[i] in another order (files × authors
    is authors × files sorted by file): the page rebuilds them instead of carrying them
    twice."""
    keys = {c.key for c in table.columns}
    for i, other in enumerate(earlier):
        if len(other.rows) != len(table.rows) or not table.rows:
            continue
        if not keys <= {c.key for c in other.columns}:
            continue
        index: dict[str, int] = {}
        for n, row in enumerate(other.rows):
            index.setdefault(_row_key(row), n)
        order = [index.get(_row_key(row), -1) for row in table.rows]
        if -1 not in order and len(set(order)) == len(order):
            return i, order
    return None


def _table(table: Table, earlier: list[Table]) -> dict[str, Any]:
    keys = [c.key for c in table.columns]
    out: dict[str, Any] = {
        "name": table.name,
        "title": table.title,
        "columns": [[c.key, c.title, c.kind] for c in table.columns],
        # decimals whole: rounded here and again to one decimal by the page, some would show
        # otherwise than in the other formats (0.0495 -> 0.05 -> "0.1")
        "totals": dict(table.totals) if table.totals else None,
    }
    same = _reordering(table, earlier)
    if same:
        out["reorders"] = same  # [index of the earlier table, its row index per row]
    else:
        out["rows"] = [[row.get(k) for k in keys] for row in table.rows]
    return out


class _Blame:
    """A section's blame files with their people and commits listed once."""

    def __init__(self, section: Section) -> None:
        self.colours = section.colours
        self.people: list[list[Any]] = []
        self.people_index: dict[tuple[str, str], int] = {}
        self.commits: list[list[Any]] = []
        self.commit_index: dict[str, int] = {}

    def person(self, name: str, email: str) -> int:
        key = (name, email)
        if key not in self.people_index:
            self.people_index[key] = len(self.people)
            self.people.append([name, email, self.colours.get(key, -1)])
        return self.people_index[key]

    def commit(self, sha: str, author: str, email: str, date: str, age: float) -> int:
        if sha not in self.commit_index:
            self.commit_index[sha] = len(self.commits)
            self.commits.append([sha, self.person(author, email), date, round(age, 2)])
        return self.commit_index[sha]

    def file(self, blame: BlameFile) -> dict[str, Any]:
        reasons: list[str] = []
        reason_index: dict[str, int] = {}
        lines = []
        expected = 1
        for line in blame.lines:
            c = self.commit(line.sha, line.author, line.email, line.date, line.age_days)
            r = 0
            if line.excluded:
                if line.excluded not in reason_index:
                    reason_index[line.excluded] = len(reasons) + 1
                    reasons.append(line.excluded)
                r = reason_index[line.excluded]
            item: list[Any] = [c, line.text, r, 1 if line.empty else 0]
            if line.number != expected:
                item.append(line.number)
            expected = line.number + 1
            lines.append(item)
        return {"path": blame.path, "reasons": reasons, "lines": lines}


def _section(section: Section) -> dict[str, Any]:
    blame = _Blame(section)
    files = [blame.file(f) for f in section.blame]
    return {
        "title": section.title,
        "path": section.path,
        "revision": section.revision,
        "revision_date": section.revision_date,
        "warnings": section.warnings,
        "colours": [[name, email, i] for (name, email), i in section.colours.items()],
        "tables": [_table(t, section.tables[:i]) for i, t in enumerate(section.tables)],
        "people": blame.people,
        "commits": blame.commits,
        "blame": files,
    }


def _payload(report: Report) -> dict[str, Any]:
    settings = dict(report.settings)
    return {
        "title": report.title,
        "period": settings.get("timeline_period", "month"),
        "palette": len(PALETTE_LIGHT),
        "sections": [_section(s) for s in report.sections],
    }


def _json_for_script(data: Any) -> str:
    """JSON that cannot end its <script> element nor open a comment in it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


# -- the summary header ---------------------------------------------------------------------

_e = html.escape

#: Settings shown as the report's period rather than among the other settings.
_PERIOD = ("since", "until")


def _short(sha: str) -> str:
    return sha[:12]


def _header(report: Report) -> str:
    repos = [s for s in report.sections if s.title != "combined"]
    settings = [(k, v) for k, v in report.settings if k not in _PERIOD]
    period = dict(report.settings)
    out = ['<header class="top"><div class="wrap">']
    out.append(
        '<div class="titlebar">'
        f"<h1>{_e(report.title)}</h1>"
        f'<span class="generated">Generated {_e(report.generated)}</span>'
        '<button type="button" class="btn noprint" id="theme">Theme</button>'
        "</div>"
    )
    out.append('<dl class="meta">')

    items = []
    for s in repos:
        revision = (
            f' at <code title="{_e(s.revision)}">{_e(_short(s.revision))}</code>'
            if s.revision
            else ""
        )
        date = f' <span class="muted">({_e(s.revision_date)})</span>' if s.revision_date else ""
        items.append(f"<li><b>{_e(s.title)}</b> <code>{_e(s.path)}</code>{revision}{date}</li>")
    if items:
        label = "Repository" if len(items) == 1 else f"Repositories ({len(items)})"
        body = "<ul>" + "".join(items) + "</ul>"
        if len(items) > 6:
            body = f"<details><summary>{len(items)} repositories</summary>{body}</details>"
        out.append(f"<dt>{label}</dt><dd>{body}</dd>")

    since, until = period.get("since", ""), period.get("until", "")
    if since and until:
        span = f"from <b>{_e(since)}</b> until <b>{_e(until)}</b>"
    elif since:
        span = f"since <b>{_e(since)}</b>"
    elif until:
        span = f"until <b>{_e(until)}</b>"
    else:
        span = "all history"
    out.append(f"<dt>Period</dt><dd>{span}</dd>")

    if settings:
        chips = "".join(f'<span class="chip"><b>{_e(k)}</b>: {_e(v)}</span>' for k, v in settings)
        out.append(f'<dt>Settings</dt><dd class="chips">{chips}</dd>')
    else:
        out.append('<dt>Settings</dt><dd class="muted">the defaults</dd>')

    warnings = [(s.title, w) for s in report.sections for w in s.warnings]
    if warnings:
        lis = "".join(
            f'<li><span class="warn">⚠ <b>{_e(t)}</b>: {_e(w)}</span></li>' for t, w in warnings
        )
        out.append(f"<dt>Warnings</dt><dd><ul>{lis}</ul></dd>")

    if report.errors:
        lis = "".join(
            f'<li><span class="err"><code>{_e(str(e.get("path", "")))}</code>: '
            f"{_e(str(e.get('error', '')))}</span></li>"
            for e in report.errors
        )
        out.append(f'<dt>Not analyzed</dt><dd class="errors"><ul>{lis}</ul></dd>')
    out.append("</dl></div></header>")
    return "".join(out)


# -- the page -------------------------------------------------------------------------------


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def render_html(report: Report) -> str:
    css = _css()
    script = _asset("report.js")
    data = _json_for_script(_payload(report))
    # Only this page's own style and script run; nothing is fetched (default-src 'none').
    csp = (
        f"default-src 'none'; style-src {_sha256(css)}; script-src {_sha256(script)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    page = (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_e(csp, quote=False)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="gitinspector-lsp">\n'
        f"<title>{_e(report.title)}</title>\n"
        f"<style>{css}</style>\n"
        "</head>\n<body>\n"
        f"{_header(report)}\n"
        '<main class="wrap">\n'
        "<noscript><p>The tables, charts and blame of this report need JavaScript.</p></noscript>\n"
        '<div id="app"></div>\n<div id="print"></div>\n'
        "</main>\n"
        f'<script type="application/json" id="report-data">{data}</script>\n'
        f"<script>{script}</script>\n"
        "</body>\n</html>\n"
    )
    return _clean(page)


def _clean(text: str) -> str:
    """TEXT encodable as UTF-8: lone surrogates (undecodable bytes of a file or a name,
    kept by ``surrogateescape``) become U+FFFD."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        try:
            text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        except UnicodeEncodeError:  # a surrogate that is no escaped byte
            text = text.encode("utf-8", "replace").decode("utf-8")
    return text

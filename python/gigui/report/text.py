"""The text formats of a report: aligned plain text for a terminal (``render_table``) and
GitHub-flavoured Markdown (``render_markdown``).

The terminal layout, per section::

    proj (/home/me/proj) at 0123456789ab
    note: <a warning>

    Authors
    Author  Email              Commits  Insertions  Deletions  Lines  Lines %
    Alice   alice@example.com        3          40          2     38     76.0
    Bob     bob@example.com          1          12          0     12     24.0
    ------  -----------------  -------  ----------  ---------  -----  -------
    Total                            4          52          2     50

Blocks (a section's header and notes, each table) are apart by one blank line; a table is
its title, a header row of column titles and its rows, or ``(none)``. Numbers are
right-aligned, decimals with one decimal. The authors and files tables end with a rule and
their totals, which cover the whole analysis: ``Total (all 7 authors)`` when ``top`` cut
the rows. Columns are two spaces apart, so a column boundary is a run of two blanks on
every line of the header and rows; nothing is wrapped, long text is cut at ``CUT``
characters with "…"; control characters of names and paths are shown escaped (a file
name cannot move the cursor or colour the terminal). No line ends with a space. With
``colour``, titles, header rows and totals are bold and rules dim (ANSI escapes); without
it, there is no escape at all. Errors (the paths not analyzed) are not printed: the CLI
prints them on stderr.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from .model import Column, Report, Section, Table, cell_text

#: Longest text cell of the terminal table, in characters (cut with "…").
CUT = 60
GAP = "  "
RULE = "-"
NUMERIC = frozenset({"int", "decimal"})
#: The totals a totals row shows, under the column with the same key.
TOTAL_KEYS = ("lines", "lines_before_since", "commits", "insertions", "deletions")
#: What a totals row counts when ``top`` cut a table: table name -> key of ``totals``.
COUNTED = {"authors": "authors", "files": "files"}

BOLD = "\x1b[1m"
DIM = "\x1b[2m"
RESET = "\x1b[0m"


# -- shared --------------------------------------------------------------------------------


def clean(text: str) -> str:
    """TEXT with its control characters escaped (``\\n``, ``\\x1b``) and lone surrogates
    replaced: one line, safe on a terminal, encodable as UTF-8."""
    if text.isprintable() and text.isascii():
        return text
    out = []
    for ch in text:
        code = ord(ch)
        if 0xD800 <= code <= 0xDFFF:
            out.append("\ufffd")
        elif unicodedata.category(ch) == "Cc":
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch, f"\\x{code:02x}"))
        else:
            out.append(ch)
    return "".join(out)


def totals_label(table: Table) -> str:
    """The totals row's label: "Total", or "Total (all N authors)" when the table shows
    fewer rows than N."""
    counted = COUNTED.get(table.name)
    count = (table.totals or {}).get(counted) if counted else None
    if isinstance(count, int) and count > len(table.rows):
        return f"Total (all {count} {table.name})"
    return "Total"


def totals_cells(table: Table) -> dict[str, Any] | None:
    """Column key -> total, for the totals row of TABLE; None: no totals row."""
    if not table.totals or not table.rows:
        return None
    keys = {c.key for c in table.columns}
    cells = {k: table.totals[k] for k in TOTAL_KEYS if k in keys and k in table.totals}
    return cells or None


def _section_heading(section: Section) -> str:
    if section.title == "combined" and not section.revision:
        return "combined"
    return f"{section.title} ({section.path}) at {section.revision[:12]}"


# -- terminal ------------------------------------------------------------------------------


def _width(text: str) -> int:
    """Terminal columns of TEXT: wide East Asian characters take two, combining marks
    none."""
    if text.isascii():
        return len(text)
    n = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        n += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return n


def _pad(text: str, width: int, right: bool) -> str:
    fill = " " * max(0, width - _width(text))
    return fill + text if right else text + fill


def _cut(text: str) -> str:
    return text if len(text) <= CUT else text[: CUT - 1] + "…"


def _cell(value: Any, column: Column) -> str:
    text = cell_text(value, column.kind)
    if column.kind in NUMERIC:
        return text
    return _cut(clean(text))


class _Style:
    def __init__(self, colour: bool) -> None:
        self.colour = colour

    def bold(self, text: str) -> str:
        return f"{BOLD}{text}{RESET}" if self.colour and text else text

    def dim(self, text: str) -> str:
        return f"{DIM}{text}{RESET}" if self.colour and text else text


def _text_table(table: Table, style: _Style) -> str:
    title = style.bold(clean(table.title))
    if not table.rows:
        return f"{title}\n(none)"
    columns = table.columns
    right = [c.kind in NUMERIC for c in columns]
    header = [c.title for c in columns]
    body = [[_cell(row.get(c.key), c) for c in columns] for row in table.rows]
    widths = [max(_width(line[i]) for line in (header, *body)) for i in range(len(columns))]

    totals = totals_cells(table)
    total_line = None
    if totals is not None:
        label = totals_label(table)
        # the label spans the text columns before the first number (Author, Email)
        span = next((i for i, r in enumerate(right) if r), len(columns)) or 1
        room = sum(widths[:span]) + len(GAP) * (span - 1)
        if _width(label) > room:
            widths[span - 1] += _width(label) - room
            room = _width(label)
        cells = [_pad(label, room, False)]
        for i in range(span, len(columns)):
            value = totals.get(columns[i].key)
            cells.append(_pad(cell_text(value, columns[i].kind), widths[i], right[i]))
        total_line = GAP.join(cells).rstrip()

    def line(cells: list[str]) -> str:
        return GAP.join(
            _pad(c, w, r) for c, w, r in zip(cells, widths, right, strict=True)
        ).rstrip()

    out = [title, style.bold(line(header))]
    out += [line(cells) for cells in body]
    if total_line is not None:
        out.append(style.dim(GAP.join(RULE * w for w in widths)))
        out.append(style.bold(total_line))
    return "\n".join(out)


def render_table(report: Report, colour: bool = False) -> str:
    """REPORT as aligned text for a terminal (see the module doc); "" when no repository
    was analyzed."""
    style = _Style(colour)
    blocks = []
    for section in report.sections:
        head = [style.bold(clean(_section_heading(section)))]
        head += [f"note: {clean(w)}".rstrip() for w in section.warnings]
        blocks.append("\n".join(head))
        blocks += [_text_table(t, style) for t in section.tables]
    return "\n\n".join(blocks) + "\n" if blocks else ""


# -- markdown ------------------------------------------------------------------------------

#: Characters that are markup in GitHub Markdown (inline, and ``|`` in a table), escaped
#: with a backslash wherever they occur in text from the repository: a file called
#: ``__init__.py`` stays ``__init__.py``, ``a|b`` stays one cell.
_MD_SPECIAL = frozenset("\\`*_[]<>|~&$")


def md(text: str) -> str:
    """TEXT as literal Markdown inline text (one line)."""
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in clean(text))


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _md_table(table: Table) -> list[str]:
    if not table.rows:
        return ["_(none)_"]
    columns = table.columns
    out = [
        _md_row([md(c.title) for c in columns]),
        _md_row(["---:" if c.kind in NUMERIC else "---" for c in columns]),
    ]
    for row in table.rows:
        out.append(_md_row([md(cell_text(row.get(c.key), c.kind)) for c in columns]))
    totals = totals_cells(table)
    if totals is not None:
        cells = []
        for i, c in enumerate(columns):
            if i == 0:
                cells.append(f"**{md(totals_label(table))}**")
            elif c.key in totals:
                cells.append(f"**{md(cell_text(totals[c.key], c.kind))}**")
            else:
                cells.append("")
        out.append(_md_row(cells))
    return out


def _md_section(section: Section, only: str | None) -> list[str]:
    out = [f"## {md(section.title)}", ""]
    if section.title == "combined" and not section.revision:
        out.append(f"- Repositories: {md(section.path)}")
    else:
        out.append(f"- Path: {md(section.path)}")
        revision = f"- Revision: `{section.revision}`" if section.revision else "- Revision: -"
        if section.revision_date:
            revision += f" ({section.revision_date})"
        out.append(revision)
    out.append("")
    for i, warning in enumerate(section.warnings):
        if i:
            out.append(">")
        out.append(f"> **Note:** {md(warning)}")
    if section.warnings:
        out.append("")
    for table in section.tables:
        if only is not None and table.name != only:
            continue
        out += [f"### {md(table.title)}", "", *_md_table(table), ""]
    return out


def render_markdown(report: Report, table: str | None = None) -> str:
    """REPORT as GitHub-flavoured Markdown: the title, a summary (when, the settings that
    shaped the numbers), per section its path, revision and warnings and a pipe table per
    table (only TABLE when given), numbers right-aligned, totals in bold; the paths not
    analyzed at the end, under "Not analyzed"."""
    out = [f"# {md(report.title)}", "", f"- Generated: {md(report.generated)}"]
    if report.settings:
        out.append("- Settings:")
        out += [f"  - `{name}`: {md(value)}" for name, value in report.settings]
    else:
        out.append("- Settings: the defaults")
    out.append("")
    for section in report.sections:
        out += _md_section(section, table)
    if report.errors:
        out += ["## Not analyzed", ""]
        for error in report.errors:
            message = " ".join(
                line.strip() for line in str(error.get("error") or "").splitlines() if line.strip()
            )
            out.append(f"- {md(str(error.get('path') or ''))}: {md(message)}")
        out.append("")
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"

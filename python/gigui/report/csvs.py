"""A report as CSV: one file per table, for spreadsheets and scripts.

* RFC 4180 (Python's ``csv`` module, ``\\r\\n`` line ends, fields quoted when needed);
* UTF-8 **without** a byte order mark: scripts, ``csvkit``, pandas and databases read it as
  is, and a BOM would end up in the first column title of each of them. Excel guesses the
  encoding of a CSV opened by double-click and needs a BOM to read UTF-8; in Excel use
  Data > From Text/CSV (UTF-8), or the excel format;
* a header row of the column titles, ``Repository`` first (the section's title: the
  repository's name, or ``combined``), so the rows of several repositories share one file;
* numbers as the analysis computed them (the JSON values, not rounded), so a spreadsheet
  computes with them; lists joined with "; "; no totals row (a sum over the column would
  count it twice: the totals are in the JSON result);
* text as in the JSON result, except that a text cell starting with ``=``, ``+``, ``-``,
  ``@``, a tab or a carriage return gets a leading ``'``: a spreadsheet would run it as a
  formula (an author's name or a file name is anyone's to choose), and ``'`` is what a
  spreadsheet shows as "this is text". Numbers are never changed.

Without a chosen table, one file per table of any section (the suffix names it:
``-authors.csv``, ``-authors_files.csv``, ``-timeline.csv``); with one, one ``.csv``.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from .model import COLUMNS, TABLE_NAMES, Column, Report

#: The tables every analysis has (the timeline only when asked for).
_ALWAYS = ("authors", "files", "authors_files", "files_authors")


def raw(value: Any) -> str:
    """A cell's value as CSV text: numbers unrounded, lists joined with "; "."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "; ".join(raw(v) for v in value)
    return _inert(str(value))


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _inert(text: str) -> str:
    """TEXT, never read as a formula by a spreadsheet."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _columns(report: Report, name: str) -> list[Column]:
    """The columns table NAME shows in any section, in their defined order."""
    keys = {c.key for s in report.sections for t in s.tables if t.name == name for c in t.columns}
    if not any(t.name == name for s in report.sections for t in s.tables):
        return [c for c in COLUMNS[name] if c.show == "always"]
    return [c for c in COLUMNS[name] if c.key in keys]


def render_one(report: Report, name: str) -> bytes:
    """Table NAME of every section, as one CSV file."""
    columns = _columns(report, name)
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["Repository", *(c.title for c in columns)])
    for section in report.sections:
        for table in section.tables:
            if table.name != name:
                continue
            for row in table.rows:
                writer.writerow([_inert(section.title), *(raw(row.get(c.key)) for c in columns)])
    return buf.getvalue().encode("utf-8", "replace")


def render_csv(report: Report, table: str | None = None) -> list[tuple[str, bytes]]:
    """(suffix, content) per table: ``-<name>.csv`` for each table of any section (the four
    tables at least), or the one TABLE as ``.csv``."""
    if table is not None:
        return [(".csv", render_one(report, table))]
    present = {t.name for s in report.sections for t in s.tables}
    names = [n for n in TABLE_NAMES if n in present or n in _ALWAYS]
    return [(f"-{name}.csv", render_one(report, name)) for name in names]

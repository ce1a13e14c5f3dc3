"""Excel: one .xlsx workbook (XlsxWriter, built in memory).

* "Summary" first: the title, when it was made, per section its path, revision, date and
  warnings and the sheets that belong to it (linked), the settings that shaped the numbers
  and the repositories that could not be analyzed;
* a sheet per table of each section (authors, files, authors × files, files × authors,
  timeline), named after the table, prefixed with the repository when there are several
  sections: a bold header with filters, the header row frozen (and the first column of
  wide tables), numbers as numbers (decimals and percentages 0-100 shown with one
  decimal), lists joined "; ", a bold totals row under authors and files;
* a blame sheet per blamed file: line, author (filled with the author's colour by rank),
  date, commit, code and, for lines an analysis does not count, the reason (grey italic).

Every text goes in as text: a file name or a code line that looks like a formula
(``=HYPERLINK(...)``), a number or a URL stays the text it is.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from .model import OTHER_LIGHT, PALETTE_LIGHT, BlameFile, Column, Report, Section, Table

#: Excel's limits: rows per sheet, UTF-16 units per sheet name.
MAX_ROWS = 1_048_576
MAX_SHEET_NAME = 31
#: What a table's sheet is called (after the repository's name when there are several).
SHEET_TABLE_NAMES = {
    "authors": "authors",
    "files": "files",
    "authors_files": "authors×files",
    "files_authors": "files×authors",
    "timeline": "timeline",
}
#: Tables with more columns than this keep their first column in view too.
WIDE_TABLE = 6
#: Tables with a totals row (from ``Table.totals``).
TOTALS_TABLES = frozenset({"authors", "files"})
#: Characters a sheet name cannot hold (and control characters).
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f]")
#: Width limits of a column, in characters.
MIN_WIDTH, MAX_WIDTH, MAX_CODE_WIDTH = 6, 60, 120
BLAME_COLUMNS = ("Line", "Author", "Date (UTC)", "Commit", "Code", "Not counted")
SHORT_SHA = 8
GREY = "#808080"
_BLAME_DATE = "%Y-%m-%d %H:%M:%S UTC"


def render_excel(report: Report) -> bytes:
    """REPORT as the bytes of one .xlsx file."""
    buffer = BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "nan_inf_to_errors": True,
        },
    )
    properties: dict[str, Any] = {"title": report.title, "comments": "gitinspector-lsp"}
    created = _parse_utc(report.generated)
    if created is not None:
        properties["created"] = created
    workbook.set_properties(properties)
    _Writer(workbook).write(report)
    workbook.close()
    return buffer.getvalue()


# -- sheet names ---------------------------------------------------------------------------


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _fit(text: str, limit: int) -> str:
    """TEXT cut to LIMIT UTF-16 units (the way Excel counts a sheet name)."""
    while _utf16_len(text) > limit:
        text = text[:-1]
    return text


def _shorten(text: str, limit: int) -> str:
    """TEXT in LIMIT UTF-16 units, its middle left out ("…") when too long: a file name
    keeps its start and its extension."""
    if _utf16_len(text) <= limit:
        return text
    if limit < 3:
        return _fit(text, limit)
    head = (limit - 1) // 2
    tail = limit - 1 - head
    start = _fit(text, head)
    end = text[len(text) - tail :]
    while _utf16_len(end) > tail:
        end = end[1:]
    return start + "…" + end


def _clean(name: str) -> str:
    """NAME without the characters a sheet name cannot hold, its spaces collapsed."""
    return " ".join(_NOT_IN_SHEET_NAMES.sub("_", name).split())


def safe_sheet_name(name: str, limit: int = MAX_SHEET_NAME) -> str:
    """NAME as a sheet name Excel accepts: none of ``[]:*?/\\`` (nor control characters),
    no apostrophe at either end, at most LIMIT (31) UTF-16 units (its middle left out),
    not empty, not Excel's reserved "History"."""
    name = _shorten(_clean(name), limit).strip().strip("'").strip()
    if not name:
        name = "Sheet"
    if name.casefold() == "history":
        name = name[: limit - 1] + "_"
    return name


@dataclass
class SheetNames:
    """Sheet names handed out unique the way Excel compares them (case ignored)."""

    taken: set[str] = field(default_factory=set)

    def claim(self, name: str, limit: int = MAX_SHEET_NAME) -> str:
        """NAME made safe, in LIMIT UTF-16 units (its middle left out), numbered when
        taken."""
        base = safe_sheet_name(name, limit)
        candidate = base
        n = 2
        while candidate.casefold() in self.taken:
            suffix = f" ({n})"
            candidate = _fit(base, limit - _utf16_len(suffix)).rstrip() + suffix
            n += 1
        self.taken.add(candidate.casefold())
        return candidate


def section_prefixes(sections: list[Section]) -> list[str]:
    """Per section, what its sheet names start with: nothing for a lone section, else the
    repository's name (short enough to leave room for any table's name, unique)."""
    if len(sections) <= 1:
        return [""] * len(sections)
    longest = max(_utf16_len(n) for n in SHEET_TABLE_NAMES.values())
    names = SheetNames()
    return [names.claim(s.title, MAX_SHEET_NAME - longest - 1) for s in sections]


def table_sheet_name(prefix: str, table: str) -> str:
    suffix = SHEET_TABLE_NAMES.get(table, table)
    if not prefix:
        return suffix[:1].upper() + suffix[1:]
    return f"{prefix} {suffix}"


#: A blame sheet's repository prefix shrinks to this when the file name needs the room.
MIN_BLAME_PREFIX = 8


def blame_sheet_name(prefix: str, path: str, with_folder: bool = False) -> str:
    """A blame sheet's name: "Blame <file name>", or "<prefix> blame <file name>";
    WITH_FOLDER (another blamed file has the same name) "<file name> (<its folder>)". A
    long file name keeps its start and its extension."""
    folder, _, base = path.rstrip("/").rpartition("/")
    base = _clean(base or path) or "file"
    if with_folder and folder:
        base = f"{base} ({_clean(folder.rsplit('/', 1)[-1])})"
    if not prefix:
        return "Blame " + _shorten(base, MAX_SHEET_NAME - len("Blame "))
    word = " blame "
    room = MAX_SHEET_NAME - len(word) - _utf16_len(base)
    keep = max(MIN_BLAME_PREFIX, room)
    if _utf16_len(prefix) > keep:  # its start, the way its table sheets begin
        prefix = _fit(prefix, keep - 1).rstrip() + "…"
    lead = prefix + word
    return lead + _shorten(base, MAX_SHEET_NAME - _utf16_len(lead))


# -- cells ---------------------------------------------------------------------------------


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _parse_utc(stamp: str) -> datetime.datetime | None:
    try:
        return datetime.datetime.strptime(stamp, _BLAME_DATE)
    except (TypeError, ValueError):
        return None


def _display_len(value: Any, kind: str) -> int:
    if value is None:
        return 0
    if _is_number(value):
        return len(f"{value:.1f}") if kind == "decimal" else len(str(value))
    return len(str(value))


def _text_colour(fill: str) -> str:
    """Black or white, whichever reads better on FILL (#rrggbb)."""
    r, g, b = (int(fill[i : i + 2], 16) for i in (1, 3, 5))
    return "#000000" if 0.299 * r + 0.587 * g + 0.114 * b >= 140 else "#ffffff"


class _Formats:
    """Every cell format the workbook uses, made once (a blame sheet of many thousand lines
    reuses a handful)."""

    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self.workbook = workbook
        self._cache: dict[tuple[Any, ...], Format] = {}

    def get(self, **props: Any) -> Format:
        key = tuple(sorted(props.items()))
        fmt = self._cache.get(key)
        if fmt is None:
            fmt = self._cache[key] = self.workbook.add_format(props)
        return fmt

    def header(self) -> Format:
        return self.get(bold=True, bottom=1, bg_color="#f2f2f2")

    def cell(self, kind: str, bold: bool = False) -> Format | None:
        props: dict[str, Any] = {}
        if kind == "decimal":
            props["num_format"] = "0.0"
        if bold:
            props["bold"] = True
            props["top"] = 1
        return self.get(**props) if props else None


class _Writer:
    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self.workbook = workbook
        self.formats = _Formats(workbook)
        self.names = SheetNames()
        #: per section: (sheet name, what it holds)
        self.index: list[list[tuple[str, str]]] = []
        #: what the report could not hold (rows beyond Excel's limit)
        self.notes: list[str] = []

    def write(self, report: Report) -> None:
        summary = self.workbook.add_worksheet(self.names.claim("Summary"))
        prefixes = section_prefixes(report.sections)
        for section, prefix in zip(report.sections, prefixes, strict=True):
            sheets: list[tuple[str, str]] = []
            for table in section.tables:
                name = self.names.claim(table_sheet_name(prefix, table.name))
                self._table(self.workbook.add_worksheet(name), table, section.title)
                sheets.append((name, table.title))
            same = Counter(b.path.rsplit("/", 1)[-1].casefold() for b in section.blame)
            for blamed in section.blame:
                twin = same[blamed.path.rsplit("/", 1)[-1].casefold()] > 1
                name = self.names.claim(blame_sheet_name(prefix, blamed.path, twin))
                self._blame(self.workbook.add_worksheet(name), blamed, section)
                sheets.append((name, f"Blame of {blamed.path}"))
            self.index.append(sheets)
        self._summary(summary, report)

    # -- summary -----------------------------------------------------------------------

    def _summary(self, ws: Worksheet, report: Report) -> None:
        f = self.formats
        bold = f.get(bold=True)
        heading = f.get(bold=True, font_size=12, bottom=1)
        wrap = f.get(text_wrap=True, valign="top")
        ws.write_string(0, 0, report.title, f.get(bold=True, font_size=14))
        ws.write_string(1, 0, "Generated", bold)
        ws.write_string(1, 1, report.generated)
        row = 3

        def pair(label: str, value: str, fmt: Format | None = None) -> None:
            nonlocal row
            ws.write_string(row, 0, label, bold)
            ws.write_string(row, 1, value, fmt)
            row += 1

        for section, sheets in zip(report.sections, self.index, strict=True):
            ws.write_string(row, 0, section.title, heading)
            ws.write_blank(row, 1, None, heading)
            row += 1
            pair("Path", section.path)
            if section.revision:
                pair("Revision", section.revision)
            if section.revision_date:
                pair("Revision date", section.revision_date)
            for warning in section.warnings:
                pair("Warning", warning, wrap)
            for name, what in sheets:
                ws.write_string(row, 0, "Sheet", bold)
                target = name.replace("'", "''")
                ws.write_url(row, 1, f"internal:'{target}'!A1", string=name)
                ws.write_string(row, 2, what)
                row += 1
            row += 1
        ws.write_string(row, 0, "Settings", heading)
        ws.write_blank(row, 1, None, heading)
        row += 1
        if not report.settings:
            ws.write_string(row, 0, "all defaults")
            row += 1
        for label, value in report.settings:
            pair(label, value, wrap)
        if report.errors:
            row += 1
            ws.write_string(row, 0, "Could not be analyzed", heading)
            ws.write_blank(row, 1, None, heading)
            row += 1
            for error in report.errors:
                pair(str(error.get("path", "")), str(error.get("error", "")), wrap)
        if self.notes:
            row += 1
            ws.write_string(row, 0, "Left out", heading)
            ws.write_blank(row, 1, None, heading)
            row += 1
            for note in self.notes:
                ws.write_string(row, 1, note, wrap)
                row += 1
        ws.set_column(0, 0, 24)
        ws.set_column(1, 1, 80)
        ws.set_column(2, 2, 40)

    # -- tables --------------------------------------------------------------------------

    def _table(self, ws: Worksheet, table: Table, section: str) -> None:
        columns = table.columns
        totals = table.totals if table.name in TOTALS_TABLES else None
        room = MAX_ROWS - 1 - (1 if totals else 0)
        rows = table.rows[:room]
        if len(table.rows) > room:
            self.notes.append(
                f"{section}: {table.title}: {len(table.rows) - room} rows beyond Excel's limit"
            )
        if not columns:  # a table without rows has no columns either
            ws.write_string(0, 0, "(no rows)", self.formats.get(italic=True, font_color=GREY))
            ws.set_column(0, 0, 12)
            return
        header = self.formats.header()
        widths = [len(c.title) + 3 for c in columns]  # room for the filter button
        for c, col in enumerate(columns):
            ws.write_string(0, c, col.title, header)
        cell_formats = [self.formats.cell(col.kind) for col in columns]
        for r, values in enumerate(rows, start=1):
            for c, col in enumerate(columns):
                shown = self._cell(ws, r, c, values.get(col.key), col, cell_formats[c])
                if shown > widths[c]:
                    widths[c] = shown
        if totals is not None:
            r = len(rows) + 1
            label = self.formats.get(bold=True, top=1)
            ws.write_string(r, 0, "Total", label)
            for c, col in enumerate(columns[1:], start=1):
                value = totals.get(col.key)
                fmt = self.formats.cell(col.kind, bold=True)
                if _is_number(value):
                    ws.write_number(r, c, value, fmt)
                    widths[c] = max(widths[c], _display_len(value, col.kind))
                else:
                    ws.write_blank(r, c, None, fmt)
        ws.autofilter(0, 0, len(rows), len(columns) - 1)
        ws.freeze_panes(1, 1 if len(columns) > WIDE_TABLE else 0)
        for c, width in enumerate(widths):
            ws.set_column(c, c, max(MIN_WIDTH, min(width + 1, MAX_WIDTH)))

    def _cell(
        self, ws: Worksheet, r: int, c: int, value: Any, col: Column, fmt: Format | None
    ) -> int:
        """Writes VALUE as COL's kind; returns its shown width."""
        if value is None:
            return 0
        if _is_number(value) and col.kind in ("int", "decimal"):
            ws.write_number(r, c, value, fmt)
            return _display_len(value, col.kind)
        listed = isinstance(value, (list, tuple))
        text = "; ".join(str(v) for v in value) if listed else str(value)
        if not text:
            return 0
        ws.write_string(r, c, text, fmt)
        return len(text)

    # -- blame ---------------------------------------------------------------------------

    def _blame(self, ws: Worksheet, blamed: BlameFile, section: Section) -> None:
        f = self.formats
        colours = _AuthorColours(section.colours)
        room = MAX_ROWS - 1
        lines = blamed.lines[:room]
        if len(blamed.lines) > room:
            self.notes.append(
                f"{section.title}: blame of {blamed.path}: lines from {room + 1} on "
                "are beyond Excel's limit"
            )
        header = f.header()
        for c, title in enumerate(BLAME_COLUMNS):
            ws.write_string(0, c, title, header)
        code_font = {"font_name": "Consolas"}
        grey = {"italic": True, "font_color": GREY}
        plain_fmt = {
            False: (None, f.get(num_format="yyyy-mm-dd hh:mm"), None, f.get(**code_font)),
            True: (
                f.get(**grey),
                f.get(num_format="yyyy-mm-dd hh:mm", **grey),
                f.get(**grey),
                f.get(**code_font, **grey),
            ),
        }
        author_width = len(BLAME_COLUMNS[1]) + 3
        code_width = len(BLAME_COLUMNS[4]) + 3
        reason_width = len(BLAME_COLUMNS[5]) + 3
        dates: dict[str, datetime.datetime | None] = {}
        author_fmts: dict[tuple[str, bool], Format] = {}
        for r, line in enumerate(lines, start=1):
            excluded = bool(line.excluded)
            line_fmt, date_fmt, text_fmt, code_fmt = plain_fmt[excluded]
            fill = colours.of(line.author, line.email)
            author_fmt = author_fmts.get((fill, excluded))
            if author_fmt is None:
                author_fmt = author_fmts[fill, excluded] = f.get(
                    bg_color=fill, font_color=_text_colour(fill), italic=excluded
                )
            ws.write_number(r, 0, line.number, line_fmt)
            ws.write_string(r, 1, line.author, author_fmt)
            if line.date in dates:
                when = dates[line.date]
            else:
                when = dates[line.date] = _parse_utc(line.date)
            if when is not None:
                ws.write_datetime(r, 2, when, date_fmt)
            elif line.date:
                ws.write_string(r, 2, line.date, text_fmt)
            ws.write_string(r, 3, line.sha[:SHORT_SHA], text_fmt)
            ws.write_string(r, 4, line.text, code_fmt)
            if excluded:
                ws.write_string(r, 5, line.excluded, text_fmt)
                reason_width = max(reason_width, len(line.excluded))
            author_width = max(author_width, len(line.author))
            code_width = max(code_width, len(line.text.expandtabs(4)))
        ws.autofilter(0, 0, len(lines), len(BLAME_COLUMNS) - 1)
        ws.freeze_panes(1, 0)
        widths = (
            max(len(BLAME_COLUMNS[0]) + 3, len(str(len(lines))) + 1),
            min(author_width + 1, MAX_WIDTH),
            18,
            SHORT_SHA + 4,
            min(code_width + 1, MAX_CODE_WIDTH),
            min(reason_width + 1, MAX_WIDTH),
        )
        for c, width in enumerate(widths):
            ws.set_column(c, c, width)


class _AuthorColours:
    """An author's colour by rank (``Section.colours``), by name and email, else by email
    alone (an identity of an author the analysis merged), else by name; OTHER_LIGHT for
    the authors beyond the palette."""

    def __init__(self, ranks: dict[tuple[str, str], int]) -> None:
        self.exact = ranks
        self.by_email: dict[str, int] = {}
        self.by_name: dict[str, int] = {}
        for (name, email), index in sorted(ranks.items(), key=lambda kv: kv[1]):
            self.by_email.setdefault(email.casefold(), index)
            self.by_name.setdefault(name, index)
        self.cache: dict[tuple[str, str], str] = {}

    def of(self, author: str, email: str) -> str:
        key = (author, email)
        colour = self.cache.get(key)
        if colour is None:
            index = self.exact.get(key)
            if index is None:
                index = self.by_email.get(email.casefold())
            if index is None:
                index = self.by_name.get(author)
            ok = index is not None and 0 <= index < len(PALETTE_LIGHT)
            colour = self.cache[key] = PALETTE_LIGHT[index] if ok else OTHER_LIGHT
        return colour

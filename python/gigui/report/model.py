"""What every report format shows, built once from an analysis: sections (one per
repository, and the combined view), their summary, their tables with column definitions,
and per selected file its blame with author colours. The formats (``text.py``,
``csvs.py``, ``html.py``, ``excel.py``) only lay this out.

Columns are defined here, once: a column is shown when its key is in the rows (deletions
vanish when the setting is off; scaled percentages, renames and lines before ``since``
appear with theirs).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

#: Author colours, by rank in the section (most lines first): the first ones are the most
#: distinguishable pairs of hue and lightness; authors beyond the palette share OTHER.
#: One list for light backgrounds and one for dark, at the same hues.
PALETTE_LIGHT = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#b07aa1",
    "#76b7b2",
    "#edc948",
    "#9c755f",
    "#ff9da7",
    "#5d1b7e",
    "#bd28bd",
    "#2828bd",
)
PALETTE_DARK = (
    "#6b9bd1",
    "#ffa54f",
    "#7cc46f",
    "#ff7b7d",
    "#cf9ac2",
    "#93d4cf",
    "#ffe066",
    "#c19a82",
    "#ffb8c0",
    "#9f35d4",
    "#e274e2",
    "#7474e2",
)
OTHER_LIGHT = "#bab0ac"
OTHER_DARK = "#8a8280"


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    #: text, int, decimal (one decimal: percentages, stability, age), list (joined ", ")
    kind: str = "int"
    #: always; renames (with show_renames); aliases:<key> (with show_renames, when a row's
    #: list holds more than the value of <key>)
    show: str = "always"


def _c(key: str, title: str, kind: str = "int", show: str = "always") -> Column:
    return Column(key, title, kind, show)


COLUMNS: dict[str, tuple[Column, ...]] = {
    "authors": (
        _c("name", "Author", "text"),
        _c("email", "Email", "text"),
        _c("commits", "Commits"),
        _c("insertions", "Insertions"),
        _c("insertions_pct", "Insertions %", "decimal"),
        _c("scaled_insertions_pct", "Scaled ins. %", "decimal"),
        _c("deletions", "Deletions"),
        _c("lines", "Lines"),
        _c("lines_pct", "Lines %", "decimal"),
        _c("scaled_lines_pct", "Scaled lines %", "decimal"),
        _c("stability", "Stability", "decimal"),
        _c("age", "Age (days)", "decimal"),
        _c("files", "Files"),
        _c("names", "Names", "list", "aliases:name"),
        _c("emails", "Emails", "list", "aliases:email"),
    ),
    "files": (
        _c("path", "File", "text"),
        _c("lines", "Lines"),
        _c("lines_pct", "Lines %", "decimal"),
        _c("lines_before_since", "Lines before since"),
        _c("commits", "Commits"),
        _c("insertions", "Insertions"),
        _c("insertions_pct", "Insertions %", "decimal"),
        _c("deletions", "Deletions"),
        _c("stability", "Stability", "decimal"),
        _c("age", "Age (days)", "decimal"),
        _c("authors", "Authors"),
        _c("top_author", "Top author", "text"),
        _c("renamed_from", "Renamed from", "list", "renames"),
    ),
    "authors_files": (
        _c("author", "Author", "text"),
        _c("email", "Email", "text"),
        _c("path", "File", "text"),
        _c("lines", "Lines"),
        _c("lines_pct", "% of file", "decimal"),
        _c("commits", "Commits"),
        _c("insertions", "Insertions"),
        _c("deletions", "Deletions"),
        _c("stability", "Stability", "decimal"),
    ),
    "files_authors": (
        _c("path", "File", "text"),
        _c("author", "Author", "text"),
        _c("email", "Email", "text"),
        _c("lines", "Lines"),
        _c("lines_pct", "% of file", "decimal"),
        _c("commits", "Commits"),
        _c("insertions", "Insertions"),
        _c("deletions", "Deletions"),
        _c("stability", "Stability", "decimal"),
    ),
    "timeline": (
        _c("period", "Period", "text"),
        _c("author", "Author", "text"),
        _c("email", "Email", "text"),
        _c("commits", "Commits"),
        _c("insertions", "Insertions"),
        _c("deletions", "Deletions"),
    ),
}

TITLES = {
    "authors": "Authors",
    "files": "Files",
    "authors_files": "Authors × files",
    "files_authors": "Files × authors",
    "timeline": "Timeline",
}

#: The tables a section can have, in the order every format shows them.
TABLE_NAMES = ("authors", "files", "authors_files", "files_authors", "timeline")


@dataclass
class Table:
    name: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    #: the whole of the analysis (not only the rows shown: ``top``), for a totals row
    totals: dict[str, Any] | None = None


@dataclass
class BlameLine:
    number: int
    sha: str
    author: str
    email: str
    #: the commit's author date, ISO 8601 (UTC)
    date: str
    #: days from the commit's author date to the analyzed revision's
    age_days: float
    text: str
    #: why an analysis does not count the line ("" when it does): a comment or empty line,
    #: an excluded author, a commit before since...
    excluded: str = ""
    empty: bool = False


@dataclass
class BlameFile:
    path: str
    lines: list[BlameLine]


@dataclass
class Section:
    #: the repository's name, or "combined"
    title: str
    path: str
    revision: str
    #: the analyzed revision's committer date, ISO 8601 (UTC); "" for the combined view
    revision_date: str
    warnings: list[str]
    tables: list[Table]
    #: (author, email) -> colour index (rank by lines); absent: OTHER
    colours: dict[tuple[str, str], int] = field(default_factory=dict)
    blame: list[BlameFile] = field(default_factory=list)


@dataclass
class Report:
    title: str
    #: when the report was made, ISO 8601 (UTC)
    generated: str
    #: (label, value) pairs of the settings that shaped the numbers (non-default ones)
    settings: list[tuple[str, str]]
    sections: list[Section]
    #: repositories that could not be analyzed: {path, error}
    errors: list[dict[str, str]]


def visible_columns(name: str, rows: list[dict[str, Any]], show_renames: bool) -> list[Column]:
    """The columns of table NAME that its ROWS have, under the show rules."""
    keys = set()
    for row in rows:
        keys.update(row)
    shown = []
    for col in COLUMNS[name]:
        if col.key not in keys:
            continue
        if col.show == "renames" and not show_renames:
            continue
        if col.show.startswith("aliases:"):
            own = col.show.split(":", 1)[1]
            if not show_renames or not any(
                any(item != row.get(own) for item in row.get(col.key) or ()) for row in rows
            ):
                continue
        shown.append(col)
    return shown


def iso(stamp: int | float) -> str:
    return datetime.datetime.fromtimestamp(stamp, datetime.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def cell_text(value: Any, kind: str) -> str:
    """A cell as text: one decimal for decimals, lists joined, nothing for null."""
    if value is None:
        return ""
    if kind == "decimal" and isinstance(value, (int, float)):
        return f"{value:.1f}"
    if kind == "list" and isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)

"""Reports: one renderer for the CLI and both editors.

``render_report`` runs the analysis (and the blame of the files that get a blame tab),
builds the one ``Report`` model (``model.py``, ``build.py``) and lays it out in the asked
format:

* ``table``: aligned text for a terminal (coloured when asked), ``text.py``;
* ``json``: the analysis result itself;
* ``csv``: one file per table (a ``repository`` column first), or one chosen table,
  ``csvs.py``;
* ``markdown``: for pull requests and wikis, ``text.py``;
* ``html``: one self-contained, offline file, ``html.py``;
* ``excel``: one .xlsx, a sheet per table and per blamed file, ``excel.py``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import InvalidSettingsError
from .model import TABLE_NAMES, Report

FORMATS = ("table", "json", "csv", "markdown", "html", "excel")
#: Formats whose output is not text: they need a file to go to.
BINARY_FORMATS = frozenset({"excel"})
#: Formats with blame tabs: how many files get one when the request names none (the files
#: with the most lines).
BLAME_FORMATS = frozenset({"html", "excel"})
DEFAULT_BLAME_TOP = 10
#: The extension of each format's file.
SUFFIX = {
    "table": ".txt",
    "json": ".json",
    "csv": ".csv",
    "markdown": ".md",
    "html": ".html",
    "excel": ".xlsx",
}


@dataclass
class ReportOptions:
    format: str = "table"
    #: a file (a folder, or a name used as a prefix, for CSV files of several tables)
    output: str | None = None
    #: csv and markdown: only this table
    table: str | None = None
    #: files that get a blame tab (repository-relative or absolute paths); None: the
    #: ``blame_top`` files with the most lines of each repository
    blame_files: list[str] | None = None
    blame_top: int | None = None
    #: table: ANSI colours (the CLI asks for them on a terminal)
    colour: bool = False


def options_from(request: dict[str, Any]) -> ReportOptions:
    """The report options of REQUEST (its other keys are settings); InvalidSettingsError
    naming the field otherwise."""
    errors = []
    fmt = request.get("format", "table")
    if fmt not in FORMATS:
        errors.append({"field": "format", "message": f"{fmt!r} is not one of {', '.join(FORMATS)}"})
    output = request.get("output")
    if output is not None and (not isinstance(output, str) or not output.strip()):
        errors.append({"field": "output", "message": "must be a file path"})
    table = request.get("table")
    if table is not None and table not in TABLE_NAMES:
        errors.append(
            {"field": "table", "message": f"{table!r} is not one of {', '.join(TABLE_NAMES)}"}
        )
    blame_files = request.get("blame_files")
    if blame_files is not None and (
        not isinstance(blame_files, list) or not all(isinstance(f, str) for f in blame_files)
    ):
        errors.append({"field": "blame_files", "message": "must be a list of paths"})
    blame_top = request.get("blame_top")
    if blame_top is not None and (
        isinstance(blame_top, bool) or not isinstance(blame_top, int) or blame_top < 0
    ):
        errors.append({"field": "blame_top", "message": "must be a number of files, 0 or more"})
    colour = request.get("colour", False)
    if not isinstance(colour, bool):
        errors.append({"field": "colour", "message": "must be true or false"})
    if fmt in BINARY_FORMATS and not output:
        errors.append({"field": "output", "message": f"a {fmt} report needs a file to go to"})
    if errors:
        raise InvalidSettingsError(errors)
    return ReportOptions(fmt, output, table, blame_files, blame_top, colour)


def json_document(result: Any) -> bytes:
    """The JSON report: the analysis result indented by 2, UTF-8, and a newline. orjson
    writes it (the standard library's indented dump is pure Python: a folder's or a large
    history's megabytes took it a tenth of a second and more); what orjson refuses (an
    integer beyond 64 bits, text that is not Unicode) goes to ``json.dumps``."""
    import orjson

    try:
        return orjson.dumps(
            result,
            option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE | orjson.OPT_NON_STR_KEYS,
        )
    except (orjson.JSONEncodeError, TypeError):
        return (json.dumps(result, indent=2, ensure_ascii=False) + "\n").encode()


def layout(
    report: Report, result: dict[str, Any], options: ReportOptions
) -> list[tuple[str, bytes]]:
    """The report in OPTIONS' format: (file name suffix, content) pairs; one pair, except
    for CSV files of several tables (their suffix names the table: ``-authors.csv``)."""
    fmt = options.format
    if fmt == "json":
        return [(".json", json_document(result))]
    if fmt == "table":
        from .text import render_table

        return [(".txt", render_table(report, colour=options.colour).encode())]
    if fmt == "markdown":
        from .text import render_markdown

        return [(".md", render_markdown(report, table=options.table).encode())]
    if fmt == "csv":
        from .csvs import render_csv

        return render_csv(report, table=options.table)
    if fmt == "html":
        from .html import render_html

        return [(".html", render_html(report).encode())]
    from .excel import render_excel

    return [(".xlsx", render_excel(report))]


def write(pieces: list[tuple[str, bytes]], output: str) -> list[str]:
    """Writes PIECES to OUTPUT (each file atomically); returns the paths written. Several
    pieces go into OUTPUT when it is a folder, else next to it, named after it."""
    output = os.path.expanduser(output)
    paths = []
    if len(pieces) == 1:
        paths.append(output)
    else:
        if os.path.isdir(output) or output.endswith(os.sep):
            os.makedirs(output, exist_ok=True)
            paths = [os.path.join(output, suffix.lstrip("-")) for suffix, _ in pieces]
        else:
            stem, _ext = os.path.splitext(output)
            paths = [stem + suffix for suffix, _ in pieces]
    for path, (_suffix, content) in zip(paths, pieces, strict=True):
        folder = os.path.dirname(os.path.abspath(path))
        os.makedirs(folder, exist_ok=True)
        tmp = os.path.join(folder, f".{os.path.basename(path)}.{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            fh.write(content)
        os.replace(tmp, path)
    return [os.path.abspath(p) for p in paths]


ProgressFn = Callable[[int, int, str], Any]

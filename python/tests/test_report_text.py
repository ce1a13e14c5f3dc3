"""The text formats of a report (terminal table, Markdown, CSV, JSON) say what the analysis
says: each output is parsed back and every table's columns, rows and numbers, and the
totals, are compared with ``execute_analysis`` under the same settings."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from support.gitrepo import ALICE, BOB, CAROL, GitRepo, numbered

from gigui import api
from gigui.report.model import COLUMNS, TABLE_NAMES

#: Per table: column title -> column.
BY_TITLE = {name: {c.title: c for c in cols} for name, cols in COLUMNS.items()}
TABLE_OF_TITLE = {
    "Authors": "authors",
    "Files": "files",
    "Authors × files": "authors_files",
    "Files × authors": "files_authors",
}
TOTAL_KEYS = ("lines", "lines_before_since", "commits", "insertions", "deletions")

PIPE_FILE = "docs/a|b.txt"
LATIN1_FILE = b"caf\xe9.txt"  # not UTF-8: read as Latin-1
LONG_FILE = "docs/" + "long_name_" * 7 + ".txt"  # more than 60 characters


# -- repositories --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """Three authors, a rename, a file name with a pipe, one not in UTF-8, a long one,
    ``__init__.py``, deletions, commits in two months."""
    r = GitRepo(tmp_path_factory.mktemp("report") / "proj")
    r.commit(
        "start",
        ALICE,
        {
            "src/app.py": numbered("app", 12),
            "notes/old name.txt": numbered("note", 5),
            PIPE_FILE: numbered("pipe", 3),
        },
    )
    r.commit("bob edits", BOB, {"src/app.py": numbered("app", 8) + numbered("bob", 6)})
    r.git("mv", "notes/old name.txt", "notes/new name.txt")
    r.commit(
        "rename notes",
        CAROL,
        {"pkg/__init__.py": numbered("init", 4), os.fsdecode(LATIN1_FILE): numbered("cafe", 2)},
    )
    r.clock += 40 * 86_400  # another month
    r.commit("carol again", CAROL, {"src/app.py": numbered("app", 8) + "carol\n"})
    r.commit("alice again", ALICE, {LONG_FILE: numbered("long", 3), PIPE_FILE: "pipe\n"})
    return r.root


@pytest.fixture(scope="module")
def other(tmp_path_factory) -> Path:
    r = GitRepo(tmp_path_factory.mktemp("report") / "other")
    r.commit("one", BOB, {"main.c": numbered("main", 6)})
    r.commit("two", ALICE, {"main.c": numbered("main", 4) + "alice\n", "util.h": "u\n"})
    return r.root


def settings_for(*paths: Path, **settings: Any) -> dict[str, Any]:
    return {"input_fstrs": [str(p) for p in paths], **settings}


def render(fmt: str, *paths: Path, **settings: Any) -> dict[str, Any]:
    return api.render_report({"format": fmt, **settings_for(*paths, **settings)})


def analysis(*paths: Path, **settings: Any) -> dict[str, Any]:
    """The JSON result, without the fields a report does not show."""
    keep = {k: v for k, v in settings.items() if k not in ("table", "output", "colour")}
    return api.execute_analysis(settings_for(*paths, **keep))


# -- what the JSON result says -------------------------------------------------------------


def json_sections(result: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(section title, tables by name: {"rows", "totals"}) in report order."""
    repos = [(r["name"], r) for r in result["repositories"]]
    if result.get("combined"):
        repos.append(("combined", result["combined"]))
    out = []
    for title, repo in repos:
        tables = {
            n: {"rows": repo[n], "totals": repo["totals"] if n in ("authors", "files") else None}
            for n in TABLE_NAMES
            if n != "timeline"
        }
        if repo.get("timeline"):
            tables["timeline"] = {"rows": repo["timeline"]["rows"], "totals": None}
        out.append((title, tables))
    return out


def shown_keys(rows: list[dict[str, Any]]) -> list[str]:
    """The keys a table of ROWS shows (without show_renames: no aliases, no renames)."""
    keys = {k for row in rows for k in row} - {"names", "emails", "renamed_from"}
    return sorted(keys)


def one_decimal(value: Any, kind: str) -> str:
    """A cell as the table and Markdown print it."""
    if value is None:
        return ""
    if kind == "decimal":
        return f"{value:.1f}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def cut(text: str) -> str:
    return text if len(text) <= 60 else text[:59] + "…"


def total_label(name: str, rows: list, totals: dict) -> str:
    return f"Total (all {totals[name]} {name})" if len(rows) < totals[name] else "Total"


# -- parsing the outputs back --------------------------------------------------------------


def blocks(text: str) -> list[list[str]]:
    out: list[list[str]] = [[]]
    for line in text.splitlines():
        if line.strip():
            out[-1].append(line)
        elif out[-1]:
            out.append([])
    return [b for b in out if b]


def split_columns(lines: list[str]) -> list[list[str]]:
    """Cells of space-padded lines: a boundary is a run of two or more positions blank on
    every line (one blank position is inside a column: "Lines %")."""
    width = max(len(line) for line in lines)
    padded = [line.ljust(width) for line in lines]
    blank = [all(line[i] == " " for line in padded) for i in range(width)]
    spans: list[list[int]] = []
    i = 0
    while i < width:
        if blank[i]:
            j = i
            while j < width and blank[j]:
                j += 1
            if j - i == 1 and spans and j < width:
                spans[-1][1] = j  # a single blank inside a column
            i = j
            continue
        if spans and spans[-1][1] == i:
            spans[-1][1] = i + 1
        else:
            spans.append([i, i + 1])
        i += 1
    return [[line[a:b].strip() for a, b in spans] for line in padded]


def table_name(title: str) -> str | None:
    return TABLE_OF_TITLE.get(title) or ("timeline" if title.startswith("Timeline by ") else None)


def parse_table_text(text: str) -> list[tuple[str, dict[str, dict[str, Any]]]]:
    """(section header line, {table name: {header, rows, total}}) of a terminal report."""
    sections: list[tuple[str, dict[str, dict[str, Any]]]] = []
    for block in blocks(text):
        title, *body = block
        name = table_name(title)
        if name is None:
            assert all(line.startswith("note: ") for line in body), block
            sections.append((title, {}))
            continue
        table: dict[str, Any] = {"title": title, "header": [], "rows": [], "total": None}
        sections[-1][1][name] = table
        if body == ["(none)"]:
            continue
        rule = next((i for i, line in enumerate(body) if set(line) <= {"-", " "}), None)
        grid = body if rule is None else body[:rule]
        table["header"], *table["rows"] = split_columns(grid)
        if rule is not None:
            (total_line,) = body[rule + 1 :]
            spans = [(m.start(), m.end()) for m in re.finditer(r"-+", body[rule])]
            assert len(spans) == len(table["header"]), "the rule has a dash run per column"
            cells = [total_line.ljust(spans[-1][1])[a:b].strip() for a, b in spans]
            first_number = next(
                i
                for i, t in enumerate(table["header"])
                if BY_TITLE[name][t].kind in ("int", "decimal")
            )
            label = total_line[: spans[first_number][0]].strip()
            table["total"] = {
                "label": label,
                "cells": dict(zip(table["header"], cells, strict=True)),
            }
    return sections


def md_cells(line: str) -> list[str]:
    """The cells of a pipe-table row, unescaped (a backslash escapes the next character)."""
    assert line.startswith("|") and line.endswith("|"), line
    cells, cur, i = [], [], 1
    while i < len(line):
        ch = line[i]
        if ch == "\\" and i + 1 < len(line):
            cur.append(line[i + 1])
            i += 2
            continue
        if ch == "|":
            cells.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
        i += 1
    return cells


def parse_markdown(text: str) -> list[tuple[str, dict[str, dict[str, Any]]]]:
    sections: list[tuple[str, dict[str, dict[str, Any]]]] = []
    table: dict[str, Any] | None = None
    for line in text.splitlines():
        if line.startswith("## "):
            sections.append((line[3:], {}))
            table = None
        elif line.startswith("### "):
            title = line[4:]
            name = table_name(title)
            assert name is not None, title
            table = {"title": title, "header": [], "align": [], "rows": [], "total": None}
            sections[-1][1][name] = table
        elif line.startswith("|") and table is not None:
            cells = md_cells(line)
            if not table["header"]:
                table["header"] = cells
            elif not table["align"]:
                table["align"] = cells
            elif cells[0].startswith("**"):
                table["total"] = {
                    "label": cells[0].strip("*"),
                    "cells": {h: c.strip("*") for h, c in zip(table["header"], cells, strict=True)},
                }
            else:
                assert table["total"] is None, "the totals row is the last one"
                table["rows"].append(cells)
    return sections


def parse_csv(content: bytes) -> tuple[list[str], list[list[str]]]:
    assert not content.startswith(b"\xef\xbb\xbf"), "no byte order mark"
    assert content.endswith(b"\r\n")
    header, *rows = csv.reader(io.StringIO(content.decode("utf-8"), newline=""))
    return header, rows


# -- comparing -----------------------------------------------------------------------------


def assert_grid(name: str, header: list[str], rows: list[list[str]], want: dict, cell) -> None:
    """HEADER and ROWS of table NAME (parsed back) equal the JSON rows WANT; CELL(value,
    column) is how a value is printed."""
    columns = [BY_TITLE[name][t] for t in header]
    assert sorted(c.key for c in columns) == shown_keys(want["rows"]), (name, header)
    assert [c.key for c in columns] == [c.key for c in COLUMNS[name] if c in columns], "order"
    assert len(rows) == len(want["rows"]), name
    for printed, row in zip(rows, want["rows"], strict=True):
        assert printed == [cell(row.get(c.key), c) for c in columns], (name, row)


def assert_totals(name: str, table: dict, want: dict) -> None:
    totals = want["totals"]
    if totals is None or not want["rows"]:
        assert table["total"] is None, name
        return
    assert table["total"] is not None, f"{name} has a totals row"
    assert table["total"]["label"] == total_label(name, want["rows"], totals)
    for title, printed in table["total"]["cells"].items():
        key = BY_TITLE[name][title].key
        if key in TOTAL_KEYS:
            assert key in totals, (name, key)
            assert printed == str(totals[key]), (name, key)
        elif BY_TITLE[name][title].kind in ("int", "decimal"):
            assert printed == "", (name, key)


def text_cell(value: Any, column) -> str:
    text = one_decimal(value, column.kind)
    return text if column.kind in ("int", "decimal") else cut(text)


def md_cell(value: Any, column) -> str:
    return one_decimal(value, column.kind)


def assert_table_text_equals(text: str, result: dict[str, Any]) -> None:
    parsed = parse_table_text(text)
    expected = json_sections(result)
    assert len(parsed) == len(expected)
    by_path = {r["name"]: r for r in result["repositories"]}
    for (heading, tables), (title, want) in zip(parsed, expected, strict=True):
        if title == "combined":
            assert heading == "combined"
        else:
            repo = by_path[title]
            assert heading == f"{title} ({repo['path']}) at {repo['revision'][:12]}"
        assert list(tables) == list(want), "every table, in order"
        for name, table in tables.items():
            assert_grid(name, table["header"], table["rows"], want[name], text_cell)
            assert_totals(name, table, want[name])


def assert_markdown_equals(text: str, result: dict[str, Any], only: str | None = None) -> None:
    parsed = [s for s in parse_markdown(text) if s[0] != "Not analyzed"]
    expected = json_sections(result)
    assert [t for t, _ in parsed] == [t for t, _ in expected]
    for (_title, tables), (_t, want) in zip(parsed, expected, strict=True):
        names = [n for n in want if only is None or n == only]
        assert list(tables) == names
        for name in names:
            table = tables[name]
            if not want[name]["rows"]:
                assert table["header"] == []
                continue
            assert_grid(name, table["header"], table["rows"], want[name], md_cell)
            for title, align in zip(table["header"], table["align"], strict=True):
                numeric = BY_TITLE[name][title].kind in ("int", "decimal")
                assert align == ("---:" if numeric else "---"), (name, title)
            assert_totals(name, table, want[name])


def csv_cell(value: Any, column) -> Any:
    return value


def assert_csv_equals(content: bytes, result: dict[str, Any], name: str) -> None:
    """One CSV file: table NAME of every section, Repository first, numbers unrounded."""
    header, rows = parse_csv(content)
    assert header[0] == "Repository"
    columns = [BY_TITLE[name][t] for t in header[1:]]
    expected = [(t, tables[name]["rows"]) for t, tables in json_sections(result) if name in tables]
    keys = sorted({k for _, rows_ in expected for k in shown_keys(rows_)})
    assert sorted(c.key for c in columns) == keys, (name, header)
    want = [(t, row) for t, rows_ in expected for row in rows_]
    assert len(rows) == len(want), name
    for printed, (title, row) in zip(rows, want, strict=True):
        assert printed[0] == title
        for text, column in zip(printed[1:], columns, strict=True):
            value = row.get(column.key)
            if value is None:
                assert text == ""
            elif column.kind == "int":
                assert int(text) == value and isinstance(value, int)
            elif column.kind == "decimal":
                assert float(text) == value, "not rounded"
            elif column.kind == "list":
                assert text == "; ".join(value)
            else:
                assert text == value


# -- the tests -----------------------------------------------------------------------------


def test_table_equals_the_analysis(repo):
    out = render("table", repo)
    result = analysis(repo)
    assert out["format"] == "table" and out["errors"] == []
    text = out["content"]
    assert_table_text_equals(text, result)
    assert "\x1b" not in text
    assert not [line for line in text.splitlines() if line != line.rstrip()], "trailing spaces"
    assert text.endswith("\n") and not text.endswith("\n\n")
    # the long file name is cut, the rest of the table still aligned
    assert LONG_FILE[:59] + "…" in text and LONG_FILE not in text


def test_markdown_equals_the_analysis(repo):
    text = render("markdown", repo)["content"]
    result = analysis(repo)
    assert text.startswith("# Authorship: proj\n")
    assert_markdown_equals(text, result)
    (analyzed,) = result["repositories"]
    assert f"- Revision: `{analyzed['revision']}` (" in text
    assert "- Settings: the defaults" in text
    # markup in file names is escaped: literal in the rendered page
    assert "docs/a\\|b.txt" in text and "pkg/\\_\\_init\\_\\_.py" in text
    assert "## Not analyzed" not in text


def test_csv_files_equal_the_analysis(repo, tmp_path):
    out = render("csv", repo, output=str(tmp_path / "report.csv"))
    result = analysis(repo)
    names = [n for n in TABLE_NAMES if n != "timeline"]
    assert out["files"] == [str(tmp_path / f"report-{n}.csv") for n in names]
    for name in names:
        assert_csv_equals((tmp_path / f"report-{name}.csv").read_bytes(), result, name)


def test_csv_of_one_table(repo, tmp_path):
    result = analysis(repo)
    for name in ("files", "authors_files"):
        out = render("csv", repo, table=name, output=str(tmp_path / f"{name}.csv"))
        assert out["files"] == [str(tmp_path / f"{name}.csv")]
        assert_csv_equals((tmp_path / f"{name}.csv").read_bytes(), result, name)
    # without a file: the authors table, as text
    content = render("csv", repo)["content"]
    assert_csv_equals(content.encode(), result, "authors")


def test_markdown_of_one_table(repo):
    text = render("markdown", repo, table="files")["content"]
    assert_markdown_equals(text, analysis(repo), only="files")
    assert "### Authors" not in text and "### Files\n" in text


def test_json_is_the_analysis(repo):
    out = render("json", repo)
    result = json.loads(out["content"])
    want = analysis(repo)
    for r in (result, want):
        r.pop("performance_stats", None)
    assert result == want


def test_top_cuts_rows_but_not_totals(repo, tmp_path):
    settings = {"top": 2, "sort_by": "commits"}
    result = analysis(repo, **settings)
    (analyzed,) = result["repositories"]
    assert len(analyzed["authors"]) == 2 and analyzed["totals"]["authors"] == 3
    text = render("table", repo, **settings)["content"]
    assert_table_text_equals(text, result)
    assert "Total (all 3 authors)" in text
    assert f"Total (all {analyzed['totals']['files']} files)" in text
    md = render("markdown", repo, **settings)["content"]
    assert_markdown_equals(md, result)
    assert "**Total (all 3 authors)**" in md
    assert "`top`: 2" in md and "`sort_by`: commits" in md
    render("csv", repo, output=str(tmp_path / "top.csv"), **settings)
    assert_csv_equals((tmp_path / "top-authors.csv").read_bytes(), result, "authors")


def test_no_deletions_drops_the_column_in_every_format(repo, tmp_path):
    settings = {"deletions": False, "timeline": True}
    result = analysis(repo, **settings)
    text = render("table", repo, **settings)["content"]
    assert_table_text_equals(text, result)
    md = render("markdown", repo, **settings)["content"]
    assert_markdown_equals(md, result)
    out = render("csv", repo, output=str(tmp_path / "nodel") + os.sep, **settings)
    assert len(out["files"]) == 5
    for name in TABLE_NAMES:
        content = (tmp_path / "nodel" / f"{name}.csv").read_bytes()
        assert_csv_equals(content, result, name)
        assert "Deletions" not in parse_csv(content)[0]
    for name, table in parse_table_text(text)[0][1].items():
        assert "Deletions" not in table["header"], name
    for name, table in parse_markdown(md)[0][1].items():
        assert "Deletions" not in table["header"], name


def test_since_and_scaled_percentages_in_every_format(repo, tmp_path):
    settings = {"since": "2020-10-01", "scaled_percentages": True}
    result = analysis(repo, **settings)
    (analyzed,) = result["repositories"]
    assert analyzed["totals"]["lines_before_since"] > 0
    text = render("table", repo, **settings)["content"]
    assert_table_text_equals(text, result)
    files = parse_table_text(text)[0][1]["files"]
    assert files["total"]["cells"]["Lines before since"] == str(
        analyzed["totals"]["lines_before_since"]
    )
    md = render("markdown", repo, **settings)["content"]
    assert_markdown_equals(md, result)
    assert "`since`: 2020-10-01" in md
    render("csv", repo, output=str(tmp_path / "s.csv"), **settings)
    for name in ("authors", "files"):
        assert_csv_equals((tmp_path / f"s-{name}.csv").read_bytes(), result, name)


def test_timeline_in_every_format(repo, tmp_path):
    result = analysis(repo, timeline=True)
    (analyzed,) = result["repositories"]
    assert {r["period"] for r in analyzed["timeline"]["rows"]} == {"2020-09", "2020-10"}
    text = render("table", repo, timeline=True)["content"]
    assert_table_text_equals(text, result)
    assert "\nTimeline by month\nPeriod" in text
    md = render("markdown", repo, timeline=True)["content"]
    assert_markdown_equals(md, result)
    one = render("markdown", repo, timeline=True, table="timeline")["content"]
    assert_markdown_equals(one, result, only="timeline")
    out = render("csv", repo, timeline=True, output=str(tmp_path / "t.csv"))
    assert str(tmp_path / "t-timeline.csv") in out["files"]
    assert_csv_equals((tmp_path / "t-timeline.csv").read_bytes(), result, "timeline")


@pytest.mark.parametrize("combined", [False, True], ids=["separate", "combined"])
def test_two_repositories(repo, other, tmp_path, combined):
    settings = {"combined": combined}
    result = analysis(repo, other, **settings)
    titles = ["proj", "other"] + (["combined"] if combined else [])
    assert [t for t, _ in json_sections(result)] == titles
    text = render("table", repo, other, **settings)["content"]
    assert_table_text_equals(text, result)
    md = render("markdown", repo, other, **settings)["content"]
    assert md.startswith("# Authorship: proj, other\n")
    assert_markdown_equals(md, result)
    render("csv", repo, other, output=str(tmp_path / "two.csv"), **settings)
    for name in TABLE_NAMES[:4]:
        content = (tmp_path / f"two-{name}.csv").read_bytes()
        assert_csv_equals(content, result, name)
        assert [r[0] for r in parse_csv(content)[1]] == [
            t for t, tables in json_sections(result) for _ in tables[name]["rows"]
        ]


def test_colour_only_when_asked(repo):
    plain = render("table", repo, top=2)["content"]
    coloured = render("table", repo, top=2, colour=True)["content"]
    assert "\x1b" not in plain
    assert "\x1b[1mAuthors\x1b[0m" in coloured and "\x1b[2m--" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain
    assert not [ln for ln in coloured.splitlines() if re.search(r" (\x1b\[0m)?$", ln)]


def test_non_utf8_file_name_in_every_format(repo, tmp_path):
    name = LATIN1_FILE.decode("latin-1")  # café.txt
    (analyzed,) = analysis(repo)["repositories"]
    assert name in {f["path"] for f in analyzed["files"]}
    assert name in render("table", repo)["content"]
    assert f"| {name} |" in render("markdown", repo)["content"]
    render("csv", repo, output=str(tmp_path / "c.csv"))
    content = (tmp_path / "c-files.csv").read_bytes()
    assert name in [r[1] for r in parse_csv(content)[1]]


def test_errors_in_markdown_not_in_the_table(repo, tmp_path):
    missing = tmp_path / "missing"
    out = render("table", repo, missing)
    assert [e["path"] for e in out["errors"]] == [str(missing)]
    assert str(missing) not in out["content"]
    assert_table_text_equals(out["content"], analysis(repo, missing))
    md = render("markdown", repo, missing)["content"]
    last = re.sub(r"\\(.)", r"\1", md.rstrip().splitlines()[-1])  # unescaped
    assert last.startswith(f"- {missing}: not a git repository")
    assert "\n## Not analyzed\n" in md


def test_csv_text_is_never_a_formula(tmp_path: Path) -> None:
    r = GitRepo(tmp_path / "inj")
    r.commit("add", ('=HYPERLINK("x")', "evil@example.com"), {"=cmd.txt": "x\n", "ok.txt": "y\n"})
    out = api.render_report({"input_fstrs": [str(r.root)], "format": "csv", "table": "files"})
    rows = list(csv.reader(io.StringIO(out["content"])))
    paths = [row[1] for row in rows[1:]]
    assert "'=cmd.txt" in paths and "ok.txt" in paths
    authors = api.render_report({"input_fstrs": [str(r.root)], "format": "csv"})["content"]
    assert "'=HYPERLINK" in authors and "\n=HYPERLINK" not in authors

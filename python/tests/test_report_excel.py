"""The Excel report, read back with openpyxl sheet by sheet: the summary, every table
against ``execute_analysis`` with the same settings (totals too), the blame sheets against
plain ``git blame`` with the authors' colours by rank, text that looks like a formula kept
as text, sheet names of several repositories, and a blame sheet of 20,000 lines."""

from __future__ import annotations

import datetime
import re
import time
from io import BytesIO
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from support.gitrepo import ALICE, BOB, CAROL, GitRepo, numbered, run_git
from support.oracle import blame_lines

from gigui import api
from gigui.report.excel import SheetNames, blame_sheet_name, render_excel
from gigui.report.model import (
    COLUMNS,
    OTHER_LIGHT,
    PALETTE_LIGHT,
    BlameFile,
    BlameLine,
    Report,
    Section,
    Table,
    iso,
)

#: The settings of the main report: renames shown, empty lines not counted (the blame
#: sheet marks them).
SETTINGS: dict[str, Any] = {"show_renames": True, "empty_lines": False}
HOSTILE = (
    '=HYPERLINK("http://example.com/x","click me")\n'
    "+1+1\n"
    "-2\n"
    "@SUM(A1:A2)\n"
    "http://example.com/\n"
    "0123\n"
)
TABLE_SHEETS = {
    "authors": "Authors",
    "files": "Files",
    "authors_files": "Authors×files",
    "files_authors": "Files×authors",
    "timeline": "Timeline",
}
FORBIDDEN = set("[]:*?/\\")
#: The Summary's description of each table's sheet.
DESCRIPTIONS = {
    "authors": "Authors",
    "files": "Files",
    "authors_files": "Authors × files",
    "files_authors": "Files × authors",
}


def build_project(root: Path) -> GitRepo:
    """Three authors (Alice most lines, then Bob, then Carol), a rename with changes, a file
    whose name starts with "=" holding formula-looking lines, an empty line."""
    r = GitRepo(root)
    r.commit(
        "start",
        ALICE,
        {"src/app.py": numbered("app", 20), "=evil.txt": HOSTILE, "notes.md": numbered("n", 2)},
    )
    r.git("mv", "src/app.py", "src/main.py")
    r.commit(
        "rename app to main", BOB, {"src/main.py": numbered("app", 20) + "\n" + numbered("bob", 6)}
    )
    r.commit("library", CAROL, {"lib.py": numbered("carol", 4), "notes.md": "n line 1\nchanged\n"})
    return r


def render(tmp: Path, inputs: list[Path], **settings: Any) -> tuple[Any, dict[str, Any]]:
    """The Excel report of INPUTS (read back) and the analysis with the same settings."""
    out = tmp / "r.xlsx"
    request = {"input_fstrs": [str(p) for p in inputs], **settings}
    done = api.render_report({**request, "format": "excel", "output": str(out), "blame_top": 3})
    assert done["files"] == [str(out)]
    return openpyxl.load_workbook(out), api.execute_analysis(request)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_project(tmp_path_factory.mktemp("excel") / "proj").root


@pytest.fixture(scope="module")
def rendered(project: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict]:
    return render(tmp_path_factory.mktemp("out"), [project], **SETTINGS)


# -- reading the workbook back -------------------------------------------------------------


def summary_sections(ws: Worksheet) -> list[tuple[str, dict[str, Any]]]:
    """The Summary's sections in order: per heading, its (label, value) pairs and its
    sheets (description -> the linked sheet)."""
    sections: list[tuple[str, dict[str, Any]]] = []
    for a, b, c in ws.iter_rows(min_row=3, max_col=3):
        if a.value is None and b.value is None:
            continue
        if a.font.b and a.border.bottom.style:  # a heading
            sections.append((a.value, {"pairs": [], "sheets": {}}))
        elif a.value == "Sheet":
            assert b.hyperlink is not None and b.hyperlink.location == f"'{b.value}'!A1"
            sections[-1][1]["sheets"][c.value] = b.value
        else:
            sections[-1][1]["pairs"].append((a.value, b.value))
    return sections


def expected_cell(value: Any) -> Any:
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return value


def check_table(ws: Worksheet, name: str, rows: list[dict], totals: dict | None) -> list[str]:
    """WS shows ROWS (and TOTALS) of table NAME; returns the keys of its columns."""
    by_title = {c.title: c for c in COLUMNS[name]}
    values = [list(r) for r in ws.iter_rows()]
    titles = [c.value for c in values[0]]
    assert all(c.font.b for c in values[0])
    columns = [by_title[t] for t in titles]
    keys = [c.key for c in columns]
    assert keys == [c.key for c in COLUMNS[name] if c.key in keys], "the model's order"
    present = set().union(*(r.keys() for r in rows)) if rows else set()
    assert set(keys) <= present
    assert present & {c.key for c in COLUMNS[name]} - {"names", "emails"} <= set(keys)
    assert len(values) == 1 + len(rows) + (1 if totals is not None else 0)
    for row, cells in zip(rows, values[1:], strict=False):
        for col, cell in zip(columns, cells, strict=True):
            want = expected_cell(row.get(col.key))
            if isinstance(want, float) or col.kind == "decimal":
                assert cell.value == pytest.approx(want, rel=1e-12), (name, col.key)
                assert cell.data_type == "n"
                assert cell.number_format == "0.0"
            elif isinstance(want, int):
                assert cell.value == want and isinstance(cell.value, int), (name, col.key)
            else:
                assert cell.value == want, (name, col.key)
                assert want is None or cell.data_type == "s"
    if totals is not None:
        last = values[-1]
        assert last[0].value == "Total"
        assert all(c.font.b for c in last)
        for col, cell in zip(columns[1:], last[1:], strict=True):
            assert cell.value == totals.get(col.key), (name, col.key)
    assert ws.auto_filter.ref == f"A1:{get_column_letter(len(titles))}{len(rows) + 1}"
    return keys


def cells(wb: Any):
    for ws in wb:
        for row in ws.iter_rows():
            yield from row


# -- the one-repository report -------------------------------------------------------------


def test_summary_names_the_repository_settings_and_sheets(rendered, project: Path) -> None:
    wb, result = rendered
    assert wb.sheetnames[0] == "Summary"
    ws = wb["Summary"]
    assert ws["A1"].value == "Authorship: proj"
    assert ws["A2"].value == "Generated"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", ws["B2"].value)
    sections = dict(summary_sections(ws))
    assert list(sections) == ["proj", "Settings"]
    (repo,) = result["repositories"]
    head_time = int(run_git(project, "log", "-1", "--format=%ct"))
    assert sections["proj"]["pairs"] == [
        ("Path", str(project)),
        ("Revision", run_git(project, "rev-parse", "HEAD").strip()),
        ("Revision date", iso(head_time)),
    ]
    assert sections["Settings"]["pairs"] == [("empty_lines", "no"), ("show_renames", "yes")]
    sheets = sections["proj"]["sheets"]
    assert list(sheets.values()) == wb.sheetnames[1:]
    top = sorted(repo["files"], key=lambda f: (-f["lines"], f["path"]))[:3]
    assert list(sheets) == ["Authors", "Files", "Authors × files", "Files × authors"] + [
        f"Blame of {f['path']}" for f in top
    ]
    assert "Could not be analyzed" not in {c.value for c in cells(wb)}


def test_every_table_sheet_equals_the_analysis(rendered) -> None:
    wb, result = rendered
    (repo,) = result["repositories"]
    for name in ("authors", "files", "authors_files", "files_authors"):
        totals = repo["totals"] if name in ("authors", "files") else None
        keys = check_table(wb[TABLE_SHEETS[name]], name, repo[name], totals)
        assert "deletions" in keys
    assert "renamed_from" in check_table(wb["Files"], "files", repo["files"], repo["totals"])
    main = next(r for r in wb["Files"].iter_rows(values_only=True) if r[0] == "src/main.py")
    assert "src/app.py" in main


def test_table_sheets_filter_and_freeze_the_header(rendered) -> None:
    wb, _ = rendered
    for name in ("authors", "files", "authors_files", "files_authors"):
        ws = wb[TABLE_SHEETS[name]]
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
        assert ws.freeze_panes == "B2", "wide tables keep their first column in view"
        widths = [ws.column_dimensions[get_column_letter(i)].width for i in range(1, 4)]
        assert all(6 <= w <= 61 for w in widths)


def test_blame_sheets_equal_git_blame_in_the_authors_colours(rendered, project: Path) -> None:
    wb, result = rendered
    (repo,) = result["repositories"]
    sheets = dict(summary_sections(wb["Summary"]))["proj"]["sheets"]
    ranked = sorted(repo["authors"], key=lambda a: (-a["lines"], a["name"]))
    assert [a["name"] for a in ranked] == ["Alice", "Bob", "Carol"]
    colour = {(a["name"], a["email"]): PALETTE_LIGHT[i] for i, a in enumerate(ranked)}
    blamed = [d.removeprefix("Blame of ") for d in sheets if d.startswith("Blame of ")]
    assert blamed == ["src/main.py", "=evil.txt", "lib.py"]
    excluded_seen = 0
    for path in blamed:
        ws = wb[sheets[f"Blame of {path}"]]
        rows = [list(r) for r in ws.iter_rows()]
        header = [c.value for c in rows[0]]
        assert header == ["Line", "Author", "Date (UTC)", "Commit", "Code", "Not counted"]
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:F{len(rows)}"
        expected = blame_lines(project, path)
        text = run_git(project, "show", f"HEAD:{path}").splitlines()
        assert len(rows) - 1 == len(expected) == len(text)
        for n, (cells_, (sha, name, email), code) in enumerate(
            zip(rows[1:], expected, text, strict=True), start=1
        ):
            number, author, date, commit, shown, reason = cells_
            assert number.value == n
            assert author.value == name
            assert sha.startswith(commit.value) and len(commit.value) >= 7
            when = int(run_git(project, "log", "-1", "--format=%at", sha))
            assert date.value == datetime.datetime.fromtimestamp(when, datetime.UTC).replace(
                tzinfo=None
            )
            assert (shown.value or "") == code
            assert shown.value is None or shown.data_type == "s"
            fill = author.fill.fgColor.rgb
            assert fill == "FF" + colour[(name, email)].lstrip("#").upper()
            if code.strip():
                assert reason.value is None and not shown.font.i
            else:
                excluded_seen += 1
                assert "empty line" in reason.value
                assert shown.font.i and reason.font.i and number.font.i
                assert number.font.color.rgb == "FF808080"
    assert excluded_seen == 1


def test_formula_looking_text_stays_text(rendered) -> None:
    wb, _ = rendered
    formula_like = [c for c in cells(wb) if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    values = {c.value for c in formula_like}
    assert "=evil.txt" in values
    assert set(HOSTILE.splitlines()[:4]) <= values
    assert all(c.data_type == "s" for c in formula_like)
    assert not any(c.data_type == "f" for c in cells(wb))
    blame = wb["Blame =evil.txt"]
    assert [c.value for c in blame["E"][1:]] == HOSTILE.splitlines()
    assert blame["E7"].value == "0123" and blame["E7"].data_type == "s"
    for ws in wb.worksheets[1:]:
        assert not any(c.hyperlink for row in ws.iter_rows() for c in row), ws.title


# -- settings and several repositories -----------------------------------------------------


def test_without_deletions_no_sheet_has_the_column(project: Path, tmp_path: Path) -> None:
    wb, result = render(tmp_path, [project], deletions=False)
    (repo,) = result["repositories"]
    for name in ("authors", "files", "authors_files", "files_authors"):
        totals = repo["totals"] if name in ("authors", "files") else None
        keys = check_table(wb[TABLE_SHEETS[name]], name, repo[name], totals)
        assert "deletions" not in keys
    assert "Deletions" not in {c.value for c in cells(wb)}


def test_timeline_adds_its_sheet(project: Path, tmp_path: Path) -> None:
    wb, result = render(tmp_path, [project], timeline=True, timeline_period="week")
    (repo,) = result["repositories"]
    assert "Timeline" in wb.sheetnames
    assert wb.sheetnames.index("Timeline") == wb.sheetnames.index("Files×authors") + 1
    ws = wb["Timeline"]
    check_table(ws, "timeline", repo["timeline"]["rows"], None)
    assert ws.freeze_panes == "A2"
    sheets = dict(summary_sections(wb["Summary"]))["proj"]["sheets"]
    assert sheets["Timeline by week"] == "Timeline"


def test_several_repositories_prefix_unique_sheet_names(project: Path, tmp_path: Path) -> None:
    same_name = build_project(tmp_path / "elsewhere" / "proj").root
    long_name = tmp_path / "a-repository-whose-name-is-far-too-long-for-a-sheet"
    build_project(long_name)
    missing = tmp_path / "missing"
    wb, result = render(tmp_path, [project, same_name, long_name, missing], combined=True)
    names = wb.sheetnames
    assert len({n.casefold() for n in names}) == len(names)
    for n in names:
        assert len(n.encode("utf-16-le")) // 2 <= 31 and not FORBIDDEN & set(n), n
        assert not n.startswith("'") and not n.endswith("'")
    sections = summary_sections(wb["Summary"])
    repos = [*result["repositories"], result["combined"]]
    titles = [r["name"] for r in result["repositories"]] + ["combined"]
    assert [t for t, _ in sections] == [*titles, "Settings", "Could not be analyzed"]
    prefixes = []
    for (_title, section), repo in zip(sections, repos, strict=False):
        sheets = section["sheets"]
        prefix = sheets["Authors"].removesuffix(" authors")
        prefixes.append(prefix)
        assert sheets["Authors"] == f"{prefix} authors"
        assert sheets["Files"] == f"{prefix} files"
        assert sheets["Authors × files"] == f"{prefix} authors×files"
        assert sheets["Files × authors"] == f"{prefix} files×authors"
        for name, desc in DESCRIPTIONS.items():
            totals = repo["totals"] if name in ("authors", "files") else None
            check_table(wb[sheets[desc]], name, repo[name], totals)
        blamed = [sheet for desc, sheet in sheets.items() if desc.startswith("Blame of ")]
        assert len(blamed) == (0 if repo is result["combined"] else 3)
        assert all(b.startswith(prefix[:5]) and " blame " in b for b in blamed)
    assert prefixes[:2] == ["proj", "proj (2)"]
    assert prefixes[2].startswith("a-repo") and prefixes[2].endswith("sheet")
    assert prefixes[3] == "combined"
    errors = sections[-1][1]["pairs"]
    assert [p for p, _ in errors] == [str(missing)]
    assert "not a git repository" in errors[0][1]


def test_same_named_repositories_get_distinct_prefixes(tmp_path: Path) -> None:
    one = build_project(tmp_path / "a" / "proj").root
    two = build_project(tmp_path / "b" / "proj").root
    wb, result = render(tmp_path, [one, two])
    assert [r["name"] for r in result["repositories"]] == ["proj", "proj"]
    authors = [n for n in wb.sheetnames if n.endswith(" authors")]
    assert authors == ["proj authors", "proj (2) authors"]


# -- sheet names and size --------------------------------------------------------------------


@pytest.mark.parametrize(
    "asked",
    [
        "a/b:c*d?e[f]g\\h",
        "'quoted'",
        "x" * 40,
        "😀" * 20,
        "History",
        "",
        "tab\there",
    ],
)
def test_sheet_names_excel_accepts(asked: str) -> None:
    names = SheetNames()
    first, second = names.claim(asked), names.claim(asked.upper())
    assert first.casefold() != second.casefold()
    wb = xlsxwriter.Workbook(BytesIO(), {"in_memory": True})
    wb.add_worksheet(first)
    wb.add_worksheet(second)  # raises on a name Excel refuses
    wb.close()
    for n in (first, second):
        assert len(n.encode("utf-16-le")) // 2 <= 31
        assert not FORBIDDEN & set(n) and n.casefold() != "history"


@pytest.mark.parametrize("prefix", ["", "proj", "a-repository-with-a-long-name"])
def test_a_long_file_name_keeps_its_extension(prefix: str) -> None:
    name = SheetNames().claim(blame_sheet_name(prefix, "src/" + "a_long_module_name_" * 3 + ".py"))
    assert name.endswith(".py") and len(name) <= 31
    lead = prefix[: 8 - 1] + "… blame " if len(prefix) > 8 else f"{prefix} blame "
    assert name.startswith(lead + "a_long" if prefix else "Blame a_long")


def test_blamed_files_of_the_same_name_are_told_apart_by_their_folder() -> None:
    lines = [BlameLine(1, "a" * 40, "Ann", "ann@x.org", iso(1_600_000_000), 0.0, "x")]
    paths = ["src/flask/app.py", "src/flask/sansio/app.py", "docs/app.py", "setup.py"]
    section = Section(
        "proj", "/proj", "f" * 40, "", [], [], {}, [BlameFile(p, lines) for p in paths]
    )
    wb = openpyxl.load_workbook(BytesIO(render_excel(Report("t", "", [], [section], []))))
    assert wb.sheetnames == [
        "Summary",
        "Blame app.py (flask)",
        "Blame app.py (sansio)",
        "Blame app.py (docs)",
        "Blame setup.py",
    ]


def test_a_table_without_rows_says_so() -> None:
    table = Table("authors", "Authors", [], [], {"lines": 0, "commits": 0})
    section = Section("empty", "/empty", "f" * 40, "", [], [table])
    wb = openpyxl.load_workbook(BytesIO(render_excel(Report("t", "", [], [section], []))))
    assert [[c.value for c in r] for r in wb["Authors"].iter_rows()] == [["(no rows)"]]


def test_a_blame_sheet_of_20000_lines(tmp_path: Path) -> None:
    people = [("Ann", "ann@x.org"), ("Ben", "ben@x.org"), ("Cy", "cy@x.org")]
    lines = [
        BlameLine(
            number=i,
            sha=f"{i % 97:040x}",
            author=people[i % 3][0],
            email=people[i % 3][1],
            date=iso(1_600_000_000 + i),
            age_days=1.0,
            text=f"=line({i})" if i % 10 == 0 else f"    value_{i} = {i}  # code",
            excluded="comment line (comments=false)" if i % 7 == 0 else "",
        )
        for i in range(1, 20_001)
    ]
    section = Section(
        title="big",
        path="/big",
        revision="f" * 40,
        revision_date=iso(1_600_100_000),
        warnings=["a warning"],
        tables=[],
        colours={people[0]: 0, people[1]: 1},
        blame=[BlameFile("src/big.py", lines)],
    )
    report = Report("Authorship: big", iso(1_600_200_000), [], [section], [])
    start = time.perf_counter()
    data = render_excel(report)
    took = time.perf_counter() - start
    assert took < 20, took
    assert data == render_excel(report), "the same report gives the same bytes"
    wb = openpyxl.load_workbook(BytesIO(data))
    ws = wb["Blame big.py"]
    assert ws.max_row == 20_001
    assert ws.auto_filter.ref == "A1:F20001"
    row = [c for c in ws[10]]
    assert [c.value for c in row[:2]] == [9, "Ann"]
    assert row[1].fill.fgColor.rgb == "FF" + PALETTE_LIGHT[0][1:].upper()
    ten = ws[11]
    assert ten[4].value == "=line(10)" and ten[4].data_type == "s"
    assert ten[1].fill.fgColor.rgb == "FF" + PALETTE_LIGHT[1][1:].upper()
    other = ws[12]
    assert other[1].value == "Cy" and other[1].fill.fgColor.rgb == "FF" + OTHER_LIGHT[1:].upper()
    seventh = ws[8]
    assert seventh[5].value.startswith("comment line") and seventh[4].font.i
    assert ("Warning", "a warning") in dict(summary_sections(wb["Summary"]))["big"]["pairs"]

"""`analyze` prints, as tables, what `analyze --format json` returns: every table of every
repository, every column the rows have, each value under its own title, and under the
authors and files tables the totals; the paths that failed go to stderr and set the exit
status."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from support.cli import run_cli
from support.gitrepo import GitRepo, numbered

ANN = ("Ann Lee", "ann@example.com")
BOB = ("Bob", "bob@example.com")
BOB_WORK = ("Bob", "bob@work.example")  # the same person (same name), another email
CAROL = ("Carol", "carol@example.com")

#: Table title -> the key of its rows in a repository of the JSON result.
TABLES = {
    "Authors": "authors",
    "Files": "files",
    "Authors × files": "authors_files",
    "Files × authors": "files_authors",
}

#: Column title -> row key, per table (the timeline's under "Timeline").
COLUMNS = {
    "authors": {
        "Author": "name",
        "Email": "email",
        "Commits": "commits",
        "Insertions": "insertions",
        "Insertions %": "insertions_pct",
        "Scaled ins. %": "scaled_insertions_pct",
        "Deletions": "deletions",
        "Lines": "lines",
        "Lines %": "lines_pct",
        "Scaled lines %": "scaled_lines_pct",
        "Stability": "stability",
        "Age (days)": "age",
        "Files": "files",
        "Names": "names",
        "Emails": "emails",
    },
    "files": {
        "File": "path",
        "Lines": "lines",
        "Lines %": "lines_pct",
        "Lines before since": "lines_before_since",
        "Commits": "commits",
        "Insertions": "insertions",
        "Insertions %": "insertions_pct",
        "Deletions": "deletions",
        "Stability": "stability",
        "Age (days)": "age",
        "Authors": "authors",
        "Top author": "top_author",
        "Renamed from": "renamed_from",
    },
    "authors_files": {
        "Author": "author",
        "Email": "email",
        "File": "path",
        "Lines": "lines",
        "% of file": "lines_pct",
        "Commits": "commits",
        "Insertions": "insertions",
        "Deletions": "deletions",
        "Stability": "stability",
    },
    "timeline": {
        "Period": "period",
        "Author": "author",
        "Email": "email",
        "Commits": "commits",
        "Insertions": "insertions",
        "Deletions": "deletions",
    },
}
COLUMNS["files_authors"] = COLUMNS["authors_files"]

#: Printed with one decimal.
DECIMAL = {
    "lines_pct",
    "insertions_pct",
    "scaled_lines_pct",
    "scaled_insertions_pct",
    "stability",
    "age",
}
#: Text columns (left-aligned; a totals row's label spans those before the first number).
TEXT = {
    "name",
    "email",
    "names",
    "emails",
    "path",
    "top_author",
    "renamed_from",
    "author",
    "period",
}
#: The totals a totals row shows, under the column of the same key.
TOTALS = ("lines", "lines_before_since", "commits", "insertions", "deletions")
#: The key of a parsed totals row's label.
LABEL = ""
#: Columns every table shows whatever the flags; the others follow the flags.
OPTIONAL = {
    "deletions",
    "scaled_lines_pct",
    "scaled_insertions_pct",
    "names",
    "emails",
    "renamed_from",
    "lines_before_since",
}


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """Three authors (one with two emails), five files (one renamed, one with a space in its
    name), insertions and deletions, commits in two months."""
    r = GitRepo(tmp_path_factory.mktemp("output") / "proj")
    r.commit(
        "start",
        ANN,
        {
            "src/app.py": numbered("app", 12),
            "README.md": numbered("readme", 4),
            "notes/old name.txt": numbered("note", 5),
        },
    )
    r.commit("bob edits", BOB, {"src/app.py": numbered("app", 8) + numbered("bob", 6)})
    r.git("mv", "notes/old name.txt", "notes/new name.txt")
    r.commit("rename notes", CAROL, {"lib/util.c": numbered("util", 7)})
    r.clock += 40 * 86_400  # the next commits in another month
    r.commit("carol tweaks", CAROL, {"README.md": numbered("readme", 2) + "carol\n"})
    r.commit("ann again", ANN, {"lib/extra.c": numbered("extra", 3), "lib/util.c": "x\n"})
    r.commit("bob from work", BOB_WORK, {"lib/extra.c": numbered("extra", 3) + "bob\n"})
    return r.root


def analyze(daemon_bin, env, *args: str):
    return run_cli(daemon_bin, "analyze", *args, env=env)


def analyze_both(daemon_bin, env, repo: Path, *flags: str) -> tuple[dict, str]:
    """The JSON result and the printed tables of the same analysis."""
    as_json = analyze(daemon_bin, env, str(repo), "--format", "json", *flags)
    assert as_json.returncode == 0, as_json.stderr
    as_table = analyze(daemon_bin, env, str(repo), *flags)
    assert as_table.returncode == 0, as_table.stderr
    assert problems(as_table.stderr) == []
    return json.loads(as_json.stdout), as_table.stdout


def problems(stderr: str) -> list[str]:
    """STDERR's lines but the one saying the run started from saved state (a later run on
    the same repository does)."""
    return [ln for ln in stderr.splitlines() if "started from the analysis state" not in ln]


def blocks(stdout: str) -> list[list[str]]:
    """The printed blocks (runs of lines between blank lines)."""
    out: list[list[str]] = [[]]
    for line in stdout.splitlines():
        if line.strip():
            out[-1].append(line)
        elif out[-1]:
            out.append([])
    return [b for b in out if b]


def split_columns(lines: list[str]) -> list[list[str]]:
    """Cells of a table printed with space padding: a column boundary is a run of two or
    more character positions blank on every line (header and rows), or a blank edge; a
    single blank position is inside a column ("Lines %")."""
    width = max(len(line) for line in lines)
    padded = [line.ljust(width) for line in lines]
    blank = [all(line[i] == " " for line in padded) for i in range(width)]
    boundary = [False] * width
    i = 0
    while i < width:
        j = i
        while j < width and blank[j]:
            j += 1
        if j - i >= 2 or (j > i and (i == 0 or j == width)):
            boundary[i:j] = [True] * (j - i)
        i = max(j, i + 1)
    spans: list[tuple[int, int]] = []
    for i in range(width):
        if boundary[i]:
            continue
        if spans and spans[-1][1] == i:
            spans[-1] = (spans[-1][0], i + 1)
        else:
            spans.append((i, i + 1))
    return [[line[a:b].strip() for a, b in spans] for line in padded]


def is_rule(line: str) -> bool:
    """The rule above a totals row: runs of dashes, one per column."""
    return "-" in line and set(line) <= {"-", " "}


def parse_total(name: str, rule: str, line: str, header: list[str]) -> dict[str, str]:
    """The totals row under RULE: its label (over the text columns before the first number)
    and the text under each column's dashes, by column title."""
    spans = [(m.start(), m.end()) for m in re.finditer(r"-+", rule)]
    assert len(spans) == len(header), (name, rule)
    first_number = next(
        (i for i, h in enumerate(header) if COLUMNS[name][h] not in TEXT), len(header)
    )
    padded = line.ljust(spans[-1][1])
    total = {h: padded[a:b].strip() for h, (a, b) in zip(header, spans, strict=True)}
    total[LABEL] = line[: spans[max(first_number, 1) - 1][1]].strip()
    return total


def parse_tables(
    block_list: list[list[str]],
) -> list[tuple[str, list[str], list[list[str]], dict[str, str] | None]]:
    """(title, column titles, rows, totals row or None) of every table among BLOCKS; the
    rule and the totals row under the authors and files tables are not rows."""
    tables = []
    for block in block_list:
        title, *body = block
        if title in TABLES or title.startswith("Timeline by "):
            if body == ["(none)"]:
                tables.append((title, [], [], None))
                continue
            rule = next((i for i, line in enumerate(body) if is_rule(line)), None)
            header, *rows = split_columns(body if rule is None else body[:rule])
            total = None
            if rule is not None:
                (line,) = body[rule + 1 :]
                total = parse_total(TABLES.get(title, "timeline"), body[rule], line, header)
            tables.append((title, header, rows, total))
    return tables


def shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def assert_table_equals_rows(title: str, key: str, header: list[str], rows, expected) -> None:
    columns = COLUMNS[key]
    assert all(h in columns for h in header), (title, header)
    keys = [columns[h] for h in header]
    assert len(set(keys)) == len(keys), (title, header)
    present = {k for row in expected for k in row}
    # every known column whose key the rows have is printed (names and emails only with
    # renames, and when some author has more than one)
    for column_title, k in columns.items():
        if k in present and k not in {"names", "emails"}:
            assert column_title in header, (title, column_title)
    assert len(rows) == len(expected), title
    for printed, row in zip(rows, expected, strict=True):
        want = [f"{row[k]:.1f}" if k in DECIMAL else shown(row.get(k)) for k in keys]
        assert printed == want, (title, header)


def assert_totals_equal_json(key: str, header, rows, total, repo: dict) -> None:
    """Under the authors and files tables, a totals row: the JSON totals (which cover every
    author and file, also those `--top` cut), labelled "Total (all N authors)" then."""
    if key not in ("authors", "files") or not rows:
        assert total is None, key
        return
    assert total is not None, f"{key}: a totals row"
    totals = repo["totals"]
    count = totals[key]
    assert total[LABEL] == (f"Total (all {count} {key})" if len(rows) < count else "Total")
    for title in header:
        k = COLUMNS[key][title]
        if k in TOTALS and k in totals:
            assert total[title] == str(totals[k]), (key, title)
        elif k not in TEXT:
            assert total[title] == "", (key, title)


def assert_output_equals_json(stdout: str, result: dict) -> dict[str, list[str]]:
    """Every repository's tables, in order, equal its JSON rows; returns the headers of the
    (single) repository's tables, by table key."""
    printed = blocks(stdout)
    expected_titles = []
    repos = list(result["repositories"])
    if result.get("combined"):
        repos.append(result["combined"])
    for repo in repos:
        expected_titles += [t for t, k in TABLES.items() if k in repo]
        if repo.get("timeline"):
            expected_titles.append(f"Timeline by {repo['timeline']['period']}")
    tables = parse_tables(printed)
    assert [t for t, _, _, _ in tables] == expected_titles

    headers: dict[str, list[str]] = {}
    it = iter(tables)
    for repo in repos:
        for title, key in TABLES.items():
            if key not in repo:
                continue
            t_title, header, rows, total = next(it)
            assert t_title == title
            assert_table_equals_rows(title, key, header, rows, repo[key])
            assert_totals_equal_json(key, header, rows, total, repo)
            headers[key] = header
        if repo.get("timeline"):
            t_title, header, rows, total = next(it)
            assert_table_equals_rows(t_title, "timeline", header, rows, repo["timeline"]["rows"])
            assert total is None
            headers["timeline"] = header
    return headers


def test_every_table_prints_the_json_rows(daemon_bin, isolated_env, repo):
    result, stdout = analyze_both(daemon_bin, isolated_env, repo)
    (analyzed,) = result["repositories"]
    assert stdout.splitlines()[0].startswith(f"{analyzed['name']} ({analyzed['path']}) at ")
    headers = assert_output_equals_json(stdout, result)
    assert set(headers) == set(TABLES.values()), "the four tables are printed"
    assert "\x1b" not in stdout, "no colour when stdout is not a terminal"
    assert [line for line in stdout.splitlines() if line != line.rstrip()] == []
    assert "\nTotal  " in stdout
    assert {r["name"] for r in analyzed["authors"]} == {ANN[0], BOB[0], CAROL[0]}
    assert "Deletions" in headers["authors"] and "Deletions" in headers["files"]
    assert not any("Scaled" in h for h in headers["authors"])
    assert "Renamed from" not in headers["files"]
    assert "Names" not in headers["authors"] and "Emails" not in headers["authors"]


@pytest.mark.parametrize(
    "flags",
    [
        ["--sort-by", "commits", "--top", "2"],
        ["--show-renames"],
        ["--timeline", "--period", "month"],
        ["--since", "2020-09-14", "--no-deletions", "--scaled-percentages"],
        ["--combined"],
        ["--files"],  # accepted, no effect
    ],
    ids=lambda flags: " ".join(flags),
)
def test_tables_equal_json_under_flags(daemon_bin, isolated_env, repo, flags):
    result, stdout = analyze_both(daemon_bin, isolated_env, repo, *flags)
    headers = assert_output_equals_json(stdout, result)
    if "--show-renames" in flags:
        # Bob's two emails are shown; every author has one name: no names column
        assert "Renamed from" in headers["files"] and "Emails" in headers["authors"]
        assert "Names" not in headers["authors"]
        (analyzed,) = result["repositories"]
        renamed = {f["path"]: f["renamed_from"] for f in analyzed["files"]}
        assert renamed["notes/new name.txt"] == ["notes/old name.txt"]
        bob = next(a for a in analyzed["authors"] if a["name"] == BOB[0])
        assert sorted(bob["emails"]) == [BOB[1], BOB_WORK[1]]
    if "--timeline" in flags:
        assert headers["timeline"][:3] == ["Period", "Author", "Email"]
    if "--top" in flags:
        assert "\nTotal (all 3 authors)  " in stdout
    if "--combined" in flags:
        assert result["combined"] and "\ncombined\n\nAuthors\n" in stdout


def test_no_deletions_drops_the_deletions_columns(daemon_bin, isolated_env, repo):
    result, stdout = analyze_both(daemon_bin, isolated_env, repo, "--no-deletions")
    headers = assert_output_equals_json(stdout, result)
    for key, header in headers.items():
        assert "Deletions" not in header, key
    assert "Insertions" in headers["authors"]


def test_scaled_percentages_add_their_columns(daemon_bin, isolated_env, repo):
    result, stdout = analyze_both(daemon_bin, isolated_env, repo, "--scaled-percentages")
    headers = assert_output_equals_json(stdout, result)
    assert "Scaled lines %" in headers["authors"]
    assert "Scaled ins. %" in headers["authors"]
    (analyzed,) = result["repositories"]
    n = len(analyzed["authors"])
    for row in analyzed["authors"]:
        assert row["scaled_lines_pct"] == pytest.approx(row["lines_pct"] * n)


def test_csv_and_markdown_print_the_json_rows(daemon_bin, isolated_env, repo):
    result, _ = analyze_both(daemon_bin, isolated_env, repo)
    (analyzed,) = result["repositories"]
    as_csv = analyze(daemon_bin, isolated_env, str(repo), "--format", "csv", "--table", "files")
    assert as_csv.returncode == 0, as_csv.stderr
    header, *rows = csv.reader(io.StringIO(as_csv.stdout, newline=""))
    assert header[:2] == ["Repository", "File"]
    keys = [COLUMNS["files"][h] for h in header[1:]]
    for printed, row in zip(rows, analyzed["files"], strict=True):
        assert printed[0] == analyzed["name"]
        for text, k in zip(printed[1:], keys, strict=True):
            if isinstance(row[k], float):
                assert float(text) == row[k], "numbers are not rounded"
            else:
                assert text == shown(row[k]).replace(", ", "; "), k
    as_md = analyze(daemon_bin, isolated_env, str(repo), "--format", "markdown")
    assert as_md.returncode == 0, as_md.stderr
    lines = as_md.stdout.splitlines()
    start = lines.index("### Authors") + 2
    assert lines[start].startswith("| Author | Email |")
    rows = [ln for ln in lines[start + 2 :] if ln.startswith("| ") and "**" not in ln]
    names = [ln.split(" | ")[0].removeprefix("| ") for ln in rows[: len(analyzed["authors"])]]
    assert names == [a["name"] for a in analyzed["authors"]]


def test_a_failed_path_is_one_stderr_line_and_exit_status_1(
    daemon_bin, isolated_env, repo, tmp_path
):
    not_a_repo = tmp_path / "plain folder"
    not_a_repo.mkdir()
    (not_a_repo / "file.txt").write_text("text\n")
    missing = tmp_path / "missing"

    table = analyze(daemon_bin, isolated_env, str(repo), str(not_a_repo), str(missing))
    assert table.returncode == 1, table.stderr
    lines = problems(table.stderr)
    assert len(lines) == 2, table.stderr
    for line, path in zip(lines, (not_a_repo, missing), strict=True):
        # the engine's message names the path (else the path comes first)
        assert line.startswith("gitinspector-lsp: error: ") and str(path) in line, line

    as_json = analyze(
        daemon_bin, isolated_env, str(repo), str(not_a_repo), str(missing), "--format", "json"
    )
    assert as_json.returncode == 1, as_json.stderr
    result = json.loads(as_json.stdout)
    assert [e["path"] for e in result["errors"]] == [str(not_a_repo), str(missing)]
    # the repository that worked is printed in full, its tables before the errors
    (analyzed,) = result["repositories"]
    assert analyzed["path"] == str(repo)
    assert_output_equals_json(table.stdout, result)

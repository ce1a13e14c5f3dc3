"""The HTML report (`format: html`) in a real headless Chromium: what a reader sees is what
the analysis says (the authors table, its sorting, the blame colours by author rank), the
toggles hide what they name, hostile names and code stay text, the page makes no request
and logs no error, dark and print work. Screenshots go to tests/report/artifacts/.

The browser: Debian's chromium driven by editors/vscode's playwright-core (html_check.mjs);
`(cd editors/vscode && npm ci)` installs it, as scripts/test-vscode.sh does.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from support import env as support_env
from support.gitrepo import ALICE, BOB, CAROL, GitRepo, numbered

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE / "artifacts"
VSCODE = ROOT / "editors/vscode"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))

WEIRD = 'we<b>&"ird.txt'
APP = (
    "# a comment\n"
    "import os\n"
    "\n"
    "x = '<script>window.__injected = 1</script>'\n"
    "y = 'a & b < c'\n" + numbered("alice", 7)
)
SCRIPT_LINE = 4  # the line with <script> in src/app.py


def _engine_python() -> str:
    venv = ROOT / ".venv/bin/python"
    return str(venv) if venv.is_file() else sys.executable


def _render(request: dict[str, Any], home: Path) -> dict[str, Any]:
    """`gigui.api.render_report(REQUEST)` in the engine's interpreter, isolated in HOME."""
    code = (
        "import json, sys\n"
        "from gigui import api\n"
        "print(json.dumps(api.render_report(json.loads(sys.argv[1]))))\n"
    )
    done = subprocess.run(
        [_engine_python(), "-c", code, json.dumps(request)],
        capture_output=True,
        text=True,
        env=support_env.isolated_env(home),
        cwd=home,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _cell(value: Any) -> str:
    """A cell as the page shows it (one decimal for decimals)."""
    if isinstance(value, float):
        return f"{value:.1f}"
    return "" if value is None else str(value)


def _rgb(colour: str) -> str:
    n = int(colour.lstrip("#"), 16)
    return f"rgb({n >> 16 & 255}, {n >> 8 & 255}, {n & 255})"


def _palettes() -> dict[str, Any]:
    """model.py's palettes, read by the engine's interpreter (the one the report used)."""
    done = subprocess.run(
        [
            _engine_python(),
            "-c",
            "import json; from gigui.report import model as m; print(json.dumps("
            "[m.PALETTE_LIGHT, m.PALETTE_DARK, m.OTHER_LIGHT, m.OTHER_DARK]))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    light, dark, other_light, other_dark = json.loads(done.stdout)
    return {"light": light, "dark": dark, "other_light": other_light, "other_dark": other_dark}


def _browser_prerequisites() -> None:
    """Fails (never skips) when the browser tooling is missing: a fresh machine must install
    it, not pass silently."""
    if shutil.which("node") is None:
        pytest.fail("node is not installed (Node 20: scripts/test-vscode.sh's prerequisite)")
    if not (VSCODE / "node_modules/playwright-core/package.json").is_file():
        pytest.fail(
            "editors/vscode/node_modules/playwright-core is missing: run "
            "`(cd editors/vscode && npm ci --no-audit --no-fund)` "
            "(scripts/test-vscode.sh does it) before `pytest tests`"
        )
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} is missing: `apt-get install chromium` "
            "(scripts/test-vscode.sh does it), or set CHROMIUM to a Chromium binary"
        )


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Two repositories (one with hostile names), a path that is no repository; their JSON
    result and their HTML report."""
    base = tmp_path_factory.mktemp("report")
    repo = GitRepo(base / 'course <1> & "co"')
    repo.commit("alice starts", ALICE, {"src/app.py": APP, WEIRD: numbered("weird", 3)})
    repo.commit(
        "bob adds",
        BOB,
        {"lib.py": numbered("bob", 6), "src/app.py": APP + numbered("bob", 4)},
    )
    for i in range(1, 4):
        repo.commit(f"carol {i}", CAROL, {"c.txt": numbered("carol", i)})
    repo.commit("alice again", ALICE, {"a2.txt": numbered("a", 5)})
    second = GitRepo(base / "second")
    second.commit("bob's own", BOB, {"notes.md": numbered("note", 4)})
    missing = base / "not a repository"
    missing.mkdir()

    request = {
        "input_fstrs": [str(repo.root), str(second.root), str(missing)],
        "comments": False,
        "since": "2000-01-01",
        "timeline": True,
        "combined": True,
    }
    home = base / "home"
    home.mkdir()
    result = json.loads(_render({**request, "format": "json"}, home)["content"])
    out = base / "report.html"
    rendered = _render({**request, "format": "html", "output": str(out)}, home)
    assert rendered["files"] == [str(out)]
    return {"repo": repo, "result": result, "html": out, "missing": missing}


def test_page_in_chromium(course: dict[str, Any]) -> None:
    _browser_prerequisites()
    result = course["result"]
    first = result["repositories"][0]
    authors = first["authors"]
    palettes = _palettes()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [
            "node",
            str(HERE / "html_check.mjs"),
            "--report",
            str(course["html"]),
            "--out",
            str(ARTIFACTS),
            "--blame",
            "src/app.py",
            "--lines",
            "1,3,4,13",
            "--filter",
            "bo",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "CHROMIUM": str(CHROMIUM)},
    )
    assert done.returncode == 0, done.stderr[-4000:]
    seen = json.loads(done.stdout)
    (ARTIFACTS / "observations.json").write_text(json.dumps(seen, indent=1), encoding="utf-8")

    # nothing fetched, nothing logged, nothing injected
    assert seen["pageErrors"] == []
    assert [m for m in seen["console"] if m["type"] in ("error", "warning")] == []
    assert set(seen["requests"]) == {seen["url"]}, seen["requests"]
    assert seen["injected"] is None

    # the summary header: repositories (hostile name as text), period, settings, errors
    header = seen["header"]
    assert 'course <1> & "co"' in header
    assert 'course &lt;1&gt; &amp; "co"' in seen["headerHtml"]
    assert first["revision"][:12] in header
    assert "since 2000-01-01" in header
    assert "comments: no" in header
    assert "Not analyzed" in header and str(course["missing"]) in header
    assert seen["sections"] == ['course <1> & "co"', "second", "combined"]
    assert seen["tabs"] == [
        "authors",
        "files",
        "authors_files",
        "files_authors",
        "timeline",
        "blame",
    ]

    # the authors table as rendered is the analysis: top author and their lines
    table = seen["authors"]
    name_col, lines_col, commits_col = (
        table["keys"].index(k) for k in ("name", "lines", "commits")
    )
    assert table["count"] == len(authors)
    assert table["rows"][0][name_col] == authors[0]["name"]
    assert table["rows"][0][lines_col] == str(authors[0]["lines"])
    assert [r[name_col] for r in table["rows"]] == [a["name"] for a in authors]
    assert table["totals"][0] == "Total"
    assert table["totals"][lines_col] == str(first["totals"]["lines"])
    assert table["top"] < seen["viewportHeight"], "the authors table must start on the first screen"

    # sorting by commits: largest first, then reversed, the header showing which
    by_commits = [a["name"] for a in sorted(authors, key=lambda a: -a["commits"])]
    assert by_commits != [a["name"] for a in authors], "the fixture must make the order change"
    desc = seen["sortedDesc"]
    assert [r[name_col] for r in desc["rows"]] == by_commits
    assert desc["sort"][commits_col] == "descending"
    assert "sort=authors:commits:desc" in seen["hashAfterSort"]
    assert [r[name_col] for r in seen["sortedByLink"]["rows"]] == by_commits
    second = result["repositories"][1]
    assert seen["secondSection"]["selected"] == ["second"]
    assert [r[0] for r in seen["secondSection"]["files"]["rows"]] == [
        f["path"] for f in second["files"]
    ]
    asc = seen["sortedAsc"]
    assert [r[name_col] for r in asc["rows"]] == [
        a["name"] for a in sorted(authors, key=lambda a: a["commits"])
    ]
    assert asc["sort"][commits_col] == "ascending"
    assert [r[name_col] for r in seen["sortedName"]["rows"]] == sorted(a["name"] for a in authors)
    # the filter
    assert [r[name_col] for r in seen["filtered"]["rows"]] == ["Bob"]
    assert "q=bo" in seen["hashAfterFilter"]

    # every tab has its rows; the timeline chart its bars
    assert seen["tabRows"]["files"] == len(first["files"])
    assert seen["tabRows"]["timeline"] == len(first["timeline"]["rows"])
    assert seen["timeline"]["bars"] >= 1
    for name in ("files", "authors_files", "files_authors", "timeline"):
        shown = seen["tables"][name]
        rows = first[name] if name != "timeline" else first["timeline"]["rows"]
        assert [dict(zip(shown["keys"], r, strict=True)) for r in shown["rows"]] == [
            {k: _cell(row.get(k)) for k in shown["keys"]} for row in rows
        ], name
    assert len(seen["charts"]) == 3 and all(c["bars"] == len(authors) for c in seen["charts"])

    # blame, opened by the hash: author colours by rank, code as text
    ranks = {
        (a["name"], a["email"]): i
        for i, a in enumerate(sorted(authors, key=lambda a: (-a["lines"], a["name"])))
    }
    rank = {name: ranks[(name, email)] for name, email in ranks}
    blame = seen["blame"]
    assert blame["file"] == "src/app.py" and blame["selected"] == ["src/app.py"]
    app_lines = (APP + numbered("bob", 4)).splitlines()
    assert blame["count"] == len(app_lines)
    rows = {r["line"]: r for r in blame["rows"]}
    assert rows[1]["author"] == "Alice" and rows[1]["authorTitle"] == "Alice <alice@example.com>"
    assert rows[1]["swatch"] == _rgb(palettes["light"][rank["Alice"]])
    assert rows[13]["author"] == "Bob"
    assert rows[13]["swatch"] == _rgb(palettes["light"][rank["Bob"]])
    assert rows[SCRIPT_LINE]["code"] == app_lines[SCRIPT_LINE - 1]
    assert "&lt;script&gt;" in rows[SCRIPT_LINE]["codeHtml"]
    assert rows[1]["codeTitle"].startswith("Not counted: comment")
    assert " x" in f" {rows[1]['cls']} " and " e " in f" {rows[3]['cls']} "
    # the toggles
    comment_lines = {i + 1 for i, t in enumerate(app_lines) if t.startswith("#")}
    empty_lines = {i + 1 for i, t in enumerate(app_lines) if not t.strip()}
    hidden = comment_lines | empty_lines
    assert {r["line"] for r in seen["blameHideExcluded"]["rows"]} == (
        set(range(1, len(app_lines) + 1)) - comment_lines
    )
    assert {r["line"] for r in seen["blameHideEmpty"]["rows"]} == (
        set(range(1, len(app_lines) + 1)) - empty_lines
    )
    assert {r["line"] for r in seen["blameHideBoth"]["rows"]} == (
        set(range(1, len(app_lines) + 1)) - hidden
    )
    assert "t=blame&f=src/app.py&" in seen["hashAfterToggles"]
    assert "hx=1" in seen["hashAfterToggles"] and "he=1" in seen["hashAfterToggles"]
    assert {r["swatch"] for r in seen["blameNoColours"]["rows"]} == {"rgba(0, 0, 0, 0)"}

    # dark: by the system's preference, by the hash, by the button; the dark palette
    dark_bg = seen["darkBackground"]
    assert dark_bg != seen["background"]
    assert seen["hashDarkBackground"] == dark_bg
    assert (
        seen["afterThemeButton"]["bg"] == dark_bg
        and "theme=dark" in seen["afterThemeButton"]["hash"]
    )
    assert seen["darkPrint"]["bg"] == "rgb(255, 255, 255)"
    assert seen["darkPrint"]["swatch"] == _rgb(palettes["light"][0])
    dark_rows = {r["line"]: r for r in seen["darkBlame"]["rows"]}
    assert dark_rows[1]["swatch"] == _rgb(palettes["dark"][rank["Alice"]])

    # print: every section, table and blame file; no controls
    printed = seen["print"]
    assert printed["appVisible"] is False and printed["controlsVisible"] == 0
    assert printed["sections"] == 3
    tables = sum(
        len([k for k in ("authors", "files", "authors_files", "files_authors") if k in r])
        + (1 if r.get("timeline") else 0)
        for r in [*result["repositories"], result["combined"]]
    )
    assert printed["tables"] == tables
    assert printed["blames"] == len(first["files"]) + len(result["repositories"][1]["files"])

    for shot in ("summary", "sorted", "timeline", "blame", "dark", "dark-blame", "print"):
        assert (ARTIFACTS / f"{shot}.png").stat().st_size > 1000


# -- the page itself, without a browser ---------------------------------------------------


def _model():
    from gigui.report import model

    return model


def _report(lines_per_file: int, files: int, authors: int):
    m = _model()
    people = [(f'Ann <{i}> & "Co"', f"a{i}@x.org") for i in range(authors)]
    rows = [
        {"name": n, "email": e, "commits": i + 1, "lines": 100 - i, "lines_pct": 1.23}
        for i, (n, e) in enumerate(people)
    ]
    blame = [
        m.BlameFile(
            f"src/<f{k}>&.py",
            [
                m.BlameLine(
                    number=j + 1,
                    sha=f"{(j // 20) % 97:040x}",
                    author=people[(j // 20) % authors][0],
                    email=people[(j // 20) % authors][1],
                    date="2024-01-02 03:04:05 UTC",
                    age_days=float(j // 20),
                    text=f"    value_{j} = compute('</script><!--', {j}) & other  # x",
                    excluded="comment line" if j % 7 == 0 else "",
                    empty=False,
                )
                for j in range(lines_per_file)
            ],
        )
        for k in range(files)
    ]
    section = m.Section(
        title="r<&>",
        path="/x/r<&>",
        revision="a" * 40,
        revision_date="2024-01-02 03:04:05 UTC",
        warnings=["shallow <clone>"],
        tables=[
            m.Table("authors", "Authors", m.visible_columns("authors", rows, False), rows, None)
        ],
        colours={p: i for i, p in enumerate(people[:12])},
        blame=blame,
    )
    return m.Report(
        title="Authorship: r<&>",
        generated="2024-01-02 03:04:05 UTC",
        settings=[("ex_authors", "<bot>&")],
        sections=[section],
        errors=[{"path": "/y/<bad>", "error": 'not a "repository" & <gone>'}],
    )


def test_page_escapes_data_and_fetches_nothing() -> None:
    from gigui.report.html import render_html

    page = render_html(_report(lines_per_file=50, files=2, authors=5))
    # exactly the page's own two scripts (the JSON data block and the code), closed once each
    assert page.count("<script") == 2 and page.count("</script") == 2
    assert "<!--" not in page.split("<script", 1)[1]
    for hostile in ("<f0>", "<bad>", "<clone>", "<bot>", "<1>", "r<&>"):
        assert hostile not in page
    assert "r&lt;&amp;&gt;" in page and "&lt;bad&gt;" in page
    assert "default-src 'none'" in page
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in page and "@import" not in page and "url(" not in page


def test_page_size_with_ten_blame_tabs() -> None:
    from gigui.report.html import render_html

    page = render_html(_report(lines_per_file=2000, files=10, authors=400))
    size = len(page.encode("utf-8"))
    raw = 10 * 2000 * len("    value_1000 = compute('</script><!--', 1000) & other  # x")
    assert size < 3 * 1024 * 1024, size
    assert size < 2.5 * raw, (size, raw)  # each line's text once, and little else per line

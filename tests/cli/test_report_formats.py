"""`analyze --format F --output FILE` through the real binary, and `gitinspector/renderReport`
through the real daemon: every format is written from one analysis and holds its numbers
(each format's full layout is checked in python/tests/test_report_*.py and tests/report)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from support.cli import run_cli
from support.gitrepo import ALICE, BOB, CAROL, GitRepo, numbered
from support.rpc import RpcError


@pytest.fixture(scope="module")
def team(tmp_path_factory) -> Path:
    r = GitRepo(tmp_path_factory.mktemp("team") / "team")
    r.commit("start", ALICE, {"src/app.py": numbered("a", 40), "README.md": "# team\n"})
    r.commit("more", BOB, {"src/app.py": numbered("a", 30) + numbered("b", 12)})
    r.commit("docs", CAROL, {"docs/guide.md": numbered("g", 9)})
    return r.root


def analyze_json(daemon_bin: Path, env, repo: Path) -> dict:
    out = run_cli(daemon_bin, "analyze", str(repo), "--format", "json", env=env)
    assert out.returncode == 0, out.stderr
    (result,) = json.loads(out.stdout)["repositories"]
    return result


def test_every_format_holds_the_analysis(daemon_bin, isolated_env, team, tmp_path) -> None:
    want = analyze_json(daemon_bin, isolated_env, team)
    top = want["authors"][0]
    for fmt, name in [
        ("html", "r.html"),
        ("markdown", "r.md"),
        ("table", "r.txt"),
        ("excel", "r.xlsx"),
        ("json", "r.json"),
    ]:
        target = tmp_path / name
        out = run_cli(
            daemon_bin,
            "analyze",
            str(team),
            "--format",
            fmt,
            "--output",
            str(target),
            env=isolated_env,
        )
        assert out.returncode == 0, (fmt, out.stderr)
        assert out.stdout == "", "a report written to a file prints nothing on stdout"
        assert f"wrote {target}" in out.stderr
        data = target.read_bytes()
        if fmt == "excel":
            assert data[:2] == b"PK", "an .xlsx is a zip"
            continue
        text = data.decode("utf-8")
        assert top["name"] in text and str(top["lines"]) in text, fmt
    csv_out = run_cli(
        daemon_bin,
        "analyze",
        str(team),
        "--format",
        "csv",
        "--output",
        str(tmp_path / "r.csv"),
        env=isolated_env,
    )
    assert csv_out.returncode == 0, csv_out.stderr
    written = sorted(p.name for p in tmp_path.glob("r-*.csv"))
    assert written == ["r-authors.csv", "r-authors_files.csv", "r-files.csv", "r-files_authors.csv"]
    rows = list(csv.DictReader(io.StringIO((tmp_path / "r-authors.csv").read_text())))
    assert {r["Author"]: int(r["Lines"]) for r in rows} == {
        a["name"]: a["lines"] for a in want["authors"]
    }


def test_csv_and_markdown_go_to_stdout_one_table(daemon_bin, isolated_env, team) -> None:
    want = analyze_json(daemon_bin, isolated_env, team)
    out = run_cli(
        daemon_bin, "analyze", str(team), "--format", "csv", "--table", "files", env=isolated_env
    )
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert {r["File"]: int(r["Lines"]) for r in rows} == {
        f["path"]: f["lines"] for f in want["files"]
    }
    md = run_cli(daemon_bin, "analyze", str(team), "--format", "markdown", env=isolated_env)
    assert (
        md.returncode == 0 and "| Author" in md.stdout and want["authors"][0]["name"] in md.stdout
    )


def test_excel_needs_a_file(daemon_bin, isolated_env, team) -> None:
    out = run_cli(daemon_bin, "analyze", str(team), "--format", "excel", env=isolated_env)
    assert out.returncode == 1
    assert "output" in out.stderr and "Traceback" not in out.stderr


def test_the_daemon_writes_the_report_the_editors_open(daemon, team, tmp_path) -> None:
    target = tmp_path / "report.html"
    answer = daemon.request(
        "gitinspector/renderReport",
        {"input_fstrs": [str(team)], "format": "html", "output": str(target)},
    )
    assert answer["files"] == [str(target)] and answer["errors"] == []
    analysis = daemon.request("gitinspector/executeAnalysis", {"input_fstrs": [str(team)]})
    top = analysis["repositories"][0]["authors"][0]
    html = target.read_text(encoding="utf-8")
    assert top["name"] in html and str(top["lines"]) in html
    # asked again, the file is written again (never answered from a cache)
    target.unlink()
    daemon.request(
        "gitinspector/renderReport",
        {"input_fstrs": [str(team)], "format": "html", "output": str(target)},
    )
    assert target.exists()
    text = daemon.request(
        "gitinspector/renderReport", {"input_fstrs": [str(team)], "format": "markdown"}
    )
    assert "content" in text and top["name"] in text["content"]
    with pytest.raises(RpcError) as err:
        daemon.request("gitinspector/renderReport", {"input_fstrs": [str(team)], "format": "pdf"})
    assert err.value.code == -32602 and "format" in err.value.message

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gitfixtures import ALICE, BOB, RepoBuilder, run_git
from oracle import blame_lines, head_files

from gigui import __version__, api
from gigui.errors import FileNotTrackedError, GitError, InvalidSettingsError, RepositoryError


def _expand(hunks: list[dict]) -> list[str]:
    out: list[str] = []
    for h in hunks:
        assert h["start_line"] == len(out) + 1
        out += [h["commit"]] * h["line_count"]
    return out


def test_health_and_info() -> None:
    h = api.health_check()
    assert h["status"] == "ok" and h["git"] is True and h["problems"] == []
    assert h["engine_version"] == __version__
    assert h["git_version"] in run_git(".", "--version")
    info = api.get_engine_info()
    assert info["name"] == "gigui" and info["backend"] == "git-cli"
    assert info["config_path"].endswith("settings.json")
    json.dumps(h)
    json.dumps(info)


def test_get_blame_data_matches_git(rich_repo: Path) -> None:
    res = api.get_blame_data({"input_fstrs": [str(rich_repo)]})
    json.dumps(res)
    (repo,) = res["repositories"]
    assert repo["revision"] == run_git(rich_repo, "rev-parse", "HEAD").strip()
    commits = {c["sha"]: c for c in repo["commits"]}
    assert sorted(f["path"] for f in repo["files"]) == head_files(rich_repo)
    for f in repo["files"]:
        expected = blame_lines(rich_repo, f["path"])
        shas = _expand(f["hunks"])
        assert f["lines"] == len(expected) == len(shas)
        assert shas == [e[0] for e in expected]
        for (_sha, name, email), got in zip(expected, shas, strict=True):
            assert commits[got]["author"] == name and commits[got]["email"] == email
        # consecutive hunks have different commits (groups merged)
        for a, b in zip(f["hunks"], f["hunks"][1:], strict=False):
            assert a["commit"] != b["commit"]


def test_get_blame_data_selected_files(rich_repo: Path) -> None:
    res = api.get_blame_data(
        {
            "input_fstrs": [str(rich_repo)],
            "files": ["README.md", str(rich_repo / "docs" / "naïve file.txt")],
            "rev": "HEAD~1",
        }
    )
    (repo,) = res["repositories"]
    assert repo["revision"] == run_git(rich_repo, "rev-parse", "HEAD~1").strip()
    paths = [f["path"] for f in repo["files"]]
    assert paths == ["README.md", "docs/naïve file.txt"]
    for f in repo["files"]:
        assert _expand(f["hunks"]) == [e[0] for e in blame_lines(rich_repo, f["path"], "HEAD~1")]


def test_blame_file(rich_repo: Path) -> None:
    head = run_git(rich_repo, "rev-parse", "HEAD").strip()
    res = api.blame_file(str(rich_repo), "src/app.py")
    assert res["repository"] == str(rich_repo) and res["revision"] == head
    assert res["path"] == "src/app.py"
    expected = blame_lines(rich_repo, "src/app.py")
    assert _expand(res["hunks"]) == [e[0] for e in expected]
    assert res["lines"] == len(expected)
    assert {c["sha"] for c in res["commits"]} == {e[0] for e in expected}
    res2 = api.blame_file(str(rich_repo / "src"), str(rich_repo / "src" / "app.py"), "HEAD~3")
    assert res2["revision"] == run_git(rich_repo, "rev-parse", "HEAD~3").strip()
    with pytest.raises(FileNotTrackedError, match="not tracked"):
        api.blame_file(str(rich_repo), "no/such/file.txt")
    with pytest.raises(RepositoryError):
        api.blame_file(str(rich_repo), "README.md", rev="no-such-rev")
    res3 = api.blame_file(str(rich_repo), "src/app.py", settings={"copy_move": 2})
    assert res3["lines"] == len(expected)


def test_get_commit_details(rich_repo: Path) -> None:
    sha = run_git(rich_repo, "log", "-1", "--format=%H", "--grep=rename main.py").strip()
    d = api.get_commit_details(str(rich_repo), sha, "src/app.py")
    assert d["sha"] == sha
    assert d["author"] == "Carol" and d["summary"] == "rename main.py to app.py"
    assert d["message"] == "rename main.py to app.py"
    assert d["parents"] == [run_git(rich_repo, "rev-parse", f"{sha}^").strip()]
    num = run_git(rich_repo, "log", "-1", "-M", "--numstat", "--format=", sha).split("\t")
    assert d["file"] == {"path": "src/app.py", "insertions": int(num[0]), "deletions": int(num[1])}
    assert api.get_commit_details(str(rich_repo), sha, "README.md")["file"] is None
    root = run_git(rich_repo, "rev-list", "--max-parents=0", "HEAD").strip()
    d = api.get_commit_details(str(rich_repo), root[:10], str(rich_repo / "README.md"))
    assert d["sha"] == root and d["parents"] == []
    assert d["file"] == {"path": "README.md", "insertions": 5, "deletions": 0}
    with pytest.raises(GitError, match=r"git show .*failed \(exit 128\): fatal: "):
        api.get_commit_details(str(rich_repo), "0123456789abcdef")


def test_find_repository(tmp_path: Path) -> None:
    outer = RepoBuilder(tmp_path / "outer")
    outer.write("x.txt", "x\n")
    head = outer.commit("x", ALICE)
    inner = RepoBuilder(tmp_path / "outer" / "inner")
    inner.write("y.txt", "y\n")
    inner.commit("y", BOB)
    r = api.find_repository(str(outer.path / "x.txt"))
    assert r == {"root": str(outer.path), "head": head, "relative_path": "x.txt", "tracked": True}
    r = api.find_repository(str(inner.path / "y.txt"))
    assert r is not None and r["root"] == str(inner.path) and r["tracked"] is True
    outer.write("new.txt", "n\n")
    r = api.find_repository(str(outer.path / "new.txt"))
    assert r is not None and r["tracked"] is False and r["relative_path"] == "new.txt"
    plain = tmp_path / "plain"
    plain.mkdir()
    assert api.find_repository(str(plain)) is None
    empty = RepoBuilder(tmp_path / "emptyrepo")
    r = api.find_repository(str(empty.path))
    assert r is not None and r["head"] is None and r["relative_path"] == "."


def test_settings_validation_names_field() -> None:
    with pytest.raises(InvalidSettingsError) as exc:
        api.execute_analysis({"n_files": -1})
    assert "n_files" in str(exc.value)
    assert str(exc.value).startswith("invalid settings: n_files:")
    assert exc.value.errors[0]["field"] == "n_files"
    assert isinstance(exc.value, ValueError)
    with pytest.raises(InvalidSettingsError) as exc:
        api.save_settings({"bogus": 1})
    assert exc.value.errors[0]["field"] == "bogus"
    with pytest.raises(InvalidSettingsError) as exc:
        api.get_blame_data({"copy_move": 9})
    assert exc.value.errors[0]["field"] == "copy_move"


def test_settings_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    defaults = api.get_settings()
    assert defaults["extensions"] == ["*"] and defaults["n_files"] == 0
    assert api.get_engine_info()["config_path"].startswith(str(tmp_path / "cfg"))
    s = dict(defaults, n_files=5, input_fstrs=["/some/repo"], copy_move=2, whitespace=False)
    saved = api.save_settings(s)
    assert saved == s
    assert api.get_settings() == s
    files = list((tmp_path / "cfg" / "gitinspector-lsp").iterdir())
    assert [f.name for f in files] == ["settings.json"]


def test_corrupt_settings_kept_aside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    d = tmp_path / "gitinspector-lsp"
    d.mkdir()
    (d / "settings.json").write_text("{not json")
    with caplog.at_level("WARNING", logger="gigui"):
        s = api.get_settings()
    assert s == api.get_settings()  # defaults
    assert s["n_files"] == 0
    aside = [p.name for p in d.iterdir()]
    assert len(aside) == 1 and aside[0].startswith("settings.json.corrupt-")
    assert "corrupt" in caplog.text
    (d / "settings.json").write_text(json.dumps({"n_files": -3}))
    assert api.get_settings()["n_files"] == 0
    assert len(list(d.iterdir())) == 2

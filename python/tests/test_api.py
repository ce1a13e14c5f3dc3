from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.gitrepo import run_git
from support.oracle import blame_lines, head_files

from gigui import __version__, api
from gigui.errors import InvalidSettingsError


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


def test_saved_settings_are_the_defaults_of_every_analysis(rich_repo: Path) -> None:
    everything = api.execute_analysis({"input_fstrs": [str(rich_repo)]})
    assert len(everything["repositories"][0]["files"]) > 2
    api.save_settings({"n_files": 2, "extensions": ["py", "md"]})
    try:
        saved = api.execute_analysis({"input_fstrs": [str(rich_repo)]})
        assert len(saved["repositories"][0]["files"]) == 2
        assert saved["repositories"][0]["settings"]["extensions"] == ["py", "md"]
        # a field the request sets wins over the saved one
        request = api.execute_analysis({"input_fstrs": [str(rich_repo)], "n_files": 0})
        paths = {f["path"] for f in request["repositories"][0]["files"]}
        assert paths and all(p.endswith((".py", ".md")) for p in paths)
    finally:
        api.save_settings({})

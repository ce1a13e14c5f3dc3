"""The README's table of settings is the truth: every row's default is the engine's, every
flag exists, every setting is in it; and each setting gives the same result from the CLI's
flag, from `gitinspector/executeAnalysis` and from the saved settings."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from support.cli import run_cli
from support.gitrepo import ALICE, BOB, CAROL, GitRepo, numbered

ROOT = Path(__file__).resolve().parents[2]


def readme_settings() -> dict[str, tuple[str, str]]:
    """setting -> (default as JSON text, CLI flag cell), from the README's Settings table."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        m = re.match(r"^\| `(\w+)` \| `(.*?)` \| (.*?) \| .* \|$", line)
        if m:
            rows[m.group(1)] = (m.group(2), m.group(3))
    return rows


def test_the_readme_table_names_every_setting_with_its_default(daemon) -> None:
    defaults = daemon.request("gitinspector/getSettings")
    rows = readme_settings()
    assert set(rows) == set(defaults), "every setting has its row, and no other"
    for name, (default, _flag) in rows.items():
        assert json.loads(default) == defaults[name], name


def test_every_flag_of_the_table_exists(daemon_bin: Path, isolated_env) -> None:
    help_text = run_cli(daemon_bin, "analyze", "--help", env=isolated_env).stdout
    for name, (_default, cell) in readme_settings().items():
        flags = re.findall(r"`(--[a-z-]+)", cell)
        if name == "input_fstrs" or cell == "–":
            continue
        assert flags, f"{name} has a flag"
        for flag in flags:
            assert re.search(rf"(^|\s){re.escape(flag)}\b", help_text), flag


@pytest.fixture(scope="module")
def team(tmp_path_factory) -> Path:
    r = GitRepo(tmp_path_factory.mktemp("team") / "team")
    r.commit("start", ALICE, {"src/app.py": numbered("a", 30), "README.md": "# team\n"})
    r.commit("fix: typo", BOB, {"src/app.py": numbered("a", 25) + numbered("b", 10)})
    r.commit("docs", CAROL, {"docs/guide.md": numbered("g", 12)})
    r.git("mv", "README.md", "docs/README.md")
    r.commit("move", CAROL)
    style = r.commit("style", BOB, {"docs/guide.md": numbered("g", 12).upper()})
    r.commit("ignore the style commit", CAROL, {".git-blame-ignore-revs": f"{style}\n"})
    return r.root


# (CLI flags, the same as settings)
CASES = [
    (["--subfolder", "src"], {"subfolder": "src"}),
    (["--ex-message", "fix:*"], {"ex_messages": ["fix:*"]}),
    (["--no-ignore-revs-file"], {"ignore_revs_file": ""}),
    (["--scaled-percentages"], {"scaled_percentages": True}),
    (["--show-renames"], {"show_renames": True}),
    (["--no-deletions"], {"deletions": False}),
    (["--sort-by", "commits", "--top", "2"], {"sort_by": "commits", "top": 2}),
    (["--timeline", "--period", "week"], {"timeline": True, "timeline_period": "week"}),
    (["--depth", "0"], {"depth": 0}),
    (["--since", "@1600007200"], {"since": "@1600007200"}),
    (["--until", "@1600010800"], {"until": "@1600010800"}),
    (["--combined"], {"combined": True}),
]


def _comparable(result: dict) -> dict:
    result = dict(result)
    result.pop("performance_stats", None)
    return result


@pytest.mark.parametrize(("flags", "settings"), CASES, ids=[" ".join(c[0]) for c in CASES])
def test_flag_request_and_saved_settings_agree(
    team: Path, daemon, daemon_bin: Path, isolated_env, flags: list[str], settings: dict
) -> None:
    out = run_cli(daemon_bin, "analyze", str(team), "--format", "json", *flags, env=isolated_env)
    assert out.returncode == 0, out.stderr
    from_flags = _comparable(json.loads(out.stdout))
    from_request = _comparable(
        daemon.request("gitinspector/executeAnalysis", {"input_fstrs": [str(team)], **settings})
    )
    assert from_flags == from_request
    daemon.request("gitinspector/saveSettings", settings)
    try:
        from_saved = _comparable(
            daemon.request("gitinspector/executeAnalysis", {"input_fstrs": [str(team)]})
        )
    finally:
        daemon.request("gitinspector/saveSettings", {})
    assert from_saved == from_request
    plain = _comparable(
        daemon.request("gitinspector/executeAnalysis", {"input_fstrs": [str(team)]})
    )
    if settings != {"depth": 0}:  # a repository given as such is not searched
        for result in (plain, from_request):
            for repo in result["repositories"]:
                repo.pop("settings")
        assert plain != from_request, "the setting changes the result"

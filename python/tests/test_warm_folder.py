"""A folder of repositories analyzed again in a new process: the unchanged ones are
answered from the saved state without a git process (not even the host's commit-graph
refresh) and without rewriting their state; the one that changed runs git, only there;
every number equals a cold analysis. Also: the JSON report's encoder writes exactly what
``json.dumps(indent=2)`` writes, and the folder search finds what it always found."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from support.gitrepo import ALICE, BOB, CAROL, GitRepo, numbered
from support.processes import engine_in_new_process

from gigui import persist
from gigui.report import json_document
from gigui.repositories import search

TABLES = ("authors", "files", "authors_files", "files_authors", "totals")

TABLES = ("authors", "files", "authors_files", "files_authors", "totals")

# A new process with a host whose commit-graph hook records the repositories it is asked
# about (the real host runs git there to bring the graph up to date).
_RUN = """
import json, sys
from importlib import resources
from gigui import api, host
asked = []
def commit_graph(root):
    asked.append(root)
    return None
policy = resources.files("gigui").joinpath("git_policy.json").read_text("utf-8")
host.configure(policy, [], commit_graph)
request = json.loads(sys.argv[1])
if request.pop("report", False):
    out = api.render_report({**request, "format": "json"})
    result = json.loads(out["content"])
    result["report_text"] = out["content"]
else:
    result = api.execute_analysis(request)
print(json.dumps({"result": result, "graph_asked": asked}))
"""


def run_process(settings: dict, cache_home: Path) -> tuple[dict, list[str]]:
    data = json.loads(engine_in_new_process(_RUN, json.dumps(settings), cache_home))
    return data["result"], data["graph_asked"]


def tables(result: dict) -> list[dict]:
    return [{k: repo[k] for k in TABLES} for repo in result["repositories"]]


def without_run_details(result: dict) -> dict:
    """RESULT without what differs between two runs of the same analysis."""
    return {
        "repositories": [
            {k: v for k, v in r.items() if k != "settings"} for r in result["repositories"]
        ],
        "errors": result["errors"],
    }


def _state_files(cache_home: Path) -> dict[str, tuple[int, bytes]]:
    folder = cache_home / "gitinspector-lsp" / f"analysis-v{persist.VERSION}"
    return {p.name: (p.stat().st_ino, p.read_bytes()) for p in folder.iterdir()}


@pytest.fixture
def course(tmp_path: Path) -> Path:
    course = tmp_path / "course"
    for i, name in enumerate(("team-a", "team-b", "team-c")):
        t = GitRepo(course / name)
        t.commit("start", ALICE, {"main.py": numbered(name, 6), "doc.md": numbered("d", 3)})
        t.commit("more", BOB, {"main.py": numbered(name, 4) + numbered("b", 2 + i)})
        t.commit("notes", CAROL, {"notes/n.txt": numbered("n", 4 + i)})
    return course


def test_a_folder_run_again_touches_only_the_repository_that_changed(course, tmp_path) -> None:
    cache = tmp_path / "cache"
    settings = {"input_fstrs": [str(course)]}
    roots = sorted(str((course / n).resolve()) for n in ("team-a", "team-b", "team-c"))

    cold, asked = run_process(settings, cache)
    assert sorted(asked) == roots, "a cold run brings every repository's graph up to date"
    saved = _state_files(cache)

    warm, asked = run_process(settings, cache)
    stats = warm["performance_stats"]
    assert asked == [], "no commit-graph refresh (git processes) for unchanged repositories"
    assert stats["git_calls"] == 0
    assert stats["saved_state_loads"] == 6 and stats["files_blamed"] == 0
    assert stats["log_modes"] == ["reused"] * 3
    assert without_run_details(warm) == without_run_details(cold)
    again = _state_files(cache)
    assert again.keys() == saved.keys()
    for name, (inode, content) in saved.items():
        assert again[name] == (inode, content), f"{name} rewritten by a run that changed nothing"

    # one new commit in one repository
    GitRepo.existing(course / "team-b").commit("fix", BOB, {"main.py": numbered("x", 9)})
    after, asked = run_process(settings, cache)
    stats = after["performance_stats"]
    assert asked == [str((course / "team-b").resolve())]
    assert stats["git_calls"] > 0
    assert stats["files_blamed"] == 1, "only the changed file of the changed repository"
    assert sorted(stats["log_modes"]) == ["incremental", "reused", "reused"]
    cold_after, _asked = run_process({**settings, "cache": False}, tmp_path / "cold-cache")
    assert tables(after) == tables(cold_after)
    assert without_run_details(after) == without_run_details(cold_after)


def test_the_json_report_is_the_result_indented(course, tmp_path) -> None:
    settings = {"input_fstrs": [str(course)], "report": True}
    cache = tmp_path / "cache"
    for _ in range(2):  # cold, then from the saved state
        result, _asked = run_process(settings, cache)
        text = result.pop("report_text")
        assert json.loads(text) == result
        assert text.startswith('{\n  "') and text.endswith("\n}\n")


@pytest.mark.parametrize(
    "value",
    [
        {},
        [],
        "text",
        -1.5,
        1e-07,
        None,
        {"a": {"b": [1, 2.5, None, True, False, [], {}], "c": [1, [2, {"d": "e"}]]}},
        {'quote"back\\slash\nline\ttab\u2028\x00': "é ü 漢字 \U0001f600"},
        # what orjson refuses goes to json.dumps
        {"big": 12345678901234567890},
        {7: "int key"},
    ],
)
def test_the_json_report_holds_the_values_as_json_dumps_does(value) -> None:
    text = json_document(value).decode()
    assert text.endswith("\n")
    assert json.loads(text) == json.loads(json.dumps(value, indent=2, ensure_ascii=False))
    # indented as json.dumps indents: the same lines, but for how a float is spelled
    if not any(isinstance(v, float) for v in _leaves(value)):
        assert text == json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def _leaves(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


def test_the_folder_search_finds_what_it_found(tmp_path) -> None:
    top = tmp_path / "top"
    GitRepo(top / "a").commit("a", ALICE, {"a.txt": "a\n"})
    GitRepo(top / "a" / "vendor" / "nested").commit("n", ALICE, {"n.txt": "n\n"})
    GitRepo(top / "deep" / "er" / "b").commit("b", ALICE, {"b.txt": "b\n"})
    GitRepo(top / ".hidden" / "c").commit("c", ALICE, {"c.txt": "c\n"})
    subprocess.run(["git", "init", "-q", "--bare", str(top / "bare.git")], check=True)
    (top / "links").mkdir()
    (top / "links" / "to-a").symlink_to(top / "a")  # the same repository again
    (top / "links" / "loop").symlink_to(top)  # a cycle
    (top / "links" / "broken").symlink_to(top / "nowhere")
    (top / "fake").mkdir()
    (top / "fake" / "HEAD").mkdir()  # not a file: not a bare repository
    (top / "fake" / "objects").mkdir()
    (top / "fake" / "refs").mkdir()
    found = search(str(top), 5)
    assert set(found) == {
        str(top / "a"),
        str(top / "a" / "vendor" / "nested"),
        str(top / "deep" / "er" / "b"),
        str(top / "bare.git"),
    }
    assert found == sorted(found)
    # the depth bounds the search; a repository at the last level is still seen
    assert set(search(str(top), 3)) == {
        str(top / "a"),
        str(top / "a" / "vendor" / "nested"),
        str(top / "deep" / "er" / "b"),
        str(top / "bare.git"),
    }
    assert set(search(str(top), 2)) == {str(top / "a"), str(top / "bare.git")}
    assert search(str(top / "a"), 0) == [str(top / "a")]

"""Commit details (hover, `gitinspector.showCommit`) come from the daemon's own git run:
the whole message, the parents, and what the commit did to the document's file, renames
followed (what the engine's get_commit_details asserted, now of the one git owner)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.gitrepo import build_rich_repo, run_git


@pytest.fixture(scope="module")
def rich_repo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("rich") / "proj"
    build_rich_repo(path)
    return path


def show(client, uri: str, sha: str) -> dict:
    return client.request(
        "workspace/executeCommand", {"command": "gitinspector.showCommit", "arguments": [uri, sha]}
    )


def test_details_of_a_rename_a_root_commit_and_an_unknown_sha(start_daemon, rich_repo) -> None:
    client = start_daemon()
    client.initialize(rich_repo)
    app = client.open_document(rich_repo / "src/app.py")
    sha = run_git(rich_repo, "log", "-1", "--format=%H", "--grep=rename main.py").strip()
    d = show(client, app, sha)
    assert d["sha"] == sha
    assert d["author"] == "Carol" and d["summary"] == "rename main.py to app.py"
    assert d["message"] == "rename main.py to app.py"
    assert d["parents"] == [run_git(rich_repo, "rev-parse", f"{sha}^").strip()]
    num = run_git(rich_repo, "log", "-1", "-M", "--numstat", "--format=", sha).split("\t")
    assert d["file"] == {"path": "src/app.py", "insertions": int(num[0]), "deletions": int(num[1])}

    readme = client.open_document(rich_repo / "README.md")
    assert show(client, readme, sha)["file"] is None
    root = run_git(rich_repo, "rev-list", "--max-parents=0", "HEAD").strip()
    d = show(client, readme, root[:10])
    assert d["sha"] == root and d["parents"] == []
    assert d["file"] == {"path": "README.md", "insertions": 5, "deletions": 0}
    _, unknown = client.send_request(
        "workspace/executeCommand",
        {"command": "gitinspector.showCommit", "arguments": [readme, "0123456789abcdef"]},
    )
    error = unknown.result(timeout=30)["error"]
    assert "git show 0123456789abcdef failed: fatal: " in error["message"]

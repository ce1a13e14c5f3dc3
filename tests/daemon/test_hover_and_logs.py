"""The hover (its `hover.enabled` setting, its date as `dateFormat` says, its actions as
command links) and where the daemon's log lines go: INFO to the editor as
`window/logMessage` type 3, not to stderr."""

from __future__ import annotations

import datetime
import json
import re
import time
import urllib.parse
from pathlib import Path

import pytest
from support.gitrepo import GitRepo
from support.oracle import blame_commits

ALICE = ("Alice", "alice@example.com")
BOB = ("Bob", "bob@example.com")


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    r = GitRepo(tmp_path / "repo")
    r.commit("first\n\nWith a body.", ALICE, {"a.py": "one\ntwo\nthree\n"})
    r.commit("second", BOB, {"a.py": "one\n2\nthree\n"})
    return r


def hover(client, uri: str, line: int) -> dict | None:
    return client.request(
        "textDocument/hover",
        {"textDocument": {"uri": uri}, "position": {"line": line, "character": 0}},
    )


def test_hover_links_date_and_setting(start_daemon, repo):
    client = start_daemon()
    client.initialize(repo.root, options={"dateFormat": "%Y-%m-%d %H:%M"})
    uri = client.open_document(repo.root / "a.py")
    sha = blame_commits(repo.root, "a.py")[1]
    text = hover(client, uri, 1)["contents"]["value"]
    when = int(repo.git("log", "-1", "--format=%at", sha))
    assert datetime.datetime.fromtimestamp(when).strftime("%Y-%m-%d %H:%M") in text
    assert text.startswith(f"**{BOB[0]}** <{BOB[1]}>") and f"`{sha[:12]}`" in text
    links = dict(re.findall(r"\[([^\]]+)\]\(command:([^)]+)\)", text))
    assert set(links) == {"Show commit", "Diff of this change", "Copy sha"}

    def decoded(target: str) -> tuple[str, list]:
        name, _, args = target.partition("?")
        return name, json.loads(urllib.parse.unquote(args))

    assert decoded(links["Show commit"]) == ("gitinspector.showCommit", [uri, sha])
    assert decoded(links["Diff of this change"]) == (
        "gitinspector.showCommit",
        [uri, sha, {"file": True, "line": 1}],  # the line hovered: the diff opens there
    )
    assert decoded(links["Copy sha"]) == ("gitinspector.copySha", [sha])
    # showCommit gives the same text (for a client that shows it on its own annotation).
    shown = client.request(
        "workspace/executeCommand", {"command": "gitinspector.showCommit", "arguments": [uri, 1]}
    )
    assert shown["markdown"] == text

    # An uncommitted line: the one wording, no actions.
    client.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": "zero\n"}]},
    )
    text = hover(client, uri, 0)["contents"]["value"]
    assert text.startswith("**Not Committed Yet**") and "command:" not in text

    client.notify(
        "workspace/didChangeConfiguration",
        {"settings": {"gitinspector": {"hover": {"enabled": False}}}},
    )
    assert hover(client, uri, 0) is None


def test_info_lines_go_to_the_editor_not_to_stderr(start_daemon, repo):
    client = start_daemon()
    client.initialize(repo.root)
    uri = client.open_document(repo.root / "a.py")
    client.request("gitinspector/blame", {"textDocument": {"uri": uri}})
    repo.commit("third", ALICE, {"a.py": "1\n2\n3\n"})
    client.request("gitinspector/blame", {"textDocument": {"uri": uri}})
    moved = client.wait_for(
        lambda m: m["method"] == "window/logMessage" and "HEAD moved" in m["params"]["message"]
    )
    assert moved["params"]["type"] == 3
    assert repo.head() in moved["params"]["message"]
    started = client.wait_for(
        lambda m: m["method"] == "window/logMessage" and "serving LSP" in m["params"]["message"]
    )
    assert started["params"]["type"] == 3
    assert client.shutdown() == 0
    time.sleep(0.1)
    assert " INFO " not in client.stderr_path.read_text(errors="replace")


def test_gitinspector_log_still_sets_what_stderr_gets(start_daemon, repo):
    client = start_daemon({"GITINSPECTOR_LOG": "info"})
    client.initialize(repo.root)
    assert client.shutdown() == 0
    assert "serving LSP on stdio" in client.stderr_path.read_text(errors="replace")

"""A `.mailmap` changes every name an answer shows: committed or not, every cache that
holds names (blame in memory and on disk, carried over to a new HEAD, finished analyses,
commit details) follows it, as `git blame` does."""

from __future__ import annotations

from pathlib import Path

from support.gitrepo import GitRepo

ALICE = ("Alice", "alice@example.com")
BOB = ("Bob", "bob@example.com")


def authors(client, uri: str) -> set[str]:
    answer = client.request("gitinspector/blame", {"textDocument": {"uri": uri}})
    used = {answer["runs"][i + 1] for i in range(0, len(answer["runs"]), 2)}
    return {answer["commits"][i]["author"] for i in used}


def analysis_names(client, root: Path) -> set[str]:
    result = client.request("gitinspector/executeAnalysis", {"input_fstrs": [str(root)]})
    return {a["name"] for a in result["repositories"][0]["authors"]}


def hover_text(client, uri: str) -> str:
    hover = client.request(
        "textDocument/hover",
        {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}},
    )
    return hover["contents"]["value"]


def test_a_mailmap_renames_people_in_every_answer(start_daemon, tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.commit("one", ALICE, {"a.py": "x = 1\n", "b.py": "y = 2\n"})
    client = start_daemon()
    client.initialize(repo.root)
    uri = client.open_document(repo.root / "a.py")
    assert authors(client, uri) == {"Alice"}
    assert "Alice" in hover_text(client, uri)
    assert analysis_names(client, repo.root) == {"Alice"}

    # a commit that touches only .mailmap: a.py's blame is carried over to the
    # new HEAD, but its names must follow the mailmap
    repo.commit("mailmap", BOB, {".mailmap": "Alice Cooper <alice@example.com>\n"})
    assert authors(client, uri) == {"Alice Cooper"}
    assert "Alice Cooper" in hover_text(client, uri)
    assert "Alice Cooper" in analysis_names(client, repo.root)

    # an uncommitted change to .mailmap: git blame uses the work tree's
    (repo.root / ".mailmap").write_text("A. Cooper <alice@example.com>\n")
    assert authors(client, uri) == {"A. Cooper"}
    assert "A. Cooper" in hover_text(client, uri)
    assert "A. Cooper" in analysis_names(client, repo.root)
    assert client.shutdown() == 0

    # a restarted daemon (blame from the disk cache) and a mailmap removed again
    client = start_daemon()
    client.initialize(repo.root)
    uri = client.open_document(repo.root / "a.py")
    assert authors(client, uri) == {"A. Cooper"}
    (repo.root / ".mailmap").unlink()
    assert authors(client, uri) == {"Alice"}

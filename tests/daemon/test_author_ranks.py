"""Each commit in a blame answer carries its author's rank in the file (0 = most committed
lines): clients colour authors by rank, so a file's main authors never share a colour, and
the rank stays put while the user types."""

from __future__ import annotations

from pathlib import Path

from support.gitrepo import GitRepo

ALICE = ("Alice", "alice@example.com")
BOB = ("Bob", "bob@example.com")
CAROL = ("Carol", "carol@example.com")


def ranks(answer: dict) -> dict[str, int | None]:
    return {c["author"]: c["authorRank"] for c in answer["commits"]}


def test_authors_are_ranked_by_committed_lines(start_daemon, tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    lines = [f"line {i}\n" for i in range(9)]
    repo.commit("a", CAROL, {"f.txt": "".join(lines[:1])})
    repo.commit("b", BOB, {"f.txt": "".join(lines[:4])})
    repo.commit("c", ALICE, {"f.txt": "".join(lines)})
    client = start_daemon()
    client.initialize(repo.root)
    uri = client.open_document(repo.root / "f.txt")
    answer = client.request("gitinspector/blame", {"textDocument": {"uri": uri}})
    assert ranks(answer) == {"Alice": 0, "Bob": 1, "Carol": 2, "Not Committed Yet": None}
    # five new lines of the user's: committed ranks do not move
    client.notify(
        "textDocument/didChange",
        {
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"text": "".join(lines) + "mine\n" * 5}],
        },
    )
    answer = client.request("gitinspector/blame", {"textDocument": {"uri": uri}})
    assert ranks(answer) == {"Alice": 0, "Bob": 1, "Carol": 2, "Not Committed Yet": None}

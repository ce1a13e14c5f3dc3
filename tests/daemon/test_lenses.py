"""Code lenses over stdio: only committed lines have authors, the block lens's command
covers the block, no lens on imports or short blocks (`codeLens.minBlockLines`), lenses go
above attributes, decorators and doc comments, and a block on line 0 leaves the line to
the file lens. Expected authors come from plain `git blame`."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from support.gitrepo import GitRepo
from support.oracle import blame_authors

ALICE = ("Alice", "alice@example.com")
BOB = ("Bob", "bob@example.com")

PYTHON = (
    "from os import (\n"  # 0: an import over three lines
    "    path,\n"
    ")\n"
    "\n"
    "# Doubles things.\n"  # 4: comment, decorator, then the def
    "@decorator\n"
    "def double(x):\n"
    "    y = x * 2\n"
    "    return y\n"
    "\n"
    "def short(x):\n"  # 10: two lines
    "    return x\n"
    "\n"
    "class Box:\n"  # 13
    "    size = 1\n"
    "\n"
    "    @property\n"  # 16
    "    def area(self):\n"
    "        a = self.size\n"
    "        return a * a\n"
)

RUST = (
    "use std::{\n"  # 0: a use over four lines
    "    fmt,\n"
    "    io,\n"
    "};\n"
    "\n"
    "/// A point.\n"  # 5: doc comment and attribute above the struct
    "#[derive(Debug)]\n"
    "struct P {\n"
    "    x: u8,\n"
    "}\n"
)


def lenses(client, uri: str) -> list[dict]:
    return client.request("textDocument/codeLens", {"textDocument": {"uri": uri}}) or []


def by_line(found: list[dict]) -> dict[int, dict]:
    lines = [lens["range"]["start"]["line"] for lens in found]
    assert len(lines) == len(set(lines)), "two lenses on one line"
    return {lens["range"]["start"]["line"]: lens for lens in found}


def run(client, lens: dict) -> dict:
    return client.request(
        "workspace/executeCommand",
        {"command": lens["command"]["command"], "arguments": lens["command"]["arguments"]},
    )


def change(client, uri: str, version: int, line: int, end_line: int, text: str) -> None:
    client.notify(
        "textDocument/didChange",
        {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [
                {
                    "range": {
                        "start": {"line": line, "character": 0},
                        "end": {"line": end_line, "character": 0},
                    },
                    "text": text,
                }
            ],
        },
    )


def configure(client, settings: dict) -> None:
    client.notify("workspace/didChangeConfiguration", {"settings": {"gitinspector": settings}})


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    r = GitRepo(tmp_path / "repo")
    r.commit("python", ALICE, {"m.py": PYTHON, "lib.rs": RUST})
    r.commit("bob edits", BOB, {"m.py": PYTHON.replace("y = x * 2", "y = x + x")})
    return r


def shares(names: list[str]) -> str:
    counts = Counter(names)
    total = len(names)
    order = sorted(counts, key=lambda n: (-counts[n], n))
    return ", ".join(f"{n} {(counts[n] * 100 + total // 2) // total}%" for n in order)


def test_uncommitted_lines_are_no_author(lsp, repo):
    uri = lsp.open_document(repo.root / "m.py")
    authors = blame_authors(repo.root, "m.py")
    title = by_line(lenses(lsp, uri))[0]["command"]["title"]
    assert title.startswith(f"2 authors · {shares(authors)} · last change {BOB[0]}, ")

    # Replace Bob's line and add two lines: they count for no one.
    bob_line = authors.index(BOB[0])
    change(lsp, uri, 2, bob_line, bob_line + 1, "    y = 3 * x\n    z = 1\n    w = 2\n")
    committed = authors[:bob_line] + authors[bob_line + 1 :]
    title = by_line(lenses(lsp, uri))[0]["command"]["title"]
    assert title == f"1 author · {shares(committed)} · last change Not Committed Yet"
    assert "Not Committed Yet %" not in title and "Not Committed Yet " not in title.split("·")[1]
    data = run(lsp, by_line(lenses(lsp, uri))[0])
    assert [a["name"] for a in data["authors"]] == [ALICE[0]]
    assert data["uncommittedLines"] == 3 and data["committedLines"] == len(committed)
    assert data["authors"][0]["percent"] == 100
    assert data["range"] is None

    # A block with an edited line; a file and a block with no committed line.
    block = by_line(lenses(lsp, uri))[4]
    assert block["command"]["title"].endswith("last change Not Committed Yet")
    new = repo.root / "new.py"
    new.write_text("def f():\n    a = 1\n    return a\n")
    new_uri = lsp.open_document(new)
    found = by_line(lenses(lsp, new_uri))
    assert found[0]["command"]["title"] == "Not Committed Yet"
    configure(lsp, {"codeLens": {"file": False}})
    assert by_line(lenses(lsp, new_uri))[0]["command"]["title"] == "Not Committed Yet"
    hint = lsp.request(
        "textDocument/inlayHint",
        {
            "textDocument": {"uri": new_uri},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
        },
    )
    assert hint is None  # off by default
    configure(lsp, {"inlayHints": {"enabled": True}})
    hint = lsp.request(
        "textDocument/inlayHint",
        {
            "textDocument": {"uri": new_uri},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
        },
    )
    assert [h["label"] for h in hint] == ["Not Committed Yet"]


def test_block_lens_commands_cover_their_block(lsp, repo):
    uri = lsp.open_document(repo.root / "m.py")
    authors = blame_authors(repo.root, "m.py")
    found = by_line(lenses(lsp, uri))
    assert found[0]["command"]["arguments"] == [uri]
    blocks = {line: lens for line, lens in found.items() if line != 0}
    assert set(blocks) == {4, 13, 16}
    for line, lens in blocks.items():
        command_uri, start, end = lens["command"]["arguments"]
        assert (command_uri, start) == (uri, line)
        data = run(lsp, lens)
        assert data["range"] == {"startLine": start, "endLine": end}
        expected = Counter(authors[start : end + 1])
        assert {a["name"]: a["lines"] for a in data["authors"]} == expected
        assert data["lines"] == end - start + 1 == data["committedLines"]
        names = sorted(expected, key=lambda n: (-expected[n], n))
        assert lens["command"]["title"].startswith(", ".join(names) + " · last change ")
    # The def with its comment and decorator ends with its body; the class with its last line.
    assert blocks[4]["command"]["arguments"][2] == 8
    assert blocks[13]["command"]["arguments"][2] == 19
    # A range outside the document is refused.
    error = lsp.send_request(
        "workspace/executeCommand",
        {"command": "gitinspector.fileAuthors", "arguments": [uri, 30, 40]},
    )[1].result(timeout=30)["error"]
    assert error["code"] == -32602


def test_no_lens_on_imports_or_short_blocks_and_min_block_lines(lsp, repo):
    uri = lsp.open_document(repo.root / "m.py")
    found = by_line(lenses(lsp, uri))
    assert 10 not in found, "two-line def: shorter than minBlockLines (3)"
    assert set(found) == {0, 4, 13, 16}  # the import block (0-2) has none either
    rust = lsp.open_document(repo.root / "lib.rs", language_id="rust")
    rust_found = by_line(lenses(lsp, rust))
    assert set(rust_found) == {0, 5}, "no lens on `use`; the struct's above its doc comment"

    configure(lsp, {"codeLens": {"minBlockLines": 2}})
    assert set(by_line(lenses(lsp, uri))) == {0, 4, 10, 13, 16}
    configure(lsp, {"codeLens": {"minBlockLines": 4}})
    # double and area are 3 lines from their def; Box is 7.
    assert set(by_line(lenses(lsp, uri))) == {0, 13}
    configure(lsp, {"codeLens": {"minBlockLines": 3, "file": False}})
    assert set(by_line(lenses(lsp, rust))) == {5}, "still none on the import"


def test_lenses_go_above_attributes_decorators_and_doc_comments(lsp, repo):
    java = (
        "package p;\n"
        "\n"
        "import java.util.List;\n"
        "\n"
        "class A {\n"
        "    /**\n"
        "     * Text.\n"
        "     */\n"
        "    @Override\n"
        "    public String toString() {\n"
        '        return "a";\n'
        "    }\n"
        "}\n"
    )
    repo.commit("java", ALICE, {"A.java": java})
    uri = lsp.open_document(repo.root / "A.java", language_id="java")
    found = by_line(lenses(lsp, uri))
    assert set(found) == {0, 4, 5}
    assert found[5]["command"]["arguments"][1:] == [5, 11]
    # Editor-supplied blocks that start at the item move up over what belongs to it.
    lsp.notify(
        "gitinspector/setBlocks",
        {
            "textDocument": {"uri": uri},
            "blocks": [{"startLine": 9, "endLine": 11, "name": "toString", "kind": "method"}],
        },
    )
    found = by_line(lenses(lsp, uri))
    assert set(found) == {0, 5}
    assert found[5]["command"]["arguments"][1:] == [5, 11]


def test_a_block_on_line_0_leaves_the_line_to_the_file_lens(lsp, repo):
    source = "def first():\n    a = 1\n    return a\n\n\ndef second():\n    b = 2\n    return b\n"
    repo.commit("top", BOB, {"top.py": source})
    uri = lsp.open_document(repo.root / "top.py")
    found = by_line(lenses(lsp, uri))
    assert set(found) == {0, 5}
    assert found[0]["command"]["arguments"] == [uri], "line 0 is the file lens"
    configure(lsp, {"codeLens": {"file": False}})
    found = by_line(lenses(lsp, uri))
    assert set(found) == {0, 5}
    assert found[0]["command"]["arguments"] == [uri, 0, 2], "without the file lens: the block's"

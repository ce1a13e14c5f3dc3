"""The editor path on files shaped as in real repositories: unchanged CRLF, mixed-ending,
byte-order-mark, no-final-newline and Latin-1 files keep their commits whichever way an
editor decoded them, and a file whose name is not UTF-8 is blamed like any other."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support import corpus
from support.blame import line_shas
from support.gitrepo import GitRepo
from support.oracle import blame_authors, blame_commits
from support.rpc import editor_text


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return corpus.build(tmp_path_factory.mktemp("shapes") / "proj", corpus.PRESETS["project-tiny"])


def blame(client, path: Path, text: str | None = None, version: int = 1) -> list[str]:
    uri = client.open_document(path, text=text, version=version)
    return line_shas(client.request("gitinspector/blame", {"textDocument": {"uri": uri}}))


@pytest.mark.parametrize(
    "rel",
    [b"win/crlf.txt", b"win/mixed.txt", b"bom.py", b"no_newline.txt", b"src/pkg0/mod_000.py"],
)
def test_unchanged_files_keep_their_commits(start_daemon, project: Path, rel: bytes) -> None:
    client = start_daemon()
    client.initialize(project)
    path = project / os.fsdecode(rel)
    assert blame(client, path) == blame_commits(project, rel)


@pytest.mark.parametrize("rel", [b"win/mixed.txt", b"win/crlf.txt"])
@pytest.mark.parametrize("eol", ["\n", "\r\n"])
def test_an_editor_that_normalised_line_endings_still_sees_commits(
    start_daemon, project: Path, rel: bytes, eol: str
) -> None:
    client = start_daemon()
    client.initialize(project)
    path = project / os.fsdecode(rel)
    text = editor_text(path.read_bytes()).replace("\r\n", "\n").replace("\n", eol)
    assert blame(client, path, text) == blame_commits(project, rel)


@pytest.mark.parametrize("encoding", ["utf-8", "latin-1"])
def test_latin1_text_keeps_its_commits_however_the_editor_decoded_it(
    start_daemon, project: Path, encoding: str
) -> None:
    # VS Code assumes UTF-8 (U+FFFD); Neovim falls back to latin1
    client = start_daemon()
    client.initialize(project)
    path = project / "latin1.txt"
    text = editor_text(path.read_bytes(), encoding)
    assert blame(client, path, text) == blame_commits(project, b"latin1.txt")
    lines = text.split("\n")
    lines[1] += " edited"
    shas = blame(client, path, "\n".join(lines), version=2)
    assert shas[0] == blame_commits(project, b"latin1.txt")[0]
    assert shas[1] == "0" * 40, "the edited line is not committed"


def test_a_file_whose_name_is_not_utf8_is_blamed(start_daemon, project: Path) -> None:
    client = start_daemon()
    client.initialize(project)
    path = project / os.fsdecode(corpus.LATIN1_NAME)
    uri = client.open_document(path, text=editor_text(path.read_bytes(), "latin-1"))
    assert "%E9" in uri
    answer = client.request("gitinspector/blame", {"textDocument": {"uri": uri}})
    assert line_shas(answer) == blame_commits(project, corpus.LATIN1_NAME)
    assert "0" * 40 not in line_shas(answer)
    assert answer["path"] == "donn\xe9es/caf\xe9.txt", "shown with a readable name"


def test_a_repository_in_a_folder_whose_name_is_not_utf8_is_analyzed(
    start_daemon, tmp_path: Path
) -> None:
    """The workspace and repository-authors commands on a repository in a Latin-1 named
    folder (an editor sends its URI percent-encoded): its numbers, with a readable path."""
    folder = tmp_path / os.fsdecode(b"r\xe9po")
    repo = GitRepo(folder)
    repo.commit("one", ("Alice", "alice@example.com"), {"a.py": "x = 1\ny = 2\n"})
    repo.commit("two", ("Bob", "bob@example.com"), {"a.py": "x = 1\ny = 3\n"})
    client = start_daemon()
    client.initialize(folder)
    uri = client.open_document(folder / "a.py")
    assert "%E9" in uri
    lines: dict[str, int] = {}
    for author in blame_authors(folder, "a.py"):
        lines[author] = lines.get(author, 0) + 1
    for command, arguments in [
        ("gitinspector.repositoryAuthors", [uri]),
        ("gitinspector.analyzeWorkspace", []),
    ]:
        result = client.request(
            "workspace/executeCommand", {"command": command, "arguments": arguments}
        )
        (analyzed,) = result["repositories"]
        assert analyzed["path"] == str(tmp_path) + "/r\xe9po", command
        assert {a["name"]: a["lines"] for a in analyzed["authors"]} == lines, command
    # Every editor feature in that folder answers (the repository shown readable).
    blame = client.request("gitinspector/blame", {"textDocument": {"uri": uri}})
    assert line_shas(blame) == blame_commits(folder, "a.py")
    assert blame["repository"] == str(tmp_path) + "/r\xe9po"
    for command, arguments in [
        ("gitinspector.fileAuthors", [uri]),
        ("gitinspector.showCommit", [uri, 1]),
        ("gitinspector.blamePrior", [uri, 1]),
        ("gitinspector.lineHistory", [uri, 1, 1]),
        ("gitinspector.fileHistory", [uri]),
    ]:
        answer = client.request(
            "workspace/executeCommand", {"command": command, "arguments": arguments}
        )
        assert answer, command
    assert client.request("textDocument/codeLens", {"textDocument": {"uri": uri}})

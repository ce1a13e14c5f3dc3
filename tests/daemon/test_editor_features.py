"""Editor features over plain LSP: document blame that follows edits and
commits, hovers, code lenses, inlay hints, commands. Every response is
checked against lsprotocol's types (an independent LSP implementation)."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
from lsprotocol import types
from lsprotocol.converters import get_converter
from support.blame import apply_answer, line_shas
from support.gitrepo import GitRepo
from support.oracle import blame_authors, blame_commits

ALICE = ("Alice Example", "alice@example.com")
BOB = ("Bob Builder", "bob@example.com")
NOT_COMMITTED = "0" * 40
CAPABILITIES = {
    "window": {"workDoneProgress": True},
    "workspace": {
        "codeLens": {"refreshSupport": True},
        "inlayHint": {"refreshSupport": True},
        "didChangeWatchedFiles": {"dynamicRegistration": True},
    },
}
converter = get_converter()


def typed(value, cls):
    """Structure a response with lsprotocol: malformed responses raise."""
    return converter.structure(value, cls)


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    r = GitRepo(tmp_path / "repo")
    r.git("config", "user.name", BOB[0])
    r.git("config", "user.email", BOB[1])
    r.commit(
        "Add module\n\nLonger explanation of the module.",
        ALICE,
        {
            "mod.py": "import os\n\ndef f(x):\n    y = x + 1\n    return y\n\n\nclass C:\n"
            "    a = 1\n    b = 2\n",
            "other.txt": "o\n",
        },
    )
    r.commit(
        "Tweak f",
        BOB,
        {
            "mod.py": "import os\n\ndef f(x):\n    y = x + 2\n    return y\n\n\n"
            "class C:\n    a = 1\n    b = 2\n"
        },
    )
    return r


@pytest.fixture
def lsp(start_daemon, repo):
    client = start_daemon()
    client.initialize(
        repo.root, capabilities=CAPABILITIES, options={"inlayHints": {"enabled": True}}
    )
    return client


def commit_table(blame: dict) -> dict[str, dict]:
    return {c["sha"]: c for c in blame["commits"]}


def test_blame_equals_git_blame_line_by_line(lsp, repo):
    uri = lsp.open_document(repo.root / "mod.py")
    blame = lsp.request("gitinspector/blame", {"textDocument": {"uri": uri}})
    assert blame["version"] == 1 and blame["revision"] == repo.head()
    assert blame["path"] == "mod.py" and blame["repository"] == str(repo.root)
    assert line_shas(blame) == blame_commits(repo.root, "mod.py")
    table = commit_table(blame)
    authors = [table[sha]["author"] for sha in line_shas(blame)]
    assert authors == blame_authors(repo.root, "mod.py")
    # The repository's user is Bob: his commits are marked as the current user's.
    assert blame["currentUser"]["email"] == BOB[1]
    # The commit table ends with the not-committed entry, used or not.
    assert blame["commits"][-1]["sha"] == NOT_COMMITTED
    assert {c["author"]: c["isCurrentUser"] for c in blame["commits"][:-1]} == {
        ALICE[0]: False,
        BOB[0]: True,
    }


def test_edits_make_exactly_the_edited_lines_not_committed(lsp, repo):
    uri = lsp.open_document(repo.root / "mod.py")
    before = line_shas(lsp.request("gitinspector/blame", {"textDocument": {"uri": uri}}))
    # Edit line 4 ("    return y") in place and insert a new line after line 0.
    lsp.notify(
        "textDocument/didChange",
        {
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [
                {
                    "range": {
                        "start": {"line": 4, "character": 11},
                        "end": {"line": 4, "character": 12},
                    },
                    "text": "y * 2",
                },
                {
                    "range": {
                        "start": {"line": 1, "character": 0},
                        "end": {"line": 1, "character": 0},
                    },
                    "text": "import sys\n",
                },
            ],
        },
    )
    after = lsp.request("gitinspector/blame", {"textDocument": {"uri": uri}})
    assert after["version"] == 2
    lines = line_shas(after)
    expected = before[:1] + [NOT_COMMITTED] + before[1:4] + [NOT_COMMITTED] + before[5:]
    assert lines == expected
    assert commit_table(after)[NOT_COMMITTED]["author"] == "Not Committed Yet"
    # Following edits did not run git again: one blame computed (a miss), the rest hits.
    stats = lsp.request("gitinspector/getPerformanceStats")
    assert stats["blame_cache"]["entries"] == 1


def test_untracked_and_outside_files(lsp, repo, tmp_path):
    (repo.root / "new.py").write_text("a\nb\n")
    uri = lsp.open_document(repo.root / "new.py")
    blame = lsp.request("gitinspector/blame", {"textDocument": {"uri": uri}})
    assert line_shas(blame) == [NOT_COMMITTED, NOT_COMMITTED]

    outside = tmp_path / "outside" / "x.py"
    outside.parent.mkdir()
    outside.write_text("print(1)\n")
    out_uri = lsp.open_document(outside)
    blame = lsp.request("gitinspector/blame", {"textDocument": {"uri": out_uri}})
    assert blame["repository"] is None and blame["runs"] == []
    assert lsp.request("textDocument/codeLens", {"textDocument": {"uri": out_uri}}) is None
    hints = lsp.request(
        "textDocument/inlayHint",
        {
            "textDocument": {"uri": out_uri},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 1, "character": 0}},
        },
    )
    assert hints is None
    hover = lsp.request(
        "textDocument/hover",
        {"textDocument": {"uri": out_uri}, "position": {"line": 0, "character": 0}},
    )
    assert hover is None
    errors = [
        n
        for n in lsp.notifications
        if n["method"] == "window/showMessage" and n["params"]["type"] == 1
    ]
    assert errors == []


def test_hover_shows_commit_details(lsp, repo):
    uri = lsp.open_document(repo.root / "mod.py")
    hover = typed(
        lsp.request(
            "textDocument/hover",
            {"textDocument": {"uri": uri}, "position": {"line": 2, "character": 1}},
        ),
        types.Hover,
    )
    text = hover.contents.value
    sha = blame_commits(repo.root, "mod.py")[2]
    assert sha[:12] in text
    assert ALICE[0] in text and ALICE[1] in text
    assert "Longer explanation of the module." in text
    added, removed = repo.git("show", "--numstat", "--format=", sha, "--", "mod.py").split()[:2]
    assert f"This commit: +{added} −{removed} lines of this file." in text
    assert "ago" in text  # relative date


def test_code_lenses_name_authors_per_file_and_block(lsp, repo):
    uri = lsp.open_document(repo.root / "mod.py")
    lenses = typed(
        lsp.request("textDocument/codeLens", {"textDocument": {"uri": uri}}), list[types.CodeLens]
    )
    authors = blame_authors(repo.root, "mod.py")
    file_lens = lenses[0]
    assert file_lens.range.start.line == 0
    share = {a: round(100 * authors.count(a) / len(authors)) for a in set(authors)}
    assert file_lens.command.title.startswith("2 authors · ")
    for name, pct in share.items():
        assert f"{name} {pct}%" in file_lens.command.title
    assert f"last change {BOB[0]}" in file_lens.command.title
    assert file_lens.command.command == "gitinspector.fileAuthors"
    blocks = {lens.range.start.line: lens.command.title for lens in lenses[1:]}
    assert set(blocks) == {2, 7}  # def f, class C

    def by_lines(names: list[str]) -> str:
        return ", ".join(sorted(set(names), key=lambda n: (-names.count(n), n)))

    assert blocks[2].startswith(f"{by_lines(authors[2:5])} · last change {BOB[0]}")
    assert blocks[7].startswith(f"{by_lines(authors[7:10])} · last change {ALICE[0]}")
    # The lens command returns data to plain clients.
    data = lsp.request(
        "workspace/executeCommand",
        {"command": file_lens.command.command, "arguments": file_lens.command.arguments},
    )
    assert {a["name"]: a["lines"] for a in data["authors"]} == {
        a: authors.count(a) for a in set(authors)
    }


def test_inlay_hints_show_end_of_line_blame(lsp, repo):
    uri = lsp.open_document(repo.root / "mod.py")
    hints = typed(
        lsp.request(
            "textDocument/inlayHint",
            {
                "textDocument": {"uri": uri},
                "range": {"start": {"line": 0, "character": 0}, "end": {"line": 4, "character": 0}},
            },
        ),
        list[types.InlayHint],
    )
    assert [h.position.line for h in hints] == [0, 1, 2, 3, 4]
    lines = (repo.root / "mod.py").read_text().splitlines()
    authors = blame_authors(repo.root, "mod.py")
    for hint in hints:
        assert hint.position.character == len(lines[hint.position.line])
        assert hint.label.startswith(authors[hint.position.line] + ", ")
    assert "Tweak f" in hints[3].label


def test_new_commit_refreshes_blame_and_asks_for_redraw(lsp, repo):
    uri = lsp.open_document(repo.root / "mod.py")
    other_uri = lsp.open_document(repo.root / "other.txt")
    lsp.request("gitinspector/blame", {"textDocument": {"uri": uri}})
    lsp.request("gitinspector/blame", {"textDocument": {"uri": other_uri}})
    assert any(r["method"] == "client/registerCapability" for r in lsp.server_requests)

    def refreshes() -> int:
        return sum(r["method"] == "workspace/codeLens/refresh" for r in lsp.server_requests)

    before = refreshes()  # applying the initial configuration redraws too

    def inlay_refreshes() -> int:
        return sum(r["method"] == "workspace/inlayHint/refresh" for r in lsp.server_requests)

    inlay_before = inlay_refreshes()
    new_text = (repo.root / "mod.py").read_text().replace("a = 1", "a = 10")
    repo.commit("Change a", ALICE, {"mod.py": new_text})
    lsp.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": new_text}]},
    )
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        {"changes": [{"uri": (repo.root / ".git" / "HEAD").as_uri(), "type": 2}]},
    )
    # The two redraw requests are sent one after the other: wait for both.
    deadline = time.monotonic() + 10
    while refreshes() == before or inlay_refreshes() == inlay_before:
        assert time.monotonic() < deadline, (
            f"no redraw after a commit: {refreshes() - before} codeLens, "
            f"{inlay_refreshes() - inlay_before} inlayHint refreshes"
        )
        time.sleep(0.05)
    blame = lsp.request("gitinspector/blame", {"textDocument": {"uri": uri}})
    assert blame["revision"] == repo.head()
    assert line_shas(blame) == blame_commits(repo.root, "mod.py")
    assert NOT_COMMITTED not in line_shas(blame)
    lenses = lsp.request("textDocument/codeLens", {"textDocument": {"uri": uri}})
    assert "last change Alice Example" in lenses[0]["command"]["title"]
    # other.txt was not touched by the commit: its blame was carried over, not recomputed.
    misses = lsp.request("gitinspector/getPerformanceStats")["cache"]["misses"]
    lsp.request("gitinspector/blame", {"textDocument": {"uri": other_uri}})
    assert lsp.request("gitinspector/getPerformanceStats")["cache"]["misses"] == misses


def test_show_commit_and_repository_authors_commands(lsp, repo):
    uri = lsp.open_document(repo.root / "mod.py")
    sha = blame_commits(repo.root, "mod.py")[3]
    details = lsp.request(
        "workspace/executeCommand", {"command": "gitinspector.showCommit", "arguments": [uri, 3]}
    )
    assert details["sha"] == sha and details["summary"] == "Tweak f"
    assert details["author"] == BOB[0]
    analysis = lsp.request(
        "workspace/executeCommand",
        {"command": "gitinspector.repositoryAuthors", "arguments": [uri]},
    )
    (analyzed,) = analysis["repositories"]
    lines = {}
    for path in repo.git("ls-files").split():
        for author in blame_authors(repo.root, path):
            lines[author] = lines.get(author, 0) + 1
    assert {a["name"]: a["lines"] for a in analyzed["authors"]} == lines


def test_analyze_workspace_command_reports_progress_and_can_be_cancelled(lsp, repo, tmp_path):
    from support import corpus

    big = corpus.build(tmp_path / "big", corpus.PRESETS["small"])
    result = lsp.request(
        "workspace/executeCommand",
        {"command": "gitinspector.analyzeWorkspace", "arguments": [], "workDoneToken": "analyze-1"},
    )
    assert result["repositories"][0]["path"] == str(repo.root)
    lsp.wait_for(
        lambda m: (
            m["method"] == "$/progress"
            and m["params"]["token"] == "analyze-1"
            and m["params"]["value"]["kind"] == "end"
        )
    )

    request_id, pending = lsp.send_request(
        "workspace/executeCommand",
        {"command": "gitinspector.analyzeWorkspace", "arguments": [{"input_fstrs": [str(big)]}]},
    )
    time.sleep(0.5)
    lsp.cancel(request_id)
    with pytest.raises(Exception) as err:
        lsp.result(pending, timeout=30)
    assert getattr(err.value, "code", None) == -32800
    deadline = time.monotonic() + 30
    while lsp.request("gitinspector/getPerformanceStats")["engine"]["in_flight"]:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert lsp.request("gitinspector/getPerformanceStats")["engine"]["cancelled"] == 1


def test_configuration_changes_apply(lsp, repo):
    uri = lsp.open_document(repo.root / "mod.py")
    lsp.notify(
        "workspace/didChangeConfiguration",
        {
            "settings": {
                "gitinspector": {
                    "codeLens": {"file": True, "blocks": False},
                    "inlayHints": {"enabled": True},
                    "blameTemplate": "${author} | ${sha}",
                    "dateFormat": "absolute",
                }
            }
        },
    )
    lenses = lsp.request("textDocument/codeLens", {"textDocument": {"uri": uri}})
    assert len(lenses) == 1
    hints = lsp.request(
        "textDocument/inlayHint",
        {
            "textDocument": {"uri": uri},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
        },
    )
    sha = blame_commits(repo.root, "mod.py")[0]
    assert hints[0]["label"] == f"{blame_authors(repo.root, 'mod.py')[0]} | {sha[:8]}"


def test_nested_repository_file_belongs_to_the_innermost(lsp, repo):
    inner = GitRepo(repo.root / "vendor" / "inner")
    inner.commit("inner", BOB, {"lib.py": "x = 1\n"})
    uri = lsp.open_document(inner.root / "lib.py")
    blame = lsp.request("gitinspector/blame", {"textDocument": {"uri": uri}})
    assert blame["repository"] == str(inner.root)
    assert blame["path"] == "lib.py"
    assert line_shas(blame) == blame_commits(inner.root, "lib.py")
    subprocess.run(["git", "status"], cwd=repo.root, check=True, capture_output=True)


def test_unchanged_result_id_answers_without_the_payload(lsp, repo):
    uri = lsp.open_document(repo.root / "mod.py")
    first = lsp.request("gitinspector/blame", {"textDocument": {"uri": uri}})
    again = lsp.request(
        "gitinspector/blame", {"textDocument": {"uri": uri}, "previousResultId": first["resultId"]}
    )
    assert again == {"resultId": first["resultId"], "unchanged": True}


def _insert(lsp, uri: str, version: int, line: int, text: str) -> None:
    at = {"line": line, "character": 0}
    lsp.notify(
        "textDocument/didChange",
        {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": at, "end": at}, "text": text}],
        },
    )


def test_edits_are_answered_with_deltas_against_the_held_answer(lsp, repo):
    uri = lsp.open_document(repo.root / "mod.py")

    def ask(previous: dict | None) -> dict:
        params: dict = {"textDocument": {"uri": uri}}
        if previous is not None:
            params["previousResultId"] = previous["resultId"]
        return lsp.request("gitinspector/blame", params)

    held = ask(None)
    first = held
    committed = blame_commits(repo.root, "mod.py")
    for version, (line, text) in enumerate([(0, "# a\n"), (5, "b = 1\n"), (2, "c\n")], 2):
        _insert(lsp, uri, version, line, text)
        answer = ask(held)
        assert "edits" in answer and "runs" not in answer, "a delta, not the whole blame"
        held = apply_answer(held, answer)
        full = ask(None)
        assert held == full, f"version {version}: the patched answer is the full one"
        assert held["version"] == version
    assert line_shas(held).count(NOT_COMMITTED) == 3
    assert [s for s in line_shas(held) if s != NOT_COMMITTED] == committed

    # Against an older answer than the last one: still a delta, still right.
    older = apply_answer(first, ask(first))
    assert older == ask(None)
    # An answer the daemon does not know: the whole blame.
    unknown = ask({"resultId": "no-such-answer:1"})
    assert "runs" in unknown and unknown == ask(None)

    # After a commit (another revision) a delta would mean other commit
    # indexes: the whole blame again.
    text = (repo.root / "mod.py").read_text()
    repo.commit("More", ALICE, {"mod.py": "# new\n" + text})
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        {"changes": [{"uri": (repo.root / ".git" / "HEAD").as_uri(), "type": 2}]},
    )
    after = ask(held)
    assert "runs" in after and after["revision"] == repo.head()


def test_restarted_daemon_serves_seen_files_from_the_disk_cache(start_daemon, repo, isolated_env):
    first = start_daemon()
    first.initialize(repo.root)
    uri = first.open_document(repo.root / "mod.py")
    expected = first.request("gitinspector/blame", {"textDocument": {"uri": uri}})
    first_stats = first.request("gitinspector/getPerformanceStats")
    assert first.shutdown() == 0
    cache_dir = Path(isolated_env["XDG_CACHE_HOME"]) / "gitinspector-lsp"
    assert any(p.is_file() for p in cache_dir.rglob("*")), "blame was persisted"

    second = start_daemon()
    second.initialize(repo.root)
    uri = second.open_document(repo.root / "mod.py")
    again = second.request("gitinspector/blame", {"textDocument": {"uri": uri}})
    assert line_shas(again) == line_shas(expected) == blame_commits(repo.root, "mod.py")
    assert again["commits"] == expected["commits"]
    stats = second.request("gitinspector/getPerformanceStats")
    assert stats["cache"]["disk_hits"] >= 1
    # Answered without running git.
    assert "git/blame" not in stats["methods"]
    assert "git/blame" in first_stats["methods"]


def test_corrupt_disk_cache_entries_are_recomputed(start_daemon, repo, isolated_env):
    first = start_daemon()
    first.initialize(repo.root)
    uri = first.open_document(repo.root / "mod.py")
    expected = first.request("gitinspector/blame", {"textDocument": {"uri": uri}})
    assert first.shutdown() == 0
    cache_dir = Path(isolated_env["XDG_CACHE_HOME"]) / "gitinspector-lsp"
    for entry in cache_dir.rglob("*"):
        if entry.is_file():
            entry.write_bytes(entry.read_bytes()[:50])

    second = start_daemon()
    second.initialize(repo.root)
    uri = second.open_document(repo.root / "mod.py")
    again = second.request("gitinspector/blame", {"textDocument": {"uri": uri}})
    assert line_shas(again) == line_shas(expected)
    assert second.request("gitinspector/getPerformanceStats")["cache"]["disk_hits"] == 0


def test_block_lenses_follow_the_parsed_structure(lsp, repo):
    source = (
        "// shapes\n"
        "class Shape {\n"
        "  constructor(n) {\n"
        "    this.n = n;\n"
        "  }\n"
        "\n"
        "  area() {\n"
        "    return this.n * this.n;\n"
        "  }\n"
        "}\n"
        "\n"
        "function helper(x) {\n"
        "  const y = x;\n"
        "  return y;\n"
        "}\n"
    )
    repo.commit("Add shapes", ALICE, {"shapes.js": source})
    uri = lsp.open_document(repo.root / "shapes.js", language_id="javascript")
    lenses = lsp.request("textDocument/codeLens", {"textDocument": {"uri": uri}})
    lines = [lens["range"]["start"]["line"] for lens in lenses]
    # File lens, the two methods of Shape, the function. Shape's lens would go above its
    # doc comment, on line 0 with the file lens: it has none of its own.
    assert lines == [0, 2, 6, 11]
    for lens in lenses[1:]:
        assert lens["command"]["title"].startswith(f"{ALICE[0]} · last change {ALICE[0]}")
    # Editor-supplied blocks replace the parsed ones.
    lsp.notify(
        "gitinspector/setBlocks",
        {
            "textDocument": {"uri": uri},
            "blocks": [{"startLine": 11, "endLine": 14, "name": "helper", "kind": "function"}],
        },
    )
    lenses = lsp.request("textDocument/codeLens", {"textDocument": {"uri": uri}})
    assert [lens["range"]["start"]["line"] for lens in lenses] == [0, 11]


def test_first_blame_writes_a_commit_graph_in_the_cache_for_later_blames(
    start_daemon, repo, isolated_env, tmp_path
):
    trace = tmp_path / "trace2.txt"  # git's own trace of what it did
    lsp = start_daemon({"GIT_TRACE2_PERF": str(trace)})
    lsp.initialize(repo.root, capabilities=CAPABILITIES)
    uri = lsp.open_document(repo.root / "mod.py")
    lsp.request("gitinspector/blame", {"textDocument": {"uri": uri}})
    graphs = Path(isolated_env["XDG_CACHE_HOME"]) / "gitinspector-lsp" / "commit-graph"
    deadline = time.monotonic() + 15
    while not list(graphs.glob("*/info/commit-graphs/commit-graph-chain")):
        assert time.monotonic() < deadline, "no commit-graph written after a first blame"
        time.sleep(0.05)
    assert not list((repo.root / ".git" / "objects" / "info").glob("commit-graph*"))
    # The next file's blame runs git with the graph (its Bloom filters rule
    # out the commit that only touched mod.py), and is still git's blame.
    trace.write_text("")
    other = lsp.open_document(repo.root / "other.txt")
    blame = lsp.request("gitinspector/blame", {"textDocument": {"uri": other}})
    assert line_shas(blame) == blame_commits(repo.root, "other.txt")
    answered_no = [ln for ln in trace.read_text().splitlines() if "bloom/response-no:" in ln]
    assert answered_no and int(answered_no[-1].rsplit(":", 1)[1]) > 0
    stats = lsp.request("gitinspector/getPerformanceStats")
    assert stats["methods"]["git/blame"]["calls"] == 2

"""The history commands over stdio: `gitinspector.blamePrior` (blame prior to a change,
stepped back again and again), `lineHistory`, `fileHistory`, and `showCommit`'s files and
diffs. Every expected value comes from plain git run here."""

from __future__ import annotations

import datetime
import subprocess
import time
from pathlib import Path

import pytest
from support.blame import line_shas
from support.gitrepo import GitRepo, run_git
from support.oracle import blame_commits
from support.processes import children, stuck_git
from support.rpc import RpcError

ALICE = ("Alice", "alice@example.com")
BOB = ("Bob", "bob@example.com")
CAROL = ("Carol", "carol@example.com")
DAVE = ("Dave", "dave@example.com")
NOT_COMMITTED = "0" * 40


def command(client, name: str, *args):
    return client.request("workspace/executeCommand", {"command": name, "arguments": list(args)})


def failure(client, name: str, *args) -> RpcError:
    with pytest.raises(RpcError) as raised:
        command(client, name, *args)
    return raised.value


def parent_of(repo: GitRepo, sha: str) -> str:
    return repo.git("rev-parse", f"{sha}^").strip()


def show_text(repo: GitRepo, rev: str, path: str) -> str:
    return run_git(repo.root, "show", f"{rev}:{path}")


def assert_is_git_blame(answer: dict, repo: GitRepo, rev: str, path: str) -> None:
    """The answer's runs and commit table are `git blame REV -- PATH`, line by line."""
    expected = blame_commits(repo.root, path, rev)
    assert line_shas(answer) == expected
    assert answer["lineCount"] == len(expected)
    assert answer["commits"][-1]["sha"] == NOT_COMMITTED, "the table ends as blame's does"
    authors = {c["sha"]: c["author"] for c in answer["commits"]}
    logged = dict(
        line.split(" ", 1)
        for line in run_git(repo.root, "log", "--format=%H %aN", rev).splitlines()
    )
    assert {sha: authors[sha] for sha in expected} == {sha: logged[sha] for sha in expected}


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    """f.py: the line `value = …` changed three times, lines added above it each time."""
    r = GitRepo(tmp_path / "repo")
    r.commit("one", ALICE, {"f.py": "a\nb\nvalue = 1\nc\n"})
    r.commit("two", BOB, {"f.py": "head1\nhead2\na\nb\nvalue = 2\nc\n"})
    r.commit("three", CAROL, {"f.py": "top\nhead1\nhead2\na\nb\nvalue = 3\nc\n"})
    return r


def test_blame_prior_steps_back_over_each_change_of_a_line(lsp, repo):
    uri = lsp.open_document(repo.root / "f.py")
    text = (repo.root / "f.py").read_text().splitlines()
    line = text.index("value = 3")
    seen = []
    at = None
    for expected_value in ("value = 2", "value = 1"):
        args = [uri, line] if at is None else [uri, line, at]
        changed = blame_commits(repo.root, "f.py", at["revision"] if at else "HEAD")[line]
        prior = command(lsp, "gitinspector.blamePrior", *args)
        assert prior["commit"] == changed
        assert prior["revision"] == parent_of(repo, changed)
        assert prior["path"] == "f.py" and prior["repository"] == str(repo.root)
        assert prior["text"] == show_text(repo, prior["revision"], "f.py")
        # Where the line stands in the commit's own version (where its diff shows it).
        in_commit = show_text(repo, changed, "f.py").splitlines()
        assert in_commit[prior["commitLine"]] == ("value = 3" if at is None else "value = 2")
        # The line as it was before the change, where it stood then.
        before = prior["text"].splitlines()
        assert before[prior["line"]] == expected_value
        assert_is_git_blame(prior, repo, prior["revision"], "f.py")
        seen.append(changed)
        line, at = prior["line"], {"revision": prior["revision"], "path": prior["path"]}
    assert len(set(seen)) == 2
    # The first version has nothing before it.
    error = failure(lsp, "gitinspector.blamePrior", uri, line, at)
    assert error.code == -32803 and error.data == {"reason": "rootCommit"}
    assert "first commit" in error.message


def test_blame_prior_follows_unsaved_edits_and_refuses_uncommitted_lines(lsp, repo):
    uri = lsp.open_document(repo.root / "f.py")
    at = {"line": 0, "character": 0}
    lsp.notify(
        "textDocument/didChange",
        {
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"range": {"start": at, "end": at}, "text": "new line\n"}],
        },
    )
    error = failure(lsp, "gitinspector.blamePrior", uri, 0)
    assert error.code == -32803 and error.data == {"reason": "notCommitted"}
    assert "Not Committed Yet" in error.message
    assert error.message.startswith("line 1 "), "a person's line number (the protocol's + 1)"
    # Buffer line 6 is committed line 5 ("value = 3").
    prior = command(lsp, "gitinspector.blamePrior", uri, 6)
    assert prior["commit"] == blame_commits(repo.root, "f.py")[5]
    assert prior["text"].splitlines()[prior["line"]] == "value = 2"


def test_blame_prior_across_a_rename_and_of_a_line_added_with_its_file(start_daemon, tmp_path):
    r = GitRepo(tmp_path / "renamed")
    r.commit("readme", ALICE, {"README": "hi\n"})
    body = [f"line {i}" for i in range(10)]
    r.commit("add old.py", ALICE, {"old.py": "\n".join(["x = 1", "y = 1", "z = 1", *body]) + "\n"})
    r.commit("y", BOB, {"old.py": "\n".join(["x = 1", "y = 2", "z = 1", *body]) + "\n"})
    r.git("mv", "old.py", "new.py")
    r.commit("rename, z", CAROL, {"new.py": "\n".join(["x = 1", "y = 2", "z = 3", *body]) + "\n"})
    assert "R" in r.git("show", "--name-status", "--format=", "HEAD")
    client = start_daemon()
    client.initialize(r.root)
    uri = client.open_document(r.root / "new.py")
    shas = blame_commits(r.root, "new.py")

    # Changed before the rename: the commit's file is old.py.
    prior = command(client, "gitinspector.blamePrior", uri, 1)
    assert prior["commit"] == shas[1] and prior["path"] == "old.py"
    assert prior["revision"] == parent_of(r, shas[1])
    assert prior["text"].splitlines()[prior["line"]] == "y = 1"
    assert_is_git_blame(prior, r, prior["revision"], "old.py")

    # Changed by the commit that renamed the file: its parent has old.py.
    prior = command(client, "gitinspector.blamePrior", uri, 2)
    assert prior["commit"] == shas[2] == r.head() and prior["path"] == "old.py"
    assert prior["text"].splitlines()[prior["line"]] == "z = 1"
    assert_is_git_blame(prior, r, parent_of(r, r.head()), "old.py")

    # Added with the file: the parent has no such file.
    error = failure(client, "gitinspector.blamePrior", uri, 0)
    assert error.code == -32803 and error.data == {"reason": "notInParent"}
    assert "line 1 was added with the file" in error.message, error.message

    # What a client names is checked before git sees it.
    for bad in (
        {"revision": "--output=/tmp/x", "path": "old.py"},
        {"revision": "HEAD", "path": "old.py"},
        {"revision": shas[1], "path": "../old.py"},
        {"revision": shas[1], "path": "/etc/passwd"},
        {"revision": shas[1]},
    ):
        assert failure(client, "gitinspector.blamePrior", uri, 1, bad).code == -32602, bad
    error = failure(
        client, "gitinspector.blamePrior", uri, 99, {"revision": shas[1], "path": "old.py"}
    )
    assert error.code == -32602
    assert failure(client, "gitinspector.blamePrior", uri, 99).code == -32602


def test_line_history_is_git_log_L(lsp, repo):
    uri = lsp.open_document(repo.root / "f.py")
    history = command(lsp, "gitinspector.lineHistory", uri, 5, 5)
    expected = run_git(repo.root, "log", "-L6,6:f.py", "--format=%H %aN %at %s", "-s")
    assert [
        f"{c['sha']} {c['author']} {c['authorTime']} {c['summary']}" for c in history["commits"]
    ] == expected.splitlines()
    assert history["range"] == {"startLine": 5, "endLine": 5}
    assert history["revision"] == repo.head() and history["truncated"] is False
    assert all(c["date"].endswith("ago") for c in history["commits"])

    # Several lines; an edited buffer's lines are taken to HEAD's.
    at = {"line": 0, "character": 0}
    lsp.notify(
        "textDocument/didChange",
        {
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"range": {"start": at, "end": at}, "text": "x\ny\n"}],
        },
    )
    history = command(lsp, "gitinspector.lineHistory", uri, 0, 4)
    assert history["range"] == {"startLine": 0, "endLine": 2}
    expected = run_git(repo.root, "log", "-L1,3:f.py", "--format=%H", "-s").split()
    assert [c["sha"] for c in history["commits"]] == expected
    error = failure(lsp, "gitinspector.lineHistory", uri, 0, 1)
    assert error.code == -32803 and error.data == {"reason": "notCommitted"}
    assert failure(lsp, "gitinspector.lineHistory", uri, 3, 1).code == -32602
    assert failure(lsp, "gitinspector.lineHistory", uri, 50, 60).code == -32602


def test_file_history_is_git_log_follow(start_daemon, tmp_path):
    r = GitRepo(tmp_path / "follow")
    r.commit("add", ALICE, {"a.py": "".join(f"line {i}\n" for i in range(20))})
    r.commit("other", BOB, {"b.py": "b\n"})
    r.commit("edit", BOB, {"a.py": "".join(f"line {i}\n" for i in range(21))})
    r.git("mv", "a.py", "c.py")
    r.commit("rename", CAROL)
    r.commit("edit again", DAVE, {"c.py": "".join(f"line {i}\n" for i in range(22))})
    client = start_daemon()
    client.initialize(r.root, options={"dateFormat": "%Y-%m-%d"})
    uri = client.open_document(r.root / "c.py")
    history = command(client, "gitinspector.fileHistory", uri)
    out = run_git(
        r.root, "log", "--follow", "--name-only", "--format=%x01%H %aN %at %s", "--", "c.py"
    )
    expected = []
    for record in out.split("\x01")[1:]:
        head, *names = [ln for ln in record.splitlines() if ln]
        expected.append((head, names[0]))
    assert [
        (f"{c['sha']} {c['author']} {c['authorTime']} {c['summary']}", c["path"])
        for c in history["commits"]
    ] == expected
    assert {c["path"] for c in history["commits"]} == {"a.py", "c.py"}
    assert history["path"] == "c.py" and history["truncated"] is False
    for c in history["commits"]:
        assert c["date"] == datetime.datetime.fromtimestamp(c["authorTime"]).strftime("%Y-%m-%d")

    untracked = r.root / "new.py"
    untracked.write_text("n\n")
    empty = command(client, "gitinspector.fileHistory", client.open_document(untracked))
    assert empty["commits"] == [] and empty["truncated"] is False


def test_histories_hold_at_most_1000_commits(start_daemon, tmp_path):
    r = GitRepo(tmp_path / "long")
    r.commit("start", ALICE, {"a.txt": "0\n"})
    # 1,001 more commits of the one line, made quickly with fast-import.
    stream = []
    for i in range(1, 1002):
        data = f"{i}\n".encode()
        stream.append(
            f"commit refs/heads/main\ncommitter Bob <bob@example.com> {1_600_000_000 + i} +0000\n"
            f"data 2\nc\n{'from refs/heads/main^0' if i == 1 else ''}\n"
            f"M 100644 inline a.txt\ndata {len(data)}\n{data.decode()}\n"
        )
    subprocess.run(
        ["git", "fast-import", "--quiet", "--force"],
        cwd=r.root,
        input="".join(stream).encode(),
        check=True,
    )
    r.git("reset", "-q", "--hard", "main")
    client = start_daemon()
    client.initialize(r.root)
    uri = client.open_document(r.root / "a.txt")
    for name, args in (
        ("gitinspector.fileHistory", [uri]),
        ("gitinspector.lineHistory", [uri, 0, 0]),
    ):
        history = command(client, name, *args)
        assert history["truncated"] is True, name
        newest = run_git(r.root, "log", "--format=%H", "-n", "1000", "--", "a.txt").split()
        assert [c["sha"] for c in history["commits"]] == newest, name


def test_show_commit_lists_files_and_diffs_as_git_show(start_daemon, tmp_path):
    r = GitRepo(tmp_path / "show")
    body = "".join(f"line {i}\n" for i in range(12))
    r.commit("root", ALICE, {"old.py": body, "other.txt": "o\n"})
    r.git("mv", "old.py", "new.py")
    renamed = r.commit(
        "rename and more",
        BOB,
        {"new.py": body.replace("line 3", "line three"), "other.txt": "o\np\n", "added.md": "m\n"},
    )
    client = start_daemon()
    client.initialize(r.root, options={"dateFormat": "%d.%m.%Y %H:%M"})
    uri = client.open_document(r.root / "new.py")
    shown = command(client, "gitinspector.showCommit", uri, renamed, {"file": True})
    assert shown["sha"] == renamed
    assert shown["diff"] == run_git(r.root, "show", "--format=", renamed)
    assert shown["fileDiff"] == run_git(
        r.root, "show", "--format=", renamed, "--", "old.py", "new.py"
    )
    assert shown["fileDiff"].startswith("diff --git a/old.py b/new.py")
    assert shown["diffTruncated"] is False and shown["fileDiffTruncated"] is False
    statuses = run_git(r.root, "show", "--format=", "--name-status", renamed).splitlines()
    numstat = run_git(r.root, "show", "--format=", "--numstat", renamed).splitlines()
    expected = []
    for status, counts in zip(statuses, numstat, strict=True):
        letter, *names = status.split("\t")
        ins, dels, _ = counts.split("\t", 2)
        entry = {
            "path": names[-1],
            "status": letter[0],
            "insertions": int(ins),
            "deletions": int(dels),
        }
        if len(names) == 2:
            entry["oldPath"] = names[0]
        expected.append(entry)
    assert shown["files"] == expected and shown["filesTruncated"] is False
    when = int(r.git("log", "-1", "--format=%at", renamed))
    assert shown["date"] == datetime.datetime.fromtimestamp(when).strftime("%d.%m.%Y %H:%M")
    assert shown["authorTime"] == when
    assert shown["markdown"].startswith(f"**{BOB[0]}** <{BOB[1]}>")

    # The root commit: against nothing. A line: its commit. The file under its old name.
    root = run_git(r.root, "rev-list", "--max-parents=0", "HEAD").strip()
    first = command(client, "gitinspector.showCommit", uri, root)
    assert first["diff"] == run_git(r.root, "show", "--format=", root)
    assert first["fileDiff"] == run_git(r.root, "show", "--format=", root, "--", "old.py")
    assert first["file"]["path"] == "old.py"
    by_line = command(client, "gitinspector.showCommit", uri, 3)
    assert by_line["sha"] == blame_commits(r.root, "new.py")[3] == renamed

    # A merge: against its first parent.
    r.git("checkout", "-q", "-b", "side")
    r.commit("side", CAROL, {"side.txt": "s\n"})
    r.git("checkout", "-q", "main")
    r.commit("main", ALICE, {"other.txt": "o\np\nq\n"})
    r.git("merge", "-q", "--no-edit", "side", who=DAVE)
    merge = r.head()
    merged = command(client, "gitinspector.showCommit", uri, merge)
    assert merged["diff"] == run_git(r.root, "diff", f"{merge}^1", merge)
    assert [f["path"] for f in merged["files"]] == ["side.txt"]
    assert merged["fileDiff"] is None and merged["file"] is None

    # A huge commit: at most 512 KB of it, cut at a line end.
    r.commit(
        "big", CAROL, {"big.txt": "".join(f"{i:08d} padding padding\n" for i in range(60_000))}
    )
    big = command(client, "gitinspector.showCommit", uri, r.head())
    full = run_git(r.root, "show", "--format=", r.head())
    assert big["diffTruncated"] is True
    assert len(big["diff"].encode()) <= 512 * 1024 and big["diff"].endswith("\n")
    assert full.startswith(big["diff"])

    # Arguments are checked.
    for bad in (["--output=/tmp/x"], [renamed, {"file": "yes"}], [renamed, 3]):
        assert failure(client, "gitinspector.showCommit", uri, *bad).code == -32602, bad


def test_show_commit_of_a_line_finds_the_file_under_the_name_it_had(start_daemon, tmp_path):
    """A line last changed before its file was renamed and then mostly rewritten: rename
    detection from that commit to HEAD no longer pairs the names, but blame followed the
    file there, and the commit's diff of the file is found under its old name."""
    r = GitRepo(tmp_path / "moved")
    r.commit("start", ALICE, {"lib/old.py": "".join(f"keep {i}\n" for i in range(3))})
    changed = r.commit(
        "change the kept lines",
        BOB,
        {"lib/old.py": "".join(f"kept {i}\n" for i in range(3))},
    )
    r.git("mv", "lib/old.py", "new.py")
    r.commit("move", ALICE)
    rewritten = "".join(f"kept {i}\n" for i in range(3)) + "".join(
        f"brand new line {i}\n" for i in range(40)
    )
    r.commit("rewrite", ALICE, {"new.py": rewritten})
    client = start_daemon()
    client.initialize(r.root)
    uri = client.open_document(r.root / "new.py")
    shown = command(client, "gitinspector.showCommit", uri, 0)
    assert shown["sha"] == changed
    assert shown["fileDiff"] == run_git(r.root, "show", "--format=", changed, "--", "lib/old.py")
    assert shown["file"]["path"] == "lib/old.py"


def test_history_commands_are_announced(start_daemon, tmp_path):
    client = start_daemon()
    result = client.initialize(tmp_path)
    commands = result["capabilities"]["executeCommandProvider"]["commands"]
    for name in (
        "gitinspector.showCommit",
        "gitinspector.blamePrior",
        "gitinspector.lineHistory",
        "gitinspector.fileHistory",
    ):
        assert name in commands


def test_a_cancelled_history_request_kills_its_git(start_daemon, repo, tmp_path):
    client = start_daemon(stuck_git(tmp_path, "--follow"))
    client.initialize(repo.root)
    uri = client.open_document(repo.root / "f.py")
    request_id, answer = client.send_request(
        "workspace/executeCommand", {"command": "gitinspector.fileHistory", "arguments": [uri]}
    )
    deadline = time.monotonic() + 20
    while "sleep" not in [name for _pid, name in children(client.proc.pid)]:
        assert time.monotonic() < deadline, "git log never started"
        time.sleep(0.05)
    client.cancel(request_id)
    assert answer.result(timeout=10)["error"]["code"] == -32800
    deadline = time.monotonic() + 10
    while "sleep" in [name for _pid, name in children(client.proc.pid)]:
        assert time.monotonic() < deadline, "the cancelled request's git still runs"
        time.sleep(0.05)
    assert client.request("gitinspector/healthCheck")["status"] == "ok"

"""The ignore-revs file in the editor's blame (`ignoreRevsFile`, default
`.git-blame-ignore-revs`): `gitinspector/blame` attributes lines as `git blame
--ignore-revs-file` does, follows the setting, the file's edits and commits (blame in
memory, on disk and carried over to a new HEAD), and a file with junk in it never breaks
blame."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support.cli import run_cli
from support.gitrepo import GitRepo, run_git
from support.oracle import git_blame

ROOT = Path(__file__).resolve().parents[2]

ALICE = ("Alice", "alice@example.com")
BOB = ("Bob", "bob@example.com")
CAROL = ("Carol", "carol@example.com")

LIST = ".git-blame-ignore-revs"


def daemon_blame(client, uri: str) -> list[str]:
    """Per line, the commit `gitinspector/blame` names."""
    answer = client.request("gitinspector/blame", {"textDocument": {"uri": uri}})
    runs = answer["runs"]
    return [
        answer["commits"][runs[i + 1]]["sha"]
        for i in range(0, len(runs), 2)
        for _ in range(runs[i])
    ]


def configure(client, **settings) -> None:
    client.notify("workspace/didChangeConfiguration", {"settings": {"gitinspector": settings}})


def warnings_shown(client) -> list[str]:
    return [
        n["params"]["message"]
        for n in client.notifications
        if n["method"] == "window/showMessage" and n["params"]["type"] == 2
    ]


def messages_and_logs(client) -> list[str]:
    """Every message and log line the editor got, and the daemon's stderr."""
    shown = [
        n["params"]["message"]
        for n in client.notifications
        if n["method"] in ("window/showMessage", "window/logMessage")
    ]
    return [*shown, client.stderr_path.read_text(errors="replace")]


@pytest.fixture
def repo(tmp_path: Path) -> tuple[GitRepo, str]:
    """Alice writes code; Bob reformats it (and adds a line): (repository, Bob's commit)."""
    repo = GitRepo(tmp_path / "repo")
    lines = [f"item_{i} = make(a,b,{i})" for i in range(8)]
    repo.commit("code", ALICE, {"code.py": "".join(f"{x}\n" for x in lines), "other.py": "x\n"})
    spaced = "".join(f"{x.replace(',', ', ')}\n" for x in lines) + "extra = 1\n"
    reformat = repo.commit("reformat", BOB, {"code.py": spaced})
    return repo, reformat


def test_the_default_file_is_announced_and_documented(start_daemon, tmp_path) -> None:
    client = start_daemon()
    defaults = client.initialize(tmp_path)["capabilities"]["experimental"]["gitinspector"]
    assert defaults["defaults"]["ignoreRevsFile"] == LIST
    table = (ROOT / "docs" / "protocol.md").read_text()
    row = re.search(r"^\| `ignoreRevsFile` \| (.+?) \|", table, re.M)
    assert row and row.group(1).strip('`"') == LIST


def test_blame_follows_the_ignore_revs_file_and_the_setting(start_daemon, repo) -> None:
    repo, reformat = repo
    plain = git_blame(repo.root, "code.py")
    repo.commit("list the reformat", CAROL, {LIST: f"# formatting\n{reformat}  # black\n"})
    ignoring = git_blame(repo.root, "code.py", "--ignore-revs-file", LIST)
    assert ignoring != plain and reformat in plain

    client = start_daemon()
    client.initialize(repo.root)
    uri = client.open_document(repo.root / "code.py")
    assert daemon_blame(client, uri) == ignoring

    # the setting empty: plain blame; back to the default: the file again
    configure(client, ignoreRevsFile="")
    assert daemon_blame(client, uri) == plain
    configure(client)
    assert daemon_blame(client, uri) == ignoring

    # the file edited in the work tree to drop the entry: the next answer follows
    (repo.root / LIST).write_text("# nothing to ignore now\n")
    assert daemon_blame(client, uri) == plain
    (repo.root / LIST).write_text(f"{reformat}\n")
    assert daemon_blame(client, uri) == ignoring

    # another file named by the setting, absolute or relative to the repository's top
    elsewhere = repo.root / "tools" / "revs.txt"
    elsewhere.parent.mkdir()
    elsewhere.write_text(f"{reformat}\n")
    (repo.root / LIST).unlink()
    assert daemon_blame(client, uri) == plain
    for setting in ("tools/revs.txt", str(elsewhere)):
        configure(client, ignoreRevsFile=setting)
        assert daemon_blame(client, uri) == ignoring, setting

    # a named file that does not exist: a warning, once, and blame without it
    configure(client, ignoreRevsFile="no-such-file")
    assert daemon_blame(client, uri) == plain
    assert daemon_blame(client, uri) == plain
    shown = [m for m in warnings_shown(client) if "no-such-file" in m]
    assert len(shown) == 1, warnings_shown(client)
    # the default file missing: nothing to say
    configure(client)
    assert daemon_blame(client, uri) == plain
    assert len(warnings_shown(client)) == 1
    assert client.shutdown() == 0


def test_a_file_with_junk_and_unknown_shas_still_blames(start_daemon, repo) -> None:
    repo, reformat = repo
    blob = run_git(repo.root, "rev-parse", "HEAD:code.py").strip()
    tree = run_git(repo.root, "rev-parse", "HEAD^{tree}").strip()
    junk = (
        "not a sha at all\n"
        f"{'1' * 40}\n"  # no such object
        f"{blob}\n"  # an object, not a commit
        f"{tree}  # a tree\n"
        f"{'2' * 64}\n"  # a SHA-256 id in a SHA-1 repository
        f"{reformat[:12]}\n"  # a prefix: git wants full ids
        "SECRET_TOKEN=hunter2-do-not-echo\n"
        "\x00\x01\xff binary\n"
        f"   {reformat.upper()}   # the one valid entry\n"
    )
    repo.commit("a messy list", CAROL, {LIST: junk})
    expected = git_blame(repo.root, "code.py", "--ignore-rev", reformat)
    assert expected != git_blame(repo.root, "code.py")

    client = start_daemon()
    client.initialize(repo.root)
    uri = client.open_document(repo.root / "code.py")
    assert daemon_blame(client, uri) == expected
    hover = client.request(
        "textDocument/hover",
        {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}},
    )
    assert hover is not None
    # what is wrong with a line is logged; no message or log line shows the file's content
    assert not any("hunter2" in m for m in warnings_shown(client))
    assert not any("hunter2" in m for m in messages_and_logs(client))

    # nothing valid left: plain blame, not an error
    (repo.root / LIST).write_text("junk only\n" + "3" * 40 + "\n")
    assert daemon_blame(client, uri) == git_blame(repo.root, "code.py")
    assert client.shutdown() == 0


def test_a_list_linked_to_a_file_of_secrets_never_shows_them(
    start_daemon, repo, daemon_bin, isolated_env, tmp_path
) -> None:
    """A repository's ignore-revs file may be a link to anything the user can read: blame
    goes on, and no line of it reaches a message, the editor's log, stderr or the CLI."""
    repo, _reformat = repo
    secrets = tmp_path / "secrets"
    secrets.write_text("root:x:0:0:root:/root:/bin/bash\nSECRET_TOKEN=hunter2\0PATH=/bin\n")
    (repo.root / LIST).symlink_to(secrets)
    client = start_daemon({"GITINSPECTOR_LOG": "debug"})
    client.initialize(repo.root)
    uri = client.open_document(repo.root / "code.py")
    assert daemon_blame(client, uri) == git_blame(repo.root, "code.py")
    client.request("gitinspector/healthCheck")
    seen = messages_and_logs(client)
    assert any("not a full object id" in m for m in seen), "what was skipped is logged"
    assert not [m for m in seen if "hunter2" in m or "root:" in m]
    cli = run_cli(daemon_bin, "blame", "code.py", env=isolated_env, cwd=repo.root)
    assert cli.returncode == 0, cli.stderr
    assert "not a full object id" in cli.stderr
    assert "hunter2" not in cli.stderr and "root:" not in cli.stderr
    assert client.shutdown() == 0


def test_a_commit_of_the_file_changes_blame_carried_over_and_on_disk(start_daemon, repo) -> None:
    """Committing the ignore-revs file moves HEAD without touching code.py: its blame is
    carried over to the new HEAD, but only under the set of ignored revisions it was
    computed with; a restarted daemon's disk cache keeps the two apart too."""
    repo, reformat = repo
    plain = git_blame(repo.root, "code.py")
    client = start_daemon()
    client.initialize(repo.root)
    uri = client.open_document(repo.root / "code.py")
    assert daemon_blame(client, uri) == plain

    repo.commit("list the reformat", CAROL, {LIST: f"{reformat}\n"})
    ignoring = git_blame(repo.root, "code.py", "--ignore-revs-file", LIST)
    assert ignoring != plain
    assert daemon_blame(client, uri) == ignoring

    # a HEAD move that changes neither the file nor code.py: still ignoring
    repo.commit("unrelated", ALICE, {"other.py": "y\n"})
    assert daemon_blame(client, uri) == ignoring
    # the entry dropped by a commit
    repo.commit("unlist", ALICE, {LIST: "# none\n"})
    assert daemon_blame(client, uri) == plain
    assert client.shutdown() == 0

    # a restarted daemon answers from its disk cache: each set of ignored revisions its own
    client = start_daemon()
    client.initialize(repo.root, options={"ignoreRevsFile": ""})
    uri = client.open_document(repo.root / "code.py")
    assert daemon_blame(client, uri) == plain
    (repo.root / LIST).write_text(f"{reformat}\n")
    configure(client)
    assert daemon_blame(client, uri) == ignoring
    assert client.shutdown() == 0


def test_the_engine_and_the_editor_share_the_default(start_daemon, tmp_path) -> None:
    client = start_daemon()
    announced = client.initialize(tmp_path)["capabilities"]["experimental"]["gitinspector"]
    engine = client.request("gitinspector/getSettings")
    assert announced["defaults"]["ignoreRevsFile"] == engine["ignore_revs_file"]


def test_a_cached_analysis_follows_an_edit_of_the_file(start_daemon, repo) -> None:
    """executeAnalysis answers a repeated request from its cache while HEAD is unchanged;
    an uncommitted edit of the ignore-revs file changes the answer all the same."""
    repo, reformat = repo
    client = start_daemon()
    client.initialize(repo.root)
    settings = {"input_fstrs": [str(repo.root)]}

    def bob_lines() -> int:
        (result,) = client.request("gitinspector/executeAnalysis", settings)["repositories"]
        return sum(a["lines"] for a in result["authors"] if a["name"] == "Bob")

    before = bob_lines()
    assert before == bob_lines()
    (repo.root / LIST).write_text(f"{reformat}\n")
    after = bob_lines()
    assert after < before, "Bob's reformat is passed over once the file lists it"
    expected = git_blame(repo.root, "code.py", "--ignore-revs-file", LIST).count(reformat)
    assert after == expected

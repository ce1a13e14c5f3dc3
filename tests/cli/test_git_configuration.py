"""Numbers do not depend on anyone's git configuration.

One repository shaped like a real project is analyzed and blamed with an empty
configuration; then, for each setting people (or a hostile repository) commonly have, with
that setting in the user's global configuration and in the repository's own: every result
must equal the first. The same holds for the daemon's own `git blame` and for git's
environment variables."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from support import corpus
from support.blame import line_shas
from support.cli import run_cli
from support.gitrepo import run_git
from support.oracle import blame_commits

BLAMED = ["src/pkg0/mod_000.py", "win/crlf.txt", "keep/renamed_on_branch.py"]


def _settings(tmp: Path, repo: Path) -> list[list[tuple[str, str]]]:
    """Cases: each a list of settings applied together."""
    no_diff = tmp / "attributes"
    no_diff.write_text("* -diff\n")
    mailmap = tmp / "other.mailmap"
    mailmap.write_text("Somebody Else <else@example.com> <dev00@example.com>\n")
    ignore = tmp / "ignore-revs"
    ignore.write_text(run_git(repo, "rev-parse", "HEAD~3"))
    numbers = [
        ("log.showRoot", "false"),
        ("diff.renameLimit", "1"),
        ("diff.renames", "false"),
        ("diff.renames", "copies"),
        ("diff.algorithm", "patience"),
        ("diff.algorithm", "histogram"),
        ("diff.algorithm", "minimal"),
        ("diff.context", "0"),
        ("diff.interHunkContext", "20"),
        ("diff.indentHeuristic", "false"),
        ("diff.relative", "true"),
        ("blame.ignoreRevsFile", ".git-blame-ignore-revs"),  # missing: failed every blame
        ("blame.ignoreRevsFile", "/etc/passwd"),  # hostile: echoed the file's first line
        ("blame.ignoreRevsFile", str(ignore)),  # present: would hide a commit
        ("blame.markIgnoredLines", "true"),
        ("blame.markUnblamableLines", "true"),
        ("log.follow", "true"),
        ("log.mailmap", "false"),
        ("log.diffMerges", "combined"),
        ("i18n.logOutputEncoding", "ISO-8859-1"),
        ("core.bigFileThreshold", "10"),
        ("core.attributesFile", str(no_diff)),
        ("mailmap.file", str(mailmap)),
        ("core.useReplaceRefs", "false"),
    ]
    presentation = [
        ("log.decorate", "full"),
        ("log.abbrevCommit", "true"),
        ("log.date", "relative"),
        ("log.showSignature", "true"),
        ("format.pretty", "oneline"),
        ("core.pager", "less"),
        ("pager.log", "less -R"),
        ("pager.blame", "less"),
        ("color.ui", "always"),
        ("color.diff", "always"),
        ("color.blame.repeatedLines", "red"),
        ("core.quotePath", "false"),
        ("core.abbrev", "7"),
        ("diff.noprefix", "true"),
    ]
    return [[setting] for setting in numbers] + [presentation]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return corpus.build(tmp_path_factory.mktemp("cfg") / "proj", corpus.PRESETS["project-tiny"])


def results(start_daemon, env: dict[str, str], repo: Path) -> dict:
    """What one daemon answers: the analysis (without timings), the engine's blame of a few
    files and the daemon's own blame of them."""
    client = start_daemon(env)
    client.initialize(repo)
    analysis = client.request("gitinspector/executeAnalysis", {"input_fstrs": [str(repo)]})
    analysis.pop("performance_stats")
    engine_blame = client.request(
        "gitinspector/getBlameData", {"input_fstrs": [str(repo)], "files": BLAMED}
    )
    editor_blame = {}
    for rel in BLAMED:
        uri = client.open_document(repo / rel)
        answer = client.request("gitinspector/blame", {"textDocument": {"uri": uri}})
        editor_blame[rel] = (line_shas(answer), answer["commits"])
    client.shutdown()
    return {"analysis": analysis, "engine_blame": engine_blame, "editor_blame": editor_blame}


@pytest.fixture(scope="module")
def baseline(daemon_bin, project, tmp_path_factory) -> dict:
    from support.env import isolated_env
    from support.rpc import RpcClient

    tmp = tmp_path_factory.mktemp("baseline")
    env = isolated_env(tmp / "home")
    clients = []

    def start(extra: dict[str, str] | None = None) -> RpcClient:
        client = RpcClient([str(daemon_bin)], env=env, cwd=tmp, stderr_path=tmp / "stderr")
        clients.append(client)
        return client

    try:
        return results(start, env, project)
    finally:
        for client in clients:
            client.close()


@pytest.mark.parametrize("scope", ["global", "local"])
def test_user_and_repository_settings_change_nothing(
    start_daemon, isolated_env, project, baseline, tmp_path, scope
) -> None:
    differ = []
    for case in _settings(tmp_path, project):
        env = dict(isolated_env)
        home = Path(env["HOME"])
        home.mkdir(parents=True, exist_ok=True)
        for key, value in case:
            if scope == "global":
                target = ["--file", str(home / ".gitconfig")]
                subprocess.run(["git", "config", *target, key, value], check=True)
            else:
                subprocess.run(["git", "config", key, value], cwd=project, check=True)
        try:
            got = results(start_daemon, env, project)
        finally:
            for key, _value in case:
                if scope == "global":
                    (home / ".gitconfig").unlink(missing_ok=True)
                else:
                    subprocess.run(["git", "config", "--unset-all", key], cwd=project)
        if got != baseline:
            differ.append(case)
    assert not differ, f"results changed with {scope} settings: {differ}"


def test_git_environment_variables_change_nothing(
    start_daemon, isolated_env, project, baseline, tmp_path
) -> None:
    other = tmp_path / "other"
    subprocess.run(["git", "init", "-q", str(other)], check=True)
    cases = [
        {"GIT_DIR": str(other / ".git")},
        {"GIT_WORK_TREE": str(other)},
        {"GIT_INDEX_FILE": str(tmp_path / "index")},
        {"GIT_GLOB_PATHSPECS": "1", "GIT_ICASE_PATHSPECS": "1"},
        {"GIT_CONFIG_PARAMETERS": "'log.showroot'='false'"},
        {"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "diff.renames", "GIT_CONFIG_VALUE_0": "0"},
        {"GIT_NO_REPLACE_OBJECTS": "1", "GIT_TRACE": "1"},
    ]
    differ = [
        case
        for case in cases
        if results(start_daemon, {**isolated_env, **case}, project) != baseline
    ]
    assert not differ, f"results changed with: {differ}"


def test_safe_directory_from_the_user_configuration_still_applies(
    daemon_bin, isolated_env, project, tmp_path
) -> None:
    """git refuses a repository another user owns unless the user's own configuration marks
    it safe: that setting is kept while the rest of the user's configuration is not read."""
    if os.geteuid() != 0:
        pytest.skip("needs to hand a repository to another user")
    theirs = tmp_path / "theirs"
    subprocess.run(["cp", "-a", str(project), str(theirs)], check=True)
    subprocess.run(["chown", "-R", "nobody", str(theirs)], check=True)
    refused = run_cli(daemon_bin, "analyze", str(theirs), env=isolated_env)
    assert refused.returncode != 0
    assert "dubious ownership" in refused.stderr, "git's own words"
    home = Path(isolated_env["HOME"])
    home.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["git", "config", "--file", str(home / ".gitconfig"), "safe.directory", str(theirs)],
        check=True,
    )
    allowed = run_cli(daemon_bin, "analyze", str(theirs), "--format", "json", env=isolated_env)
    assert allowed.returncode == 0, allowed.stderr


def test_the_daemons_blame_ignores_user_and_repository_settings(
    start_daemon, isolated_env, project, tmp_path
) -> None:
    expected = {rel: blame_commits(project, rel) for rel in BLAMED}
    home = Path(isolated_env["HOME"])
    home.mkdir(parents=True, exist_ok=True)
    (home / ".gitconfig").write_text(
        "[blame]\n\tignoreRevsFile = .git-blame-ignore-revs\n\tmarkIgnoredLines = true\n"
        "[diff]\n\talgorithm = patience\n"
    )
    ignore = tmp_path / "ignore-revs"
    ignore.write_text(
        subprocess.run(
            ["git", "rev-parse", "HEAD~3"], cwd=project, capture_output=True, text=True
        ).stdout
    )
    subprocess.run(["git", "config", "blame.ignoreRevsFile", str(ignore)], cwd=project, check=True)
    try:
        client = start_daemon()
        client.initialize(project)
        for rel in BLAMED:
            uri = client.open_document(project / rel)
            answer = client.request("gitinspector/blame", {"textDocument": {"uri": uri}})
            assert line_shas(answer) == expected[rel], rel
    finally:
        subprocess.run(["git", "config", "--unset-all", "blame.ignoreRevsFile"], cwd=project)

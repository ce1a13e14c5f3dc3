"""The real daemon over stdio: lifecycle, every custom request, errors."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest
from support.gitrepo import GitRepo
from support.oracle import blame_authors, blame_commits
from support.rpc import RpcError

ALICE = ("Alice Example", "alice@example.com")
BOB = ("Bob Builder", "bob@example.com")


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    r = GitRepo(tmp_path / "repo")
    r.commit("one", ALICE, {"a.py": "a\nb\nc\n", "notes.txt": "x\ny\n"})
    r.commit("two", BOB, {"a.py": "a\nB\nc\nd\n"})
    r.commit("three", BOB, {"b.py": "print('hi')\n"})
    return r


def test_initialize_reports_server_and_exit_after_shutdown_is_clean(start_daemon, tmp_path):
    client = start_daemon()
    result = client.initialize(tmp_path)
    assert result["serverInfo"]["name"] == "gitinspector-lsp"
    started = time.monotonic()
    assert client.shutdown() == 0
    assert time.monotonic() - started < 5, "exit must end the process promptly"


def test_shutdown_and_exit_with_null_params_are_accepted(start_daemon, tmp_path):
    # Some clients (eglot) send `"params": null` for methods without params.
    client = start_daemon()
    client.initialize(tmp_path)
    future = client.send_raw({"jsonrpc": "2.0", "id": 999, "method": "shutdown", "params": None})
    assert client.result(future) is None
    client._send({"jsonrpc": "2.0", "method": "exit", "params": None})
    assert client.proc.wait(10) == 0


def test_exit_without_shutdown_exits_with_error_code(start_daemon, tmp_path):
    client = start_daemon()
    client.initialize(tmp_path)
    client.notify("exit")
    assert client.proc.wait(10) == 1


def test_health_check_and_engine_info(daemon):
    git_version = subprocess.run(
        ["git", "--version"], capture_output=True, text=True, check=True
    ).stdout.split()[2]
    health = daemon.request("gitinspector/healthCheck")
    assert health["status"] == "ok", health
    assert git_version in health["git_version"]
    info = daemon.request("gitinspector/getEngineInfo", {})
    assert info["name"] == "gigui"
    assert info["version"]
    assert git_version in info["git_version"]
    assert info["python_version"].startswith("3.")
    assert info["location"]["layout"] == "source"


def test_settings_round_trip_and_invalid_settings_name_the_field(daemon, isolated_env):
    defaults = daemon.request("gitinspector/getSettings")
    assert defaults["n_files"] == 0
    saved = daemon.request("gitinspector/saveSettings", {**defaults, "n_files": 7})
    assert saved["n_files"] == 7
    assert daemon.request("gitinspector/getSettings")["n_files"] == 7
    path = Path(isolated_env["XDG_CONFIG_HOME"]) / "gitinspector-lsp" / "settings.json"
    assert json.loads(path.read_text())["n_files"] == 7

    with pytest.raises(RpcError) as bad:
        daemon.request("gitinspector/saveSettings", {"n_files": -3})
    assert bad.value.code == -32602
    assert "n_files" in bad.value.message
    assert bad.value.data["errors"][0]["field"] == "n_files"

    with pytest.raises(RpcError) as unknown:
        daemon.request("gitinspector/executeAnalysis", {"input_fstrs": ["."], "bogus": 1})
    assert unknown.value.code == -32602
    assert "bogus" in unknown.value.message

    with pytest.raises(RpcError) as not_object:
        daemon.request("gitinspector/executeAnalysis", [1, 2])
    assert not_object.value.code == -32602
    # Nothing was lost and the daemon still serves.
    assert daemon.request("gitinspector/getSettings")["n_files"] == 7


def test_python_exception_becomes_error_with_type_and_traceback(daemon, tmp_path):
    plain_dir = tmp_path / "not-a-repo"
    plain_dir.mkdir()
    with pytest.raises(RpcError) as err:
        daemon.request("gitinspector/executeAnalysis", {"input_fstrs": [str(plain_dir)]})
    assert err.value.code == -32001
    assert "not a git repository" in err.value.message
    assert str(plain_dir) in err.value.message
    assert err.value.data["type"].endswith("RepositoryError")
    assert "Traceback (most recent call last)" in err.value.data["traceback"]
    assert daemon.request("gitinspector/healthCheck")["status"] == "ok"


def test_analysis_numbers_match_git_and_repeat_comes_from_cache(daemon, repo):
    settings = {"input_fstrs": [str(repo.root)]}
    result = daemon.request("gitinspector/executeAnalysis", settings)
    (analyzed,) = result["repositories"]
    assert analyzed["revision"] == repo.head()
    lines_by_author: dict[str, int] = {}
    for path in repo.git("ls-files").split():
        for author in blame_authors(repo.root, path):
            lines_by_author[author] = lines_by_author.get(author, 0) + 1
    assert {a["name"]: a["lines"] for a in analyzed["authors"]} == lines_by_author
    assert "performance_stats" in result

    stats_before = daemon.request("gitinspector/getPerformanceStats")
    again = daemon.request("gitinspector/executeAnalysis", settings)
    stats_after = daemon.request("gitinspector/getPerformanceStats")
    assert again == result
    assert stats_after["cache"]["hits"] == stats_before["cache"]["hits"] + 1
    method = stats_after["methods"]["gitinspector/executeAnalysis"]
    assert method["calls"] == 2 and method["errors"] == 0
    assert method["p50_ms"] is not None and method["p99_ms"] >= method["p50_ms"]
    assert stats_after["engine"]["python_ms"] > 0

    # A new commit is a new revision: recomputed, not served stale.
    repo.commit("four", ALICE, {"c.py": "1\n2\n"})
    fresh = daemon.request("gitinspector/executeAnalysis", settings)
    assert fresh["repositories"][0]["revision"] == repo.head()


def test_blame_data_reproduces_git_blame_line_by_line(daemon, repo):
    result = daemon.request(
        "gitinspector/getBlameData", {"input_fstrs": [str(repo.root)], "files": ["a.py"]}
    )
    (blamed,) = result["repositories"]
    (file,) = blamed["files"]
    per_line = []
    for hunk in file["hunks"]:
        per_line += [hunk["commit"]] * hunk["line_count"]
    assert per_line == blame_commits(repo.root, "a.py")
    table = {c["sha"]: c for c in blamed["commits"]}
    assert {table[sha]["author"] for sha in per_line} == {ALICE[0], BOB[0]}


def test_stray_python_and_child_output_never_reaches_the_stream(start_daemon, repo, tmp_path):
    noisy = Path(__file__).resolve().parent.parent / "fixtures" / "noisy_python"
    client = start_daemon({"PYTHONPATH": str(noisy)})
    client.initialize(tmp_path)
    for _ in range(5):
        assert client.request("gitinspector/healthCheck")["status"] == "ok"
        client.request("gitinspector/executeAnalysis", {"input_fstrs": [str(repo.root)]})
        client.request("gitinspector/getPerformanceStats")
    # Python's stray prints are logged, and the log reaches the client.
    log = client.wait_for(
        lambda m: (
            m["method"] == "window/logMessage" and "NOISE-FROM-PYTHON" in m["params"]["message"]
        )
    )
    assert "stray stdout" in log["params"]["message"]
    assert client.shutdown() == 0
    assert not client.protocol_errors
    stderr = client.stderr_path.read_text(errors="replace")
    for kind in (
        "print at start-up",
        "os.write at start-up",
        "child process at start-up",
        "sys.__stdout__",
        "child 1",
    ):
        assert kind in stderr, f"{kind!r} should have gone to stderr"


def _frame(message: dict) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def _frames(data: bytes) -> list[dict]:
    messages = []
    while data:
        header, _, rest = data.partition(b"\r\n\r\n")
        length = int(header.split(b":")[1])
        messages.append(json.loads(rest[:length]))
        data = rest[length:]
    return messages


def test_stdout_that_is_not_a_pipe_is_served_too(daemon_bin, isolated_env, tmp_path, repo):
    # Editors give a pipe (driven by the reactor); stdout redirected to a file
    # (a recorded session) takes tokio's blocking file writes instead.
    uri = (repo.root / "a.py").as_uri()
    out = tmp_path / "session.out"
    with out.open("wb") as stdout:
        proc = subprocess.Popen(
            [str(daemon_bin)],
            stdin=subprocess.PIPE,
            stdout=stdout,
            stderr=subprocess.DEVNULL,
            env=isolated_env,
        )
        assert proc.stdin is not None

        def send(message: dict) -> None:
            proc.stdin.write(_frame({"jsonrpc": "2.0", **message}))
            proc.stdin.flush()

        def answered(request_id: int) -> dict:
            deadline = time.monotonic() + 30
            while True:
                for m in _frames(out.read_bytes()):
                    if m.get("id") == request_id and "method" not in m:
                        return m
                assert time.monotonic() < deadline, f"no answer to request {request_id}"
                time.sleep(0.02)

        send({"id": 1, "method": "initialize", "params": {"capabilities": {}}})
        assert answered(1)["result"]["serverInfo"]["name"] == "gitinspector-lsp"
        send({"method": "initialized", "params": {}})
        text = (repo.root / "a.py").read_text()
        doc = {"uri": uri, "languageId": "python", "version": 1, "text": text}
        send({"method": "textDocument/didOpen", "params": {"textDocument": doc}})
        send({"id": 2, "method": "gitinspector/blame", "params": {"textDocument": {"uri": uri}}})
        runs = answered(2)["result"]["runs"]
        assert sum(runs[0::2]) == len(blame_commits(repo.root, "a.py"))
        send({"id": 3, "method": "shutdown"})
        assert answered(3)["result"] is None
        send({"method": "exit"})
        assert proc.wait(timeout=10) == 0

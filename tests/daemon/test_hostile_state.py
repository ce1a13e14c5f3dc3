"""Files and caches an unlucky user (or an attacker) leaves behind never crash the daemon,
and what it writes is what it acknowledged."""

from __future__ import annotations

import json
import subprocess
import threading
from pathlib import Path

from support.blame import line_shas
from support.gitrepo import GitRepo
from support.oracle import blame_commits

ALICE = ("Alice", "alice@example.com")
BOB = ("Bob", "bob@example.com")


def settings_file(env: dict[str, str]) -> Path:
    return Path(env["XDG_CONFIG_HOME"]) / "gitinspector-lsp" / "settings.json"


def test_pipelined_saves_leave_the_last_acknowledged_on_disk(daemon, isolated_env) -> None:
    order: list[int] = []
    lock = threading.Lock()
    futures = []
    for n in range(100):
        _, future = daemon.send_request("gitinspector/saveSettings", {"n_files": n})

        def done(f, n=n) -> None:
            with lock:
                order.append(n)

        future.add_done_callback(done)
        futures.append(future)
    for future in futures:
        assert "result" in future.result(timeout=60)
    on_disk = json.loads(settings_file(isolated_env).read_text())["n_files"]
    assert on_disk == order[-1] == 99


def test_a_settings_file_that_is_not_utf8_is_kept_aside(daemon, isolated_env) -> None:
    path = settings_file(isolated_env)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b'{"n_files": \xff\xfe}')
    assert daemon.request("gitinspector/getSettings")["n_files"] == 0
    aside = list(path.parent.glob("settings.json.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == b'{"n_files": \xff\xfe}'
    daemon.request("gitinspector/saveSettings", {"n_files": 3})
    assert json.loads(path.read_text())["n_files"] == 3
    assert aside[0].exists(), "the user's file is never overwritten"


def test_a_blame_cache_entry_with_bad_indices_is_replaced(start_daemon, isolated_env, tmp_path):
    repo = GitRepo(tmp_path / "repo")
    repo.commit("one", ALICE, {"a.py": "a\nb\nc\n"})
    repo.commit("two", BOB, {"a.py": "a\nB\nc\n"})
    expected = blame_commits(repo.root, "a.py")
    first = start_daemon()
    first.initialize(repo.root)
    uri = first.open_document(repo.root / "a.py")
    assert line_shas(first.request("gitinspector/blame", {"textDocument": {"uri": uri}})) == (
        expected
    )
    assert first.shutdown() == 0  # waits for the cache write
    files = [
        p
        for p in (Path(isolated_env["XDG_CACHE_HOME"]) / "gitinspector-lsp").rglob("*")
        if p.is_file() and p.parent.parent.name.startswith("blame-v")
    ]
    assert files, "the blame was cached on disk"
    for path in files:
        stored = json.loads(path.read_text())
        stored["blame"]["line_commit"] = [9999] * len(stored["blame"]["line_commit"])
        path.write_text(json.dumps(stored))  # valid JSON, impossible indices
    for _ in range(2):  # and again: the bad entry is not met twice
        client = start_daemon()
        client.initialize(repo.root)
        uri = client.open_document(repo.root / "a.py")
        answer = client.request("gitinspector/blame", {"textDocument": {"uri": uri}})
        assert line_shas(answer) == expected
        assert client.shutdown() == 0


def test_a_symbolic_ref_loop_is_an_unborn_head_not_a_crash(start_daemon, tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "loop")
    repo.commit("one", ALICE, {"a.py": "x = 1\n"})
    (repo.root / ".git" / "HEAD").write_text("ref: refs/heads/loop\n")
    (repo.root / ".git" / "refs" / "heads" / "loop").write_text("ref: refs/heads/loop\n")
    client = start_daemon()
    client.initialize(repo.root)
    uri = client.open_document(repo.root / "a.py")
    answer = client.request("gitinspector/blame", {"textDocument": {"uri": uri}})
    assert line_shas(answer) == ["0" * 40]
    assert client.request("gitinspector/healthCheck")["status"] == "ok"


def test_a_date_pattern_chrono_cannot_use_falls_back_with_a_warning(start_daemon, tmp_path):
    repo = GitRepo(tmp_path / "repo")
    repo.commit("one", ALICE, {"a.py": "def f():\n    return 1\n"})
    client = start_daemon()
    client.initialize(repo.root, options={"dateFormat": "%Q %", "inlayHints": {"enabled": True}})
    uri = client.open_document(repo.root / "a.py")
    lenses = client.request("textDocument/codeLens", {"textDocument": {"uri": uri}})
    hints = client.request(
        "textDocument/inlayHint",
        {
            "textDocument": {"uri": uri},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 2, "character": 0}},
        },
    )
    assert lenses and hints
    warning = client.wait_for(lambda m: m.get("method") == "window/showMessage", timeout=10)
    assert "dateFormat" in warning["params"]["message"]
    client.notify(
        "workspace/didChangeConfiguration", {"settings": {"gitinspector": {"dateFormat": "%"}}}
    )
    assert client.request("textDocument/codeLens", {"textDocument": {"uri": uri}})


def test_the_cli_ends_quietly_when_its_reader_goes_away(daemon_bin, isolated_env, tmp_path):
    repo = GitRepo(tmp_path / "repo")
    # more output than a pipe holds, so that writing meets the closed pipe
    files = {f"f{i}.py": "x = 1\n" for i in range(600)}
    files["f1.py"] = "x = 1\n" * 5000
    repo.commit("one", ALICE, files)
    for args in (["analyze", str(repo.root), "--format", "json"], ["blame", "f1.py"]):
        proc = subprocess.Popen(
            [str(daemon_bin), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=isolated_env,
            cwd=repo.root,
        )
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.readline()
        proc.stdout.close()  # like `| head -1`
        err = proc.stderr.read().decode()
        proc.wait(timeout=60)
        assert "panicked" not in err and "Broken pipe" not in err, err


def test_saved_settings_apply_to_analyses_and_their_cache(daemon, tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.commit("one", ALICE, {"a.py": "x = 1\n", "b.md": "# b\n", "c.txt": "c\n"})
    settings = {"input_fstrs": [str(repo.root)]}

    def paths() -> set[str]:
        result = daemon.request("gitinspector/executeAnalysis", settings)
        return {f["path"] for f in result["repositories"][0]["files"]}

    assert paths() == {"a.py", "b.md", "c.txt"}
    daemon.request("gitinspector/saveSettings", {"extensions": ["py"]})
    assert paths() == {"a.py"}, "the saved settings count, not the cached analysis"
    daemon.request("gitinspector/saveSettings", {})
    assert paths() == {"a.py", "b.md", "c.txt"}

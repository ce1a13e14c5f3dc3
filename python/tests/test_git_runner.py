"""The git runner feeds stdin and drains output at once, under cancel flags and deadlines,
and leaves no process behind (a merge-heavy history hung forever on a 280 KB stdin)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from support.gitrepo import run_git

from gigui.errors import AnalysisCancelled, GitError
from gigui.git import Git


def children() -> list[int]:
    """Live (not zombie) child processes of this process."""
    me = os.getpid()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == me and fields[0] != b"Z":
            found.append(int(entry))
    return found


def finishes(fn, seconds: float = 60):
    """FN's result, or a test failure (not a hung test run) if it takes over SECONDS."""
    box: dict[str, object] = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            box["error"] = exc

    t = threading.Thread(target=target, daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), f"did not finish within {seconds} s"
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]


@pytest.fixture
def repo(small_repo) -> Path:
    return small_repo.root


def test_a_multi_megabyte_stdin_under_a_cancel_flag_finishes(repo: Path) -> None:
    run_git(repo, "gc", "-q")  # packed: git answers each line fast (loose objects are slow)
    head = run_git(repo, "rev-parse", "HEAD").strip()
    # 25 MB in, more out, for longer than any polling interval: neither pipe may wait on the
    # other, and the input must keep flowing after the first wait for output
    lines = 600_000
    feed = f"{head}\n".encode() * lines
    git = Git(str(repo), cancel=threading.Event())
    out = finishes(lambda: git.run("cat-file", "--batch-check", input=feed))
    assert out.count(b"\n") == lines
    assert out.startswith(f"{head} commit ".encode())
    assert children() == []


def test_a_slow_reader_gets_all_of_a_streamed_input() -> None:
    from gigui.git import exchange

    reader = (
        "import sys, time\n"
        "n = 0\n"
        "while True:\n"
        "    chunk = sys.stdin.buffer.read1(65536)\n"
        "    if not chunk: break\n"
        "    n += len(chunk)\n"
        "    sys.stdout.write('x' * 1000 + '\\n'); sys.stdout.flush()\n"
        "    time.sleep(0.005)\n"
        "print(n)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", reader],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    chunks = [bytes([65 + i % 26]) * 100_000 for i in range(30)]  # 3 MB, streamed
    out, _err = finishes(lambda: exchange(proc, iter(chunks), threading.Event()))
    assert int(out.splitlines()[-1]) == 3_000_000
    assert proc.returncode == 0


def test_cancelling_midway_stops_git_and_leaves_no_process(repo: Path) -> None:
    cancel = threading.Event()
    head = run_git(repo, "rev-parse", "HEAD").strip().encode()

    def endless():
        while True:  # stdin that never ends: git keeps reading
            yield head + b"\n"
            time.sleep(0.001)

    git = Git(str(repo), cancel=cancel)
    threading.Timer(0.3, cancel.set).start()
    started = time.monotonic()
    with pytest.raises(AnalysisCancelled):
        finishes(lambda: git.run("cat-file", "--batch-check", input=endless()))
    assert time.monotonic() - started < 5
    assert children() == []


def test_a_deadline_kills_a_stuck_git(repo: Path) -> None:
    def silent():
        while True:
            time.sleep(0.05)
            yield b""  # never a line: git waits for input

    git = Git(str(repo), timeout=0.5)
    with pytest.raises(GitError, match="timed out"):
        finishes(lambda: git.run("cat-file", "--batch-check", input=silent()))
    assert children() == []


def test_git_failing_while_we_write_reports_its_error(repo: Path) -> None:
    # git exits at once on a bad option: the write side sees a closed pipe, the error is git's
    git = Git(str(repo), cancel=threading.Event())
    with pytest.raises(GitError, match="unknown option|usage"):
        finishes(lambda: git.run("cat-file", "--no-such-option", input=b"x\n" * 1_000_000))
    assert children() == []


def test_merge_heavy_history_passes_every_merge_through_stdin(tmp_path: Path) -> None:
    from support import corpus

    from gigui import api

    repo = corpus.build(tmp_path / "proj", corpus.PRESETS["project-small"])
    merges = int(run_git(repo, "rev-list", "--merges", "--count", "HEAD"))
    assert merges > 100
    result = finishes(
        lambda: api.execute_analysis({"input_fstrs": [str(repo)]}, cancel=lambda: False)
    )
    assert result["repositories"][0]["totals"]["files"] > 0
    assert children() == []

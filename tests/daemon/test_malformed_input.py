"""No frame an editor (or anything else on our stdin) sends can take the daemon down: each
malformed one gets its JSON-RPC error, with its id where one can be read, and the next
well-formed message is served. The editor going away ends the daemon and its git runs."""

from __future__ import annotations

import contextlib
import json
import subprocess
import time
from pathlib import Path

import pytest
from support.gitrepo import GitRepo
from support.processes import children, stuck_git


def frame(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def request(id_: object, method: str = "gitinspector/healthCheck", **extra) -> bytes:
    return json.dumps({"jsonrpc": "2.0", "id": id_, "method": method, **extra}).encode()


def still_serving(client) -> None:
    assert client.request("gitinspector/healthCheck", timeout=30)["status"] == "ok"
    assert client.proc.poll() is None


# (what, bytes sent, expected code, the id the error must carry or None)
DEEP = b'{"jsonrpc":"2.0","id":7,"method":"x","params":' + b"[" * 100_000 + b"]" * 100_000 + b"}"
CASES = [
    ("missing Content-Length", b"Content-Type: a\r\n\r\n" + request(1), -32700, None),
    ("non-numeric Content-Length", b"Content-Length: abc\r\n\r\n" + request(2), -32700, None),
    ("negative Content-Length", b"Content-Length: -5\r\n\r\n" + request(3), -32700, None),
    ("overflowing Content-Length", b"Content-Length: 99999999999999999999\r\n\r\n", -32700, None),
    ("invalid JSON", frame(b'{"jsonrpc": "2.0", "id": 4, "method"'), -32700, None),
    ("batch array", frame(b"[" + request(5) + b"]"), -32600, None),
    ("100k-deep nesting", frame(DEEP), -32700, None),
    ("non-UTF-8 bytes", frame(b'{"jsonrpc":"2.0","id":8,"method":"x\xff\xfe"}'), -32700, None),
    ("1 MB junk header", b"X" * (1 << 20) + b"\r\n\r\n", -32700, None),
    ('jsonrpc "1.0"', frame(request(11, jsonrpc="1.0")), -32600, 11),
    ("object id", frame(request({"a": 1})), -32600, None),
    ("float id", frame(request(1.5)), -32600, None),
    ("unknown $/ request", frame(request(13, "$/unknownThing")), -32601, 13),
    ("not an object", frame(b'"just a string"'), -32600, None),
    # Python's json.dumps writes a Latin-1 folder name read with surrogateescape this way
    ("lone surrogate escape", frame(request(14, params={"x": "caf\udce9"})), -32700, 14),
]


@pytest.mark.parametrize(("what", "data", "code", "error_id"), CASES, ids=[c[0] for c in CASES])
def test_a_malformed_frame_gets_its_error_and_the_daemon_serves_on(
    daemon, what: str, data: bytes, code: int, error_id: object
) -> None:
    if error_id is None:
        daemon.send_bytes(data)
        (error,) = daemon.wait_errors_without_id(1)
    else:
        future = daemon.send_bytes(data, expect_id=error_id)
        error = future.result(timeout=30)
    assert error["error"]["code"] == code, error
    still_serving(daemon)


def test_every_malformed_frame_in_one_stream_then_a_request(daemon) -> None:
    stream = b"".join(data for _, data, _, _ in CASES)
    answered = [daemon.send_bytes(b"", expect_id=i) for _, _, _, i in CASES if i is not None]
    daemon.send_bytes(stream)
    for future in answered:
        assert "error" in future.result(timeout=30)
    still_serving(daemon)
    assert daemon.proc.poll() is None


def test_a_bom_before_the_body_is_read_as_json(daemon) -> None:
    future = daemon.send_bytes(frame(b"\xef\xbb\xbf" + request(21)), expect_id=21)
    assert future.result(timeout=30)["result"]["status"] == "ok"


def test_a_frame_split_across_writes_is_one_message(daemon) -> None:
    data = frame(request(22))
    future = daemon.send_bytes(data[:7], expect_id=22)
    time.sleep(0.05)
    daemon.send_bytes(data[7:30])
    time.sleep(0.05)
    daemon.send_bytes(data[30:])
    assert future.result(timeout=30)["result"]["status"] == "ok"


@pytest.fixture
def stuck(start_daemon, tmp_path: Path):
    repo = GitRepo(tmp_path / "repo")
    repo.commit("one", ("A", "a@example.com"), {"a.py": "x = 1\n"})
    client = start_daemon({**stuck_git(tmp_path, "blame"), "GITINSPECTOR_LOG": "debug"})
    client.initialize(repo.root)
    uri = client.open_document(repo.root / "a.py")
    yield client, uri
    # The editor going away ends the daemon and its stuck git (a kill would leave the `sleep`).
    if client.proc.poll() is None:
        client.proc.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            client.proc.wait(timeout=10)


def test_cancellation_and_quick_requests_get_through_a_flood_of_stuck_requests(stuck) -> None:
    client, uri = stuck
    params = {"textDocument": {"uri": uri}}
    flood = [client.send_request("gitinspector/blame", params) for _ in range(600)]
    started = time.monotonic()
    assert client.request("gitinspector/healthCheck", timeout=10)["status"] == "ok"
    assert time.monotonic() - started < 5
    first_id, first = flood[0]
    client.cancel(first_id)
    assert first.result(timeout=10)["error"]["code"] == -32800
    busy = [f for _, f in flood[-50:] if f.done() and "error" in f.result()]
    assert busy and all(f.result()["error"]["code"] == -32802 for f in busy), (
        "requests past the limit are refused at once, not queued"
    )


def test_the_editor_going_away_ends_the_daemon_and_its_git(stuck) -> None:
    client, uri = stuck
    _id, answer = client.send_request("gitinspector/blame", {"textDocument": {"uri": uri}})
    # The stuck blame is the child that has become `sleep`: the daemon runs quick git commands
    # too (who "You" is, the user's safe.* settings), and one of them, seen just before it
    # exits, is not the blame.
    deadline = time.monotonic() + 20
    running = children(client.proc.pid)
    while (
        "sleep" not in [name for _pid, name in running]
        and not answer.done()
        and time.monotonic() < deadline
    ):
        time.sleep(0.05)
        running = children(client.proc.pid)
    assert "sleep" in [name for _pid, name in running], (
        f"the stuck git blame runs; children: {running}; "
        f"answer: {answer.result() if answer.done() else 'none yet'}; "
        f"daemon log: {client.stderr_path.read_text(errors='replace')[-3000:]}"
    )
    git = [pid for pid, _name in running]
    started = time.monotonic()
    client.proc.stdin.close()
    # within a second on a quiet machine; the bound leaves room for a loaded one
    client.proc.wait(timeout=10)
    assert time.monotonic() - started < 5
    time.sleep(0.1)
    assert not [
        pid
        for pid in git
        if Path(f"/proc/{pid}").exists()
        and b"Z" not in Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1][:3]
    ]

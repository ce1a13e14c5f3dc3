"""Large buffers and pathological edits are mapped in linear time off the protocol loop: a
quick request is answered meanwhile, the answer is right, and the memory of a large
document comes back when it is closed."""

from __future__ import annotations

import concurrent.futures
from pathlib import Path

from support.blame import line_shas
from support.gitrepo import GitRepo

NOT_COMMITTED = "0" * 40
LINES = 200_000


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_reindenting_a_fifth_of_a_huge_file(start_daemon, tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "big")
    text = "".join(f"    value_{i} = compute({i}, {i * 7})\r\n" for i in range(LINES))
    repo.commit("big", ("A", "a@example.com"), {"big.py": text})
    commit = repo.head()
    client = start_daemon()
    client.initialize(repo.root, options={"inlayHints": {"enabled": True}})
    path = repo.root / "big.py"
    uri = client.open_document(path, text=text)
    params = {"textDocument": {"uri": uri}}
    assert set(line_shas(client.request("gitinspector/blame", params, timeout=120))) == {commit}

    lines = text.split("\r\n")[:-1]
    for i in range(50_000, 90_000):
        lines[i] = "  " + lines[i]
    client.notify(
        "textDocument/didChange",
        {
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"text": "\r\n".join(lines) + "\r\n"}],
        },
    )
    _, blame = client.send_request("gitinspector/blame", params)
    health = client.request("gitinspector/healthCheck", timeout=60)
    assert health["status"] == "ok"
    shas = line_shas(blame.result(timeout=60)["result"])
    assert shas[:50_000] == [commit] * 50_000
    assert shas[50_000:90_000] == [NOT_COMMITTED] * 40_000
    assert shas[90_000:] == [commit] * (LINES - 90_000)

    # a full-range inlay-hint request, then close: the memory comes back
    before = rss_kb(client.proc.pid)
    hints = client.request(
        "textDocument/inlayHint",
        {
            "textDocument": {"uri": uri},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": LINES, "character": 0}},
        },
        timeout=120,
    )
    assert len(hints) > 100_000
    peak = rss_kb(client.proc.pid)
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    assert client.request("gitinspector/healthCheck")["status"] == "ok"
    import time

    deadline = time.monotonic() + 10
    while rss_kb(client.proc.pid) > before + (peak - before) // 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    after = rss_kb(client.proc.pid)
    assert after <= before + (peak - before) // 2, (before, peak, after)


def test_a_50_mb_buffer_with_many_edits(start_daemon, tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "huge")
    line = "x" * 40
    committed = "".join(f"{line} {i}\n" for i in range(1_000_000))  # 50 MB
    repo.commit("huge", ("A", "a@example.com"), {"huge.txt": committed})
    client = start_daemon()
    client.initialize(repo.root)
    lines = committed.split("\n")[:-1]
    for i in range(0, len(lines), 10):  # a tenth of the lines changed
        lines[i] = lines[i].upper()
    uri = client.open_document(repo.root / "huge.txt", text="\n".join(lines) + "\n")
    with concurrent.futures.ThreadPoolExecutor() as pool:
        blame = pool.submit(
            client.request, "gitinspector/blame", {"textDocument": {"uri": uri}}, 300
        )
        assert client.request("gitinspector/healthCheck", timeout=60)["status"] == "ok"
        shas = line_shas(blame.result(timeout=300))
    changed = {i for i, sha in enumerate(shas) if sha == NOT_COMMITTED}
    assert changed == set(range(0, len(lines), 10))

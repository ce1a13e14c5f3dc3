"""Figure 2: a one-line edit, then blame, as the editor extensions ask; against git
blaming the same contents."""

from __future__ import annotations

import time
from pathlib import Path

from support.blame import apply_answer
from support.env import isolated_env
from support.rpc import RpcClient

from bench.common import (
    BIG_FILE,
    BIG_LINES,
    Report,
    Row,
    blame,
    check_blame,
    ms,
    percentile,
    time_command,
    verdict,
)


def edit_rows(
    report: Report,
    client: RpcClient,
    uri: str,
    home: Path,
    repo: Path,
    big: Path,
    it: dict[str, int],
) -> None:
    """Edits line 1,000 again and again, each time asking for blame naming the answer held
    (`previousResultId`) and applying the delta."""
    held = blame(client, uri)
    original = big.read_text().splitlines()[1000]
    edited_text = ""
    samples = []
    for version in range(2, 2 + it["edit"]):
        edited_text = f"edited = {version}"
        params = {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [
                {
                    "range": {
                        "start": {"line": 1000, "character": 0},
                        "end": {"line": 1000, "character": len(original)},
                    },
                    "text": edited_text,
                }
            ],
        }
        ask = {"textDocument": {"uri": uri}, "previousResultId": held["resultId"]}
        start = time.perf_counter()
        client.notify("textDocument/didChange", params)
        held = apply_answer(held, client.request("gitinspector/blame", ask))
        samples.append(time.perf_counter() - start)
        if held["version"] != version:
            raise AssertionError(f"blame of version {held['version']}, sent {version}")
        original = edited_text
    check_blame(held, BIG_LINES)
    if held != blame(client, uri):
        raise AssertionError("the blame patched by deltas differs from the whole answer")
    # Reference: git blaming the same edited contents.
    contents = home.parent / "edited-5000.py"
    lines = big.read_text().splitlines()
    lines[1000] = edited_text
    contents.write_text("\n".join(lines) + "\n")
    ref = time_command(
        ["git", "blame", "--porcelain", "--contents", str(contents), "--", BIG_FILE],
        repo,
        isolated_env(home),
        it["git"],
    )
    p50, p99 = percentile(samples, 50), percentile(samples, 99)
    report.raw["edit_blame_s"] = {"p50": p50, "p99": p99, "git_contents": ref}
    report.add(
        Row(
            "2a blame after edit p99",
            "≤ 10 ms",
            ms(p99),
            verdict=verdict(p99 <= 0.010),
            note=f"{len(samples)} didChange+blame round trips (previousResultId: "
            f"delta answers, as the extensions ask); p50 {ms(p50)}",
        )
    )
    speedup = ref / p50
    report.add(
        Row(
            "2b blame after edit vs git --contents (p50)",
            "≥ 20× faster",
            f"{ms(p50)} ({speedup:.1f}× faster)",
            f"{ms(ref)} git blame --contents",
            f"{p50 / ref:.3f}",
            verdict(speedup >= 20),
        )
    )

"""Figure 1: warm blame of the 5,000-line file, with and without the answer held; figure 2
follows in the same daemon (figures/edits.py)."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from support.rpc import RpcClient

from bench.common import (
    BIG_LINES,
    Daemons,
    Report,
    Row,
    blame,
    check_blame,
    ms,
    percentile,
    timed,
    verdict,
)
from bench.figures import edits


def fig_warm_and_edit(
    report: Report, daemons: Daemons, home: Path, repo: Path, big: Path, it: dict[str, int]
) -> None:
    client = daemons.start(home)
    try:
        client.initialize(repo)
        uri = client.open_document(big)
        check_blame(blame(client, uri), BIG_LINES)
        warm_rows(report, client, uri, it)
        edits.edit_rows(report, client, uri, home, repo, big, it)
    finally:
        daemons.stop(client)


def warm_rows(report: Report, client: RpcClient, uri: str, it: dict[str, int]) -> None:
    for _ in range(20):  # warm-up
        blame(client, uri)
    warm = [timed(lambda: blame(client, uri))[0] for _ in range(it["warm"])]
    p50, p99 = percentile(warm, 50), percentile(warm, 99)
    # How much of a round trip is this client decoding the answer (not the daemon).
    body = json.dumps(blame(client, uri)).encode()
    decode = statistics.median(timed(lambda: json.loads(body))[0] for _ in range(20))
    report.raw["warm_blame_s"] = {
        "p50": p50,
        "p99": p99,
        "n": len(warm),
        "client_decode": decode,
        "bytes": len(body),
    }
    report.add(
        Row(
            "1a warm blame p50 (5,000 lines)",
            "≤ 0.5 ms",
            ms(p50),
            verdict=verdict(p50 <= 0.0005),
            note=f"{len(warm)} requests; answer {len(body) // 1024} KB, "
            f"client JSON decode alone {ms(decode)}",
        )
    )
    report.add(
        Row("1b warm blame p99 (5,000 lines)", "≤ 2 ms", ms(p99), verdict=verdict(p99 <= 0.002))
    )
    # The same warm request from a client that holds the current answer:
    # `previousResultId` makes the daemon answer "unchanged" (no payload).
    result_id = blame(client, uri)["resultId"]
    params = {"textDocument": {"uri": uri}, "previousResultId": result_id}
    unchanged = [
        timed(lambda: client.request("gitinspector/blame", params))[0] for _ in range(it["warm"])
    ]
    u50, u99 = percentile(unchanged, 50), percentile(unchanged, 99)
    report.raw["warm_blame_unchanged_s"] = {"p50": u50, "p99": u99, "n": len(unchanged)}
    report.add(
        Row(
            "1c warm blame p50, client has the answer (resultId)",
            "≤ 0.5 ms",
            ms(u50),
            verdict=verdict(u50 <= 0.0005),
            note=f"{len(unchanged)} requests with previousResultId: answer is {{unchanged}}",
        )
    )
    report.add(
        Row(
            "1d warm blame p99, client has the answer (resultId)",
            "≤ 2 ms",
            ms(u99),
            verdict=verdict(u99 <= 0.002),
        )
    )

"""Figure 6: a daemon's start, up to its answer to `initialize`."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from bench.common import Daemons, Report, Row, ms, verdict


def fig_startup(report: Report, daemons: Daemons, work: Path, repo: Path, reps: int) -> None:
    samples = []
    for i in range(reps):
        start = time.perf_counter()
        client = daemons.start(work / f"home-start-{i}")
        try:
            client.initialize(repo)
            samples.append(time.perf_counter() - start)
        finally:
            daemons.stop(client)
    median = statistics.median(samples)
    report.raw["startup_s"] = samples
    report.add(
        Row(
            "6 start → initialize answered (median)",
            "≤ 100 ms",
            ms(median),
            verdict=verdict(median <= 0.100),
            note=f"median of {reps} daemon starts",
        )
    )

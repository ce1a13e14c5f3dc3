"""Figure 13: the peak memory of a cold analysis (issue #16), the hand-over of the result
included: the CLI (`analyze --format json`, a new process, empty cache folders) and a
fresh daemon's `executeAnalysis`.

The peak is the kernel's high-water mark of the process's resident memory (`VmHWM` of
/proc/PID/status): the git commands the engine starts are processes of their own and not
counted (git's own `log` of a large history takes hundreds of megabytes whatever reads it).
The daemon stays up after answering, so its mark is read once the answer has arrived; the
CLI's is read every 20 ms until it exits, and the last reading kept (the mark only grows).
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from support.env import isolated_env

from bench.common import Daemons, Report, Row, analyze, ms, timed, verdict

TARGET_MB = 500


def high_water_mb(pid: int) -> float | None:
    """VmHWM of PID in MB; None once the process is gone."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def cli_peak(binary: Path, repo: Path, home: Path) -> tuple[float, float]:
    """(seconds, peak MB) of `analyze REPO --format json` with an empty HOME."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [str(binary), "analyze", str(repo), "--format", "json"],
        env=isolated_env(home),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    peak = 0.0
    while proc.poll() is None:
        mark = high_water_mb(proc.pid)
        if mark is not None:
            peak = max(peak, mark)
        time.sleep(0.02)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"analyze exited with {proc.returncode}")
    return elapsed, peak


def fig_peak_memory(report: Report, daemons: Daemons, binary: Path, work: Path, repo: Path) -> None:
    elapsed, peak = cli_peak(binary, repo, work / "home-peak-cli")
    report.raw["peak_cli_mb"] = peak
    report.raw["peak_cli_s"] = elapsed
    report.add(
        Row(
            "13a peak memory of a cold analyze (CLI, MB)",
            f"≤ {TARGET_MB} MB",
            f"{peak:.0f} MB",
            f"{ms(elapsed)} wall",
            verdict=verdict(peak <= TARGET_MB),
            note="VmHWM of `analyze REPO --format json` (fresh HOME), git's processes not counted",
        )
    )

    client = daemons.start(work / "home-peak-daemon")
    try:
        client.initialize(repo)
        client.request("gitinspector/healthCheck")
        elapsed, result = timed(lambda: analyze(client, repo))
        if not result["repositories"]:
            raise AssertionError("executeAnalysis returned no repository")
        del result
        peak = high_water_mb(client.proc.pid) or 0.0
    finally:
        daemons.stop(client)
    report.raw["peak_daemon_mb"] = peak
    report.add(
        Row(
            "13b peak memory of a cold analysis (daemon, MB)",
            f"≤ {TARGET_MB} MB",
            f"{peak:.0f} MB",
            f"{ms(elapsed)} executeAnalysis",
            verdict=verdict(peak <= TARGET_MB),
            note="VmHWM of a fresh daemon (fresh HOME) once executeAnalysis has answered",
        )
    )

"""What every figure uses: the report table, timing, the daemons under test and their
blame and analysis requests."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from support.env import isolated_env
from support.rpc import RpcClient

ROOT = Path(__file__).resolve().parent.parent
BIG_FILE = "bench_data/big_5000.py"
BIG_LINES = 5_000
CORES = os.cpu_count() or 1


# -- results ---------------------------------------------------------------
@dataclass
class Row:
    figure: str
    target: str
    measured: str
    reference: str = "-"
    ratio: str = "-"
    verdict: str = "n/a"  # PASS, MISS, n/a, not run, error
    note: str = ""


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)

    def add(self, row: Row) -> None:
        self.rows.append(row)
        print(f"  {row.figure}: {row.measured} [{row.verdict}]", file=sys.stderr, flush=True)

    def table(self) -> str:
        head = ["figure", "target", "measured", "reference", "ratio", "pass/fail"]
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for r in self.rows:
            cells = [r.figure, r.target, r.measured, r.reference, r.ratio, r.verdict]
            lines.append("| " + " | ".join(cells) + " |")
        notes = [f"* {r.figure}: {r.note}" for r in self.rows if r.note]
        return "\n".join(lines + ([""] + notes if notes else []))


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms" if seconds < 1 else f"{seconds:.2f} s"


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    k = (len(ordered) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def run_quiet(argv: list[str] | str, cwd: Path, env: dict[str, str], shell: bool = False) -> None:
    subprocess.run(
        argv,
        cwd=cwd,
        env=env,
        shell=shell,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def time_command(argv: list[str] | str, cwd: Path, env: dict[str, str], reps: int) -> float:
    """Median wall time of `reps` runs of a command (output discarded)."""
    return statistics.median(
        timed(lambda: run_quiet(argv, cwd, env, shell=isinstance(argv, str)))[0]
        for _ in range(reps)
    )


# -- environment -------------------------------------------------------------
def daemon_binary() -> Path:
    configured = os.environ.get("GITINSPECTOR_LSP_BIN")
    path = Path(configured) if configured else ROOT / "target/release/gitinspector-lsp"
    if not path.is_file():
        sys.exit(f"daemon binary not found: {path} (run `bash scripts/setup.sh`)")
    return path


class Daemons:
    """Starts daemons and checks every one of them kept stdout clean."""

    def __init__(self, binary: Path, work: Path) -> None:
        self.binary = binary
        self.work = work
        self.count = 0
        self.protocol_errors: list[str] = []

    def start(self, home: Path) -> RpcClient:
        self.count += 1
        return RpcClient(
            [str(self.binary)],
            env=isolated_env(home),
            cwd=self.work,
            stderr_path=self.work / f"daemon-{self.count}.stderr",
        )

    def stop(self, client: RpcClient) -> None:
        try:
            if client.proc.poll() is None:
                client.shutdown()
        except Exception:  # noqa: BLE001 - a hung daemon is killed below
            pass
        finally:
            client.close()
            self.protocol_errors += client.protocol_errors


# -- LSP helpers -------------------------------------------------------------
def blame(client: RpcClient, uri: str) -> dict[str, Any]:
    return client.request("gitinspector/blame", {"textDocument": {"uri": uri}})


def check_blame(result: dict[str, Any], lines: int) -> None:
    covered = sum(result["runs"][0::2])
    if covered != lines:
        raise AssertionError(f"blame covers {covered} lines, expected {lines}")


def analyze(client: RpcClient, repo: Path) -> dict[str, Any]:
    return client.request("gitinspector/executeAnalysis", {"input_fstrs": [str(repo)]}, 3_600)

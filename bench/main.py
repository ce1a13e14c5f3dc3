"""Benchmarks of gitinspector-lsp, each figure measured against its reference in the same run.

    .venv/bin/python bench/run.py [--quick] [--preset tiny|small|medium|large] [--repo PATH]
                                  [--peers] [--only FIGURE...] [--json OUT] [--keep]

The daemon under test is `target/release/gitinspector-lsp` (or $GITINSPECTOR_LSP_BIN).
A repository is built with tests/support/corpus.py (or copied from --repo) into a
temporary folder; a 5,000-line file written by several authors over a few commits
is added to the copy. See BENCHMARKS.md for what each figure measures.

`--quick` is a smoke test: small corpus, few iterations, exit status 0 whatever
the figures. Without it, the exit status is 1 when a figure misses its target.
Figure 9 runs the peer tools (gitinspectorgui, gitinspector, git-fame) installed by
bench/install_peers.sh; `--quick` skips them unless `--peers` is given.

Layout: bench/run.py starts this module (options, the figures' order, the report);
bench/common.py has the report table, timing and the daemons; bench/repository.py the
corpus and the big file; bench/figures/ one module per figure (or per figures measured
together).
"""

from __future__ import annotations

import argparse
import gc
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from support import corpus
from support.gitrepo import run_git

from bench.common import BIG_FILE, BIG_LINES, CORES, ROOT, Daemons, Report, Row, daemon_binary
from bench.figures.analysis import fig_analysis
from bench.figures.blame import fig_warm_and_edit
from bench.figures.first_blame import fig_first_blame, fig_restart
from bench.figures.line_map import fig_line_map
from bench.figures.peak_memory import fig_peak_memory
from bench.figures.peers import fig_peers
from bench.figures.saved_state import fig_saved_state
from bench.figures.startup import fig_startup
from bench.repository import prepare_repo

FIGURES = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="CI smoke test: small, always exit 0")
    parser.add_argument("--preset", choices=sorted(corpus.PRESETS), help="corpus size")
    parser.add_argument("--repo", type=Path, help="benchmark a copy of this repository instead")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--peers",
        action="store_true",
        help="run the peer tools (figure 9) in --quick mode too (install: bench/install_peers.sh)",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="FIGURE",
        choices=FIGURES,
        help=f"run only these figures ({' '.join(FIGURES)}; 4, 5 and 7 run together, as do "
        "10, 11 and 12)",
    )
    parser.add_argument(
        "--peer-timeout",
        type=float,
        default=600,
        metavar="SECONDS",
        help="bound on one run of a peer tool (default 600)",
    )
    args = parser.parse_args(argv)
    if args.preset is None:
        args.preset = "small" if args.quick else "medium"
    if args.repo is not None:
        args.repo = args.repo.resolve()
        if not (args.repo / ".git").exists():
            parser.error(f"not a git work tree: {args.repo}")
    it = (
        {"warm": 200, "edit": 50, "git": 3, "first": 3, "analysis": 1, "startup": 5, "peers": 1}
        if args.quick
        else {
            "warm": 2_000,
            "edit": 300,
            "git": 7,
            "first": 7,
            "analysis": 3,
            "startup": 10,
            "peers": 3,
        }
    )

    binary = daemon_binary()
    work = Path(tempfile.mkdtemp(prefix="gitinspector-bench-"))
    report = Report()
    failed = False
    started = time.perf_counter()
    try:
        repo = prepare_repo(args, work)
        big = repo / BIG_FILE
        daemons = Daemons(binary, work)
        steps: list[tuple[str, Callable[[], None]]] = [
            ("6", lambda: fig_startup(report, daemons, work, repo, it["startup"])),
            ("1-2", lambda: fig_warm_and_edit(report, daemons, work / "home-warm", repo, big, it)),
            ("3", lambda: fig_first_blame(report, daemons, work, repo, big, it)),
            ("8", lambda: fig_restart(report, daemons, work, repo, big)),
            ("13", lambda: fig_peak_memory(report, daemons, binary, work, repo)),
            (
                "4-5-7",
                lambda: fig_analysis(
                    report, daemons, work, repo, it, memory_only=set(args.only or []) == {"7"}
                ),
            ),
            ("14", lambda: fig_line_map(report, daemons, work)),
            (
                "10-11-12",
                lambda: fig_saved_state(report, daemons, binary, work, repo, it["analysis"]),
            ),
            (
                "9",
                lambda: fig_peers(
                    report,
                    daemons,
                    work,
                    repo,
                    it["peers"],
                    args.peers or not args.quick,
                    args.peer_timeout,
                ),
            ),
        ]
        wanted = set(args.only or FIGURES)
        for name, step in steps:
            if not wanted & set(name.split("-")):
                continue
            # This client's garbage collector would add its pauses to the
            # daemon's round trips: collect between figures, not during them.
            gc.collect()
            gc.disable()
            try:
                step()
            except Exception as err:  # noqa: BLE001 - report it, go on with the others
                failed = True
                report.add(
                    Row(
                        f"{name} (failed)",
                        "-",
                        "error",
                        verdict="error",
                        note=f"{type(err).__name__}: {err}",
                    )
                )
            finally:
                gc.enable()
        if daemons.protocol_errors:
            failed = True
            report.add(
                Row(
                    "stdout protocol",
                    "clean",
                    "errors",
                    verdict="error",
                    note="; ".join(daemons.protocol_errors[:3]),
                )
            )
    finally:
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)

    checkout = (
        run_git(ROOT, "rev-parse", "--short", "HEAD").strip() if (ROOT / ".git").exists() else "?"
    )
    print(
        f"\ngitinspector-lsp benchmarks — {'quick' if args.quick else 'full'}, "
        f"corpus {args.repo or args.preset} (+ {BIG_FILE}, {BIG_LINES} lines), "
        f"{CORES} cores, checkout {checkout}, {time.perf_counter() - started:.0f} s\n"
    )
    print(report.table())
    if args.json:
        args.json.write_text(
            json.dumps({"rows": [r.__dict__ for r in report.rows], "raw": report.raw}, indent=2)
        )
    if args.quick:
        return 0
    return 1 if failed or any(r.verdict == "MISS" for r in report.rows) else 0

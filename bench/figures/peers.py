"""Figure 9: a full analysis, ours against the peer tools installed by
bench/install_peers.sh."""

from __future__ import annotations

import glob
import json
import os
import shutil
import statistics
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from support.env import isolated_env
from support.gitrepo import run_git

from bench.common import ROOT, Daemons, Report, Row, analyze, ms, timed, verdict

PEERS_DIR = Path(os.environ.get("GITINSPECTOR_BENCH_PEERS") or ROOT / "bench/.peers")
PEER_VERSIONS = {"gitinspectorgui": "0.4.5", "gitinspector": "0.3.2", "git-fame": "4.2.1"}
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


@dataclass
class Peer:
    name: str
    argv: list[str]  # the command, without its arguments
    env: dict[str, str] = field(default_factory=dict)


def find_peer(name: str) -> Peer | None:
    """The peer installed by bench/install_peers.sh, else one on PATH, else None."""
    if name == "gitinspector":
        prefix = PEERS_DIR / "gitinspector"
        site = prefix / "lib/python2.7/site-packages"
        python = prefix / "python"  # the interpreter install_peers.sh installed it with
        if (site / "gitinspector").is_dir() and python.is_file():
            argv = [python.read_text().strip(), "-m", "gitinspector.gitinspector"]
            return Peer(name, argv, {"PYTHONPATH": str(site)})
    else:
        exe = PEERS_DIR / name / "bin" / name
        if exe.is_file():
            return Peer(name, [str(exe)])
    on_path = shutil.which(name)
    return Peer(name, [on_path]) if on_path else None


def unreadable_files(repo: Path) -> list[str]:
    """Files of HEAD that are binary (numstat) or not UTF-8: gitinspectorgui crashes on them."""
    binary = set()
    for line in run_git(repo, "diff", "--numstat", "-z", EMPTY_TREE, "HEAD").split("\0"):
        if line.startswith("-\t-\t"):
            binary.add(line[4:])
    entries = [
        e.split("\t", 1) for e in run_git(repo, "ls-tree", "-r", "-z", "HEAD").split("\0") if e
    ]
    blobs = [(meta.split()[2], path) for meta, path in entries if meta.split()[1] == "blob"]
    batch = subprocess.run(
        ["git", "cat-file", "--batch"],
        cwd=repo,
        input="".join(f"{sha}\n" for sha, _ in blobs).encode(),
        capture_output=True,
        check=True,
    ).stdout
    bad, pos = [], 0
    for _sha, path in blobs:
        end = batch.index(b"\n", pos)
        size = int(batch[pos:end].split()[2])
        data = batch[end + 1 : end + 1 + size]
        pos = end + 2 + size
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(path)
            continue
        if path in binary:
            bad.append(path)
    return bad


def peer_args(name: str, repo: Path, out: str) -> tuple[list[str], str]:
    """The arguments closest to our defaults (all files, plain blame), and what they mean."""
    if name == "git-fame":
        return (
            ["--format", "json", "-s", "--show", "name,email", str(repo)],
            "--format json -s --show name,email (all files, blame without -w/-M/-C, automatic -j)",
        )
    if name == "gitinspector":
        files = run_git(repo, "ls-tree", "-r", "-z", "--name-only", "HEAD").split("\0")
        exts = sorted({Path(f).suffix.lstrip(".") for f in files if f} - {""})
        return (
            [f"--file-types={','.join(exts) or 'py'}", str(repo)],
            f"--file-types={','.join(exts)} (every extension of HEAD; default text "
            "output); its blame is `git blame --line-porcelain -w`",
        )
    excluded = unreadable_files(repo)
    argv = [
        "-r",
        str(repo),
        "-d",
        "0",
        "-n",
        "0",
        "-f",
        "*",
        "-e",
        "*",
        "--view",
        "none",
        "-F",
        "excel",
        "--comments",
        "--empty-lines",
        "--whitespace",
        "--copy-move",
        "0",
        "--deletions",
        "--blame-skip",
        "--multithread",
        "-o",
        out,
    ]
    if excluded:
        argv += ["--ex-files", *(glob.escape(p) for p in excluded)]
    return (
        argv,
        "-d 0 -n 0 -f '*' -e '*' --view none -F excel --comments --empty-lines "
        "--whitespace --copy-move 0 --deletions --blame-skip --multithread "
        f"(+ --ex-files for {len(excluded)} binary/non-UTF-8 files)",
    )


def relative(speedup: float) -> str:
    return f"{speedup:.1f}× faster" if speedup >= 1 else f"{1 / speedup:.1f}× slower"


class PeerFailed(Exception):
    def __init__(self, message: str, timed_out: bool = False) -> None:
        super().__init__(message)
        self.timed_out = timed_out


def run_bounded(argv: list[str], cwd: Path, env: dict[str, str], limit: float, log: Path) -> float:
    """Wall time of one run, output to `log`; PeerFailed when it fails or runs over `limit`."""
    with open(log, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            code = proc.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)  # the peer and the git processes it started
            proc.wait()
            raise PeerFailed(f"timed out (> {limit:g} s)", timed_out=True) from None
        elapsed = time.perf_counter() - start
    if code != 0:
        tail = log.read_bytes().decode(errors="replace").strip().splitlines()[-1:] or [""]
        raise PeerFailed(f"crashed (exit {code}): {tail[0][:200]}")
    return elapsed


def time_ours_cli(binary: Path, work: Path, repo: Path, reps: int, limit: float) -> float:
    """`gitinspector-lsp analyze REPO --format json`, end to end, fresh HOME each run."""
    samples = []
    for i in range(reps):
        log = work / f"ours-cli-{i}.json"
        env = isolated_env(work / f"home-cli-{i}")
        samples.append(
            run_bounded(
                [str(binary), "analyze", str(repo), "--format", "json"], repo, env, limit, log
            )
        )
        if not json.loads(log.read_text())["repositories"][0]["files"]:
            raise AssertionError("analyze --format json returned no files")
    return statistics.median(samples)


def time_ours_rpc(daemons: Daemons, work: Path, repo: Path, reps: int) -> list[float]:
    """executeAnalysis over stdio in a fresh daemon, its engine started first (as figure 4)."""
    samples = []
    for i in range(reps):
        client = daemons.start(work / f"home-peer-rpc-{i}")
        try:
            client.initialize(repo)
            client.request("gitinspector/healthCheck")
            samples.append(timed(lambda c=client: analyze(c, repo))[0])
        finally:
            daemons.stop(client)
    return samples


def fig_peers(
    report: Report,
    daemons: Daemons,
    work: Path,
    repo: Path,
    reps: int,
    run_them: bool,
    limit: float,
) -> None:
    found = {name: find_peer(name) for name in PEER_VERSIONS}
    targets = {"gitinspectorgui": 5.0, "gitinspector": 1.0, "git-fame": 2.0}
    if not run_them or not any(found.values()):
        for name, peer in found.items():
            why = (
                "skipped in --quick mode (add --peers)"
                if peer
                else "not installed: run `bash bench/install_peers.sh`"
            )
            report.add(Row(f"9 vs {name}", "-", "not run", verdict="not run", note=why))
        return

    cli = time_ours_cli(daemons.binary, work, repo, reps, limit)
    rpc_samples = report.raw.get("analysis_s") or time_ours_rpc(daemons, work, repo, reps)
    rpc = statistics.median(rpc_samples)
    report.raw["peers"] = {"ours_cli_s": cli, "ours_rpc_s": rpc}
    report.add(
        Row(
            "9 ours: analyze --format json (CLI)",
            "-",
            ms(cli),
            note=f"end to end, fresh HOME, median of {reps}",
        )
    )
    report.add(
        Row(
            "9 ours: executeAnalysis (stdio)",
            "-",
            ms(rpc),
            note=f"fresh daemon, engine started first, median of {len(rpc_samples)}",
        )
    )
    for name, peer in found.items():
        version = PEER_VERSIONS[name]
        factor = targets[name]
        figure = f"9 vs {name} {version}"
        target = f"≥ {factor:g}× faster" if factor > 1 else "faster"
        if peer is None:
            report.add(
                Row(
                    figure,
                    target,
                    "not run",
                    verdict="not run",
                    note="not installed: run `bash bench/install_peers.sh`",
                )
            )
            continue
        env = {**isolated_env(work / f"home-{name}"), **peer.env, "PYTHONIOENCODING": "utf-8"}
        out_base = f"peer-{name}"
        args, settings = peer_args(name, repo, out_base)
        try:
            samples = []
            for i in range(reps):
                for old in repo.parent.glob(f"*{out_base}*"):
                    old.unlink()
                log = work / f"{name}-{i}.log"
                samples.append(run_bounded(peer.argv + args, repo, env, limit, log))
                if name == "gitinspectorgui" and not any(repo.parent.glob(f"*{out_base}*.xlsx")):
                    raise PeerFailed(f"wrote no report: {log.read_text()[-200:]!r}")
        except PeerFailed as err:
            # A timeout still bounds the speed-up from below: enough when that bound meets
            # the target, inconclusive ("peer failed") otherwise.
            bound = limit / cli if err.timed_out else 0.0
            report.add(
                Row(
                    figure,
                    target,
                    f"{ms(cli)} CLI (> {bound:.1f}× faster)" if err.timed_out else "-",
                    f"{name}: {err}",
                    f"< {cli / limit:.3f}" if err.timed_out else "-",
                    "PASS" if err.timed_out and bound >= max(factor, 1.0) else "peer failed",
                    note=settings,
                )
            )
            continue
        theirs = statistics.median(samples)
        speedup = theirs / cli
        report.raw["peers"][name] = samples
        report.add(
            Row(
                figure,
                target,
                f"{ms(cli)} CLI ({relative(speedup)})",
                f"{ms(theirs)} {name}",
                f"{cli / theirs:.3f}",
                verdict(speedup >= factor if factor > 1 else speedup > 1),
                note=f"{settings}; median of {len(samples)}; executeAnalysis "
                f"{relative(theirs / rpc)}",
            )
        )

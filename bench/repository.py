"""The repository the figures measure: a corpus built by tests/support/corpus.py or a copy
of --repo, with a 5,000-line file written by several authors added on top."""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from support import corpus
from support.gitrepo import GitRepo

from bench.common import BIG_FILE, BIG_LINES


def add_big_file(repo: Path) -> Path:
    """Commits a 5,000-line file in four commits by four authors, an hour apart after HEAD."""
    authors = [(f"Bench Author {c}", f"bench.{c.lower()}@example.com") for c in "ABCD"]
    builder = GitRepo.existing(repo)
    lines = [f"a_{i} = {i}  # first draft" for i in range(2_000)]
    steps: list[Callable[[list[str]], list[str]]] = [
        lambda ls: ls,
        lambda ls: ls + [f"def b_{i}():\n    return {i}" for i in range(1_000)],  # +2,000 lines
        lambda ls: (
            [f"c_{i} = {i}  # rewritten" if i % 7 == 0 else x for i, x in enumerate(ls)]
            + [f"c_tail_{i} = {i}" for i in range(800)]
        ),
        lambda ls: (
            [f"d_{i} = {i}  # reviewed" if i % 23 == 5 else x for i, x in enumerate(ls)]
            + [f"d_tail_{i} = {i}" for i in range(200)]
        ),
    ]
    for n, (author, step) in enumerate(zip(authors, steps, strict=True)):
        lines = "\n".join(step(lines)).split("\n")
        text = "\n".join(lines) + "\n"
        builder.commit(f"big file, step {n}", author, {BIG_FILE: text}, stage_all=False)
    path = repo / BIG_FILE
    count = len(path.read_text().splitlines())
    assert count == BIG_LINES, count
    return path


def prepare_repo(args: argparse.Namespace, work: Path) -> Path:
    repo = work / "repo"
    if args.repo:
        print(f"copying {args.repo} ...", file=sys.stderr, flush=True)
        shutil.copytree(args.repo, repo, symlinks=True)
    else:
        print(f"building the {args.preset} corpus ...", file=sys.stderr, flush=True)
        corpus.build(repo, corpus.PRESETS[args.preset])
    add_big_file(repo)
    return repo

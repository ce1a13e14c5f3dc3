"""Deterministic synthetic repositories built with `git fast-import`.

Used by tests that need a repository big enough for an analysis to take a
while (progress, cancellation, concurrency) and by the benchmark suite.
"""

from __future__ import annotations

import random
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CorpusSpec:
    files: int = 100
    commits: int = 2_000
    authors: int = 12
    lines_per_file: int = 60
    files_per_commit: int = 3
    seed: int = 1


PRESETS = {
    "tiny": CorpusSpec(files=40, commits=200, authors=5, lines_per_file=40),
    "small": CorpusSpec(files=100, commits=2_000, authors=12, lines_per_file=60),
    "medium": CorpusSpec(files=1_000, commits=20_000, authors=40, lines_per_file=120),
    "large": CorpusSpec(files=5_000, commits=80_000, authors=120, lines_per_file=300),
}


def build(root: Path, spec: CorpusSpec) -> Path:
    """Creates a repository at `root` (which must not exist) and returns it."""
    rng = random.Random(spec.seed)
    root.mkdir(parents=True)
    subprocess.run(["git", "-c", "init.defaultBranch=main", "init", "-q", str(root)], check=True)
    people = [(f"Author {i:03d}", f"author{i:03d}@example.com") for i in range(spec.authors)]
    # A few aliases: same person, other email / other spelling.
    aliases = {i: (people[i][0], people[i][1].upper()) for i in range(0, spec.authors, 7)}
    contents: dict[str, list[str]] = {}
    paths = [f"src/pkg{i % 20:02d}/module_{i:05d}.py" for i in range(spec.files)]
    out: list[bytes] = []

    def blob(lines: list[str]) -> bytes:
        data = ("\n".join(lines) + "\n").encode()
        return b"data %d\n%s\n" % (len(data), data)

    timestamp = 1_600_000_000
    for n in range(spec.commits):
        timestamp += rng.randint(600, 7_200)
        who = rng.randrange(spec.authors)
        name, email = aliases.get(who, people[who]) if rng.random() < 0.3 else people[who]
        if n < spec.files:
            touched = [paths[n]]
        else:
            touched = rng.sample(
                paths[: min(spec.files, n)], min(spec.files_per_commit, spec.files)
            )
        out.append(b"commit refs/heads/main\n")
        out.append(f"author {name} <{email}> {timestamp} +0000\n".encode())
        out.append(f"committer {name} <{email}> {timestamp} +0000\n".encode())
        message = f"change {n}".encode()
        out.append(b"data %d\n%s\n" % (len(message), message))
        for path in touched:
            lines = contents.get(path)
            if lines is None:
                lines = [f"# {path} line {i} by {name}" for i in range(spec.lines_per_file)]
            else:
                for _ in range(rng.randint(1, 6)):
                    i = rng.randrange(len(lines))
                    op = rng.random()
                    if op < 0.5:
                        lines[i] = f"value_{n}_{i} = {rng.randint(0, 10**6)}  # {name}"
                    elif op < 0.8 or len(lines) < 10:
                        lines.insert(i, f"added_{n}_{i} = {n}")
                    else:
                        del lines[i]
            contents[path] = lines
            out.append(f"M 100644 inline {path}\n".encode())
            out.append(blob(lines))
        out.append(b"\n")
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input=b"".join(out), check=True)
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=root, check=True)
    return root

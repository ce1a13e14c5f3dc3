"""A commit-graph with changed-path Bloom filters per repository, kept in the
user cache directory (never in the repository) and offered to git as an
alternate object directory.

git's path-limited history walks, which is what every ``git blame`` is, use
the filters to skip commits that did not touch the path without diffing
their trees: blaming every file of a repository runs about 1.5x faster. git
reads a commit-graph from the first object directory that has one, so a
repository with its own graph keeps it and this one is not written.

Being only an index of commits git already has, a stale or partial graph
is still correct: commits it does not list are read the usual way.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

from .git import Git

log = logging.getLogger("gigui.commit_graph")

APP_NAME = "gitinspector-lsp"


def location(root: str) -> Path:
    """The object directory holding ROOT's graph. The daemon computes the
    same path (daemon/src/git.rs) to use it for a document's first blame."""
    import platformdirs

    key = hashlib.sha256(os.path.realpath(root).encode("utf-8", "surrogateescape")).hexdigest()
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)) / "commit-graph" / key[:32]


def existing(root: str) -> str | None:
    """ROOT's graph directory if one was written (no refresh, no git run)."""
    objects = location(root)
    chain = objects / "info" / "commit-graphs" / "commit-graph-chain"
    return str(objects) if chain.is_file() else None


def _has_own_graph(git: Git) -> bool:
    out = git.run(
        "rev-parse",
        "--git-path",
        "objects/info/commit-graph",
        "--git-path",
        "objects/info/commit-graphs/commit-graph-chain",
    )
    paths = out.decode("utf-8", "surrogateescape").splitlines()
    return any(os.path.exists(os.path.join(git.cwd, p)) for p in paths)


def refresh(root: str, *, bare: bool = False) -> str | None:
    """Brings ROOT's graph up to date with its refs (a new layer holds only
    the commits added since the last refresh) and returns the object
    directory to give git as an alternate; None when the repository has its
    own graph or the graph cannot be written (git then works without it)."""
    git = Git(root, bare=bare)
    try:
        if _has_own_graph(git):
            return None
        objects = location(root)
        (objects / "info").mkdir(parents=True, exist_ok=True)
        (objects / "pack").mkdir(exist_ok=True)
        writer = Git(root, alternate=str(objects), bare=bare)
        writer.run(
            "-c",
            "commitGraph.changedPathsVersion=2",
            "commit-graph",
            "write",
            "--reachable",
            "--changed-paths",
            "--split",
            "--no-progress",
            "--object-dir",
            str(objects),
        )
        return str(objects)
    except Exception as exc:  # noqa: BLE001 - an optimisation: never fail the analysis for it
        log.info("no commit-graph for %s: %s", root, exc)
        return None


__all__ = ["existing", "location", "refresh"]

"""What the host program (the gitinspector-lsp binary) hands the engine at start-up.

* The git policy it was built with (``git_policy.json``, compiled into the daemon): git runs
  under exactly the policy the daemon's own git runs under, with the protected settings the
  daemon read from the user's configuration (``carry_over``: ``safe.directory``...).
* Its commit-graph writer: the daemon owns the commit-graph kept for each repository in the
  user cache (``daemon/src/git/commit_graph.rs``); an analysis asks it for the graph's
  object directory before walking the history.

Without a host (the engine's own tests), the policy is read from the package's copy of the
same file, nothing is carried over from the user's configuration, and analyses run without a
commit-graph (slower, same numbers).
"""

from __future__ import annotations

from collections.abc import Callable

_policy_text: str | None = None
_carried_over: tuple[str, ...] = ()
_commit_graph: Callable[[str], str | None] | None = None


def configure(
    policy: str, carried_over: list[str], commit_graph: Callable[[str], str | None]
) -> None:
    """Called once by the host, before any analysis."""
    global _policy_text, _carried_over, _commit_graph
    _policy_text = policy
    _carried_over = tuple(carried_over)
    _commit_graph = commit_graph
    from . import git

    git.forget_policy()


def policy_text() -> str | None:
    return _policy_text


def carried_over() -> tuple[str, ...]:
    """``-c key=value`` arguments for the protected settings the host read from the user's
    configuration (git takes ``safe.directory`` only from there)."""
    return _carried_over


def commit_graph(root: str) -> str | None:
    """The object directory of ROOT's commit-graph, brought up to date by the host; None
    without a host, or when the repository has its own graph."""
    if _commit_graph is None:
        return None
    return _commit_graph(root)

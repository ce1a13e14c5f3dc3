"""Safe git runner.

Repositories are untrusted input: git is always run as an argument list (never through a
shell), with configuration overrides that stop a repository's own configuration from making
git execute programs (fsmonitor, hooks, external diff, textconv, pagers), with stdin closed and
stdout/stderr captured (a child process never inherits our stdout).
"""

from __future__ import annotations

import logging
import os
import subprocess
import threading
from collections.abc import Sequence
from functools import lru_cache

from .errors import AnalysisCancelled, GitError, RepositoryError

log = logging.getLogger("gigui.git")

GIT = "git"

#: ``-c`` overrides put before every subcommand.
SAFE_CONFIG: tuple[str, ...] = (
    "-c", "core.fsmonitor=false",
    "-c", "core.hooksPath=/dev/null",
    "-c", "diff.external=",
    "-c", "core.pager=cat",
    "-c", "log.showSignature=false",
    "-c", "log.follow=false",
    "-c", "color.ui=false",
    "-c", "core.untrackedCache=false",
    "-c", "i18n.logOutputEncoding=UTF-8",
)  # fmt: skip

#: Subcommands that get ``--no-ext-diff --no-textconv``.
DIFF_FAMILY = frozenset({"log", "diff", "show", "diff-tree", "blame"})

#: Environment variables that must not leak from our caller into git.
_DROP_ENV = frozenset(
    {
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_COMMON_DIR",
        "GIT_NAMESPACE",
        "GIT_OBJECT_DIRECTORY",
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GIT_EXTERNAL_DIFF",
        "GIT_CONFIG_PARAMETERS",
        "GIT_CONFIG_COUNT",
        "GIT_PREFIX",
        "GIT_EDITOR",
        "GIT_SSH",
        "GIT_SSH_COMMAND",
        "GIT_ASKPASS",
        "GIT_TRACE",
    }
)

_POLL_SECONDS = 0.2


def git_env(alternate: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _DROP_ENV}
    if alternate is not None:
        # Our own object directory (a commit-graph, see commit_graph.py).
        env["GIT_ALTERNATE_OBJECT_DIRECTORIES"] = alternate
    env.update(
        GIT_TERMINAL_PROMPT="0",
        GIT_OPTIONAL_LOCKS="0",
        GIT_PAGER="cat",
        PAGER="cat",
        LC_ALL="C",
    )
    return env


def build_command(args: Sequence[str]) -> list[str]:
    """The full argv for ``git ARGS`` with the safety options inserted."""
    if not args:
        raise ValueError("empty git command")
    cmd = [GIT, *SAFE_CONFIG, args[0]]
    if args[0] in DIFF_FAMILY:
        cmd += ["--no-ext-diff", "--no-textconv"]
    cmd += list(args[1:])
    return cmd


def _describe(args: Sequence[str]) -> str:
    shown = [a if len(a) <= 60 else a[:57] + "..." for a in args[:8]]
    if len(args) > 8:
        shown.append("...")
    return "git " + " ".join(shown)


class CallCounter:
    """Thread-safe count of git processes started."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.count = 0

    def incr(self) -> None:
        with self._lock:
            self.count += 1


class Git:
    """Runs git in one directory. ``cancel`` (a threading.Event) kills running commands;
    ``alternate`` is an extra object directory of ours (a commit-graph)."""

    def __init__(
        self,
        cwd: str,
        *,
        cancel: threading.Event | None = None,
        counter: CallCounter | None = None,
        alternate: str | None = None,
    ) -> None:
        self.cwd = cwd
        self.cancel = cancel
        self.counter = counter
        self.alternate = alternate

    def run(
        self,
        *args: str,
        input: bytes | None = None,
        ok_codes: Sequence[int] = (0,),
    ) -> bytes:
        """Run ``git ARGS`` and return stdout; raise GitError on a failing exit code."""
        rc, out, err = self.run_rc(*args, input=input)
        if rc not in ok_codes:
            raise make_error(args, rc, err)
        return out

    def run_rc(self, *args: str, input: bytes | None = None) -> tuple[int, bytes, bytes]:
        """Run ``git ARGS``; return (returncode, stdout, stderr) without raising on failure."""
        if self.cancel is not None and self.cancel.is_set():
            raise AnalysisCancelled("analysis cancelled")
        if not os.path.isdir(self.cwd):
            raise RepositoryError(f"not a git repository: {self.cwd} (no such directory)")
        cmd = build_command(args)
        if self.counter is not None:
            self.counter.incr()
        log.debug("run %s (cwd=%s)", _describe(args), self.cwd)
        try:
            proc = subprocess.Popen(
                cmd,
                cwd=self.cwd,
                env=git_env(self.alternate),
                stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                close_fds=True,
                shell=False,
            )
        except FileNotFoundError as exc:
            raise GitError(f"git executable not found: {exc}", command=list(args)) from exc
        if self.cancel is None:
            out, err = proc.communicate(input)
        else:
            out, err = self._communicate_cancellable(proc, input)
        return proc.returncode, out, err

    def _communicate_cancellable(
        self, proc: subprocess.Popen[bytes], input: bytes | None
    ) -> tuple[bytes, bytes]:
        assert self.cancel is not None
        first = True
        while True:
            try:
                out, err = proc.communicate(input if first else None, timeout=_POLL_SECONDS)
                return out, err
            except subprocess.TimeoutExpired:
                first = False
                if self.cancel.is_set():
                    proc.kill()
                    proc.communicate()
                    raise AnalysisCancelled("analysis cancelled") from None


def make_error(args: Sequence[str], rc: int, err: bytes) -> GitError:
    text = err.decode("utf-8", "replace").strip()
    first = text.splitlines()[0] if text else "(no error output)"
    return GitError(
        f"{_describe(args)} failed (exit {rc}): {first}",
        command=list(args),
        returncode=rc,
        stderr=text,
    )


@lru_cache(maxsize=1)
def _git_version_cached() -> str:
    out = Git(os.getcwd() if os.path.isdir(os.getcwd()) else "/").run("--version")
    text = out.decode("utf-8", "replace").strip()
    prefix = "git version "
    return text[len(prefix) :] if text.startswith(prefix) else text


def git_version() -> str:
    """The installed git's version string, e.g. ``2.47.3``."""
    return _git_version_cached()


def _existing_dir(path: str) -> str:
    p = os.path.abspath(path)
    if os.path.isdir(p):
        return p
    parent = os.path.dirname(p)
    while parent and not os.path.isdir(parent):
        nxt = os.path.dirname(parent)
        if nxt == parent:
            break
        parent = nxt
    return parent or "/"


_NOT_REPO_MARKERS = ("not a git repository", "must be run in a work tree")


def toplevel(path: str, counter: CallCounter | None = None) -> str | None:
    """The work-tree root containing PATH (innermost repository), or None outside a work tree."""
    cwd = _existing_dir(path)
    rc, out, err = Git(cwd, counter=counter).run_rc("rev-parse", "--show-toplevel")
    if rc != 0:
        text = err.decode("utf-8", "replace").lower()
        if any(m in text for m in _NOT_REPO_MARKERS):
            return None
        raise make_error(["rev-parse", "--show-toplevel"], rc, err)
    root = out.decode("utf-8", "surrogateescape").rstrip("\n")
    return root or None


def require_toplevel(path: str, counter: CallCounter | None = None) -> str:
    if not os.path.exists(path):
        raise RepositoryError(f"not a git repository: {path} (path does not exist)")
    root = toplevel(path, counter)
    if root is None:
        raise RepositoryError(f"not a git repository: {path}")
    return root

"""The engine's git runner.

Repositories and user configuration are untrusted input. Every git command the engine runs is
built here, under the policy in ``git_policy.json`` (the daemon compiles in the same file): an
argument list, never a shell; the user's global and system configuration are not read (the
protected settings in ``carry_over``, such as ``safe.directory``, the host reads from them and
hands over, see host.py); every
setting that could run a program or change the numbers is pinned with ``-c``, which overrides
the repository's own configuration; only the ``GIT_*`` variables in ``env_keep`` reach git.

A command's stdin is fed and its stdout and stderr are drained by one selector loop, so no
amount of input or output can block it, and the loop checks the cancel flag and the deadline
between events: a cancelled or timed-out command is killed and reaped before the call returns.
``Git.stream`` hands stdout over chunk by chunk as the same loop reads it, for outputs too
large to hold (a large history's log is hundreds of megabytes), with the same guarantees.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import selectors
import subprocess
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from .errors import AnalysisCancelled, GitError, RepositoryError

log = logging.getLogger("gigui.git")

GIT = "git"

#: How often a running command looks at its cancel flag, in seconds.
_POLL_SECONDS = 0.1
#: Largest read from git's stdout at once.
_READ_CHUNK = 1 << 20


@cache
def policy() -> dict[str, Any]:
    """The git policy (``git_policy.json``): the daemon's own copy when the engine runs in
    it (see host.py), else the package's."""
    from . import host

    text = host.policy_text()
    if text is None:
        text = resources.files(__package__).joinpath("git_policy.json").read_text("utf-8")
    return json.loads(text)


def _config_args(entries: Iterable[dict[str, str]]) -> list[str]:
    args: list[str] = []
    for entry in entries:
        args += ["-c", f"{entry['key']}={entry['value']}"]
    return args


@cache
def _pinned_config() -> tuple[str, ...]:
    return tuple(_config_args(policy()["config"]))


@cache
def _bare_config() -> tuple[str, ...]:
    return tuple(_config_args(policy()["bare_config"]))


def forget_policy() -> None:
    """Drop what was derived from the policy (the host handed another one)."""
    for derived in (policy, _pinned_config, _bare_config):
        derived.cache_clear()


def _base_env() -> dict[str, str]:
    """The caller's environment without the GIT_* variables the policy does not keep."""
    keep = set(policy()["env_keep"])
    return {k: v for k, v in os.environ.items() if not k.startswith("GIT_") or k in keep}


def git_env(alternate: str | None = None) -> dict[str, str]:
    env = _base_env()
    env.update(policy()["env"])
    if alternate is not None:
        # Our own object directory (the commit-graph the host keeps, see host.py).
        env["GIT_ALTERNATE_OBJECT_DIRECTORIES"] = alternate
    return env


def build_command(args: Sequence[str], *, bare: bool = False) -> list[str]:
    """The full argv for ``git ARGS`` under the policy."""
    if not args:
        raise ValueError("empty git command")
    from . import host

    cmd = [GIT, *_pinned_config(), *host.carried_over()]
    if bare:
        cmd += _bare_config()
    cmd.append(args[0])
    extra = policy()["subcommand_args"].get(args[0])
    if isinstance(extra, list):
        cmd += extra
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


Input = bytes | Iterable[bytes] | None


def _chunks(data: Input) -> Iterator[bytes]:
    if data is None:
        return iter(())
    if isinstance(data, bytes | bytearray | memoryview):
        return iter((bytes(data),))
    return iter(data)


def exchange(
    proc: subprocess.Popen[bytes],
    data: Input,
    cancel: threading.Event | None = None,
    deadline: float | None = None,
) -> tuple[bytes, bytes]:
    """Feed DATA to PROC's stdin and read its stdout and stderr to the end, all at once.

    One selector loop: stdin is written only when the pipe has room (non-blocking), and the
    output pipes are drained as they fill, so neither side can wait on the other. Between
    events the loop checks CANCEL and DEADLINE (a ``time.monotonic()`` value); either kills
    the process. The process is always reaped before this returns or raises.
    """
    err: list[bytes] = []
    out = b"".join(pump(proc, data, err, cancel, deadline))
    return out, b"".join(err)


def pump(
    proc: subprocess.Popen[bytes],
    data: Input,
    err: list[bytes],
    cancel: threading.Event | None = None,
    deadline: float | None = None,
) -> Iterator[bytes]:
    """``exchange`` one piece at a time: yields PROC's stdout in chunks as it arrives and
    appends its stderr to ERR; PROC is reaped once both end.

    Between chunks the loop waits for its consumer: git then waits on a full pipe, so
    however much git writes, only the consumer's backlog is held. CANCEL and DEADLINE are
    checked whenever the loop runs. Closing the iterator early (or an exception in it) kills
    and reaps the process.
    """
    sinks: dict[int, list[bytes] | None] = {}
    pending = memoryview(b"")
    feed = _chunks(data)
    try:
        with selectors.DefaultSelector() as sel:
            if proc.stdin is not None:
                os.set_blocking(proc.stdin.fileno(), False)
                sel.register(proc.stdin.fileno(), selectors.EVENT_WRITE)
            for pipe, sink in ((proc.stdout, None), (proc.stderr, err)):
                if pipe is not None:
                    sinks[pipe.fileno()] = sink
                    sel.register(pipe.fileno(), selectors.EVENT_READ)
            while sel.get_map():
                if cancel is not None and cancel.is_set():
                    raise AnalysisCancelled("analysis cancelled")
                wait = _POLL_SECONDS if cancel is not None else None
                if deadline is not None:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise TimeoutError
                    wait = left if wait is None else min(wait, left)
                for key, _events in sel.select(wait):
                    fd = key.fd
                    if fd in sinks:
                        chunk = os.read(fd, _READ_CHUNK)
                        if not chunk:
                            sel.unregister(fd)
                        elif sinks[fd] is None:
                            yield chunk
                        else:
                            sinks[fd].append(chunk)  # type: ignore[union-attr]
                        continue
                    # stdin has room; one chunk at a time, so that cancel and deadline are
                    # looked at between chunks however the feed produces them
                    if not pending:
                        chunk = next(feed, None)
                        if chunk is None:
                            sel.unregister(fd)
                            _close_stdin(proc)
                            continue
                        pending = memoryview(chunk)
                        if not pending:
                            continue
                    try:
                        written = os.write(fd, pending)
                    except BlockingIOError:
                        continue
                    except BrokenPipeError:
                        # git stopped reading (it failed): its stderr says why.
                        sel.unregister(fd)
                        _close_stdin(proc)
                        continue
                    pending = pending[written:]
        proc.wait()
    except BaseException:  # GeneratorExit too: a consumer that stops early
        _kill(proc)
        raise


def _close_stdin(proc: subprocess.Popen[bytes]) -> None:
    if proc.stdin is not None:
        with contextlib.suppress(OSError):
            proc.stdin.close()


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """Kill and reap PROC; close our ends of its pipes."""
    with contextlib.suppress(OSError):
        proc.kill()
    proc.wait()
    for pipe in (proc.stdin, proc.stdout, proc.stderr):
        if pipe is not None:
            with contextlib.suppress(OSError):
                pipe.close()


def _stream_chunks(
    git: Git,
    args: Sequence[str],
    proc: subprocess.Popen[bytes],
    input: Input,
    deadline: float | None,
    ok_codes: Sequence[int],
) -> Iterator[bytes]:
    err: list[bytes] = []
    try:
        yield from pump(proc, input, err, git.cancel, deadline)
    except TimeoutError:
        raise git._timed_out(args) from None
    if proc.returncode not in ok_codes:
        raise make_error(args, proc.returncode, b"".join(err))


class GitStream:
    """The stdout of one running git command, chunk by chunk (see ``Git.stream``)."""

    def __init__(
        self,
        git: Git,
        args: Sequence[str],
        proc: subprocess.Popen[bytes],
        input: Input,
        deadline: float | None,
        ok_codes: Sequence[int],
    ) -> None:
        self._proc = proc
        # a function of its own, not a method: the generator must not hold this object,
        # whose collection kills git
        self._chunks = _stream_chunks(git, args, proc, input, deadline, ok_codes)

    def __iter__(self) -> GitStream:
        return self

    def __next__(self) -> bytes:
        return next(self._chunks)

    def close(self) -> None:
        """Stop reading: git is killed and reaped unless it has ended."""
        self._chunks.close()  # a started pump kills git itself
        if self._proc.returncode is None:
            _kill(self._proc)

    def __enter__(self) -> GitStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()


class Git:
    """Runs git in one repository directory under the policy.

    ``cancel`` (a threading.Event) stops running commands; ``alternate`` is an extra object
    directory of ours (a commit-graph); ``bare`` says the directory is a bare repository;
    ``timeout`` (seconds) bounds every command.
    """

    def __init__(
        self,
        cwd: str,
        *,
        cancel: threading.Event | None = None,
        counter: CallCounter | None = None,
        alternate: str | None = None,
        bare: bool = False,
        timeout: float | None = None,
    ) -> None:
        self.cwd = cwd
        self.cancel = cancel
        self.counter = counter
        self.alternate = alternate
        self.bare = bare
        self.timeout = timeout

    def run(self, *args: str, input: Input = None, ok_codes: Sequence[int] = (0,)) -> bytes:
        """Run ``git ARGS`` and return stdout; raise GitError on a failing exit code."""
        rc, out, err = self.run_rc(*args, input=input)
        if rc not in ok_codes:
            raise make_error(args, rc, err)
        return out

    def stream(self, *args: str, input: Input = None, ok_codes: Sequence[int] = (0,)) -> GitStream:
        """``run``, one piece of stdout at a time (chunks of up to 1 MB, cut anywhere): a
        large output is never held whole. git starts at once; a failing exit code raises
        GitError after the last chunk. Closing the stream before its end (``close``, the end
        of a ``with`` block, or dropping it) kills and reaps git, as do cancel and the
        timeout."""
        proc, deadline = self._start(args, input)
        return GitStream(self, args, proc, input, deadline, ok_codes)

    def _timed_out(self, args: Sequence[str]) -> GitError:
        return GitError(f"{_describe(args)} timed out after {self.timeout:g} s", command=list(args))

    def run_rc(self, *args: str, input: Input = None) -> tuple[int, bytes, bytes]:
        """Run ``git ARGS``; return (returncode, stdout, stderr) without raising on failure.

        INPUT (bytes, or an iterable of bytes chunks streamed as git reads them) is fed to
        git's stdin; without it stdin is /dev/null.
        """
        proc, deadline = self._start(args, input)
        try:
            out, err = exchange(proc, input, self.cancel, deadline)
        except TimeoutError:
            raise self._timed_out(args) from None
        return proc.returncode, out, err

    def _start(
        self, args: Sequence[str], input: Input
    ) -> tuple[subprocess.Popen[bytes], float | None]:
        """Start ``git ARGS`` under the policy; (process, deadline)."""
        if self.cancel is not None and self.cancel.is_set():
            raise AnalysisCancelled("analysis cancelled")
        if not os.path.isdir(self.cwd):
            raise RepositoryError(f"not a git repository: {self.cwd} (no such directory)")
        cmd = build_command(args, bare=self.bare)
        if self.counter is not None:
            self.counter.incr()
        log.debug("run %s (cwd=%s)", _describe(args), self.cwd)
        deadline = None if self.timeout is None else time.monotonic() + self.timeout
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
        return proc, deadline


def first_message(err: bytes) -> str:
    """The line of git's stderr that says what went wrong (its ``fatal:``/``error:`` line
    when there is one: trace or hint lines may come first), in git's own words."""
    text = err.decode("utf-8", "replace").strip()
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    for line in lines:
        if line.startswith(("fatal:", "error:")):
            return line
    return lines[0] if lines else "(no error output)"


def make_error(args: Sequence[str], rc: int, err: bytes) -> GitError:
    return GitError(
        f"{_describe(args)} failed (exit {rc}): {first_message(err)}",
        command=list(args),
        returncode=rc,
        stderr=err.decode("utf-8", "replace").strip(),
    )


@cache
def _git_version_cached() -> str:
    out = Git("/").run("--version")
    text = out.decode("utf-8", "replace").strip()
    prefix = "git version "
    return text[len(prefix) :] if text.startswith(prefix) else text


def git_version() -> str:
    """The installed git's version string, e.g. ``2.47.3``."""
    return _git_version_cached()


# ---------------------------------------------------------------------------------------------
# finding repositories


@dataclass(frozen=True)
class RepoRoot:
    """Where git runs for a repository: its work tree's top, or a bare repository's directory."""

    path: str
    git_dir: str
    bare: bool


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


_NOT_REPO_MARKER = "not a git repository"


def find_root(path: str, counter: CallCounter | None = None) -> RepoRoot | None:
    """The innermost repository containing PATH, or None when PATH is in none.

    A bare repository is its own root; PATH inside a work tree's ``.git`` directory names
    that work tree. Other git failures (for example a repository git refuses to read) raise
    RepositoryError in git's own words.
    """
    cwd = _existing_dir(path)
    args = ("rev-parse", "--absolute-git-dir", "--is-bare-repository", "--is-inside-work-tree")
    rc, out, err = Git(cwd, counter=counter).run_rc(*args)
    if rc != 0:
        message = first_message(err)
        if _NOT_REPO_MARKER in message.lower():
            return None
        raise RepositoryError(f"cannot read the repository at {path}: {message}")
    lines = out.decode("utf-8", "surrogateescape").splitlines()
    if len(lines) < 3:
        raise RepositoryError(f"cannot read the repository at {path}: unexpected git output")
    git_dir, bare, in_work_tree = lines[0], lines[1] == "true", lines[2] == "true"
    if bare:
        return RepoRoot(git_dir, git_dir, True)
    if in_work_tree:
        rc, out, err = Git(cwd, counter=counter).run_rc("rev-parse", "--show-toplevel")
        if rc == 0:
            return RepoRoot(out.decode("utf-8", "surrogateescape").rstrip("\n"), git_dir, False)
        raise RepositoryError(f"cannot read the repository at {path}: {first_message(err)}")
    if os.path.basename(git_dir) == ".git":  # inside a work tree's .git directory
        return RepoRoot(os.path.dirname(git_dir), git_dir, False)
    raise RepositoryError(f"{path} is inside a git directory with no work tree ({git_dir})")


def require_root(path: str, counter: CallCounter | None = None) -> RepoRoot:
    if not os.path.exists(path):
        raise RepositoryError(f"not a git repository: {path} (path does not exist)")
    root = find_root(path, counter)
    if root is None:
        raise RepositoryError(f"not a git repository: {path}")
    return root

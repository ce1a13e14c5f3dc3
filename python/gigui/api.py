"""Public API of the engine, called by the gitinspector-lsp daemon.

Every function returns plain JSON-able data. Nothing here writes to stdout: diagnostics go to
``logging`` (loggers under ``gigui``).
"""

from __future__ import annotations

import logging
import os
import platform
import sys
from typing import Any

from . import __version__
from . import analysis as _analysis
from . import commit_graph as _commit_graph
from . import incremental as _incremental
from . import settings as _settings
from .blame import commit_record, run_blame
from .errors import FileNotTrackedError, GiguiError, InvalidSettingsError, RepositoryError
from .git import Git, first_message, git_version, make_error, toplevel
from .history import _NUMSTAT_RE
from .text import display_path, readable

log = logging.getLogger("gigui.api")

__all__ = [
    "blame_file",
    "clear_caches",
    "execute_analysis",
    "find_repository",
    "get_blame_data",
    "get_commit_details",
    "get_engine_info",
    "get_settings",
    "health_check",
    "refresh_commit_graph",
    "save_settings",
]


def health_check() -> dict[str, Any]:
    problems: list[str] = []
    version = ""
    try:
        version = git_version()
    except (GiguiError, OSError) as exc:
        problems.append(f"git is not usable: {exc}")
    try:
        _settings.config_dir()
    except Exception as exc:  # platformdirs failure is unusual but must not crash
        problems.append(f"cannot determine config directory: {exc}")
    return {
        "status": "ok" if not problems else "error",
        "git": bool(version),
        "git_version": version,
        "python_version": platform.python_version(),
        "engine_version": __version__,
        "problems": problems,
    }


def get_engine_info() -> dict[str, Any]:
    try:
        version = git_version()
    except (GiguiError, OSError):
        version = ""
    return {
        "name": "gigui",
        "version": __version__,
        "backend": "git-cli",
        "git_version": version,
        "python_version": platform.python_version(),
        "python_executable": sys.executable,
        "config_path": str(_settings.settings_path()),
    }


def get_settings() -> dict[str, Any]:
    return _settings.load_settings().model_dump(mode="json")


def save_settings(settings: dict[str, Any]) -> dict[str, Any]:
    model = _settings.validate_settings(settings)
    _settings.save_settings(model)
    return model.model_dump(mode="json")


def execute_analysis(
    settings: dict[str, Any],
    progress: _analysis.ProgressFn | None = None,
    cancel: _analysis.CancelFn | None = None,
) -> dict[str, Any]:
    """Authors, files and authors x files tables for every repository in ``input_fstrs``."""
    model = _settings.validate_settings(settings)
    return _analysis.execute_analysis(model, progress, cancel)


def get_blame_data(
    settings: dict[str, Any],
    progress: _analysis.ProgressFn | None = None,
    cancel: _analysis.CancelFn | None = None,
) -> dict[str, Any]:
    """Blame hunks per file. Extra keys: ``files`` (list of paths), ``rev`` (default HEAD)."""
    data = dict(settings or {})
    files = data.pop("files", None)
    if files is not None and (
        not isinstance(files, list) or not all(isinstance(f, str) for f in files)
    ):
        raise InvalidSettingsError([{"field": "files", "message": "must be a list of paths"}])
    model = _settings.validate_settings(data)
    return _analysis.get_blame_data(model, files, progress, cancel)


def _check_rev(rev: str) -> None:
    if not rev or rev.startswith("-") or "\0" in rev:
        raise RepositoryError(f"invalid revision: {rev!r}")


def clear_caches() -> None:
    """Forget what earlier analyses left for later ones (blame counts, log passes)."""
    _incremental.clear()


_HEX = frozenset("0123456789abcdef")


def _full_sha(rev: str) -> bool:
    return len(rev) in (40, 64) and all(c in _HEX for c in rev)


def _is_toplevel(repo: str) -> bool:
    dotgit = os.path.join(repo, ".git")
    return os.path.isabs(repo) and (os.path.isdir(dotgit) or os.path.isfile(dotgit))


def blame_file(
    repo: str,
    path: str,
    rev: str = "HEAD",
    settings: dict[str, Any] | None = None,
    with_text: bool = False,
) -> dict[str, Any]:
    """Blame one file: one ``git rev-parse`` and one ``git blame --porcelain``.

    When REV is a full sha and REPO the repository's top-level directory (what the daemon
    passes), the ``git rev-parse`` is skipped: a first blame costs one ``git blame``.
    With ``with_text`` the result also has ``texts``, the file's lines at REV.
    """
    _check_rev(rev)
    model = _settings.validate_settings(settings) if settings is not None else None
    if _full_sha(rev) and _is_toplevel(repo):
        root = os.path.realpath(repo)
        try:
            return _blame_at(root, rev, path, model, with_text)
        except FileNotTrackedError:
            raise
        except GiguiError:
            pass  # e.g. REV is not a commit: the slow path gives the precise error
    start = repo if os.path.isdir(repo) else os.path.dirname(os.path.abspath(repo)) or "."
    if not os.path.exists(start):
        raise RepositoryError(f"not a git repository: {repo}")
    git = Git(start)
    args = ["rev-parse", "--show-toplevel", f"{rev}^{{commit}}"]
    rc, out, err = git.run_rc(*args)
    if rc != 0:
        text = err.decode("utf-8", "replace").lower()
        if "not a git repository" in text or "must be run in a work tree" in text:
            raise RepositoryError(f"not a git repository: {repo}")
        if toplevel(start) is not None:
            raise RepositoryError(f"unknown revision {rev!r} in {repo}: {first_message(err)}")
        raise make_error(args, rc, err)
    lines = out.decode("utf-8", "surrogateescape").splitlines()
    root, sha = lines[0], lines[-1]
    return _blame_at(root, sha, path, model, with_text)


def _blame_at(
    root: str, sha: str, path: str, model: _settings.Settings | None, with_text: bool
) -> dict[str, Any]:
    rel = _analysis.relative_path(root, path)
    git = Git(root, alternate=_commit_graph.existing(root))
    ignore: list[str] = []
    if model is not None and model.ex_revisions:
        ignore = _analysis.resolve_ignore_revs(git, model.ex_revisions)
    fb = run_blame(
        git,
        sha,
        rel,
        copy_move=model.copy_move if model else 0,
        whitespace=model.whitespace if model else True,
        ignore_revs=ignore,
        want_content=with_text,
    )
    result = {
        "repository": display_path(root),
        "revision": sha,
        "path": display_path(rel),
        "lines": fb.lines,
        "hunks": fb.hunks(),
        "commits": [commit_record(info) for info in fb.commits.values()],
    }
    if with_text:
        result["texts"] = [line.decode("utf-8", "replace") for line in fb.contents or []]
    return result


#: A hover waits this long at most for git (a huge commit's numstat).
INTERACTIVE_TIMEOUT = 30.0

_DETAILS_FORMAT = "--format=%H%x00%P%x00%aN%x00%aE%x00%at%x00%cN%x00%cE%x00%ct%x00%s%x00%B"


def get_commit_details(repo: str, sha: str, path: str | None = None) -> dict[str, Any]:
    """Details of one commit; with ``path``, that file's numstat in the commit (-M)."""
    _check_rev(sha)
    root = toplevel(repo)
    if root is None:
        raise RepositoryError(f"not a git repository: {repo}")
    git = Git(root, timeout=INTERACTIVE_TIMEOUT)
    out = git.run("show", "-s", _DETAILS_FORMAT, f"{sha}^{{commit}}", "--")
    parts = readable(out).split("\0")
    if len(parts) < 10:
        raise RepositoryError(f"cannot read commit {sha} in {root}")
    full, parents, an, ae, at, cn, ce, ct, subject = parts[:9]
    message = "\0".join(parts[9:]).rstrip("\n")
    parent_list = parents.split()
    result: dict[str, Any] = {
        "sha": full,
        "author": an,
        "email": ae,
        "author_time": int(at or 0),
        "committer": cn,
        "committer_email": ce,
        "committer_time": int(ct or 0),
        "summary": subject,
        "message": message,
        "parents": parent_list,
        "file": None,
    }
    if path is not None:
        rel = _analysis.relative_path(root, path)
        if parent_list:
            args = ["diff-tree", "-r", "-M", "--numstat", "-z", parent_list[0], full]
        else:
            args = ["diff-tree", "--root", "--no-commit-id", "-r", "-M", "--numstat", "-z", full]
        data = git.run(*args)
        result["file"] = _find_numstat(data, rel)
    return result


def _find_numstat(data: bytes, rel: str) -> dict[str, Any] | None:
    toks = data.split(b"\0")
    i = 0
    while i < len(toks):
        tok = toks[i].lstrip(b"\n")
        i += 1
        m = _NUMSTAT_RE.match(tok)
        if not m:
            continue
        rest = tok[m.end() :]
        if rest:
            p = rest.decode("utf-8", "surrogateescape")
        else:
            p = toks[i + 1].decode("utf-8", "surrogateescape")
            i += 2
        if p == rel:
            ins = 0 if m.group(1) == b"-" else int(m.group(1))
            dels = 0 if m.group(2) == b"-" else int(m.group(2))
            return {"path": rel, "insertions": ins, "deletions": dels}
    return None


def find_repository(path: str) -> dict[str, Any] | None:
    """The innermost git work tree containing PATH, or None."""
    root = toplevel(path)
    if root is None:
        return None
    git = Git(root)
    rc, out, _ = git.run_rc("rev-parse", "--verify", "-q", "HEAD")
    head = out.decode("ascii").strip() if rc == 0 else None
    try:
        rel = _analysis.relative_path(root, os.path.abspath(path))
    except FileNotTrackedError:
        return None
    tracked = False
    if rel != ".":
        rc, out, _ = git.run_rc("ls-files", "-z", "--", rel)
        tracked = rc == 0 and bool(out.strip(b"\0"))
    else:
        rc, out, _ = git.run_rc("ls-files", "-z")
        tracked = rc == 0 and bool(out)
    return {"root": root, "head": head, "relative_path": rel, "tracked": tracked}


def refresh_commit_graph(repo: str) -> str | None:
    """Writes or extends the repository's commit-graph in the user cache
    (see commit_graph.py); the daemon's own ``git blame`` then uses it.
    Returns its object directory, or None when the repository has its own."""
    return _commit_graph.refresh(os.path.realpath(repo))


def changed_paths(repo: str, old: str, new: str) -> list[str] | None:
    """Repository-relative paths whose content differs between two commits.

    Lets the daemon keep the cached blame of every file a new commit did not
    touch. None when either commit is unknown (then everything is stale).
    """
    git = Git(repo)
    rc, out, _err = git.run_rc(
        "diff",
        "--no-ext-diff",
        "--no-textconv",
        "--no-renames",
        "--name-only",
        "-z",
        old,
        new,
        "--",
    )
    if rc != 0:
        return None
    return [p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p]

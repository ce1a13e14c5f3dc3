"""Which repositories an analysis covers: its input paths, globs expanded, folders that are
not repositories searched for repositories down to ``depth`` levels.

An input inside a repository names that repository, and a folder below its top limits the
analysis to that folder (as the ``subfolder`` setting does). A folder in no repository is
searched: every work tree (a folder holding ``.git``) and bare repository found down to
``depth`` levels below it is analyzed, repositories nested in another's work tree included.
Hidden folders below the input are not searched; links to folders are followed.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Callable
from dataclasses import dataclass

from .errors import RepositoryError
from .git import CallCounter, RepoRoot, find_root

_GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True)
class Target:
    """One repository to analyze, and the folder (relative to its top, "" for all) the
    input named inside it."""

    root: RepoRoot
    folder: str = ""


@dataclass(frozen=True)
class InputError:
    path: str
    error: str


def _looks_like_repository(path: str) -> bool:
    """A work tree (it holds ``.git``) or a bare repository (HEAD, objects and refs)."""
    if os.path.lexists(os.path.join(path, ".git")):
        return True
    return (
        os.path.isfile(os.path.join(path, "HEAD"))
        and os.path.isdir(os.path.join(path, "objects"))
        and os.path.isdir(os.path.join(path, "refs"))
    )


def search(folder: str, depth: int) -> list[str]:
    """Folders down to DEPTH levels below FOLDER (FOLDER itself is level 0) that look like
    repositories, sorted. Symbolic links to folders are followed (a class folder of links
    to each team's clone), each real folder once: no cycles."""
    found: list[str] = []
    seen: set[str] = set()
    level = [folder]
    for current_depth in range(depth + 1):
        below: list[str] = []
        for path in level:
            real = os.path.realpath(path)
            if real in seen:
                continue
            seen.add(real)
            if _looks_like_repository(path):
                found.append(path)
            if current_depth == depth:
                continue
            try:
                with os.scandir(path) as entries:
                    for entry in entries:
                        if entry.name.startswith(".") or not entry.is_dir():
                            continue
                        below.append(entry.path)
            except OSError:
                continue
        level = sorted(below)
    return sorted(found)


def _expand(item: str) -> list[str]:
    path = os.path.expanduser(item)
    if _GLOB_CHARS & set(path):
        return sorted(glob.glob(path))
    return [path]


def resolve_inputs(
    inputs: list[str], depth: int, counter: CallCounter | None = None
) -> tuple[list[Target], list[InputError]]:
    """The repositories INPUTS name (each once, in input order), and an error per input that
    names none or that git cannot read."""
    targets: list[Target] = []
    errors: list[InputError] = []
    seen: set[tuple[str, str]] = set()

    def add(target: Target) -> None:
        key = (target.root.path, target.folder)
        if key not in seen:
            seen.add(key)
            targets.append(target)

    for item in inputs:
        paths = _expand(item)
        if not paths:
            errors.append(InputError(item, f"no path matches {item!r}"))
            continue
        for path in paths:
            try:
                _resolve_one(path, depth, counter, add, errors)
            except RepositoryError as exc:
                errors.append(InputError(path, str(exc)))
    return targets, errors


def _resolve_one(
    path: str,
    depth: int,
    counter: CallCounter | None,
    add: Callable[[Target], None],
    errors: list[InputError],
) -> None:
    if not os.path.exists(path):
        raise RepositoryError(f"not a git repository: {path} (path does not exist)")
    root = find_root(path, counter)
    if root is not None:
        add(Target(root, _folder_in(root, path)))
        return
    if not os.path.isdir(path):
        raise RepositoryError(f"not a git repository: {path}")
    candidates = search(os.path.abspath(path), depth)
    if not candidates:
        levels = "its own level" if depth == 0 else f"{depth} level{'s' if depth != 1 else ''}"
        raise RepositoryError(
            f"not a git repository, and no repository found in it ({levels} searched, "
            f"setting depth, CLI --depth): {path}"
        )
    for candidate in candidates:
        try:
            found = find_root(candidate, counter)
        except RepositoryError as exc:  # one repository git refuses does not stop the others
            errors.append(InputError(candidate, str(exc)))
            continue
        if found is not None:
            add(Target(found, ""))


def _folder_in(root: RepoRoot, path: str) -> str:
    """PATH relative to the top of ROOT's work tree ("" at the top, in its .git, or for a
    bare repository)."""
    if root.bare:
        return ""
    real = os.path.realpath(path)
    top = os.path.realpath(root.path)
    if not os.path.isdir(real):
        real = os.path.dirname(real)
    rel = os.path.relpath(real, top)
    if rel == "." or rel == ".." or rel.startswith(".." + os.sep):
        return ""
    parts = rel.split(os.sep)
    if parts and parts[0] == ".git":
        return ""
    return "/".join(parts)

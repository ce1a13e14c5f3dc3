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
    seen: set[tuple[int, int]] = set()
    level = [folder]
    for current_depth in range(depth + 1):
        below: list[str] = []
        for path in level:
            # a folder is known by its device and inode (links followed): one stat, where
            # its real path would take one per component
            try:
                st = os.stat(path)
            except OSError:
                continue
            real = (st.st_dev, st.st_ino)
            if real in seen:
                continue
            seen.add(real)
            if current_depth == depth:
                if _looks_like_repository(path):
                    found.append(path)
                continue
            # One listing says both what is below and whether the folder looks like a
            # repository (as _looks_like_repository would).
            try:
                with os.scandir(path) as it:
                    entries = list(it)
            except OSError:
                if _looks_like_repository(path):
                    found.append(path)
                continue
            if _listing_looks_like_repository(entries):
                found.append(path)
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                try:
                    if entry.is_dir():
                        below.append(entry.path)
                except OSError:
                    continue
        level = sorted(below)
    return sorted(found)


def _listing_looks_like_repository(entries: list[os.DirEntry[str]]) -> bool:
    """``_looks_like_repository`` of the folder whose entries are ENTRIES."""
    kinds: dict[str, os.DirEntry[str]] = {}
    for entry in entries:
        if entry.name == ".git":
            return True  # lexists: whatever it is
        if entry.name in ("HEAD", "objects", "refs"):
            kinds[entry.name] = entry
    try:
        return (
            "HEAD" in kinds
            and kinds["HEAD"].is_file()
            and "objects" in kinds
            and kinds["objects"].is_dir()
            and "refs" in kinds
            and kinds["refs"].is_dir()
        )
    except OSError:
        return False


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
    plain = plain_work_tree(path)
    if plain is not None:
        add(Target(plain, ""))
        return
    # A folder no repository holds (a class folder) needs no git process to say so.
    root = find_root(path, counter) if _maybe_in_repository(path) else None
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
        plain = plain_work_tree(candidate)
        if plain is not None:  # no git process for each of a class's repositories
            add(Target(plain, ""))
            continue
        try:
            found = find_root(candidate, counter)
        except RepositoryError as exc:  # one repository git refuses does not stop the others
            errors.append(InputError(candidate, str(exc)))
            continue
        if found is not None:
            add(Target(found, ""))


def _maybe_in_repository(path: str) -> bool:
    """Whether PATH or a folder above it looks like a repository (git's discovery could
    find one there); False means git would find none."""
    current = os.path.abspath(path)
    while True:
        if _looks_like_repository(current):
            return True
        parent = os.path.dirname(current)
        if parent == current:
            return False
        current = parent


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


def plain_work_tree(path: str) -> RepoRoot | None:
    """PATH as a work tree read without git when it is the ordinary kind: a ``.git``
    folder with ``HEAD``, ``objects`` and ``refs`` in it. Anything else (a linked work
    tree's ``.git`` file, a bare repository) is for ``find_root``. Git itself still runs
    every command there, with its own checks (ownership, formats)."""
    git_dir = os.path.join(path, ".git")
    if not (
        os.path.isdir(git_dir)
        and not os.path.islink(git_dir)
        and os.path.isfile(os.path.join(git_dir, "HEAD"))
        and os.path.isdir(os.path.join(git_dir, "objects"))
        and os.path.isdir(os.path.join(git_dir, "refs"))
    ):
        return None
    real = os.path.realpath(path)
    return RepoRoot(real, os.path.join(real, ".git"), False)


_HEX = frozenset("0123456789abcdef")


def read_head(git_dir: str) -> str | None:
    """The commit HEAD names, read from the files of an ordinary repository (symbolic refs
    followed, loose refs before packed ones, as git reads them); None whenever that is not
    certain (another ref storage, a ref that is not there): then git is asked."""
    try:
        with open(os.path.join(git_dir, "HEAD"), encoding="utf-8") as fh:
            value = fh.read(1024).strip()
        for _ in range(5):
            if not value.startswith("ref: "):
                break
            ref = value[5:].strip()
            if not ref.startswith("refs/") or ".." in ref or ref.endswith("/"):
                return None
            loose = os.path.join(git_dir, *ref.split("/"))
            if os.path.isfile(loose):
                with open(loose, encoding="utf-8") as fh:
                    value = fh.read(1024).strip()
                continue
            value = _packed_ref(git_dir, ref) or ""
            break
        if len(value) in (40, 64) and set(value) <= _HEX:
            return value
    except (OSError, UnicodeDecodeError):
        return None
    return None


def _packed_ref(git_dir: str, ref: str) -> str | None:
    try:
        with open(os.path.join(git_dir, "packed-refs"), encoding="utf-8") as fh:
            for line in fh:
                if line.startswith(("#", "^")):
                    continue
                sha, _, name = line.strip().partition(" ")
                if name == ref:
                    return sha
    except (OSError, UnicodeDecodeError):
        return None
    return None

"""Incremental re-analysis: results of earlier analyses kept across calls.

The engine lives in a long-lived daemon. After a new commit, ``execute_analysis`` recomputes only
what the commit touched, and the result stays exactly equal to a cold analysis:

* **Blame counts** are memoized per (repository, revision, file, blame-relevant settings). For a
  new revision NEW that descends from a memoized revision OLD along first parents, a file whose
  content no commit on that first-parent chain changed has the same blame at NEW as at OLD
  (``git blame`` hands the whole file to the first parent with an identical blob, commit after
  commit, down to OLD), so its counts are reused. The chain is read with one
  ``git log -m --first-parent --no-renames --name-only OLD..NEW``: a file edited and then
  restored by two new commits is blamed again, which a plain ``git diff OLD NEW`` would miss.
* **The log pass** keeps, per revision, its per-file aggregates. When OLD..NEW has no merge,
  the walk of ``git log OLD..NEW`` ends with a map *path at OLD -> file at NEW* (renames re-key,
  deletions and adds drop paths); OLD's aggregates of each mapped path are then exactly what a
  cold walk of NEW would count in OLD's history for its file (see ``history.walk``), with ages
  shifted to NEW's date. When this cannot be shown (merges in OLD..NEW, OLD not an ancestor,
  a file of NEW whose path at OLD was not analyzed then, a walk of OLD whose outcome depends on
  git's walking order), the full pass runs.

Keys include a fingerprint of the files that change what git reports for the same commits
(``.mailmap``, repository and global configuration). Only the last few revisions per
repository and settings are kept.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import persist
from .git import Git
from .history import HistoryResult, LogFilters, Stat, read_log, run_history, walk

if TYPE_CHECKING:
    from .settings import Settings

Identity = tuple[str, str]
Counts = dict[Identity, int]

#: revisions kept per (repository, settings) key
MAX_REVISIONS = 3
#: (repository, settings) keys kept
MAX_KEYS = 16

_lock = threading.Lock()
_blame_memo: OrderedDict[tuple[Any, ...], OrderedDict[str, dict[str, Counts]]] = OrderedDict()
_history_memo: OrderedDict[tuple[Any, ...], OrderedDict[str, CachedHistory]] = OrderedDict()


@dataclass
class CachedHistory:
    sha: str
    rev_time: int
    files: frozenset[str]
    result: HistoryResult


def clear() -> None:
    """Forget every memoized blame count and log pass, in memory and on disk."""
    with _lock:
        _blame_memo.clear()
        _history_memo.clear()
        _encoded.clear()
    persist.clear()


#: The JSON of each memoized revision as saved on disk, per (kind, key): a save writes the
#: new revision's and reuses the others'.
_encoded: dict[tuple[str, tuple[Any, ...]], OrderedDict[str, Any]] = {}
#: How many times a memo was filled from the disk (since the process started).
loaded_from_disk = {"history": 0, "blame": 0}


def _kind(memo: OrderedDict[tuple[Any, ...], OrderedDict[str, Any]]) -> str:
    return "blame" if memo is _blame_memo else "history"


def _decode(kind: str, value: Any) -> Any:
    return persist.decode_blame(value) if kind == "blame" else persist.decode_history(value)


def _encode(kind: str, value: Any) -> Any:
    return persist.encode_blame(value) if kind == "blame" else persist.encode_history(value)


def _revisions(memo: OrderedDict[tuple[Any, ...], OrderedDict[str, Any]], key: tuple[Any, ...]):
    """Memoized revisions of KEY, most recent first (a snapshot); the saved ones of an
    earlier process when this one has none."""
    with _lock:
        revs = memo.get(key)
        if revs is not None:
            memo.move_to_end(key)
            return list(reversed(revs.items()))
    kind = _kind(memo)
    saved = persist.load(kind, key)
    if not saved:
        return []
    try:
        decoded = OrderedDict((sha, _decode(kind, value)) for sha, value in saved)
    except ValueError as exc:
        persist.log.warning("saved %s state cannot be used (%s); recomputing", kind, exc)
        persist.save(kind, key, [])
        return []
    with _lock:
        revs = memo.get(key)
        if revs is None:  # another thread may have filled it meanwhile
            revs = memo[key] = decoded
            _encoded[(kind, key)] = OrderedDict(saved)
            loaded_from_disk[kind] += 1
        memo.move_to_end(key)
        _trim(memo)
        return list(reversed(revs.items()))


def _trim(memo: OrderedDict[tuple[Any, ...], OrderedDict[str, Any]]) -> None:
    while len(memo) > MAX_KEYS:
        key, _revs = memo.popitem(last=False)
        _encoded.pop((_kind(memo), key), None)


def _store(
    memo: OrderedDict[tuple[Any, ...], OrderedDict[str, Any]],
    key: tuple[Any, ...],
    sha: str,
    value: Any,
) -> None:
    """Memoizes VALUE as KEY's revision SHA, and saves KEY's revisions to disk."""
    kind = _kind(memo)
    encoded = _encode(kind, value)
    with _lock:
        revs = memo.get(key)
        if revs is None:
            revs = memo[key] = OrderedDict()
        memo.move_to_end(key)
        revs[sha] = value
        revs.move_to_end(sha)
        while len(revs) > MAX_REVISIONS:
            revs.popitem(last=False)
        saved = _encoded.setdefault((kind, key), OrderedDict())
        saved[sha] = encoded
        saved.move_to_end(sha)
        for old in [s for s in saved if s not in revs]:
            del saved[old]
        snapshot = list(saved.items())
        _trim(memo)
    persist.save(kind, key, snapshot)


# ---------------------------------------------------------------------------------------------
# what else decides git's answers


def file_stamp(path: str) -> tuple[int, int, int] | None:
    """(modification time, size, inode) of PATH; None when it does not exist."""
    return _stat(path)


def _stat(path: str) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def env_fingerprint(root: str, git_dir: str = "") -> tuple[Any, ...]:
    """Identity of the files that change what git reports about the same commits.

    The work tree's ``.mailmap`` (blame and ``%aN``/``%aE`` use it) and the repository's
    configuration and grafts. The user's and the system's configuration are not read (see
    ``git_policy.json``), so they are not part of it.
    """
    git_dir = git_dir or os.path.join(root, ".git")
    paths = [
        os.path.join(root, ".mailmap"),
        os.path.join(git_dir, "config"),
        os.path.join(git_dir, "commondir"),
        os.path.join(git_dir, "info", "grafts"),
        os.path.join(git_dir, "shallow"),
    ]
    return tuple(_stat(p) for p in paths)


# ---------------------------------------------------------------------------------------------
# ancestry


class Ancestry:
    """Memoized ancestry questions about one repository during one analysis."""

    def __init__(self, git: Git) -> None:
        self.git = git
        self._is_ancestor: dict[tuple[str, str], bool] = {}
        self._touched: dict[tuple[str, str], set[str] | None] = {}
        self._lock = threading.Lock()

    def is_ancestor(self, old: str, new: str) -> bool:
        with self._lock:
            known = self._is_ancestor.get((old, new))
            if known is None:
                if old == new:
                    known = True
                else:
                    rc, _out, _err = self.git.run_rc("merge-base", "--is-ancestor", old, new)
                    known = rc == 0
                self._is_ancestor[(old, new)] = known
            return known

    def first_parent_touched(self, old: str, new: str) -> set[str] | None:
        """Paths any commit of NEW's first-parent chain down to OLD changed (against its first
        parent); None when OLD is not on that chain."""
        if old == new:
            return set()
        if not self.is_ancestor(old, new):
            return None
        with self._lock:
            if (old, new) in self._touched:
                return self._touched[(old, new)]
            found = _first_parent_touched(self.git, old, new)
            self._touched[(old, new)] = found
            return found


def _first_parent_touched(git: Git, old: str, new: str) -> set[str] | None:
    data = git.run(
        "log",
        "-m",
        "--first-parent",
        "--no-renames",
        "--name-only",
        "-z",
        "--no-color",
        "--format=%x01%H %P",
        new,
        f"^{old}",
        "--",
    )
    touched: set[str] = set()
    expect = new  # the next commit of the chain
    for tok in data.split(b"\0"):
        tok = tok.lstrip(b"\n")
        if not tok:
            continue
        if tok[:1] == b"\x01":
            shas = tok[1:].decode("ascii", "replace").split()
            if not shas or shas[0] != expect or len(shas) < 2:
                return None
            expect = shas[1]
            continue
        touched.add(tok.decode("utf-8", "surrogateescape"))
    return touched if expect == old else None


# ---------------------------------------------------------------------------------------------
# blame counts


def blame_key(
    root: str,
    env: tuple[Any, ...],
    settings: Settings,
    ignore_revs: Iterable[str],
    since: int | None = None,
) -> tuple[Any, ...]:
    return (
        root,
        env,
        settings.copy_move,
        settings.whitespace,
        settings.comments,
        settings.empty_lines,
        tuple(ignore_revs),
        since,
    )


def reusable_blame(
    key: tuple[Any, ...], sha: str, files: Iterable[str], ancestry: Ancestry, tries: int = 2
) -> tuple[dict[str, Counts], str | None]:
    """Memoized counts valid at SHA for FILES, and the revision they come from."""
    for old, memo in _revisions(_blame_memo, key)[:tries] if tries else ():
        touched = ancestry.first_parent_touched(old, sha)
        if touched is None:
            continue
        reused = {f: memo[f] for f in files if f in memo and f not in touched}
        return reused, old
    return {}, None


def store_blame(key: tuple[Any, ...], sha: str, counts: dict[str, Counts]) -> None:
    with _lock:
        revs = _blame_memo.get(key)
        earlier = revs.get(sha) if revs is not None else None
    if earlier:
        counts = {**earlier, **counts}
    _store(_blame_memo, key, sha, counts)


# ---------------------------------------------------------------------------------------------
# the log pass


def history_key(root: str, env: tuple[Any, ...], filters: LogFilters) -> tuple[Any, ...]:
    return (
        root,
        env,
        filters.min_time,
        filters.max_time,
        tuple(filters.ex_revisions),
        tuple(filters.ex_messages),
        filters.timeline,
    )


@dataclass
class HistoryOutcome:
    result: HistoryResult
    #: "full", "incremental" (log of OLD..NEW only) or "reused" (same revision)
    mode: str
    base: str | None = None
    #: why a memoized pass could not be used (None when there was none, or it was used)
    fallback: str | None = None


def history(
    git: Git,
    key: tuple[Any, ...],
    sha: str,
    rev_time: int,
    files: list[str],
    filters: LogFilters,
    ancestry: Ancestry,
    tries: int = 2,
) -> HistoryOutcome:
    """The log pass at SHA, from a memoized pass when that is exact, else in full."""
    wanted = frozenset(files)
    fallback: str | None = None
    for _old, cached in _revisions(_history_memo, key)[:tries] if tries else ():
        got = _from_cached(git, cached, sha, rev_time, files, wanted, filters, ancestry)
        if isinstance(got, HistoryOutcome):
            if got.mode != "reused":  # a reused pass keeps the (larger) cached one
                _store(_history_memo, key, sha, CachedHistory(sha, rev_time, wanted, got.result))
            return got
        fallback = fallback or got
    result = run_history(git, sha, rev_time, files, filters)
    _store(_history_memo, key, sha, CachedHistory(sha, rev_time, wanted, result))
    return HistoryOutcome(result, "full", fallback=fallback)


def _from_cached(
    git: Git,
    cached: CachedHistory,
    sha: str,
    rev_time: int,
    files: list[str],
    wanted: frozenset[str],
    filters: LogFilters,
    ancestry: Ancestry,
) -> HistoryOutcome | str:
    base = cached.result
    if cached.sha == sha:
        if wanted == cached.files:
            return HistoryOutcome(base, "reused", base=sha)
        if base.conflicts:
            return "order-dependent walk"
        if not wanted <= cached.files:
            return "files not analyzed at the base revision"
        res = HistoryResult()
        _rekey(res, cached, {f: f for f in files}, rev_time)
        return HistoryOutcome(res, "reused", base=sha)
    if base.conflicts:
        return "order-dependent walk"
    if not ancestry.is_ancestor(cached.sha, sha):
        return "not an ancestor"
    records = read_log(git, sha, f"^{cached.sha}")
    if any(len(r.parents) > 1 for r in records):
        return "merges"
    left: dict[str, dict[str, str]] = {}
    res = walk(records, {}, sha, rev_time, files, filters, leftover=left)
    if set(left) - {cached.sha}:
        return "history not linear"
    pm = left.get(cached.sha, {})
    if not pm.keys() <= cached.files:
        return "files not analyzed at the base revision"
    _rekey(res, cached, pm, rev_time)
    res.commits_walked = len(records)
    return HistoryOutcome(res, "incremental", base=cached.sha)


def _rekey(res: HistoryResult, cached: CachedHistory, pm: dict[str, str], rev_time: int) -> None:
    """Add CACHED's aggregates of every path P of PM to file PM[P] of RES (ages moved to
    REV_TIME); then recount commits per identity. Cached objects are never modified."""
    delta = rev_time - cached.rev_time
    old_stats = cached.result.stats
    stats = res.stats
    for path, target in pm.items():
        old_per = old_stats.get(path)
        if not old_per:
            continue
        per = stats.get(target)
        if per is None:
            per = stats[target] = {}
        for ident, st in old_per.items():
            age = st.age_seconds + st.insertions * delta
            cur = per.get(ident)
            if cur is None:
                # the commit set and events are shared with the cache: nothing mutates them
                # afterwards (a later merge below replaces them)
                per[ident] = Stat(st.commits, st.insertions, st.deletions, age, st.events)
            else:
                cur.commits = cur.commits | st.commits
                cur.insertions += st.insertions
                cur.deletions += st.deletions
                cur.age_seconds += age
                if cur.events is not None or st.events is not None:
                    cur.events = [*(cur.events or ()), *(st.events or ())]
        old_names = cached.result.renamed.get(path, {})
        if path != target or old_names:
            # the new commits' names come first, then PATH, then what came before it
            names = res.renamed[target] = dict(res.renamed.get(target, {}))
            if path != target:
                names[path] = None
            names.update(old_names)
    res.identities |= cached.result.identities
    res.conflicts = res.conflicts or cached.result.conflicts
    # a commit counts for its identity when one of its rows counted toward some file
    commits: dict[Identity, set[str]] = {}
    for per in stats.values():
        for ident, st in per.items():
            seen = commits.get(ident)
            if seen is None:
                commits[ident] = set(st.commits)
            else:
                seen |= st.commits
    res.identity_commits = {ident: len(s) for ident, s in commits.items()}

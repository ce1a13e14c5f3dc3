"""The incremental state of earlier analyses, kept on disk: a new process (the CLI run
again, a restarted daemon) starts where the last one stopped.

Layout: ``<user cache dir>/gitinspector-lsp/analysis-v<VERSION>/<kind>-<key hash>.json.z``,
one file per (kind, key) where the key is ``incremental``'s (repository, the fingerprint of
``.mailmap`` and the repository's configuration, and every setting that changes the
answer). A file holds the last few revisions of its key, zlib-compressed JSON:

* it is written to a temporary name and renamed, so readers never see half a file and two
  writers (two CLIs, a CLI and a daemon) leave one of their files, each valid;
* it names its version and its key: a file of another version or key, one that does not
  parse, or one whose content does not have the expected shape is deleted and the analysis
  computes what it needs;
* nothing in it is executed (JSON, not pickle): a planted file can at worst be wrong for
  the key it names, and that key includes the repository it is about;
* the folder is kept under ``MAX_BYTES``, least recently used first (a read touches the
  file, at most once an hour).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import threading
import time
import zlib
from collections import OrderedDict
from typing import Any

log = logging.getLogger("gigui.persist")

VERSION = 1
#: The folder's size bound; the least recently used files go first.
MAX_BYTES = 512 << 20
#: Files larger than this are not read (a planted or damaged file must not exhaust memory).
MAX_FILE_BYTES = 256 << 20

#: A read touches a file (least recently used first) unless it was touched or written this
#: recently: a folder's warm run does not write to every file it reads.
_TOUCH_AFTER = 3600

_lock = threading.Lock()
_disabled = False


def folder() -> str:
    import platformdirs

    base = platformdirs.user_cache_dir("gitinspector-lsp", appauthor=False)
    return os.path.join(base, f"analysis-v{VERSION}")


def set_enabled(enabled: bool) -> None:
    """Turns reading and writing off (tests of cold runs, ``--no-cache``)."""
    global _disabled
    _disabled = not enabled


def key_text(kind: str, key: tuple[Any, ...]) -> str:
    return json.dumps([kind, VERSION, repr(key)], ensure_ascii=False)


def _path(kind: str, key: tuple[Any, ...]) -> str:
    digest = hashlib.sha256(key_text(kind, key).encode("utf-8", "surrogateescape")).hexdigest()
    return os.path.join(folder(), f"{kind}-{digest[:40]}.json.z")


def load(kind: str, key: tuple[Any, ...]) -> list[tuple[str, Any]] | None:
    """The saved revisions of KEY, oldest first, as (revision, JSON value); None when there
    are none (or they cannot be used, and are removed)."""
    if _disabled:
        return None
    path = _path(kind, key)
    try:
        st = os.stat(path)
        if st.st_size > MAX_FILE_BYTES:
            raise ValueError(f"{st.st_size} bytes")
        with open(path, "rb") as fh:
            data = json.loads(zlib.decompress(fh.read()).decode("utf-8", "surrogateescape"))
        if not isinstance(data, dict) or data.get("version") != VERSION:
            raise ValueError("another version")
        if data.get("key") != key_text(kind, key):
            raise ValueError("another key")
        revisions = data.get("revisions")
        if not isinstance(revisions, list) or not all(
            isinstance(r, list) and len(r) == 2 and isinstance(r[0], str) for r in revisions
        ):
            raise ValueError("unexpected content")
    except FileNotFoundError:
        return None
    except (OSError, ValueError, zlib.error, UnicodeDecodeError, RecursionError) as exc:
        log.warning("saved analysis state %s cannot be used (%s); recomputing", path, exc)
        with contextlib.suppress(OSError):
            os.unlink(path)
        return None
    if time.time() - st.st_mtime > _TOUCH_AFTER:
        with contextlib.suppress(OSError):
            os.utime(path)
    return [(r[0], r[1]) for r in revisions]


def save(kind: str, key: tuple[Any, ...], revisions: list[tuple[str, Any]]) -> None:
    """Writes REVISIONS (oldest first) of KEY; a failure is logged, never raised."""
    if _disabled:
        return
    path = _path(kind, key)
    data = {"version": VERSION, "key": key_text(kind, key), "revisions": revisions}
    try:
        blob = zlib.compress(
            json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode(
                "utf-8", "surrogateescape"
            ),
            3,
        )
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = f"{path}.{os.getpid()}.{threading.get_ident()}.tmp"
        with open(tmp, "wb") as fh:
            fh.write(blob)
        os.replace(tmp, path)
    except (OSError, ValueError, TypeError) as exc:
        log.warning("cannot save the analysis state to %s: %s", path, exc)
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(tmp)
        return
    _prune()


_last_prune = 0.0


def _prune() -> None:
    """Keeps the folder under MAX_BYTES (at most one scan a minute per process)."""
    global _last_prune
    with _lock:
        now = time.monotonic()
        if now - _last_prune < 60:
            return
        _last_prune = now
    entries = []
    try:
        with os.scandir(folder()) as it:
            for entry in it:
                try:
                    st = entry.stat()
                except OSError:
                    continue
                if entry.name.endswith(".tmp") and time.time() - st.st_mtime > 3600:
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)  # left by a process that died writing
                    continue
                entries.append((st.st_mtime, st.st_size, entry.path))
    except OSError:
        return
    total = sum(size for _m, size, _p in entries)
    for _mtime, size, path in sorted(entries):
        if total <= MAX_BYTES:
            break
        with contextlib.suppress(OSError):
            os.unlink(path)
            total -= size


def clear() -> None:
    """Removes every saved state."""
    with contextlib.suppress(OSError), os.scandir(folder()) as it:
        for entry in it:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


# -- encoding the incremental state -------------------------------------------------------


class _Table:
    """Strings (shas, identities) stored once, referred to by index."""

    def __init__(self) -> None:
        self.index: dict[Any, int] = {}
        self.items: list[Any] = []

    def id(self, item: Any) -> int:
        i = self.index.get(item)
        if i is None:
            i = self.index[item] = len(self.items)
            self.items.append(item)
        return i


def encode_history(cached: Any) -> dict[str, Any]:
    """A CachedHistory as JSON."""
    res = cached.result
    shas = _Table()
    idents = _Table()
    stats = {}
    for path, per in res.stats.items():
        rows = []
        for ident, st in per.items():
            row = [
                idents.id(ident),
                [shas.id(s) for s in st.commits],
                st.insertions,
                st.deletions,
                st.age_seconds,
            ]
            if st.events is not None:
                row.append([[shas.id(s), t, i, d] for s, t, i, d in st.events])
            rows.append(row)
        stats[path] = rows
    # every identity gets its index before the table is written out
    identity_commits = [[idents.id(i), n] for i, n in res.identity_commits.items()]
    window_identities = [idents.id(i) for i in res.identities]
    return {
        "sha": cached.sha,
        "rev_time": cached.rev_time,
        "files": sorted(cached.files),
        "shas": shas.items,
        "identities": [list(i) for i in idents.items],
        "stats": stats,
        "identity_commits": identity_commits,
        "window_identities": window_identities,
        "renamed": {k: list(v) for k, v in res.renamed.items()},
        "commits_walked": res.commits_walked,
        "conflicts": res.conflicts,
    }


def decode_history(data: Any) -> Any:
    """A CachedHistory from ``encode_history``'s JSON; ValueError when it is not one."""
    from .history import HistoryResult, Stat
    from .incremental import CachedHistory

    try:
        shas = data["shas"]
        idents = [(str(n), str(e)) for n, e in data["identities"]]
        res = HistoryResult()
        for path, rows in data["stats"].items():
            per = res.stats[str(path)] = {}
            for row in rows:
                st = Stat({shas[i] for i in row[1]}, int(row[2]), int(row[3]), float(row[4]))
                if len(row) > 5:
                    st.events = [(shas[s], int(t), int(i), int(d)) for s, t, i, d in row[5]]
                per[idents[row[0]]] = st
        res.identity_commits = {idents[i]: int(n) for i, n in data["identity_commits"]}
        res.identities = {idents[i] for i in data["window_identities"]}
        res.renamed = {str(k): dict.fromkeys(v) for k, v in data["renamed"].items()}
        res.commits_walked = int(data["commits_walked"])
        res.conflicts = bool(data["conflicts"])
        return CachedHistory(str(data["sha"]), int(data["rev_time"]), frozenset(data["files"]), res)
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise ValueError(f"not a saved history: {exc}") from None


def encode_blame(counts: dict[str, dict[tuple[str, str], int]]) -> dict[str, Any]:
    idents = _Table()
    files = {
        path: [[idents.id(ident), n] for ident, n in per.items()] for path, per in counts.items()
    }
    return {"identities": [list(i) for i in idents.items], "files": files}


def decode_blame(data: Any) -> dict[str, dict[tuple[str, str], int]]:
    try:
        idents = [(str(n), str(e)) for n, e in data["identities"]]
        return {
            str(path): {idents[i]: int(n) for i, n in rows} for path, rows in data["files"].items()
        }
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise ValueError(f"not saved blame counts: {exc}") from None


def ordered(revisions: OrderedDict[str, Any]) -> list[tuple[str, Any]]:
    return list(revisions.items())

"""One graph-aware pass over ``git log --numstat -M`` with rename following.

Every commit gets a map *path at that commit -> analyzed file at REV*. REV's map is the identity
on the analyzed files. Walking in topological order (children first), a commit's map is the
union of the maps its children handed down; a numstat row of the commit counts toward
``map[path]``. The map handed to a parent undoes the commit's changes: an added path leaves the
map (older history at that path belongs to another file), a deleted path is not in it, a rename
``old -> new`` maps ``old`` to whatever ``new`` mapped to. Merge commits take their per-parent
changes from ``git diff-tree --stdin``. Unchanged maps are shared, not copied.

Memory (issue #16): git's output is read as git writes it, never held whole. On git's own
history the merges' diffs against their parents are a gigabyte (a merge's diff against its
topic branch is everything main changed since the topic forked); a thread reads them beside
the walk (``MergeChanges``), keeps only the changes a map needs (additions, copies,
deletions, renames: not the modifications, which are nearly all of them) and stays a bounded
number of merges ahead of the walk.
"""

from __future__ import annotations

import contextlib
import fnmatch
import logging
import re
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from .errors import GitOutputError, InvalidSettingsError
from .git import Git, GitStream
from .text import path_from_git, readable

log = logging.getLogger("gigui.history")

Identity = tuple[str, str]

_HEADER_RE = re.compile(rb"^[0-9a-f]{40,64}( [0-9a-f]{40,64})*$")
_NUMSTAT_RE = re.compile(rb"^(\d+|-)\t(\d+|-)\t")

LOG_FORMAT = "--format=%H %P%x00%aN%x00%aE%x00%at%x00%ct%x00%s%x00"


@dataclass(slots=True)
class Change:
    status: str  # A, M, D, R, C, T, ...
    path: str  # new path (or the only path)
    old: str | None = None  # old path for R/C


@dataclass(slots=True)
class CommitRecord:
    sha: str
    parents: list[str]
    name: str
    email: str
    author_time: int
    commit_time: int
    subject: str
    changes: list[Change] = field(default_factory=list)
    # (insertions, deletions, path); binary rows have -1/-1
    rows: list[tuple[int, int, str]] = field(default_factory=list)


@dataclass(slots=True)
class Stat:
    """Counted rows of one identity in one file."""

    commits: set[str] = field(default_factory=set)
    insertions: int = 0
    deletions: int = 0
    age_seconds: float = 0.0  # sum of insertions * (rev_time - author_time)
    #: (commit, author time, insertions, deletions) of each counted row, for the timeline;
    #: None unless the walk's filters ask for it
    events: list[tuple[str, int, int, int]] | None = None


@dataclass
class HistoryResult:
    #: file -> identity -> Stat
    stats: dict[str, dict[Identity, Stat]] = field(default_factory=dict)
    #: identity -> number of counted commits (non-merge, inside filters)
    identity_commits: dict[Identity, int] = field(default_factory=dict)
    #: every identity of a non-merge commit inside the date window
    identities: set[Identity] = field(default_factory=set)
    #: analyzed file -> the earlier paths its counted history had, most recent first (a dict
    #: for its order)
    renamed: dict[str, dict[str, None]] = field(default_factory=dict)
    commits_walked: int = 0
    #: True when, at some commit, one path led to different analyzed files through different
    #: children (the first child walked wins): results built on such a walk depend on the
    #: walking order, so incremental updates are not attempted from it.
    conflicts: bool = False


def _parse_raw_meta(tok: bytes) -> str:
    # ":100644 100644 abc def R100"
    return tok.rsplit(b" ", 1)[-1][:1].decode("ascii")


def _tokens(data: bytes) -> Iterator[bytes]:
    """The NUL-separated fields of DATA, one at a time: a list of them all
    (millions for a large history) would be the biggest object of an analysis."""
    find = data.find
    start = 0
    while True:
        end = find(b"\0", start)
        if end < 0:
            if start < len(data):
                yield data[start:]
            return
        yield data[start:end]
        start = end + 1


def _fields(data: bytes | Iterable[bytes]) -> Iterator[bytes]:
    """The NUL-separated fields of DATA: one bytes object, or the chunks of a stream (cut
    anywhere), read as they come."""
    if isinstance(data, bytes | bytearray | memoryview):
        yield from _tokens(bytes(data))
        return
    rest = b""
    for chunk in data:
        parts = (rest + chunk if rest else chunk).split(b"\0")
        rest = parts.pop()
        yield from parts
    if rest:
        yield rest


def iter_log(data: bytes | Iterable[bytes]) -> Iterator[CommitRecord]:
    """The commits of ``git log --parents --raw --numstat -z --format=LOG_FORMAT`` output
    DATA (bytes, or the chunks of a stream), one at a time, each once it is complete: a walk
    over them never holds a large history's records, or its output, at once.
    Output that is not git log's is a GitOutputError."""
    try:
        yield from _iter_log(data)
    except (ValueError, IndexError, KeyError) as exc:
        raise GitOutputError(f"cannot read git log output: {exc}") from None


def _iter_log(data: bytes | Iterable[bytes]) -> Iterator[CommitRecord]:
    fields = _fields(data)
    cur: CommitRecord | None = None
    # Paths and identities repeat across thousands of commits: one str each.
    seen: dict[bytes, str] = {}
    seen_names: dict[bytes, str] = {}

    def shared(b: bytes) -> str:
        s = seen.get(b)
        if s is None:
            s = seen[b] = path_from_git(b)
        return s

    def shared_name(b: bytes) -> str:
        s = seen_names.get(b)
        if s is None:
            s = seen_names[b] = readable(b)
        return s

    for raw in fields:
        tok = raw.lstrip(b"\n")
        if not tok:
            continue
        if tok[0] == 58:  # ':' raw entry
            status = _parse_raw_meta(tok)
            if status in ("R", "C"):
                old, new = shared(next(fields, b"")), shared(next(fields, b""))
                ch = Change(status, new, old)
            else:
                ch = Change(status, shared(next(fields, b"")))
            if cur is not None:
                cur.changes.append(ch)
            continue
        m = _NUMSTAT_RE.match(tok)
        if m:
            ins = -1 if m.group(1) == b"-" else int(m.group(1))
            dels = -1 if m.group(2) == b"-" else int(m.group(2))
            rest = tok[m.end() :]
            if rest:
                path = shared(rest)
            else:  # rename: "ins\tdel\t\0old\0new\0"
                next(fields, b"")
                path = shared(next(fields, b""))
            if cur is not None:
                cur.rows.append((ins, dels, path))
            continue
        head = tok.rstrip(b" ")  # a root commit has no parents: "sha "
        if _HEADER_RE.match(head):
            shas = head.decode("ascii").split(" ")
            name, email, at, ct, subject = [next(fields, b"") for _ in range(5)]
            if cur is not None:
                yield cur
            cur = CommitRecord(
                sha=shas[0],
                parents=shas[1:],
                name=shared_name(name),
                email=shared_name(email),
                author_time=int(at or 0),
                commit_time=int(ct or 0),
                subject=readable(subject),
            )
            continue
        log.warning("unexpected token in git log output: %r", tok[:80])
    if cur is not None:
        yield cur


def parse_diff_tree(data: bytes) -> list[tuple[str, list[Change]]]:
    """Parse ``git diff-tree --stdin --always -r --raw -z`` output: one entry per input line.
    Output that is not diff-tree's is a GitOutputError."""
    return list(iter_diff_tree(data))


def iter_diff_tree(
    data: bytes | Iterable[bytes], keep: frozenset[str] | None = None
) -> Iterator[tuple[str, list[Change]]]:
    """``parse_diff_tree`` one entry at a time, from bytes or the chunks of a stream; with
    KEEP, only the changes of those statuses. Output that is not diff-tree's is a
    GitOutputError."""
    try:
        yield from _iter_diff_tree(_fields(data), keep)
    except (ValueError, IndexError, KeyError) as exc:
        raise GitOutputError(f"cannot read git diff-tree output: {exc}") from None


def _iter_diff_tree(
    fields: Iterator[bytes], keep: frozenset[str] | None
) -> Iterator[tuple[str, list[Change]]]:
    # A merge's diff against its other parents names thousands of paths, again and again
    # across merges: one str each.
    seen: dict[bytes, str] = {}

    def shared(b: bytes) -> str:
        s = seen.get(b)
        if s is None:
            s = seen[b] = path_from_git(b)
        return s

    cur: tuple[str, list[Change]] | None = None
    for raw in fields:
        tok = raw.lstrip(b"\n")
        if not tok:
            continue
        if tok[0] == 58:
            status = _parse_raw_meta(tok)
            if status in ("R", "C"):
                old, new = next(fields, None), next(fields, None)
                if old is None or new is None:
                    raise ValueError("a change without its paths")
                if keep is None or status in keep:
                    ch = Change(status, shared(new), shared(old))
                else:
                    continue
            else:
                path = next(fields, None)
                if path is None:
                    raise ValueError("a change without its path")
                if keep is None or status in keep:
                    ch = Change(status, shared(path))
                else:
                    continue
            if cur is not None:
                cur[1].append(ch)
        else:
            if cur is not None:
                yield cur
            cur = (tok.decode("ascii", "replace"), [])
    if cur is not None:
        yield cur


class _PathMap:
    """A shareable map path -> final file, with a count of pending holders."""

    __slots__ = ("d", "refs")

    def __init__(self, d: dict[str, str]) -> None:
        self.d = d
        self.refs = 0


def _undo(pm: _PathMap, changes: Iterable[Change], owned: bool) -> _PathMap:
    """The map before ``changes`` (see module doc). Copies only if something changes."""
    d = pm.d
    removes: list[str] = []
    renames: list[tuple[str, str]] = []
    for ch in changes:
        if ch.status == "R" and ch.old is not None:
            target = d.get(ch.path)
            removes.append(ch.path)
            if target is not None:
                renames.append((ch.old, target))
        elif ch.status in ("A", "C", "D"):
            removes.append(ch.path)
    if not renames and not any(p in d for p in removes):
        return pm
    nd = d if owned else dict(d)
    for p in removes:
        nd.pop(p, None)
    for old, target in renames:
        nd[old] = target
    return pm if owned else _PathMap(nd)


@dataclass
class LogFilters:
    min_time: int | None = None  # keep commit_time >= min_time (--since)
    max_time: int | None = None  # keep commit_time <= max_time (--until)
    ex_revisions: tuple[str, ...] = ()
    ex_messages: tuple[str, ...] = ()
    #: keep each counted row's commit and date (Stat.events) for the timeline
    timeline: bool = False

    def in_window(self, rec: CommitRecord) -> bool:
        if self.min_time is not None and rec.commit_time < self.min_time:
            return False
        return not (self.max_time is not None and rec.commit_time > self.max_time)

    def counted(self, rec: CommitRecord) -> bool:
        if self.ex_revisions and rec.sha.startswith(self.ex_revisions):
            return False
        if self.ex_messages:
            subj = rec.subject.lower()
            if any(fnmatch.fnmatchcase(subj, p.lower()) for p in self.ex_messages):
                return False
        return True


#: Words git's date parser takes for expiry times, which are not dates.
_EXPIRY_WORDS = frozenset({"never", "false", "all"})
#: A date and nothing else (2015-01-31).
_BARE_DATE_RE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
#: A calendar date written with digits (2015-01-31, 2015/1/31, 2015.01.31).
_NUMERIC_DATE_RE = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")


def parse_date(field_name: str, value: str) -> int:
    """VALUE (anything ``git log --since`` takes) as a timestamp, by git's own parser; a value
    git cannot parse, or a calendar date that does not exist, is an InvalidSettingsError
    naming FIELD_NAME (git itself silently reads ``9999-99-99`` as some other day)."""
    import datetime

    def invalid(why: str) -> InvalidSettingsError:
        return InvalidSettingsError([{"field": field_name, "message": why}])

    text = value.strip()
    if text.lower() in _EXPIRY_WORDS:
        raise invalid(f"{value!r} is not a date")
    for m in _NUMERIC_DATE_RE.finditer(text):
        try:
            datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            raise invalid(f"{value!r} is not a valid date ({m.group(0)} does not exist)") from None
    if text.lower() == "now":
        return int(time.time())
    if _BARE_DATE_RE.fullmatch(text):
        # git reads a bare date at the current time of day, so the same command would give
        # other numbers in the morning and the evening: a day starts at 00:00:00 for since
        # and ends at 23:59:59 for until (a deadline "2024-05-31" includes that day).
        text += " 23:59:59" if field_name == "until" else " 00:00:00"
    # git's careful date parser, as `git config --type=expiry-date` exposes it: it refuses
    # what it cannot read, where `git log --since` would take the current time instead.
    rc, out, _err = Git("/").run_rc(
        "-c", f"gigui.date={text}", "config", "--type=expiry-date", "gigui.date"
    )
    stamp = out.strip()
    if rc != 0 or not stamp.isdigit():
        raise invalid(f"{value!r} is not a date git can read")
    return int(stamp)


def date_limits(since: str, until: str) -> tuple[int | None, int | None]:
    """The --since/--until timestamps; InvalidSettingsError for an unreadable date or
    SINCE after UNTIL."""
    lo = parse_date("since", since) if since else None
    hi = parse_date("until", until) if until else None
    if lo is not None and hi is not None and lo > hi:
        raise InvalidSettingsError(
            [{"field": "since", "message": f"since ({since!r}) is after until ({until!r})"}]
        )
    return lo, hi


#: The statuses of the changes that change a path map (see ``_undo``): what a merge modified
#: is not needed, and that is nearly all of a merge's diff against its other parents.
_MAP_STATUSES = frozenset({"A", "C", "D", "R"})
#: Merges read ahead of the walk, at most (more only while the walk waits for one).
_MERGES_AHEAD = 256


def _merge_parents(git: Git, rev: str) -> list[list[str]]:
    """Every merge reachable from REV with its parents, in the walk's (topological) order."""
    out = git.run("rev-list", "--merges", "--parents", "--topo-order", rev, "--")
    return [ln.split() for ln in out.decode("ascii").splitlines() if ln.strip()]


def _diff_tree_args() -> tuple[str, ...]:
    # Only the statuses a map needs, from git itself: on a merge-heavy history the
    # modifications are nearly all of the output (`--always` keeps one entry per line).
    return (
        "diff-tree",
        "--stdin",
        "--always",
        "-r",
        "-M",
        "--raw",
        "-z",
        "--diff-filter=" + "".join(sorted(_MAP_STATUSES)),
    )


def _per_merge(
    lines: list[list[str]], entries: Iterator[tuple[str, list[Change]]]
) -> Iterator[tuple[str, list[list[Change]]]]:
    """(merge, per parent changes) of every merge of LINES from diff-tree's ENTRIES (one
    per line of its input: a merge and one of its parents)."""
    for p in lines:
        per_parent = []
        for _ in p[1:]:
            entry = next(entries, None)
            if entry is not None and entry[0] == p[0]:
                per_parent.append(entry[1])
            else:  # should not happen with --always; be conservative
                log.warning("diff-tree output out of step at merge %s", p[0])
                per_parent.append([])
        yield p[0], per_parent


def merge_changes(git: Git, rev: str) -> dict[str, list[list[Change]]]:
    """For every merge reachable from REV: per parent, the raw changes parent -> merge that
    change a path map (additions, copies, deletions, renames)."""
    lines = _merge_parents(git, rev)
    if not lines:
        return {}
    feed = "".join(f"{p[0]} {par}\n" for p in lines for par in p[1:]).encode("ascii")
    with git.stream(*_diff_tree_args(), input=feed) as chunks:
        entries = iter_diff_tree(chunks, _MAP_STATUSES)
        result = dict(_per_merge(lines, entries))
        for _extra in entries:  # to the end: git's exit status
            pass
    return result


class MergeChanges:
    """``merge_changes`` as the walk goes: a thread of its own reads the merges from one
    streamed ``git diff-tree --stdin`` (gigabytes for a large history: the diff of a merge
    against its other parents is everything the other side changed) and keeps only what the
    walk has not taken yet, a bounded number of merges ahead of it.

    ``take(sha)`` waits until that merge is read (None when it is not a merge reachable
    from REV); ``skip(sha)`` says the walk will not ask for it; ``close()`` stops the reader
    (git is killed and reaped) and raises the reader's error, if any.
    """

    def __init__(self, git: Git, rev: str, ahead: int = _MERGES_AHEAD) -> None:
        self._git = git
        self._rev = rev
        self._ahead = ahead
        self._cond = threading.Condition()
        self._ready: dict[str, list[list[Change]]] = {}
        self._skipped: set[str] = set()
        self._waiting = False
        self._stop = False
        self._done = False
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._read, name="gigui-merges", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            lines = _merge_parents(self._git, self._rev)
            if lines:
                feed = "".join(f"{p[0]} {par}\n" for p in lines for par in p[1:])
                stream = self._git.stream(*_diff_tree_args(), input=feed.encode("ascii"))
                del feed
                with stream:
                    entries = iter_diff_tree(stream, _MAP_STATUSES)
                    for sha, per_parent in _per_merge(lines, entries):
                        if not self._put(sha, per_parent):
                            return  # the walk is over: git is killed on the way out
                    for _extra in entries:  # to the end: git's exit status
                        pass
        except BaseException as exc:  # re-raised in the walking thread
            self._error = exc
        finally:
            with self._cond:
                self._done = True
                self._cond.notify_all()

    def _put(self, sha: str, per_parent: list[list[Change]]) -> bool:
        with self._cond:
            if sha in self._skipped:
                self._skipped.discard(sha)
            else:
                self._ready[sha] = per_parent
                self._cond.notify_all()
            while len(self._ready) >= self._ahead and not self._waiting and not self._stop:
                self._cond.wait(1.0)
            return not self._stop

    def take(self, sha: str) -> list[list[Change]] | None:
        with self._cond:
            while sha not in self._ready and not self._done:
                self._waiting = True
                self._cond.notify_all()
                self._cond.wait(1.0)
            self._waiting = False
            if self._error is not None:
                raise self._error
            got = self._ready.pop(sha, None)
            self._cond.notify_all()
            return got

    def skip(self, sha: str) -> None:
        with self._cond:
            if self._ready.pop(sha, None) is None and not self._done:
                self._skipped.add(sha)
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        self._thread.join()
        self._ready.clear()
        if self._error is not None:
            raise self._error


def read_log(git: Git, *revs: str) -> list[CommitRecord]:
    """The commits of ``git log REVS`` (topological order) with raw changes and numstat."""
    return list(stream_log(git, *revs))


def _log_args(revs: Iterable[str]) -> tuple[str, ...]:
    return (
        "log",
        "--topo-order",
        "--parents",
        "-M",
        "--raw",
        "--numstat",
        "-z",
        "--no-color",
        LOG_FORMAT,
        *revs,
        "--",
    )


def stream_log(git: Git, *revs: str) -> Iterator[CommitRecord]:
    """``read_log``, one commit at a time, read from git as it writes them (git starts at
    once; closing the iterator early stops it)."""
    return _records(git.stream(*_log_args(revs)))


def _records(stream: GitStream) -> Iterator[CommitRecord]:
    with stream:
        yield from iter_log(stream)


def run_history(
    git: Git,
    rev_sha: str,
    rev_time: int,
    files: Iterable[str],
    filters: LogFilters | None = None,
) -> HistoryResult:
    """The log pass: counted numstat rows per analyzed file and identity. The log and the
    merges' changes are read as the walk goes, from two git commands running beside it."""
    filters = filters or LogFilters()
    merges = MergeChanges(git, rev_sha)
    try:
        with git.stream(*_log_args([rev_sha])) as stream:
            result = walk(iter_log(stream), merges, rev_sha, rev_time, files, filters)
    except BaseException:
        with contextlib.suppress(BaseException):
            merges.close()
        raise
    merges.close()
    return result


def walk(
    records: Iterable[CommitRecord],
    merges: Mapping[str, list[list[Change]]] | MergeChanges,
    rev_sha: str,
    rev_time: int,
    files: Iterable[str],
    filters: LogFilters,
    leftover: dict[str, dict[str, str]] | None = None,
) -> HistoryResult:
    """Walk RECORDS (topological order, children first) from REV's identity map.

    A commit reached from several children gets the union of their maps. Where they
    disagree about a path (a file renamed away and re-created on a branch while the main line
    kept editing it), the child nearer REV's first-parent line wins: each map carries its
    *rank*, the number of second-parent edges between REV and it; ties go to the child
    walked first.

    With ``leftover``, it receives the maps still pending after the last record (commit ->
    path at that commit -> analyzed file); several maps for one commit are united as a walk
    would unite them.
    """
    if isinstance(merges, MergeChanges):
        take, skip = merges.take, merges.skip
    else:
        take, skip = merges.get, None
    res = HistoryResult()
    start = _PathMap({f: f for f in files})
    start.refs = 1
    pending: dict[str, list[tuple[int, _PathMap]]] = {rev_sha: [(0, start)]}
    stats = res.stats
    for rec in records:
        res.commits_walked += 1
        contribs = pending.pop(rec.sha, None)
        is_merge = len(rec.parents) > 1
        rank = 0
        if contribs is None:
            pm = None
        elif len(contribs) == 1:
            rank, pm = contribs[0]
            pm.refs -= 1
        else:
            rank, united = _unite(contribs, res)
            pm = _PathMap(united)
        if not is_merge and filters.in_window(rec):
            ident = (rec.name, rec.email)
            res.identities.add(ident)
            if pm is not None and pm.d and filters.counted(rec):
                counted = False
                age = rev_time - rec.author_time
                for ins, dels, path in rec.rows:
                    target = pm.d.get(path)
                    if target is None:
                        continue
                    counted = True
                    if path != target:
                        earlier = res.renamed.get(target)
                        if earlier is None:
                            earlier = res.renamed[target] = {}
                        earlier[path] = None
                    per_file = stats.get(target)
                    if per_file is None:
                        per_file = stats[target] = {}
                    st = per_file.get(ident)
                    if st is None:
                        st = per_file[ident] = Stat()
                        if filters.timeline:
                            st.events = []
                    st.commits.add(rec.sha)
                    if ins > 0:
                        st.insertions += ins
                        st.age_seconds += ins * age
                    if dels > 0:
                        st.deletions += dels
                    if st.events is not None:
                        st.events.append((rec.sha, rec.author_time, max(ins, 0), max(dels, 0)))
                if counted:
                    res.identity_commits[ident] = res.identity_commits.get(ident, 0) + 1
        if pm is None or not pm.d or not rec.parents:
            if is_merge and skip is not None:
                skip(rec.sha)
            continue
        if is_merge:
            per_parent = take(rec.sha) or [[] for _ in rec.parents]
            for i, (par, changes) in enumerate(zip(rec.parents, per_parent, strict=False)):
                child = _undo(pm, changes, owned=False)
                if child.d:
                    child.refs += 1
                    pending.setdefault(par, []).append((rank + (i > 0), child))
        else:
            child = _undo(pm, rec.changes, owned=pm.refs == 0)
            if child.d:
                child.refs += 1
                pending.setdefault(rec.parents[0], []).append((rank, child))
    if leftover is not None:
        for sha, maps in pending.items():
            leftover[sha] = maps[0][1].d if len(maps) == 1 else _unite(maps, res)[1]
    return res


def _unite(contribs: list[tuple[int, _PathMap]], res: HistoryResult) -> tuple[int, dict[str, str]]:
    """The union of several children's maps, lowest rank first (then the first child walked);
    notes conflicts in RES. Returns the lowest rank and the united map."""
    ordered = sorted(contribs, key=lambda c: c[0])  # stable: ties keep the walking order
    d: dict[str, str] = {}
    set_at: dict[str, int] = {}  # rank of the map each entry came from
    for rank, c in ordered:
        c.refs -= 1
        for k, v in c.d.items():
            held = d.setdefault(k, v)
            if k not in set_at:
                set_at[k] = rank
            elif held != v and set_at[k] == rank:
                # only the walking order decided: an incremental update could decide otherwise
                res.conflicts = True
    return ordered[0][0], d

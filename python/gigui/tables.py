"""The tables of one analysis: authors, files, authors x files, files x authors and the
timeline, from per-file blame counts and the log pass.

Every measure of the authors table is in the files table too. ``sort_by`` orders both
(numbers largest first, text A-Z), ``top`` keeps the first N rows of each and the cross
tables for those rows; totals always cover everything analyzed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .history import HistoryResult
from .persons import is_excluded, merge_identities
from .text import display_path

if TYPE_CHECKING:
    from .settings import Settings

Identity = tuple[str, str]

#: The blame-count key of lines from commits made before ``since``: shown, never credited.
BEFORE_SINCE: Identity = ("\0before-since", "")

_TEXT_COLUMNS = frozenset({"name", "email", "path"})


@dataclass
class TableInput:
    """What the tables of one repository (or of several, combined) are built from."""

    #: analyzed files, as shown (a combined view prefixes them with their repository)
    files: list[str]
    #: file -> identity -> lines
    blame_counts: dict[str, dict[Identity, int]]
    history: HistoryResult
    #: file -> earlier paths, most recent first (show_renames)
    renamed: dict[str, dict[str, None]] = field(default_factory=dict)


def _pct(part: float, whole: float) -> float:
    return 100.0 * part / whole if whole else 0.0


def _stability(lines: int, insertions: int) -> float:
    return min(100.0, 100.0 * lines / insertions) if insertions else (100.0 if lines else 0.0)


#: The commits of a cell without any (blame lines only).
_NO_COMMITS: frozenset[str] = frozenset()


class _Cell:
    """One person in one file. Its commit set and events are the log pass's own as long as
    one identity contributes (read, never changed): a large history has tens of thousands of
    cells."""

    __slots__ = ("age_s", "commits", "deletions", "events", "insertions", "lines")

    def __init__(self) -> None:
        self.lines = 0
        self.commits: set[str] | frozenset[str] = _NO_COMMITS
        self.insertions = 0
        self.deletions = 0
        self.age_s = 0.0
        self.events: list[tuple[str, int, int, int]] | None = None


def build(data: TableInput, settings: Settings) -> dict[str, Any]:
    """The tables and totals of DATA under SETTINGS (exclusions, sorting, top, columns)."""
    hist = data.history
    identities: set[Identity] = set(hist.identities)
    ident_lines: dict[Identity, int] = {}
    before_since: dict[str, int] = {}
    for path, per in data.blame_counts.items():
        for ident, n in per.items():
            if ident == BEFORE_SINCE:
                before_since[path] = before_since.get(path, 0) + n
                continue
            identities.add(ident)
            ident_lines[ident] = ident_lines.get(ident, 0) + n
    for per_file in hist.stats.values():
        identities.update(per_file)
    persons = merge_identities(identities, hist.identity_commits, ident_lines)
    excluded = {
        p.key for p in persons.values() if is_excluded(p, settings.ex_authors, settings.ex_emails)
    }
    by_key = {p.key: p for p in persons.values()}

    cells: dict[tuple[int, str], _Cell] = {}

    def cell(key: int, path: str) -> _Cell:
        c = cells.get((key, path))
        if c is None:
            c = cells[(key, path)] = _Cell()
        return c

    for path, per in data.blame_counts.items():
        for ident, n in per.items():
            if ident == BEFORE_SINCE:
                continue
            key = persons[ident].key
            if key not in excluded:
                cell(key, path).lines += n
    for path, per_file in hist.stats.items():
        for ident, st in per_file.items():
            key = persons[ident].key
            if key in excluded:
                continue
            c = cell(key, path)
            c.commits = c.commits | st.commits if c.commits else st.commits
            c.insertions += st.insertions
            c.deletions += st.deletions
            c.age_s += st.age_seconds
            if st.events:
                c.events = [*c.events, *st.events] if c.events else st.events

    file_sums = {f: _Sums() for f in data.files}
    person_sums: dict[int, _Sums] = {}
    for (key, path), c in cells.items():
        file_sums[path].add(c, key)
        person = person_sums.get(key)
        if person is None:
            person = person_sums[key] = _Sums()
        person.add(c, path)

    total = _Sums()
    for sums in file_sums.values():
        total.merge(sums)
    total_lines, total_ins = total.lines, total.insertions

    authors = []
    for key, ps in person_sums.items():
        p = by_key[key]
        authors.append(
            {
                "name": p.name,
                "email": p.email,
                "names": p.names,
                "emails": p.emails,
                "commits": len(ps.commits),
                "insertions": ps.insertions,
                "deletions": ps.deletions,
                "lines": ps.lines,
                "lines_pct": _pct(ps.lines, total_lines),
                "insertions_pct": _pct(ps.insertions, total_ins),
                "stability": _stability(ps.lines, ps.insertions),
                "age": ps.age_s / ps.insertions / 86400.0 if ps.insertions else 0.0,
                "files": len(ps.member_lines),
                "_key": key,
            }
        )
    authors.sort(key=lambda a: (-a["lines"], -a["insertions"], a["name"], a["email"]))

    files_out = []
    for path in data.files:
        fs = file_sums[path]
        top_author = None
        if fs.member_lines:
            best = min(
                fs.member_lines.items(),
                key=lambda kv: (-kv[1][0], -kv[1][1], by_key[kv[0]].name),
            )
            top_author = by_key[best[0]].name
        row: dict[str, Any] = {
            "path": display_path(path),
            "lines": fs.lines,
            "lines_pct": _pct(fs.lines, total_lines),
            "commits": len(fs.commits),
            "insertions": fs.insertions,
            "insertions_pct": _pct(fs.insertions, total_ins),
            "deletions": fs.deletions,
            "stability": _stability(fs.lines, fs.insertions),
            "age": fs.age_s / fs.insertions / 86400.0 if fs.insertions else 0.0,
            "authors": len(fs.member_lines),
            "top_author": top_author,
            "_path": path,
        }
        if settings.show_renames:
            row["renamed_from"] = [display_path(p) for p in data.renamed.get(path, ())]
        if settings.since:
            row["lines_before_since"] = before_since.get(path, 0)
        files_out.append(row)
    files_out.sort(key=lambda f: (-f["lines"], f["path"]))

    n_authors = len(authors)
    if settings.scaled_percentages:
        for a in authors:
            a["scaled_lines_pct"] = a["lines_pct"] * n_authors
            a["scaled_insertions_pct"] = a["insertions_pct"] * n_authors

    _sort(authors, settings.sort_by, "authors")
    _sort(files_out, settings.sort_by, "files")
    if settings.top:
        authors = authors[: settings.top]
        files_out = files_out[: settings.top]
    author_rank = {a["_key"]: i for i, a in enumerate(authors)}
    file_rank = {f["_path"]: i for i, f in enumerate(files_out)}

    # One row per cell, in both cross tables (the same dict: a large history has tens of
    # thousands), with its author's and its file's rank beside it.
    cross: list[tuple[int, int, dict[str, Any]]] = []
    for (key, path), c in cells.items():
        if key not in author_rank or path not in file_rank:
            continue
        p = by_key[key]
        row = {
            "author": p.name,
            "email": p.email,
            "path": display_path(path),
            "lines": c.lines,
            "lines_pct": _pct(c.lines, file_sums[path].lines),
            "commits": len(c.commits),
            "insertions": c.insertions,
            "deletions": c.deletions,
            "stability": _stability(c.lines, c.insertions),
        }
        cross.append((author_rank[key], file_rank[path], row))

    def ranked(t: tuple[int, int, dict[str, Any]], first: int) -> tuple[int, int, int, int]:
        return (t[first], -t[2]["lines"], -t[2]["insertions"], t[1 - first])

    authors_files = [t[2] for t in sorted(cross, key=lambda t: ranked(t, 0))]
    files_authors = [t[2] for t in sorted(cross, key=lambda t: ranked(t, 1))]
    del cross

    totals: dict[str, Any] = {
        "lines": total_lines,
        "commits": len(total.commits),
        "insertions": total_ins,
        "deletions": total.deletions,
        "files": len(data.files),
        "authors": n_authors,
    }
    if settings.since:
        totals["lines_before_since"] = sum(before_since.get(f, 0) for f in data.files)

    timeline_out = (
        timeline(cells, by_key, author_rank, settings.timeline_period)
        if settings.timeline
        else None
    )
    _strip(authors)
    _strip(files_out)
    out: dict[str, Any] = {
        "authors": authors,
        "files": files_out,
        "authors_files": authors_files,
        "files_authors": files_authors,
        "totals": totals,
    }
    if timeline_out is not None:
        out["timeline"] = timeline_out
    if not settings.deletions:
        _drop_deletions(out)
    return out


class _Sums:
    """Sums over the cells of one person (members: files) or one file (members: persons)."""

    __slots__ = ("age_s", "commits", "deletions", "insertions", "lines", "member_lines")

    def __init__(self) -> None:
        self.lines = 0
        self.commits: set[str] = set()
        self.insertions = 0
        self.deletions = 0
        self.age_s = 0.0
        #: member -> (lines, insertions) of its cell
        self.member_lines: dict[Any, tuple[int, int]] = {}

    def add(self, c: _Cell, member: Any) -> None:
        self.lines += c.lines
        self.commits |= c.commits
        self.insertions += c.insertions
        self.deletions += c.deletions
        self.age_s += c.age_s
        self.member_lines[member] = (c.lines, c.insertions)

    def merge(self, other: _Sums) -> None:
        self.lines += other.lines
        self.commits |= other.commits
        self.insertions += other.insertions
        self.deletions += other.deletions
        self.age_s += other.age_s


def _sort(rows: list[dict[str, Any]], column: str, table: str) -> None:
    """Sort ROWS by COLUMN when the table has it (stable: ties keep the default order)."""
    if not rows or column == "lines" or column not in rows[0]:
        return
    if column in _TEXT_COLUMNS:
        rows.sort(key=lambda r: str(r[column]).lower())
    else:
        rows.sort(key=lambda r: -r[column])


def _strip(rows: list[dict[str, Any]]) -> None:
    """Drops the keys of ROWS that are not shown (``_key``, ``_path``), in place."""
    for row in rows:
        for k in [k for k in row if k.startswith("_")]:
            del row[k]


def _drop_deletions(out: dict[str, Any]) -> None:
    for name in ("authors", "files", "authors_files", "files_authors"):
        for row in out[name]:
            row.pop("deletions", None)
    out["totals"].pop("deletions", None)
    for row in out.get("timeline", {}).get("rows", ()):
        row.pop("deletions", None)


def period_of(stamp: int, period: str) -> str:
    """The label of the PERIOD (week, month, quarter, year) holding time STAMP, in UTC."""
    day = datetime.datetime.fromtimestamp(stamp, datetime.UTC).date()
    if period == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if period == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if period == "year":
        return f"{day.year}"
    return f"{day.year}-{day.month:02d}"


def timeline(
    cells: dict[tuple[int, str], _Cell],
    by_key: dict[int, Any],
    author_rank: dict[int, int],
    period: str,
) -> dict[str, Any]:
    """Commits, insertions and deletions per period (by author date, UTC) per author."""
    buckets: dict[tuple[str, int], list[Any]] = {}
    for (key, _path), c in cells.items():
        if key not in author_rank:
            continue
        for sha, when, ins, dels in c.events or ():
            b = buckets.get((period_of(when, period), key))
            if b is None:
                b = buckets[(period_of(when, period), key)] = [set(), 0, 0]
            b[0].add(sha)
            b[1] += ins
            b[2] += dels
    rows = [
        {
            "period": label,
            "author": by_key[key].name,
            "email": by_key[key].email,
            "commits": len(commits),
            "insertions": ins,
            "deletions": dels,
        }
        for (label, key), (commits, ins, dels) in buckets.items()
    ]
    rows.sort(key=lambda r: (r["period"], -r["insertions"], r["author"], r["email"]))
    return {"period": period, "rows": rows}


def merge_inputs(parts: Iterable[tuple[str, TableInput]]) -> TableInput:
    """One input from several repositories' (NAME, input): their files prefixed with NAME/,
    their persons merged by name and email as within one repository."""
    merged = TableInput(files=[], blame_counts={}, history=HistoryResult())
    hist = merged.history
    for name, part in parts:

        def shown(path: str, name: str = name) -> str:
            return f"{name}/{path}"

        merged.files.extend(shown(f) for f in part.files)
        for path, per in part.blame_counts.items():
            merged.blame_counts[shown(path)] = per
        for path, per in part.history.stats.items():
            hist.stats[shown(path)] = per
        for path, names in part.renamed.items():
            merged.renamed[shown(path)] = {shown(p): None for p in names}
        hist.identities |= part.history.identities
        for ident, n in part.history.identity_commits.items():
            hist.identity_commits[ident] = hist.identity_commits.get(ident, 0) + n
    return merged

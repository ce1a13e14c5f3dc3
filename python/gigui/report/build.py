"""From an analysis result (and the blame of the files chosen for blame tabs) to the
``Report`` every format lays out."""

from __future__ import annotations

import datetime
from typing import Any

from .model import (
    PALETTE_LIGHT,
    TABLE_NAMES,
    TITLES,
    BlameFile,
    BlameLine,
    Report,
    Section,
    Table,
    iso,
    visible_columns,
)

#: Settings not worth a line in a report's summary (they do not shape the numbers).
_NOT_SHOWN = frozenset({"input_fstrs", "max_workers"})


def settings_summary(settings: dict[str, Any], defaults: dict[str, Any]) -> list[tuple[str, str]]:
    """(name, value) of every setting that differs from its default."""
    out = []
    for name, value in settings.items():
        if name in _NOT_SHOWN or defaults.get(name) == value:
            continue
        if isinstance(value, list):
            shown = ", ".join(str(v) for v in value)
        elif isinstance(value, bool):
            shown = "yes" if value else "no"
        else:
            shown = str(value)
        out.append((name, shown))
    return out


def _tables(result: dict[str, Any], show_renames: bool) -> list[Table]:
    tables = []
    for name in TABLE_NAMES:
        if name == "timeline":
            timeline = result.get("timeline")
            if not timeline:
                continue
            rows = timeline.get("rows", [])
            title = f"Timeline by {timeline.get('period', 'period')}"
        else:
            rows = result.get(name, [])
            title = TITLES[name]
        totals = result.get("totals") if name in ("authors", "files") else None
        tables.append(Table(name, title, visible_columns(name, rows, show_renames), rows, totals))
    return tables


def _colours(authors: list[dict[str, Any]]) -> dict[tuple[str, str], int]:
    """Colour indices by rank in lines (the authors table's default order is by lines, but
    it may be sorted by another column)."""
    ranked = sorted(authors, key=lambda a: (-a.get("lines", 0), a.get("name", "")))
    return {(a["name"], a["email"]): i for i, a in enumerate(ranked[: len(PALETTE_LIGHT)])}


def _blame_files(repo_blame: dict[str, Any] | None, revision_time: int) -> list[BlameFile]:
    if not repo_blame:
        return []
    commits = {c["sha"]: c for c in repo_blame.get("commits", [])}
    files = []
    for f in repo_blame.get("files", []):
        text = f.get("text") or []
        excluded: dict[int, str] = {}
        for run in f.get("excluded_lines", []):
            for n in range(run["start"], run["start"] + run["count"]):
                excluded[n] = run["reason"]
        lines = []
        number = 0
        for hunk in f.get("hunks", []):
            commit = commits.get(hunk["commit"], {})
            when = int(commit.get("author_time", 0) or 0)
            for _ in range(hunk["line_count"]):
                number += 1
                content = text[number - 1] if number - 1 < len(text) else ""
                lines.append(
                    BlameLine(
                        number=number,
                        sha=str(hunk["commit"]),
                        author=str(commit.get("author", "")),
                        email=str(commit.get("email", "")),
                        date=iso(when) if when else "",
                        age_days=max(0.0, (revision_time - when) / 86400.0) if when else 0.0,
                        text=content,
                        excluded=excluded.get(number) or str(commit.get("excluded", "")),
                        empty=not content.strip(),
                    )
                )
        files.append(BlameFile(str(f["path"]), lines))
    return files


def build_report(
    result: dict[str, Any],
    blame: dict[str, Any] | None,
    settings: dict[str, Any],
    defaults: dict[str, Any],
) -> Report:
    """RESULT: an ``execute_analysis`` result; BLAME: a ``get_blame_data`` result (with
    text) for the files that get a blame tab, or None."""
    show_renames = bool(settings.get("show_renames"))
    blame_by_path = {r["path"]: r for r in (blame or {}).get("repositories", [])}
    sections = []
    for repo in result.get("repositories", []):
        when = int(repo.get("revision_time", 0) or 0)
        section = Section(
            title=str(repo["name"]),
            path=str(repo["path"]),
            revision=str(repo["revision"]),
            revision_date=iso(when) if when else "",
            warnings=list(repo.get("warnings", [])),
            tables=_tables(repo, show_renames),
            colours=_colours(repo.get("authors", [])),
        )
        section.blame = _blame_files(blame_by_path.get(repo["path"]), when)
        sections.append(section)
    combined = result.get("combined")
    if combined:
        sections.append(
            Section(
                title="combined",
                path=", ".join(combined.get("repositories", [])),
                revision="",
                revision_date="",
                warnings=[],
                tables=_tables(combined, show_renames),
                colours=_colours(combined.get("authors", [])),
            )
        )
    names = [s.title for s in sections if s.title != "combined"]
    title = "Authorship: " + (", ".join(names[:3]) + (" …" if len(names) > 3 else ""))
    return Report(
        title=title if names else "Authorship",
        generated=datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        settings=settings_summary(settings, defaults),
        sections=sections,
        errors=list(result.get("errors", [])),
    )

"""Orchestration: repository preparation, parallel blame + log pass, aggregation."""

from __future__ import annotations

import fnmatch
import logging
import os
import posixpath
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import host, incremental
from .blame import FileBlame, commit_record, run_blame
from .comments import comment_lines
from .errors import AnalysisCancelled, FileNotTrackedError, RepositoryError
from .git import CallCounter, Git, RepoRoot, first_message, require_root
from .history import HistoryResult, LogFilters, date_limits
from .incremental import HistoryOutcome
from .persons import is_excluded, merge_identities
from .text import display_path, path_from_git

if TYPE_CHECKING:
    from .settings import Settings

log = logging.getLogger("gigui.analysis")

Identity = tuple[str, str]
ProgressFn = Callable[[int, int, str], Any]
CancelFn = Callable[[], bool]

_REGULAR_MODES = (b"100644", b"100755")


# ---------------------------------------------------------------------------------------------
# repository preparation


@dataclass
class RepoContext:
    root: str
    name: str
    sha: str
    rev: str
    rev_time: int
    git: Git
    #: analyzed files (after filters), in selection order
    files: list[str]
    ignore_revs: list[str] = field(default_factory=list)
    git_dir: str = ""
    bare: bool = False
    #: a shallow clone: the commits where its history is cut (empty when it is complete)
    shallow_boundary: list[str] = field(default_factory=list)


def resolve_revision(git: Git, root: str, rev: str) -> tuple[str, int]:
    """(full sha, committer time) of REV; RepositoryError in git's own words otherwise, with
    what is special about the repository (no commits yet, an unborn branch)."""
    if rev.startswith("-"):
        raise RepositoryError(f"invalid revision {rev!r} in {root}")
    rc, out, err = git.run_rc("show", "-s", "--format=%H %ct", f"{rev}^{{commit}}", "--")
    if rc == 0:
        sha, ct = out.decode("ascii").split()
        return sha, int(ct)
    rc_head, _o, _e = git.run_rc("rev-parse", "--verify", "-q", "HEAD")
    if rc_head != 0:
        _rc, refs, _e = git.run_rc("for-each-ref", "--count=1", "--format=%(refname)")
        if not refs.strip():
            raise RepositoryError(f"repository has no commits yet: {root}")
        _rc, head_ref, _e = git.run_rc("symbolic-ref", "-q", "HEAD")
        branch = path_from_git(head_ref.strip()).removeprefix("refs/heads/")
        if rev == "HEAD":
            raise RepositoryError(
                f"HEAD of {root} is the unborn branch {display_path(branch)!r} (no commits "
                "yet): choose a revision that has commits (setting rev, CLI --rev)"
            )
    raise RepositoryError(f"unknown revision {rev!r} in {root}: {first_message(err)}")


def shallow_boundary(git: Git) -> list[str]:
    """The commits a shallow clone's history stops at; empty for a complete repository."""
    out = git.run("rev-parse", "--is-shallow-repository", "--git-path", "shallow")
    lines = out.decode("utf-8", "surrogateescape").splitlines()
    if not lines or lines[0] != "true" or len(lines) < 2:
        return []
    shallow_file = os.path.join(git.cwd, lines[1])
    try:
        with open(shallow_file, "rb") as fh:
            return [ln.decode("ascii", "replace") for ln in fh.read().split() if ln]
    except OSError:
        return []


def empty_tree(git: Git) -> str:
    return git.run("hash-object", "-t", "tree", "/dev/null").decode("ascii").strip()


def list_text_files(git: Git, sha: str) -> dict[str, int]:
    """Regular tracked non-binary files at SHA -> number of lines."""
    data = git.run("ls-tree", "-r", "-z", "--full-tree", sha)
    regular: set[str] = set()
    for rec in data.split(b"\0"):
        if not rec:
            continue
        meta, _, path = rec.partition(b"\t")
        if meta[:6] in _REGULAR_MODES:
            regular.add(path_from_git(path))
    data = git.run(
        "diff", "--numstat", "-z", "--no-renames", "--no-color", empty_tree(git), sha, "--"
    )
    counts: dict[str, int] = {}
    for rec in data.split(b"\0"):
        if not rec:
            continue
        parts = rec.lstrip(b"\n").split(b"\t", 2)
        if len(parts) != 3 or parts[0] == b"-":
            continue  # binary
        path = path_from_git(parts[2])
        if path in regular:
            counts[path] = int(parts[0])
    return counts


def _extension(path: str) -> str:
    base = posixpath.basename(path)
    _, ext = os.path.splitext(base)
    return ext[1:]


def _matches(path: str, patterns: list[str]) -> bool:
    base = posixpath.basename(path)
    return any(fnmatch.fnmatchcase(path, p) or fnmatch.fnmatchcase(base, p) for p in patterns)


def select_files(counts: dict[str, int], settings: Settings) -> list[str]:
    exts = [e.lower() for e in settings.extensions]
    selected = []
    for path in counts:
        if settings.include_files and not _matches(path, settings.include_files):
            continue
        if settings.ex_files and _matches(path, settings.ex_files):
            continue
        if "*" not in exts:
            ext = _extension(path).lower()
            if not any(fnmatch.fnmatchcase(ext, e) for e in exts):
                continue
        selected.append(path)
    if settings.n_files:
        selected.sort(key=lambda p: (-counts[p], p))
        selected = selected[: settings.n_files]
    selected.sort()
    return selected


def resolve_ignore_revs(git: Git, prefixes: list[str]) -> list[str]:
    """Full shas for sha prefixes (one cat-file process); unknown prefixes are skipped."""
    if not prefixes:
        return []
    feed = "".join(f"{p}^{{commit}}\n" for p in prefixes).encode("ascii")
    out = git.run("cat-file", "--batch-check", input=feed).decode("utf-8", "replace")
    shas = []
    for prefix, line in zip(prefixes, out.splitlines(), strict=False):
        parts = line.split()
        if len(parts) == 3 and parts[1] == "commit":
            shas.append(parts[0])
        else:
            log.warning("ex_revisions: %s does not name a commit; ignored for blame", prefix)
    return shas


def repository_name(root: RepoRoot) -> str:
    base = posixpath.basename(root.path.rstrip("/")) or root.path
    if root.bare and base.endswith(".git") and len(base) > 4:
        base = base[:-4]
    return display_path(base)


def prepare_repo(
    path: str, settings: Settings, cancel: threading.Event, counter: CallCounter
) -> RepoContext:
    found = require_root(path, counter)
    root = found.path
    alternate = host.commit_graph(root)
    git = Git(root, cancel=cancel, counter=counter, alternate=alternate, bare=found.bare)
    sha, rev_time = resolve_revision(git, root, settings.rev)
    counts = list_text_files(git, sha)
    files = select_files(counts, settings)
    return RepoContext(
        root=root,
        name=repository_name(found),
        sha=sha,
        rev=settings.rev,
        rev_time=rev_time,
        git=git,
        files=files,
        ignore_revs=resolve_ignore_revs(git, settings.ex_revisions),
        git_dir=found.git_dir,
        bare=found.bare,
        shallow_boundary=shallow_boundary(git),
    )


# ---------------------------------------------------------------------------------------------
# running jobs


class _Driver:
    """Runs jobs on a pool; progress and cancel are handled in the calling thread."""

    def __init__(
        self,
        total: int,
        progress: ProgressFn | None,
        cancel: CancelFn | None,
        event: threading.Event,
    ) -> None:
        self.total = total
        self.done = 0
        self.progress = progress
        self.cancel = cancel
        self.event = event

    def check(self) -> None:
        if self.event.is_set() or (self.cancel is not None and self.cancel()):
            self.event.set()
            raise AnalysisCancelled("analysis cancelled")

    def step(self, message: str) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total, message)

    def drive(self, futures: dict[Future[Any], str]) -> None:
        pending: set[Future[Any]] = set(futures)
        try:
            while pending:
                self.check()
                finished, pending = wait(pending, timeout=0.05, return_when=FIRST_COMPLETED)
                for fut in finished:
                    fut.result()
                    self.step(futures[fut])
            self.check()
        except BaseException:
            self.event.set()
            for fut in pending:
                fut.cancel()
            raise


def _workers(settings: Settings) -> int:
    return settings.max_workers or os.cpu_count() or 1


def _blame_counts(ctx: RepoContext, path: str, settings: Settings) -> dict[Identity, int]:
    need_content = not settings.comments or not settings.empty_lines
    fb = run_blame(
        ctx.git,
        ctx.sha,
        path,
        copy_move=settings.copy_move,
        whitespace=settings.whitespace,
        ignore_revs=ctx.ignore_revs,
        want_content=need_content,
    )
    skip: list[bool] | None = None
    if need_content and fb.contents is not None:
        n = fb.lines
        skip = [False] * n
        if not settings.empty_lines:
            for i, c in enumerate(fb.contents):
                if not c.strip():
                    skip[i] = True
        if not settings.comments:
            text = "\n".join(c.decode("utf-8", "replace") for c in fb.contents) + "\n"
            for i, is_comment in enumerate(comment_lines(path, text, n)):
                if is_comment:
                    skip[i] = True
    counts: dict[Identity, int] = {}
    idents: dict[str, Identity] = {
        sha: (str(info.get("author", "")), str(info.get("email", "")))
        for sha, info in fb.commits.items()
    }
    for i, sha in enumerate(fb.line_shas):
        if skip is not None and skip[i]:
            continue
        ident = idents[sha]
        counts[ident] = counts.get(ident, 0) + 1
    return counts


# ---------------------------------------------------------------------------------------------
# aggregation


def _pct(part: float, whole: float) -> float:
    return 100.0 * part / whole if whole else 0.0


def aggregate(
    ctx: RepoContext,
    blame_counts: dict[str, dict[Identity, int]],
    hist: HistoryResult,
    settings: Settings,
) -> dict[str, Any]:
    identities: set[Identity] = set(hist.identities)
    ident_lines: dict[Identity, int] = {}
    for per in blame_counts.values():
        for ident, n in per.items():
            identities.add(ident)
            ident_lines[ident] = ident_lines.get(ident, 0) + n
    for per_file in hist.stats.values():
        identities.update(per_file)
    persons = merge_identities(identities, hist.identity_commits, ident_lines)
    excluded = {
        p.key for p in persons.values() if is_excluded(p, settings.ex_authors, settings.ex_emails)
    }
    by_key = {p.key: p for p in persons.values()}

    # (person key, file) -> [lines, commits set, ins, dels, age_seconds]
    cells: dict[tuple[int, str], list[Any]] = {}

    def cell(key: int, path: str) -> list[Any]:
        c = cells.get((key, path))
        if c is None:
            c = cells[(key, path)] = [0, set(), 0, 0, 0.0]
        return c

    for path, per in blame_counts.items():
        for ident, n in per.items():
            key = persons[ident].key
            if key not in excluded:
                cell(key, path)[0] += n
    for path, per_file in hist.stats.items():
        for ident, st in per_file.items():
            key = persons[ident].key
            if key in excluded:
                continue
            c = cell(key, path)
            c[1] |= st.commits
            c[2] += st.insertions
            c[3] += st.deletions
            c[4] += st.age_seconds

    files_agg: dict[str, dict[str, Any]] = {
        f: {"lines": 0, "commits": set(), "insertions": 0, "deletions": 0, "people": {}}
        for f in ctx.files
    }
    people: dict[int, dict[str, Any]] = {}
    for (key, path), (lines, commits, ins, dels, age_s) in cells.items():
        fa = files_agg[path]
        fa["lines"] += lines
        fa["commits"] |= commits
        fa["insertions"] += ins
        fa["deletions"] += dels
        fa["people"][key] = (lines, ins)
        pa = people.get(key)
        if pa is None:
            pa = people[key] = {
                "lines": 0,
                "commits": set(),
                "insertions": 0,
                "deletions": 0,
                "age_s": 0.0,
                "files": 0,
            }
        pa["lines"] += lines
        pa["commits"] |= commits
        pa["insertions"] += ins
        pa["deletions"] += dels
        pa["age_s"] += age_s
        pa["files"] += 1

    total_lines = sum(fa["lines"] for fa in files_agg.values())
    total_ins = sum(fa["insertions"] for fa in files_agg.values())
    total_dels = sum(fa["deletions"] for fa in files_agg.values())
    all_commits: set[str] = set()
    for fa in files_agg.values():
        all_commits |= fa["commits"]

    authors = []
    for key, pa in people.items():
        p = by_key[key]
        lines, ins = pa["lines"], pa["insertions"]
        stability = min(100.0, 100.0 * lines / ins) if ins else (100.0 if lines else 0.0)
        authors.append(
            {
                "name": p.name,
                "email": p.email,
                "names": p.names,
                "emails": p.emails,
                "commits": len(pa["commits"]),
                "insertions": ins,
                "deletions": pa["deletions"],
                "lines": lines,
                "lines_pct": _pct(lines, total_lines),
                "insertions_pct": _pct(ins, total_ins),
                "stability": stability,
                "age": pa["age_s"] / ins / 86400.0 if ins else 0.0,
                "files": pa["files"],
            }
        )
    authors.sort(key=lambda a: (-a["lines"], -a["insertions"], a["name"], a["email"]))

    files_out = []
    for path in ctx.files:
        fa = files_agg[path]
        top = None
        if fa["people"]:
            best = min(
                fa["people"].items(),
                key=lambda kv: (-kv[1][0], -kv[1][1], by_key[kv[0]].name),
            )
            top = by_key[best[0]].name
        files_out.append(
            {
                "path": display_path(path),
                "lines": fa["lines"],
                "commits": len(fa["commits"]),
                "insertions": fa["insertions"],
                "deletions": fa["deletions"],
                "authors": len(fa["people"]),
                "top_author": top,
            }
        )
    files_out.sort(key=lambda f: (-f["lines"], f["path"]))

    authors_files = []
    for (key, path), (lines, commits, ins, dels, _age) in cells.items():
        p = by_key[key]
        flines = files_agg[path]["lines"]
        authors_files.append(
            {
                "author": p.name,
                "email": p.email,
                "path": display_path(path),
                "lines": lines,
                "commits": len(commits),
                "insertions": ins,
                "deletions": dels,
                "lines_pct": _pct(lines, flines),
            }
        )
    authors_files.sort(key=lambda r: (r["path"], -r["lines"], -r["insertions"], r["author"]))

    return {
        "name": ctx.name,
        "path": display_path(ctx.root),
        "revision": ctx.sha,
        "revision_time": ctx.rev_time,
        "bare": ctx.bare,
        "shallow": bool(ctx.shallow_boundary),
        "history_cut_at": ctx.shallow_boundary,
        "warnings": repository_warnings(ctx),
        "authors": authors,
        "files": files_out,
        "authors_files": authors_files,
        "totals": {
            "lines": total_lines,
            "commits": len(all_commits),
            "insertions": total_ins,
            "deletions": total_dels,
            "files": len(files_out),
            "authors": len(authors),
        },
        "settings": settings.model_dump(mode="json"),
    }


def repository_warnings(ctx: RepoContext) -> list[str]:
    """What a reader of the numbers must know about the repository."""
    warnings = []
    if ctx.shallow_boundary:
        n = len(ctx.shallow_boundary)
        warnings.append(
            f"shallow clone: history is cut at {n} commit{'s' if n != 1 else ''} "
            f"({', '.join(s[:10] for s in ctx.shallow_boundary[:3])}"
            f"{', ...' if n > 3 else ''}); commits, insertions and deletions count only the "
            "history present, and each cut commit counts every line it holds as inserted"
        )
    return warnings


# ---------------------------------------------------------------------------------------------
# entry points


def _unique_roots(
    settings: Settings, event: threading.Event, counter: CallCounter, driver: _Driver
) -> list[RepoContext]:
    contexts: list[RepoContext] = []
    seen: set[str] = set()
    for path in settings.input_fstrs:
        driver.check()
        ctx = prepare_repo(os.path.expanduser(path), settings, event, counter)
        if ctx.root in seen:
            continue
        seen.add(ctx.root)
        contexts.append(ctx)
    return contexts


def execute_analysis(
    settings: Settings, progress: ProgressFn | None = None, cancel: CancelFn | None = None
) -> dict[str, Any]:
    t0 = time.perf_counter()
    counter = CallCounter()
    event = threading.Event()
    driver = _Driver(0, progress, cancel, event)
    limits = date_limits(settings.since, settings.until)
    contexts = _unique_roots(settings, event, counter, driver)
    plans = [_plan(ctx, settings, limits) for ctx in contexts]
    driver.total = sum(len(p.to_blame) + 1 for p in plans)
    workers = _workers(settings)
    results = []
    log_seconds = 0.0
    blame_seconds = 0.0
    files_blamed = 0
    files_reused = 0
    log_modes: list[str] = []
    log_fallbacks: list[str] = []
    commits_walked = 0
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="gigui") as pool:
        for plan in plans:
            ctx = plan.ctx
            timing: dict[str, float] = {}

            def log_job(plan: _Plan = plan, timing: dict[str, float] = timing) -> HistoryOutcome:
                t = time.perf_counter()
                try:
                    return incremental.history(
                        plan.ctx.git,
                        plan.history_key,
                        plan.ctx.sha,
                        plan.ctx.rev_time,
                        plan.ctx.files,
                        plan.filters,
                        plan.ancestry,
                    )
                finally:
                    timing["log"] = time.perf_counter() - t

            log_future = pool.submit(log_job)
            futures: dict[Future[Any], str] = {log_future: f"{ctx.name}: history"}
            blame_futures: dict[str, Future[Any]] = {}
            tb = time.perf_counter()
            for path in plan.to_blame:
                fut = pool.submit(_blame_counts, ctx, path, settings)
                blame_futures[path] = fut
                futures[fut] = f"{ctx.name}: {path}"
            driver.drive(futures)
            if blame_futures:
                blame_seconds += time.perf_counter() - tb
            files_blamed += len(blame_futures)
            files_reused += len(plan.reused)
            log_seconds += timing.get("log", 0.0)
            blame_counts: dict[str, dict[Identity, int]] = {}
            if settings.blame:
                known = {**plan.reused, **{p: f.result() for p, f in blame_futures.items()}}
                incremental.store_blame(plan.blame_key, ctx.sha, known)
                blame_counts = {p: known[p] for p in ctx.files}
            outcome: HistoryOutcome = log_future.result()
            log_modes.append(outcome.mode)
            if outcome.fallback:
                log_fallbacks.append(f"{ctx.name}: {outcome.fallback}")
            commits_walked += outcome.result.commits_walked
            results.append(aggregate(ctx, blame_counts, outcome.result, settings))
    return {
        "repositories": results,
        "performance_stats": {
            "total_seconds": time.perf_counter() - t0,
            "log_seconds": log_seconds,
            "blame_seconds": blame_seconds,
            "files_blamed": files_blamed,
            "files_reused": files_reused,
            "log_incremental": bool(log_modes) and all(m != "full" for m in log_modes),
            "log_modes": log_modes,
            "log_fallbacks": log_fallbacks,
            "log_commits_walked": commits_walked,
            "git_calls": counter.count,
            "workers": workers,
        },
    }


@dataclass
class _Plan:
    ctx: RepoContext
    filters: LogFilters
    history_key: tuple[Any, ...]
    ancestry: incremental.Ancestry
    blame_key: tuple[Any, ...] = ()
    #: memoized blame counts still valid at the analyzed revision
    reused: dict[str, dict[Identity, int]] = field(default_factory=dict)
    #: files to blame now
    to_blame: list[str] = field(default_factory=list)


def _plan(ctx: RepoContext, settings: Settings, limits: tuple[int | None, int | None]) -> _Plan:
    """What an analysis of CTX can take from earlier analyses, and what it must compute."""
    lo, hi = limits
    filters = LogFilters(
        min_time=lo,
        max_time=hi,
        ex_revisions=tuple(settings.ex_revisions),
        ex_messages=tuple(settings.ex_messages),
    )
    env = incremental.env_fingerprint(ctx.root, ctx.git_dir)
    plan = _Plan(
        ctx=ctx,
        filters=filters,
        history_key=incremental.history_key(ctx.root, env, filters),
        ancestry=incremental.Ancestry(ctx.git),
    )
    if settings.blame:
        plan.blame_key = incremental.blame_key(ctx.root, env, settings, ctx.ignore_revs)
        plan.reused, _base = incremental.reusable_blame(
            plan.blame_key, ctx.sha, ctx.files, plan.ancestry
        )
        plan.to_blame = [f for f in ctx.files if f not in plan.reused]
    return plan


def relative_path(root: str, path: str) -> str:
    """Repo-relative posix path of PATH (absolute, or relative to the repository root)."""
    if os.path.isabs(path):
        rel = os.path.relpath(os.path.realpath(path), os.path.realpath(root))
    else:
        rel = os.path.normpath(path)
    rel = rel.replace(os.sep, "/")
    if rel == ".." or rel.startswith("../"):
        raise FileNotTrackedError(f"path is outside repository {root}: {path}")
    return rel


def blame_to_dict(fb: FileBlame) -> dict[str, Any]:
    return {"path": display_path(fb.path), "lines": fb.lines, "hunks": fb.hunks()}


def get_blame_data(
    settings: Settings,
    files: list[str] | None,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
) -> dict[str, Any]:
    counter = CallCounter()
    event = threading.Event()
    driver = _Driver(0, progress, cancel, event)
    contexts = _unique_roots(settings, event, counter, driver)
    plans: list[tuple[RepoContext, list[str]]] = []
    for ctx in contexts:
        if files is None:
            wanted = list(ctx.files)
        else:
            wanted = []
            for f in files:
                if os.path.isabs(f):
                    real = os.path.realpath(f)
                    root = os.path.realpath(ctx.root)
                    if not (real == root or real.startswith(root + os.sep)):
                        continue
                wanted.append(relative_path(ctx.root, f))
        # Names shown for files that are not valid UTF-8 name those files here too.
        shown = {display_path(f): f for f in ctx.files}
        wanted = [shown.get(f, f) for f in wanted]
        plans.append((ctx, wanted))
    driver.total = sum(len(w) for _, w in plans)
    out = []
    with ThreadPoolExecutor(max_workers=_workers(settings), thread_name_prefix="gigui") as pool:
        for ctx, wanted in plans:
            futs: dict[str, Future[FileBlame]] = {}
            labels: dict[Future[Any], str] = {}
            for path in wanted:
                fut = pool.submit(
                    run_blame,
                    ctx.git,
                    ctx.sha,
                    path,
                    copy_move=settings.copy_move,
                    whitespace=settings.whitespace,
                    ignore_revs=ctx.ignore_revs,
                )
                futs[path] = fut
                labels[fut] = f"{ctx.name}: {path}"
            driver.drive(labels)
            commits: dict[str, dict[str, Any]] = {}
            files_out = []
            for fut in futs.values():
                fb = fut.result()
                files_out.append(blame_to_dict(fb))
                for sha, info in fb.commits.items():
                    if sha not in commits:
                        commits[sha] = commit_record(info)
            out.append(
                {
                    "name": ctx.name,
                    "path": display_path(ctx.root),
                    "revision": ctx.sha,
                    "files": files_out,
                    "commits": sorted(commits.values(), key=lambda c: str(c["sha"])),
                }
            )
    return {"repositories": out}

"""Orchestration: repository preparation, parallel blame + log pass, aggregation."""

from __future__ import annotations

import fnmatch
import logging
import os
import posixpath
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import host, incremental, persist, tables
from .blame import FileBlame, commit_record, run_blame
from .comments import comment_lines
from .errors import (
    AnalysisCancelled,
    FileNotTrackedError,
    GiguiError,
    InvalidSettingsError,
    RepositoryError,
)
from .git import CallCounter, Git, RepoRoot, find_root, first_message
from .history import LogFilters, date_limits
from .incremental import HistoryOutcome
from .persons import Person, is_excluded
from .repositories import Target, read_head, resolve_inputs
from .tables import BEFORE_SINCE, TableInput
from .text import display_path, path_from_git, readable

if TYPE_CHECKING:
    from .settings import Settings

log = logging.getLogger("gigui.analysis")

Identity = tuple[str, str]
ProgressFn = Callable[[int, int, str], Any]
CancelFn = Callable[[], bool]

_REGULAR_MODES = (b"100644", b"100755")


# ---------------------------------------------------------------------------------------------
# repository preparation


class RepoGit(Git):
    """The git runner of one analyzed repository. Its commit-graph (``host.commit_graph``:
    the host brings it up to date, which takes git processes of its own) is asked for when
    the first git command of the repository starts, not before: a repository answered
    wholly from the state earlier analyses saved runs no git process at all."""

    def __init__(self, cwd: str, **kwargs: Any) -> None:
        self._graph_lock = threading.Lock()
        self._graph: str | None = None
        self._graph_known = False
        super().__init__(cwd, **kwargs)

    @property
    def alternate(self) -> str | None:  # type: ignore[override]
        if not self._graph_known:
            with self._graph_lock:
                if not self._graph_known:
                    self._graph = host.commit_graph(self.cwd)
                    self._graph_known = True
        return self._graph

    @alternate.setter
    def alternate(self, value: str | None) -> None:
        # Git.__init__ sets None (no object directory given): the host's is asked for later.
        self._graph = value
        self._graph_known = value is not None


@dataclass
class RepoContext:
    root: str
    name: str
    #: the analyzed commit: REV, or with ``until`` the last commit of REV's first-parent line
    #: made by then (the branch as it was at that moment)
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
    #: the folder (relative to the top) the analysis is limited to; "" for all
    folder: str = ""
    #: the ignore-revs file used for blame (as shown), "" when none
    ignore_revs_file: str = ""
    warnings: list[str] = field(default_factory=list)


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


def _shallow(git: Git, found: RepoRoot) -> list[str]:
    """``shallow_boundary``; an ordinary repository without a ``shallow`` file is complete
    (no git process needed to say so)."""
    own = os.path.join(found.path, ".git")
    if (
        not found.bare
        and found.git_dir == own
        and not os.path.lexists(os.path.join(own, "shallow"))
    ):
        return []
    return shallow_boundary(git)


#: The empty tree's id by the length of the repository's ids (SHA-1, SHA-256): every git
#: knows these objects without their being stored.
_EMPTY_TREES = {
    40: "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
    64: "6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321",
}


def empty_tree(git: Git, sha: str = "") -> str:
    """The empty tree's id in the object format of SHA (a commit of the repository); git
    is asked when SHA does not say."""
    known = _EMPTY_TREES.get(len(sha))
    if known is not None:
        return known
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
        "diff", "--numstat", "-z", "--no-renames", "--no-color", empty_tree(git, sha), sha, "--"
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


def revision(git: Git, found: RepoRoot, settings: Settings) -> tuple[str, int]:
    """``resolve_revision`` of the settings' ``rev``; for HEAD of an ordinary repository seen
    before, from its files and the saved state, without a git process (a class folder of
    unchanged repositories is answered without one)."""
    if settings.cache and settings.rev == "HEAD" and not found.bare:
        sha = read_head(found.git_dir)
        if sha is not None:
            saved = persist.load("commit", (found.path, sha))
            if saved and isinstance(saved[-1][1], int):
                return sha, saved[-1][1]
    try:
        sha, rev_time = resolve_revision(git, found.path, settings.rev)
    except RepositoryError:
        # A repository found without git (repositories.plain_work_tree) may be one git
        # refuses (another user's): then git's own words say why.
        find_root(found.path, git.counter)
        raise
    persist.save("commit", (found.path, sha), [(sha, rev_time)])
    return sha, rev_time


def text_files(git: Git, git_dir: str, sha: str, use_saved: bool) -> dict[str, int]:
    """``list_text_files`` of SHA, from the state an earlier analysis saved when it can: a
    commit's files never change, and which of them git calls binary depends only on its
    tree and the repository's ``info/attributes`` (the user's are not read)."""
    attributes = incremental.file_stamp(os.path.join(git_dir, "info", "attributes"))
    key = (git.cwd, sha, attributes)
    if use_saved:
        saved = persist.load("files", key)
        if saved and isinstance(saved[-1][1], dict):
            counts = saved[-1][1]
            if all(isinstance(k, str) and isinstance(v, int) for k, v in counts.items()):
                return counts
    counts = list_text_files(git, sha)
    persist.save("files", key, [(sha, counts)])
    return counts


def _extension(path: str) -> str:
    base = posixpath.basename(path)
    _, ext = os.path.splitext(base)
    return ext[1:]


def _matches(path: str, patterns: list[str]) -> bool:
    base = posixpath.basename(path)
    return any(fnmatch.fnmatchcase(path, p) or fnmatch.fnmatchcase(base, p) for p in patterns)


def select_files(counts: dict[str, int], settings: Settings, folders: list[str] = ()) -> list[str]:
    """The analyzed files among COUNTS: under every one of FOLDERS (repository-relative),
    then the include/exclude/extension filters, then the N largest."""
    exts = [e.lower() for e in settings.extensions]
    prefixes = [f"{f}/" for f in folders if f]
    selected = []
    for path in counts:
        if prefixes and not all(path.startswith(p) for p in prefixes):
            continue
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
    shas: list[str] = []
    for prefix, line in zip(prefixes, out.splitlines(), strict=False):
        parts = line.split()
        if len(parts) == 3 and parts[1] == "commit":
            if parts[0] not in shas:
                shas.append(parts[0])
        else:
            log.warning("%s does not name a commit here; not ignored by blame", prefix)
    return shas


def repository_name(root: RepoRoot) -> str:
    base = posixpath.basename(root.path.rstrip("/")) or root.path
    if root.bare and base.endswith(".git") and len(base) > 4:
        base = base[:-4]
    return display_path(base)


def deadline_commit(
    git: Git, root: str, rev: str, until: int, shown: str, rev_shown: str
) -> tuple[str, int]:
    """(sha, committer time) of the last commit of REV's first-parent line made at or before
    UNTIL: what the branch pointed to at that moment. RepositoryError when there is none."""
    rc, out, err = git.run_rc(
        "rev-list", "-1", "--first-parent", f"--before=@{until}", "--format=%ct", rev, "--"
    )
    lines = out.decode("ascii", "replace").split()
    if rc != 0:
        raise RepositoryError(
            f"cannot read the history of {rev_shown} in {root}: {first_message(err)}"
        )
    # "commit <sha>" then the committer time
    if len(lines) < 3 or lines[0] != "commit":
        raise RepositoryError(f"{rev_shown} of {root} has no commit made by until ({shown})")
    return lines[1], int(lines[2])


_HEX = frozenset("0123456789abcdef")


def read_ignore_revs_file(git: Git, ctx_root: str, bare: bool, sha: str, setting: str):
    """The object ids listed in the ignore-revs file SETTING names (relative to the work
    tree's top, or absolute; in a bare repository a relative name is read at SHA), parsed as
    git does (``#`` starts a comment, one full object id per line). Returns (ids, shown name,
    warnings); no ids when SETTING is empty or the default file is absent."""
    from .settings import DEFAULT_IGNORE_REVS_FILE

    if not setting:
        return [], "", []
    data: bytes | None = None
    if os.path.isabs(setting) or not bare:
        path = setting if os.path.isabs(setting) else os.path.join(ctx_root, setting)
        try:
            with open(path, "rb") as fh:
                data = fh.read(4 << 20)
        except OSError:
            data = None
    else:
        rc, out, _err = git.run_rc("cat-file", "blob", f"{sha}:{setting}")
        data = out if rc == 0 else None
    if data is None:
        if setting == DEFAULT_IGNORE_REVS_FILE:
            return [], "", []
        return [], "", [f"ignore-revs file {display_path(setting)} not found; blame uses none"]
    ids, bad = [], 0
    for raw in data.split(b"\n"):
        entry = raw.split(b"#", 1)[0].strip().decode("ascii", "replace").lower()
        if not entry:
            continue
        if len(entry) in (40, 64) and set(entry) <= _HEX:
            ids.append(entry)
        else:
            bad += 1
    warnings = []
    if bad:
        warnings.append(
            f"ignore-revs file {display_path(setting)}: skipped "
            + (
                "1 line that is not an object id"
                if bad == 1
                else f"{bad} lines that are not object ids"
            )
        )
    return ids, display_path(setting), warnings


def prepare_repo(
    target: Target,
    settings: Settings,
    limits: tuple[int | None, int | None],
    cancel: threading.Event,
    counter: CallCounter,
) -> RepoContext:
    found = target.root
    root = found.path
    git = RepoGit(root, cancel=cancel, counter=counter, bare=found.bare)
    sha, rev_time = revision(git, found, settings)
    if limits[1] is not None:
        sha, rev_time = deadline_commit(git, root, sha, limits[1], settings.until, settings.rev)
    counts = text_files(git, found.git_dir, sha, settings.cache)
    folders = [target.folder, settings.subfolder]
    files = select_files(counts, settings, folders)
    warnings: list[str] = []
    for folder in folders:
        if folder and not any(p.startswith(f"{folder}/") for p in counts):
            raise RepositoryError(
                f"{display_path(folder)} is not a folder with files at {settings.rev} in {root}"
            )
    listed, shown, file_warnings = read_ignore_revs_file(
        git, root, found.bare, sha, settings.ignore_revs_file
    )
    warnings += file_warnings
    ignore_revs = resolve_ignore_revs(git, [*settings.ex_revisions, *listed])
    return RepoContext(
        root=root,
        name=repository_name(found),
        sha=sha,
        rev=settings.rev,
        rev_time=rev_time,
        git=git,
        files=files,
        ignore_revs=ignore_revs,
        git_dir=found.git_dir,
        bare=found.bare,
        shallow_boundary=_shallow(git, found),
        folder=", ".join(f for f in folders if f),
        ignore_revs_file=shown,
        warnings=warnings,
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

    def drive(
        self, futures: dict[Future[Any], str], counted: bool = True
    ) -> dict[Future[Any], GiguiError]:
        """Waits for FUTURES; returns the ones that failed with an engine error (a
        repository's own problem: the others go on). Cancellation and any other exception
        stop everything."""
        pending: set[Future[Any]] = set(futures)
        failed: dict[Future[Any], GiguiError] = {}
        # Finished futures come through a queue: waiting on all pending ones each time
        # installed a waiter on every one of them (thousands of files: quadratic).
        finished: queue.SimpleQueue[Future[Any]] = queue.SimpleQueue()
        for fut in futures:
            fut.add_done_callback(finished.put)
        try:
            while pending:
                self.check()
                try:
                    fut = finished.get(timeout=0.05)
                except queue.Empty:
                    continue
                pending.discard(fut)
                exc = fut.exception()
                if exc is None:
                    pass
                elif isinstance(exc, GiguiError) and not isinstance(
                    exc, (AnalysisCancelled, InvalidSettingsError)
                ):
                    failed[fut] = exc
                else:
                    raise exc
                if counted:
                    self.step(futures[fut])
            self.check()
        except BaseException:
            self.event.set()
            for fut in pending:
                fut.cancel()
            raise
        return failed


def _workers(settings: Settings) -> int:
    """One more worker than cores: each worker alternates a git process with Python
    spawning and reading it (under the GIL), so a core would otherwise idle part of the time
    (a cold analysis of real repositories on 2 cores: 5-20% faster with 3)."""
    return settings.max_workers or (os.cpu_count() or 1) + 1


def _blame_counts(
    ctx: RepoContext, path: str, settings: Settings, since: int | None
) -> dict[Identity, int]:
    """Lines per identity of PATH at the analyzed commit; with SINCE, lines of commits made
    before it are counted under BEFORE_SINCE (shown, never credited)."""
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
    idents: dict[str, Identity] = {}
    for sha, info in fb.commits.items():
        committed = info.get("committer_time", 0)
        if since is not None and isinstance(committed, int) and committed < since:
            idents[sha] = BEFORE_SINCE
        else:
            idents[sha] = (str(info.get("author", "")), str(info.get("email", "")))
    for i, sha in enumerate(fb.line_shas):
        if skip is not None and skip[i]:
            continue
        ident = idents[sha]
        counts[ident] = counts.get(ident, 0) + 1
    return counts


# ---------------------------------------------------------------------------------------------
# results


def repository_result(ctx: RepoContext, data: TableInput, settings: Settings) -> dict[str, Any]:
    return {
        "name": ctx.name,
        "path": display_path(ctx.root),
        "revision": ctx.sha,
        "revision_time": ctx.rev_time,
        "bare": ctx.bare,
        "shallow": bool(ctx.shallow_boundary),
        "history_cut_at": ctx.shallow_boundary,
        "subfolder": display_path(ctx.folder),
        "blame_ignored_revisions": ctx.ignore_revs,
        "ignore_revs_file": ctx.ignore_revs_file,
        "warnings": repository_warnings(ctx),
        **tables.build(data, settings),
        "settings": settings_shown(settings),
    }


def settings_shown(settings: Settings) -> dict[str, Any]:
    """The settings as a result shows them: input paths given as bytes that are not UTF-8
    (a command line's) made readable, like every other path in a result."""
    shown = settings.model_dump(mode="json")
    shown["input_fstrs"] = [display_path(p) for p in shown.get("input_fstrs", [])]
    return shown


def combined_result(
    parts: list[tuple[RepoContext, TableInput]], settings: Settings
) -> dict[str, Any]:
    """One view of several repositories: persons merged across them, files shown under
    their repository's name."""
    names: dict[str, int] = {}
    named = []
    for ctx, data in parts:
        n = names[ctx.name] = names.get(ctx.name, 0) + 1
        named.append((ctx.name if n == 1 else f"{ctx.name}~{n}", data))
    merged = tables.merge_inputs(named)
    return {
        "name": "combined",
        "repositories": [display_path(ctx.root) for ctx, _ in parts],
        **tables.build(merged, settings),
        "settings": settings_shown(settings),
    }


def repository_warnings(ctx: RepoContext) -> list[str]:
    """What a reader of the numbers must know about the repository."""
    warnings = list(ctx.warnings)
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


def _error_entry(path: str, exc: BaseException) -> dict[str, str]:
    return {"path": display_path(path), "error": str(exc)}


def _prepare_all(
    settings: Settings,
    limits: tuple[int | None, int | None],
    pool: ThreadPoolExecutor,
    driver: _Driver,
    counter: CallCounter,
) -> tuple[list[RepoContext], list[dict[str, str]], list[tuple[str, GiguiError]]]:
    """The repositories of the settings' inputs, prepared in parallel; an error entry for
    every input or repository that cannot be analyzed."""
    targets, input_errors = resolve_inputs(settings.input_fstrs, settings.depth, counter)
    failures: list[tuple[str, GiguiError]] = [
        (e.path, RepositoryError(e.error)) for e in input_errors
    ]
    futures = {
        pool.submit(prepare_repo, t, settings, limits, driver.event, counter): t for t in targets
    }
    # Not counted as progress: the total is known once every repository is prepared, and
    # a bar must not reach its end before the work starts.
    labels = {f: f"{display_path(t.root.path)}: preparing" for f, t in futures.items()}
    failed = driver.drive(labels, counted=False)
    contexts = []
    for fut, target in futures.items():
        if fut in failed:
            failures.append((target.root.path, failed[fut]))
        else:
            contexts.append(fut.result())
    errors = [_error_entry(path, exc) for path, exc in failures]
    return contexts, errors, failures


def _all_failed(failures: list[tuple[str, GiguiError]]) -> GiguiError:
    """The error of an analysis none of whose repositories could be analyzed."""
    if len(failures) == 1:
        return failures[0][1]
    if not failures:
        return RepositoryError("no repository to analyze (setting input_fstrs is empty)")
    lines = "; ".join(f"{display_path(p)}: {e}" for p, e in failures)
    return RepositoryError(f"no repository could be analyzed: {lines}")


def execute_analysis(
    settings: Settings, progress: ProgressFn | None = None, cancel: CancelFn | None = None
) -> dict[str, Any]:
    t0 = time.perf_counter()
    counter = CallCounter()
    event = threading.Event()
    driver = _Driver(0, progress, cancel, event)
    limits = date_limits(settings.since, settings.until)
    workers = _workers(settings)
    loaded_before = sum(incremental.loaded_from_disk.values())
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="gigui") as pool:
        contexts, errors, failures = _prepare_all(settings, limits, pool, driver, counter)
        plans = [_plan(ctx, settings, limits) for ctx in contexts]
        driver.total += sum(len(p.to_blame) + 1 for p in plans)
        # Every repository's jobs share the pool: a class folder of small repositories
        # keeps every worker busy.
        labels: dict[Future[Any], str] = {}
        owner: dict[Future[Any], int] = {}
        for i, plan in enumerate(plans):
            ctx = plan.ctx

            def log_job(plan: _Plan = plan) -> HistoryOutcome:
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
                        tries=2 if settings.cache else 0,
                    )
                finally:
                    plan.log_seconds = time.perf_counter() - t

            plan.log_future = pool.submit(log_job)
            labels[plan.log_future] = f"{ctx.name}: history"
            owner[plan.log_future] = i
            for path in plan.to_blame:
                fut = pool.submit(_blame_counts, ctx, path, settings, limits[0])
                plan.blame_futures[path] = fut
                labels[fut] = f"{ctx.name}: {display_path(path)}"
                owner[fut] = i
        tb = time.perf_counter()
        failed = driver.drive(labels)
        blame_seconds = time.perf_counter() - tb if any(p.blame_futures for p in plans) else 0.0
    broken: dict[int, GiguiError] = {}
    for fut, exc in failed.items():
        broken.setdefault(owner[fut], exc)
    results = []
    parts: list[tuple[RepoContext, TableInput]] = []
    log_modes: list[str] = []
    log_fallbacks: list[str] = []
    for i, plan in enumerate(plans):
        ctx = plan.ctx
        if i in broken:
            failures.append((ctx.root, broken[i]))
            errors.append(_error_entry(ctx.root, broken[i]))
            continue
        blame_counts: dict[str, dict[Identity, int]] = {}
        if settings.blame:
            known = {**plan.reused, **{p: f.result() for p, f in plan.blame_futures.items()}}
            if plan.blame_futures or plan.blame_base != ctx.sha:
                # (counts all reused from this very revision are memoized already)
                incremental.store_blame(plan.blame_key, ctx.sha, known)
            blame_counts = {p: known[p] for p in ctx.files}
        outcome: HistoryOutcome = plan.log_future.result()
        log_modes.append(outcome.mode)
        if outcome.fallback:
            log_fallbacks.append(f"{ctx.name}: {outcome.fallback}")
        data = TableInput(
            files=ctx.files,
            blame_counts=blame_counts,
            history=outcome.result,
            renamed=outcome.result.renamed,
        )
        parts.append((ctx, data))
        results.append(repository_result(ctx, data, settings))
    if not results:
        raise _all_failed(failures)
    return {
        "repositories": results,
        "errors": errors,
        "combined": combined_result(parts, settings) if settings.combined else None,
        "performance_stats": {
            "total_seconds": time.perf_counter() - t0,
            "log_seconds": sum(p.log_seconds for p in plans),
            "blame_seconds": blame_seconds,
            "files_blamed": sum(len(p.blame_futures) for p in plans),
            "files_reused": sum(len(p.reused) for p in plans),
            "log_incremental": bool(log_modes) and all(m != "full" for m in log_modes),
            "log_modes": log_modes,
            "log_fallbacks": log_fallbacks,
            "log_commits_walked": sum(
                p.log_future.result().result.commits_walked
                for i, p in enumerate(plans)
                if i not in broken and p.log_future is not None
            ),
            "git_calls": counter.count,
            "workers": workers,
            "repositories": len(results),
            # memos filled from the state an earlier process saved (history and blame)
            "saved_state_loads": sum(incremental.loaded_from_disk.values()) - loaded_before,
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
    #: the memoized revision ``reused`` comes from (None: none)
    blame_base: str | None = None
    #: files to blame now
    to_blame: list[str] = field(default_factory=list)
    log_future: Future[HistoryOutcome] | None = None
    blame_futures: dict[str, Future[dict[Identity, int]]] = field(default_factory=dict)
    log_seconds: float = 0.0


def _plan(ctx: RepoContext, settings: Settings, limits: tuple[int | None, int | None]) -> _Plan:
    """What an analysis of CTX can take from earlier analyses, and what it must compute."""
    since, _until = limits
    # `until` is applied by analyzing the commit the branch pointed to then (ctx.sha): its
    # whole history is the history up to that moment.
    filters = LogFilters(
        min_time=since,
        max_time=None,
        ex_revisions=tuple(settings.ex_revisions),
        ex_messages=tuple(settings.ex_messages),
        timeline=settings.timeline,
    )
    env = incremental.env_fingerprint(ctx.root, ctx.git_dir)
    plan = _Plan(
        ctx=ctx,
        filters=filters,
        history_key=incremental.history_key(ctx.root, env, filters),
        ancestry=incremental.Ancestry(ctx.git),
    )
    if settings.blame:
        plan.blame_key = incremental.blame_key(ctx.root, env, settings, ctx.ignore_revs, since)
        plan.reused, plan.blame_base = incremental.reusable_blame(
            plan.blame_key, ctx.sha, ctx.files, plan.ancestry, tries=2 if settings.cache else 0
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


def commit_exclusion(info: dict[str, object], settings: Settings, since: int | None) -> str:
    """Why an analysis does not credit the lines of the commit INFO describes ("" when it
    does): the rule, and the setting it comes from."""
    name, email = str(info.get("author", "")), str(info.get("email", ""))
    person = Person(key=0, identities=[(name, email)], name=name, email=email)
    person.names, person.emails = [name], [email]
    if settings.ex_authors and is_excluded(person, settings.ex_authors, []):
        return f"author {name} is excluded (ex_authors)"
    if settings.ex_emails and is_excluded(person, [], settings.ex_emails):
        return f"email {email} is excluded (ex_emails)"
    sha = str(info.get("sha", ""))
    if any(sha.startswith(p) for p in settings.ex_revisions):
        return "commit is excluded (ex_revisions)"
    committed = info.get("committer_time", 0)
    if since is not None and isinstance(committed, int) and committed < since:
        return f"committed before since ({settings.since})"
    return ""


def excluded_lines(fb: FileBlame, settings: Settings) -> list[dict[str, Any]]:
    """Runs of lines an analysis does not count, whoever wrote them (comments=false: comment
    lines; empty_lines=false: empty lines), each with its reason."""
    if fb.contents is None:
        return []
    kinds: list[str] = [""] * fb.lines
    if not settings.comments:
        text = "\n".join(c.decode("utf-8", "replace") for c in fb.contents) + "\n"
        for i, is_comment in enumerate(comment_lines(fb.path, text, fb.lines)):
            if is_comment:
                kinds[i] = "comment line (comments=false)"
    if not settings.empty_lines:
        for i, c in enumerate(fb.contents[: fb.lines]):
            if not c.strip():
                kinds[i] = "empty line (empty_lines=false)"
    runs: list[dict[str, Any]] = []
    for i, kind in enumerate(kinds):
        if not kind:
            continue
        if runs and runs[-1]["reason"] == kind and runs[-1]["start"] + runs[-1]["count"] == i + 1:
            runs[-1]["count"] += 1
        else:
            runs.append({"start": i + 1, "count": 1, "reason": kind})
    return runs


def blame_to_dict(fb: FileBlame) -> dict[str, Any]:
    return {"path": display_path(fb.path), "lines": fb.lines, "hunks": fb.hunks()}


def get_blame_data(
    settings: Settings,
    files: list[str] | None,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
    with_text: bool = False,
) -> dict[str, Any]:
    """Blame hunks of FILES (all analyzed files when None) in every repository, with what
    an analysis leaves out; WITH_TEXT: each file's lines too (``text``, readable)."""
    counter = CallCounter()
    event = threading.Event()
    driver = _Driver(0, progress, cancel, event)
    limits = date_limits(settings.since, settings.until)
    targets, input_errors = resolve_inputs(settings.input_fstrs, settings.depth, counter)
    if input_errors:
        raise RepositoryError(input_errors[0].error)
    contexts = []
    for target in targets:
        driver.check()
        contexts.append(prepare_repo(target, settings, limits, event, counter))
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
                    want_content=with_text or not settings.comments or not settings.empty_lines,
                )
                futs[path] = fut
                labels[fut] = f"{ctx.name}: {path}"
            driver.drive(labels)
            commits: dict[str, dict[str, Any]] = {}
            files_out = []
            for fut in futs.values():
                fb = fut.result()
                shown_file = blame_to_dict(fb)
                shown_file["excluded_lines"] = excluded_lines(fb, settings)
                if with_text and fb.contents is not None:
                    shown_file["text"] = [readable(c) for c in fb.contents[: fb.lines]]
                files_out.append(shown_file)
                for sha, info in fb.commits.items():
                    if sha not in commits:
                        record = commit_record(info)
                        reason = commit_exclusion(info, settings, limits[0])
                        if reason:
                            record["excluded"] = reason
                        commits[sha] = record
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

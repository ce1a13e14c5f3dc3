"""Memory at scale (issue #16): the log pass reads git's output as it streams, never whole.

On a large real history (git's own: 82,000 commits, a quarter of them merges) the diffs of
the merges against their other parents are over a gigabyte; holding that output, its fields
and a Change for each of its paths took the analysis to 5 GB. Now the log and the merges'
changes are read chunk by chunk beside the walk, only the changes a path map needs are
kept, and only a bounded number of merges ahead of the walk. These tests hold the runner's
streaming to the guarantees of ``Git.run`` (cancel, deadline, no process left behind), the
streaming parsers to the whole-output ones, and the log pass's memory to a fraction of
git's output on a history with that shape.
"""

from __future__ import annotations

import threading
import time
import tracemalloc
from pathlib import Path

import pytest
from support import corpus
from support.gitrepo import run_git
from test_git_runner import children, finishes

from gigui import history
from gigui.errors import AnalysisCancelled, GitError
from gigui.git import Git
from gigui.history import (
    LogFilters,
    MergeChanges,
    iter_diff_tree,
    iter_log,
    merge_changes,
    parse_diff_tree,
    read_log,
    run_history,
    walk,
)

#: The large preset's shape, small: topics forked from recent and old commits of main,
#: files added, renamed and deleted along the way.
TOPICS = corpus.CorpusSpec(
    files=1_500, commits=3_000, authors=10, lines_per_file=12, topics=900, fork_back=800
)


@pytest.fixture(scope="module")
def topics_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return corpus.build(tmp_path_factory.mktemp("topics") / "proj", TOPICS)


def _files(repo: Path) -> list[str]:
    return sorted(run_git(repo, "ls-tree", "-r", "--name-only", "HEAD").splitlines())


def _merge_feed(repo: Path) -> bytes:
    lines = run_git(repo, "rev-list", "--merges", "--parents", "HEAD").splitlines()
    return "".join(f"{ln.split()[0]} {p}\n" for ln in lines for p in ln.split()[1:]).encode()


def _diff_tree(repo: Path) -> bytes:
    """Every merge's whole diff against each of its parents (the log pass asks git for the
    part of it a path map needs)."""
    args = [a for a in history._diff_tree_args() if not a.startswith("--diff-filter=")]
    return Git(str(repo)).run(*args, input=_merge_feed(repo))


def _digest(res: history.HistoryResult) -> tuple:
    stats = {
        (f, ident): (frozenset(st.commits), st.insertions, st.deletions, st.age_seconds)
        for f, per in res.stats.items()
        for ident, st in per.items()
    }
    renamed = {k: list(v) for k, v in res.renamed.items()}
    return (stats, res.identity_commits, res.identities, renamed, res.commits_walked)


# ---------------------------------------------------------------------------------------------
# the shape


def test_the_topics_shape_has_merges_whose_diffs_name_many_paths(topics_repo: Path) -> None:
    merges = int(run_git(topics_repo, "rev-list", "--merges", "--count", "HEAD"))
    assert merges >= 500
    data = _diff_tree(topics_repo)
    per_pair = [len(changes) for _sha, changes in parse_diff_tree(data)]
    assert len(per_pair) == 2 * merges
    # most merges are of recent topics, some of old ones: their diffs name many paths,
    # added ones among them
    per_pair.sort()
    assert per_pair[len(per_pair) // 2] < 20
    assert per_pair[-1] > 80
    statuses = {ch.status for _sha, changes in parse_diff_tree(data) for ch in changes}
    assert {"A", "M"} <= statuses
    log = run_git(topics_repo, "log", "--name-status", "--format=", "-M", "HEAD")
    assert any(line.startswith("R") for line in log.splitlines())
    assert any(line.startswith("D") for line in log.splitlines())


# ---------------------------------------------------------------------------------------------
# Git.stream


def test_a_stream_hands_over_the_whole_output_in_pieces(topics_repo: Path) -> None:
    git = Git(str(topics_repo), cancel=threading.Event())
    args = ("log", "-p", "--raw", "--numstat", "-z", "HEAD")
    whole = git.run(*args)
    assert len(whole) > 1 << 20
    with git.stream(*args) as stream:
        pieces = list(stream)
    assert len(pieces) > 1
    assert b"".join(pieces) == whole
    assert children() == []


def test_a_stream_closed_early_kills_git_and_leaves_no_process(topics_repo: Path) -> None:
    git = Git(str(topics_repo))
    stream = git.stream("log", "--raw", "--numstat", "-p", "HEAD")
    assert next(stream)
    stream.close()
    assert children() == []
    # one never read from, then dropped
    stream = git.stream("log", "-p", "HEAD")
    del stream
    assert children() == []


def test_a_failing_stream_raises_git_error_after_its_output(topics_repo: Path) -> None:
    git = Git(str(topics_repo))
    with pytest.raises(GitError, match="no-such-revision|unknown revision|bad revision"):
        list(git.stream("log", "no-such-revision", "--"))
    assert list(git.stream("rev-parse", "--verify", "-q", "nope", ok_codes=(0, 1))) == []
    assert children() == []


def test_cancelling_a_stream_stops_git(topics_repo: Path) -> None:
    cancel = threading.Event()
    git = Git(str(topics_repo), cancel=cancel)
    read = []

    def reader() -> None:
        with git.stream("log", "-p", "HEAD") as stream:
            for chunk in stream:
                read.append(chunk)
                cancel.set()  # while git still has much to write

    with pytest.raises(AnalysisCancelled):
        finishes(reader)
    assert len(read) == 1
    assert children() == []


def test_a_stream_with_a_stuck_git_times_out(topics_repo: Path) -> None:
    def silent():
        while True:
            time.sleep(0.05)
            yield b""

    git = Git(str(topics_repo), timeout=0.5)
    with pytest.raises(GitError, match="timed out"):
        finishes(lambda: list(git.stream("cat-file", "--batch-check", input=silent())))
    assert children() == []


# ---------------------------------------------------------------------------------------------
# streaming parsers


def _cut(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def test_the_log_parsed_in_pieces_equals_the_log_parsed_whole(topics_repo: Path) -> None:
    git = Git(str(topics_repo))
    data = git.run(*history._log_args(["HEAD"]))
    whole = list(iter_log(data))
    for size in (1, 7, 4096, 1 << 20):
        assert list(iter_log(_cut(data, size))) == whole
    assert read_log(git, "HEAD") == whole


def test_diff_tree_parsed_in_pieces_equals_diff_tree_parsed_whole(topics_repo: Path) -> None:
    data = _diff_tree(topics_repo)
    whole = parse_diff_tree(data)
    assert list(iter_diff_tree(_cut(data, 333))) == whole
    keep = frozenset({"A", "D"})
    kept = [(sha, [c for c in changes if c.status in keep]) for sha, changes in whole]
    assert list(iter_diff_tree(_cut(data, 4096), keep)) == kept


# ---------------------------------------------------------------------------------------------
# merges read beside the walk


@pytest.mark.parametrize("ahead", [1, 3, 256])
def test_merges_read_beside_the_walk_give_the_walk_of_all_merges_read_first(
    topics_repo: Path, ahead: int
) -> None:
    git = Git(str(topics_repo))
    head, when = run_git(topics_repo, "log", "-1", "--format=%H %ct").split()
    files = _files(topics_repo)
    records = read_log(git, head)
    # a subset of the files: the maps of many branches empty early, their merges skipped
    for subset in (files, files[::7]):
        expected = walk(records, merge_changes(git, head), head, int(when), subset, LogFilters())
        feed = MergeChanges(git, head, ahead=ahead)
        try:
            got = walk(records, feed, head, int(when), subset, LogFilters())
        finally:
            feed.close()
        assert _digest(got) == _digest(expected)
        assert got.conflicts == expected.conflicts
    assert children() == []


def test_a_walk_that_fails_stops_the_merge_reader(topics_repo: Path) -> None:
    git = Git(str(topics_repo))
    head = run_git(topics_repo, "rev-parse", "HEAD").strip()
    feed = MergeChanges(git, head, ahead=1)

    def failing():
        yield from read_log(git, head)[:50]
        raise RuntimeError("walk failed")

    with pytest.raises(RuntimeError, match="walk failed"):
        walk(failing(), feed, head, 0, _files(topics_repo), LogFilters())
    feed.close()
    assert children() == []


def test_cancelling_the_log_pass_leaves_no_process(
    topics_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cancel = threading.Event()
    git = Git(str(topics_repo), cancel=cancel)
    head, when = run_git(topics_repo, "log", "-1", "--format=%H %ct").split()
    parse = history.iter_log

    def cancelled_midway(data):
        for n, record in enumerate(parse(data)):
            if n == 100:
                cancel.set()
            yield record

    monkeypatch.setattr(history, "iter_log", cancelled_midway)
    with pytest.raises(AnalysisCancelled):
        finishes(lambda: run_history(git, head, int(when), _files(topics_repo)))
    assert children() == []


def test_the_log_pass_holds_a_fraction_of_what_git_writes(topics_repo: Path) -> None:
    git = Git(str(topics_repo))
    head, when = run_git(topics_repo, "log", "-1", "--format=%H %ct").split()
    files = _files(topics_repo)
    written = len(_diff_tree(topics_repo)) + len(git.run(*history._log_args([head])))
    tracemalloc.start()
    try:
        result = run_history(git, head, int(when), files)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.commits_walked == int(run_git(topics_repo, "rev-list", "--count", "HEAD"))
    # holding git's output whole took over three times its size (3.6 here); streamed, a
    # part of it (0.4 here: reads of up to 1 MB in two threads, the merges read ahead)
    assert peak < written / 1.5, (peak, written)

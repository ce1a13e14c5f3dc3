"""Memory at scale (issue #16): the tables of a large history hold each author x file cell
once. A large history has tens of thousands of cells; both cross tables show each of them,
and the result handed to the daemon (then turned into JSON) is the largest object of an
analysis once the log pass is done."""

from __future__ import annotations

import json
from pathlib import Path

from gigui import api


def _analyze(repo: Path, **settings) -> dict:
    return api.execute_analysis({"input_fstrs": [str(repo)], "max_workers": 2, **settings})


def test_both_cross_tables_show_the_same_rows(rich_repo: Path) -> None:
    (repo,) = _analyze(rich_repo)["repositories"]
    by_author, by_file = repo["authors_files"], repo["files_authors"]
    assert len(by_author) == len(by_file) > 3
    # one row object per cell, in two orders
    assert {id(r) for r in by_author} == {id(r) for r in by_file}
    assert sorted(json.dumps(r, sort_keys=True) for r in by_author) == sorted(
        json.dumps(r, sort_keys=True) for r in by_file
    )
    for row in [*repo["authors"], *repo["files"], *by_author]:
        assert not [k for k in row if k.startswith("_")]


def test_shared_rows_lose_deletions_once_and_keep_their_order(rich_repo: Path) -> None:
    full = _analyze(rich_repo)["repositories"][0]
    quiet = _analyze(rich_repo, deletions=False)["repositories"][0]
    for name in ("authors_files", "files_authors"):
        assert [list(r) for r in quiet[name]] == [
            [k for k in r if k != "deletions"] for r in full[name]
        ]
        assert [{k: v for k, v in r.items() if k != "deletions"} for r in full[name]] == quiet[name]


def test_the_timeline_and_top_work_on_shared_cells(rich_repo: Path) -> None:
    full = _analyze(rich_repo, timeline=True)["repositories"][0]
    top = _analyze(rich_repo, timeline=True, top=1)["repositories"][0]
    assert len(top["authors"]) == 1 and len(top["files"]) == 1
    assert len(top["authors_files"]) <= 1
    author = top["authors"][0]
    rows = [r for r in full["timeline"]["rows"] if r["email"] == author["email"]]
    assert top["timeline"]["rows"] == rows
    assert sum(r["insertions"] for r in rows) == author["insertions"]

"""Fixtures: real git repositories built in temporary directories, the engine running in
this process's environment, isolated for the whole session."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.env import isolate_process
from support.gitrepo import ALICE, BOB, GitRepo, build_rich_repo, numbered


@pytest.fixture(scope="session", autouse=True)
def _isolated_env(tmp_path_factory: pytest.TempPathFactory):
    mp = pytest.MonkeyPatch()
    isolate_process(tmp_path_factory.mktemp("home"), mp)
    yield
    mp.undo()


@pytest.fixture(scope="session")
def rich_repo(tmp_path_factory: pytest.TempPathFactory, _isolated_env) -> Path:
    path = tmp_path_factory.mktemp("rich") / "proj"
    build_rich_repo(path)
    return path


@pytest.fixture
def small_repo(tmp_path: Path) -> GitRepo:
    r = GitRepo(tmp_path / "small")
    r.write("a.py", "# comment\nx = 1\n\ny = 2\n")
    r.write("b.txt", numbered("b", 5))
    r.commit("one", ALICE)
    r.write("b.txt", numbered("b", 6))
    r.commit("two", BOB)
    return r

"""Fixtures: real git repositories built in temporary directories."""

from __future__ import annotations

from pathlib import Path

import pytest
from gitfixtures import ALICE, BOB, RepoBuilder, build_rich_repo, numbered


@pytest.fixture(scope="session", autouse=True)
def _isolated_env(tmp_path_factory: pytest.TempPathFactory):
    home = tmp_path_factory.mktemp("home")
    mp = pytest.MonkeyPatch()
    mp.setenv("HOME", str(home))
    mp.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    mp.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    mp.setenv("GIT_CONFIG_NOSYSTEM", "1")
    mp.delenv("GIT_DIR", raising=False)
    mp.delenv("GIT_WORK_TREE", raising=False)
    yield
    mp.undo()


@pytest.fixture(scope="session")
def rich_repo(tmp_path_factory: pytest.TempPathFactory, _isolated_env) -> Path:
    path = tmp_path_factory.mktemp("rich") / "proj"
    build_rich_repo(path)
    return path


@pytest.fixture
def small_repo(tmp_path: Path) -> RepoBuilder:
    r = RepoBuilder(tmp_path / "small")
    r.write("a.py", "# comment\nx = 1\n\ny = 2\n")
    r.write("b.txt", numbered("b", 5))
    r.commit("one", ALICE)
    r.write("b.txt", numbered("b", 6))
    r.commit("two", BOB)
    return r

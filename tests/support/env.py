"""Environments for daemons, engines and git under test or benchmark: a private HOME and
XDG folders (settings, caches), no system git configuration, no repository chosen by the
environment and none of the daemon's own variables."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

DROPPED = ("GIT_DIR", "GIT_WORK_TREE")


def isolated_env(home: Path) -> dict[str, str]:
    """This process's environment, isolated in HOME."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("GITINSPECTOR") and k not in DROPPED
    }
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_STATE_HOME=str(home / ".state"),
        GIT_CONFIG_NOSYSTEM="1",
    )
    return env


class _Patch(Protocol):
    def setenv(self, name: str, value: str) -> None: ...
    def delenv(self, name: str) -> None: ...


def isolate_process(home: Path, patch: _Patch) -> None:
    """Makes this process's own environment `isolated_env(home)` through PATCH (a
    `pytest.MonkeyPatch`, which can undo it): for tests that run the engine in-process."""
    env = isolated_env(home)
    for name in os.environ.keys() - env.keys():
        patch.delenv(name)
    for name, value in env.items():
        patch.setenv(name, value)

"""Environments for daemons and git under test: a private HOME and XDG folders
(settings, caches) and no system git configuration."""

from __future__ import annotations

import os
from pathlib import Path


def isolated_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITINSPECTOR")}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_STATE_HOME=str(home / ".state"),
        GIT_CONFIG_NOSYSTEM="1",
    )
    return env

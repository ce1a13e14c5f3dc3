"""Running the real binary's command line."""

from __future__ import annotations

import subprocess
from pathlib import Path


def run_cli(
    daemon_bin: Path, *args: str, env: dict[str, str], cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(daemon_bin), *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=600
    )

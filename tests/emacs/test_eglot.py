"""docs/editors/emacs.md's configuration in a real Emacs (eglot), batch mode."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from support.gitrepo import GitRepo
from support.oracle import blame_authors

HERE = Path(__file__).resolve().parent


# CI installs Emacs (scripts/test.sh): there a missing Emacs is a failure.
@pytest.mark.skipif(
    shutil.which("emacs") is None and not os.environ.get("CI"), reason="emacs is not installed"
)
def test_eglot_gets_hover_blame_lenses_and_hints(daemon_bin, isolated_env, tmp_path):
    repo = GitRepo(tmp_path / "repo")
    repo.commit(
        "one",
        ("Ada Lovelace", "ada@example.com"),
        {"a.py": "def f():\n    return 1\n\n\nx = f()\n"},
    )
    author = blame_authors(repo.root, "a.py")[0]
    out = subprocess.run(
        [
            "emacs",
            "--batch",
            "-q",
            "-l",
            str(HERE / "eglot_test.el"),
            str(repo.root / "a.py"),
            str(daemon_bin),
            author,
        ],
        capture_output=True,
        text=True,
        env=isolated_env,
        timeout=120,
    )
    lines = (out.stdout + out.stderr).splitlines()
    assert "5 passed, 0 failed" in lines, "\n".join(lines[-20:])
    assert out.returncode == 0

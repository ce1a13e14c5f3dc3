"""Git repositories built by tests, with fixed identities and dates."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


class GitRepo:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._tick = 0
        root.mkdir(parents=True, exist_ok=True)
        self.git("-c", "init.defaultBranch=main", "init", "-q")

    def git(self, *args: str, env: dict[str, str] | None = None) -> str:
        full_env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", **(env or {})}
        return subprocess.run(
            ["git", *args],
            cwd=self.root,
            env=full_env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def write(self, path: str, content: str | bytes) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")

    def commit(
        self,
        message: str,
        files: dict[str, str | bytes] | None = None,
        author: tuple[str, str] = ("Alice Example", "alice@example.com"),
    ) -> str:
        for path, content in (files or {}).items():
            self.write(path, content)
        self.git("add", "-A")
        self._tick += 1
        date = f"{1_700_000_000 + self._tick * 86_400} +0000"
        name, email = author
        env = {
            "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": email,
            "GIT_COMMITTER_DATE": date,
        }
        self.git("commit", "-q", "--allow-empty", "-m", message, env=env)
        return self.head()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").strip()

    def blame_authors(self, path: str, rev: str = "HEAD") -> list[str]:
        """Plain `git blame --porcelain`: the author of each line, in order."""
        out = self.git("blame", "--porcelain", rev, "--", path)
        authors: dict[str, str] = {}
        result: list[str] = []
        current = None
        for line in out.splitlines():
            if line.startswith("\t"):
                result.append(authors[current])
                continue
            parts = line.split(" ")
            if len(parts[0]) == 40 and len(parts) >= 3 and parts[1].isdigit():
                current = parts[0]
            elif line.startswith("author "):
                authors[current] = line[len("author ") :]
        return result

    def blame_commits(self, path: str, rev: str = "HEAD") -> list[str]:
        """Plain `git blame --porcelain`: the commit of each line, in order."""
        out = self.git("blame", "--porcelain", rev, "--", path)
        result: list[str] = []
        current = None
        for line in out.splitlines():
            if line.startswith("\t"):
                result.append(current)
                continue
            parts = line.split(" ")
            if len(parts[0]) == 40 and len(parts) >= 3 and parts[1].isdigit():
                current = parts[0]
        return result

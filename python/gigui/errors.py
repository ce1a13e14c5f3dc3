"""Exceptions raised by the engine (all subclasses of GiguiError)."""

from __future__ import annotations

from typing import Any


class GiguiError(Exception):
    """Base class of every error the engine raises on purpose."""


class GitError(GiguiError):
    """A git command failed."""

    def __init__(
        self,
        message: str,
        *,
        command: list[str] | None = None,
        returncode: int | None = None,
        stderr: str = "",
    ) -> None:
        super().__init__(message)
        self.command = command or []
        self.returncode = returncode
        self.stderr = stderr


class GitOutputError(GitError):
    """git printed something its parser cannot read (never expected of a real git)."""


class RepositoryError(GiguiError):
    """A path is not a usable git repository (not a repository, empty, bad revision)."""


class FileNotTrackedError(GitError):
    """A path is not tracked at the requested revision."""


class InvalidSettingsError(GiguiError, ValueError):
    """Settings failed validation; ``errors`` lists ``{"field", "message"}`` dicts."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        self.errors = errors
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors) or "unknown error"
        super().__init__(f"invalid settings: {detail}")


class AnalysisCancelled(GiguiError):
    """The caller asked to stop an analysis (cancel callback returned True)."""

"""Analysis settings (pydantic v2) and their persistence.

The saved settings (``saveSettings``) are the user's defaults: an analysis runs with the
fields its request sets, over the saved settings, over the defaults here.

Notes on semantics:

* ``until`` is a deadline: the analyzed commit is the last one of ``rev``'s first-parent line
  committed by then (the branch as it was), and everything is computed at that commit.
* ``since`` counts only commits committed since then, and credits only blamed lines of such
  commits (the others are ``lines_before_since``). The README's "What the numbers mean" and
  "Settings" sections are the full definitions.
* ``ex_authors``/``ex_emails`` are fnmatch patterns, case-insensitive, matched against every
  alias of a person; an excluded person's lines and rows are dropped from all tables and totals.
* ``ex_revisions`` are sha prefixes: such commits are not counted in the log pass and are given
  to blame as ``--ignore-rev``.
* ``ex_messages`` are fnmatch patterns (case-insensitive) matched against commit subjects;
  matching commits are not counted in the log pass (blame is unaffected).
"""

from __future__ import annotations

import logging
import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InvalidSettingsError

if TYPE_CHECKING:
    from pydantic import BaseModel

    class Settings(BaseModel):  # the real class is built by _model()
        input_fstrs: list[str]
        rev: str
        n_files: int
        include_files: list[str]
        ex_files: list[str]
        extensions: list[str]
        ex_authors: list[str]
        ex_emails: list[str]
        ex_revisions: list[str]
        ex_messages: list[str]
        since: str
        until: str
        copy_move: int
        whitespace: bool
        comments: bool
        empty_lines: bool
        max_workers: int | None
        blame: bool
        depth: int
        subfolder: str
        combined: bool
        ignore_revs_file: str
        scaled_percentages: bool
        show_renames: bool
        deletions: bool
        sort_by: str
        top: int
        timeline: bool
        timeline_period: str
        cache: bool


log = logging.getLogger("gigui.settings")

APP_NAME = "gitinspector-lsp"
SETTINGS_FILE = "settings.json"
#: The ignore-revs file GitHub, GitLens and gitsigns use when a repository has one.
DEFAULT_IGNORE_REVS_FILE = ".git-blame-ignore-revs"
#: Columns the authors and files tables can be sorted by (numbers: largest first; text: A-Z).
SORT_COLUMNS = (
    "lines",
    "commits",
    "insertions",
    "deletions",
    "stability",
    "age",
    "files",
    "authors",
    "name",
    "email",
    "path",
)
TIMELINE_PERIODS = ("week", "month", "quarter", "year")


@cache
def _model() -> type[Settings]:
    """The Settings model. Built on first use: importing pydantic costs tens of milliseconds,
    which the daemon's first blame (no settings) should not pay."""
    from pydantic import BaseModel, ConfigDict, Field, field_validator

    class Settings(BaseModel):
        model_config = ConfigDict(extra="forbid", validate_assignment=True)

        input_fstrs: list[str] = Field(default_factory=list)
        rev: str = "HEAD"
        n_files: int = Field(default=0, ge=0)
        include_files: list[str] = Field(default_factory=list)
        ex_files: list[str] = Field(default_factory=list)
        extensions: list[str] = Field(default_factory=lambda: ["*"])
        ex_authors: list[str] = Field(default_factory=list)
        ex_emails: list[str] = Field(default_factory=list)
        ex_revisions: list[str] = Field(default_factory=list)
        ex_messages: list[str] = Field(default_factory=list)
        since: str = ""
        until: str = ""
        copy_move: int = Field(default=0, ge=0, le=4)
        whitespace: bool = True
        comments: bool = True
        empty_lines: bool = True
        max_workers: int | None = Field(default=None, ge=1)
        blame: bool = True
        depth: int = Field(default=5, ge=0, le=64)
        subfolder: str = ""
        combined: bool = False
        ignore_revs_file: str = DEFAULT_IGNORE_REVS_FILE
        scaled_percentages: bool = False
        show_renames: bool = False
        deletions: bool = True
        sort_by: str = "lines"
        top: int = Field(default=0, ge=0)
        timeline: bool = False
        timeline_period: str = "month"
        cache: bool = True

        @field_validator("subfolder")
        @classmethod
        def _check_subfolder(cls, v: str) -> str:
            v = v.strip().replace("\\", "/").strip("/")
            if "\0" in v or v.startswith("-"):
                raise ValueError("must be a folder of the repository")
            parts = [p for p in v.split("/") if p not in ("", ".")]
            if ".." in parts:
                raise ValueError("must stay inside the repository (no '..')")
            return "/".join(parts)

        @field_validator("ignore_revs_file")
        @classmethod
        def _check_ignore_revs_file(cls, v: str) -> str:
            if "\0" in v or "\n" in v:
                raise ValueError("must be a file path")
            return v.strip()

        @field_validator("sort_by")
        @classmethod
        def _check_sort_by(cls, v: str) -> str:
            v = v.strip().lower().replace("-", "_")
            if v not in SORT_COLUMNS:
                raise ValueError(f"{v!r} is not a column; one of: {', '.join(SORT_COLUMNS)}")
            return v

        @field_validator("timeline_period")
        @classmethod
        def _check_period(cls, v: str) -> str:
            v = v.strip().lower()
            if v not in TIMELINE_PERIODS:
                raise ValueError(f"{v!r} is not a period; one of: {', '.join(TIMELINE_PERIODS)}")
            return v

        @field_validator("rev")
        @classmethod
        def _check_rev(cls, v: str) -> str:
            v = v.strip()
            if not v:
                raise ValueError("must not be empty")
            if v.startswith("-") or "\0" in v or "\n" in v:
                raise ValueError("must be a revision, not an option")
            if v.startswith("^") or ".." in v or v.endswith(("^!", "^@")) or "^-" in v:
                raise ValueError(
                    f"{v!r} is a range or an exclusion; give one revision "
                    "(a branch, a tag or a commit)"
                )
            return v

        @field_validator("ex_revisions")
        @classmethod
        def _check_revisions(cls, v: list[str]) -> list[str]:
            out = []
            for item in v:
                s = item.strip().lower()
                if not s or any(c not in "0123456789abcdef" for c in s):
                    raise ValueError(f"not a hexadecimal sha prefix: {item!r}")
                out.append(s)
            return out

        @field_validator("extensions")
        @classmethod
        def _strip_dots(cls, v: list[str]) -> list[str]:
            return [e[1:] if e.startswith(".") else e for e in v]

        @field_validator("since", "until")
        @classmethod
        def _check_date(cls, v: str) -> str:
            if v.startswith("-") or "\0" in v or "\n" in v:
                raise ValueError("must be a date")
            return v.strip()

    Settings.__module__ = __name__
    Settings.__qualname__ = "Settings"
    return Settings


def __getattr__(name: str) -> Any:
    if name == "Settings":
        return _model()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _format_loc(loc: tuple[Any, ...]) -> str:
    """A field's name as a person reads it (an empty key is shown as "")."""
    return ".".join(str(p) if str(p) else '""' for p in loc) if loc else "settings"


def validate_settings(data: Any) -> Settings:
    """Validate a dict (or Settings) into Settings; raise InvalidSettingsError naming fields."""
    from pydantic import ValidationError

    model = _model()
    if isinstance(data, model):
        return data
    if data is None:
        return model()
    if not isinstance(data, dict):
        raise InvalidSettingsError(
            [{"field": "settings", "message": f"expected an object, got {type(data).__name__}"}]
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = []
        for e in exc.errors():
            msg = e.get("msg", "invalid value")
            if e.get("type") == "value_error" and msg.startswith("Value error, "):
                msg = msg[len("Value error, ") :]
            errors.append({"field": _format_loc(tuple(e.get("loc", ()))), "message": msg})
        raise InvalidSettingsError(errors) from None


def over_saved(data: Any) -> Settings:
    """The saved settings (see ``load_settings``) with DATA's fields over them: what an
    analysis runs with. DATA is validated first, so an error names the field it sent."""
    request = validate_settings(data)
    saved = load_settings()
    merged = saved.model_dump()
    merged.update({name: getattr(request, name) for name in request.model_fields_set})
    return validate_settings(merged)


def config_dir() -> Path:
    """Directory of the settings file (computed at call time: honours XDG_CONFIG_HOME)."""
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def settings_path() -> Path:
    return config_dir() / SETTINGS_FILE


def load_settings() -> Settings:
    """Saved settings, or defaults. A corrupt file is renamed aside and defaults are used."""
    import json
    import time

    path = settings_path()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return _model()()
    except OSError as exc:
        log.warning("cannot read settings file %s: %s; using defaults", path, exc)
        return _model()()
    try:
        return validate_settings(json.loads(data.decode("utf-8")))
    except (ValueError, InvalidSettingsError) as exc:
        stamp = time.strftime("%Y%m%dT%H%M%S", time.localtime()) + f"-{time.time_ns() % 10**9}"
        aside = path.with_name(f"{SETTINGS_FILE}.corrupt-{stamp}")
        try:
            os.replace(path, aside)
            log.warning("settings file %s is corrupt (%s); moved to %s", path, exc, aside)
        except OSError as mv_exc:
            log.warning("settings file %s is corrupt (%s); cannot move: %s", path, exc, mv_exc)
        return _model()()


def save_settings(settings: Settings) -> Path:
    """Write settings atomically (temp file in the same directory, then os.replace)."""
    import contextlib
    import json
    import tempfile

    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps(settings.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=".settings-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path

"""Public API of the engine, called by the gitinspector-lsp daemon.

Every function returns plain JSON-able data. Nothing here writes to stdout: diagnostics go to
``logging`` (loggers under ``gigui``).
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from . import __version__
from . import analysis as _analysis
from . import incremental as _incremental
from . import settings as _settings
from .errors import GiguiError, InvalidSettingsError
from .git import git_version

log = logging.getLogger("gigui.api")

__all__ = [
    "clear_caches",
    "execute_analysis",
    "get_blame_data",
    "get_engine_info",
    "get_settings",
    "health_check",
    "render_report",
    "save_settings",
]


def _python_version() -> str:
    import platform  # only here: not on an analysis's path

    return platform.python_version()


def health_check() -> dict[str, Any]:
    problems: list[str] = []
    version = ""
    try:
        version = git_version()
    except (GiguiError, OSError) as exc:
        problems.append(f"git is not usable: {exc}")
    try:
        _settings.config_dir()
    except Exception as exc:  # platformdirs failure is unusual but must not crash
        problems.append(f"cannot determine config directory: {exc}")
    return {
        "status": "ok" if not problems else "error",
        "git": bool(version),
        "git_version": version,
        "python_version": _python_version(),
        "engine_version": __version__,
        "problems": problems,
    }


def get_engine_info() -> dict[str, Any]:
    try:
        version = git_version()
    except (GiguiError, OSError):
        version = ""
    return {
        "name": "gigui",
        "version": __version__,
        "backend": "git-cli",
        "git_version": version,
        "python_version": _python_version(),
        "python_executable": sys.executable,
        "config_path": str(_settings.settings_path()),
    }


def get_settings() -> dict[str, Any]:
    return _settings.load_settings().model_dump(mode="json")


def save_settings(settings: dict[str, Any]) -> dict[str, Any]:
    model = _settings.validate_settings(settings)
    _settings.save_settings(model)
    return model.model_dump(mode="json")


def execute_analysis(
    settings: dict[str, Any],
    progress: _analysis.ProgressFn | None = None,
    cancel: _analysis.CancelFn | None = None,
) -> dict[str, Any]:
    """Authors, files and authors x files tables for every repository in ``input_fstrs``.
    Fields SETTINGS leaves out come from the saved settings (then the defaults)."""
    model = _settings.over_saved(settings)
    return _analysis.execute_analysis(model, progress, cancel)


def get_blame_data(
    settings: dict[str, Any],
    progress: _analysis.ProgressFn | None = None,
    cancel: _analysis.CancelFn | None = None,
) -> dict[str, Any]:
    """Blame hunks per file. Extra keys: ``files`` (list of paths), ``rev`` (default HEAD)."""
    data = dict(settings or {})
    files = data.pop("files", None)
    if files is not None and (
        not isinstance(files, list) or not all(isinstance(f, str) for f in files)
    ):
        raise InvalidSettingsError([{"field": "files", "message": "must be a list of paths"}])
    model = _settings.over_saved(data)
    return _analysis.get_blame_data(model, files, progress, cancel)


def clear_caches() -> None:
    """Forget what earlier analyses left for later ones (blame counts, log passes)."""
    _incremental.clear()


def render_report(
    request: dict[str, Any],
    progress: _analysis.ProgressFn | None = None,
    cancel: _analysis.CancelFn | None = None,
) -> dict[str, Any]:
    """An analysis as a report. REQUEST: the settings (as ``execute_analysis``) and the report
    options ``format`` (table, json, csv, markdown, html, excel), ``output`` (a file; CSV
    files of several tables: a folder or a name prefix), ``table`` (csv, markdown: only
    this table), ``blame_files`` / ``blame_top`` (html, excel: the files that get a blame
    tab; default the 10 with the most lines), ``colour`` (table: ANSI colours).

    Returns ``{format, errors, files}`` (the paths written) with ``output``, else
    ``{format, errors, content}`` (the text)."""
    from . import report as _report

    data = dict(request or {})
    asked = {k: data.pop(k) for k in _REPORT_KEYS if k in data}
    options = _report.options_from(asked)
    if options.format == "csv" and not options.output and options.table is None:
        options.table = "authors"  # one table is what a terminal can take
    model = _settings.over_saved(data)
    result = _analysis.execute_analysis(model, progress, cancel)
    if options.format == "json":
        # The result itself (``report.layout``'s JSON): no report model to build.
        pieces = [(_report.SUFFIX["json"], _report.json_document(result))]
    else:
        from .report.build import build_report

        blame = None
        if options.format in _report.BLAME_FORMATS:
            blame = _report_blame(model, result, options, cancel)
        defaults = _settings.validate_settings({}).model_dump(mode="json")
        report = build_report(result, blame, model.model_dump(mode="json"), defaults)
        pieces = _report.layout(report, result, options)
    out: dict[str, Any] = {
        "format": options.format,
        "errors": result.get("errors", []),
        "saved_state_loads": result.get("performance_stats", {}).get("saved_state_loads", 0),
    }
    if options.output:
        out["files"] = _report.write(pieces, options.output)
    else:
        out["content"] = "".join(content.decode("utf-8") for _suffix, content in pieces)
    return out


_REPORT_KEYS = ("format", "output", "table", "blame_files", "blame_top", "colour")


def _report_blame(
    model: Any,
    result: dict[str, Any],
    options: Any,
    cancel: _analysis.CancelFn | None,
) -> dict[str, Any]:
    """The blame, with text, of the files that get a blame tab in each repository."""
    from .report import DEFAULT_BLAME_TOP

    top = options.blame_top if options.blame_top is not None else DEFAULT_BLAME_TOP
    repositories = []
    for repo in result.get("repositories", []):
        if options.blame_files is not None:
            files = list(options.blame_files)
        else:
            ranked = sorted(repo.get("files", []), key=lambda f: (-f.get("lines", 0), f["path"]))
            files = [f["path"] for f in ranked[:top]]
        if not files:
            continue
        one = model.model_copy(update={"input_fstrs": [repo["path"]], "subfolder": ""})
        data = _analysis.get_blame_data(one, files, None, cancel, with_text=True)
        repositories.extend(data.get("repositories", []))
    return {"repositories": repositories}

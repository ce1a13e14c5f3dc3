"""Prepares the interpreter embedded in gitinspector-lsp.

Run once, before the engine is imported: puts the engine and its
dependencies on sys.path, turns stray writes to sys.stdout into log records
and forwards `logging` to the daemon (stderr and the editor's log).
"""

import io
import logging
import site
import sys


class _StdoutToLog(io.TextIOBase):
    """Replaces sys.stdout: a stray print becomes a warning, never bytes on fd 1."""

    def __init__(self) -> None:
        self._pending = ""
        self._log = logging.getLogger("gigui.stdout")

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._pending += text
        while "\n" in self._pending:
            line, self._pending = self._pending.split("\n", 1)
            if line:
                self._log.warning("stray stdout: %s", line)
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self._log.warning("stray stdout: %s", self._pending)
            self._pending = ""


class _DaemonHandler(logging.Handler):
    def __init__(self, sink) -> None:
        super().__init__()
        self._sink = sink
        self.setFormatter(logging.Formatter("%(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._sink(record.levelno, record.name, self.format(record))
        except Exception:
            self.handleError(record)


def _prepend_site_dir(path: str) -> None:
    # addsitedir appends (and runs .pth files); the engine's own copies must win.
    before = list(sys.path)
    site.addsitedir(path)
    added = [p for p in sys.path if p not in before]
    sys.path[:] = added + before


def setup(package_dirs, venv_dirs, sink, level) -> None:
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    site_dirs = [f"{venv}/lib/{version}/site-packages" for venv in venv_dirs]
    for path in reversed(list(package_dirs) + site_dirs):
        _prepend_site_dir(path)
    sys.stdout = _StdoutToLog()
    root = logging.getLogger()
    root.handlers[:] = [_DaemonHandler(sink)]
    root.setLevel(level)

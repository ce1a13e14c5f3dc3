"""Comment-line detection with Pygments (lexer chosen by file name)."""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pygments.lexer import Lexer

# Pygments is imported on first use: most analyses (and every blame) never need it.

log = logging.getLogger("gigui.comments")


@lru_cache(maxsize=256)
def _lexer_class(basename: str) -> type[Lexer] | None:
    from pygments.lexers import get_lexer_for_filename
    from pygments.util import ClassNotFound

    try:
        return type(get_lexer_for_filename(basename))
    except ClassNotFound:
        return None
    except Exception:  # pragma: no cover - defensive: a broken lexer plugin
        log.debug("no lexer for %s", basename, exc_info=True)
        return None


@lru_cache(maxsize=1024)
def _is_comment(ttype: object) -> bool:
    from pygments.token import Comment

    not_comment = (Comment.Preproc, Comment.PreprocFile)
    return ttype in Comment and not any(ttype in p for p in not_comment)  # type: ignore[operator]


def comment_lines(path: str, text: str, n_lines: int) -> list[bool]:
    """For each of ``n_lines`` lines of ``text``: True if it holds only comment (and blanks).

    Blank lines are never comment lines. Files without a known lexer have no comment lines.
    """
    result = [False] * n_lines
    cls = _lexer_class(path.rsplit("/", 1)[-1])
    if cls is None or n_lines == 0:
        return result
    from pygments.token import Token

    try:
        lexer = cls(stripnl=False, stripall=False, ensurenl=True, tabsize=0)
        has_comment = [False] * (n_lines + 1)
        has_code = [False] * (n_lines + 1)
        line = 0
        for ttype, value in lexer.get_tokens(text):
            if not value:
                continue
            comment = _is_comment(ttype)
            pieces = value.split("\n")
            for i, piece in enumerate(pieces):
                if i:
                    line += 1
                if line > n_lines - 1:
                    break
                if piece.strip():
                    if comment:
                        has_comment[line] = True
                    elif ttype is not Token.Text.Whitespace:
                        has_code[line] = True
        for i in range(n_lines):
            result[i] = has_comment[i] and not has_code[i]
    except Exception:  # pragma: no cover - lexers are third-party code
        log.warning("comment detection failed for %s", path, exc_info=True)
    return result

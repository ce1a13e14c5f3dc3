"""Comment-line detection with Pygments (lexer chosen by file name).

A comment line holds only comment tokens and whitespace, as the file's lexer sees it:

* a line with code and a trailing comment is code; a comment marker inside a string is
  whatever the lexer makes of the string (not a comment);
* comments include documentation: doc comments and Python docstrings, which Pygments lexes
  as ``String.Doc`` (Rust's ``///`` and ``/** */``, a triple-quoted string beginning its
  line in Python);
* a blank line *inside* a comment token (a block comment, a docstring) belongs to the
  comment; blank lines elsewhere are never comment lines (``empty_lines`` handles them);
* directives are code: preprocessor lines (``Comment.Preproc``: ``#include``, ``#define``,
  XML declarations, CDATA) and a shebang (``#!`` starting the first line, whatever token
  the lexer makes of it), which say how to build or run the file.
"""

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
def _kind(ttype: object) -> bool | None:
    """True for a comment token, False for code, None for a token that is neither: a
    string's prefix (the ``r`` of a raw docstring), which its string decides."""
    from pygments.token import Comment, String

    if ttype in String.Affix:  # type: ignore[operator]
        return None
    if ttype in String.Doc:  # type: ignore[operator]
        return True
    directives = (Comment.Preproc, Comment.Hashbang)  # Preproc covers PreprocFile
    return ttype in Comment and not any(ttype in d for d in directives)  # type: ignore[operator]


def comment_lines(path: str, text: str, n_lines: int) -> list[bool]:
    """For each of ``n_lines`` lines of ``text`` (lines end at LF, as in git): True if it
    holds only comment (and blanks), see the module's docstring. Files without a known
    lexer have no comment lines."""
    result = [False] * n_lines
    cls = _lexer_class(path.rsplit("/", 1)[-1])
    if cls is None or n_lines == 0:
        return result
    if "\r" in text:
        # Pygments reads a lone CR as a line break, git does not: keep git's line numbers
        text = text.replace("\r\n", "\n").replace("\r", " ")
    try:
        lexer = cls(stripnl=False, stripall=False, ensurenl=True, tabsize=0)
        has_comment = [False] * n_lines
        has_code = [False] * n_lines
        line = 0
        for ttype, value in lexer.get_tokens(text):
            comment = _kind(ttype)
            if comment is None:
                continue  # no line break in an affix
            if "\n" not in value:
                if value.strip():
                    (has_comment if comment else has_code)[line] = True
                continue
            pieces = value.split("\n")
            last = len(pieces) - 1
            for i, piece in enumerate(pieces):
                if piece.strip():
                    (has_comment if comment else has_code)[line] = True
                elif comment and i < last:
                    has_comment[line] = True  # a blank line's LF inside a comment token
                if i < last:
                    line += 1
                    if line >= n_lines:
                        break
            if line >= n_lines:
                break
        for i in range(n_lines):
            result[i] = has_comment[i] and not has_code[i]
        if text.startswith(("#!", "\ufeff#!")):
            result[0] = False  # a shebang is code
    except Exception:  # pragma: no cover - lexers are third-party code
        log.warning("comment detection failed for %s", path, exc_info=True)
    return result

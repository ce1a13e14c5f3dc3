"""Bytes from git as text.

Paths are bytes to git. Inside the engine a path is a ``str`` decoded with
``surrogateescape``, which maps every byte sequence to a distinct string and back, so a file
whose name is not valid UTF-8 is analyzed and blamed like any other. Only results shown to a
person go through ``readable``: valid UTF-8 as is, and any byte that is not part of valid
UTF-8 read as Latin-1, the usual encoding of such names (``caf\\xe9.txt`` reads
``café.txt``). Names, emails and messages of commits are read the same way in the log and in
blame, so an identity decoded from both is one identity.
"""

from __future__ import annotations

import codecs


def _latin1_fallback(exc: UnicodeError) -> tuple[str, int]:
    if isinstance(exc, UnicodeDecodeError):
        return exc.object[exc.start : exc.end].decode("latin-1"), exc.end
    raise exc


codecs.register_error("gigui-latin1", _latin1_fallback)


def readable(data: bytes) -> str:
    """DATA as text a person can read (see the module doc); never raises."""
    return data.decode("utf-8", "gigui-latin1")


def path_from_git(data: bytes) -> str:
    """A path as git wrote it, losslessly (``surrogateescape``)."""
    return data.decode("utf-8", "surrogateescape")


def path_bytes(path: str) -> bytes:
    """The bytes of a path made by ``path_from_git``."""
    return path.encode("utf-8", "surrogateescape")


def display_path(path: str) -> str:
    """A path made by ``path_from_git`` as a person reads it (valid Unicode)."""
    if path.isascii():
        return path
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return readable(path_bytes(path))

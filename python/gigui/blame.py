"""``git blame --porcelain`` running and parsing."""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import FileNotTrackedError, GitOutputError
from .git import Git, make_error
from .text import readable

#: Porcelain headers kept per commit, and the keys they get in commit dicts.
_KEEP = {
    b"author": "author",
    b"author-mail": "email",
    b"author-time": "author_time",
    b"committer": "committer",
    b"committer-mail": "committer_email",
    b"committer-time": "committer_time",
    b"summary": "summary",
}
_INT_KEYS = frozenset({"author_time", "committer_time"})


@dataclass
class FileBlame:
    path: str
    #: commit sha of each final line (index 0 = line 1)
    line_shas: list[str]
    #: sha -> commit info (author, email, author_time, committer, ...)
    commits: dict[str, dict[str, object]]
    #: raw content of each line (only when requested)
    contents: list[bytes] | None = field(default=None)

    @property
    def lines(self) -> int:
        return len(self.line_shas)

    def hunks(self) -> list[dict[str, object]]:
        return make_hunks(self.line_shas)


def copy_move_args(level: int) -> list[str]:
    return [[], ["-M"], ["-C"], ["-C", "-C"], ["-C", "-C", "-C"]][level]


def blame_args(
    rev: str,
    path: str,
    *,
    copy_move: int = 0,
    whitespace: bool = True,
    ignore_revs: list[str] | tuple[str, ...] = (),
) -> list[str]:
    args = ["blame", "--porcelain"]
    args += copy_move_args(copy_move)
    if not whitespace:
        args.append("-w")
    for r in ignore_revs:
        args += ["--ignore-rev", r]
    args += [rev, "--", path]
    return args


def parse_porcelain(data: bytes, path: str = "", want_content: bool = False) -> FileBlame:
    """Parse ``git blame --porcelain`` output.

    Only commit headers needed are decoded; content lines (starting with TAB) are skipped
    unless ``want_content``. Output that is not porcelain is a GitOutputError.
    """
    try:
        fb = _parse_porcelain(data, path, want_content)
    except (ValueError, IndexError, KeyError) as exc:
        raise GitOutputError(f"cannot read git blame output of {path!r}: {exc}") from None
    if any(s not in fb.commits for s in fb.line_shas):  # a hole is "", never a commit
        raise GitOutputError(f"git blame output of {path!r} skipped some lines")
    return fb


def _parse_porcelain(data: bytes, path: str, want_content: bool) -> FileBlame:
    commits: dict[str, dict[str, object]] = {}
    shas: list[str | None] = []
    contents: list[bytes] | None = [] if want_content else None
    cur_sha = ""
    cur_info: dict[str, object] | None = None
    cur_final = 0
    expect_header = True
    want_info = False
    max_line = data.count(b"\n")  # one content line each at least
    for raw in data.split(b"\n"):
        if not raw:
            continue
        if raw[0] == 9:  # TAB: content line closes an entry
            idx = cur_final - 1
            if idx < 0 or idx > max_line:
                raise ValueError(f"final line number {cur_final} out of range")
            if idx == len(shas):
                shas.append(cur_sha)
            else:
                while len(shas) <= idx:
                    shas.append(None)
                shas[idx] = cur_sha
            if contents is not None:
                while len(contents) <= idx:
                    contents.append(b"")
                contents[idx] = raw[1:]
            expect_header = True
            continue
        if expect_header:
            parts = raw.split(b" ", 3)
            cur_sha = parts[0].decode("ascii")
            cur_final = int(parts[2])
            cur_info = commits.get(cur_sha)
            if cur_info is None:
                cur_info = commits[cur_sha] = {"sha": cur_sha}
                want_info = True
            else:
                want_info = False
            expect_header = False
            continue
        if want_info and cur_info is not None:
            key, _, val = raw.partition(b" ")
            name = _KEEP.get(key)
            if name is None:
                if key == b"boundary":
                    cur_info["boundary"] = True
                continue
            if name in _INT_KEYS:
                cur_info[name] = int(val)
            elif name in ("email", "committer_email"):
                s = readable(val)
                cur_info[name] = s[1:-1] if s.startswith("<") and s.endswith(">") else s
            else:
                cur_info[name] = readable(val)
    line_shas = [s or "" for s in shas]
    return FileBlame(path=path, line_shas=line_shas, commits=commits, contents=contents)


def make_hunks(line_shas: list[str]) -> list[dict[str, object]]:
    """Runs of consecutive lines with the same commit."""
    hunks: list[dict[str, object]] = []
    start = 0
    n = len(line_shas)
    while start < n:
        sha = line_shas[start]
        end = start + 1
        while end < n and line_shas[end] == sha:
            end += 1
        hunks.append({"start_line": start + 1, "line_count": end - start, "commit": sha})
        start = end
    return hunks


def commit_record(info: dict[str, object]) -> dict[str, object]:
    """Public commit shape used in blame results."""
    return {
        "sha": info["sha"],
        "author": info.get("author", ""),
        "email": info.get("email", ""),
        "author_time": info.get("author_time", 0),
        "committer": info.get("committer", ""),
        "committer_email": info.get("committer_email", ""),
        "committer_time": info.get("committer_time", 0),
        "summary": info.get("summary", ""),
    }


def run_blame(
    git: Git,
    rev: str,
    path: str,
    *,
    copy_move: int = 0,
    whitespace: bool = True,
    ignore_revs: list[str] | tuple[str, ...] = (),
    want_content: bool = False,
) -> FileBlame:
    out = blame_output(
        git, rev, path, copy_move=copy_move, whitespace=whitespace, ignore_revs=ignore_revs
    )
    return parse_porcelain(out, path, want_content)


def blame_output(
    git: Git,
    rev: str,
    path: str,
    *,
    copy_move: int = 0,
    whitespace: bool = True,
    ignore_revs: list[str] | tuple[str, ...] = (),
) -> bytes:
    """The raw ``git blame --porcelain`` output; FileNotTrackedError for untracked paths."""
    args = blame_args(
        rev, path, copy_move=copy_move, whitespace=whitespace, ignore_revs=ignore_revs
    )
    rc, out, err = git.run_rc(*args)
    if rc != 0:
        text = err.decode("utf-8", "replace")
        if "no such path" in text:
            raise FileNotTrackedError(
                f"path is not tracked at {rev}: {path}", command=args, returncode=rc, stderr=text
            )
        raise make_error(args, rc, err)
    return out


__all__ = [
    "FileBlame",
    "blame_args",
    "blame_output",
    "commit_record",
    "make_hunks",
    "parse_porcelain",
    "run_blame",
]

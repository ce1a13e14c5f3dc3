"""Independent oracle: plain git commands parsed by simple code, no engine imports."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from gitfixtures import run_git, run_git_bytes


def blame_lines(repo: Path, path: str, rev: str = "HEAD") -> list[tuple[str, str, str]]:
    """Per final line: (sha, author, author-mail without <>), from plain porcelain."""
    out = run_git_bytes(repo, "blame", "--porcelain", rev, "--", path).decode("utf-8")
    authors: dict[str, tuple[str, str]] = {}
    names: dict[str, str] = {}
    result = []
    sha = None
    for line in out.split("\n"):
        if line.startswith("\t"):
            result.append((sha, names[sha], authors[sha]))
            sha = None
        elif sha is None and line:
            sha = line.split(" ")[0]
        elif line.startswith("author "):
            names[sha] = line[len("author ") :]
        elif line.startswith("author-mail "):
            authors[sha] = line[len("author-mail ") :].strip("<>")
    return result


def head_files(repo: Path) -> list[str]:
    """Text files at HEAD (numstat against the empty tree, binaries excluded)."""
    empty = run_git(repo, "hash-object", "-t", "tree", "/dev/null").strip()
    toks = run_git_bytes(repo, "diff", "--numstat", "-z", empty, "HEAD").split(b"\0")
    files = []
    for t in toks:
        if not t:
            continue
        a, _b, p = t.split(b"\t", 2)
        if a != b"-":
            files.append(p.decode("utf-8"))
    return sorted(files)


def log_commits(repo: Path) -> list[dict]:
    """Non-merge commits newest first with numstat rows and name-status entries."""
    fmt = "--format=%x01%H%x00%aN%x00%aE%x00"
    numstat = run_git_bytes(repo, "log", "--no-merges", "-M", "--numstat", "-z", fmt)
    status = run_git_bytes(
        repo, "log", "--no-merges", "-M", "--name-status", "-z", "--format=%x01%H%x00"
    )
    commits = []
    for chunk in numstat.split(b"\x01")[1:]:
        toks = [t.strip(b"\n") for t in chunk.split(b"\0")]
        sha, name, email = (t.decode() for t in toks[:3])
        rows = []
        rest = [t for t in toks[3:]]
        i = 0
        while i < len(rest):
            t = rest[i]
            i += 1
            if not t:
                continue
            a, d, p = t.split(b"\t", 2)
            if not p:
                p = rest[i + 1]
                i += 2
            ins = 0 if a == b"-" else int(a)
            dels = 0 if d == b"-" else int(d)
            rows.append((ins, dels, p.decode()))
        commits.append({"sha": sha, "name": name, "email": email, "rows": rows})
    statuses = {}
    for chunk in status.split(b"\x01")[1:]:
        toks = [t.strip(b"\n") for t in chunk.split(b"\0")]
        sha = toks[0].decode()
        entries = []
        rest = [t for t in toks[1:] if t]
        i = 0
        while i < len(rest):
            st = rest[i].decode()
            if st[0] in "RC":
                entries.append((st[0], rest[i + 1].decode(), rest[i + 2].decode()))
                i += 3
            else:
                entries.append((st[0], None, rest[i + 1].decode()))
                i += 2
        statuses[sha] = entries
    for c in commits:
        c["status"] = statuses[c["sha"]]
    return commits


def group_identities(identities: set[tuple[str, str]]) -> list[set[tuple[str, str]]]:
    groups: list[set[tuple[str, str]]] = []
    for ident in sorted(identities):
        touching = [
            g for g in groups if any(n == ident[0] or e.lower() == ident[1].lower() for n, e in g)
        ]
        merged = {ident}
        for g in touching:
            merged |= g
            groups.remove(g)
        groups.append(merged)
    return groups


def expected(repo: Path) -> dict:
    files = head_files(repo)
    commits = log_commits(repo)
    identities = {(c["name"], c["email"]) for c in commits}
    file_lines: dict[str, dict[tuple[str, str], int]] = {}
    for f in files:
        per: dict[tuple[str, str], int] = defaultdict(int)
        for _sha, name, email in blame_lines(repo, f):
            per[(name, email)] += 1
            identities.add((name, email))
        file_lines[f] = per
    # log rows: follow each HEAD file back through renames, newest to oldest
    file_rows: dict[str, list[tuple[str, tuple[str, str], int, int]]] = {f: [] for f in files}
    for f in files:
        names = {f}
        for c in commits:
            if not names:
                break
            for ins, dels, p in c["rows"]:
                if p in names:
                    file_rows[f].append((c["sha"], (c["name"], c["email"]), ins, dels))
            for st, old, new in c["status"]:
                if new in names and st == "A":
                    names.discard(new)
                elif new in names and st == "R":
                    names.discard(new)
                    names.add(old)
    groups = group_identities(identities)

    def key_of(ident):
        for g in groups:
            if ident in g:
                return (tuple(sorted({n for n, _ in g})), tuple(sorted({e for _, e in g})))
        raise KeyError(ident)

    persons: dict = defaultdict(
        lambda: {"lines": 0, "commits": set(), "insertions": 0, "deletions": 0}
    )
    per_file = {}
    for f in files:
        fc = set()
        fins = fdels = 0
        for ident, n in file_lines[f].items():
            persons[key_of(ident)]["lines"] += n
        for sha, ident, ins, dels in file_rows[f]:
            p = persons[key_of(ident)]
            p["commits"].add(sha)
            p["insertions"] += ins
            p["deletions"] += dels
            fc.add(sha)
            fins += ins
            fdels += dels
        per_file[f] = {
            "lines": sum(file_lines[f].values()),
            "commits": len(fc),
            "insertions": fins,
            "deletions": fdels,
        }
    return {
        "files": per_file,
        "persons": {k: {**v, "commits": len(v["commits"])} for k, v in persons.items()},
    }

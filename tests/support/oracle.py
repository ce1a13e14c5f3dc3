"""Independent oracle: plain git commands parsed by simple code, no engine or daemon
imports. The one place the tests read plain `git blame --porcelain`, shared by the engine
tests and the end-to-end tests.

It computes the README's definitions directly and slowly: one `git blame --porcelain` per
file, the non-merge commits' numstat and name-status from `git log`, every merge's changes
per parent from one `git diff-tree` each, and a walk from REV in `git rev-list --topo-order`
order that hands each parent a full copy of "path here -> file at REV", where a branch
recorded a different fate for a path the side nearer REV's first-parent line wins.

Git runs with the test's environment; tests that check the engine's isolation from git
configuration build their expectations under an empty configuration.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from support.gitrepo import run_git, run_git_bytes


def text(data: bytes) -> str:
    """Bytes as a person reads them: UTF-8, else Latin-1."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _path(p: str | bytes) -> bytes:
    return p if isinstance(p, bytes) else p.encode("utf-8", "surrogateescape")


def blame_lines(
    repo: Path, path: str | bytes, rev: str = "HEAD", args: tuple[str, ...] = ()
) -> list[tuple[str, str, str]]:
    """Per final line: (sha, author, author-mail without <>), from plain porcelain (ARGS:
    more `git blame` options)."""
    return [(sha, name, email) for sha, name, email, _ct in _blame(repo, path, rev, args)]


def _blame(
    repo: Path, path: str | bytes, rev: str, args: tuple[str, ...]
) -> list[tuple[str, str, str, int]]:
    """Per final line: (sha, author, author-mail, committer time)."""
    out = run_git_bytes(repo, "blame", "--porcelain", *args, rev, "--", _path(path))
    authors: dict[str, str] = {}
    names: dict[str, str] = {}
    committed: dict[str, int] = {}
    result = []
    sha = None
    for raw in out.split(b"\n"):
        if raw.startswith(b"\t"):
            result.append((sha, names[sha], authors[sha], committed[sha]))
            sha = None
        elif sha is None and raw:
            sha = raw.split(b" ")[0].decode()
        elif raw.startswith(b"author "):
            names[sha] = text(raw[len(b"author ") :])
        elif raw.startswith(b"author-mail "):
            authors[sha] = text(raw[len(b"author-mail ") :]).strip("<>")
        elif raw.startswith(b"committer-time "):
            committed[sha] = int(raw[len(b"committer-time ") :])
    return result


def blame_commits(
    repo: Path, path: str | bytes, rev: str = "HEAD", args: tuple[str, ...] = ()
) -> list[str]:
    """Per final line: the commit it comes from (ARGS: more `git blame` options)."""
    return [sha for sha, _name, _email in blame_lines(repo, path, rev, args)]


def git_blame(repo: Path, path: str, *options: str) -> list[str]:
    """Per line, the commit `git blame --porcelain OPTIONS HEAD -- PATH` names (no
    ignore-revs file, not even one the repository configures, unless OPTIONS name one)."""
    return blame_commits(repo, path, args=("--no-ignore-revs-file", *options))


def blame_authors(repo: Path, path: str | bytes, rev: str = "HEAD") -> list[str]:
    """Per final line: its author's name."""
    return [name for _sha, name, _email in blame_lines(repo, path, rev)]


def head_file_paths(repo: Path, rev: str = "HEAD") -> list[bytes]:
    """Regular text files at REV, as bytes (numstat against the empty tree, binaries out)."""
    regular = set()
    for rec in run_git_bytes(repo, "ls-tree", "-r", "-z", rev).split(b"\0"):
        if rec and rec.split(b" ", 1)[0] in (b"100644", b"100755"):
            regular.add(rec.split(b"\t", 1)[1])
    empty = run_git(repo, "hash-object", "-t", "tree", "/dev/null").strip()
    toks = run_git_bytes(repo, "diff", "--numstat", "-z", empty, rev).split(b"\0")
    files = []
    for t in toks:
        if not t:
            continue
        a, _b, p = t.split(b"\t", 2)
        if a != b"-" and p in regular:
            files.append(p)
    return sorted(files)


def head_files(repo: Path, rev: str = "HEAD") -> list[str]:
    """`head_file_paths` as readable names."""
    return sorted(text(p) for p in head_file_paths(repo, rev))


def _numstat_rows(toks: list[bytes]) -> list[tuple[int, int, bytes]]:
    rows = []
    i = 0
    while i < len(toks):
        t = toks[i]
        i += 1
        if not t:
            continue
        a, d, p = t.split(b"\t", 2)
        if not p:  # rename: "a\td\t" then old, new
            p = toks[i + 1]
            i += 2
        rows.append((0 if a == b"-" else int(a), 0 if d == b"-" else int(d), p))
    return rows


def _status_entries(toks: list[bytes]) -> list[tuple[str, bytes | None, bytes]]:
    entries = []
    rest = [t for t in toks if t]
    i = 0
    while i < len(rest):
        st = rest[i].decode()
        if st[0] in "RC":
            entries.append((st[0], rest[i + 1], rest[i + 2]))
            i += 3
        else:
            entries.append((st[0], None, rest[i + 1]))
            i += 2
    return entries


def log_commits(repo: Path, rev: str = "HEAD") -> dict[str, dict]:
    """Non-merge commits reachable from REV: identity, numstat rows, name-status entries."""
    fmt = "--format=%x01%H%x00%aN%x00%aE%x00%at%x00%ct%x00%s%x00"
    numstat = run_git_bytes(repo, "log", "--no-merges", "-M", "--numstat", "-z", fmt, rev)
    status = run_git_bytes(
        repo, "log", "--no-merges", "-M", "--name-status", "-z", "--format=%x01%H%x00", rev
    )
    commits = {}
    for chunk in numstat.split(b"\x01")[1:]:
        toks = [t.strip(b"\n") for t in chunk.split(b"\0")]
        sha = toks[0].decode()
        commits[sha] = {
            "sha": sha,
            "name": text(toks[1]),
            "email": text(toks[2]),
            "author_time": int(toks[3]),
            "commit_time": int(toks[4]),
            "subject": text(toks[5]),
            "rows": _numstat_rows(toks[6:]),
        }
    for chunk in status.split(b"\x01")[1:]:
        toks = [t.strip(b"\n") for t in chunk.split(b"\0")]
        commits[toks[0].decode()]["status"] = _status_entries(toks[1:])
    return commits


def _undo(fates: dict[bytes, bytes], entries) -> dict[bytes, bytes]:
    """The map before a commit's changes: adds leave it, renames move back to the old path."""
    before = dict(fates)
    for st, old, new in entries:
        if st == "R":
            target = before.pop(new, None)
            if target is not None:
                before[old] = target
        elif st in "ACD":
            before.pop(new, None)
    return before


def counted_rows(
    repo: Path, files: list[bytes], rev: str = "HEAD", counts=lambda commit: True
) -> list[tuple]:
    """(sha, identity, ins, dels, file at REV) for every numstat row that counts (of the
    commits COUNTS accepts)."""
    commits = log_commits(repo, rev)
    order = [
        ln.split()
        for ln in run_git(repo, "rev-list", "--topo-order", "--parents", rev).split("\n")
        if ln
    ]
    head = order[0][0]
    pending: dict[str, list[tuple[int, dict[bytes, bytes]]]] = {head: [(0, {f: f for f in files})]}
    rows = []
    for sha, *parents in order:
        arrived = pending.pop(sha, [])
        if not arrived:
            continue
        rank = min(r for r, _ in arrived)
        fates: dict[bytes, bytes] = {}
        for _r, m in sorted(arrived, key=lambda c: c[0]):
            for k, v in m.items():
                fates.setdefault(k, v)
        if len(parents) <= 1:
            c = commits[sha]
            for ins, dels, p in c["rows"]:
                if p in fates and counts(c):
                    rows.append((sha, (c["name"], c["email"]), ins, dels, fates[p]))
            if parents:
                pending.setdefault(parents[0], []).append((rank, _undo(fates, c["status"])))
            continue
        for i, parent in enumerate(parents):
            out = run_git_bytes(repo, "diff-tree", "-r", "-M", "--name-status", "-z", parent, sha)
            entries = _status_entries(out.split(b"\0"))
            pending.setdefault(parent, []).append((rank + (i > 0), _undo(fates, entries)))
    return rows


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


def expected(
    repo: Path,
    rev: str = "HEAD",
    *,
    since: int | None = None,
    blame_args: tuple[str, ...] = (),
    folder: str = "",
    ex_messages: tuple[str, ...] = (),
    period=None,
) -> dict:
    """Per file (readable name) and per person: lines, commits, insertions, deletions.

    SINCE (a timestamp): only commits made (committer date) since then count, and blamed
    lines of older commits are not credited (``before_since`` per file). BLAME_ARGS: more
    `git blame` options. FOLDER: only files under it. EX_MESSAGES: fnmatch patterns of
    subjects whose commits do not count. PERIOD (author time -> label): also the timeline,
    (label, person) -> commits, insertions, deletions."""
    import fnmatch

    files = [
        f for f in head_file_paths(repo, rev) if not folder or f.startswith(_path(folder + "/"))
    ]
    commits = log_commits(repo, rev)

    def counts(c: dict) -> bool:
        if since is not None and c["commit_time"] < since:
            return False
        subject = c["subject"].lower()
        return not any(fnmatch.fnmatchcase(subject, p.lower()) for p in ex_messages)

    identities = {(c["name"], c["email"]) for c in commits.values() if counts(c)}
    file_lines: dict[bytes, dict[tuple[str, str], int]] = {}
    before_since: dict[bytes, int] = {}
    for f in files:
        per: dict[tuple[str, str], int] = defaultdict(int)
        for _sha, name, email, committed in _blame(repo, f, rev, blame_args):
            if since is not None and committed < since:
                before_since[f] = before_since.get(f, 0) + 1
                continue
            per[(name, email)] += 1
            identities.add((name, email))
        file_lines[f] = per
    file_rows: dict[bytes, list] = {f: [] for f in files}
    for sha, ident, ins, dels, f in counted_rows(repo, files, rev, counts):
        file_rows[f].append((sha, ident, ins, dels))
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
        per_file[text(f)] = {
            "lines": sum(file_lines[f].values()),
            "commits": len(fc),
            "insertions": fins,
            "deletions": fdels,
        }
        if since is not None:
            per_file[text(f)]["lines_before_since"] = before_since.get(f, 0)
    result = {
        "files": per_file,
        "persons": {k: {**v, "commits": len(v["commits"])} for k, v in persons.items()},
    }
    if period is not None:
        timeline: dict = defaultdict(lambda: [set(), 0, 0])
        for f in files:
            for sha, ident, ins, dels in file_rows[f]:
                cell = timeline[(period(commits[sha]["author_time"]), key_of(ident))]
                cell[0].add(sha)
                cell[1] += ins
                cell[2] += dels
        result["timeline"] = {
            k: {"commits": len(c), "insertions": i, "deletions": d}
            for k, (c, i, d) in timeline.items()
        }
    return result


def person_key(author: dict) -> tuple:
    """An analysis result's author as the oracle names persons: all names, all emails."""
    return (tuple(sorted(set(author["names"]))), tuple(sorted(set(author["emails"]))))


def assert_matches(repo: Path, analyzed: dict, rev: str = "HEAD", **options) -> dict:
    """Asserts that one repository's analysis result has exactly the oracle's files and
    persons, with their numbers (OPTIONS: those of `expected`); returns the oracle's
    expectation."""
    exp = expected(repo, rev, **options)
    files = {f["path"]: f for f in analyzed["files"]}
    assert sorted(files) == sorted(exp["files"])
    for path, want in exp["files"].items():
        assert {k: files[path][k] for k in want} == want, path
    people = {person_key(a): a for a in analyzed["authors"]}
    assert sorted(people) == sorted(exp["persons"])
    for key, want in exp["persons"].items():
        assert {k: people[key][k] for k in want} == want, key
    return exp

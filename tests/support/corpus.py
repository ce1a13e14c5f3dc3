"""Deterministic synthetic repositories built with `git fast-import`.

Two shapes:

* ``CorpusSpec`` (presets tiny/small/medium/large): many files and commits; for tests that
  need an analysis to take a while and for the benchmark's sizes. tiny/small/medium are one
  linear branch. ``large`` has the shape of a large real history (git's own: a quarter of
  its commits are merges of topic branches, many of them forked long before they are
  merged, and files are added, renamed and deleted all along): the diffs of its merges
  against their topic branches name thousands of paths each, over a gigabyte in all, which
  is what made a real history's analysis grow to gigabytes while a linear one stayed small.
  Its 2,400 authors are as skewed as git's (a few write most commits, most of the others
  work in one package), so it has about as many author x file cells as git's history, the
  size of the tables an analysis hands over at its end.
* ``ProjectSpec`` (presets project-tiny/project-small/project-medium): what real projects
  look like (see shared notes on real repository shapes): a root commit with many files,
  pull-request history where about 30% of commits are merges, direct pushes to main while a
  branch is open, renames on branches, a file renamed away on a branch and re-created under
  its old name there while main kept editing it, a rename on main that reaches a long-lived
  branch only through a merge, a file deleted on one branch and re-created by a later one,
  CRLF, mixed-ending, BOM, no-final-newline and Latin-1 files, names that are not UTF-8,
  binary files next to text files with the same extension, a `.mailmap`, and identities
  linked only through a third identity whose file no longer exists.
"""

from __future__ import annotations

import random
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CorpusSpec:
    files: int = 100
    #: every commit, merges and topic branches' commits included
    commits: int = 2_000
    authors: int = 12
    lines_per_file: int = 60
    files_per_commit: int = 3
    seed: int = 1
    #: topic branches merged into main (each 1-3 commits and a merge); 0: one linear branch
    topics: int = 0
    #: how far back (in commits of main) an old topic forks; a quarter of the topics are old
    fork_back: int = 0


@dataclass(frozen=True)
class ProjectSpec:
    #: text files of the root commit (special files come on top)
    root_files: int = 40
    #: pull requests (each 1-3 commits and a merge commit)
    pull_requests: int = 40
    authors: int = 10
    lines_per_file: int = 40
    seed: int = 7


PRESETS: dict[str, CorpusSpec | ProjectSpec] = {
    "tiny": CorpusSpec(files=40, commits=200, authors=5, lines_per_file=40),
    "small": CorpusSpec(files=100, commits=2_000, authors=12, lines_per_file=60),
    "medium": CorpusSpec(files=1_000, commits=20_000, authors=40, lines_per_file=120),
    "large": CorpusSpec(
        files=5_000,
        commits=80_000,
        authors=2_400,
        lines_per_file=300,
        files_per_commit=2,
        topics=20_000,
        fork_back=1_500,
    ),
    "project-tiny": ProjectSpec(root_files=20, pull_requests=16, authors=6, lines_per_file=20),
    "project-small": ProjectSpec(root_files=60, pull_requests=150, authors=14),
    "project-medium": ProjectSpec(root_files=300, pull_requests=1_500, authors=60),
}


def build(root: Path, spec: CorpusSpec | ProjectSpec) -> Path:
    """Creates a repository at `root` (which must not exist) and returns it."""
    if isinstance(spec, ProjectSpec):
        return build_project(root, spec)
    if spec.topics:
        return build_topics(root, spec)
    return build_linear(root, spec)


def _init(root: Path) -> None:
    root.mkdir(parents=True)
    subprocess.run(
        ["git", "-c", "init.defaultBranch=main", "init", "-q", str(root)],
        check=True,
        stdin=subprocess.DEVNULL,
    )


def _fast_import(root: Path, stream: bytes) -> None:
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input=stream, check=True)
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=root, check=True)


class _FastImport:
    """A fast-import stream written as it is made (a large corpus's stream is gigabytes)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.proc = subprocess.Popen(
            ["git", "fast-import", "--quiet"], cwd=root, stdin=subprocess.PIPE
        )
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, part: bytes) -> None:
        self.parts.append(part)
        self.size += len(part)
        if self.size > 1 << 22:
            self.flush()

    def flush(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"".join(self.parts))
        self.parts, self.size = [], 0

    def finish(self) -> None:
        self.flush()
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        if self.proc.wait() != 0:
            raise subprocess.CalledProcessError(self.proc.returncode, "git fast-import")
        subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=self.root, check=True)


def build_linear(root: Path, spec: CorpusSpec) -> Path:
    rng = random.Random(spec.seed)
    _init(root)
    people = [(f"Author {i:03d}", f"author{i:03d}@example.com") for i in range(spec.authors)]
    # A few aliases: same person, other email / other spelling.
    aliases = {i: (people[i][0], people[i][1].upper()) for i in range(0, spec.authors, 7)}
    contents: dict[str, list[str]] = {}
    paths = [f"src/pkg{i % 20:02d}/module_{i:05d}.py" for i in range(spec.files)]
    out: list[bytes] = []

    def blob(lines: list[str]) -> bytes:
        data = ("\n".join(lines) + "\n").encode()
        return b"data %d\n%s\n" % (len(data), data)

    timestamp = 1_600_000_000
    for n in range(spec.commits):
        timestamp += rng.randint(600, 7_200)
        who = rng.randrange(spec.authors)
        name, email = aliases.get(who, people[who]) if rng.random() < 0.3 else people[who]
        if n < spec.files:
            touched = [paths[n]]
        else:
            touched = rng.sample(
                paths[: min(spec.files, n)], min(spec.files_per_commit, spec.files)
            )
        out.append(b"commit refs/heads/main\n")
        out.append(f"author {name} <{email}> {timestamp} +0000\n".encode())
        out.append(f"committer {name} <{email}> {timestamp} +0000\n".encode())
        message = f"change {n}".encode()
        out.append(b"data %d\n%s\n" % (len(message), message))
        for path in touched:
            lines = contents.get(path)
            if lines is None:
                lines = [f"# {path} line {i} by {name}" for i in range(spec.lines_per_file)]
            else:
                for _ in range(rng.randint(1, 6)):
                    i = rng.randrange(len(lines))
                    op = rng.random()
                    if op < 0.5:
                        lines[i] = f"value_{n}_{i} = {rng.randint(0, 10**6)}  # {name}"
                    elif op < 0.8 or len(lines) < 10:
                        lines.insert(i, f"added_{n}_{i} = {n}")
                    else:
                        del lines[i]
            contents[path] = lines
            out.append(f"M 100644 inline {path}\n".encode())
            out.append(blob(lines))
        out.append(b"\n")
    _fast_import(root, b"".join(out))
    return root


def build_topics(root: Path, spec: CorpusSpec) -> Path:
    """A large history's shape (see the module doc): main gets direct commits and merges of
    topic branches; most topics fork from a recent commit of main, a quarter from one up to
    ``fork_back`` commits back. A topic changes files main has not touched since its fork,
    so its merge needs no resolution. A quarter of the files exist from the first commit,
    the others are added along the first three quarters of main; every few hundred commits
    of main rename or delete a file. Authorship is skewed as in real projects: a few authors
    write most commits, and all but the first three mostly in their own package."""
    rng = random.Random(spec.seed)
    _init(root)
    out = _FastImport(root)
    people = [(f"Author {i:03d}", f"author{i:03d}@example.com") for i in range(spec.authors)]
    aliases = {i: (people[i][0], people[i][1].upper()) for i in range(0, spec.authors, 7)}
    maintainer = people[0]
    topic_commits = [rng.randint(1, 3) for _ in range(spec.topics)]
    direct = max(spec.commits - sum(topic_commits) - spec.topics, 1)
    main_length = direct + spec.topics
    # which main commits are merges: spread evenly, none at the start
    merge_at = set(
        rng.sample(range(main_length // 20 + 1, main_length), min(spec.topics, main_length // 2))
    )
    paths = [f"src/pkg{i % 20:02d}/module_{i:05d}.py" for i in range(spec.files)]
    first = spec.files // 4
    later = paths[first:]
    # (main commit index, path) of the files added later, in order
    adds = [
        (int(i * (main_length * 3 // 4) / max(len(later), 1)) + 1, p) for i, p in enumerate(later)
    ]
    adds.reverse()
    contents: dict[str, list[str]] = {}
    #: path -> index of the main commit that last changed it
    touched_at: dict[str, int] = {}
    alive: list[str] = []
    by_package: dict[str, list[str]] = {}  # alive files per package (pkgNN)
    marks: list[int] = []  # main commit index -> its mark
    mark = 0
    timestamp = 1_500_000_000
    topic = 0
    next_move = 397  # the next rename or deletion, in commits of main

    def blob(lines: list[str]) -> bytes:
        data = ("\n".join(lines) + "\n").encode()
        return b"data %d\n%s\n" % (len(data), data)

    def who() -> int:
        # a few authors write most commits, many write one or two (git's top 10 of 2,350
        # authors wrote 44% of its commits, its top 100 79%)
        k = int(rng.paretovariate(0.3)) - 1
        return k if k < spec.authors else rng.randrange(spec.authors)

    def ident(k: int) -> tuple[str, str]:
        return aliases.get(k, people[k]) if rng.random() < 0.3 else people[k]

    def files_of(k: int, count: int) -> list[str]:
        """COUNT files for author K: the first three change any file, the others mostly the
        files of their own package (about ten authors per file, as in git's history)."""
        pool = alive
        if k >= 3 and rng.random() < 0.95:
            pool = by_package.get(f"pkg{k % 20:02d}") or alive
        return rng.sample(pool, min(count, len(pool)))

    def header(ref: str, person: tuple[str, str], message: str) -> int:
        nonlocal mark, timestamp
        mark += 1
        timestamp += rng.randint(600, 7_200)
        name, email = person
        msg = message.encode()
        out.write(
            b"commit %s\nmark :%d\nauthor %s <%s> %d +0000\ncommitter %s <%s> %d +0000\n"
            b"data %d\n%s\n"
            % (
                ref.encode(),
                mark,
                name.encode(),
                email.encode(),
                timestamp,
                name.encode(),
                email.encode(),
                timestamp,
                len(msg),
                msg,
            )
        )
        return mark

    def edited(lines: list[str], n: int, name: str) -> list[str]:
        lines = list(lines)
        for _ in range(rng.randint(1, 6)):
            i = rng.randrange(len(lines))
            op = rng.random()
            if op < 0.5:
                lines[i] = f"value_{n}_{i} = {rng.randint(0, 10**6)}  # {name}"
            elif op < 0.8 or len(lines) < 10:
                lines.insert(i, f"added_{n}_{i} = {n}")
            else:
                del lines[i]
        return lines

    def new_file(path: str, name: str) -> list[str]:
        return [f"# {path} line {i} by {name}" for i in range(spec.lines_per_file)]

    n = 0  # commits written
    for m in range(main_length):
        if m in merge_at and topic < spec.topics:
            # a topic branch, forked from a recent or an old commit of main, then merged
            back = rng.randint(1, 8) if rng.random() < 0.75 else rng.randint(100, spec.fork_back)
            fork = max(m - back, 0)
            k = who()
            candidates = [p for p in files_of(k, 40) if touched_at[p] <= fork][:6]
            author = ident(k)
            parent = marks[fork]
            branch: dict[str, list[str]] = {}
            for c in range(topic_commits[topic]):
                picked = candidates[c * 2 : c * 2 + 2] or candidates[:1]
                header("refs/heads/topic", author, f"topic {topic} part {c}")
                out.write(b"from :%d\n" % parent)
                for path in picked:
                    branch[path] = edited(branch.get(path, contents[path]), n, author[0])
                    out.write(f"M 100644 inline {path}\n".encode())
                    out.write(blob(branch[path]))
                out.write(b"\n")
                parent = mark
                n += 1
            header("refs/heads/main", maintainer, f"Merge branch 'topic-{topic}'")
            out.write(b"from :%d\nmerge :%d\n" % (marks[m - 1], parent))
            for path, lines in branch.items():
                contents[path] = lines
                touched_at[path] = m
                out.write(f"M 100644 inline {path}\n".encode())
                out.write(blob(lines))
            out.write(b"\n")
            marks.append(mark)
            topic += 1
            n += 1
            continue
        k = who()
        person = ident(k)
        header("refs/heads/main", person, f"change {m}")
        if m:
            out.write(b"from :%d\n" % marks[m - 1])
        changes: list[str] = []
        if m == 0:
            for path in paths[:first]:
                contents[path] = new_file(path, person[0])
                changes.append(path)
        elif m >= next_move and len(alive) > 10:
            # a rename (or, every third time, a deletion) of a file
            next_move += 397
            old = rng.choice(alive)
            alive.remove(old)
            by_package[old.split("/")[1]].remove(old)
            out.write(f"D {old}\n".encode())
            lines = contents.pop(old)
            touched_at.pop(old)
            if next_move % 3:
                new = old.replace("module_", f"moved_{m}_", 1)
                contents[new] = lines
                changes.append(new)
        elif adds and adds[-1][0] <= m:
            while adds and adds[-1][0] <= m:
                path = adds.pop()[1]
                contents[path] = new_file(path, person[0])
                changes.append(path)
        else:
            for path in files_of(k, spec.files_per_commit):
                contents[path] = edited(contents[path], n, person[0])
                changes.append(path)
        for path in changes:
            if path not in touched_at:
                alive.append(path)
                by_package.setdefault(path.split("/")[1], []).append(path)
            touched_at[path] = m
            out.write(f"M 100644 inline {path}\n".encode())
            out.write(blob(contents[path]))
        out.write(b"\n")
        marks.append(mark)
        n += 1
    out.finish()
    return root


# ---------------------------------------------------------------------------------------------
# a project's history

Tree = dict[bytes, bytes]  # path -> content
Person = tuple[str, str]

#: Authors whose names old tools wrote in Latin-1 (no encoding header in the commit).
LATIN1_AUTHORS = frozenset({"Jos\xe9 Garc\xeda"})

#: Files with the shapes real repositories have and generated ones used to lack.
LATIN1_NAME = "donn\xe9es/caf\xe9.txt".encode("latin-1")
SPECIAL_FILES: dict[bytes, bytes] = {
    b"win/crlf.txt": b"".join(b"crlf line %d\r\n" % i for i in range(12)),
    b"win/mixed.txt": b"".join(
        (b"mixed line %d\r\n" if i % 3 else b"mixed line %d\n") % i for i in range(12)
    ),
    b"bom.py": b"\xef\xbb\xbf# a file with a byte order mark\n" + b"X = 1\nY = 2\n",
    b"no_newline.txt": b"first\nsecond\nlast line without newline",
    b"latin1.txt": "r\xe9sum\xe9 na\xefve fa\xe7ade\nline two\n".encode("latin-1"),
    LATIN1_NAME: "des donn\xe9es\nencore\n".encode("latin-1"),
    "docs/naïve name.md".encode(): "# ünïcödé\n\ntext\n".encode(),
    b"assets/data.txt": b"\x00\x01binary\x00payload\xff" * 8,
    b"assets/notes.txt": b"plain text next to a binary .txt\n",
    b"empty.txt": b"",
}


class _Stream:
    """Writes a fast-import stream: blobs once per content, commits as tree differences."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.blobs: dict[bytes, int] = {}
        self.marks = 0
        self.trees: dict[int, Tree] = {}

    def _mark(self) -> int:
        self.marks += 1
        return self.marks

    def _blob(self, content: bytes) -> int:
        mark = self.blobs.get(content)
        if mark is None:
            mark = self.blobs[content] = self._mark()
            self.parts.append(b"blob\nmark :%d\ndata %d\n%s\n" % (mark, len(content), content))
        return mark

    def commit(
        self,
        ref: str,
        tree: Tree,
        who: Person,
        when: int,
        message: str,
        parents: list[int],
    ) -> int:
        for content in tree.values():
            self._blob(content)
        mark = self._mark()
        name, email = who
        msg = message.encode()
        encoding = "latin-1" if name in LATIN1_AUTHORS else "utf-8"
        ident = b"%s <%s> %d +0000" % (name.encode(encoding), email.encode(), when)
        self.parts.append(
            b"commit %s\nmark :%d\nauthor %s\ncommitter %s\ndata %d\n%s\n"
            % (ref.encode(), mark, ident, ident, len(msg), msg)
        )
        base: Tree = {}
        if parents:
            self.parts.append(b"from :%d\n" % parents[0])
            base = self.trees[parents[0]]
        for other in parents[1:]:
            self.parts.append(b"merge :%d\n" % other)
        for path in base:
            if path not in tree:
                self.parts.append(b"D %s\n" % _quote(path))
        for path, content in tree.items():
            if base.get(path) != content:
                self.parts.append(b"M 100644 :%d %s\n" % (self._blob(content), _quote(path)))
        self.parts.append(b"\n")
        self.trees[mark] = dict(tree)
        return mark

    def reset(self, ref: str, mark: int) -> None:
        self.parts.append(b"reset %s\nfrom :%d\n\n" % (ref.encode(), mark))

    def data(self) -> bytes:
        return b"".join(self.parts)


def _quote(path: bytes) -> bytes:
    """A fast-import path: C-style quoted, octal escapes for every byte outside printable ASCII."""
    out = bytearray(b'"')
    for b in path:
        if b in (0x22, 0x5C):
            out += b"\\" + bytes([b])
        elif 0x20 <= b < 0x7F:
            out.append(b)
        else:
            out += b"\\%03o" % b
    out += b'"'
    return bytes(out)


class _Project:
    def __init__(self, spec: ProjectSpec) -> None:
        self.spec = spec
        self.rng = random.Random(spec.seed)
        self.stream = _Stream()
        self.when = 1_500_000_000
        self.counter = 0
        self.people: list[Person] = [
            (f"Dev {i:02d}", f"dev{i:02d}@example.com") for i in range(spec.authors)
        ]
        # Linked only through the third identity (same name as one, same email as the other),
        # whose one file is deleted before HEAD.
        self.sam_home: Person = ("Sam Lee", "sam@home.example")
        self.sam_work: Person = ("Samuel Lee", "samuel@work.example")
        self.sam_link: Person = ("Sam Lee", "samuel@work.example")
        # Mapped by .mailmap onto Dev 01.
        self.old_alias: Person = ("dev one (old laptop)", "dev1@old.example")
        self.latin1: Person = ("Jos\xe9 Garc\xeda", "jose@example.com")

    # -- helpers
    def tick(self) -> int:
        self.when += self.rng.randint(1_800, 30_000)
        return self.when

    def person(self) -> Person:
        r = self.rng.random()
        if r < 0.05:
            return self.sam_home
        if r < 0.10:
            return self.sam_work
        if r < 0.13:
            return self.old_alias
        if r < 0.16:
            return self.latin1
        return self.people[min(int(self.rng.paretovariate(1.2)) - 1, len(self.people) - 1)]

    def text(self, path: bytes, n: int) -> bytes:
        name = path.decode("utf-8", "replace")
        return b"".join(f"# {name} line {i}\n".encode() for i in range(n))

    def edit(self, content: bytes, who: Person) -> bytes:
        crlf = content.endswith(b"\r\n")
        eol = b"\r\n" if crlf else b"\n"
        lines = content.splitlines(keepends=True) or [b"start" + eol]
        self.counter += 1
        for _ in range(self.rng.randint(1, 5)):
            i = self.rng.randrange(len(lines))
            op = self.rng.random()
            new = f"v{self.counter}_{i} = {self.rng.randint(0, 10**6)}  # {who[0]}".encode() + eol
            if op < 0.5:
                lines[i] = new
            elif op < 0.85 or len(lines) < 6:
                lines.insert(i, new)
            else:
                del lines[i]
        return b"".join(lines)

    def editable(self, tree: Tree, avoid: set[bytes] = frozenset()) -> list[bytes]:
        return sorted(
            p
            for p in tree
            if p not in avoid
            and p not in SPECIAL_FILES
            and p != b".mailmap"
            and not p.startswith(b"keep/")
        )

    # -- history
    def build(self) -> bytes:
        spec, st = self.spec, self.stream
        tree: Tree = {
            f"src/pkg{i % 8}/mod_{i:03d}.py".encode(): self.text(
                f"src/pkg{i % 8}/mod_{i:03d}.py".encode(), spec.lines_per_file
            )
            for i in range(spec.root_files)
        }
        tree.update(SPECIAL_FILES)
        tree[b".mailmap"] = (
            f"{self.people[1][0]} <{self.people[1][1]}> "
            f"{self.old_alias[0]} <{self.old_alias[1]}>\n".encode()
        )
        tree[b"keep/renamed_on_branch.py"] = self.text(b"keep/renamed_on_branch.py", 12)
        tree[b"keep/main_rename.py"] = self.text(b"keep/main_rename.py", 12)
        tree[b"keep/deleted_then_recreated.txt"] = self.text(b"keep/recreated", 8)
        main = st.commit("refs/heads/main", tree, self.people[0], self.tick(), "import", [])
        main_tree = dict(tree)

        # The linking identity's only file, deleted later.
        t = dict(main_tree)
        t[b"tmp/sam_scratch.txt"] = b"scratch\n" * 5
        main = st.commit("refs/heads/main", t, self.sam_link, self.tick(), "scratch", [main])
        main_tree = t

        # The special files change too, keeping their shape.
        t = dict(main_tree)
        t[b"latin1.txt"] += "d\xe9j\xe0 vu\n".encode("latin-1")
        t[LATIN1_NAME] = t[LATIN1_NAME].replace(b"encore", "encore l\xe0".encode("latin-1"))
        t[b"no_newline.txt"] = t[b"no_newline.txt"].replace(b"second", b"second, edited")
        t[b"bom.py"] += b"Z = 3\n"
        t[b"win/crlf.txt"] = t[b"win/crlf.txt"].replace(b"crlf line 3\r\n", b"changed\r\n")
        main = st.commit("refs/heads/main", t, self.latin1, self.tick(), "accents", [main])
        main_tree = t

        # A long-lived branch; main renames a file that reaches it only through a merge.
        develop = main
        develop_tree = dict(main_tree)
        specials = {
            spec.pull_requests // 5: "rename_away_and_recreate",
            spec.pull_requests // 3: "main_rename_reaches_develop",
            spec.pull_requests // 2: "delete",
            (2 * spec.pull_requests) // 3: "recreate",
            (3 * spec.pull_requests) // 4: "drop_scratch",
            spec.pull_requests - 1: "merge_develop",
        }
        for k in range(spec.pull_requests):
            special = specials.get(k)
            if special == "main_rename_reaches_develop":
                t = dict(main_tree)
                t[b"keep/main_renamed.py"] = t.pop(b"keep/main_rename.py")
                main = st.commit(
                    "refs/heads/main", t, self.people[0], self.tick(), "rename", [main]
                )
                main_tree = t
                # develop merges main, then keeps editing the renamed file
                merged = {**develop_tree, **main_tree}
                merged.pop(b"keep/main_rename.py", None)
                develop = st.commit(
                    "refs/heads/develop",
                    merged,
                    self.people[2],
                    self.tick(),
                    "Merge branch 'main' into develop",
                    [develop, main],
                )
                develop_tree = merged
                t = dict(develop_tree)
                t[b"keep/main_renamed.py"] = self.edit(t[b"keep/main_renamed.py"], self.people[2])
                develop = st.commit(
                    "refs/heads/develop", t, self.people[2], self.tick(), "edit", [develop]
                )
                develop_tree = t
                continue
            if special == "merge_develop":
                merged = dict(main_tree)
                for path, content in develop_tree.items():
                    if content != main_tree.get(path) and path.startswith(b"keep/"):
                        merged[path] = content
                main = st.commit(
                    "refs/heads/main",
                    merged,
                    self.people[0],
                    self.tick(),
                    "Merge branch 'develop'",
                    [main, develop],
                )
                main_tree = merged
                continue
            if special == "drop_scratch":
                t = dict(main_tree)
                t.pop(b"tmp/sam_scratch.txt", None)
                main = st.commit(
                    "refs/heads/main", t, self.people[0], self.tick(), "cleanup", [main]
                )
                main_tree = t
                continue
            main, main_tree = self.pull_request(k, main, main_tree, special)
        if develop != main:
            st.reset("refs/heads/develop", develop)
        return st.data()

    def pull_request(
        self, k: int, main: int, main_tree: Tree, special: str | None
    ) -> tuple[int, Tree]:
        rng, st = self.rng, self.stream
        who = self.person()
        ref = "refs/heads/topic"
        base, base_tree = main, dict(main_tree)
        branch, tree = base, dict(base_tree)
        touched: set[bytes] = set()
        if special == "rename_away_and_recreate":
            # branch: p -> q, then a new p; main meanwhile edits p
            p, q = b"keep/renamed_on_branch.py", b"keep/renamed_away.py"
            tree[q] = tree.pop(p)
            branch = st.commit(ref, tree, who, self.tick(), "move p to q", [branch])
            tree[p] = b"# a new file under the old name\nNEW = 1\n"
            branch = st.commit(ref, tree, who, self.tick(), "new p", [branch])
            t = dict(main_tree)
            t[p] = self.edit(t[p], self.people[0])
            main = st.commit("refs/heads/main", t, self.people[0], self.tick(), "fix p", [main])
            main_tree = t
            merged = dict(main_tree)
            merged[q] = tree[q]
            merged[p] = main_tree[p] + b"# merged with the new p\n"
            main = st.commit(
                "refs/heads/main",
                merged,
                self.people[0],
                self.tick(),
                f"Merge #{k}",
                [main, branch],
            )
            return main, merged
        if special == "delete":
            tree.pop(b"keep/deleted_then_recreated.txt", None)
            touched.add(b"keep/deleted_then_recreated.txt")
            branch = st.commit(ref, tree, who, self.tick(), "delete a file", [branch])
        if special == "recreate":
            tree[b"keep/deleted_then_recreated.txt"] = b"second life\nof this file\n"
            touched.add(b"keep/deleted_then_recreated.txt")
            branch = st.commit(ref, tree, who, self.tick(), "re-create a file", [branch])
        for c in range(rng.randint(1, 3)):
            candidates = self.editable(tree)
            for path in rng.sample(candidates, min(len(candidates), rng.randint(1, 3))):
                tree[path] = self.edit(tree[path], who)
                touched.add(path)
            r = rng.random()
            if r < 0.08:
                src = rng.choice(self.editable(tree, touched))
                dst = src.replace(b"mod_", b"moved_%d_" % k, 1)
                if dst != src and dst not in tree:
                    tree[dst] = tree.pop(src)
                    touched |= {src, dst}
            elif r < 0.14:
                path = f"src/new/pr{k}_{c}.py".encode()
                tree[path] = self.text(path, rng.randint(5, 30))
                touched.add(path)
            branch = st.commit(ref, tree, who, self.tick(), f"pr {k} part {c}", [branch])
        # a maintainer pushes to main while the branch is open
        if rng.random() < 0.3:
            t = dict(main_tree)
            for path in rng.sample(self.editable(t, touched), 2):
                t[path] = self.edit(t[path], self.people[0])
            main = st.commit("refs/heads/main", t, self.people[0], self.tick(), "hotfix", [main])
            main_tree = t
        merged = dict(main_tree)
        for path in set(base_tree) | set(tree):
            if base_tree.get(path) != tree.get(path):
                if path in tree:
                    merged[path] = tree[path]
                else:
                    merged.pop(path, None)
        main = st.commit(
            "refs/heads/main",
            merged,
            self.people[0],
            self.tick(),
            f"Merge pull request #{k}",
            [main, branch],
        )
        return main, merged


def build_project(root: Path, spec: ProjectSpec) -> Path:
    _init(root)
    _fast_import(root, _Project(spec).build())
    return root

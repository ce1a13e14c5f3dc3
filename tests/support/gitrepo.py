"""Git repositories built by the engine tests, the end-to-end tests and the benchmark:
running git, a builder with fixed identities and dates, and the rich repository both
kinds of tests share. Reading what git says about a repository is `support.oracle`'s."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

#: A new repository's clock: its first commit is dated an hour later, each next one an hour
#: after the one before.
BASE_TIME = 1_600_000_000
TICK = 3_600

Person = tuple[str, str]


def run_git(repo: Path | str, *args: str, env: dict[str, str] | None = None) -> str:
    """Git's output in REPO (undecodable bytes kept as surrogate escapes); raises on failure."""
    return run_git_bytes(repo, *args, env=env).decode("utf-8", "surrogateescape")


def run_git_bytes(repo: Path | str, *args: str | bytes, env: dict[str, str] | None = None) -> bytes:
    return subprocess.run(
        ["git", *args],
        cwd=repo,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        check=True,
    ).stdout


class GitRepo:
    """A repository built commit by commit: every commit names its author (also its
    committer) and is dated by the repository's clock, so the same steps build the same
    commits. Git runs without the system configuration; the repository's own names a
    committer and turns signing off, so no git command depends on the machine's."""

    def __init__(self, root: Path, clock: int = BASE_TIME, init: bool = True) -> None:
        self.root = root
        self.clock = clock
        if init:
            root.mkdir(parents=True, exist_ok=True)
            self.git("-c", "init.defaultBranch=main", "init", "-q")
            self.git("config", "user.name", "Builder")
            self.git("config", "user.email", "builder@example.com")
            self.git("config", "commit.gpgsign", "false")

    @classmethod
    def existing(cls, root: Path) -> GitRepo:
        """A repository made elsewhere (left as it is), its clock at its HEAD's commit time."""
        return cls(root, int(run_git(root, "log", "-1", "--format=%ct", "HEAD")), init=False)

    def git(self, *args: str, who: Person | None = None) -> str:
        """Runs git here; with WHO, as that person at the clock's next tick (a commit, a merge)."""
        env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1"}
        if who is not None:
            self.clock += TICK
            date = f"{self.clock} +0000"
            env.update(
                GIT_AUTHOR_NAME=who[0],
                GIT_AUTHOR_EMAIL=who[1],
                GIT_AUTHOR_DATE=date,
                GIT_COMMITTER_NAME=who[0],
                GIT_COMMITTER_EMAIL=who[1],
                GIT_COMMITTER_DATE=date,
            )
        return run_git(self.root, *args, env=env)

    def write(self, rel: str, content: str | bytes) -> None:
        target = self.root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")

    def remove(self, rel: str) -> None:
        self.git("rm", "-q", "--", rel)

    def commit(
        self,
        message: str,
        who: Person,
        files: dict[str, str | bytes] | None = None,
        stage_all: bool = True,
    ) -> str:
        """Writes FILES, stages the whole work tree (only FILES when not `stage_all`) and
        commits it as WHO (hooks not run); returns the new HEAD."""
        for rel, content in (files or {}).items():
            self.write(rel, content)
        if stage_all:
            self.git("add", "-A")
        else:
            self.git("add", "--", *(files or {}))
        self.git("commit", "-q", "--no-verify", "--allow-empty", "-m", message, who=who)
        return self.head()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").strip()


# -- the rich repository -------------------------------------------------------------------

ALICE = ("Alice", "alice@example.com")
ALICE_WORK = ("Alice", "alice@work.com")  # same name, different email
BOB = ("Bob", "bob@example.com")
BOBBY = ("Bobby", "Bob@Example.COM")  # same email, different case (and name)
CAROL = ("Carol", "carol@example.com")
CJONES = ("C. Jones", "carol@example.com")  # different name, same email
DAVE_OLD = ("Dave", "dave@old.org")  # mapped by .mailmap
DAVE = ("Dave Smith", "dave@new.org")
EVE = ("Eve", "eve@example.com")


def numbered(prefix: str, n: int) -> str:
    return "".join(f"{prefix} line {i}\n" for i in range(1, n + 1))


def build_rich_repo(path: Path) -> GitRepo:
    """Renames (on main and on a merged branch), a deleted and a re-added file, a merge
    resolving a conflict, identities linked by name, by email and by .mailmap, a binary, an
    empty file and names with spaces and accents."""
    r = GitRepo(path)
    r.write(".mailmap", "Dave Smith <dave@new.org> Dave <dave@old.org>\n")
    r.write("README.md", "# Project\n\nSome text.\nMore text.\nEnd.\n")
    r.write(
        "src/main.py",
        "# main module\n"
        "import os\n"
        "\n"
        "# a comment line\n"
        "def main():\n"
        "    # indented comment\n"
        "    return os.getcwd()  # trailing comment\n"
        "\n"
        "\n"
        "if __name__ == '__main__':\n"
        "    main()\n",
    )
    r.write("docs/naïve file.txt", numbered("naive", 3))
    r.write("old.txt", numbered("old", 3))
    r.write("readd.txt", numbered("first life", 4))
    r.write("lib/util.c", numbered("util", 8))
    r.write("conflict.txt", "one\ntwo\nthree\n")
    r.commit("initial import", ALICE)

    r.write(
        "src/main.py",
        (r.root / "src/main.py").read_text(encoding="utf-8").replace("def main", "def main_fn")
        + "\n# extra\nVALUE = 1\nOTHER = 2\n",
    )
    r.write("logo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00binary\x00data" * 4)
    r.write("empty.txt", "")
    r.commit("edit main, add logo and empty file", BOB)

    r.write("README.md", "# Project\n\nSome better text.\nMore text.\nEnd.\nBobby was here.\n")
    r.commit("readme tweaks", BOBBY)

    r.git("mv", "src/main.py", "src/app.py")
    text = (r.root / "src/app.py").read_text(encoding="utf-8")
    r.write("src/app.py", text + "CAROL = 3\n")
    r.commit("rename main.py to app.py", CAROL)

    r.write("docs/naïve file.txt", numbered("naive", 3) + "dave added this\nand this\n")
    r.commit("docs from dave", DAVE_OLD)

    r.remove("old.txt")
    r.remove("readd.txt")
    r.commit("remove old files", ALICE_WORK)

    r.write("readd.txt", numbered("second life", 3))
    r.commit("re-add readd.txt", CJONES)

    # side branch: rename lib/util.c and edit conflict.txt
    r.git("checkout", "-q", "-b", "side")
    r.git("mv", "lib/util.c", "lib/helpers.c")
    r.write("lib/helpers.c", numbered("util", 8) + "eve line\n")
    r.commit("rename util to helpers", EVE)
    r.write("conflict.txt", "one\nside two\nthree\n")
    r.commit("side edit of conflict", EVE)

    r.git("checkout", "-q", "main")
    r.write("conflict.txt", "one\nmain two\nthree\n")
    r.commit("main edit of conflict", BOB)
    r.write("README.md", "# Project\n\nSome better text.\nMore text.\nEnd.\nBobby was here.\nA.\n")
    r.commit("readme more", ALICE)

    subprocess.run(
        ["git", "merge", "-q", "--no-edit", "side"],
        cwd=r.root,
        stdin=subprocess.DEVNULL,
        capture_output=True,
    )  # conflicts on conflict.txt
    r.write("conflict.txt", "one\nresolved two\nthree\nfour from merge\n")
    r.git("add", "-A")
    r.git("commit", "-q", "--no-edit", who=DAVE)

    r.write("lib/helpers.c", numbered("util", 8) + "eve line\ncarol line\n")
    r.commit("carol edits helpers", CAROL)
    r.write("docs/naïve file.txt", numbered("naive", 2) + "bob line\ndave added this\nand this\n")
    r.commit("bob edits docs", BOB)
    r.write("with space.md", "hello\nworld\n")
    r.commit("file with space", DAVE)
    return r

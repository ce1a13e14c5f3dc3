"""Git repositories built by tests: a builder with fixed identities and dates,
and the rich repository every engine and end-to-end test shares. A plain
module (not a conftest) so tests outside this folder can import it too."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

BASE_TIME = 1_600_000_000


def run_git(repo: Path | str, *args: str, env: dict[str, str] | None = None) -> str:
    out = subprocess.run(
        ["git", *args],
        cwd=repo,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        check=True,
    )
    return out.stdout.decode("utf-8", "surrogateescape")


def run_git_bytes(repo: Path | str, *args: str) -> bytes:
    return subprocess.run(
        ["git", *args], cwd=repo, stdin=subprocess.DEVNULL, capture_output=True, check=True
    ).stdout


class RepoBuilder:
    """Builds a repository commit by commit with fixed identities and dates."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tick = 0
        path.mkdir(parents=True, exist_ok=True)
        run_git(path, "-c", "init.defaultBranch=main", "init", "-q")
        run_git(path, "config", "user.name", "Builder")
        run_git(path, "config", "user.email", "builder@example.com")
        run_git(path, "config", "commit.gpgsign", "false")

    def write(self, rel: str, content: str | bytes) -> None:
        p = self.path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")

    def remove(self, rel: str) -> None:
        self.git("rm", "-q", "--", rel)

    def git(self, *args: str, who: tuple[str, str] | None = None) -> str:
        env = dict(os.environ)
        if who is not None:
            self.tick += 1
            date = f"{BASE_TIME + self.tick * 3600} +0000"
            env.update(
                GIT_AUTHOR_NAME=who[0],
                GIT_AUTHOR_EMAIL=who[1],
                GIT_AUTHOR_DATE=date,
                GIT_COMMITTER_NAME=who[0],
                GIT_COMMITTER_EMAIL=who[1],
                GIT_COMMITTER_DATE=date,
            )
        return run_git(self.path, *args, env=env)

    def commit(self, message: str, who: tuple[str, str]) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message, who=who)
        return self.git("rev-parse", "HEAD").strip()


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


def build_rich_repo(path: Path) -> RepoBuilder:
    r = RepoBuilder(path)
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
        (r.path / "src/main.py").read_text(encoding="utf-8").replace("def main", "def main_fn")
        + "\n# extra\nVALUE = 1\nOTHER = 2\n",
    )
    r.write("logo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00binary\x00data" * 4)
    r.write("empty.txt", "")
    r.commit("edit main, add logo and empty file", BOB)

    r.write("README.md", "# Project\n\nSome better text.\nMore text.\nEnd.\nBobby was here.\n")
    r.commit("readme tweaks", BOBBY)

    r.git("mv", "src/main.py", "src/app.py")
    text = (r.path / "src/app.py").read_text(encoding="utf-8")
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
        cwd=r.path,
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

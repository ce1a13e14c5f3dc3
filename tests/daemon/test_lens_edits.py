"""Code lenses while the user types: a line that leaves the code with a syntax error (an
unclosed parenthesis or brace, a statement inside parentheses) moves no block lens, in
every language the daemon parses; and the file lens's shares never read "0%" for an author
with a few lines nor "100%" for one with all but a few."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.gitrepo import GitRepo

ALICE = ("Alice", "alice@example.com")
BOB = ("Bob", "bob@example.com")

# flask's examples/tutorial/flaskr/auth.py, shortened: where the trial found it.
FLASKR = '''from flask import g


@bp.before_app_request
def load_logged_in_user():
    """If a user id is stored in the session, load the user."""
    user_id = session.get("user_id")

    if user_id is None:
        g.user = None
    else:
        g.user = (
            get_db().execute("SELECT * FROM user WHERE id = ?", (user_id,)).fetchone()
        )


@bp.route("/register", methods=("GET", "POST"))
def register():
    """Register a new user."""
    if request.method == "POST":
        username = request.form["username"]
    return render_template("auth/register.html")
'''

RUST = """use std::fmt;

/// A point.
#[derive(Debug)]
struct P<'a> {
    x: &'a str,
}

fn first(x: u8) -> u8 {
    let y = x + 1;
    y * 2
}

#[inline]
fn second<'a>(s: &'a str) -> &'a str {
    let c = 'c';
    s
}
"""

TYPESCRIPT = """import x from "x";

function first(a: number): number {
  const b = a + 1;
  return b;
}

// Doc.
function second(): string {
  const c = `${x}`;
  return c;
}

class K {
  m(): number {
    return 1;
  }
}
"""

JAVASCRIPT = TYPESCRIPT.replace(": number", "").replace(": string", "")

GO = """package main

import "fmt"

func first(a int) int {
\tb := a + 1
\treturn b
}

// Doc.
func second() int {
\tc := 3
\treturn c
}

func third() {
\tfmt.Println("x")
}
"""

C = """#include <stdio.h>

int first(int a)
{
\tint b = a + 1;
\treturn b;
}

/* Doc. */
static int second(void) {
\tint c = 3;
\treturn c;
}
"""

JAVA = """import java.util.List;

class A {
    int first(int a) {
        int b = a + 1;
        return b;
    }

    @Override
    public String toString() {
        return "a";
    }
}
"""

# path, language id, text, line typed before (0-based), what is typed
MID_TYPING = [
    ("auth.py", "python", FLASKR, 12, "            log = 1"),
    ("auth.py", "python", FLASKR, 7, "    z = foo(user_id,"),
    ("lib.rs", "rust", RUST, 10, "    if y > 2 {"),
    ("lib.rs", "rust", RUST, 10, "    let z = foo(x,"),
    ("lib.rs", "rust", RUST, 3, "#[derive(Clone"),
    ("a.ts", "typescript", TYPESCRIPT, 4, "  if (b > 2) {"),
    ("a.js", "javascript", JAVASCRIPT, 4, "  foo(a,"),
    ("a.go", "go", GO, 6, "\tif b > 2 {"),
    ("a.c", "c", C, 5, "\tif (b > 2) {"),
    ("a.c", "c", C, 5, "\tint d = foo(a,"),
    ("A.java", "java", JAVA, 5, "        if (b > 2) {"),
]


def lenses(client, uri: str) -> list[dict]:
    return client.request("textDocument/codeLens", {"textDocument": {"uri": uri}}) or []


def starts(client, uri: str) -> list[int]:
    return [lens["range"]["start"]["line"] for lens in lenses(client, uri)]


def replace_text(client, uri: str, version: int, text: str) -> None:
    client.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]},
    )


def insert_line(text: str, at: int, line: str) -> str:
    lines = text.split("\n")
    lines.insert(at, line)
    return "\n".join(lines)


def moved(lines: list[int], at: int) -> list[int]:
    return [line + 1 if line >= at else line for line in lines]


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    r = GitRepo(tmp_path / "repo")
    r.commit("code", ALICE, {path: text for path, _, text, _, _ in MID_TYPING})
    return r


def test_the_trial_edit_on_flaskr(lsp, repo):
    """The trial: a statement typed inside `g.user = ( … )` gave a lens on the `)` line and
    moved `register`'s lens from its decorator to its `def`."""
    uri = lsp.open_document(repo.root / "auth.py")
    assert starts(lsp, uri) == [0, 3, 16]
    replace_text(lsp, uri, 2, insert_line(FLASKR, 12, "            log = 1"))
    found = lenses(lsp, uri)
    assert [lens["range"]["start"]["line"] for lens in found] == [0, 3, 17]
    assert found[1]["command"]["arguments"][1:] == [3, 14]
    register = found[2]["command"]["arguments"]
    assert register[1:] == [17, 22], "the block is the decorator, the def and its body"
    # A line there that parses gives the same lenses.
    replace_text(lsp, uri, 3, insert_line(FLASKR, 12, "            # log = 1"))
    assert starts(lsp, uri) == [0, 3, 17]


@pytest.mark.parametrize(
    ("path", "language_id", "text", "at", "typed"),
    MID_TYPING,
    ids=[f"{case[0]}:{case[3]}:{case[4].strip()}" for case in MID_TYPING],
)
def test_a_line_being_typed_moves_no_lens(lsp, repo, path, language_id, text, at, typed):
    uri = lsp.open_document(repo.root / path, language_id=language_id)
    before = starts(lsp, uri)
    assert len(before) >= 3, before
    replace_text(lsp, uri, 2, insert_line(text, at, typed))
    assert starts(lsp, uri) == moved(before, at)


def test_a_share_is_never_shown_as_zero_or_all(lsp, repo):
    """flask's src/flask/app.py showed "bre-17387639 0%" for 5 of its 1,625 lines."""
    body = "".join(f"VALUE_{k} = {k}\n" for k in range(1000))
    repo.commit("big", ALICE, {"big.py": body})
    repo.commit("one line", BOB, {"big.py": body.replace("VALUE_500 = 500\n", "VALUE_500 = 0\n")})
    uri = lsp.open_document(repo.root / "big.py")
    title = lenses(lsp, uri)[0]["command"]["title"]
    assert title.startswith("2 authors · Alice >99%, Bob <1% · last change Bob, "), title
    assert " 0%" not in title and "100%" not in title

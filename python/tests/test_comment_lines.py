"""Comment-line detection (`gigui.comments.comment_lines`) language by language, and its
effect on an analysis with `comments: false`.

Samples are written with a margin: a line starting `C|` is one the test expects to be a
comment line, a line starting ` |` is any other line (code, or blank). The margin and the
one space after it are cut off before the sample is lexed; the rest of the line, its
indentation included, is the file's line.

What counts as a comment line (the README's definition):

* only comment tokens and whitespace on the line, as Pygments lexes the file (its lexer
  chosen by the file name); a line with code and a trailing comment is code;
* a comment marker inside a string (or a regular expression, a here-document, a raw
  string, a CDATA section) is not a comment;
* blank lines *inside* a block comment belong to the comment; blank lines between
  comments are blank lines, left to `empty_lines`;
* documentation comments and Python docstrings (a triple-quoted string that begins its
  line) are comments: they are written for readers, not run;
* preprocessor lines (`#include`, `#define`, `#pragma`), XML declarations, doctypes,
  CDATA sections and a shebang (`#!` on the first line) are code: they are instructions
  to the compiler, the parser or the system, not notes to a reader;
* languages without block comments (shell, LaTeX) have none: a shell `: '...'` is a
  command and LaTeX's `comment` environment belongs to a package, both are code.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from support.gitrepo import ALICE, BOB, GitRepo
from support.oracle import blame_lines

from gigui import api
from gigui.comments import comment_lines


def parse(marked: str) -> tuple[str, list[int]]:
    """The file text a margin-marked sample stands for, and its comment lines' indices."""
    lines: list[str] = []
    expected: list[int] = []
    for raw in marked.strip("\n").split("\n"):
        body = raw.lstrip(" ")
        if body.startswith("C|"):
            expected.append(len(lines))
            body = body[2:]
        elif body.startswith("|"):
            body = body[1:]
        else:
            raise AssertionError(f"sample line without a margin: {raw!r}")
        lines.append(body[1:] if body.startswith(" ") else body)
    return "".join(f"{ln}\n" for ln in lines), expected


def detected(path: str, text: str) -> list[int]:
    n = text.count("\n")
    return [i for i, c in enumerate(comment_lines(path, text, n)) if c]


PYTHON = '''
     | #!/usr/bin/env python3
    C| # -*- coding: utf-8 -*-
    C| """Module docstring,
    C|
    C| spanning lines with a blank one."""
     | import os  # trailing comment
     |
    C| # a comment line
    C|     # an indented comment
    C| #
     | URL = "http://example.com/#anchor"  # trailing
     | HASH = '#'
     | TEXT = """
     | # not a comment: inside a string
     | """
     | QUERY = f"{HASH} # not a comment either"
     |
     |
     | def f():
    C|     """Docstring of f."""
     |     return os.sep  # trailing
     |
     |
     | class K:
    C|     r\'\'\'Raw docstring
    C|     of K.\'\'\'
     |
    C|     # comment after a blank line
     |     x = 1
'''

C = r"""
     | #include <stdio.h>
     | #include "local.h" /* trailing comment */
     | #define SQUARE(x) ((x) * (x)) // trailing comment
     | #define LONG_MACRO(a) \
     |     ((a) + 1)
     | #pragma once
    C| /* A block comment
    C|  * spanning lines,
    C|
    C|  * with a blank line inside. */
     |
    C| // a line comment
     |
    C| /**/
     |
     | static const char *s = "/* not a comment */";
     | static const char *t = "// not a comment";
     | static char c = '/';
     | int main(void) { /* trailing */
    C|     // indented line comment
     |     return 0; // trailing
     | }
     | /* leading comment */ int x;
    C| /* two */ /* comments */ // on one line
"""

CPP = r"""
     | #include <string>
    C| // line comment
    C| /* block
    C|
    C|    end */
     | auto raw = R"(// not a comment
     | /* nor this */)";
     | std::string s = "// no";  // trailing
     | template <typename T> T id(T x) { return x; }  /* trailing */
    C|   /// doc comment
"""

JAVA = r"""
     | package demo;
     |
    C| /**
    C|  * Javadoc.
    C|
    C|  */
     | public class A {  // trailing
    C|     // line comment
     |     String s = "/* not */ // not";
     |     char c = '/';
     |     @Override
     |     public String toString() { return s; } /* trailing */
    C|     /* block */
     | }
"""

JAVASCRIPT = r"""
     | #!/usr/bin/env node
     | 'use strict';
    C| // line comment
    C| /* block
    C|
    C|  */
    C| /** JSDoc */
     | const url = "http://example.com"; // trailing
     | const re = /\/\/ not a comment/;
     | const tpl = `
     | // not a comment: inside a template literal
     | `;
     | let x = 1; /* trailing */
"""

TYPESCRIPT = r"""
    C| // line comment
    C| /* block
    C|
    C|  */
     | interface P { name: string } // trailing
     | const s: string = "/* not */";
     | const u = `// ${s}`;
     | function f<T>(x: T): T { return x; } /* trailing */
    C| /** @deprecated */
"""

RUST = r"""
     | #![allow(unused)]
    C| //! Crate documentation.
    C| /// Item documentation.
    C| /** Block documentation
    C|
    C|  */
    C| // line comment
    C| /* block /* nested */
    C|
    C|    still the block */
     | fn main() { // trailing
     |     let s = "// not a comment";
     |     let r = r#"/* not
     |     a comment */"#;
     |     let c = '/';
     | }
"""

GO = r"""
     | package main
    C| // line comment
    C| /* block
    C|
    C|  */
     | import "fmt" // trailing
     |
     | var s = "// not a comment"
     | var r = `/* not
     | a comment */`
     |
     | func main() { fmt.Println(s, r) } /* trailing */
"""

RUBY = r"""
     | #!/usr/bin/env ruby
    C| # line comment
    C| =begin
    C| block comment
    C|
    C| =end
     | name = "#{1 + 1} # not a comment"  # trailing
     | single = '# not'
     | puts name # trailing
     | text = <<~EOS
     |   # not a comment: here-document
     | EOS
    C|   # indented
"""

SHELL = r"""
     | #!/bin/sh
    C| # line comment
     | echo "# not a comment" '# nor this'  # trailing
     | n=$#
     | len=${#n}
     | echo foo#bar
    C|     # indented
     |
     | cat <<'EOF'
     | # not a comment: here-document
     | EOF
     | : '
     | not a comment: the argument of a command
     | '
"""

SQL = r"""
    C| -- line comment
    C| /* block
    C|
    C|  */
     | SELECT '-- not a comment', 'a /* b */' -- trailing
     | FROM t /* trailing */
     | WHERE a = 1;
    C|   -- indented
"""

HTML = r"""
     | <!DOCTYPE html>
    C| <!-- a comment -->
    C| <!--
    C|   block
    C|
    C| -->
     | <p title="<!-- not a comment -->">text</p> <!-- trailing -->
     | <p>-- not a comment</p>
     | <script>
    C|   // a script comment
     |   var s = "<!-- not -->"; // trailing
     | </script>
"""

XML = r"""
     | <?xml version="1.0" encoding="UTF-8"?>
    C| <!-- a comment -->
    C| <!--
    C|
    C|   block comment -->
     | <root a="-- not a comment"> <!-- trailing -->
     |   <![CDATA[
     |   <!-- not a comment: character data -->
     |   ]]>
     | </root>
"""

LUA = r"""
     | #!/usr/bin/env lua
    C| -- line comment
    C| --[[ block
    C|
    C| ]]
    C| --[==[ level 2 block
    C| ]]
    C| ]==]
     | local s = "-- not a comment" -- trailing
     | local l = [[
     | -- not a comment: long string
     | ]]
     | print(s, l) --[[ trailing ]]
"""

LATEX = r"""
    C| % line comment
     | \documentclass{article} % trailing
     | \begin{document}
     | 50\% is not a comment
    C|   % indented
     |
     | \begin{comment}
     | code: LaTeX has no block comments
     | \end{comment}
     | \end{document}
"""

SAMPLES = {
    "python": ("pkg/mod.py", PYTHON),
    "c": ("src/main.c", C),
    "c-header": ("include/main.h", C),
    "cpp": ("src/main.cpp", CPP),
    "java": ("src/A.java", JAVA),
    "javascript": ("web/app.js", JAVASCRIPT),
    "typescript": ("web/app.ts", TYPESCRIPT),
    "rust": ("src/main.rs", RUST),
    "go": ("main.go", GO),
    "ruby": ("lib/a.rb", RUBY),
    "sh": ("run.sh", SHELL),
    "bash": ("run.bash", SHELL),
    "sql": ("db/schema.sql", SQL),
    "html": ("site/index.html", HTML),
    "xml": ("pom.xml", XML),
    "lua": ("init.lua", LUA),
    "latex": ("paper/main.tex", LATEX),
}


@pytest.mark.parametrize(("path", "sample"), SAMPLES.values(), ids=SAMPLES.keys())
def test_comment_lines(path: str, sample: str) -> None:
    text, expected = parse(sample)
    assert detected(path, text) == expected


def test_unknown_language_has_no_comment_lines() -> None:
    text = "# looks like a comment\n// so does this\n"
    assert comment_lines("notes.unknown-ext", text, 2) == [False, False]
    assert comment_lines("no-extension", text, 2) == [False, False]


def test_line_endings_keep_line_numbers() -> None:
    # git splits lines at LF only: a CR, alone or before LF, stays inside its line
    text = "x = 1\r\n# comment\r\ny = 'a\rb'\n# comment\n"
    assert comment_lines("a.py", text, 4) == [False, True, False, True]


def test_line_count_is_the_callers() -> None:
    text = "# one\nx = 1\n# three\n"
    assert comment_lines("a.py", text, 2) == [True, False]
    assert comment_lines("a.py", text, 5) == [True, False, True, False, False]
    assert comment_lines("a.py", "", 0) == []


# -- the effect on an analysis ----------------------------------------------------------

PY_V1 = """
    C| # Alice's module
     | import sys
     |
    C| \"\"\"Docstring
    C| by Alice.\"\"\"
     | X = 1  # trailing
"""

PY_V2 = (
    PY_V1.rstrip("\n")
    + """
    C| # Bob's comment
     | Y = "# not a comment"
     |
"""
)

C_V1 = """
     | #include <stdio.h>
    C| /* Alice's
    C|
    C|    block */
     | int main(void) {
     |     return 0; // trailing
     | }
"""

C_V2 = (
    C_V1.rstrip("\n")
    + """
    C| // Bob's line comment
     | int bob = 1;
    C| /* Bob's block
    C|    ends here */
"""
)


def test_analysis_leaves_comment_lines_out(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "comments")
    repo.commit("alice", ALICE, {"a.py": parse(PY_V1)[0], "b.c": parse(C_V1)[0]})
    repo.commit("bob", BOB, {"a.py": parse(PY_V2)[0], "b.c": parse(C_V2)[0]})

    expected_authors: Counter[str] = Counter()
    expected_files: dict[str, int] = {}
    for path, sample in (("a.py", PY_V2), ("b.c", C_V2)):
        text, comments = parse(sample)
        assert (repo.root / path).read_text() == text
        blame = blame_lines(repo.root, path)
        kept = [name for i, (_sha, name, _email) in enumerate(blame) if i not in comments]
        expected_authors.update(kept)
        expected_files[path] = len(kept)

    result = api.execute_analysis({"input_fstrs": [str(repo.root)], "comments": False})
    (got,) = result["repositories"]
    assert {a["names"][0]: a["lines"] for a in got["authors"]} == expected_authors
    assert {f["path"]: f["lines"] for f in got["files"]} == expected_files
    # and with comments counted, every line blame attributes counts
    full = api.execute_analysis({"input_fstrs": [str(repo.root)]})["repositories"][0]
    assert {f["path"]: f["lines"] for f in full["files"]} == {
        p: len(blame_lines(repo.root, p)) for p in expected_files
    }

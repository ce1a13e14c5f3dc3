"""Fuzzing (hypothesis, a bounded number of examples) of what the engine reads: git's
output and the settings a client sends. Whatever arrives, the result is a value or an
error of the engine's own that names the problem, never an IndexError or a crash."""

from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gigui.blame import parse_porcelain
from gigui.errors import GitOutputError, InvalidSettingsError
from gigui.history import iter_log, parse_diff_tree
from gigui.settings import validate_settings

FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SHA = st.sampled_from([b"a" * 40, b"b" * 40, b"0123456789abcdef" * 2 + b"01234567"])
PORCELAIN_LINE = st.one_of(
    st.builds(lambda s, o, f: s + b" %d %d" % (o, f), SHA, st.integers(-2, 9), st.integers(-2, 9)),
    st.builds(lambda t: b"author " + t, st.binary(max_size=10)),
    st.builds(lambda t: b"author-mail <" + t + b">", st.binary(max_size=10)),
    st.builds(lambda t: b"author-time " + t, st.binary(max_size=6)),
    st.builds(lambda t: b"\t" + t, st.binary(max_size=10)),
    st.binary(max_size=12),
)


@FUZZ
@given(st.lists(PORCELAIN_LINE, max_size=30), st.binary(max_size=300))
def test_blame_output_parses_to_a_consistent_blame_or_names_the_problem(lines, raw) -> None:
    for data in (b"\n".join(lines), raw):
        try:
            fb = parse_porcelain(data, "f.py", want_content=True)
        except GitOutputError:
            continue
        assert all(sha in fb.commits for sha in fb.line_shas)
        assert fb.contents is not None and len(fb.contents) == fb.lines


LOG_TOKEN = st.one_of(
    st.builds(lambda s, p: s + b" " + p, SHA, SHA),
    SHA,
    st.builds(
        lambda a, d, p: b"%s\t%s\t%s" % (a, d, p),
        st.sampled_from([b"1", b"-", b"x"]),
        st.sampled_from([b"2", b"-"]),
        st.binary(max_size=6),
    ),
    st.builds(lambda t: b":100644 100644 abc def " + t, st.sampled_from([b"M", b"R100", b"A"])),
    st.binary(max_size=10),
)


@FUZZ
@given(st.lists(LOG_TOKEN, max_size=40), st.binary(max_size=300))
def test_log_output_parses_or_names_the_problem(tokens, raw) -> None:
    for data in (b"\0".join(tokens), raw):
        try:
            for record in iter_log(data):
                assert isinstance(record.sha, str) and isinstance(record.rows, list)
        except GitOutputError:
            pass
        with contextlib.suppress(GitOutputError):
            parse_diff_tree(data)


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
FIELDS = st.sampled_from(
    [
        "input_fstrs",
        "rev",
        "n_files",
        "since",
        "until",
        "ex_revisions",
        "extensions",
        "copy_move",
        "max_workers",
        "blame",
        "whitespace",
        "other",
    ]
)


@FUZZ
@given(st.dictionaries(FIELDS, JSONISH, max_size=6) | JSONISH)
def test_any_settings_are_valid_or_name_their_field(data) -> None:
    try:
        validate_settings(data)
    except InvalidSettingsError as exc:
        assert exc.errors and all(e["field"] for e in exc.errors)

"""Reading a `gitinspector/blame` answer (see docs/protocol.md)."""

from __future__ import annotations

from typing import Any


def line_shas(answer: dict[str, Any]) -> list[str]:
    """The commit sha of every line, expanded from the flat `runs` pairs
    `[lineCount, commitIndex, …]`."""
    runs, commits = answer["runs"], answer["commits"]
    shas: list[str] = []
    for i in range(0, len(runs), 2):
        shas += [commits[runs[i + 1]]["sha"]] * runs[i]
    return shas


def apply_answer(held: dict[str, Any] | None, answer: dict[str, Any]) -> dict[str, Any]:
    """The full answer a client holds after `answer`, as the editor
    extensions keep it: `unchanged` keeps `held`, a delta (`edits`) patches
    `held`'s runs, anything else replaces it."""
    if answer.get("unchanged"):
        assert held is not None and held["resultId"] == answer["resultId"]
        return held
    if "edits" not in answer:
        return answer
    assert held is not None, "a delta needs the answer it was made against"
    runs = list(held["runs"])
    # Every edit's `start` is an index into the held runs: apply from the end.
    for edit in sorted(answer["edits"], key=lambda e: e["start"], reverse=True):
        runs[edit["start"] : edit["start"] + edit["deleteCount"]] = edit["data"]
    return {
        **held,
        "runs": runs,
        "version": answer["version"],
        "lineCount": answer["lineCount"],
        "resultId": answer["resultId"],
    }

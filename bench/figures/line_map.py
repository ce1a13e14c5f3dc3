"""Figure 14: the edit-to-blame map in the daemon on a 200,000-line file: one edited line,
a whole-file reformat (every line re-indented) and a partial one (every third line), each
followed by `gitinspector/blame`;
the daemon's own time for the map (`blame/lineMap` of getPerformanceStats: the buffer's
lines against the committed ones), not the protocol's. Each edit comes a moment after the
file was shown, as a person's would: the daemon indexes a large file's committed lines in
the background when its blame is loaded (a few milliseconds), and an edit arriving before
that waits for it."""

from __future__ import annotations

import time
from pathlib import Path

from support.gitrepo import GitRepo

from bench.common import Daemons, Report, Row, blame, check_blame, verdict

LINES = 200_000
#: between the file shown and the edit (a person reads before typing)
SHOWN = 0.3


def _map_ms(client) -> float:
    stats = client.request("gitinspector/getPerformanceStats")
    return float(stats["methods"]["blame/lineMap"]["max_ms"])


def fig_line_map(report: Report, daemons: Daemons, work: Path) -> None:
    repo = GitRepo(work / "line-map")
    text = "".join(f"value_{i} = compute({i}, {i * 7 % 1000})\n" for i in range(LINES))
    repo.commit("a big file", ("Ann", "ann@example.com"), {"big.py": text})
    client = daemons.start(work / "home-line-map")
    try:
        client.initialize(repo.root)
        uri = client.open_document(repo.root / "big.py", text=text)
        check_blame(blame(client, uri), LINES)
        cases = {
            "one edited line": text.replace("value_100000 =", "value_100000  =", 1),
            "whole-file reformat": "".join("    " + line for line in text.splitlines(True)),
            # a formatter's pass: some lines change, most stay, in order
            "every third line re-indented": "".join(
                ("    " + line) if i % 3 == 0 else line
                for i, line in enumerate(text.splitlines(True))
            ),
        }
        for version, (name, edited) in enumerate(cases.items(), start=2):
            # a fresh daemon measures each case alone (the max of its lineMap samples)
            if version > 2:
                daemons.stop(client)
                client = daemons.start(work / f"home-line-map-{version}")
                client.initialize(repo.root)
                uri = client.open_document(repo.root / "big.py", text=text)
                check_blame(blame(client, uri), LINES)
            time.sleep(SHOWN)
            client.notify(
                "textDocument/didChange",
                {
                    "textDocument": {"uri": uri, "version": version},
                    "contentChanges": [{"text": edited}],
                },
            )
            check_blame(blame(client, uri), LINES)
            took = _map_ms(client)
            report.add(
                Row(
                    f"14 edit-to-blame map, 200,000 lines: {name}",
                    "≤ 5 ms",
                    f"{took:.2f} ms",
                    verdict=verdict(took <= 5.0),
                    note="daemon's blame/lineMap (max of the first blame and this one)",
                )
            )
    finally:
        daemons.stop(client)

"""Every setting's default is defined once, in the daemon, and announced in `initialize`
(`capabilities.experimental.gitinspector.defaults`): clients send only what the user set
and display these otherwise."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_initialize_announces_the_defaults_the_docs_list(start_daemon, tmp_path) -> None:
    client = start_daemon()
    result = client.initialize(tmp_path)
    defaults = result["capabilities"]["experimental"]["gitinspector"]["defaults"]
    assert defaults["dateFormat"] == "relative"
    assert defaults["codeLens"] == {"file": True, "blocks": True, "minBlockLines": 3}
    assert defaults["inlayHints"] == {"enabled": False}
    assert defaults["hover"] == {"enabled": True}
    # the configuration table of docs/protocol.md shows the same values
    table = (ROOT / "docs" / "protocol.md").read_text()
    nested = {
        "codeLens.file": defaults["codeLens"]["file"],
        "codeLens.blocks": defaults["codeLens"]["blocks"],
        "codeLens.minBlockLines": defaults["codeLens"]["minBlockLines"],
        "hover.enabled": defaults["hover"]["enabled"],
        "inlayHints.enabled": defaults["inlayHints"]["enabled"],
    }
    for key in ("dateFormat", "blameTemplate", "cacheBudgetMb", *nested):
        row = re.search(rf"^\| `{key}` \| (.+?) \|", table, re.M)
        assert row, key
        shown = row.group(1).strip('`"')
        value = nested.get(key, defaults.get(key))
        if isinstance(value, bool):
            value = str(value).lower()
        assert str(value).strip('"') == shown.strip('"'), key


def test_custom_methods_take_typed_params(daemon) -> None:
    """A malformed `gitinspector/blame` is InvalidParams, answered by the dispatch
    table's typed params before any handler runs."""
    _, future = daemon.send_request("gitinspector/blame", {"textDocument": 3})
    error = future.result(timeout=30)["error"]
    assert error["code"] == -32602
    assert daemon.request("gitinspector/healthCheck")["status"] == "ok"

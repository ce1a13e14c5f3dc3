"""Long analyses: other requests keep flowing, cancellation stops the engine,
progress is reported."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from support import corpus
from support.rpc import RpcError


@pytest.fixture(scope="module")
def big_repo(tmp_path_factory) -> Path:
    # Big enough that analyzing it takes seconds on two cores.
    return corpus.build(tmp_path_factory.mktemp("corpus") / "small", corpus.PRESETS["small"])


def test_quick_requests_are_answered_while_an_analysis_runs(daemon, big_repo):
    daemon.request("gitinspector/healthCheck")  # engine warm
    _, analysis = daemon.send_request(
        "gitinspector/executeAnalysis", {"input_fstrs": [str(big_repo)]}
    )
    time.sleep(0.3)
    answered = 0
    while not analysis.done() and answered < 5:
        daemon.request("gitinspector/getPerformanceStats", timeout=10)
        assert daemon.request("gitinspector/healthCheck", timeout=10)["status"] == "ok"
        answered += 1
    assert answered > 0 and not analysis.done(), "quick requests must not wait for the analysis"
    result = daemon.result(analysis, timeout=300)
    assert result["repositories"][0]["totals"]["files"] == corpus.PRESETS["small"].files


def test_cancel_request_stops_the_engine_not_just_the_answer(daemon, big_repo):
    daemon.request("gitinspector/healthCheck")
    request_id, analysis = daemon.send_request(
        "gitinspector/executeAnalysis", {"input_fstrs": [str(big_repo)]}
    )
    time.sleep(0.5)
    assert not analysis.done()
    daemon.cancel(request_id)
    with pytest.raises(RpcError) as err:
        daemon.result(analysis, timeout=30)
    assert err.value.code == -32800
    # The engine noticed the flag and stopped: its call ended as cancelled,
    # and nothing is left running.
    deadline = time.monotonic() + 30
    while True:
        engine = daemon.request("gitinspector/getPerformanceStats")["engine"]
        if engine["in_flight"] == 0:
            break
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert engine["cancelled"] == 1
    assert daemon.request("gitinspector/getPerformanceStats")["cached_results"] == 0


def test_work_done_progress_is_reported(start_daemon, big_repo, tmp_path):
    client = start_daemon()
    client.initialize(tmp_path, capabilities={"window": {"workDoneProgress": True}})
    client.request("gitinspector/executeAnalysis", {"input_fstrs": [str(big_repo)]}, timeout=300)
    create = [r for r in client.server_requests if r["method"] == "window/workDoneProgress/create"]
    assert len(create) == 1
    token = create[0]["params"]["token"]
    # Notifications and the response travel separately: wait for the end.
    client.wait_for(lambda m: m["method"] == "$/progress" and m["params"]["value"]["kind"] == "end")
    values = [
        n["params"]["value"]
        for n in client.notifications
        if n["method"] == "$/progress" and n["params"]["token"] == token
    ]
    kinds = [v["kind"] for v in values]
    assert kinds[0] == "begin" and kinds[-1] == "end" and "report" in kinds
    percentages = [v["percentage"] for v in values if v["kind"] == "report"]
    assert percentages == sorted(percentages) and percentages[-1] == 100


def test_client_supplied_progress_token_is_used(daemon, big_repo):
    daemon.request(
        "gitinspector/getBlameData",
        {
            "input_fstrs": [str(big_repo)],
            "files": ["src/pkg00/module_00000.py"],
            "workDoneToken": "my-token",
        },
    )
    daemon.wait_for(lambda m: m["method"] == "$/progress" and m["params"]["value"]["kind"] == "end")
    values = [
        n["params"]["value"]["kind"]
        for n in daemon.notifications
        if n["method"] == "$/progress" and n["params"]["token"] == "my-token"
    ]
    assert values[0] == "begin" and values[-1] == "end"

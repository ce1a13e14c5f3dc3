"""Fixtures for the cross-component tests: the real daemon binary over stdio."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import env as support_env
from support.rpc import RpcClient

ROOT = Path(__file__).resolve().parent.parent


def daemon_binary() -> Path:
    configured = os.environ.get("GITINSPECTOR_LSP_BIN")
    candidates = (
        [Path(configured)]
        if configured
        else [ROOT / "target/release/gitinspector-lsp", ROOT / "target/debug/gitinspector-lsp"]
    )
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    pytest.fail(f"daemon binary not built (looked for {candidates}); run the README's test command")


@pytest.fixture(scope="session")
def daemon_bin() -> Path:
    return daemon_binary()


@pytest.fixture
def isolated_env(tmp_path: Path) -> dict[str, str]:
    return support_env.isolated_env(tmp_path / "home")


@pytest.fixture
def start_daemon(daemon_bin: Path, isolated_env: dict[str, str], tmp_path: Path):
    clients: list[RpcClient] = []

    def start(extra_env: dict[str, str] | None = None, cwd: Path | None = None) -> RpcClient:
        client = RpcClient(
            [str(daemon_bin)],
            env={**isolated_env, **(extra_env or {})},
            cwd=cwd or tmp_path,
            stderr_path=tmp_path / f"daemon-{len(clients)}.stderr",
        )
        clients.append(client)
        return client

    yield start
    for client in clients:
        client.close()
        assert not client.protocol_errors, client.protocol_errors


@pytest.fixture
def lsp(start_daemon, repo) -> RpcClient:
    """A daemon initialized on the test module's `repo` fixture (a GitRepo)."""
    client = start_daemon()
    client.initialize(repo.root)
    return client


@pytest.fixture
def daemon(start_daemon, tmp_path: Path) -> Iterator[RpcClient]:
    client = start_daemon()
    client.initialize(tmp_path)
    yield client

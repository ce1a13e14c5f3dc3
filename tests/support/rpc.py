"""A strict JSON-RPC client over a child's stdio, for driving the real daemon.

Every byte the daemon writes to stdout must be a well-formed LSP frame; any
stray byte is recorded in `protocol_errors` and fails the test using it.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import subprocess
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any


def editor_text(data: bytes, encoding: str = "utf-8") -> str:
    """A file's text as an editor holds it: decoded (U+FFFD for bytes that are not valid in
    ENCODING), without a byte order mark, line endings as in the file."""
    return data.decode(encoding, "replace").removeprefix("\ufeff")


class RpcError(Exception):
    def __init__(self, error: dict[str, Any]) -> None:
        super().__init__(f"{error.get('code')}: {error.get('message')}")
        self.code = error.get("code")
        self.message = error.get("message", "")
        self.data = error.get("data")


class RpcClient:
    def __init__(
        self,
        argv: list[str],
        env: dict[str, str],
        cwd: Path,
        stderr_path: Path,
        answer_server_requests: bool = True,
    ) -> None:
        self._stderr_file = open(stderr_path, "wb")  # noqa: SIM115 - closed in close()
        self.stderr_path = stderr_path
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr_file,
            env=env,
            cwd=cwd,
        )
        self._ids = itertools.count(1)
        self._pending: dict[int, Future] = {}
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._cond = threading.Condition()
        self.notifications: list[dict[str, Any]] = []
        self.server_requests: list[dict[str, Any]] = []
        self.protocol_errors: list[str] = []
        #: error responses that name no request (JSON-RPC's `id: null`)
        self.errors_without_id: list[dict[str, Any]] = []
        self.answer_server_requests = answer_server_requests
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()

    # -- sending -----------------------------------------------------------
    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps(message).encode()
        frame = b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
        with self._write_lock:
            assert self.proc.stdin is not None
            self.proc.stdin.write(frame)
            self.proc.stdin.flush()

    def send_request(self, method: str, params: Any = None) -> tuple[int, Future]:
        request_id = next(self._ids)
        future: Future = Future()
        with self._lock:
            self._pending[request_id] = future
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id, "method": method}
        if params is not None:
            message["params"] = params
        self._send(message)
        return request_id, future

    def send_bytes(self, data: bytes, expect_id: int | str | None = None) -> Future | None:
        """Writes DATA to the daemon's stdin as is (malformed frames, partial frames);
        with EXPECT_ID, returns the future of the response carrying that id."""
        future: Future | None = None
        if expect_id is not None:
            future = Future()
            with self._lock:
                self._pending[expect_id] = future
        with self._write_lock:
            assert self.proc.stdin is not None
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        return future

    def wait_errors_without_id(self, count: int, timeout: float = 30) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.errors_without_id) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"{len(self.errors_without_id)} of {count} errors")
                self._cond.wait(remaining)
            return list(self.errors_without_id)

    def send_raw(self, message: dict[str, Any]) -> Future:
        """Sends a request exactly as given (for odd but valid shapes)."""
        future: Future = Future()
        with self._lock:
            self._pending[message["id"]] = future
        self._send(message)
        return future

    def request(self, method: str, params: Any = None, timeout: float = 60) -> Any:
        _, future = self.send_request(method, params)
        return self.result(future, timeout)

    @staticmethod
    def result(future: Future, timeout: float = 60) -> Any:
        response = future.result(timeout)
        if "error" in response:
            raise RpcError(response["error"])
        return response.get("result")

    def notify(self, method: str, params: Any = None) -> None:
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        self._send(message)

    def cancel(self, request_id: int) -> None:
        self.notify("$/cancelRequest", {"id": request_id})

    def initialize(self, root: Path, capabilities: dict | None = None, options: Any = None):
        result = self.request(
            "initialize",
            {
                "processId": None,
                "rootUri": root.as_uri(),
                "capabilities": capabilities or {},
                "initializationOptions": options,
                # a name that is not UTF-8 shown as an editor shows it (U+FFFD)
                "workspaceFolders": [
                    {"uri": root.as_uri(), "name": os.fsencode(root.name).decode(errors="replace")}
                ],
            },
        )
        self.notify("initialized", {})
        return result

    def open_document(
        self,
        path: Path,
        version: int = 1,
        language_id: str = "python",
        text: str | None = None,
    ) -> str:
        """Sends `textDocument/didOpen` with TEXT, by default the file's text as VS Code
        holds it (UTF-8, bad bytes as U+FFFD, no byte order mark, line endings kept);
        returns its URI (a name that is not UTF-8 is percent-encoded bytes)."""
        uri = path.as_uri()
        if text is None:
            text = editor_text(path.read_bytes())
        self.notify(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": uri,
                    "languageId": language_id,
                    "version": version,
                    "text": text,
                }
            },
        )
        return uri

    def shutdown(self, timeout: float = 10) -> int:
        self.request("shutdown", None, timeout)
        self.notify("exit")
        return self.proc.wait(timeout)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self._reader.join(5)
        self._stderr_file.close()

    # -- receiving ---------------------------------------------------------
    def wait_for(
        self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 30
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for message in self.notifications:
                    if predicate(message):
                        return message
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError("no matching notification")
                self._cond.wait(remaining)

    def _read_exact(self, n: int) -> bytes:
        assert self.proc.stdout is not None
        data = b""
        while len(data) < n:
            chunk = self.proc.stdout.read(n - len(data))
            if not chunk:
                raise EOFError
            data += chunk
        return data

    def _read_loop(self) -> None:
        assert self.proc.stdout is not None
        try:
            while True:
                length = None
                while True:
                    line = self.proc.stdout.readline()
                    if not line:
                        return
                    if line == b"\r\n":
                        break
                    name, sep, value = line.decode("ascii", "replace").partition(":")
                    if not sep or not line.endswith(b"\r\n"):
                        self.protocol_errors.append(f"bad header line: {line!r}")
                        continue
                    if name.lower() == "content-length":
                        length = int(value.strip())
                    elif name.lower() != "content-type":
                        self.protocol_errors.append(f"unknown header: {line!r}")
                if length is None:
                    self.protocol_errors.append("frame without Content-Length")
                    continue
                body = self._read_exact(length)
                try:
                    message = json.loads(body)
                except ValueError:
                    self.protocol_errors.append(f"frame is not JSON: {body[:200]!r}")
                    continue
                self._dispatch(message)
        except EOFError:
            return

    def _dispatch(self, message: dict[str, Any]) -> None:
        if message.get("jsonrpc") != "2.0":
            self.protocol_errors.append(f"not JSON-RPC 2.0: {message}")
        if "method" in message and "id" in message:
            with self._cond:
                self.server_requests.append(message)
                self._cond.notify_all()
            if self.answer_server_requests:
                # The test may have closed the daemon's stdin (or killed it) while the
                # daemon's last request was on its way: nobody is left to answer.
                with contextlib.suppress(BrokenPipeError):
                    self._send({"jsonrpc": "2.0", "id": message["id"], "result": None})
        elif "method" in message:
            with self._cond:
                self.notifications.append(message)
                self._cond.notify_all()
        elif message.get("id") is None and "error" in message:
            with self._cond:
                self.errors_without_id.append(message)
                self._cond.notify_all()
        else:
            with self._lock:
                future = self._pending.pop(message.get("id"), None)
            if future is None:
                self.protocol_errors.append(f"response to no request: {message}")
            else:
                future.set_result(message)

"""A stand-in for gitinspector-lsp in the Neovim tests: a small LSP server over stdio that
announces the defaults given as JSON in argv[1] (capabilities.experimental.gitinspector
.defaults) and blames every line of every document on one commit. The tests check that
the plugin's own texts follow what a daemon announces, not a copy of today's defaults.

Usage: python3 fake_daemon.py '{"blameTemplate": "...", "dateFormat": "..."}'
"""

import json
import sys

DEFAULTS = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
NOT_COMMITTED = "0" * 40
COMMIT = {
    "sha": "f" * 40,
    "author": "Fay Fake",
    "email": "fay@example.com",
    "authorTime": 1700000000,
    "committerTime": 1700000000,
    "summary": "Fake commit",
    "isCurrentUser": False,
    "authorRank": 0,
}
# gitinspector.fileAuthors: three authors, most lines first.
FILE_AUTHORS = [("Fay Fake", 5), ("Gus Guest", 3), ("Hal Helper", 1)]

documents = {}  # uri -> (version, line count)


def line_count(text):
    return len(text.split("\n")) - (1 if text.endswith("\n") else 0)


def read_message(stream):
    length = None
    while True:
        line = stream.readline()
        if not line:
            return None
        line = line.strip()
        if not line:
            break
        key, _, value = line.decode("ascii").partition(":")
        if key.lower() == "content-length":
            length = int(value)
    return json.loads(stream.read(length))


def send(message):
    body = json.dumps(message).encode("utf-8")
    sys.stdout.buffer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    sys.stdout.buffer.flush()


def blame(params):
    uri = params["textDocument"]["uri"]
    version, count = documents.get(uri, (None, 0))
    return {
        "uri": uri,
        "version": version,
        "repository": "/fake",
        "path": uri.rsplit("/", 1)[-1],
        "revision": "f" * 40,
        "lineCount": count,
        "runs": [count, 0] if count else [],
        "commits": [
            COMMIT,
            {
                "sha": NOT_COMMITTED,
                "author": "Not Committed Yet",
                "email": "",
                "authorTime": 0,
                "committerTime": 0,
                "summary": "Not Committed Yet",
                "isCurrentUser": False,
                "authorRank": None,
            },
        ],
        "currentUser": {"name": "Someone Else", "email": "someone@example.com"},
        "resultId": f"fake:{version}",
    }


def execute(params):
    if params.get("command") != "gitinspector.fileAuthors":
        return None
    uri = params["arguments"][0]
    total = sum(n for _, n in FILE_AUTHORS)
    authors = [
        {
            "name": name,
            "email": name.split()[0].lower() + "@example.com",
            "lines": n,
            "percent": 100.0 * n / total,
            "lastChange": {
                "sha": COMMIT["sha"],
                "authorTime": COMMIT["authorTime"],
                "summary": COMMIT["summary"],
            },
        }
        for name, n in FILE_AUTHORS
    ]
    return {
        "path": uri.rsplit("/", 1)[-1],
        "repository": "/fake",
        "lines": total,
        "authors": authors,
    }


def main():
    while True:
        message = read_message(sys.stdin.buffer)
        if message is None:
            return
        method, params = message.get("method"), message.get("params") or {}
        if method == "exit":
            return
        if method in ("textDocument/didOpen", "textDocument/didChange"):
            doc = params["textDocument"]
            if method == "textDocument/didOpen":
                text = doc["text"]
            else:
                text = params["contentChanges"][-1]["text"]
            documents[doc["uri"]] = (doc.get("version"), line_count(text))
        if "id" not in message or method is None:
            continue  # a notification, or a response to a request of ours
        if method == "initialize":
            result = {
                "capabilities": {
                    "textDocumentSync": {"openClose": True, "change": 1},
                    "codeLensProvider": {"resolveProvider": False},
                    "executeCommandProvider": {"commands": ["gitinspector.fileAuthors"]},
                    "experimental": {"gitinspector": {"defaults": DEFAULTS}},
                },
                "serverInfo": {"name": "fake-gitinspector-lsp", "version": "0"},
            }
        elif method == "gitinspector/blame":
            result = blame(params)
        elif method == "workspace/executeCommand":
            result = execute(params)
        elif method == "textDocument/codeLens":
            result = []
        else:
            result = None
        send({"jsonrpc": "2.0", "id": message["id"], "result": result})


if __name__ == "__main__":
    main()

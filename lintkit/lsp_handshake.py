"""`initialize` answered before pygls is imported: importing pygls and lsprotocol costs ~300 ms
(lsprotocol creates a thousand attrs classes), and an editor waits for this answer before it
sends anything else.

The first message on stdin is read here. When it is an `initialize` request, the answer the server
would give (its capabilities depend only on the position encodings the client offers and on
whether it announces `willSave`/`willSaveWaitUntil`) is written at once; then pygls is imported and
given the same request first, so that it sets itself up (workspace, position encoding, the
server's `initializationOptions`) exactly as without this, and its own answer to that request is
not sent again. Should pygls answer differently, the difference is logged on stderr
(tests/test_lsp_handshake.py keeps the two equal). Any other first message goes to pygls as it is.
"""
from __future__ import annotations

import json
import logging

from .model.lazyre import lazy_compile

CONTENT_LENGTH = lazy_compile(rb"^Content-Length: (\d+)\r\n$")  # the header as pygls reads it
CONTENT_TYPE = b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n"
ENCODINGS = ("utf-8", "utf-16", "utf-32")  # what pygls and lintkit.lsp convert positions to
DEFAULT_ENCODING = "utf-16"
TEXT_DOCUMENT_SYNC_INCREMENTAL = 2
# The code actions lintkit.lsp_actions serves: quick fixes and "fix all safe fixes in this file".
CODE_ACTION_KINDS = ("quickfix", "source.fixAll.lintkit")

logger = logging.getLogger(__name__)


def read_message(stdin) -> tuple[bytes, dict | None]:
    """The next message's bytes as read (headers and body) and its body parsed, or None when it is
    not a JSON object (pygls then answers it as it would)."""
    raw, length = b"", 0
    while True:
        header = stdin.readline()
        raw += header
        if not header:
            return raw, None
        if not length:
            match = CONTENT_LENGTH.fullmatch(header)
            if match:
                length = int(match.group(1))
        if length and not header.strip():
            break
    body = stdin.read(length)
    raw += body
    try:
        message = json.loads(body)
    except ValueError:
        return raw, None
    return raw, message if isinstance(message, dict) else None


def frame(message: dict) -> bytes:
    body = json.dumps(message).encode("utf-8")
    return b"Content-Length: %d\r\n" % len(body) + CONTENT_TYPE + b"\r\n" + body


def position_encoding(capabilities: dict) -> str:
    """The client's first offered encoding that the server speaks, else UTF-16 (pygls' choice)."""
    general = capabilities.get("general")
    offered = general.get("positionEncodings") if isinstance(general, dict) else None
    for encoding in offered or ():
        if encoding in ENCODINGS:
            return encoding
    return DEFAULT_ENCODING


def initialize_result(params: dict, version: str) -> dict:
    """What the server answers to `initialize` with these params, as pygls' capability builder
    works it out for the features lintkit.lsp registers (open/close/change/save, hover, code
    actions, watched files, shutdown)."""
    capabilities = params.get("capabilities") or {}
    document = capabilities.get("textDocument") or {}
    synchronization = document.get("synchronization") or {}
    sync = {"openClose": True, "change": TEXT_DOCUMENT_SYNC_INCREMENTAL}
    # pygls sends `client value and the server has the feature`: false once the client names it
    for name in ("willSave", "willSaveWaitUntil"):
        if synchronization.get(name) is not None:
            sync[name] = False
    sync["save"] = True
    return {
        "capabilities": {
            "positionEncoding": position_encoding(capabilities),
            "textDocumentSync": sync,
            "hoverProvider": True,
            "codeActionProvider": {"codeActionKinds": list(CODE_ACTION_KINDS)},
            "executeCommandProvider": {"commands": []},
            "workspace": {"workspaceFolders": {"supported": True, "changeNotifications": True},
                          "fileOperations": {}},
        },
        "serverInfo": {"name": "lintkit", "version": version},
    }


def answerable(message: dict | None) -> bool:
    """An `initialize` request whose params have the shape pygls accepts at the top level (anything
    odder is left to pygls, which answers it with the right error)."""
    if message is None or message.get("method") != "initialize" or message.get("jsonrpc") != "2.0":
        return False
    if not isinstance(message.get("id"), (int, str)) or isinstance(message.get("id"), bool):
        return False
    params = message.get("params")
    if not isinstance(params, dict) or not isinstance(params.get("capabilities"), dict):
        return False
    capabilities = params["capabilities"]
    if not all(isinstance(capabilities.get(part), (dict, type(None)))
               for part in ("general", "textDocument", "workspace")):
        return False
    encodings = (capabilities.get("general") or {}).get("positionEncodings")
    if encodings is not None and not (isinstance(encodings, list)
                                      and all(isinstance(e, str) for e in encodings)):
        return False
    return isinstance((capabilities.get("textDocument") or {}).get("synchronization"), (dict, type(None)))


class Replay:
    """stdin with bytes already read put back in front of it (pygls reads lines and exact sizes)."""

    def __init__(self, head: bytes, stdin):
        self._head = head
        self._stdin = stdin

    def readline(self) -> bytes:
        if self._head:
            line, newline, self._head = self._head.partition(b"\n")
            return line + newline if newline else line + self._stdin.readline()
        return self._stdin.readline()

    def read(self, size: int) -> bytes:
        if self._head:
            part, self._head = self._head[:size], self._head[size:]
            return part + (self._stdin.read(size - len(part)) if len(part) < size else b"")
        return self._stdin.read(size)


class AnsweredOnce:
    """stdout that holds back pygls' answer to the request answered already, once, and hands it to
    `compare` (the rest passes as it is)."""

    def __init__(self, stdout, request_id, compare):
        self._stdout = stdout
        self._request_id = request_id
        self._compare = compare

    def write(self, data: bytes) -> None:
        if self._request_id is not None:
            message = _body_of(data)
            if message is not None and message.get("id") == self._request_id and "method" not in message:
                self._request_id = None
                self._compare(message)
                return
        self._stdout.write(data)

    def flush(self) -> None:
        self._stdout.flush()

    def close(self) -> None:
        self._stdout.close()


def _body_of(data: bytes) -> dict | None:
    _, separator, body = data.partition(b"\r\n\r\n")
    try:
        message = json.loads(body) if separator else None
    except ValueError:
        return None
    return message if isinstance(message, dict) else None


def answer_initialize(stdin, stdout, version: str):
    """Reads the first message; answers it when it is `initialize`. Returns the stdin and stdout
    pygls is to use, and the answer sent (None when nothing was answered)."""
    raw, message = read_message(stdin)
    if not answerable(message):
        return Replay(raw, stdin), stdout, None
    answer = {"id": message["id"], "jsonrpc": "2.0",
              "result": initialize_result(message["params"], version)}
    stdout.write(frame(answer))
    stdout.flush()
    return Replay(raw, stdin), stdout, answer


def serve(args) -> int:
    """`lintkit lsp`: answers `initialize`, then imports and runs the server (lintkit.lsp)."""
    import sys

    from . import __version__

    stdin, stdout, answer = answer_initialize(sys.stdin.buffer, sys.stdout.buffer, __version__)
    if answer is not None:
        stdout = AnsweredOnce(stdout, answer["id"], lambda own: check_answer(answer, own))
    from .lsp import serve as serve_lsp

    return serve_lsp(args, stdin, stdout)


def check_answer(answer: dict, own: dict) -> None:
    if own.get("result") != answer["result"]:
        logger.warning("initialize was answered with %s before the server had loaded; the server "
                       "itself answers %s", json.dumps(answer["result"]), json.dumps(own))

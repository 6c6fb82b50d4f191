"""`initialize` answered before pygls loads (lintkit.lsp_handshake): the same answer pygls gives,
sent once, and pygls still set up by the same request."""
from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from hypothesis import given, settings, strategies as st

pytest.importorskip("pygls", reason="the language server needs pygls: pip install -e '.[test]'")

from lintkit import __version__  # noqa: E402
from lintkit.lsp import Settings, create_server  # noqa: E402
from lintkit.lsp_handshake import (  # noqa: E402
    AnsweredOnce, Replay, answer_initialize, answerable, frame, initialize_result, read_message)


class Captured:
    def __init__(self):
        self.written: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.written.append(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def messages(self) -> list[dict]:
        return [json.loads(data.partition(b"\r\n\r\n")[2]) for data in self.written]


def pygls_answer(params: dict) -> dict:
    """What pygls itself answers to `initialize` with `params`, the server built as `lintkit lsp`
    builds it."""
    server = create_server(Settings())
    out = Captured()
    server.protocol.set_writer(out)
    body = json.dumps({"jsonrpc": "2.0", "id": 7, "method": "initialize", "params": params})
    server.protocol.handle_message(json.loads(body, object_hook=server.protocol.structure_message))
    (answer,) = [message for message in out.messages() if message.get("id") == 7]
    return answer["result"]


maybe_bool = st.sampled_from([None, True, False])
encodings = st.lists(st.sampled_from(["utf-8", "utf-16", "utf-32", "UTF-8", "latin-1"]), max_size=3)


@st.composite
def client_capabilities(draw) -> dict:
    capabilities: dict = {}
    if draw(st.booleans()):
        capabilities["general"] = {"positionEncodings": draw(encodings)} if draw(st.booleans()) else {}
    if draw(st.booleans()):
        synchronization = {name: value for name in ("willSave", "willSaveWaitUntil", "didSave")
                           if (value := draw(maybe_bool)) is not None or draw(st.booleans())}
        capabilities["textDocument"] = {"synchronization": synchronization,
                                        "hover": {"contentFormat": ["markdown"]}}
    if draw(st.booleans()):
        capabilities["workspace"] = {"fileOperations": {"didCreate": draw(st.booleans()),
                                                        "willRename": draw(st.booleans())},
                                     "workspaceFolders": draw(st.booleans())}
    if draw(st.booleans()):
        capabilities["notebookDocument"] = {"synchronization": {"dynamicRegistration": False}}
    return capabilities


@settings(max_examples=80, deadline=None)
@given(client_capabilities())
def test_the_early_answer_is_the_one_pygls_gives(capabilities):
    params = {"processId": None, "rootUri": None, "capabilities": capabilities}
    assert answerable({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": params})
    assert initialize_result(params, __version__) == pygls_answer(params)


def test_only_initialize_requests_of_the_expected_shape_are_answered_early():
    request = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}
    assert answerable(request)
    assert not answerable(None)
    assert not answerable({**request, "method": "shutdown"})
    assert not answerable({k: v for k, v in request.items() if k != "id"})  # a notification
    assert not answerable({**request, "id": True})
    assert not answerable({**request, "params": {}})
    assert not answerable({**request, "params": {"capabilities": {"general": []}}})
    assert not answerable({**request, "params": {"capabilities": {"textDocument": {"synchronization": 1}}}})
    assert not answerable({**request, "params": {"capabilities": {"general": {"positionEncodings": "utf-8"}}}})
    assert answerable({**request, "params": {"capabilities": {"general": {"positionEncodings": ["utf-8"]}}}})


def test_the_request_is_put_back_in_front_of_stdin_byte_for_byte():
    first = frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
    second = frame({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    stdin = io.BytesIO(first + second)
    out = Captured()
    replayed, stdout, answer = answer_initialize(stdin, out, "9.9")
    assert stdout is out and answer["id"] == 1 and answer["result"]["serverInfo"]["version"] == "9.9"
    assert out.messages() == [answer]
    again, message = read_message(replayed)  # pygls reads headers by line, bodies by size
    assert again == first and message["method"] == "initialize"
    assert read_message(replayed)[1]["method"] == "initialized"
    assert read_message(replayed) == (b"", None)


def test_any_other_first_message_is_left_to_pygls():
    first = frame({"jsonrpc": "2.0", "id": 3, "method": "shutdown"})
    out = Captured()
    replayed, _, answer = answer_initialize(io.BytesIO(first), out, "1")
    assert answer is None and out.written == []
    assert replayed.read(len(first)) == first
    garbage = b"Content-Length: 5\r\n\r\nhello"
    replayed, _, answer = answer_initialize(io.BytesIO(garbage), out, "1")
    assert answer is None and replayed.readline() == b"Content-Length: 5\r\n"


def test_pygls_answer_to_the_answered_request_is_held_back_once():
    out = Captured()
    held = []
    writer = AnsweredOnce(out, 1, held.append)
    log = frame({"jsonrpc": "2.0", "method": "window/logMessage", "params": {"type": 2, "message": "m"}})
    writer.write(log)
    writer.write(frame({"id": 1, "jsonrpc": "2.0", "result": {"x": 1}}))
    writer.write(frame({"id": 1, "jsonrpc": "2.0", "result": {"x": 2}}))  # not again
    assert held == [{"id": 1, "jsonrpc": "2.0", "result": {"x": 1}}]
    assert [m.get("result") for m in out.messages()] == [None, {"x": 2}]


def test_initialize_is_answered_before_pygls_is_imported():
    program = (
        "import io, sys\n"
        "from lintkit.lsp_handshake import answer_initialize, frame\n"
        "request = frame({'jsonrpc': '2.0', 'id': 1, 'method': 'initialize', 'params': {'capabilities': {}}})\n"
        "out = io.BytesIO()\n"
        "answer_initialize(io.BytesIO(request), out, '1')\n"
        "assert out.getvalue(), 'no answer'\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol', 'cattrs', 'attrs'))\n"
        "assert not loaded, loaded\n")
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_over_stdio_initialize_is_answered_once_and_pygls_is_set_up_by_it():
    """The server's own log of a bad initializationOption still comes (pygls ran our initialize
    handler), the answer comes once, and the next request is answered."""
    messages = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize",
         "params": {"processId": None, "capabilities": {"general": {"positionEncodings": ["utf-32"]}},
                    "initializationOptions": {"select": ["NOPE"]}}},
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {"jsonrpc": "2.0", "id": 2, "method": "shutdown"},
        {"jsonrpc": "2.0", "method": "exit"},
    ]
    done = subprocess.run([sys.executable, "-m", "lintkit", "lsp"], input=b"".join(map(frame, messages)),
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    received, stream = [], io.BytesIO(done.stdout)
    while (message := read_message(stream)[1]) is not None:
        received.append(message)
    answers = [m for m in received if "id" in m and "method" not in m]
    assert [m["id"] for m in answers] == [1, 2]
    assert answers[0]["result"]["capabilities"]["positionEncoding"] == "utf-32"
    assert any("NOPE" in m["params"]["message"] for m in received if m.get("method") == "window/logMessage")
    assert b"answered with" not in done.stderr  # pygls' own answer was the same

#!/usr/bin/env python3
"""Times the language server: `initialize` (spawn `lintkit lsp`, send initialize, wait for the
response), spawn -> the first diagnostics of serverless.yml, and edit -> publishDiagnostics on a
generated service (bench/scale.py), for an edit to one handler and an edit to serverless.yml. A
small LSP client over stdio (Content-Length framing).

    python bench/lsp_bench.py --functions 500 --runs 7
    python bench/lsp_bench.py --quick            # 20 functions, 1 run: what tests/test_lsp_bench.py runs

The standard library only. Prints one line per measurement: the median and every run, in ms.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


class Client:
    def __init__(self, command: list[str]):
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL)
        self._id = 0

    def send(self, method: str, params, request: bool = False) -> int | None:
        message = {"jsonrpc": "2.0", "method": method, "params": params}
        if request:
            self._id += 1
            message["id"] = self._id
        body = json.dumps(message).encode("utf-8")
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()
        return message.get("id")

    def receive(self) -> dict:
        length = None
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise EOFError("the server closed its output")
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode("ascii").partition(":")
            if name.lower() == "content-length":
                length = int(value)
        return json.loads(self.process.stdout.read(length))

    def wait_for(self, accept) -> dict:
        while True:
            message = self.receive()
            if "id" in message and "method" in message:  # a request from the server: answer it
                self._reply(message["id"])
            elif accept(message):
                return message

    def _reply(self, request_id) -> None:
        body = json.dumps({"jsonrpc": "2.0", "id": request_id, "result": None}).encode("utf-8")
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def initialize(self, root: Path, options: dict) -> None:
        request = self.send("initialize", {"processId": os.getpid(), "rootUri": root.as_uri(),
                                           "capabilities": {}, "initializationOptions": options},
                            request=True)
        self.wait_for(lambda m: m.get("id") == request)
        self.send("initialized", {})

    def close(self) -> None:
        try:
            request = self.send("shutdown", None, request=True)
            self.wait_for(lambda m: m.get("id") == request)
            self.send("exit", None)
            self.process.wait(timeout=10)
        except Exception:
            self.process.kill()
            self.process.wait()


def server_command() -> list[str]:
    return [sys.executable, "-m", "lintkit", "lsp", "--debounce", "0"]


def time_initialize(root: Path) -> float:
    start = time.perf_counter()
    client = Client(server_command())
    client.initialize(root, {"asOf": "2026-11-27", "debounce": 0})
    elapsed = time.perf_counter() - start
    client.close()
    return elapsed


def time_first_diagnostics(root: Path) -> float:
    """Spawn to the first list for serverless.yml: initialize, then open it (what an editor waits
    for on opening a project; the server's imports are paid here, whatever initialize deferred)."""
    start = time.perf_counter()
    client = Client(server_command())
    client.initialize(root, {"asOf": "2026-11-27", "debounce": 0})
    Document(client, root / "serverless.yml", "yaml")
    elapsed = time.perf_counter() - start
    client.close()
    return elapsed


def published_for(uri: str, version: int):
    return lambda m: (m.get("method") == "textDocument/publishDiagnostics"
                      and m["params"]["uri"] == uri and m["params"].get("version") == version)


class Document:
    def __init__(self, client: Client, path: Path, language: str):
        self.client, self.uri, self.text, self.version = client, path.as_uri(), path.read_text(), 1
        client.send("textDocument/didOpen", {"textDocument": {
            "uri": self.uri, "languageId": language, "version": 1, "text": self.text}})
        client.wait_for(published_for(self.uri, 1))

    def edit(self, waiting_on: "Document") -> float:
        """Appends a line, and times until `waiting_on` (this or another open document) is published
        with the new lint."""
        self.version += 1
        line = self.text.count("\n")
        self.client.send("textDocument/didChange", {
            "textDocument": {"uri": self.uri, "version": self.version},
            "contentChanges": [{"range": {"start": {"line": line, "character": 0},
                                          "end": {"line": line, "character": 0}},
                                "text": f"// edit {self.version}\n" if self.uri.endswith(".ts")
                                else f"# edit {self.version}\n"}]})
        self.text += "\n"
        start = time.perf_counter()
        target = waiting_on
        self.client.wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                             and m["params"]["uri"] == target.uri
                             and m["params"].get("version") == target.version)
        return time.perf_counter() - start


def server_cpu(process) -> float | None:
    """Seconds the server's threads have run on a CPU (Linux), which a busy machine does not
    inflate as it inflates wall time; None where /proc does not say."""
    total = 0
    try:
        for task in os.listdir(f"/proc/{process.pid}/task"):
            with open(f"/proc/{process.pid}/task/{task}/schedstat") as stat:
                total += int(stat.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return total / 1e9


def time_edits(root: Path, runs: int) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Wall times of each edit and the server's CPU time for it, by kind of edit."""
    client = Client(server_command())
    try:
        client.initialize(root, {"asOf": "2026-11-27", "debounce": 0})
        config = Document(client, root / "serverless.yml", "yaml")
        handler_path = sorted((root / "src" / "handlers").iterdir())[0]
        handler = Document(client, handler_path, "typescript")
        times = {"edit handler": [], "edit serverless.yml": []}
        cpu = {name: [] for name in times}
        for _ in range(runs):
            for name, document in (("edit handler", handler), ("edit serverless.yml", config)):
                before = server_cpu(client.process)
                times[name].append(document.edit(document))
                after = server_cpu(client.process)
                if before is not None and after is not None:
                    cpu[name].append(after - before)
        return times, cpu
    finally:
        client.close()


def report(name: str, seconds: list[float]) -> str:
    runs = " ".join(f"{s * 1000:.0f}" for s in seconds)
    return f"{name}: median {statistics.median(seconds) * 1000:.0f} ms  (runs: {runs})"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--functions", type=int, default=500)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="20 functions, 1 run")
    args = parser.parse_args(argv)
    functions, runs = (20, 1) if args.quick else (args.functions, args.runs)
    with tempfile.TemporaryDirectory(prefix="lintkit-lsp-bench-") as folder:
        root = Path(folder).resolve() / "service"
        subprocess.run([sys.executable, str(HERE / "scale.py"), str(root), "--functions",
                        str(functions)], check=True, stdout=subprocess.DEVNULL)
        print(report("initialize", [time_initialize(root) for _ in range(runs)]))
        print(report(f"first diagnostics ({functions} functions)",
                     [time_first_diagnostics(root) for _ in range(runs)]))
        times, cpu = time_edits(root, runs)
        for name, seconds in times.items():
            line = report(f"{name} ({functions} functions)", seconds)
            if cpu[name]:
                line += f"; server CPU median {statistics.median(cpu[name]) * 1000:.0f} ms"
            print(line)
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

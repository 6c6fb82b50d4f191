"""Hostile and broken inputs, linted end to end: each ends in bounded time and memory with a
diagnostic (or a clean run), exit 1 for findings, never a traceback or exit 2, and the rest of the
project is still linted.

Each case is a service `adv/` in a repository beside `normal/`, a service whose deprecated runtime
(RUNTIME001 at normal/serverless.yml:4:12) must still be reported. Small cases are fixture folders
under tests/data/adversarial/; large ones (a 20 MB serverless.yml, 5 MB of minified JavaScript, 10,000
levels of nesting) and the ones git cannot hold (symbolic link loops, a folder named serverless.yml)
are made by the tests in tmp_path.

lintkit runs in a subprocess started by a small Python wrapper, so that a hang is killed after
TIMEOUT seconds and the wrapper's getrusage(RUSAGE_CHILDREN) is lintkit's own peak memory. The time
bound is a hang detector, not a speed test.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

DATA = Path(__file__).resolve().parent / "data" / "adversarial"
TIMEOUT = 60  # seconds before the wrapper kills lintkit
MAX_SECONDS = 20  # a case taking longer than this hangs, for our purposes
MAX_RSS_MB = 500
HANDLER = "export const handler = async () => ({ statusCode: 200 })\n"
NORMAL_FINDING = ("normal/serverless.yml", 4, 12, "RUNTIME001")

# Runs `argv[2:]` with at most 4 GB of address space, kills it after argv[1] seconds, and prints one
# JSON line: exit code (None when killed), seconds, peak RSS of the child in MB (Linux reports KiB),
# stdout and stderr.
_MEASURE = """
import json, resource, subprocess, sys, time
def limit():  # a regression must fail the test with MemoryError, not swap the machine
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
started = time.perf_counter()
try:
    done = subprocess.run(sys.argv[2:], capture_output=True, timeout=float(sys.argv[1]),
                          preexec_fn=limit)
    code, out, err = done.returncode, done.stdout, done.stderr
except subprocess.TimeoutExpired as timeout:
    code, out, err = None, timeout.stdout or b"", timeout.stderr or b""
seconds = time.perf_counter() - started
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"code": code, "seconds": seconds, "rss_mb": rss,
                  "stdout": out.decode("utf-8", "replace"), "stderr": err.decode("utf-8", "replace")}))
"""


@dataclass
class Run:
    code: int | None
    seconds: float
    rss_mb: float
    stdout: str
    stderr: str

    @property
    def diagnostics(self) -> list[dict]:
        return json.loads(self.stdout)["diagnostics"]

    def located(self, folder: str = "adv/") -> set[tuple[str, int, int, str]]:
        return {(d["path"], d["line"], d["column"], d["code"]) for d in self.diagnostics
                if d["path"].startswith(folder)}

    def message(self, path: str, code: str) -> str:
        return next(d["message"] for d in self.diagnostics if d["path"] == path and d["code"] == code)


def lint(root: Path, *args: str, format: str = "json", env: dict | None = None) -> Run:
    command = [sys.executable, "-m", "lintkit", "check", "--format", format, "--as-of", "2026-11-27",
               *args, "."]
    env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    done = subprocess.run([sys.executable, "-c", _MEASURE, str(TIMEOUT), *command], cwd=root,
                          capture_output=True, text=True, timeout=TIMEOUT + 30, env=env)
    assert done.returncode == 0, done.stderr
    return Run(**json.loads(done.stdout))


def repository(tmp_path: Path, case: str | None = None) -> tuple[Path, Path]:
    """A repository with `normal/` and `adv/` (a copy of the fixture `case`, or an empty folder),
    where adv/src/api.ts exists unless the fixture brings its own src/."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    shutil.copytree(DATA / "normal", root / "normal")
    adv = root / "adv"
    if case is not None:
        shutil.copytree(DATA / case, adv, symlinks=True)
    else:
        adv.mkdir()
    if not (adv / "src").exists():
        (adv / "src").mkdir()
        (adv / "src" / "api.ts").write_text(HANDLER)
    return root, adv


def good_config(runtime: str = "nodejs24.x") -> str:
    return (DATA / "normal" / "serverless.yml").read_text().replace(
        "service: normal", "service: adv").replace("nodejs18.x", runtime)


def assert_contained(run: Run) -> None:
    """Exit 1 (findings), no traceback, in bounded time and memory, the neighbour still linted."""
    assert run.code == 1, (run.code, run.stdout[-2000:], run.stderr[-2000:])
    assert "Traceback" not in run.stderr and "internal error" not in run.stdout + run.stderr
    assert run.seconds < MAX_SECONDS, run.seconds
    assert run.rss_mb < MAX_RSS_MB, run.rss_mb
    assert NORMAL_FINDING in run.located("normal/")


# -- the cases ------------------------------------------------------------------------------------
@dataclass
class Case:
    """A fixture folder (or None), what to make on top of it, and the diagnostics expected in adv/:
    (path, line, column, code) -> a fragment of the message."""

    fixture: str | None
    expected: dict[tuple[str, int, int, str], str]
    make: Callable[[Path, Path], None] | None = None
    marks: list = field(default_factory=list)


def _twenty_megabytes(root: Path, adv: Path) -> None:
    with open(adv / "serverless.yml", "w") as handle:
        handle.write(good_config() + "custom:\n")
        block = "".join(f"  key{i}: a value that pads the file out to its size {i}\n" for i in range(10_000))
        while handle.tell() < 20 * 1024 * 1024:
            handle.write(block.replace("  key", f"  k{handle.tell()}_"))


def _nested(opening: str, closing: str, depth: int = 10_000) -> Callable[[Path, Path], None]:
    def make(root: Path, adv: Path) -> None:
        (adv / "serverless.yml").write_text(
            good_config() + "custom:\n  deep: " + opening * depth + "x" + closing * depth + "\n")
    return make


def _nested_block_lists(root: Path, adv: Path) -> None:
    (adv / "serverless.yml").write_text(good_config() + "custom:\n  deep:\n    " + "- " * 10_000 + "x\n")


def _folder_named_serverless_yml(root: Path, adv: Path) -> None:
    (adv / "serverless.yml").mkdir()
    (adv / "serverless.yml" / "notes.txt").write_text("not a config\n")


def _serverless_yml_link_loop(root: Path, adv: Path) -> None:
    os.symlink("serverless.yml", adv / "serverless.yml")


def _tree_link_loops(root: Path, adv: Path) -> None:
    (adv / "serverless.yml").write_text(good_config())
    os.symlink("..", adv / "src" / "up")  # a folder that contains itself
    os.symlink("loop-b", adv / "loop-a")
    os.symlink("loop-a", adv / "loop-b")
    (adv / "src" / "api.ts").write_text("import { x } from './up/src/up/src/api'\n" + HANDLER)


def _include_link_loop(root: Path, adv: Path) -> None:
    (adv / "serverless.yml").write_text(good_config() + "custom: ${file(./loop.yml)}\n")
    os.symlink("loop.yml", adv / "loop.yml")


def _outside_file(root: Path, adv: Path) -> None:
    (root.parent / "outside.yml").write_text("secret: value\n")


def _include_link_out(root: Path, adv: Path) -> None:
    (root.parent / "outside.yml").write_text("secret: value\n")
    (adv / "serverless.yml").write_text(good_config() + "custom: ${file(./inside.yml)}\n")
    os.symlink(root.parent / "outside.yml", adv / "inside.yml")


def _minified_handler(root: Path, adv: Path) -> None:
    (adv / "serverless.yml").write_text(good_config().replace("src/api.handler", "src/bundle.handler"))
    parts = [f"function f{i}(a,b){{var c=require('m{i % 50}');if(a>b){{return c.x(a,b,[1,2,3],"
             f"{{k:'v{i}'}})}}else{{return (x)=>x*{i}+f{i}(b,a)}}}}" for i in range(45_000)]
    text = ";".join(parts) + ";exports.handler=async()=>f1(1,2);"
    assert len(text) > 5_000_000
    (adv / "src" / "bundle.js").write_text(text)


def _nested_callbacks(depth: int) -> Callable[[Path, Path], None]:
    def make(root: Path, adv: Path) -> None:
        (adv / "serverless.yml").write_text(good_config())
        (adv / "src" / "api.ts").write_text(
            "import { PrismaClient } from '@prisma/client'\n"
            "export const handler = async (event) => {\n"
            + "  run(() => { const db = new PrismaClient(); db.$connect();\n" * depth
            + "  return 1\n" + "  })\n" * depth + "}\n")
    return make


def _nested_inline_code(root: Path, adv: Path) -> None:
    """A raw Lambda resource whose `Code.ZipFile` nests callbacks 10,000 deep."""
    depth = 10_000
    code = ("exports.handler = async (event) => {\n"
            + "  run(() => { const db = new PrismaClient(); db.$connect();\n" * depth
            + "  return 1\n" + "  })\n" * depth + "}\n")
    (adv / "serverless.yml").write_text(
        good_config() + "resources:\n  Resources:\n    Fn:\n      Type: AWS::Lambda::Function\n"
        "      Properties:\n        Runtime: nodejs24.x\n        Handler: index.handler\n"
        "        Role: arn:aws:iam::123456789012:role/fn\n        Code:\n          ZipFile: |\n"
        + "".join(f"            {line}\n" for line in code.splitlines()))


def _outside_handler(root: Path, adv: Path) -> None:
    (root.parent / "outside").mkdir()
    (root.parent / "outside" / "api.ts").write_text(HANDLER)


GROWTH = " and sixty more characters of text on every key, to make it grow"


def _growing_variables(root: Path, adv: Path) -> None:
    """20,000 keys, each the one before plus 66 characters: no string reaches the 1,000,000
    character bound for a long time, but all of them together would be 13 GB."""
    (adv / "serverless.yml").write_text(good_config() + "custom:\n  g0: start\n" + "".join(
        f"  g{i}: ${{self:custom.g{i - 1}}}{GROWTH}\n" for i in range(1, 20_000)))


def _growing_place() -> tuple[int, int]:
    """Line and column of the key at which the strings built add up to more than MAX_BUILT."""
    from lintkit.variables import MAX_BUILT

    built, length = 0, len("start")
    for i in range(1, 20_000):
        if built + length > MAX_BUILT:  # the referenced value is checked before it is joined
            return 10 + i, len(f"  g{i}: ") + 1  # custom: is line 9, g0 line 10
        length += len(GROWTH)
        built += length
    raise AssertionError("never reached")


def _doubling_line() -> int:
    """The line of the first doubled string longer than the resolver's 1,000,000 characters."""
    lines = (DATA / "doubling-variables" / "serverless.yml").read_text().splitlines()
    step = next(i for i in range(60) if 3 * 2 ** i > 1_000_000)
    return lines.index(next(line for line in lines if line.startswith(f"  s{step}:"))) + 1


CASES = {
    # 9 levels of 9 aliases: the 1,000,000-node budget runs out at the first alias of `g` (line 16).
    "alias-bomb": Case("alias-bomb", {
        ("adv/serverless.yml", 16, 10, "PARSE001"): "possible alias bomb"}),
    "nesting-10000-flow-lists": Case(None, {
        ("adv/serverless.yml", 10, 1007, "PARSE001"): "nesting too deep"}, _nested("[", "]")),
    "nesting-10000-flow-mappings": Case(None, {
        ("adv/serverless.yml", 10, 401, "PARSE001"): "nesting too deep"}, _nested("{a: ", "}")),
    "nesting-10000-block-lists": Case(None, {
        ("adv/serverless.yml", 11, 201, "PARSE001"): "nesting too deep"}, _nested_block_lists),
    "serverless-yml-20mb": Case(None, {
        ("adv/serverless.yml", 1, 1, "PARSE001"): "MB, larger than the 5 MB lintkit reads"},
        _twenty_megabytes),
    "invalid-utf8": Case("invalid-utf8", {
        ("adv/serverless.yml", 10, 16, "PARSE001"): "invalid UTF-8: byte 0xe9"}),
    "nul-bytes": Case("nul-bytes", {
        ("adv/serverless.yml", 10, 7, "PARSE001"): "NUL byte"}),
    "bom": Case("bom", {("adv/serverless.yml", 4, 12, "RUNTIME001"): "nodejs16.x"}),
    "tabs": Case("tabs", {("adv/serverless.yml", 4, 1, "PARSE001"): "tabs are not allowed"}),
    "crlf": Case("crlf", {("adv/serverless.yml", 4, 12, "RUNTIME001"): "nodejs16.x"}),
    "empty-file": Case("empty", {("adv/serverless.yml", 1, 1, "PARSE001"): "is empty"}),
    "folder-named-serverless-yml": Case(None, {
        ("adv/serverless.yml", 1, 1, "PARSE001"): "it is a directory, not a file"},
        _folder_named_serverless_yml),
    "serverless-yml-symlink-loop": Case(None, {
        ("adv/serverless.yml", 1, 1, "PARSE001"): "symbolic link loop"}, _serverless_yml_link_loop),
    "symlink-loops-in-the-tree": Case(None, {}, _tree_link_loops),
    "include-symlink-loop": Case(None, {
        ("adv/serverless.yml", 9, 9, "PARSE002"): "`./loop.yml` is a symbolic link loop"},
        _include_link_loop),
    "include-cycle": Case("include-cycle", {
        ("adv/b.yml", 1, 8, "PARSE003"): "variable cycle"}),
    "include-dev-zero": Case("include-dev-zero", {
        ("adv/serverless.yml", 9, 9, "PARSE005"): "`/dev/zero` is outside the project"}),
    "include-outside-the-project": Case("include-outside", {
        ("adv/serverless.yml", 9, 9, "PARSE005"): "`../../outside.yml` is outside the project"},
        _outside_file),
    "include-symlink-out-of-the-project": Case(None, {
        ("adv/serverless.yml", 9, 9, "PARSE005"): "`./inside.yml` is outside the project"},
        _include_link_out),
    "doubling-variables": Case("doubling-variables", {
        ("adv/serverless.yml", _doubling_line(), 8, "PARSE002"): "variable expansion too large"}),
    "growing-variables": Case(None, {
        ("adv/serverless.yml", *_growing_place(), "PARSE002"): "characters in all"},
        _growing_variables),
    "minified-handler-5mb": Case(None, {
        ("adv/src/bundle.js", 1, 1, "PARSE004"): "bundle.js: file too large (5."}, _minified_handler),
    "nested-callbacks-10000": Case(None, {
        ("adv/src/api.ts", 1, 1, "PARSE004"): "api.ts: nested more than 1,000 levels deep"},
        _nested_callbacks(10_000)),
    "inline-code-nested-10000": Case(None, {
        ("adv/serverless.yml", 18, 20, "PARSE004"): "inline code: nested more than 1,000 levels deep"},
        _nested_inline_code),
    # Five modules that all `export * from` one another: looking for `handler` must not branch
    # exponentially through the cycles.
    "export-star-cycle": Case("export-star-cycle", {
        ("adv/serverless.yml", 8, 14, "CONFIG002"): "src/api.ts has no export named `handler`"}),
    # `a` is `b` imported from b.ts, which is `a` imported back: a cycle of aliases across modules.
    "import-alias-cycle": Case("import-alias-cycle", {}),
    "handler-escapes-the-project": Case("handler-escapes", {
        ("adv/serverless.yml", 8, 14, "CONFIG002"): "`../../outside/api.ts`, outside the project"},
        _outside_handler),
    # `../normal/src/../src/api.handler` stays inside the repository: it is read, and clean.
    "handler-dotdot-inside-the-project": Case("handler-dotdot-inside", {}),
}


@pytest.mark.parametrize("name", list(CASES))
def test_adversarial_service_is_contained(tmp_path, name):
    case = CASES[name]
    root, adv = repository(tmp_path, case.fixture)
    if case.make is not None:
        case.make(root, adv)
    run = lint(root)
    assert_contained(run)
    assert run.located() == set(case.expected), run.stdout
    for (path, line, column, code), fragment in case.expected.items():
        assert fragment in run.message(path, code)


def test_moderately_nested_callbacks_are_still_analysed(tmp_path):
    """Below the depth limit a handler is analysed whole: a client built 100 callbacks deep."""
    root, adv = repository(tmp_path)
    _nested_callbacks(100)(root, adv)
    run = lint(root)
    assert_contained(run)
    codes = {code for _, _, _, code in run.located()}
    assert "CLIENT001" in codes and "PARSE004" not in codes


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_serverless_yml(tmp_path):
    root, adv = repository(tmp_path)
    (adv / "serverless.yml").write_text(good_config())
    (adv / "serverless.yml").chmod(0)
    try:
        run = lint(root)
    finally:
        (adv / "serverless.yml").chmod(0o644)
    assert_contained(run)
    assert run.located() == {("adv/serverless.yml", 1, 1, "PARSE001")}
    assert "permission denied" in run.message("adv/serverless.yml", "PARSE001")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_include(tmp_path):
    root, adv = repository(tmp_path)
    (adv / "serverless.yml").write_text(good_config() + "custom: ${file(./private.yml)}\n")
    (adv / "private.yml").write_text("a: 1\n")
    (adv / "private.yml").chmod(0)
    try:
        run = lint(root)
    finally:
        (adv / "private.yml").chmod(0o644)
    assert_contained(run)
    assert {code for _, _, _, code in run.located()} == {"PARSE001"}
    assert "permission denied" in run.message("adv/private.yml", "PARSE001")


def test_every_case_in_one_repository_in_every_format(tmp_path):
    """All the cases side by side (the large ones too), in every output format: still bounded, and
    each machine format parses."""
    from xml.etree import ElementTree

    from lintkit.reporters import FORMATS

    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    shutil.copytree(DATA / "normal", root / "normal")
    expected = set()
    for index, (name, case) in enumerate(CASES.items()):
        work = tmp_path / f"case{index}"
        case_root, adv = repository(work, case.fixture)
        if case.make is not None:
            case.make(case_root, adv)
        os.rename(adv, root / name)  # beside normal/, as adv/ was: `../..` still leaves the repository
        for outside in ("outside", "outside.yml"):
            if (work / outside).exists():
                os.rename(work / outside, tmp_path / outside)
        expected |= {(f"{name}/{path[4:]}", code) for path, _, _, code in case.expected}
    for format in FORMATS:
        run = lint(root, format=format)
        assert run.code == 1 and "Traceback" not in run.stderr, (format, run.stderr[-3000:])
        assert run.seconds < 2 * MAX_SECONDS and run.rss_mb < MAX_RSS_MB, (format, run.seconds, run.rss_mb)
        if format == "json":
            found = {(d["path"], d["code"]) for d in run.diagnostics}
            assert expected | {(NORMAL_FINDING[0], NORMAL_FINDING[3])} <= found
        elif format in ("sarif", "gitlab"):
            json.loads(run.stdout)
        elif format == "junit":
            ElementTree.fromstring(run.stdout)
        else:
            assert "alias-bomb/serverless.yml" in run.stdout and "normal/serverless.yml" in run.stdout


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS refuses file names that are not UTF-8")
def test_file_names_that_are_not_utf8(tmp_path):
    """A service folder named with a byte that is not UTF-8: every format reports it, on a strict
    UTF-8 stdout too, and SARIF quotes the original byte."""
    root, _ = repository(tmp_path)
    shutil.rmtree(root / "adv")
    folder = os.path.join(os.fsencode(root), b"svc\xff")
    os.makedirs(os.path.join(folder, b"src"))
    with open(os.path.join(folder, b"serverless.yml"), "w") as handle:
        handle.write(good_config("nodejs16.x"))
    with open(os.path.join(folder, b"src", b"api.ts"), "w") as handle:
        handle.write(HANDLER)
    from lintkit.reporters import FORMATS

    for format in FORMATS:
        run = lint(root, format=format, env={"PYTHONIOENCODING": "utf-8"})
        assert run.code == 1 and "Traceback" not in run.stderr, (format, run.stderr[-2000:])
        if format == "json":
            assert ("svc\udcff/serverless.yml", 4, 12, "RUNTIME001") in run.located("svc")
            assert NORMAL_FINDING in run.located("normal/")
        if format == "sarif":
            assert '"uri": "svc%FF/serverless.yml"' in run.stdout


def test_thousands_of_findings_on_one_minified_line(tmp_path):
    """A 150 KB one-line handler (under the size limit, so analysed) with 1,000 plaintext database
    URLs: code frames and fingerprints redact a window around each finding, not the whole line per
    finding (which took minutes)."""
    root, adv = repository(tmp_path)
    (adv / "serverless.yml").write_text(good_config().replace("src/api.handler", "src/bundle.handler"))
    parts = [f"function f{i}(a){{return c.x(a,{{k:'v{i}',u:'postgres://app:pw{i}x@db.example.com/app'}})}}"
             for i in range(1_000)]
    (adv / "src" / "bundle.js").write_text(";".join(parts) + ";exports.handler=async()=>f1(1);")
    run = lint(root)
    assert_contained(run)
    assert sum(path == "adv/src/bundle.js" for path, _, _, _ in run.located()) >= 1_000
    for format in ("text", "sarif"):
        run = lint(root, format=format)
        assert run.code == 1 and "Traceback" not in run.stderr, run.stderr[-2000:]
        assert run.seconds < MAX_SECONDS and run.rss_mb < MAX_RSS_MB, (run.seconds, run.rss_mb)
        assert "pw17x" not in run.stdout  # redacted everywhere
        assert run.stdout.count("bundle.js") >= 1_000


def test_code_frame_of_a_long_line_is_windowed_and_redacted():
    from lintkit.diagnostics import Diagnostic
    from lintkit.redact import redact
    from lintkit.reporters.text import MAX_FRAME_WIDTH, code_frame

    secret = "postgres://app:hunter2hunter2@db.example.com/app"
    line = "x" * 100_000 + f"const url = '{secret}';" + "y" * 100_000
    column = 100_000 + len("const url = '") + 1
    d = Diagnostic("SECRET001", "plaintext-database-password", "error", "m", Path("bundle.js"),
                   1, column, 1, column + len(secret))
    text, start, end = code_frame(d, [line], redact)
    assert "hunter2" not in text and text.startswith("...") and text.endswith("...")
    assert len(text) <= MAX_FRAME_WIDTH + 6
    assert text[start:start + 15] == "postgres://app:" and end > start


# -- the bounds underneath ------------------------------------------------------------------------
def test_source_cache_refuses_deep_trees_and_says_why(tmp_path):
    from lintkit.sources import SourceCache, tree_depth

    shallow, deep = tmp_path / "shallow.ts", tmp_path / "deep.ts"
    shallow.write_text("export const handler = () => " + "f(" * 10 + ")" * 10 + "\n")
    deep.write_text("export const handler = () => " + "f(" * 200 + ")" * 200 + "\n")
    cache = SourceCache(max_depth=300)
    assert cache.parse(shallow) is not None and cache.reason(shallow) is None
    assert cache.parse(deep) is None
    assert cache.reason(deep) == "nested more than 300 levels deep, not analysed"
    source = cache.parse_text("f(" * 200 + ")" * 200, tmp_path / "serverless.yml")
    assert cache.too_deep(source) and tree_depth(source.root) > 300
    assert tree_depth(source.root, limit=10) == 11  # counting stops past the limit


def test_local_constant_lookup_is_linear_in_the_nesting_depth():
    """execcalls.local_assignment runs for every call of a file: with 10,000 nested callbacks each
    declaring and calling a constant it must not look at every ancestor of every call."""
    import time

    from lintkit.execcalls import local_assignment
    from lintkit.sources import SourceFile, iter_nodes

    depth = 10_000
    code = ("const run = promisify(exec)\nexport const handler = async () => { "
            + "cb(function () { const x = 'echo'; x(); run('ls'); " * depth + "" + "})" * depth + " }\n")
    source = SourceFile.from_bytes(Path("deep.ts"), code.encode())
    started = time.perf_counter()
    found = {}
    for call in iter_nodes(source.root, {"call_expression"}):
        callee = call.child_by_field_name("function")
        if callee.type == "identifier":
            value = local_assignment(source, callee)
            name = source.node_text(callee)
            found[name] = found.get(name, 0) + (value is not None)
    assert time.perf_counter() - started < MAX_SECONDS
    assert found == {"cb": 0, "x": depth, "run": depth, "promisify": 0}


# -- issue 9: scale ---------------------------------------------------------------------------------
SCALE = Path(__file__).resolve().parents[1] / "bench" / "scale.py"
SCALE_MAX_RSS_MB = 200  # the fixed code needs ~125 MB for 20,000 functions, the old code ~270 MB


def _large_service(adv: Path, functions: int, *options: str) -> None:
    done = subprocess.run([sys.executable, str(SCALE), str(adv), "--functions", str(functions),
                           *options], capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr


def test_service_of_twenty_thousand_functions_is_linted_in_bounded_time_and_memory(tmp_path):
    """20,000 functions in 20 includes, their handlers in five shared files: every function is
    checked (each 1,000th has a timeout over API Gateway's) and the neighbour still linted. Before,
    each function built its own handler graph, includes were parsed twice and the collector walked
    the whole document again and again: ~38 s and ~270 MB."""
    root, adv = repository(tmp_path)
    _large_service(adv, 20_000)
    run = lint(root)
    assert_contained(run)
    assert run.rss_mb < SCALE_MAX_RSS_MB, run.rss_mb
    timeouts = {(path, code) for path, _, _, code in run.located() if code == "RUNTIME003"}
    assert timeouts == {(f"adv/functions/part{i}.yml", "RUNTIME003") for i in range(20)}
    assert sum(d["code"] == "RUNTIME003" for d in run.diagnostics) == 20


def test_service_with_twenty_thousand_findings_is_reported_in_bounded_time_and_memory(tmp_path):
    """10,000 functions with a deprecated runtime and a plaintext secret each: 20,000 findings,
    every one in the report, with fingerprints in SARIF, in bounded time and memory (~23 s and
    ~215 MB before)."""
    root, adv = repository(tmp_path)
    _large_service(adv, 10_000, "--findings")
    for format in ("json", "sarif"):
        run = lint(root, format=format)
        assert run.code == 1 and "Traceback" not in run.stderr, (format, run.stderr[-2000:])
        assert run.seconds < MAX_SECONDS and run.rss_mb < SCALE_MAX_RSS_MB, (format, run.seconds,
                                                                             run.rss_mb)
        assert "plaintext-value" not in run.stdout  # redacted everywhere
        if format == "json":
            codes = [d["code"] for d in run.diagnostics if d["path"].startswith("adv/")]
            assert codes.count("RUNTIME001") == codes.count("SECRET003") == 10_000
            assert NORMAL_FINDING in run.located("normal/")
        else:
            assert run.stdout.count("functions/part") >= 20_000

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
MAX_SECONDS = 40  # a case taking longer than this hangs, for our purposes (CI machines are shared: the
# largest case takes 10 s on an idle 2-core machine and 21 s with five other test runs beside it)
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


def assert_contained(run: Run, code: int = 1) -> None:
    """Exit 1 (findings), no traceback, in bounded time and memory, the neighbour still linted.
    `code` 2: a configuration that says something impossible is a usage error."""
    assert run.code == code, (run.code, run.stdout[-2000:], run.stderr[-2000:])
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
    from lintkit.formats.variables import MAX_BUILT

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
    from lintkit.model.diagnostics import Diagnostic
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
    from lintkit.read.sources import SourceCache, tree_depth

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

    from lintkit.analysis.execcalls import local_assignment
    from lintkit.read.sources import SourceFile, iter_nodes

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


# -- issue 9: files outside the project, special files, huge files, writes -------------------------
# A pull request commits symbolic links to files outside the repository (here `secret.txt` beside
# it, standing for /etc/shadow), to /proc and /dev, FIFOs and huge sparse files, under every name
# lintkit reads. None of it may be read, printed or waited on: each is reported where it is, and
# the rest of the project is still linted.
MARKER = "Q7ZX-not-for-your-eyes"
SECRET_TEXT = f"root:$6${MARKER}:19000:0:99999:7:::\n{MARKER}: [x\n"


def _link(name: str, target: str | None = None):
    """adv/NAME -> secret.txt outside the repository (or TARGET), made before adv/ is linted."""
    def make(root: Path, adv: Path) -> None:
        (root.parent / "secret.txt").write_text(SECRET_TEXT)
        (adv / name).parent.mkdir(parents=True, exist_ok=True)
        if not (adv / "serverless.yml").exists() and name != "serverless.yml":
            (adv / "serverless.yml").write_text(good_config())
        if (adv / name).exists() or (adv / name).is_symlink():
            (adv / name).unlink()
        os.symlink(target or root.parent / "secret.txt", adv / name)
    return make


def _fifo(name: str):
    def make(root: Path, adv: Path) -> None:
        (adv / "serverless.yml").write_text(good_config())
        if (adv / name).exists():
            (adv / name).unlink()
        os.mkfifo(adv / name)
    return make


def _sparse(name: str, megabytes: int = 700):
    """A file of `megabytes` MB that takes no disk (a hole): reading it whole would take the memory."""
    def make(root: Path, adv: Path) -> None:
        (adv / "serverless.yml").write_text(good_config())
        with open(adv / name, "wb") as handle:
            handle.truncate(megabytes << 20)
    return make


def _then(*makers):
    def make(root: Path, adv: Path) -> None:
        for maker in makers:
            maker(root, adv)
    return make


def _tsconfig_extends(target_maker):
    def make(root: Path, adv: Path) -> None:
        target_maker(root, adv)
        (adv / "tsconfig.json").write_text('{"extends": "./base.json"}\n')
    return make


def _schema_path(value: str):
    def make(root: Path, adv: Path) -> None:
        (adv / "serverless.yml").write_text(good_config())
        (adv / "package.json").write_text(json.dumps({"name": "adv", "prisma": {"schema": value}}))
    return make


OUT = "is a symbolic link to a file outside the project"
SYSTEM = "leads into a system folder"
SPECIAL = "not a regular file"
LARGE = "larger than the 5 MB lintkit reads"
FILE_CASES = {
    "serverless-yml-links-out": Case(None, {("adv/serverless.yml", 1, 1, "PARSE001"): OUT},
                                     _link("serverless.yml")),
    "serverless-yml-to-proc-environ": Case(None, {("adv/serverless.yml", 1, 1, "PARSE001"): SYSTEM},
                                           _link("serverless.yml", "/proc/self/environ")),
    "serverless-yml-fifo": Case(None, {("adv/serverless.yml", 1, 1, "PARSE001"): SPECIAL},
                                _then(_fifo("x"), lambda root, adv: os.replace(adv / "x", adv / "serverless.yml"))),
    "handler-links-out": Case(None, {("adv/serverless.yml", 8, 14, "CONFIG002"): "outside the project"},
                              _link("src/api.ts")),
    "handler-fifo": Case(None, {("adv/serverless.yml", 8, 14, "CONFIG002"): "no source file"},
                         _fifo("src/api.ts")),
    "package-json-links-out": Case(None, {("adv/package.json", 1, 1, "PARSE006"): OUT},
                                   _link("package.json")),
    "package-json-700mb": Case(None, {("adv/package.json", 1, 1, "PARSE006"): LARGE},
                               _sparse("package.json")),
    "prisma-schema-path-is-root": Case(None, {("adv/package.json", 1, 38, "PARSE006"): "outside the project"},
                                       _schema_path("/")),
    "prisma-schema-links-out": Case(None, {("adv/prisma/schema.prisma", 1, 1, "PARSE006"): OUT},
                                    _link("prisma/schema.prisma")),
    "prisma-config-links-out": Case(None, {("adv/prisma.config.ts", 1, 1, "PARSE006"): OUT},
                                    _link("prisma.config.ts")),
    "prisma-config-fifo": Case(None, {("adv/prisma.config.ts", 1, 1, "PARSE006"): SPECIAL},
                               _fifo("prisma.config.ts")),
    "prisma-config-to-proc-environ": Case(None, {("adv/.config/prisma.ts", 1, 1, "PARSE006"): SYSTEM},
                                          _link(".config/prisma.ts", "/proc/self/environ")),
    "prisma-config-700mb": Case(None, {("adv/prisma.config.ts", 1, 1, "PARSE004"): "too large"},
                                _sparse("prisma.config.ts")),
    "prisma-config-schema-is-root": Case(None, {("adv/prisma.config.ts", 1, 26, "PARSE006"): "outside the project"},
                                         _then(lambda root, adv: (adv / "serverless.yml").write_text(good_config()),
                                               lambda root, adv: (adv / "prisma.config.ts").write_text(
                                                   "export default { schema: '/' }\n"))),
    "env-to-proc-environ": Case(None, {("adv/.env", 1, 1, "PARSE006"): SYSTEM},
                                _link(".env", "/proc/self/environ")),
    "env-fifo": Case(None, {("adv/.env", 1, 1, "PARSE006"): SPECIAL}, _fifo(".env")),
    "env-700mb": Case(None, {("adv/.env", 1, 1, "PARSE006"): LARGE}, _sparse(".env")),
    "tsconfig-links-out": Case(None, {("adv/tsconfig.json", 1, 1, "PARSE006"): OUT}, _link("tsconfig.json")),
    "tsconfig-extends-dev-zero": Case(None, {("adv/base.json", 1, 1, "PARSE006"): SYSTEM},
                                      _tsconfig_extends(_link("base.json", "/dev/zero"))),
    "tsconfig-extends-fifo": Case(None, {("adv/base.json", 1, 1, "PARSE006"): SPECIAL},
                                  _tsconfig_extends(_fifo("base.json"))),
    "lintkit-yml-links-out": Case(None, {("adv/.lintkit.yml", 1, 1, "PARSE001"): OUT},
                                  _link(".lintkit.yml")),
    "lintkit-yml-dev-zero": Case(None, {("adv/.lintkit.yml", 1, 1, "PARSE001"): SYSTEM},
                                 _link(".lintkit.yml", "/dev/zero")),
    "lintkit-yml-700mb": Case(None, {("adv/.lintkit.yml", 1, 1, "PARSE001"): LARGE},
                              _sparse(".lintkit.yml")),
    "lintkit-yml-alias-bomb": Case(None, {("adv/.lintkit.yml", 16, 10, "PARSE001"): "possible alias bomb"},
                                   _then(lambda root, adv: (adv / "serverless.yml").write_text(good_config()),
                                         lambda root, adv: shutil.copy(DATA / "alias-bomb" / "serverless.yml",
                                                                       adv / ".lintkit.yml"))),
}


def _gitignore_case(make_ignore):
    """A .env with a plaintext database password beside a .gitignore that must neither block nor
    be read: SECRET001 still reports the password (the unread .gitignore ignores nothing)."""
    def make(root: Path, adv: Path) -> None:
        make_ignore(root, adv)
        (adv / ".env").write_text("DATABASE_URL=postgres://app:Xk9#mQ2v-long-pass@db.example.com/app\n")
    return make


FILE_CASES.update({
    "gitignore-fifo": Case(None, {("adv/.gitignore", 1, 1, "PARSE006"): SPECIAL,
                                  ("adv/.env", 1, 29, "SECRET001"): "password"},
                           _gitignore_case(_fifo(".gitignore"))),
    "gitignore-dev-zero": Case(None, {("adv/.gitignore", 1, 1, "PARSE006"): SYSTEM,
                                      ("adv/.env", 1, 29, "SECRET001"): "password"},
                               _gitignore_case(_link(".gitignore", "/dev/zero"))),
})


@pytest.mark.parametrize("name", list(FILE_CASES))
def test_files_outside_or_special_are_refused_where_they_are(tmp_path, name):
    case = FILE_CASES[name]
    root, adv = repository(tmp_path, case.fixture)
    case.make(root, adv)
    run = lint(root, "--select", "PARSE,SECRET001,RUNTIME001,CONFIG002")
    assert_contained(run)
    assert run.located() == set(case.expected), run.stdout
    for (path, line, column, code), fragment in case.expected.items():
        assert fragment in run.message(path, code)
    assert MARKER not in run.stdout + run.stderr


def test_nothing_of_a_file_outside_reaches_any_output(tmp_path):
    """Every name lintkit reads linked to a file outside, in every format, to a file, in a
    baseline and as statistics: not one character of it is printed or written."""
    from lintkit.reporters import FORMATS

    root, adv = repository(tmp_path)
    (adv / "serverless.yml").write_text(good_config() + "custom: ${file(./inc.yml)}\n")
    for name in ("inc.yml", "src/lib.ts", "package.json", ".env", "tsconfig.json", ".gitignore",
                 ".lintkit.yml", "prisma/schema.prisma"):
        _link(name)(root, adv)
    (adv / "src" / "api.ts").write_text("import './lib'\n" + HANDLER)
    for service in ("links", "yml"):  # a serverless.yml of its own that leads out, beside adv/
        (root / service).mkdir()
    _link("serverless.yml")(root, root / "yml")
    outputs = [lint(root, format=format) for format in FORMATS]
    outputs.append(lint(root, "--statistics"))
    outputs.append(lint(root, "--format", "sarif", "-o", "report.sarif"))
    assert outputs[-1].code == 1, outputs[-1].stderr
    assert MARKER not in (root / "report.sarif").read_text()
    outputs.append(lint(root, "--write-baseline", "base.json"))
    assert outputs[-1].code == 0 and MARKER not in (root / "base.json").read_text()
    for run in outputs:
        assert "Traceback" not in run.stderr and MARKER not in run.stdout + run.stderr
    codes = {(d["path"], d["code"]) for d in outputs[list(FORMATS).index("json")].diagnostics}
    assert {("adv/package.json", "PARSE006"), ("adv/.env", "PARSE006"), ("adv/serverless.yml", "PARSE005"),
            ("adv/.lintkit.yml", "PARSE001"), ("yml/serverless.yml", "PARSE001"),
            NORMAL_FINDING[::3]} <= codes


def test_a_baseline_that_is_a_fifo_or_links_out_is_an_error_not_a_hang(tmp_path):
    root, adv = repository(tmp_path)
    (adv / "serverless.yml").write_text(good_config())
    os.mkfifo(root / "fifo.json")
    (tmp_path / "secret.txt").write_text(SECRET_TEXT)
    os.symlink(tmp_path / "secret.txt", root / "out.json")
    os.symlink("/dev/zero", root / "zero.json")
    for name, reason in (("fifo.json", SPECIAL), ("out.json", OUT), ("zero.json", SYSTEM)):
        run = lint(root, "--baseline", name)
        assert run.code == 2 and f"cannot read baseline {name}: " in run.stderr, run.stderr
        assert reason in run.stderr and MARKER not in run.stdout + run.stderr
        assert run.seconds < MAX_SECONDS and "Traceback" not in run.stderr


@pytest.mark.parametrize("option", ["--output", "--write-baseline"])
def test_writes_never_leave_the_project(tmp_path, option):
    """A committed link at the report's name, or a folder on its way, that leads out: refused
    (exit 2), the file outside untouched; a link that stays inside is written through."""
    root, adv = repository(tmp_path)
    (adv / "serverless.yml").write_text(good_config())
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "crontab").write_text("untouched\n")
    os.symlink(victim / "crontab", root / "report.json")
    os.symlink(victim, root / "reports")
    for target in ("report.json", "reports/report.json"):
        run = lint(root, option, target)
        assert run.code == 2 and "leads outside the project" in run.stderr, run.stderr
    assert (victim / "crontab").read_text() == "untouched\n" and sorted(os.listdir(victim)) == ["crontab"]
    (root / "out").mkdir()
    os.symlink("out/real.json", root / "inside.json")
    run = lint(root, option, "inside.json")
    assert run.code in (0, 1) and (root / "out" / "real.json").is_file(), run.stderr
    assert (root / "inside.json").is_symlink()


def test_the_temporary_file_of_a_write_has_no_predictable_name(tmp_path, monkeypatch):
    """The old writer used `.NAME.PID.tmp`: a committed link of that name redirected the write."""
    from lintkit.read.files import write_text

    victim = tmp_path / "victim.txt"
    victim.write_text("untouched\n")
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    monkeypatch.setattr(os, "getpid", lambda: 4242)
    os.symlink(victim, project / ".lintkit.sarif.4242.tmp")
    write_text(project / "lintkit.sarif", "report\n")
    assert victim.read_text() == "untouched\n" and (project / "lintkit.sarif").read_text() == "report\n"
    assert not [name for name in os.listdir(project) if name.endswith(".tmp") and "4242" not in name]


# -- issue 9: one service's configuration decides for that service only ----------------------------
def _two_services(tmp_path: Path, adv_config: str) -> Path:
    root, adv = repository(tmp_path)
    (adv / "serverless.yml").write_text(good_config("nodejs16.x"))
    (adv / ".lintkit.yml").write_text(adv_config)
    return root


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_fail_on_never_in_one_service_does_not_pass_the_others(tmp_path, jobs):
    root = _two_services(tmp_path, "fail-on: never\n")
    run = lint(root, "--jobs", jobs)
    assert run.code == 1 and NORMAL_FINDING in run.located("normal/")  # normal/ fails on warning
    assert ("adv/serverless.yml", 4, 12, "RUNTIME001") in run.located()
    (root / "normal" / ".lintkit.yml").write_text("fail-on: never\n")
    assert lint(root, "--jobs", jobs).code == 0  # every service says never
    assert lint(root, "--jobs", jobs, "--fail-on", "error").code == 1  # the command line wins


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_broken_config_is_a_finding_of_its_service_and_the_rest_is_linted(tmp_path, jobs):
    root = _two_services(tmp_path, "select: [RUNTIME\nfail-on: never\n")
    run = lint(root, "--jobs", jobs)
    assert_contained(run)
    assert ("adv/.lintkit.yml", 2, 8, "PARSE001") in run.located()
    assert ("adv/serverless.yml", 4, 12, "RUNTIME001") in run.located()  # the default configuration
    text = lint(root, "--jobs", jobs, format="text")
    assert text.code == 1 and "adv/.lintkit.yml" in text.stdout and "Traceback" not in text.stderr


# -- issue 9: a time budget per service --------------------------------------------------------------
def _slow_service(root: Path, adv: Path) -> None:
    # Well over the 0.5 s budget the tests give it, however fast lintkit gets: 3,000 functions took
    # ~0.4 s in 2026-12 and the test passed or failed with the machine's load.
    functions = "".join(f"  f{i}:\n    handler: src/api.handler\n    events:\n      - http: GET /f{i}\n"
                        for i in range(10_000))
    (adv / "serverless.yml").write_text(good_config().split("functions:")[0] + "functions:\n" + functions)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_service_over_its_time_budget_is_reported_and_the_run_goes_on(tmp_path, jobs):
    root, adv = repository(tmp_path)
    _slow_service(root, adv)
    run = lint(root, "--jobs", jobs, "--service-timeout", "0.5")
    assert_contained(run)
    assert ("adv/serverless.yml", 1, 1, "LINT001") in run.located()
    assert "longer than 0.5 seconds" in run.message("adv/serverless.yml", "LINT001")
    assert ("adv/serverless.yml", 1, 1, "LINT001") not in lint(root, "--jobs", jobs).located()


# -- issue 9: secrets printed in code frames and elsewhere --------------------------------------
# A secret must not leave lintkit in any raw form it takes in a file: escaped, continued over lines,
# folded, as a function or file name, or on the raw line a PARSE001 frame shows. Each value below is
# only ever written into the project; no character run of four of any of them may be printed.
LEAKED_SECRETS = {
    "escaped": "Qw3rTy7uIo9pAs2d",        # custom.signing: "\u0051w3r..." under SIGNING_SECRET
    "two_lines": ("Hj4kL6zX", "c8vB1nM5"),  # JWT_SECRET: "Hj4k...\n  c8vB..." (folded)
    "continued": ("Gf5dS3aP", "o0iU8yT2"),  # custom.token: "Gf5d...\\\n  o0iU..." under API_TOKEN
    "line_break": ("Rt6yU8iO", "p2aS4dF6"),  # custom.key: "Rt6y...\u2028p2aS..." under PRIVATE_KEY
    "function": "Vb7nM3kJ9hG1fD5s",        # DEPLOY_TOKEN's value, also a function's name
    "file": "Lk2jH8gF4dS6aQ0w",            # STRIPE_API_KEY's value, also a handler file's name
    "js": ("Yt5rE3wQ", "z1xC7vB9"),        # 'postgresql://app:Yt5r...\\\nz1xC...@db/app' in handler code
    "parse_typo": "Mn8bV6cX4zL2kJ0h",       # DB_PASSWORD: "Mn8b..." junk   (PARSE001 on that line)
    "parse_continued": ("Ws9eD7rF", "t5gY3hU1"),  # DB_PASSWORD: "Ws9e...\n  t5gY..." junk
    "json": "Nh6gT4fR2eW8qA0z",            # secrets.json: {"signing": "\u004eh6g..."} under JSON_SECRET
    "dotenv": ("Bx3vC5nM", "q7wE9rT1"),     # .env: API_TOKEN="Bx3v...\nq7wE..." (a committed .env)
    # SESSION_SECRET's value, also a timeout: CONFIG001's message shows the first 60 characters
    "cut": "Tr5eW3qA1zX9cV7bN5mK3jH1gF8dS6aP4oI2uY0Tr5eW3qA1zX9cV7bN5mK3jH1gF8dS6a",
}


def _secret_fragments() -> list[str]:
    values = [v for value in LEAKED_SECRETS.values()
              for v in (value if isinstance(value, tuple) else (value,))]
    return sorted({value[i:i + 4] for value in values for i in range(len(value) - 3)})


def _secrets_repository(tmp_path: Path) -> Path:
    s = LEAKED_SECRETS
    root, adv = repository(tmp_path)
    (adv / "src" / "api.ts").write_text(
        "import { PrismaClient } from '@prisma/client'\n"
        f"const url = 'postgresql://app:{s['js'][0]}\\\n{s['js'][1]}@db.example.com/app'\n"
        "export const handler = async () => new PrismaClient({ datasourceUrl: url }).user.count()\n")
    (adv / "src" / f"{s['file']}.ts").write_text(
        "import { PrismaClient } from '@prisma/client'\n"
        "export const handler = async () => {\n"
        "  const prisma = new PrismaClient()\n  return prisma.user.count()\n}\n")
    escaped = "\\u0051" + s["escaped"][1:]
    (adv / "secrets.json").write_text('{\n  "signing": "\\u004e' + s["json"][1:] + '"\n}\n')
    (adv / ".env").write_text(f'STAGE=dev\nAPI_TOKEN="{s["dotenv"][0]}\n{s["dotenv"][1]}"\n')
    (adv / "serverless.yml").write_text(f"""\
service: adv
provider:
  name: aws
  runtime: nodejs24.x
  logRetentionInDays: 14
  environment:
    SIGNING_SECRET: ${{self:custom.signing}}
    JSON_SECRET: ${{file(./secrets.json):signing}}
    JWT_SECRET: "{s['two_lines'][0]}
      {s['two_lines'][1]}"
    API_TOKEN: ${{self:custom.token}}
    PRIVATE_KEY: ${{self:custom.key}}
    DEPLOY_TOKEN: {s['function']}
    STRIPE_API_KEY: {s['file']}
    SESSION_SECRET: {s['cut']}
functions:
  {s['function']}:
    handler: src/api.handler
    runtime: nodejs16.x
  other:
    handler: src/{s['file']}.handler
    timeout: {s['cut']}
custom:
  signing: "{escaped}"
  token: "{s['continued'][0]}\\
    {s['continued'][1]}"
  key: "{s['line_break'][0]}\u2028{s['line_break'][1]}"
""")
    for name, text in {
        "typo": f'service: typo\nprovider:\n  name: aws\n  environment:\n    DB_PASSWORD: "{s["parse_typo"]}" junk\n',
        "continued": ('service: continued\nprovider:\n  name: aws\n  environment:\n'
                      f'    DB_PASSWORD: "{s["parse_continued"][0]}\n      {s["parse_continued"][1]}" junk\n'),
    }.items():
        (adv / name).mkdir()
        (adv / name / "serverless.yml").write_text(text)
    return root


@pytest.mark.parametrize("format", ["text", "concise", "json", "sarif", "github", "gitlab", "junit"])
def test_secrets_in_raw_forms_are_never_printed(tmp_path, format):
    root = _secrets_repository(tmp_path)
    run = lint(root, "--color", "never", format=format)
    assert run.code == 1 and "Traceback" not in run.stderr, (run.code, run.stderr[-2000:])
    output = run.stdout + run.stderr
    leaked = [fragment for fragment in _secret_fragments() if fragment in output]
    assert not leaked, (leaked, output[:6000])
    if format == "json":
        located = run.located()
        assert NORMAL_FINDING in run.located("normal/")
        assert {("adv/typo/serverless.yml", 5, 37, "PARSE001"),
                ("adv/continued/serverless.yml", 6, 17, "PARSE001")} <= located, located
        codes = {code for *_, code in located}
        assert {"SECRET001", "SECRET003", "CLIENT001", "RUNTIME001", "CONFIG001"} <= codes, codes


CONFIG_SECRETS = ("Pz4xC6vB8nM2kL0j", "Ja1sD3fG5hJ7kL9z", "Ux8cV6bN4mQ2wE0r", "Io7pA5sD3fG1hJ9k")
BAD_CONFIG = f"""\
select: [{CONFIG_SECRETS[0]}]
fail-on: {CONFIG_SECRETS[1]}
severity: {{{CONFIG_SECRETS[2]}: error, SECRET001: {CONFIG_SECRETS[3]}}}
opt: {{stage: [{CONFIG_SECRETS[0]}]}}
{CONFIG_SECRETS[3]}: 1
unknown: *nowhere
"""


def _leaked_config_secrets(text: str) -> list[str]:
    return [s[i:i + 4] for s in CONFIG_SECRETS for i in range(len(s) - 3) if s[i:i + 4] in text]


@pytest.mark.parametrize("config, problems", [
    (BAD_CONFIG.replace("unknown: *nowhere", ""), ["select[0]: not a rule code", "fail-on: must be one of",
                                             "severity: not a rule code", "severity.<key>: must be one of",
                                             "opt.<key>: must be a string or a number or true or false",
                                             "unknown key"]),
    (BAD_CONFIG, ["invalid YAML: unknown alias"]),
], ids=["schema", "yaml"])
def test_lintkit_yml_errors_never_echo_its_values(tmp_path, config, problems):
    root, adv = repository(tmp_path)
    (adv / "serverless.yml").write_text(good_config())
    (adv / ".lintkit.yml").write_text(config)
    run = lint(root)
    # A broken configuration is a finding of its service (PARSE001); an invalid one exits 2.
    assert_contained(run, code=2 if "unknown: *nowhere" not in config else 1)
    messages = "\n".join(d["message"] for d in run.diagnostics if d["path"] == "adv/.lintkit.yml")
    assert all(p in messages for p in problems), messages
    for format in ("json", "sarif", "github", "concise"):  # messages; a text frame shows the line
        output = lint(root, format=format)
        assert not _leaked_config_secrets(output.stdout + output.stderr), output.stdout


def test_language_server_logs_never_hold_secrets(tmp_path):
    pytest.importorskip("pygls")
    from lintkit.lsp import Settings, create_server, lint_service

    root, adv = repository(tmp_path)
    (adv / "serverless.yml").write_text(good_config())
    (adv / ".lintkit.yml").write_text(BAD_CONFIG.replace("unknown: *nowhere", ""))
    outcome = lint_service(adv / "serverless.yml", {}, Settings(), "utf-16")
    assert outcome.ok and any("select[0]" in error for error in outcome.errors), outcome.errors
    server, logged = create_server(Settings()), []
    server.window_log_message = lambda params: logged.append(params.message)
    for error in outcome.errors:
        server.log(error)
    server.log("internal error: KeyError('postgres://app:Pz4xC6vB8nM2kL0j@db/app')")
    assert logged and not _leaked_config_secrets("\n".join(logged)), logged


def test_code_frame_masks_a_long_secret_cut_by_the_window_edge():
    """A minified line: the frame redacts a window around the finding, and a secret longer than the
    window's margin starts (with its key) outside it."""
    from lintkit.model.diagnostics import Diagnostic
    from lintkit.redact import Redactor
    from lintkit.reporters.text import REDACT_MARGIN, code_frame

    token = ("Kp3" + "x7Bq9" * 1000)[:REDACT_MARGIN + 500]
    line = "a" * 50_000 + f'var c={{apiKey:"{token}"}};new PrismaClient();' + "b" * 50_000
    column = line.index("new PrismaClient") + 1
    d = Diagnostic("CLIENT001", "client-per-invocation", "error", "m", Path("bundle.js"),
                   1, column, 1, column + len("new PrismaClient()"))
    text, start, end = code_frame(d, [line], Redactor())
    assert "x7Bq" not in text and "q9x7" not in text, text
    assert text[start:end] == "new PrismaClient()", (text, start, end)


def test_fingerprints_hash_no_secret(tmp_path):
    """Fingerprints are computed from redacted text: rotating a secret that is spelled with escapes,
    continued over lines or used as a function name changes none of them."""
    fingerprints = []
    for index, secret in enumerate(("Ka8sD6fG4hJ2", "Lq1wE3rT5yU7")):
        root, adv = repository(tmp_path / str(index))
        escaped = "\\u00" + format(ord(secret[0]), "x") + secret[1:]
        environment = f"""\
  environment:
    SIGNING_SECRET: ${{self:custom.signing}}
    API_TOKEN: ${{self:custom.token}}
    DEPLOY_TOKEN: {secret}
functions:"""
        (adv / "serverless.yml").write_text(good_config().replace("functions:", environment) + f"""\
  {secret}:
    handler: src/api.handler
    runtime: nodejs16.x
custom:
  signing: "{escaped}"
  token: "{secret[:6]}\\
    {secret[6:]}"
""")
        run = lint(root, format="sarif")
        assert run.code == 1, run.stderr
        results = json.loads(run.stdout)["runs"][0]["results"]
        assert {"SECRET003", "RUNTIME001"} <= {r["ruleId"] for r in results}, results
        fingerprints.append(sorted(r["partialFingerprints"]["lintkitFingerprint/v1"] for r in results))
    assert fingerprints[0] == fingerprints[1]


# -- issue 9: tracebacks on hostile input (exit 1 with no report), lone surrogates --------------------
def _deep_folders(base: Path, depth: int) -> Path:
    """`base/d/d/.../d`, `depth` folders deep (os.makedirs itself recurses once per level)."""
    folder = os.open(".", os.O_RDONLY)
    try:
        base.mkdir(parents=True, exist_ok=True)
        os.chdir(base)
        for _ in range(depth):
            os.mkdir("d")
            os.chdir("d")
        return Path(os.getcwd())
    finally:
        os.fchdir(folder)
        os.close(folder)


def _remove_deep_folders(base: Path, depth: int) -> None:
    """Removes what `_deep_folders` made (and what was put at its bottom), from the bottom up:
    shutil.rmtree recurses once per level too, so pytest's clean-up of old tmp_path folders (every
    engineer's next run) would fail on it. Relative paths keep each step short."""
    folder = os.open(".", os.O_RDONLY)
    try:
        os.chdir(base)
        for _ in range(depth):
            os.chdir("d")
        for entry in list(os.scandir(".")):
            (shutil.rmtree if entry.is_dir(follow_symlinks=False) else os.unlink)(entry.name)
        for _ in range(depth):
            os.chdir("..")
            os.rmdir("d")
    finally:
        os.fchdir(folder)
        os.close(folder)


@pytest.mark.parametrize("content, reason", [
    ("[" * 100_000 + "]" * 100_000, "JSON nested too deeply"),
    ('{"version": 1, "findings": [{"fingerprint": "ab", "count": ' + "9" * 5_000 + "}]}",
     "findings[0].count must be a positive integer of at most 18 digits"),
    ('{"version": ' + "7" * 5_000 + ', "findings": []}', "version '7777777"),
])
def test_hostile_baseline_is_a_clear_error(tmp_path, content, reason):
    """A baseline file is lintkit's input, not the project's: one that cannot be used is exit 2 with
    the file named, whatever it holds (README: "A missing or invalid baseline file is an error")."""
    root, adv = repository(tmp_path)
    (adv / "serverless.yml").write_text(good_config())
    (root / "baseline.json").write_text(content)
    run = lint(root, "--baseline", "baseline.json")
    assert run.code == 2 and run.stdout == "", (run.code, run.stderr[-2000:])
    assert run.stderr.startswith("lintkit: baseline baseline.json is not a lintkit baseline: ")
    assert reason in run.stderr and "Traceback" not in run.stderr and run.stderr.count("\n") == 1
    assert run.seconds < MAX_SECONDS and run.rss_mb < MAX_RSS_MB


def test_numbers_too_long_for_python_are_linted(tmp_path):
    """Integers with thousands of digits, in every base: Python refuses to print an int of over
    4,300 digits (and to parse a decimal one), so they stay strings, as plain ones did already."""
    root, adv = repository(tmp_path)
    hex_digits = "f" * 5_000
    (adv / "serverless.yml").write_text(good_config().replace(
        "    handler: src/api.handler\n",
        f"    handler: src/api.handler\n    timeout: !!int 0x{hex_digits}\n") + (
        "custom:\n"
        f"  hex: !!int 0x{hex_digits}\n"
        f"  octal: !!int 0o{'7' * 5_000}\n"
        f"  binary: !!int 0b{'1' * 5_000}\n"
        f"  decimal: !!int {'9' * 5_000}\n"
        f"  plain: 0x{hex_digits}\n"
        f"  float: !!float {'9' * 5_000}\n"
        "  sexagesimal: !!int 1:30\n"))
    run = lint(root)
    assert_contained(run)
    assert run.located() == {("adv/serverless.yml", 9, 14, "CONFIG001")}, run.stdout
    assert "must be an integer number of seconds" in run.message("adv/serverless.yml", "CONFIG001")


def test_code_point_escape_past_unicode_in_a_handler(tmp_path):
    """`"\\u{FFFFFFFFFFFFFFFFFFFF}"` is no character: the escape stays text, no rule fails on it."""
    root, adv = repository(tmp_path)
    (adv / "serverless.yml").write_text(good_config())
    (adv / "src" / "api.ts").write_text(
        'import { exec } from "child_process"\n'
        'export const handler = async () => { exec("\\u{FFFFFFFFFFFFFFFFFFFF} npx prisma migrate deploy") }\n')
    run = lint(root)
    assert_contained(run)
    assert run.located() == {("adv/src/api.ts", 2, 43, "MIGRATE002")}, run.stdout


def test_integer_too_long_for_python_in_package_json():
    """JavaScript reads a 5,000-digit number as a float (Infinity); the rest of package.json is
    still read."""
    from lintkit.read.packagejson import parse_package_json

    text = '{"size": ' + "9" * 5_000 + ', "dependencies": {"@prisma/client": "5.0.0"}}'
    package = parse_package_json(Path("package.json"), text)
    assert package.error is None and "@prisma/client" in package.dependencies


def _surrogate_functions(adv: Path) -> None:
    """A function named and a runtime written with lone surrogates, from a JSON include (which the
    JSON parser decodes into them: YAML refuses `"\\ud800"`)."""
    (adv / "serverless.yml").write_text(
        good_config().split("functions:")[0] + "functions: ${file(./functions.json)}\n")
    (adv / "functions.json").write_text(
        '{"a\\ud800b": {"handler": "src/api.handler", "runtime": "nodejs16.x\\udc80"}}\n')


def test_lone_surrogates_from_a_json_include_in_every_format_and_output_file(tmp_path):
    """Every reporter, on a strict UTF-8 stdout and into `-o FILE`: the report is valid UTF-8 (each
    lone surrogate is U+FFFD), machine formats parse, and the neighbour is still reported."""
    from xml.etree import ElementTree

    from lintkit.reporters import FORMATS

    root, adv = repository(tmp_path)
    _surrogate_functions(adv)
    strict = {"PYTHONIOENCODING": "utf-8"}
    for format in FORMATS:
        run = lint(root, format=format, env=strict)
        assert run.code == 1 and "Traceback" not in run.stderr, (format, run.stderr[-2000:])
        assert run.seconds < MAX_SECONDS and run.rss_mb < MAX_RSS_MB
        output = root / "reports" / f"report.{format}"
        to_file = lint(root, "-o", str(output), format=format, env=strict)
        assert to_file.code == 1 and "Traceback" not in to_file.stderr, (format, to_file.stderr[-2000:])
        assert to_file.stdout.startswith("lintkit: 2 errors; report written to ")
        report = output.read_bytes().decode("utf-8")  # strictly: no surrogate in any form
        assert report == run.stdout
        if format in ("json", "sarif", "gitlab"):  # nor escaped: every string encodes as UTF-8
            json.dumps(json.loads(report), ensure_ascii=False).encode("utf-8")
        if format == "json":
            assert NORMAL_FINDING in run.located("normal/")
            messages = {d["code"]: d["message"] for d in run.diagnostics if d["path"].startswith("adv/")}
            assert "nodejs16.x\ufffd" in messages["CONFIG001"] and "a\ufffdb" in messages["CONFIG001"]
            assert {d["function"] for d in run.diagnostics if d["path"].startswith("adv/")} == {"a\ufffdb"}
        elif format == "junit":
            ElementTree.fromstring(report)
        elif format != "sarif" and format != "gitlab":
            assert "normal/serverless.yml" in report and "nodejs16.x\ufffd" in report
    statistics = lint(root, "--statistics", format="text", env=strict)
    assert statistics.code == 1 and "CONFIG001" in statistics.stdout


def test_folder_tree_1200_deep(tmp_path):
    """Discovery walks with its own stack (Python 3.11's os.walk recursed once per level): a service
    at the bottom of a tree 1,200 folders deep is found and linted, beside a clean one."""
    root, adv = repository(tmp_path)
    (adv / "serverless.yml").write_text(good_config())
    bottom = _deep_folders(adv / "deep", 1_200)
    try:
        (bottom / "serverless.yml").write_text(good_config("nodejs16.x"))
        (bottom / "src").mkdir()
        (bottom / "src" / "api.ts").write_text(HANDLER)
        run = lint(root)
    finally:
        _remove_deep_folders(adv / "deep", 1_200)
    assert_contained(run)
    deep = "adv/deep/" + "d/" * 1_200 + "serverless.yml"
    assert run.located() == {(deep, 4, 12, "RUNTIME001")}, run.stdout[-2000:]


def test_prisma_schema_folder_1200_deep(tmp_path):
    """A multi-file Prisma schema (prisma/schema/) whose files lie 1,200 folders deep: every file is
    read (the schema's walk has its own stack too), and the service's other findings are reported."""
    _, adv = repository(tmp_path)
    (adv / "serverless.yml").write_text(good_config("nodejs16.x"))
    schema = adv / "prisma" / "schema"
    schema.mkdir(parents=True)
    (schema / "base.prisma").write_text('generator client {\n  provider = "prisma-client-js"\n}\n')
    bottom = _deep_folders(schema, 1_200)
    try:
        (bottom / "db.prisma").write_text(
            'datasource db {\n  provider = "postgresql"\n  url = "postgres://app:hunter2x@db.example.com/app"\n}\n')
        run = lint(adv)  # only this service: the walk of the repository is the test above
    finally:
        _remove_deep_folders(schema, 1_200)
    assert run.code == 1 and "Traceback" not in run.stderr and "internal error" not in run.stderr, \
        run.stderr[-2000:]
    assert run.seconds < MAX_SECONDS and run.rss_mb < MAX_RSS_MB
    codes = {(Path(path).name, code) for path, _, _, code in run.located("")}
    assert {("serverless.yml", "RUNTIME001"), ("db.prisma", "SECRET001")} <= codes, run.stdout[-2000:]


def test_unexpected_exception_is_exit_2_with_one_line(tmp_path, run_lintkit, monkeypatch):
    """A lintkit bug outside any rule (a rule's is recorded per service already) is exit 2 with one
    line that says what failed, never exit 1 and a traceback; LINTKIT_DEBUG=1 adds the traceback."""
    from lintkit.engine import Engine

    root, adv = repository(tmp_path)
    (adv / "serverless.yml").write_text(good_config())

    def explode(self, targets, progress=None):
        raise KeyError("boom")

    monkeypatch.setattr(Engine, "run", explode)
    monkeypatch.delenv("LINTKIT_DEBUG", raising=False)
    code, out, err = run_lintkit("check", "--format", "json", ".", cwd=root)
    assert (code, out) == (2, "") and err.count("\n") == 1, err
    # the innermost frame of lintkit's own code: where lintkit called what failed
    assert err.startswith("lintkit: internal error: KeyError: 'boom' in cli.py:")
    assert "(_check)" in err and "LINTKIT_DEBUG=1" in err and "Traceback" not in err
    monkeypatch.setenv("LINTKIT_DEBUG", "1")
    code, _, err = run_lintkit("check", "--format", "json", ".", cwd=root)
    assert code == 2 and "Traceback (most recent call last)" in err and 'raise KeyError("boom")' in err


def test_output_writer_keeps_file_name_bytes_and_replaces_other_lone_surrogates():
    """What the CLI writes to stdout and `-o FILE` goes through one error handler: the byte of a
    file name that is not UTF-8 is written as that byte, any other lone surrogate as U+FFFD."""
    from lintkit.read.surrogates import ERRORS

    written = "svc\udcff/a\ud800b\udfff😀".encode("utf-8", ERRORS)
    assert written == b"svc\xff/a" + "\ufffdb\ufffd😀".encode("utf-8")
    assert "\ud800é".encode("ascii", ERRORS) == b"??"


# -- issue 9: globs that backtrack ----------------------------------------------------------------
# Each pattern took exponential time as a backtracking regex on a long name; none matches the
# names below (they hold no `b`, and no folder).
BACKTRACKING_GLOBS = ["*a" * 100 + "*b", "*?" * 100 + "b", "**/" * 100 + "b", "*" * 100 + "b",
                      "*?*a" * 50 + "b", "[a-z]*" * 100 + "b"]
LONG = "a" * 200  # a name of 200 characters; 255 bytes is the filesystem's limit


def _long_names(adv: Path, patterns: list[str] = ()) -> None:
    """adv/ with its runtime in `<LONG>.yml` (so RUNTIME001 is reported there) and a secret in
    `.env.<LONG>` (SECRET001, and SECRET007 unless git-ignored), and `package.patterns`."""
    package = "package:\n  patterns:\n" + "".join(f"    - '{p}'\n" for p in patterns) if patterns else ""
    (adv / "serverless.yml").write_text(
        f"service: adv\nprovider:\n  name: aws\n  runtime: ${{file(./{LONG}.yml):runtime}}\n"
        f"  logRetentionInDays: 14\n{package}functions:\n  api:\n    handler: src/api.handler\n")
    (adv / f"{LONG}.yml").write_text("runtime: nodejs18.x\n")
    (adv / f".env.{LONG}").write_text("DATABASE_URL=postgres://app:Zq8vN2pLx7@db.example.com/app\n")


RUNTIME_IN_INCLUDE = (f"adv/{LONG}.yml", 1, 10, "RUNTIME001")
PLAINTEXT_IN_ENV = (f"adv/.env.{LONG}", 1, 29, "SECRET001")
COMMITTED_ENV = (f"adv/.env.{LONG}", 1, 1, "SECRET007")


def test_backtracking_globs_in_per_file_ignores(tmp_path):
    root, adv = repository(tmp_path)
    _long_names(adv)
    ignores = {pattern: ["RUNTIME001", "SECRET007"] for pattern in BACKTRACKING_GLOBS}
    ignores["*?" * 100 + "*"] = ["SECRET001"]  # matches `.env.<LONG>`
    (adv / ".lintkit.yml").write_text(json.dumps({"per-file-ignores": ignores}))
    run = lint(root)
    assert_contained(run)
    assert run.located() == {RUNTIME_IN_INCLUDE, COMMITTED_ENV}


def test_backtracking_globs_in_gitignore(tmp_path):
    root, adv = repository(tmp_path)
    _long_names(adv)
    (adv / f".env.{'c' * 200}").write_text("JWT_SECRET=Zq8vN2pLx7Zq8vN2pLx7\n")
    lines = [*BACKTRACKING_GLOBS, "[z-a]", "[!]", "*c" * 100 + "*"]  # the last ignores `.env.ccc…`
    (adv / ".gitignore").write_text("\n".join(lines) + "\n")
    run = lint(root)
    assert_contained(run)
    assert {(path, code) for path, _, _, code in run.located()} == {
        (f"adv/{LONG}.yml", "RUNTIME001"), (f"adv/.env.{LONG}", "SECRET001"),
        (f"adv/.env.{LONG}", "SECRET007")}


def test_backtracking_globs_in_package_patterns(tmp_path):
    root, adv = repository(tmp_path)
    matching = ".env" + "*?" * 100 + "*"  # puts `.env.<LONG>` into the package
    _long_names(adv, [*BACKTRACKING_GLOBS, "{a,b}" * 2000, "{" * 5000, matching])
    run = lint(root)
    assert_contained(run)
    pattern_line = 8 + len(BACKTRACKING_GLOBS) + 2  # after `patterns:` on line 7
    assert run.located() == {RUNTIME_IN_INCLUDE, PLAINTEXT_IN_ENV, COMMITTED_ENV,
                             ("adv/serverless.yml", pattern_line, 7, "SECRET007")}
    assert "puts .env." in run.message("adv/serverless.yml", "SECRET007")


def test_globs_match_in_time_linear_in_pattern_and_path():
    import time

    from lintkit.read.globs import FLAVOURS, glob_matches

    cases = [(glob, "a" * 10_000) for glob in BACKTRACKING_GLOBS] + [
        ("**/" * 100 + "b", "a/" * 5_000), ("*a" * 100 + "*", "a" * 10_000),
        ("{a,b}" * 2000, "ab" * 2000), ("{" * 10_000, "{" * 10_000)]
    started = time.perf_counter()
    results = {(glob[:20], flavour): glob_matches(glob, path, flavour)
               for glob, path in cases for flavour in FLAVOURS}
    assert time.perf_counter() - started < 5
    assert results[("*a" * 10, "micromatch")] is True  # `*a*a…*` with 10,000 `a`s
    assert results[("{" * 20, "micromatch")] is True  # braces that never close are text
    assert not any(matched for (glob, _), matched in results.items() if glob.endswith("b"))


# -- issue 9: line numbers that shift -------------------------------------------------------------
# A line ends at \n, \r\n or a lone \r (lintkit.read.lines); these are characters within a line, although
# str.splitlines(), libyaml or tree-sitter count some of them as line breaks.
NOT_BREAKS = "\f\v\x1c\x85\u2028\u2029"


def _client_handler(extra: str, comment_line: str, break_5: str) -> str:
    """A handler whose line 2 holds `extra`, line 4 `comment_line`, line 5 ends with `break_5`,
    and `new PrismaClient()` is at line 7, column 18."""
    return ("import { PrismaClient } from '@prisma/client'\n"
            f"const note = \"{extra}\"\n"
            "export const handler = async () => {\n"
            f"{comment_line}\n"
            f"  const before = 1;{break_5}"
            "  const after = 2\n"
            "  const prisma = new PrismaClient()  // lintkit: ignore[CLIENT001] on its own line\n"
            "  return { statusCode: 200, body: JSON.stringify(await prisma.user.findMany()) }\n"
            "}\n")


def test_line_breaks_that_are_not_lines_do_not_shift_positions(tmp_path):
    root, adv = repository(tmp_path)
    (adv / "serverless.yml").write_text(
        "service: adv\n"
        f"custom:\n  note: \"{NOT_BREAKS[3:]} in a string\"\r  other: 1\n"  # YAML: no \f \v \x1c
        "provider:\n  name: aws\n  runtime: nodejs18.x\n  logRetentionInDays: 14\n"
        "functions:\n"
        "  api:\n    handler: src/api.handler\n"  # line 10
        "  hidden:\n    handler: src/hidden.handler\n"
        "  # lintkit: ignore[RUNTIME002]\n", newline="")
    (adv / "package.json").write_text('{"dependencies": {"@prisma/client": "6.0.0"}}\n')
    # api.ts: three "line breaks" on line 2 made the suppression on line 4 hide line 7's client.
    (adv / "src" / "api.ts").write_text(
        _client_handler("\f\u2028\x85", "  const x = 1 // lintkit: ignore[CLIENT001]", "\n")
        .replace("  // lintkit: ignore[CLIENT001] on its own line", ""), newline="")
    # hidden.ts: all of them, and a lone \r: the suppression on the client's own line hides it.
    (adv / "src" / "hidden.ts").write_text(_client_handler(NOT_BREAKS, "  // a comment", "\r"),
                                           newline="")
    run = lint(root)
    assert_contained(run)
    assert run.located() == {
        ("adv/serverless.yml", 7, 12, "RUNTIME001"),
        ("adv/serverless.yml", 14, 5, "SUPPRESS001"),
        ("adv/src/api.ts", 7, 18, "CLIENT001"),
        ("adv/src/api.ts", 4, 18, "SUPPRESS001"),  # the comment above suppresses nothing
    }
    frames = lint(root, format="text").stdout
    assert "7 |   runtime: nodejs18.x" in frames and "7 |   const prisma = new PrismaClient()" in frames


def test_a_catastrophic_variable_syntax_is_stopped_by_the_time_budget(tmp_path):
    """`provider.variableSyntax` is a regular expression the project chooses: one that backtracks
    catastrophically would hang the run; the service's time budget ends it (SIGALRM interrupts the
    regex engine too) and the neighbour is still linted."""
    root, adv = repository(tmp_path)
    (adv / "serverless.yml").write_text(good_config().replace(
        "  logRetentionInDays: 14\n", '  logRetentionInDays: 14\n  variableSyntax: "((a+)+)b"\n')
        + "custom:\n  x: " + "a" * 40 + "c\n")
    run = lint(root, "--service-timeout", "2")
    assert_contained(run)
    assert run.located() == {("adv/serverless.yml", 1, 1, "LINT001")}


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

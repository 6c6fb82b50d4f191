"""Call chains far deeper than real code goes (issue 15, "Correctness found on the way"): a client
built 25 or 150 calls below the handler is reported (CLIENT001), in one file, across files and with
a function handed down the chain; a chain past MAX_CALL_DEPTH says so (LINT002), once per function.
Following a chain is linear in it: a chain where every step calls the next twice would take 2^150
walks if calls were followed per path rather than per function."""
from pathlib import Path

import pytest

from lintkit.read.handlers import MAX_CALL_DEPTH

PRISMA = "import { PrismaClient } from '@prisma/client'\n"
SERVERLESS = """service: app
provider:
  name: aws
  runtime: nodejs22.x
functions:
{functions}"""


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def service(root: Path, handlers: dict[str, str], files: dict[str, str]) -> Path:
    entries = "".join(f"  {name}:\n    handler: {handler}\n" for name, handler in handlers.items())
    return write(root, {"serverless.yml": SERVERLESS.format(functions=entries), **files})


def one_file_chain(depth: int, calls_per_step: int = 1) -> str:
    """handler → step1 → ... → step{depth} → new PrismaClient()"""
    lines = [PRISMA.rstrip(), "export const handler = async (event) => step1(event)"]
    for i in range(1, depth):
        calls = "; ".join([f"step{i + 1}(event)"] * calls_per_step)
        lines.append(f"function step{i}(event) {{ {calls}; return 1 }}")
    lines.append(f"function step{depth}(event) {{ return new PrismaClient().user.findMany() }}")
    return "\n".join(lines) + "\n"


def files_chain(depth: int) -> dict[str, str]:
    """The same chain with one module per step."""
    files = {"src/handler.ts": "import { step1 } from './s1'\n"
                               "export const handler = async (event) => step1(event)\n"}
    for i in range(1, depth):
        files[f"src/s{i}.ts"] = (f"import {{ step{i + 1} }} from './s{i + 1}'\n"
                                 f"export function step{i}(event) {{ return step{i + 1}(event) }}\n")
    files[f"src/s{depth}.ts"] = PRISMA + f"export function step{depth}() {{ return new PrismaClient() }}\n"
    return files


def handed_down_chain(depth: int) -> str:
    """`connect` passed down `depth` steps and called at the bottom."""
    lines = [PRISMA.rstrip(), "const connect = () => new PrismaClient()",
             "export const handler = async (event) => step1(connect)"]
    lines += [f"function step{i}(fn) {{ return step{i + 1}(fn) }}" for i in range(1, depth)]
    lines.append(f"function step{depth}(fn) {{ return fn() }}")
    return "\n".join(lines) + "\n"


def lint(run_lintkit, root: Path, select: str) -> list[str]:
    _, out, err = run_lintkit("check", ".", "--format", "concise", "--select", select, cwd=root)
    assert "internal error" not in err
    return out.splitlines()


def test_the_bound_is_far_above_real_call_chains():
    assert MAX_CALL_DEPTH >= 200


@pytest.mark.parametrize("depth", [25, 150])
def test_a_client_built_deep_in_one_file_is_reported(tmp_path, run_lintkit, depth):
    root = service(tmp_path, {"api": "src/handler.handler"}, {"src/handler.ts": one_file_chain(depth)})
    found = lint(run_lintkit, root, "CLIENT001,LINT002")
    # reported at the handler's call that starts the chain; the message names every step
    assert len(found) == 1 and found[0].startswith("src/handler.ts:2:41: CLIENT001 ")
    assert f"→ step{depth}() (src/handler.ts:{depth + 2}) → new PrismaClient() " \
        f"(src/handler.ts:{depth + 2})" in found[0]
    assert found[0].count("() (src/handler.ts:") == depth + 1


@pytest.mark.parametrize("depth", [25, 150])
def test_a_client_built_deep_across_files_is_reported(tmp_path, run_lintkit, depth):
    root = service(tmp_path, {"api": "src/handler.handler"}, files_chain(depth))
    found = lint(run_lintkit, root, "CLIENT001,LINT002")
    assert len(found) == 1 and found[0].startswith("src/handler.ts:2:41: CLIENT001 ")
    assert f"→ step{depth}() (src/s{depth}.ts:2) → new PrismaClient() (src/s{depth}.ts:2)" in found[0]


@pytest.mark.parametrize("depth", [25, 150])
def test_a_client_factory_handed_down_deep_is_reported(tmp_path, run_lintkit, depth):
    root = service(tmp_path, {"api": "src/handler.handler"},
                   {"src/handler.ts": handed_down_chain(depth)})
    found = lint(run_lintkit, root, "CLIENT001,LINT002")
    assert len(found) == 1 and found[0].startswith("src/handler.ts:3:41: CLIENT001 ")
    assert f"→ step{depth}() (src/handler.ts:{depth + 3}) → connect() (src/handler.ts:2) → " \
        "new PrismaClient() (src/handler.ts:2)" in found[0]


def test_a_chain_that_calls_each_step_twice_is_followed_once_per_step(tmp_path, run_lintkit):
    root = service(tmp_path, {"api": "src/handler.handler"},
                   {"src/handler.ts": one_file_chain(150, calls_per_step=2)})
    found = lint(run_lintkit, root, "CLIENT001,LINT002")
    assert len(found) == 1 and found[0].startswith("src/handler.ts:2:41: CLIENT001 ")
    assert "→ step150() (src/handler.ts:152) → new PrismaClient()" in found[0]


def test_a_chain_past_the_bound_is_said_once_per_function(tmp_path, run_lintkit):
    depth = MAX_CALL_DEPTH + 5
    root = service(tmp_path, {"api": "src/api.handler", "jobs": "src/jobs.handler",
                              "worker": "src/jobs.handler"},
                   {"src/api.ts": one_file_chain(depth), "src/jobs.ts": one_file_chain(depth * 5)})
    found = lint(run_lintkit, root, "CLIENT001,LINT002")
    # step{bound} calls step{bound + 1}: the first call past the bound, on line bound + 2. The
    # functions sharing a handler are told at that one place, for the first of them.
    at = f":{MAX_CALL_DEPTH + 2}:"
    assert [line.split(" ")[0].rsplit(":", 2)[0] + ":" for line in found] == [
        f"src/api.ts{at}", f"src/jobs.ts{at}"]
    assert all(" LINT002 " in line and f"lintkit follows calls {MAX_CALL_DEPTH} deep" in line
               for line in found)
    assert [line.split("`")[1] for line in found] == ["api", "jobs"]

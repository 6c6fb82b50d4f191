"""lintkit.analysis.execcalls: local constants behind exec-style commands, and the cost of finding them."""
import time
from pathlib import Path

from lintkit.analysis.execcalls import file_exec_commands
from lintkit.read.sources import SourceCache


def command_texts(tmp_path: Path, code: str) -> list[str]:
    path = tmp_path / "handler.ts"
    path.write_text(code)
    return [command.text for command in file_exec_commands(SourceCache().parse(path))]


def test_a_name_takes_the_value_of_the_innermost_block_that_declares_it_before_use(tmp_path):
    assert command_texts(tmp_path, """
import { execSync } from 'child_process'
const cmd = 'outer'
var v = 'one'
var v = 'two'
export function a() { execSync(cmd) }
export function b() { const cmd = 'inner'; execSync(cmd) }
export function c() { if (x) { const cmd = 'nested' } execSync(cmd) }
export function d() { execSync(cmd); const cmd = 'late' }
export function e() { const cmd = 'first'; const other = 1; { execSync(cmd) } }
export function f() { execSync(v) }
export function g() { let cmd; execSync(cmd) }
export const h = () => { const cmd = 'arrow', x = 1; return execSync(cmd) }
""") == ["outer", "inner", "outer", "outer", "first", "one", "outer", "arrow"]


def test_thousands_of_functions_declaring_the_same_name_are_analysed_in_linear_time(tmp_path):
    # Each lookup of `cmd` (and of `check`) used to scan every statement before it in the module:
    # 5 to 10 s for this file, a quarter of a second now.
    count = 3000
    lines = ["import { execSync } from 'child_process'", "const base = 'npx prisma migrate deploy'"]
    lines += [f"export function f{i}() {{ const cmd = base + ' --n {i}'; check(); "
              "execSync(cmd); execSync(cmd); return execSync(cmd) }" for i in range(count)]
    started = time.monotonic()
    texts = command_texts(tmp_path, "\n".join(lines) + "\n")
    assert time.monotonic() - started < 5
    assert texts == [f"npx prisma migrate deploy --n {i}" for i in range(count) for _ in range(3)]

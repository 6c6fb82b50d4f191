"""The result cache of `lintkit check` (lintkit.cache): a warm run prints what a cold run prints,
every change a service's outcome depends on makes it linted again, no secret is ever kept, and a
broken or concurrent cache never changes a report."""
from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lintkit.engine import Engine

from test_files import calls_in, lintkit_sources

AS_OF = "2026-12-01"
SECRET = "Zq7pass9word"


@pytest.fixture
def linted(monkeypatch) -> list[Path]:
    """The serverless.yml of every service linted (not taken from the cache) in this test."""
    seen: list[Path] = []
    lint = Engine._lint

    def counting(self, target, config):
        seen.append(Path(os.path.abspath(target.config_path)))
        return lint(self, target, config)

    monkeypatch.setattr(Engine, "_lint", counting)
    return seen


@pytest.fixture
def cache(tmp_path) -> Path:
    return tmp_path / "cache"


@pytest.fixture
def check(run_lintkit, cache, linted):
    """`lintkit check --format concise ARGS .` in `cwd` with the cache in `cache`; returns
    (exit code, stdout, the services linted by this run)."""
    def run(cwd: Path, *args: str, cached: bool = True):
        before = len(linted)
        options = ["--cache-dir", str(cache)] if cached else ["--no-cache"]
        code, out, err = run_lintkit("check", "--as-of", AS_OF, "--format", "concise", *options,
                                     *args, ".", cwd=cwd)
        assert code in (0, 1), err
        return code, out, linted[before:]

    return run


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


SERVICE = """\
service: app
provider:
  name: aws
  runtime: nodejs24.x
  logRetentionInDays: 30
custom: ${file(./custom.yml)}
functions:
  users:
    handler: src/users.handler
  orders:
    handler: src/orders.handler
"""
HANDLER = """\
import { PrismaClient } from '@prisma/client'
export const handler = async () => {
  const prisma = new PrismaClient()
  return prisma.user.findMany()
}
"""
FIXED_HANDLER = """\
import { PrismaClient } from '@prisma/client'
const prisma = new PrismaClient()
export const handler = async () => prisma.user.findMany()
"""


@pytest.fixture
def project(tmp_path) -> Path:
    """A service with a client built per invocation (src/users.ts), a handler that does not exist
    (src/orders.ts) and an included file (custom.yml)."""
    root = tmp_path / "project"
    (root / ".git").mkdir(parents=True)
    write(root / "serverless.yml", SERVICE)
    write(root / "custom.yml", "stage: dev\n")
    write(root / "src" / "users.ts", HANDLER)
    return root


def test_a_warm_run_prints_what_a_cold_run_prints_without_linting(project, check, cache):
    code, cold, linted = check(project)
    assert "CONFIG002" in cold and "CLIENT001" in cold and linted
    assert list(cache.glob("*.json")), "the outcome was not kept"
    assert check(project) == (code, cold, [])
    assert check(project, cached=False)[:2] == (code, cold)


@pytest.mark.parametrize("arguments", [
    ("--format", "json"), ("--format", "sarif"), ("--format", "text"), ("--statistics",),
    ("--fail-on", "error"), ("--select", "CONFIG"), ("--ignore", "CLIENT001"),
])
def test_every_format_and_option_is_the_same_warm(project, run_lintkit, cache, linted, arguments):
    def run():
        return run_lintkit("check", "--as-of", AS_OF, "--cache-dir", str(cache), *arguments, ".",
                           cwd=project)

    cold = run()
    count = len(linted)
    assert run() == cold
    assert len(linted) == count


def test_a_baseline_run_is_the_same_warm(project, run_lintkit, cache, linted, tmp_path):
    baseline = tmp_path / "baseline.json"
    args = ("check", "--as-of", AS_OF, "--cache-dir", str(cache))
    assert run_lintkit(*args, "--write-baseline", str(baseline), ".", cwd=project)[0] == 0
    write(project / "src" / "users.ts", HANDLER + "// another line\n")
    cold = run_lintkit(*args, "--baseline", str(baseline), ".", cwd=project)
    count = len(linted)
    assert run_lintkit(*args, "--baseline", str(baseline), ".", cwd=project) == cold
    assert len(linted) == count
    assert cold == run_lintkit("check", "--as-of", AS_OF, "--no-cache", "--baseline", str(baseline),
                               ".", cwd=project)


def test_seed_and_realworld_warm_equal_cold(shared, run_lintkit, cache, linted):
    """The shared projects, in the formats snap.sh compares, cold then warm (and no service linted
    again that the cold run kept)."""
    projects = [shared / "seed" / "project", *sorted(p for p in (shared / "realworld").iterdir()
                                                     if p.is_dir())]
    for folder in projects:
        for form in ("concise", "json", "sarif"):
            args = ("check", "--as-of", AS_OF, "--format", form, "--cache-dir", str(cache), ".")
            uncached = run_lintkit("check", "--as-of", AS_OF, "--format", form, "--no-cache", ".",
                                   cwd=folder)
            assert run_lintkit(*args, cwd=folder) == uncached, folder.name
            assert run_lintkit(*args, cwd=folder) == uncached, folder.name


def test_editing_a_handler_lints_the_service_again(project, check):
    _, cold, _ = check(project)
    write(project / "src" / "users.ts", FIXED_HANDLER)
    code, warm, linted = check(project)
    assert linted and "CLIENT001" not in warm
    assert check(project, cached=False)[:2] == (code, warm)


def test_creating_a_missing_handler_lints_the_service_again(project, check):
    _, cold, _ = check(project)
    assert "handler `src/orders.handler`" in cold
    write(project / "src" / "orders.ts", FIXED_HANDLER)
    code, warm, linted = check(project)
    assert linted and "src/orders.handler" not in warm
    assert check(project, cached=False)[:2] == (code, warm)


def test_creating_a_missing_folder_with_the_handler_lints_again(project, check):
    write(project / "serverless.yml", SERVICE.replace("src/orders.handler", "app/jobs/orders.handler"))
    _, cold, _ = check(project)
    assert "app/jobs/orders.handler" in cold
    write(project / "app" / "jobs" / "orders.ts", FIXED_HANDLER)
    code, warm, linted = check(project)
    assert linted and "app/jobs/orders.handler" not in warm


@pytest.mark.parametrize("change", ["create", "delete"])
def test_a_file_that_appears_or_goes_while_linting_keeps_the_outcome_out(project, check, monkeypatch,
                                                                          change):
    """The handler is created (or deleted) after the service read its folder and before its
    outcome is stored: what was linted is not what is there, so nothing is kept."""
    if change == "delete":
        write(project / "src" / "orders.ts", FIXED_HANDLER)
    lint = Engine._lint

    def lint_then_change(self, target, config):
        outcome = lint(self, target, config)
        if change == "create":
            write(project / "src" / "orders.ts", FIXED_HANDLER)
        else:
            (project / "src" / "orders.ts").unlink()
        return outcome

    monkeypatch.setattr(Engine, "_lint", lint_then_change)
    _, during, _ = check(project)
    assert ("src/orders.handler" in during) == (change == "create")
    monkeypatch.setattr(Engine, "_lint", lint)
    code, after, linted = check(project)
    assert linted and ("src/orders.handler" in after) == (change == "delete")
    assert check(project, cached=False)[:2] == (code, after)


def test_editing_an_included_file_lints_the_service_again(project, check):
    write(project / "serverless.yml", SERVICE.replace("  runtime: nodejs24.x\n",
                                                      "  runtime: ${file(./custom.yml):runtime}\n"))
    write(project / "custom.yml", "runtime: nodejs24.x\n")
    _, cold, _ = check(project)
    assert "RUNTIME" not in cold
    write(project / "custom.yml", "runtime: nodejs16.x\n")
    code, warm, linted = check(project)
    assert linted and "RUNTIME001" in warm
    assert check(project, cached=False)[:2] == (code, warm)


def test_creating_or_editing_lintkit_yml_lints_again(project, check):
    _, cold, _ = check(project)
    assert "CLIENT001" in cold
    write(project / ".lintkit.yml", "ignore: [CLIENT001]\n")
    _, created, linted = check(project)
    assert linted and "CLIENT001" not in created
    write(project / ".lintkit.yml", "ignore: [CONFIG002]\n")
    code, edited, linted = check(project)
    assert linted and "CLIENT001" in edited and "CONFIG002" not in edited
    assert check(project, cached=False)[:2] == (code, edited)


def test_another_option_is_another_entry(project, check):
    _, cold, _ = check(project)
    _, selected, linted = check(project, "--select", "CONFIG002")
    assert linted and selected.count("\n") == 1
    _, with_opt, linted = check(project, "--opt", "stage=prod")
    assert linted and with_opt == cold
    assert check(project)[1:] == (cold, [])  # each option set keeps its own entry
    assert check(project, "--select", "CONFIG002")[1:] == (selected, [])
    _, later, linted = run_as_of(check, project, "2027-06-01")
    assert linted


def run_as_of(check, project, as_of):
    return check(project, "--as-of", as_of)


def test_a_listed_folder_that_changes_lints_again(project, check):
    """The Prisma schema folder is listed: a new .prisma file in it is a change."""
    write(project / "prisma" / "schema" / "schema.prisma",
          'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n')
    check(project)
    assert check(project)[2] == []
    write(project / "prisma" / "schema" / "user.prisma", "model User {\n  id Int @id\n}\n")
    assert check(project)[2]


def test_a_service_that_names_a_secret_is_not_kept(project, check, cache):
    write(project / "serverless.yml", SERVICE.replace(
        "  logRetentionInDays: 30\n",
        f"  logRetentionInDays: 30\n  environment:\n    DATABASE_URL: postgres://admin:{SECRET}@db.example.com/app\n"))
    _, cold, linted = check(project)
    assert "SECRET001" in cold and SECRET not in cold
    assert not list(cache.glob("*.json"))
    assert check(project)[1:] == (cold, linted)  # linted again: nothing was kept
    assert_nowhere_in(cache, SECRET)


def assert_nowhere_in(folder: Path, secret: str) -> None:
    for path in folder.rglob("*") if folder.exists() else ():
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path


def two_services(root: Path, secret_in_a: bool) -> None:
    """Service a, with a database password when `secret_in_a`, and service b, whose handler is
    named like that password (its CONFIG002 message names it)."""
    url = f"postgres://admin:{SECRET}@db.example.com/app" if secret_in_a else "${ssm:/a/url}"
    write(root / "a" / "serverless.yml", "service: a\nprovider:\n  name: aws\n  runtime: nodejs24.x\n"
          f"  environment:\n    DATABASE_URL: {url}\nfunctions:\n  api:\n    handler: src/api.handler\n")
    write(root / "b" / "serverless.yml", "service: b\nprovider:\n  name: aws\n  runtime: nodejs24.x\n"
          f"functions:\n  api:\n    handler: src/{SECRET}.handler\n")


def test_a_message_that_another_service_makes_secret_is_redacted_warm(tmp_path, check, cache):
    """b is kept while nothing names its text a secret; once a names it, the warm run masks it in
    b's message as the cold run does, and b's entry no longer holds it."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    two_services(root, secret_in_a=False)
    _, first, _ = check(root)
    assert f"src/{SECRET}.handler" in first
    two_services(root, secret_in_a=True)
    code, warm, linted = check(root)
    assert [path.parent.name for path in linted] == ["a"]  # b came from the cache
    assert SECRET not in warm and "src/****.handler" in warm
    assert check(root, cached=False)[:2] == (code, warm)
    assert_nowhere_in(cache, SECRET)
    assert check(root)[1] == warm


def test_a_file_named_after_another_services_secret_is_not_kept(tmp_path, check, cache):
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    two_services(root, secret_in_a=True)
    write(root / "b" / "src" / f"{SECRET}.ts", FIXED_HANDLER)
    _, cold, _ = check(root)
    assert SECRET not in cold
    assert_nowhere_in(cache, SECRET)
    assert check(root)[1] == cold


def test_a_corrupt_or_truncated_entry_is_a_miss(project, check, cache):
    _, cold, _ = check(project)
    (entry,) = cache.glob("*.json")
    whole = entry.read_bytes()
    for broken in (whole[: len(whole) // 2], b"", b"\xff\xfe not json", b"[]", b'{"key": 1}',
                   json.dumps({**json.loads(whole), "diagnostics": [[1, 2]]}).encode()):
        entry.write_bytes(broken)
        code, warm, linted = check(project)
        assert warm == cold and linted, broken[:20]
    assert json.loads(entry.read_bytes())["key"] == json.loads(whole)["key"]  # written again


def test_no_cache_neither_reads_nor_writes(project, check, cache, run_lintkit, linted):
    check(project, cached=False)
    assert not cache.exists()
    check(project)
    count = len(linted)
    check(project, cached=False)
    assert len(linted) == count + 1  # linted, although an entry holds it


@pytest.mark.parametrize("variable", ["LINTKIT_NO_CACHE", "LINTKIT_CACHE_DIR"])
def test_environment_variables(project, run_lintkit, tmp_path, monkeypatch, variable):
    home = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.setenv(variable, "1" if variable == "LINTKIT_NO_CACHE" else str(tmp_path / "named"))
    run_lintkit("check", "--as-of", AS_OF, ".", cwd=project)
    assert not home.exists()
    assert (tmp_path / "named").exists() == (variable == "LINTKIT_CACHE_DIR")


def test_the_default_folder_is_the_user_cache(project, run_lintkit, tmp_path, monkeypatch):
    home = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    run_lintkit("check", "--as-of", AS_OF, ".", cwd=project)
    assert list((home / "lintkit").glob("*.json"))
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    run_lintkit("check", "--as-of", AS_OF, ".", cwd=project)
    assert list((tmp_path / "home" / ".cache" / "lintkit").glob("*.json"))


def test_the_default_folder_is_never_used_inside_the_project(project, run_lintkit, monkeypatch, linted):
    before = sorted(project.rglob("*"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(project / ".cache"))
    first = run_lintkit("check", "--as-of", AS_OF, ".", cwd=project)
    assert run_lintkit("check", "--as-of", AS_OF, ".", cwd=project) == first
    assert sorted(project.rglob("*")) == before and len(linted) == 2
    run_lintkit("check", "--as-of", AS_OF, "--cache-dir", ".cache/lintkit", ".", cwd=project)
    assert list((project / ".cache" / "lintkit").glob("*.json"))  # named: the user asked for it


def test_editor_buffers_are_never_cached(project, run_lintkit, cache, monkeypatch, linted):
    import io

    args = ("check", "--as-of", AS_OF, "--format", "concise", "--cache-dir", str(cache))
    run_lintkit(*args, ".", cwd=project)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(FIXED_HANDLER.encode())))
    count = len(linted)
    code, out, err = run_lintkit(*args, "--stdin-filename", "src/users.ts", cwd=project)
    assert "CLIENT001" not in out and len(linted) == count + 1
    assert len(list(cache.glob("*.json"))) == 1  # the buffer's outcome was not kept


def test_workers_warm_equal_cold(tmp_path, check):
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    for index in range(6):
        write(root / f"s{index}" / "serverless.yml", SERVICE.replace("service: app", f"service: s{index}"))
        write(root / f"s{index}" / "custom.yml", "stage: dev\n")
        write(root / f"s{index}" / "src" / "users.ts", HANDLER if index % 2 else FIXED_HANDLER)
    code, cold, linted = check(root, "--jobs", "2")
    assert len(linted) == 1  # the others in the workers
    assert check(root, "--jobs", "2") == (code, cold, [])
    write(root / "s3" / "src" / "users.ts", FIXED_HANDLER)
    code, warm, linted = check(root, "--jobs", "2")
    assert check(root, "--jobs", "1", cached=False)[:2] == (code, warm)
    assert [path.parent.name for path in linted] == ["s3"]


def test_concurrent_runs_do_not_break_each_other(tmp_path, cache):
    """Four processes lint the same services with one cache folder at once, twice: every report is
    the one a run without the cache prints, and every entry left is whole."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    for index in range(12):
        write(root / f"s{index}" / "serverless.yml", SERVICE.replace("service: app", f"service: s{index}"))
        write(root / f"s{index}" / "src" / "users.ts", HANDLER)
    command = [sys.executable, "-m", "lintkit", "check", "--as-of", AS_OF, "--format", "concise",
               "--jobs", "1", "."]
    expected = subprocess.run([*command, "--no-cache"], cwd=root, capture_output=True, text=True)
    for _ in range(2):
        runs = [subprocess.Popen([*command, "--cache-dir", str(cache)], cwd=root,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for _ in range(4)]
        for run in runs:
            out, err = run.communicate(timeout=120)
            assert (run.returncode, out) == (expected.returncode, expected.stdout), err
    entries = list(cache.glob("*.json"))
    assert len(entries) == 12
    for entry in entries:
        json.loads(entry.read_bytes())
    assert not [path for path in cache.iterdir() if path.suffix != ".json"]  # no temporary files left


def test_a_copy_of_the_project_is_another_entry(project, check, cache):
    _, cold, _ = check(project)
    moved = project.parent / "moved"
    shutil.copytree(project, moved)
    _, warm, linted = check(moved)
    assert linted and warm == cold
    assert len(list(cache.glob("*.json"))) == 2


# Calls that look at the file system without going through lintkit.read.files (which notes every
# path for the result cache). Each one allowed here notes its path itself or runs outside a service.
PROBES_OS = {"stat", "lstat"}
PROBES_OS_PATH = {"exists", "lexists", "isfile", "isdir", "islink", "getsize", "getmtime"}
PROBES_PATH = {"exists", "is_file", "is_dir", "is_symlink", "stat", "lstat"}
NOTED_OR_OUTSIDE_A_SERVICE = {
    ("lintkit/read/handlers.py", "_mode"),  # notes the path first
    ("lintkit/read/sources.py", "_load"),  # notes the path first
    ("lintkit/formats/variables.py", "_load_include"),  # `_include` noted it
    ("lintkit/cache.py", "_code_version"),  # lintkit's own files
    ("lintkit/cli.py", "*"), ("lintkit/discovery.py", "*"), ("lintkit/lsp.py", "*"),
    ("lintkit/config.py", "find_config"),  # the configuration's path is part of the key
}


def _probes(path: Path):
    for function, node in calls_in(path):
        if not isinstance(node.func, ast.Attribute):
            continue
        func, owner = node.func, ast.unparse(node.func.value)
        if owner == "os" and func.attr in PROBES_OS or owner == "os.path" and func.attr in PROBES_OS_PATH \
                or owner not in ("os", "os.path") and func.attr in PROBES_PATH:
            yield function, node.lineno, ast.unparse(node)[:80]


def test_no_module_probes_files_around_lintkit_files():
    found = []
    for relative, path in lintkit_sources():
        for function, line, call in _probes(path):
            if (relative, function) not in NOTED_OR_OUTSIDE_A_SERVICE \
                    and (relative, "*") not in NOTED_OR_OUTSIDE_A_SERVICE:
                found.append(f"{relative}:{line} in {function}: {call}")
    assert not found, "look at files through lintkit.read.files (or note the path):\n" + "\n".join(found)


def test_a_file_whose_stamp_holds_is_not_read_again(project, check, monkeypatch):
    """Files last written before the cold run (by more than RACY_SECONDS, here 0) are taken as
    they were from their stamp (size, times, inode): the warm lookup opens no file of the
    project."""
    import time

    from lintkit import cache as result_cache
    from lintkit.read import files

    monkeypatch.setattr(result_cache, "RACY_SECONDS", 0)
    time.sleep(0.05)  # past the file system clock's tick
    _, cold, _ = check(project)
    opened = []
    read = files._read_admitted

    def reading(path, real, max_bytes):
        opened.append(str(path))
        return read(path, real, max_bytes)

    monkeypatch.setattr(files, "_read_admitted", reading)
    assert check(project)[1:] == (cold, [])
    assert [path for path in opened if path.startswith(str(project))] == []


def test_a_file_rewritten_with_its_size_and_times_kept_is_linted_again(project, check):
    """Same size, modification time put back: the change time (and the digest) still tell."""
    old = 1_700_000_000
    users = project / "src" / "users.ts"
    os.utime(users, (old, old))
    _, cold, _ = check(project)
    assert "CLIENT001" in cold
    users.write_text(FIXED_HANDLER.ljust(len(HANDLER)))
    os.utime(users, (old, old))
    code, warm, linted = check(project)
    assert linted and "CLIENT001" not in warm
    assert check(project, cached=False)[:2] == (code, warm)


def test_a_file_written_just_before_its_stamp_was_taken_is_read(tmp_path):
    """The racy case: a file rewritten within the file system clock's tick keeps its stamp. A
    stamp only stands for the content when the file was written before the outcome was stored
    (less RACY_SECONDS); a later one is read and its digest compared."""
    from lintkit.read.files import FingerprintCheck, file_stamp

    path = tmp_path / "handler.ts"
    path.write_text("export const a = 1\n")
    check = FingerprintCheck(os.path.realpath(tmp_path))
    expected, _ = check.stamped_fingerprint(str(path))
    path.write_text("export const a = 2\n")  # same size; the stamp as if the clock had not ticked
    info = os.lstat(path)
    stamp, written = file_stamp(info), info.st_mtime_ns
    assert check.holds(str(path), expected, stamp, written_before=max(written, info.st_ctime_ns) + 1)
    assert not check.holds(str(path), expected, stamp, written_before=written)
    assert not check.holds(str(path), expected)
    assert check.holds(str(path), check.fingerprint(str(path)), stamp, written_before=written)


def test_a_folder_created_where_a_service_looked_for_files_lints_again(project, check, cache):
    """Paths looked for under a missing folder are kept as that folder being missing: creating
    it, even empty, is a change; an entry stays small."""
    write(project / "serverless.yml", SERVICE.replace("src/orders.handler", "app/jobs/orders.handler"))
    check(project)
    assert check(project)[2] == []
    (entry,) = cache.glob("*.json")
    absent = json.loads(entry.read_bytes())["absent"]["2"]
    assert "app" in absent.get(".", []) and not any(folder.startswith("app") for folder in absent)
    (project / "app").mkdir()
    assert check(project)[2]

"""lintkit.read.files, the one door to the file system: what it refuses, and that no other module
opens, lists or writes files around it."""
from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

from lintkit.read import files
from lintkit.read.files import Refused, confined_to, read_bytes, walk, write_text

ROOT = Path(__file__).resolve().parents[1]
# What opens, lists, creates or replaces files: builtin open(), these functions of os, and these
# methods of pathlib paths.
OS_CALLS = {"open", "walk", "listdir", "scandir", "replace", "rename", "unlink", "remove", "mkdir",
            "makedirs", "mkfifo", "symlink"}
PATH_METHODS = {"open", "read_text", "read_bytes", "write_text", "write_bytes", "iterdir", "rglob",
                "glob", "mkdir", "unlink", "touch"}
# Calls that do not touch project files: /dev/null after a broken pipe.
ALLOWED = {
    ("lintkit/cli.py", "discard_stdout"),
}


def lintkit_sources():
    """(path relative to the repository, path) of every module of lintkit and its rules but
    lintkit.read.files itself."""
    for path in sorted([*(ROOT / "lintkit").rglob("*.py"), *(ROOT / "rules").glob("*.py")]):
        relative = path.relative_to(ROOT).as_posix()
        if relative != "lintkit/read/files.py":
            yield relative, path


def calls_in(path: Path):
    """(enclosing function or "<module>", call node) of every call in the module at `path`."""
    tree = ast.parse(path.read_text(), str(path))
    enclosing = {}
    for function in ast.walk(tree):  # outer functions first: inner ones overwrite
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in ast.walk(function):
                enclosing[id(node)] = function.name
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield enclosing.get(id(node), "<module>"), node


def _file_calls(path: Path):
    """(enclosing function, line, call) of every call in `path` that touches the file system."""
    for function, node in calls_in(path):
        func, call = node.func, ast.unparse(node)
        if isinstance(func, ast.Name):
            touches = func.id == "open"
        elif isinstance(func, ast.Attribute):
            if isinstance(func.value, ast.Name) and func.value.id == "os":
                touches = func.attr in OS_CALLS
            else:  # a path method; the package's own data (importlib.resources) is not the project
                touches = func.attr in PATH_METHODS and "resources.files" not in call
        else:
            touches = False
        if touches:
            yield function, node.lineno, call[:80]


def test_no_module_reads_or_writes_files_around_lintkit_files():
    found = []
    for relative, path in lintkit_sources():
        for function, line, call in _file_calls(path):
            if (relative, function) not in ALLOWED:
                found.append(f"{relative}:{line} in {function}: {call}")
    assert not found, "read and write files through lintkit.read.files:\n" + "\n".join(found)


def test_the_scan_sees_reads_lists_and_writes(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import os\nfrom importlib import resources\n"
                      "def load(p):\n    return p.read_text(), open(p), list(os.walk(p))\n"
                      "def data():\n    return resources.files('x').joinpath('y').read_text()\n"
                      "def text(s):\n    return s.replace('a', 'b')\n")
    assert [(function, line) for function, line, _ in _file_calls(sample)] == \
        [("load", 4), ("load", 4), ("load", 4)]


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "project"
    (root / ".git").mkdir(parents=True)
    (tmp_path / "outside.txt").write_text("outside\n")
    return root


def test_reads_inside_the_project_and_refuses_links_out(project, tmp_path):
    (project / "a.txt").write_text("inside\n")
    os.symlink(tmp_path / "outside.txt", project / "out.txt")
    os.symlink("a.txt", project / "in.txt")
    with confined_to(project) as confinement:
        assert read_bytes(project / "in.txt") == b"inside\n"
        with pytest.raises(Refused, match="symbolic link to a file outside the project"):
            read_bytes(project / "out.txt")
        with pytest.raises(Refused, match="is outside the project"):
            read_bytes(tmp_path / "outside.txt")
    assert list(confinement.refused) == [project / "out.txt", tmp_path / "outside.txt"]


@pytest.mark.parametrize("target", ["/proc/self/environ", "/dev/zero", "/sys/kernel/mm"])
def test_refuses_system_folders_even_without_a_project(target):
    if not os.path.exists(target):
        pytest.skip(f"{target} is not on this machine")
    with pytest.raises(Refused, match="system folder"):
        read_bytes(target)


def test_refuses_fifos_without_blocking_and_bounds_the_size(project):
    os.mkfifo(project / "fifo")
    with open(project / "big", "wb") as handle:
        handle.truncate(10 << 20)
    with confined_to(project):
        with pytest.raises(Refused, match="not a regular file"):
            read_bytes(project / "fifo")
        with pytest.raises(Refused, match="larger than the 1 MB"):
            read_bytes(project / "big", 1 << 20)
        assert len(read_bytes(project / "big", 11 << 20)) == 10 << 20


def test_walk_is_iterative_confined_and_bounded(project, tmp_path):
    deep = project
    for _ in range(1_500):  # deeper than Python's recursion limit
        deep = deep / "d"
        os.mkdir(deep)
    (deep / "x.prisma").write_text("")
    os.symlink(tmp_path, project / "up")  # a link to a folder is never entered
    try:
        walked = list(walk(project))
        assert any("x.prisma" in names for _, _, names in walked)
        assert not any(folder.startswith(str(tmp_path / "outside")) for folder, _, _ in walked)
        assert len(list(walk(project, max_folders=10))) == 10
    finally:  # bottom up: pytest's own clean-up of tmp_path recurses once per level
        (deep / "x.prisma").unlink()
        while deep != project:
            os.rmdir(deep)
            deep = deep.parent


def test_write_refuses_links_out_and_leaves_no_temporary_file(project, tmp_path):
    os.symlink(tmp_path / "outside.txt", project / "report.sarif")
    with pytest.raises(Refused, match="leads outside the project"):
        write_text(project / "report.sarif", "x")
    assert (tmp_path / "outside.txt").read_text() == "outside\n"
    write_text(project / "reports" / "new.sarif", "report\n")
    assert (project / "reports" / "new.sarif").read_text() == "report\n"
    assert sorted(os.listdir(project / "reports")) == ["new.sarif"]
    assert files.user_root(project / "reports" / "new.sarif") == os.path.realpath(project)


def test_a_path_through_a_file_is_missing_not_refused(tmp_path, run_lintkit):
    """In a git worktree or submodule `.git` is a file: `.git/info/exclude` does not exist there,
    and reading it is no PARSE006."""
    (tmp_path / ".git").write_text("gitdir: /elsewhere/.git/worktrees/x\n")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "api.ts").write_text("export const handler = async () => ({})\n")
    (tmp_path / ".env").write_text("LOG_LEVEL=debug\n")
    (tmp_path / "serverless.yml").write_text("service: app\nprovider:\n  name: aws\n  runtime: nodejs24.x\n"
                                             "  logRetentionInDays: 14\nfunctions:\n  api:\n    handler: src/api.handler\n")
    code, out, _ = run_lintkit("check", ".", "--format", "concise", cwd=tmp_path)
    assert "PARSE006" not in out, out

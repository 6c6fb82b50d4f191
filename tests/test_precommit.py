"""The pre-commit hook: `lintkit check --services-of FILE...` and the real pre-commit running
.pre-commit-hooks.yaml from this checkout."""
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from test_cli import DEPRECATED_SERVICE, GOOD_SERVICE, make_service

REPO = Path(__file__).resolve().parents[1]
AS_OF = ("--as-of", "2026-11-27")


def services_of(run_lintkit, *paths, cwd):
    return run_lintkit("check", "--services-of", "--format", "concise", *AS_OF, *paths, cwd=cwd)


# -- `lintkit check --services-of` ------------------------------------------------------------------

def test_changed_file_lints_its_whole_service_and_only_it(tmp_path, run_lintkit):
    (tmp_path / ".git").mkdir()
    make_service(tmp_path / "services" / "api", DEPRECATED_SERVICE)
    make_service(tmp_path / "services" / "legacy", DEPRECATED_SERVICE)
    code, out, err = services_of(run_lintkit, "services/api/src/api.ts", cwd=tmp_path)
    assert code == 1, err
    # the finding is in serverless.yml, not in the changed file: the whole service counts
    assert out.startswith("services/api/serverless.yml:4:12: RUNTIME001")
    assert "legacy" not in out


def test_each_service_is_linted_once_whatever_the_number_of_its_changed_files(tmp_path, run_lintkit):
    make_service(tmp_path, DEPRECATED_SERVICE)
    code, out, _ = services_of(run_lintkit, "serverless.yml", "src/api.ts", "src", ".", cwd=tmp_path)
    assert code == 1 and len(out.splitlines()) == 1
    code, out, _ = services_of(run_lintkit, "src", cwd=tmp_path)  # a folder inside the service
    assert code == 1 and out.startswith("serverless.yml:4:12: RUNTIME001")


def test_files_outside_every_service_are_skipped_quietly(tmp_path, run_lintkit):
    (tmp_path / ".git").mkdir()
    make_service(tmp_path / "api", DEPRECATED_SERVICE)
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "build.ts").write_text("export {}\n")
    code, out, err = services_of(run_lintkit, "tools/build.ts", "README.md", cwd=tmp_path)
    assert (code, out, err) == (0, "", "")
    code, out, _ = services_of(run_lintkit, "tools/build.ts", "api/src/api.ts", cwd=tmp_path)
    assert code == 1 and out.startswith("api/serverless.yml:")
    code, out, _ = run_lintkit("check", "--services-of", "tools/build.ts", cwd=tmp_path)
    assert code == 0 and "No problems found; 0 files checked" in out


def test_deleted_file_still_names_its_service(tmp_path, run_lintkit):
    make_service(tmp_path, DEPRECATED_SERVICE)
    code, out, err = services_of(run_lintkit, "src/gone.ts", cwd=tmp_path)
    assert code == 1 and "RUNTIME001" in out, err


def test_services_in_dependency_and_build_folders_are_skipped(tmp_path, run_lintkit):
    (tmp_path / ".git").mkdir()
    make_service(tmp_path / "node_modules" / "pkg", DEPRECATED_SERVICE)
    make_service(tmp_path / "api" / ".serverless", DEPRECATED_SERVICE)
    code, out, _ = services_of(run_lintkit, "node_modules/pkg/src/api.ts",
                               "api/.serverless/serverless.yml", cwd=tmp_path)
    assert (code, out) == (0, "")


def test_fail_on_and_configuration_apply_as_for_check(tmp_path, run_lintkit):
    make_service(tmp_path, GOOD_SERVICE.replace("nodejs24.x", "nodejs22.x"))  # a warning
    code, out, _ = services_of(run_lintkit, "--fail-on", "error", "src/api.ts", cwd=tmp_path)
    assert code == 0 and "RUNTIME001" in out
    (tmp_path / ".lintkit.yml").write_text("fail-on: error\n")
    code, _, _ = services_of(run_lintkit, "src/api.ts", cwd=tmp_path)
    assert code == 0
    (tmp_path / ".lintkit.yml").write_text("fail-on: warning\n")
    code, _, _ = services_of(run_lintkit, "src/api.ts", cwd=tmp_path)
    assert code == 1


def test_hook_definition_selects_the_files_lintkit_reads():
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "lintkit" and hook["language"] == "python"
    assert hook["entry"] == "lintkit check --services-of"
    assert hook["require_serial"] is True
    files = re.compile(hook["files"])
    for path in ("serverless.yml", "services/a/serverless.yaml", "resources/rds.yml", "src/h.ts",
                 "src/h.tsx", "src/h.js", "src/h.mjs", "src/h.cjs", "prisma/schema.prisma",
                 "package.json", "a/.env", ".env.production", "tsconfig.json", ".lintkit.yml",
                 "template.yaml", "sam/template.yml", "samconfig.toml"):
        assert files.search(path), path
    for path in ("README.md", "package-lock.json", ".envrc", "data/fixture.json", "Dockerfile"):
        assert not files.search(path), path


# -- the real pre-commit -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pre_commit(tmp_path_factory):
    """(environment, repository, rev): a PRE_COMMIT_HOME shared by this module's tests (the hook's
    virtualenv is built once), git identity, and a committed snapshot of this checkout's working tree.

    pre-commit installs hooks from a commit. `pre-commit try-repo` commits uncommitted changes to
    tracked files (`git add -u`) but leaves new, untracked files out, and builds a fresh virtualenv
    on every call; a snapshot of the working tree (tracked and untracked files, .gitignore honoured)
    tests exactly what is checked out, committed or not, with one build."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    pytest.importorskip("pre_commit", reason="pre-commit is in the test extra: pip install -e '.[test]'")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(PRE_COMMIT_HOME=str(tmp_path_factory.mktemp("pre-commit-home")),
               GIT_AUTHOR_NAME="lintkit tests", GIT_AUTHOR_EMAIL="tests@lintkit.invalid",
               GIT_COMMITTER_NAME="lintkit tests", GIT_COMMITTER_EMAIL="tests@lintkit.invalid",
               GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1", NO_COLOR="1")
    snapshot = tmp_path_factory.mktemp("lintkit-snapshot")
    for relative in _working_tree_files(REPO):
        source = REPO / relative
        if source.is_file():
            (snapshot / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, snapshot / relative)
    git(snapshot, "init", "-q", env=env)
    git(snapshot, "add", "-A", env=env)
    git(snapshot, "commit", "-q", "--no-verify", "-m", "lintkit working tree", env=env)
    rev = git(snapshot, "rev-parse", "HEAD", env=env).strip()
    return env, snapshot, rev


def _working_tree_files(repo: Path) -> list[str]:
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=repo, capture_output=True, text=True)
    if listed.returncode == 0:
        return [name for name in listed.stdout.split("\0") if name]
    skipped = {".git", ".ci-venv", ".venv", "build", "dist", "__pycache__", ".pytest_cache", ".hypothesis"}
    return [str(path.relative_to(repo)) for path in repo.rglob("*")
            if not skipped & set(path.relative_to(repo).parts) and not path.name.endswith(".egg-info")]


def git(cwd: Path, *args: str, env, check=True) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    if check and done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def new_project(root: Path, pre_commit) -> Path:
    """A git repository whose .pre-commit-config.yaml uses the lintkit hook, installed."""
    env, snapshot, rev = pre_commit
    root.mkdir()
    git(root, "init", "-q", env=env)
    (root / ".pre-commit-config.yaml").write_text(
        f"repos:\n"
        f"  - repo: {snapshot.as_posix()}\n"
        f"    rev: {rev}\n"
        f"    hooks:\n"
        f"      - id: lintkit\n"
        f"        args: [--as-of, '2026-11-27']\n")
    done = subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return root


def commit(root: Path, message: str, env) -> subprocess.CompletedProcess:
    git(root, "add", "-A", env=env)
    return subprocess.run(["git", "commit", "-m", message], cwd=root, env=env, capture_output=True,
                          text=True, timeout=1200)


@pytest.mark.slow
def test_pre_commit_hook_fails_a_bad_commit_and_passes_a_good_one(tmp_path, pre_commit):
    env = pre_commit[0]
    root = new_project(tmp_path / "project", pre_commit)
    make_service(root / "services" / "legacy", DEPRECATED_SERVICE)  # already there, not touched
    git(root, "add", "-A", env=env)
    git(root, "commit", "-q", "--no-verify", "-m", "legacy service", env=env)

    make_service(root / "services" / "api", DEPRECATED_SERVICE)
    started = time.monotonic()
    bad = commit(root, "api on a deprecated runtime", env)
    print(f"first hook run (builds the hook's virtualenv): {time.monotonic() - started:.0f} s")
    output = bad.stdout + bad.stderr
    assert bad.returncode != 0, output
    assert "services/api/serverless.yml" in output and "RUNTIME001" in output
    assert "services/legacy" not in output  # only the services the commit changes
    assert git(root, "log", "--format=%s", env=env).splitlines() == ["legacy service"]

    (root / "services" / "api" / "serverless.yml").write_text(GOOD_SERVICE)
    good = commit(root, "api on nodejs24.x", env)
    assert good.returncode == 0, good.stdout + good.stderr
    assert re.search(r"lintkit\.+Passed", good.stdout + good.stderr)
    assert git(root, "log", "-1", "--format=%s", env=env).strip() == "api on nodejs24.x"


@pytest.mark.slow
def test_pre_commit_hook_passes_a_commit_outside_every_service(tmp_path, pre_commit):
    env = pre_commit[0]
    root = new_project(tmp_path / "project", pre_commit)
    make_service(root / "services" / "legacy", DEPRECATED_SERVICE)
    git(root, "add", "-A", env=env)
    git(root, "commit", "-q", "--no-verify", "-m", "legacy service", env=env)

    (root / "scripts").mkdir()
    (root / "scripts" / "seed.ts").write_text("export const seed = () => {\n")  # lintkit would flag it
    (root / "README.md").write_text("# project\n")
    done = commit(root, "scripts outside any service", env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"lintkit\.+Passed", done.stdout + done.stderr)

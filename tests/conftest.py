import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

# Property tests: hypothesis' usual example counts by default (CI), thousands per property with
# `HYPOTHESIS_PROFILE=slow pytest tests/test_fuzz.py`. No deadline: a shared CI machine is not a timer.
settings.register_profile("ci", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("slow", max_examples=3000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_addoption(parser):
    parser.addoption("--update-snapshots", action="store_true", default=False,
                     help="rewrite fixtures' `expected` files from lintkit's current output")


@pytest.fixture(scope="session")
def session_cache_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("xdg-cache")


@pytest.fixture(autouse=True)
def result_cache_in_a_temporary_folder(session_cache_home, monkeypatch):
    """`lintkit check` keeps results in the user's cache folder: the tests' runs (in-process and
    subprocesses) keep theirs in one temporary folder instead, shared by the session so that runs
    after the first also use what earlier ones kept, as a user's runs do."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(session_cache_home))
    monkeypatch.delenv("LINTKIT_CACHE_DIR", raising=False)
    monkeypatch.delenv("LINTKIT_NO_CACHE", raising=False)


@pytest.fixture
def update_snapshots(request) -> bool:
    return request.config.getoption("--update-snapshots")


@pytest.fixture
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED


@pytest.fixture
def run_lintkit(monkeypatch, capsys):
    """Run `lintkit ARGS` in-process from `cwd`; returns (exit code, stdout, stderr)."""
    from lintkit.cli import main

    def run(*args: str, cwd: Path | None = None):
        if cwd is not None:
            monkeypatch.chdir(cwd)
        monkeypatch.setenv("NO_COLOR", "1")
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


SEED_AS_OF = "2026-11-27"


@pytest.fixture
def lint_seed(shared, run_lintkit):
    """Lint the seed project (../shared/seed/project) as of SEED_AS_OF, optionally with
    `--select`; returns the concise output's lines. The seed has findings, so exit 1 is asserted."""
    def lint(select: str | None = None) -> list[str]:
        args = ["check", ".", "--format", "concise", "--as-of", SEED_AS_OF]
        if select:
            args += ["--select", select]
        code, out, err = run_lintkit(*args, cwd=shared / "seed" / "project")
        assert code == 1, err
        return out.splitlines()

    return lint

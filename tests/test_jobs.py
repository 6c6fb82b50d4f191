"""Speed without changing the report: worker processes (--jobs), rules skipped where they cannot
report (an editor checking a handler), and imports only of what a run needs."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lintkit import engine
from test_cli import GOOD_SERVICE, make_service

AS_OF = ("--as-of", "2026-11-27")
PASSWORD = "Zq8vXw4TnLp2Kd"  # no pattern masks it: only the secret SECRET001 registers does
WITH_PASSWORD = GOOD_SERVICE.replace(
    "logRetentionInDays: 14\n",
    f"logRetentionInDays: 14\n  environment:\n    DATABASE_URL: postgresql://app:{PASSWORD}@db.example.com/app\n")
ECHOING_PASSWORD = GOOD_SERVICE.replace("src/api.handler", f"src/{PASSWORD}.handler")
FORK = engine._can_fork()


def _services(root: Path, count: int = 7) -> Path:
    """Services where one registers a secret (svc2) that others' messages repeat, before (svc1) and
    after it (svc4): a worker process never sees the secret another worker found."""
    (root / ".git").mkdir(parents=True)
    for index in range(count):
        config = {2: WITH_PASSWORD, 1: ECHOING_PASSWORD, 4: ECHOING_PASSWORD}.get(index, GOOD_SERVICE)
        make_service(root / f"svc{index}", config.replace("nodejs24.x", "nodejs18.x"))
    return root


def _reports(run_lintkit, root: Path, *extra: str) -> dict:
    reports = {}
    for format in ("json", "text", "sarif", "concise"):
        code, out, err = run_lintkit("check", ".", "--format", format, *AS_OF, *extra, cwd=root)
        reports[format] = (code, out, err)
    return reports


@pytest.mark.skipif(not FORK, reason="worker processes fork")
def test_worker_processes_give_the_report_of_one_process(tmp_path, run_lintkit):
    root = _services(tmp_path)
    alone = _reports(run_lintkit, root, "--jobs", "1")
    for jobs in ("2", "3"):
        assert _reports(run_lintkit, root, "--jobs", jobs) == alone
    diagnostics = json.loads(alone["json"][1])["diagnostics"]
    codes = {(Path(d["path"]).parts[0], d["code"]) for d in diagnostics}
    assert {("svc1", "CONFIG002"), ("svc2", "SECRET001"), ("svc4", "CONFIG002")} <= codes
    assert all(PASSWORD not in out + err for _, out, err in alone.values())


@pytest.mark.skipif(not FORK, reason="worker processes fork")
def test_a_worker_that_dies_leaves_its_services_to_the_main_process(tmp_path, run_lintkit, monkeypatch):
    root = _services(tmp_path)
    alone = _reports(run_lintkit, root, "--jobs", "1")
    monkeypatch.setattr(engine, "_lint_in_worker", _dies_on_svc3)
    assert _reports(run_lintkit, root, "--jobs", "2") == alone


_lint_in_worker = engine._lint_in_worker


def _dies_on_svc3(target):  # module level: workers get it by name
    if target.config_path.parent.name == "svc3":
        os._exit(3)  # as a crash in native code would
    return _lint_in_worker(target)


def test_worker_count():
    assert engine.worker_count(1, 500) == 1
    assert engine.worker_count(4, 2) == 2
    assert engine.worker_count(None, engine.PARALLEL_MIN_SERVICES - 1) == 1
    assert engine.worker_count(None, 500) == (min(engine.available_cpus(), 500) if FORK else 1)


def test_the_automatic_worker_count_ignores_the_machines_load(monkeypatch):
    chosen = engine.worker_count(None, 500)
    real_open = open

    def busy_loadavg(path, *args, **kwargs):
        if str(path) == "/proc/loadavg":
            raise AssertionError("the automatic choice must not read the load")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", busy_loadavg)
    assert engine.worker_count(None, 500) == chosen


def test_jobs_option(tmp_path, run_lintkit):
    make_service(tmp_path)
    assert run_lintkit("check", ".", "--jobs", "auto", *AS_OF, cwd=tmp_path)[0] == 0
    code, _, err = run_lintkit("check", ".", "--jobs", "0", *AS_OF, cwd=tmp_path)
    assert code == 2 and "--jobs" in err


SCHEMA_VIOLATION = GOOD_SERVICE.replace("logRetentionInDays: 14", "logRetentionInDays: 13")


def _imports(folder: Path, *args: str, stdin: str = "",
             watched: tuple[str, ...] = ("jsonschema", "rich")) -> tuple[list[str], str]:
    """Which of the `watched` modules a `lintkit check` in `folder` imported, and its output."""
    script = ("import contextlib, io, json, sys\n"
              "from lintkit.cli import main\n"
              "out = io.StringIO()\n"
              "with contextlib.redirect_stdout(out):\n"
              "    main(sys.argv[1:])\n"
              f"print(json.dumps([m for m in {watched!r} if m in sys.modules]))\n"
              "print(out.getvalue())\n")
    done = subprocess.run([sys.executable, "-c", script, "check", *args, *AS_OF], cwd=folder,
                          input=stdin, capture_output=True, text=True)
    first, _, rest = done.stdout.partition("\n")
    assert first.startswith("["), done.stderr
    return json.loads(first), rest


def test_a_lint_imports_none_of_the_modules_only_errors_need(shared):
    """dataclasses (with inspect), difflib and traceback cost a run ~40 ms to import and create
    classes with; only a misspelt key (difflib) or a rule's internal error (traceback) needs one."""
    watched = ("dataclasses", "inspect", "difflib", "traceback", "tokenize")
    imported, out = _imports(shared / "seed" / "project", ".", "--format", "concise",
                             watched=watched)
    assert imported == [] and "VPC001" in out


def test_editor_check_of_a_handler_does_not_validate_the_configuration(tmp_path):
    make_service(tmp_path, SCHEMA_VIOLATION)
    handler = (tmp_path / "src" / "api.ts").read_text()
    imported, out = _imports(tmp_path, "--stdin-filename", "src/api.ts", "--format", "json", stdin=handler)
    assert imported == [] and json.loads(out)["diagnostics"] == []
    # the whole service, or the configuration's own buffer: CONFIG001 runs (and imports jsonschema)
    imported, out = _imports(tmp_path, ".", "--format", "concise")
    assert imported == ["jsonschema"] and "CONFIG001" in out
    imported, out = _imports(tmp_path, "--stdin-filename", "serverless.yml", "--format", "concise",
                             stdin=SCHEMA_VIOLATION)
    assert "jsonschema" in imported and "CONFIG001" in out


def test_configuration_rules_still_run_for_an_included_file(tmp_path, run_lintkit):
    make_service(tmp_path, GOOD_SERVICE.replace("logRetentionInDays: 14",
                                                "logRetentionInDays: ${file(./retention.yml):days}"))
    (tmp_path / "retention.yml").write_text("days: 13\n")
    code, out, _ = run_lintkit("check", "retention.yml", "--format", "concise", *AS_OF, cwd=tmp_path)
    assert code == 1 and out.startswith("retention.yml:1:7: CONFIG001 "), out


def test_a_suppression_naming_a_skipped_rule_is_still_unused(tmp_path, run_lintkit):
    make_service(tmp_path, SCHEMA_VIOLATION)
    handler = "// lintkit: ignore[CONFIG001] not here\n" + (tmp_path / "src" / "api.ts").read_text()
    (tmp_path / "src" / "api.ts").write_text(handler)
    whole = run_lintkit("check", ".", "--format", "concise", *AS_OF, cwd=tmp_path)[1]
    alone = run_lintkit("check", "src/api.ts", "--format", "concise", *AS_OF, cwd=tmp_path)[1]
    suppress = [line for line in whole.splitlines() if line.startswith("src/api.ts:")]
    assert suppress and suppress[0].startswith("src/api.ts:1:") and "SUPPRESS001" in suppress[0]
    assert alone.splitlines() == suppress


def test_plain_text_report_does_not_import_rich(tmp_path):
    make_service(tmp_path, SCHEMA_VIOLATION)
    imported, out = _imports(tmp_path, ".")
    assert "rich" not in imported and "CONFIG001" in out and "^" in out

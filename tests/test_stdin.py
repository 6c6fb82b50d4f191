"""`lintkit check --stdin-filename PATH`: standard input is the unsaved content of PATH (editors)."""
import io
import json
import subprocess
import sys

import pytest

from test_cli import DEPRECATED_SERVICE, GOOD_SERVICE, HANDLER, make_service

AS_OF = ("--as-of", "2026-11-27")
BROKEN_HANDLER = "export const handler = async () => {\n"


@pytest.fixture
def run_stdin(run_lintkit, monkeypatch):
    """Run `lintkit ARGS` in-process with `data` on standard input."""

    def run(data: str | bytes, *args: str, cwd):
        raw = data.encode("utf-8") if isinstance(data, str) else data
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8"))
        return run_lintkit("check", *args, cwd=cwd)

    return run


def test_buffer_of_serverless_yml_stands_in_for_the_file(tmp_path, run_stdin):
    make_service(tmp_path)  # clean on disk
    code, out, err = run_stdin(DEPRECATED_SERVICE, "--stdin-filename", "serverless.yml",
                               "--format", "concise", *AS_OF, cwd=tmp_path)
    assert code == 1, err
    assert out.startswith("serverless.yml:4:12: RUNTIME001 ")
    # and the other way round: a fixed buffer over a bad file on disk passes
    make_service(tmp_path, DEPRECATED_SERVICE)
    code, out, err = run_stdin(GOOD_SERVICE, "--stdin-filename", "serverless.yml", "-",
                               "--format", "concise", *AS_OF, cwd=tmp_path)
    assert (code, out) == (0, ""), err


def test_handler_buffer_reports_only_that_file_with_the_rest_from_disk(tmp_path, run_stdin):
    make_service(tmp_path, DEPRECATED_SERVICE)  # serverless.yml has findings: not reported
    code, out, err = run_stdin(BROKEN_HANDLER, "--stdin-filename", "src/api.ts", "--format", "concise",
                               *AS_OF, cwd=tmp_path)
    assert code == 1, err
    lines = out.splitlines()
    assert lines and all(line.startswith("src/api.ts:") for line in lines)
    assert any("PARSE" in line for line in lines)
    assert (tmp_path / "src" / "api.ts").read_text() == HANDLER  # never written
    code, out, _ = run_stdin(HANDLER, "--stdin-filename", "src/api.ts", "--format", "concise", *AS_OF,
                             cwd=tmp_path)
    assert (code, out) == (0, "")


def test_a_serverless_yml_buffer_reports_that_file_only(tmp_path, run_stdin):
    make_service(tmp_path)
    (tmp_path / "src" / "api.ts").write_text(BROKEN_HANDLER)  # a finding in another file
    code, out, _ = run_stdin(DEPRECATED_SERVICE, "--stdin-filename", "serverless.yml",
                             "--format", "json", *AS_OF, cwd=tmp_path)
    report = json.loads(out)
    assert code == 1
    assert {d["path"] for d in report["diagnostics"]} == {"serverless.yml"}
    assert report["summary"]["files"] == 1


def test_env_and_prisma_buffers(tmp_path, run_stdin):
    make_service(tmp_path)
    (tmp_path / ".env").write_text("A=1\n")
    code, out, _ = run_stdin("AWS_ACCESS_KEY_ID=AKIA2E0A8F3B244C9986\n", "--stdin-filename", ".env",
                             "--format", "concise", "--select", "SECRET", *AS_OF, cwd=tmp_path)
    assert code == 1 and out.startswith(".env:1:")
    assert "AKIA2E0A8F3B244C9986" not in out  # redacted as always

    (tmp_path / "prisma").mkdir()
    (tmp_path / "prisma" / "schema.prisma").write_text(
        'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n')
    _, clean, _ = run_stdin((tmp_path / "prisma" / "schema.prisma").read_text(), "--stdin-filename",
                            "prisma/schema.prisma", "--format", "concise", *AS_OF, cwd=tmp_path)
    code, out, _ = run_stdin('datasource db {\n  provider = "postgresql"\n'
                             '  url = "postgresql://admin:hunter2hunter2@db.example.com:5432/app"\n}\n',
                             "--stdin-filename", "prisma/schema.prisma", "--format", "concise", *AS_OF,
                             cwd=tmp_path)
    assert clean == ""
    assert code == 1 and out.startswith("prisma/schema.prisma:3:") and "hunter2hunter2" not in out


def test_code_frames_show_the_buffer_not_the_disk(tmp_path, run_stdin):
    make_service(tmp_path)
    buffer = DEPRECATED_SERVICE.replace("runtime: nodejs18.x", "runtime:       nodejs18.x")
    code, out, _ = run_stdin(buffer, "--stdin-filename", "serverless.yml", "--no-ignores", *AS_OF,
                             cwd=tmp_path)
    assert code == 1
    assert "runtime:       nodejs18.x" in out  # the buffer's line 4, under its underline
    assert "--> serverless.yml:4:18" in out


def test_absolute_stdin_filename_is_shown_relative(tmp_path, run_stdin):
    make_service(tmp_path)
    code, out, _ = run_stdin(DEPRECATED_SERVICE, "--stdin-filename", str(tmp_path / "serverless.yml"),
                             "--format", "concise", *AS_OF, cwd=tmp_path)
    assert code == 1 and out.startswith("serverless.yml:4:12:")


def test_new_serverless_yml_not_on_disk_is_linted(tmp_path, run_stdin):
    make_service(tmp_path / "new")
    (tmp_path / "new" / "serverless.yml").unlink()
    code, out, err = run_stdin(DEPRECATED_SERVICE, "--stdin-filename", "new/serverless.yml",
                               "--format", "concise", *AS_OF, cwd=tmp_path)
    assert code == 1, err
    assert out.startswith("new/serverless.yml:4:12: RUNTIME001")


def test_new_handler_not_on_disk_is_a_clear_usage_error(tmp_path, run_stdin):
    make_service(tmp_path)
    code, out, err = run_stdin(HANDLER, "--stdin-filename", "src/new.ts", "--format", "concise",
                               cwd=tmp_path)
    assert code == 2 and out == ""
    assert "src/new.ts: not on disk yet" in err and "save it" in err


def test_file_outside_every_service_has_nothing_to_lint(tmp_path, run_stdin):
    (tmp_path / "notes.ts").write_text(BROKEN_HANDLER)
    code, out, err = run_stdin(BROKEN_HANDLER, "--stdin-filename", "notes.ts", "--format", "concise",
                               cwd=tmp_path)
    assert (code, out, err) == (0, "", "")
    code, out, _ = run_stdin(BROKEN_HANDLER, "--stdin-filename", "notes.ts", "--format", "json",
                             cwd=tmp_path)
    assert code == 0 and json.loads(out)["diagnostics"] == []


@pytest.mark.parametrize("extra", [("src",), ("--services-of",), ("--write-baseline", "b.json")])
def test_stdin_filename_usage_errors(tmp_path, run_stdin, extra):
    make_service(tmp_path)
    code, out, err = run_stdin(HANDLER, "--stdin-filename", "src/api.ts", *extra, cwd=tmp_path)
    assert code == 2 and out == "" and "--stdin-filename" in err
    assert not (tmp_path / "b.json").exists()


def test_stdin_filename_through_a_real_pipe(tmp_path):
    make_service(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "lintkit", "check", "--stdin-filename", "serverless.yml", "--format",
         "concise", *AS_OF], input=DEPRECATED_SERVICE.encode(), cwd=tmp_path, capture_output=True,
        timeout=120)
    assert done.returncode == 1, done.stderr
    assert done.stdout.decode().startswith("serverless.yml:4:12: RUNTIME001")

"""PATHs as people type them (issue 12, item 6): a folder inside a service, a file no handler
reaches, services that discovery skips, and --exclude / --extend-exclude."""
import subprocess
from pathlib import Path

from test_cli import DEPRECATED_SERVICE, make_service

HANDLER = ("import { helper } from '../lib/helper'\n"
           "export const handler = async () => {\n  return helper()\n}\n")
HELPER = "export const helper = () => { const s = 'x'; return { statusCode: 200, body: s } }\n"


def _service(folder: Path) -> Path:
    make_service(folder, DEPRECATED_SERVICE.replace("src/api.handler", "src/handlers/api.handler"))
    (folder / "src" / "handlers").mkdir()
    (folder / "src" / "handlers" / "api.ts").write_text(HANDLER)
    (folder / "src" / "lib").mkdir()
    (folder / "src" / "lib" / "helper.ts").write_text(HELPER)
    (folder / "src" / "lib" / "unused.ts").write_text("export const x = 1\n")
    (folder / "src" / "lib" / "write.ts").write_text("")
    return folder


def lint(run_lintkit, *args, cwd):
    return run_lintkit("check", *args, "--format", "concise", "--as-of", "2026-11-27", cwd=cwd)


def test_a_folder_inside_a_service_lints_the_service_and_reports_that_folder(tmp_path, run_lintkit):
    service = _service(tmp_path)
    (service / "src" / "handlers" / "api.ts").write_text(
        HANDLER.replace("  return helper()", "  require('fs').writeFileSync('out.json', '{}')\n  return helper()"))
    code, out, err = lint(run_lintkit, "src", cwd=service)
    assert code == 1 and err == ""
    assert [line.split(":")[0] for line in out.splitlines()] == ["src/handlers/api.ts"]  # RUNTIME005
    assert "serverless.yml" not in out  # RUNTIME001 is outside src/
    code, out, _ = lint(run_lintkit, "src/handlers", cwd=service)
    assert code == 1 and out.startswith("src/handlers/api.ts:")


def test_a_file_or_folder_no_handler_reaches_says_so(tmp_path, run_lintkit):
    service = _service(tmp_path)
    code, out, err = lint(run_lintkit, "src/lib/unused.ts", cwd=service)
    assert (code, out) == (0, "")
    assert "src/lib/unused.ts: no function of serverless.yml reaches it" in err
    (service / "tools").mkdir()
    (service / "tools" / "seed.ts").write_text("export const x = 1\n")
    code, out, err = lint(run_lintkit, "tools", cwd=service)
    assert (code, out) == (0, "") and "tools: no file in it is read by serverless.yml" in err
    code, out, err = lint(run_lintkit, "src/lib/helper.ts", cwd=service)
    assert (code, out, err) == (0, "", "")  # reached and clean: nothing to say
    assert lint(run_lintkit, "src/lib/unused.ts", "--quiet", cwd=service)[2] == ""


def test_services_only_in_skipped_folders_are_named_in_the_error(tmp_path, run_lintkit):
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    make_service(tmp_path / "build")
    make_service(tmp_path / "svc" / ".serverless")
    code, out, err = lint(run_lintkit, ".", cwd=tmp_path)
    assert (code, out) == (2, "")
    assert ("no serverless.yml, serverless.yaml or SAM template.yaml found here or below outside the "
            "folders discovery skips") in err
    assert "build/serverless.yml (build output)" in err and "svc/.serverless/serverless.yml" in err
    assert "`lintkit check build/serverless.yml`" in err
    assert lint(run_lintkit, "build/serverless.yml", cwd=tmp_path)[0] == 0  # named, it is linted
    (tmp_path / ".gitignore").write_text("build/\n")
    code, _, err = lint(run_lintkit, ".", cwd=tmp_path)
    assert code == 2 and "build/serverless.yml (build output)" in err


def test_exclude_replaces_the_configured_exclude_and_extend_exclude_adds(tmp_path, run_lintkit):
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    for name in ("a", "b", "c/d"):
        make_service(tmp_path / name, DEPRECATED_SERVICE)
    (tmp_path / ".lintkit.yml").write_text("exclude: [b]\n")

    def services(*args, cwd=tmp_path):
        out = lint(run_lintkit, ".", "--select", "RUNTIME", *args, cwd=cwd)[1]
        return sorted({line.split("serverless.yml")[0].rstrip("/") for line in out.splitlines()})

    assert services() == ["a", "c/d"]
    assert services("--extend-exclude", "a") == ["c/d"]
    assert services("--exclude", "a") == ["b", "c/d"]
    assert services("--extend-exclude", "c/**,a") == []
    code, out, _ = lint(run_lintkit, "..", "--select", "RUNTIME", "--extend-exclude", "d", cwd=tmp_path / "c")
    assert "d/serverless.yml" not in out and out.count("RUNTIME001") == 1  # relative to the working folder

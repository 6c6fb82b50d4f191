"""The command line as users drive it: discovery, exit codes, selection, configuration, formats."""
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

GOOD_SERVICE = """\
service: app
provider:
  name: aws
  runtime: nodejs24.x
  logRetentionInDays: 14
functions:
  api:
    handler: src/api.handler
"""
DEPRECATED_SERVICE = GOOD_SERVICE.replace("nodejs24.x", "nodejs18.x")
HANDLER = "export const handler = async () => ({ statusCode: 200 })\n"


def make_service(folder: Path, config: str = GOOD_SERVICE, name: str = "serverless.yml") -> Path:
    (folder / "src").mkdir(parents=True, exist_ok=True)
    (folder / "src" / "api.ts").write_text(HANDLER)
    (folder / name).write_text(config)
    return folder


def concise(run_lintkit, *args, cwd):
    return run_lintkit("check", *args, "--format", "concise", "--as-of", "2026-11-27", cwd=cwd)


def test_clean_service_exits_zero(tmp_path, run_lintkit):
    make_service(tmp_path)
    code, out, err = concise(run_lintkit, ".", cwd=tmp_path)
    assert (code, out) == (0, ""), err


def test_findings_exit_one_and_fail_on_raises_the_bar(tmp_path, run_lintkit):
    make_service(tmp_path, DEPRECATED_SERVICE)
    code, out, _ = concise(run_lintkit, ".", cwd=tmp_path)
    assert code == 1 and "RUNTIME001" in out
    code, out, _ = concise(run_lintkit, ".", "--fail-on", "never", cwd=tmp_path)
    assert code == 0 and "RUNTIME001" in out


def test_warning_below_fail_on_error_exits_zero(tmp_path, run_lintkit):
    make_service(tmp_path, GOOD_SERVICE.replace("nodejs24.x", "nodejs22.x"))  # deprecated in 154 days
    code, out, _ = concise(run_lintkit, ".", "--fail-on", "error", cwd=tmp_path)
    assert code == 0 and "RUNTIME001" in out
    code, _, _ = concise(run_lintkit, ".", cwd=tmp_path)
    assert code == 1


def test_as_of_moves_the_deprecation_date(tmp_path, run_lintkit):
    make_service(tmp_path, GOOD_SERVICE.replace("nodejs24.x", "nodejs20.x"))
    code, out, _ = run_lintkit("check", ".", "--format", "concise", "--as-of", "2025-01-01", cwd=tmp_path)
    assert code == 0 and out == ""
    code, out, _ = run_lintkit("check", ".", "--format", "concise", "--as-of", "2026-05-01", cwd=tmp_path)
    assert code == 1 and "deprecated on 2026-04-30" in out


def test_select_and_ignore_by_code_prefix_and_name(tmp_path, run_lintkit):
    make_service(tmp_path, DEPRECATED_SERVICE)
    _, out, _ = concise(run_lintkit, ".", "--select", "RUNTIME", cwd=tmp_path)
    assert "RUNTIME001" in out
    _, out, _ = concise(run_lintkit, ".", "--ignore", "deprecated-runtime", cwd=tmp_path)
    assert "RUNTIME001" not in out
    _, out, _ = concise(run_lintkit, ".", "--select", "VPC,SECRET", cwd=tmp_path)
    assert out == ""


def test_opt_sets_stage_for_variables(tmp_path, run_lintkit):
    config = GOOD_SERVICE.replace("runtime: nodejs24.x", "runtime: ${self:custom.runtimes.${opt:stage, 'dev'}}")
    config += "custom:\n  runtimes:\n    dev: nodejs24.x\n    prod: nodejs16.x\n"
    make_service(tmp_path, config)
    code, out, _ = concise(run_lintkit, ".", cwd=tmp_path)
    assert code == 0, out
    code, out, _ = concise(run_lintkit, ".", "--opt", "stage=prod", cwd=tmp_path)
    assert code == 1 and "nodejs16.x" in out
    # the value is reported where it is written, in custom:
    assert out.startswith("serverless.yml:12:11: RUNTIME001")


def test_repository_root_finds_services_and_skips_dependencies(tmp_path, run_lintkit):
    (tmp_path / ".git").mkdir()
    make_service(tmp_path / "services" / "a", DEPRECATED_SERVICE)
    make_service(tmp_path / "services" / "b", DEPRECATED_SERVICE, name="serverless.yaml")
    make_service(tmp_path / "node_modules" / "pkg", DEPRECATED_SERVICE)
    make_service(tmp_path / "services" / "a" / ".serverless", DEPRECATED_SERVICE)
    code, out, _ = concise(run_lintkit, ".", cwd=tmp_path)
    paths = sorted(line.split(":")[0] for line in out.splitlines())
    assert paths == ["services/a/serverless.yml", "services/b/serverless.yaml"]


def test_single_file_reports_only_that_file(tmp_path, run_lintkit):
    make_service(tmp_path, DEPRECATED_SERVICE + "    timeout: 60\n    events:\n      - httpApi: GET /\n")
    (tmp_path / "src" / "api.ts").write_text("export const handler = async () => {\n")
    code, out, _ = concise(run_lintkit, "src/api.ts", cwd=tmp_path)
    assert code == 1
    assert out.splitlines() and all(line.startswith("src/api.ts:") for line in out.splitlines())
    code, out, _ = concise(run_lintkit, "serverless.yml", cwd=tmp_path)
    assert "RUNTIME001" in out and "src/api.ts" in out


def test_broken_service_is_a_finding_and_other_services_are_still_linted(tmp_path, run_lintkit):
    make_service(tmp_path / "broken", "service: app\nprovider: [unclosed\n")
    make_service(tmp_path / "old", DEPRECATED_SERVICE)
    code, out, err = concise(run_lintkit, ".", cwd=tmp_path)
    assert code == 1, err
    assert "broken/serverless.yml:" in out and "PARSE001" in out
    assert "old/serverless.yml:" in out and "RUNTIME001" in out


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02binary", b"- just\n- a list\n",
                                     b"service: x\nprovider: &a [*a]\n"])
def test_odd_serverless_files_never_crash(tmp_path, run_lintkit, content):
    (tmp_path / "serverless.yml").write_bytes(content)
    code, out, err = concise(run_lintkit, ".", cwd=tmp_path)
    assert code in (0, 1), err
    assert "Traceback" not in err


def test_non_aws_provider_is_skipped_quietly(tmp_path, run_lintkit):
    make_service(tmp_path, DEPRECATED_SERVICE.replace("name: aws", "name: google"))
    code, out, err = concise(run_lintkit, ".", cwd=tmp_path)
    assert (code, out, err) == (0, "", "")


def test_config_file_selects_and_overrides_severity(tmp_path, run_lintkit):
    make_service(tmp_path, DEPRECATED_SERVICE)
    (tmp_path / ".lintkit.yml").write_text("severity:\n  RUNTIME001: info\nfail-on: warning\n")
    code, out, _ = run_lintkit("check", ".", "--format", "json", "--as-of", "2026-11-27", cwd=tmp_path)
    report = json.loads(out)
    assert code == 0
    assert [d["severity"] for d in report["diagnostics"]] == ["info"]


def test_invalid_config_is_a_finding_and_the_service_is_still_linted(tmp_path, run_lintkit):
    make_service(tmp_path, DEPRECATED_SERVICE)
    (tmp_path / ".lintkit.yml").write_text("ignore: [RUNTIME001]\nfail-on: sometimes\n")
    code, out, err = concise(run_lintkit, ".", cwd=tmp_path)
    assert code == 2 and err.startswith("lintkit: invalid configuration in .lintkit.yml")
    assert out.splitlines()[0].startswith(".lintkit.yml:2:10: PARSE001 [yaml-syntax-error] fail-on: ")
    assert "serverless.yml:4:12: RUNTIME001" in out  # linted with the default configuration


def test_missing_path_and_folder_without_services_are_usage_errors(tmp_path, run_lintkit):
    code, _, err = concise(run_lintkit, "does-not-exist", cwd=tmp_path)
    assert code == 2 and "does-not-exist" in err
    code, _, err = concise(run_lintkit, ".", cwd=tmp_path)
    assert code == 2 and "no serverless.yml" in err


def test_inline_suppression_and_no_ignores(tmp_path, run_lintkit):
    make_service(tmp_path, DEPRECATED_SERVICE.replace(
        "runtime: nodejs18.x", "runtime: nodejs18.x  # lintkit: ignore[RUNTIME001] tracked in JIRA-1"))
    code, out, _ = concise(run_lintkit, ".", cwd=tmp_path)
    assert (code, out) == (0, "")
    code, out, _ = concise(run_lintkit, ".", "--no-ignores", cwd=tmp_path)
    assert code == 1 and "RUNTIME001" in out


def test_json_output_follows_the_contract(tmp_path, run_lintkit):
    make_service(tmp_path, DEPRECATED_SERVICE)
    code, out, _ = run_lintkit("check", ".", "--format", "json", "--as-of", "2026-11-27", cwd=tmp_path)
    report = json.loads(out)
    assert set(report) == {"version", "tool", "diagnostics", "summary"}
    assert report["version"] == 1 and report["tool"]["name"] == "lintkit"
    (diagnostic,) = report["diagnostics"]
    # `fix` only on a finding that has one (issue 16): RUNTIME001's runtime upgrade
    assert set(diagnostic) == {"code", "name", "severity", "message", "path", "line", "column",
                               "end_line", "end_column", "function", "fix"}
    assert set(diagnostic["fix"]) == {"title", "applicability", "edits"}
    assert (diagnostic["path"], diagnostic["line"], diagnostic["column"]) == ("serverless.yml", 4, 12)
    assert diagnostic["end_column"] == 22
    assert report["summary"] == {"files": 2, "errors": 1, "warnings": 0, "infos": 0}


def test_sarif_output_validates_against_the_official_schema(tmp_path, run_lintkit, shared):
    import jsonschema

    make_service(tmp_path, DEPRECATED_SERVICE)
    _, out, _ = run_lintkit("check", ".", "--format", "sarif", "--as-of", "2026-11-27", cwd=tmp_path)
    sarif = json.loads(out)
    schema = json.loads((shared / "data" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.validate(sarif, schema)
    (result,) = sarif["runs"][0]["results"]
    assert result["ruleId"] == "RUNTIME001" and result["partialFingerprints"]
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 4


def test_github_format_prints_workflow_commands(tmp_path, run_lintkit):
    make_service(tmp_path, DEPRECATED_SERVICE)
    _, out, _ = run_lintkit("check", ".", "--format", "github", "--as-of", "2026-11-27", cwd=tmp_path)
    assert out.startswith("::error file=serverless.yml,line=4,col=12,")
    assert "title=RUNTIME001" in out


def test_rules_lists_every_rule_and_rule_prints_its_documentation(run_lintkit, tmp_path):
    from lintkit.registry import all_rules

    code, out, _ = run_lintkit("rules", cwd=tmp_path)
    assert code == 0
    assert len(out.splitlines()) == len(all_rules())
    code, out, _ = run_lintkit("rule", "VPC005", cwd=tmp_path)
    assert code == 0 and "invalid-vpc-config" in out and "Use instead:" in out
    code, out, _ = run_lintkit("rule", "deprecated-runtime", cwd=tmp_path)
    assert code == 0 and out.startswith("RUNTIME001")
    code, _, err = run_lintkit("rule", "NOPE123", cwd=tmp_path)
    assert code == 2 and "lintkit rules" in err


def test_bad_arguments_are_usage_errors(run_lintkit, tmp_path):
    assert run_lintkit("check", "--format", "xml", cwd=tmp_path)[0] == 2
    assert run_lintkit("check", "--as-of", "yesterday", cwd=tmp_path)[0] == 2
    assert run_lintkit("check", "--opt", "stage", cwd=tmp_path)[0] == 2


def test_python_dash_m_runs_the_cli(tmp_path):
    make_service(tmp_path, DEPRECATED_SERVICE)
    done = subprocess.run([sys.executable, "-m", "lintkit", "check", ".", "--format", "concise",
                           "--as-of", "2026-11-27"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 1 and "RUNTIME001" in done.stdout


# -- CLI manners (issue 12, item 8) ------------------------------------------------------------------
def test_abbreviated_and_unknown_options_are_errors_that_name_the_closest(tmp_path, run_lintkit):
    make_service(tmp_path, DEPRECATED_SERVICE)
    code, out, err = concise(run_lintkit, ".", "--stat", cwd=tmp_path)
    assert (code, out) == (2, "")
    assert "usage: lintkit check" in err  # the subcommand's usage, not the top level's
    assert "unrecognized arguments: --stat (did you mean --statistics?)" in err
    code, _, err = run_lintkit("rules", "--formt", "json", cwd=tmp_path)
    assert code == 2 and "(did you mean --format?)" in err


def test_short_version_flag(run_lintkit):
    from lintkit import __version__

    assert run_lintkit("-V") == (0, f"lintkit {__version__}\n", "")


def test_quiet_prints_the_findings_only(tmp_path, run_lintkit):
    make_service(tmp_path, DEPRECATED_SERVICE)
    code, out, _ = run_lintkit("check", ".", "--quiet", "--as-of", "2026-11-27", "--color", "never",
                               cwd=tmp_path)
    assert code == 1 and "RUNTIME001" in out and "Found" not in out
    make_service(tmp_path)
    assert run_lintkit("check", ".", "-q", cwd=tmp_path) == (0, "", "")
    code, out, _ = run_lintkit("check", ".", "-q", "-o", "report.json", "--format", "json", cwd=tmp_path)
    assert (code, out) == (0, "") and (tmp_path / "report.json").is_file()


def test_a_reader_that_leaves_early_keeps_the_exit_code_of_the_findings(tmp_path):
    make_service(tmp_path, DEPRECATED_SERVICE * 1)
    script = ("import subprocess, sys\n"
              "p = subprocess.Popen([sys.executable, '-m', 'lintkit', 'check', '.', '--format', 'json'],"
              " stdout=subprocess.PIPE, stderr=subprocess.PIPE)\n"
              "p.stdout.close()\n"  # the reader is gone before lintkit writes
              "err = p.stderr.read(); print(p.wait()); sys.stderr.buffer.write(err)\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True,
                          timeout=60)
    assert done.stdout.strip() == "1", done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr


def test_rules_as_json_for_scripts_and_editors(run_lintkit):
    code, out, _ = run_lintkit("rules", "--format", "json")
    rules = json.loads(out)
    assert code == 0 and len(rules) > 50
    vpc = next(rule for rule in rules if rule["code"] == "VPC001")
    assert vpc == {"code": "VPC001", "name": "database-function-outside-vpc", "severity": vpc["severity"],
                   "summary": vpc["summary"], "tags": ["VPC"]}
    assert vpc["severity"] in ("error", "warning", "info") and vpc["summary"]


def test_a_file_two_services_share_reports_each_finding_once(tmp_path, run_lintkit):
    (tmp_path / ".git").mkdir()
    (tmp_path / "package.json").write_text(
        '{"dependencies": {"@prisma/client": "^5.0.0"}, "devDependencies": {"@prisma/client": "^5.1.0"}}\n')
    for name in ("a", "b"):
        make_service(tmp_path / name)
    code, out, _ = concise(run_lintkit, ".", "--select", "PACKAGE006", cwd=tmp_path)
    assert out.count("package.json:1:") == 1, out

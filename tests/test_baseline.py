"""Baselines: record today's findings, then report and fail only on new ones."""
import json
from pathlib import Path

import pytest

from lintkit.baseline import Baseline, BaselineError, baseline_document, dump
from lintkit.model.diagnostics import Diagnostic

SERVICE = """\
service: app
provider:
  name: aws
  runtime: nodejs24.x
  logRetentionInDays: 14
  environment:
    DATABASE_URL: postgresql://admin:{password}@db.example.com:5432/app
functions:
  api:
    handler: src/api.handler
    runtime: nodejs18.x
"""
HANDLER = """\
import {{ PrismaClient }} from '@prisma/client'

export const handler = async () => {{
  const prisma = new PrismaClient()
  return {{ statusCode: 200, body: String(await prisma.user.count()) }}
}}
"""
PASSWORD = "Hx7rQ2vLp9Zk"
# The rules these tests lean on; others (written in parallel) would add findings to new functions.
AS_OF = ("--as-of", "2026-11-27", "--select", "RUNTIME001,SECRET001,CLIENT001")


def make_service(folder: Path, password: str = PASSWORD) -> Path:
    (folder / "src").mkdir(parents=True, exist_ok=True)
    (folder / "serverless.yml").write_text(SERVICE.format(password=password))
    (folder / "src" / "api.ts").write_text(HANDLER.format())
    return folder


def check(run_lintkit, *args, cwd):
    return run_lintkit("check", ".", "--format", "concise", *AS_OF, *args, cwd=cwd)


def codes(out: str) -> list[str]:
    return sorted(line.split(": ")[1].split()[0] for line in out.splitlines())


@pytest.fixture
def baselined(tmp_path, run_lintkit):
    """A service with findings and its baseline."""
    make_service(tmp_path)
    code, out, _ = check(run_lintkit, cwd=tmp_path)
    assert code == 1 and {"RUNTIME001", "SECRET001", "CLIENT001"} <= set(codes(out)), out
    code, out, err = run_lintkit("check", ".", *AS_OF, "--write-baseline", ".lintkit-baseline.json",
                                 cwd=tmp_path)
    assert code == 0, err
    assert out.startswith("lintkit: baseline .lintkit-baseline.json written: ")
    return tmp_path


def test_rerun_with_the_baseline_reports_nothing_and_exits_zero(baselined, run_lintkit):
    code, out, err = check(run_lintkit, "--baseline", ".lintkit-baseline.json", cwd=baselined)
    assert (code, out, err) == (0, "", "")
    code, out, _ = run_lintkit("check", ".", *AS_OF, "--baseline", ".lintkit-baseline.json", cwd=baselined)
    assert code == 0 and out.startswith("No new problems found (")


def test_baseline_file_is_versioned_sorted_and_holds_no_secrets_or_messages(baselined):
    text = (baselined / ".lintkit-baseline.json").read_text()
    document = json.loads(text)
    assert document["version"] == 1 and document["tool"] == "lintkit"
    findings = document["findings"]
    assert findings and all(set(entry) == {"path", "code", "fingerprint", "count"} for entry in findings)
    keys = [(entry["path"], entry["code"], entry["fingerprint"]) for entry in findings]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert PASSWORD not in text and "postgresql" not in text and "deprecated" not in text
    assert all(len(entry["fingerprint"]) == 64 for entry in findings)
    assert text == dump(document)  # one finding per line, stable bytes


def test_a_new_finding_is_the_only_one_reported(baselined, run_lintkit):
    config = baselined / "serverless.yml"
    config.write_text(config.read_text() + "  worker:\n    handler: src/api.handler\n    runtime: nodejs16.x\n")
    code, out, _ = check(run_lintkit, "--baseline", ".lintkit-baseline.json", cwd=baselined)
    assert code == 1
    assert [line.split(" [")[0] for line in out.splitlines()] == ["serverless.yml:14:14: RUNTIME001"]


def test_findings_still_match_when_lines_move(baselined, run_lintkit):
    config = baselined / "serverless.yml"
    config.write_text("# Deployed by CI\n\n" + config.read_text().replace(
        "functions:\n", "custom:\n  note: moved\nfunctions:\n"))
    handler = baselined / "src" / "api.ts"
    handler.write_text("// header\n\n\n" + handler.read_text().replace("  const prisma", "\n    const prisma"))
    code, out, _ = check(run_lintkit, "--baseline", ".lintkit-baseline.json", cwd=baselined)
    assert (code, out) == (0, "")
    _, everything, _ = check(run_lintkit, cwd=baselined)
    assert "serverless.yml:15:14: RUNTIME001" in everything  # it really moved


def test_a_rotated_secret_is_still_the_baselined_finding(baselined, run_lintkit):
    """Only redacted text is hashed: the fingerprint does not depend on the secret's value."""
    make_service(baselined, password="Other9Secret4Value")
    code, out, _ = check(run_lintkit, "--baseline", ".lintkit-baseline.json", cwd=baselined)
    assert (code, out) == (0, "")


def test_fixed_then_reintroduced_is_new_once_the_baseline_is_rewritten(baselined, run_lintkit):
    config = baselined / "serverless.yml"
    original = config.read_text()
    config.write_text(original.replace("runtime: nodejs18.x", "runtime: nodejs24.x"))
    code, out, err = check(run_lintkit, "--baseline", ".lintkit-baseline.json", cwd=baselined)
    assert (code, out) == (0, "")
    assert "1 baseline entry no longer matches" in err and "--write-baseline .lintkit-baseline.json" in err
    run_lintkit("check", ".", *AS_OF, "--write-baseline", ".lintkit-baseline.json", cwd=baselined)
    config.write_text(original)
    code, out, _ = check(run_lintkit, "--baseline", ".lintkit-baseline.json", cwd=baselined)
    assert code == 1 and codes(out) == ["RUNTIME001"]


def test_exit_code_reflects_only_new_findings(baselined, run_lintkit):
    config = baselined / "serverless.yml"
    config.write_text(config.read_text() + "  worker:\n    handler: src/api.handler\n    runtime: nodejs16.x\n")
    code, _, _ = check(run_lintkit, "--baseline", ".lintkit-baseline.json", "--fail-on", "never", cwd=baselined)
    assert code == 0
    code, out, _ = check(run_lintkit, "--baseline", ".lintkit-baseline.json", "--select", "SECRET", cwd=baselined)
    assert (code, out) == (0, "")


def test_baseline_paths_are_relative_to_the_baseline_file(baselined, run_lintkit):
    code, out, _ = run_lintkit("check", "..", "--format", "concise", *AS_OF,
                               "--baseline", "../.lintkit-baseline.json", cwd=baselined / "src")
    assert (code, out) == (0, "")


def test_baseline_fingerprints_are_the_sarif_fingerprints(baselined, run_lintkit):
    _, out, _ = run_lintkit("check", ".", "--format", "sarif", *AS_OF, cwd=baselined)
    sarif = {result["partialFingerprints"]["lintkitFingerprint/v1"].split(":")[0]
             for result in json.loads(out)["runs"][0]["results"]}
    document = json.loads((baselined / ".lintkit-baseline.json").read_text())
    assert {entry["fingerprint"] for entry in document["findings"]} == sarif


def test_output_summary_counts_baselined_findings(baselined, run_lintkit):
    config = baselined / "serverless.yml"
    config.write_text(config.read_text() + "  worker:\n    handler: src/api.handler\n    runtime: nodejs16.x\n")
    code, out, _ = run_lintkit("check", ".", *AS_OF, "--format", "json", "--output", "report.json",
                               "--baseline", ".lintkit-baseline.json", cwd=baselined)
    assert code == 1
    assert out.startswith("lintkit: 1 new error (") and "in the baseline); report written to report.json" in out
    assert [d["code"] for d in json.loads((baselined / "report.json").read_text())["diagnostics"]] == ["RUNTIME001"]


@pytest.mark.parametrize("content, message", [
    (None, "does not exist; create it with `lintkit check --write-baseline"),
    ("{", "is not valid JSON"),
    ("[]", "expected an object with a version field"),
    ('{"version": 2, "findings": []}', "version 2 (this lintkit reads version 1)"),
    ('{"version": 1, "findings": [{"count": 1}]}', "findings[0].fingerprint must be a string"),
    ('{"version": 1, "findings": [{"fingerprint": "ab", "count": 0}]}', "count must be a positive integer"),
])
def test_missing_or_invalid_baseline_is_a_usage_error(tmp_path, run_lintkit, content, message):
    make_service(tmp_path)
    if content is not None:
        (tmp_path / "baseline.json").write_text(content)
    code, out, err = check(run_lintkit, "--baseline", "baseline.json", cwd=tmp_path)
    assert (code, out) == (2, "") and message in err and err.startswith("lintkit: baseline baseline.json")


def test_write_baseline_does_not_combine_with_reporting_options(tmp_path, run_lintkit):
    make_service(tmp_path)
    code, _, err = check(run_lintkit, "--write-baseline", "b.json", "--baseline", "b.json", cwd=tmp_path)
    assert code == 2 and "--baseline" in err and not (tmp_path / "b.json").exists()


# Counting, on diagnostics without a project

ROOT = Path("/project").resolve()
FILE = ROOT / "src" / "api.ts"
LINES = ["export const handler = async () => {", "  const prisma = new PrismaClient()",
         "  const prisma = new PrismaClient()", "}"]


def client(line: int) -> Diagnostic:
    return Diagnostic("CLIENT001", "client-per-invocation", "error", "m", FILE, line, 18, line, 36, "api")


def baseline_of(diagnostics, sources) -> Baseline:
    document = baseline_document(diagnostics, ROOT, sources.get)
    counts = {entry["fingerprint"]: entry["count"] for entry in document["findings"]}
    return Baseline(ROOT / ".lintkit-baseline.json", counts)


def test_identical_findings_are_counted_per_fingerprint():
    sources = {FILE: LINES}
    one = baseline_of([client(2)], sources)
    assert list(one.counts.values()) == [1]
    comparison = one.compare([client(2), client(3)], sources.get)
    assert (comparison.new, comparison.baselined, comparison.gone) == ([client(3)], 1, 0)
    two = baseline_of([client(2), client(3)], sources)
    assert list(two.counts.values()) == [2]
    comparison = two.compare([client(2)], sources.get)
    assert (comparison.new, comparison.baselined, comparison.gone) == ([], 1, 1)


def test_the_same_mistake_in_another_function_or_file_is_new():
    sources = {FILE: LINES, ROOT / "src" / "jobs.ts": LINES}
    base = baseline_of([client(2)], sources)
    other_function = Diagnostic("CLIENT001", "client-per-invocation", "error", "m", FILE, 2, 18, 2, 36, "jobs")
    other_file = Diagnostic("CLIENT001", "client-per-invocation", "error", "m", ROOT / "src" / "jobs.ts",
                            2, 18, 2, 36, "api")
    assert base.compare([other_function, other_file], sources.get).new == [other_function, other_file]


def test_load_round_trips_and_sums_duplicate_entries(tmp_path):
    path = tmp_path / "b.json"
    path.write_text(json.dumps({"version": 1, "findings": [
        {"fingerprint": "aa", "count": 2}, {"fingerprint": "aa"}, {"fingerprint": "bb", "count": 1}]}))
    assert Baseline.load(path).counts == {"aa": 3, "bb": 1}
    with pytest.raises(BaselineError):
        Baseline.load(tmp_path)


# Fingerprints (shared with SARIF and GitLab)

YAML = ["service: app", "provider:", "  environment:", "    DB_PASSWORD: hunter2hunter2",
        "custom:", "  stages:", "    - name: dev", "      environment:", "        DB_PASSWORD: hunter2hunter2",
        "resources:", "  Resources:", "    Fn:", "      Properties:", "        Code:", "          ZipFile: |",
        "            const x = { a: 1 }", "            default:"]


def test_yaml_key_path_follows_indentation():
    from lintkit.fingerprint import yaml_key_path

    assert yaml_key_path(YAML, 4) == "provider.environment.DB_PASSWORD"
    assert yaml_key_path(YAML, 9) == "custom.stages.environment.DB_PASSWORD"  # no sequence index
    assert yaml_key_path(YAML, 16) == "resources.Resources.Fn.Properties.Code.ZipFile"
    assert yaml_key_path(YAML, 1) == "service"


def test_same_line_under_another_key_or_with_a_suppression_comment():
    from lintkit.fingerprint import fingerprint

    path = ROOT / "serverless.yml"

    def at(line, lines=YAML):
        d = Diagnostic("SECRET003", "plaintext-secret-env", "error", "m", path, line, 18, line, 32)
        return fingerprint(d, "serverless.yml", lines)

    assert at(4) != at(9)  # identical text, different key paths
    commented = list(YAML)
    commented[3] += "  # lintkit: ignore[CONFIG004] unrelated"
    assert at(4, commented) == at(4)
    rotated = [line.replace("hunter2hunter2", "correcthorse9") for line in YAML]
    assert at(4, rotated) == at(4)  # only redacted text is hashed


def test_text_summary_counts_baselined_findings():
    import io

    from lintkit.reporters import ReportContext, render

    def summary(diagnostics, baselined):
        stream = io.StringIO()
        render("text", diagnostics, ReportContext(cwd=ROOT, files_checked=2, color=False, services=1,
                                                  baselined=baselined), stream)
        return stream.getvalue().splitlines()[-1]

    assert summary([], 3) == "No new problems found (3 in the baseline); 2 files checked in 1 service."
    assert summary([client(2)], 3) == (
        "Found 1 new problem (1 error) in 1 file, 3 in the baseline; 2 files checked in 1 service.")
    assert summary([client(2)], 0) == "Found 1 problem (1 error) in 1 file; 2 files checked in 1 service."


def test_with_new_findings_the_hint_says_rewriting_would_accept_them(baselined, run_lintkit):
    config = baselined / "serverless.yml"
    config.write_text(config.read_text().replace("runtime: nodejs18.x", "runtime: nodejs24.x")
                      + "  jobs:\n    handler: src/api.handler\n    runtime: nodejs16.x\n")
    code, out, err = check(run_lintkit, "--baseline", ".lintkit-baseline.json", cwd=baselined)
    assert code == 1 and codes(out) == ["RUNTIME001"]  # a new finding beside the fixed one
    assert "drop it with" not in err
    assert ("`--write-baseline .lintkit-baseline.json` would drop it but also accept the 1 new finding"
            in err)

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from lintkit.model.diagnostics import Diagnostic
from lintkit.model.nodes import Span
from lintkit.reporters import FORMATS, ReportContext, RuleInfo, render
from lintkit.reporters.github import escape_data, escape_property

ROOT = Path("/project").resolve()
SERVERLESS = ROOT / "svc" / "serverless.yml"
HANDLER = ROOT / "svc" / "src" / "handler.ts"
PASSWORD = "s3cr3tpw"

SOURCES = {
    SERVERLESS: [
        "service: app",
        "provider:",
        "  environment:",
        f"    DATABASE_URL: postgresql://admin:{PASSWORD}@db.example.com/app",
        f"\tDB_PASSWORD: {PASSWORD} # rotate",
        "  runtime: nodejs16.x",
    ],
    HANDLER: [
        "export const handler = async () => {",
        "  const prisma = new PrismaClient()",
        "}",
    ],
}

RULES = [
    RuleInfo("SECRET001", "plaintext-database-password", "error",
             "Plaintext password in a database URL.",
             "Plaintext password in a database URL.\n\nWhat: ...\nWhy: ..."),
    RuleInfo("CLIENT001", "client-per-invocation", "error", "PrismaClient per invocation.", "Doc."),
    RuleInfo("RUNTIME001", "deprecated-runtime", "warning", "Deprecated runtime.", "Doc."),
    RuleInfo("CONFIG004", "missing-log-retention", "info", "No log retention.", "Doc."),
]


def diagnostics():
    return [
        Diagnostic("SECRET001", "plaintext-database-password", "error",
                   f"The URL postgresql://admin:{PASSWORD}@db.example.com/app holds a plaintext password.",
                   SERVERLESS, 4, 19, 4, 65, function="users"),
        Diagnostic("CLIENT001", "client-per-invocation", "error",
                   "PrismaClient is created on every invocation: move it to module scope.",
                   HANDLER, 2, 18, 2, 36, function="users", related=[Span(SERVERLESS, 4, 5, 4, 17)]),
        Diagnostic("RUNTIME001", "deprecated-runtime", "warning",
                   "nodejs16.x was deprecated on 2024-06-12.", SERVERLESS, 6, 12, 6, 22),
        Diagnostic("CONFIG004", "missing-log-retention", "info",
                   "Set provider.logRetentionInDays.", SERVERLESS, 2, 1, 6, 22),
        Diagnostic("SECRET003", "plaintext-secret-env", "error",
                   "DB_PASSWORD holds a literal value.", SERVERLESS, 5, 15, 5, 23),
    ]


def context(**changes):
    values = dict(cwd=ROOT, files_checked=4, rules=RULES, tool_version="1.2.3",
                  read_source=SOURCES.get, color=False, services=1)
    values.update(changes)
    return ReportContext(**values)


def output(format, diags=None, **changes):
    stream = io.StringIO()
    render(format, diagnostics() if diags is None else diags, context(**changes), stream)
    return stream.getvalue()


@pytest.mark.parametrize("format", FORMATS)
def test_secrets_never_leave(format):
    assert PASSWORD not in output(format)


def test_concise():
    assert output("concise") == (
        "svc/serverless.yml:2:1: CONFIG004 [missing-log-retention] Set provider.logRetentionInDays.\n"
        "svc/serverless.yml:4:19: SECRET001 [plaintext-database-password] The URL "
        "postgresql://admin:****@db.example.com/app holds a plaintext password.\n"
        "svc/serverless.yml:5:15: SECRET003 [plaintext-secret-env] DB_PASSWORD holds a literal value.\n"
        "svc/serverless.yml:6:12: RUNTIME001 [deprecated-runtime] nodejs16.x was deprecated on 2024-06-12.\n"
        "svc/src/handler.ts:2:18: CLIENT001 [client-per-invocation] PrismaClient is created on every "
        "invocation: move it to module scope.\n"
    )


def test_paths_outside_cwd_are_absolute():
    outside = Path("/elsewhere/serverless.yml").resolve()
    d = Diagnostic("CONFIG004", "missing-log-retention", "info", "m\nsecond line", outside, 1, 1, 1, 2)
    assert output("concise", [d]) == f"{outside.as_posix()}:1:1: CONFIG004 [missing-log-retention] m second line\n"


def test_json_contract():
    document = json.loads(output("json"))
    assert list(document) == ["version", "tool", "diagnostics", "summary"]
    assert document["version"] == 1
    assert document["tool"] == {"name": "lintkit", "version": "1.2.3"}
    assert document["summary"] == {"files": 4, "errors": 3, "warnings": 1, "infos": 1}
    first, second = document["diagnostics"][:2]
    assert list(first) == ["code", "name", "severity", "message", "path", "line", "column",
                           "end_line", "end_column", "function"]
    assert first["function"] is None and first["path"] == "svc/serverless.yml"
    assert second == {
        "code": "SECRET001", "name": "plaintext-database-password", "severity": "error",
        "message": "The URL postgresql://admin:****@db.example.com/app holds a plaintext password.",
        "path": "svc/serverless.yml", "line": 4, "column": 19, "end_line": 4, "end_column": 65,
        "function": "users",
    }


def test_json_empty():
    document = json.loads(output("json", []))
    assert document["diagnostics"] == [] and document["summary"]["errors"] == 0


SARIF_SCHEMA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "sarif-schema-2.1.0.json"


def test_sarif_validates_against_the_schema():
    if not SARIF_SCHEMA.is_file():
        pytest.skip("shared SARIF schema not available")
    import jsonschema

    schema = json.loads(SARIF_SCHEMA.read_text())
    document = json.loads(output("sarif"))
    jsonschema.validate(document, schema, cls=jsonschema.validators.validator_for(schema))


def test_sarif_content():
    document = json.loads(output("sarif"))
    assert document["version"] == "2.1.0"
    (run,) = document["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "lintkit" and driver["version"] == "1.2.3"
    assert "informationUri" not in driver  # no published home page to point at yet
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert rule_ids[:4] == ["SECRET001", "CLIENT001", "RUNTIME001", "CONFIG004"]
    assert "SECRET003" in rule_ids  # not in report.rules, still described
    secret = driver["rules"][0]
    assert secret["name"] == "plaintext-database-password"
    assert secret["shortDescription"]["text"] == "Plaintext password in a database URL."
    assert secret["help"]["text"].startswith("Plaintext password")
    assert secret["defaultConfiguration"]["level"] == "error"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == ROOT.as_uri() + "/"

    results = {r["ruleId"]: r for r in run["results"]}
    assert [results[c]["level"] for c in ("SECRET001", "RUNTIME001", "CONFIG004")] == ["error", "warning", "note"]
    for result in run["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
    client = results["CLIENT001"]
    location = client["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "svc/src/handler.ts", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 2, "startColumn": 18, "endLine": 2, "endColumn": 36}
    related = client["relatedLocations"][0]["physicalLocation"]
    assert related["artifactLocation"]["uri"] == "svc/serverless.yml"
    assert related["region"]["startLine"] == 4


def fingerprint(diags, sources):
    document = json.loads(output("sarif", diags, read_source=sources.get))
    return [r["partialFingerprints"]["lintkitFingerprint/v1"] for r in document["runs"][0]["results"]]


def test_sarif_fingerprint_is_stable_when_lines_move():
    d = diagnostics()[1]
    moved = Diagnostic(d.code, d.name, d.severity, d.message, d.path, 5, 18, 5, 36, d.function)
    shifted = {HANDLER: ["// a new header", "", "", *SOURCES[HANDLER]]}
    assert fingerprint([d], SOURCES) == fingerprint([moved], shifted)
    edited = {HANDLER: ["", "  const prisma = new PrismaClient({ log: ['query'] })", ""]}
    assert fingerprint([d], SOURCES) != fingerprint([d], edited)


def test_sarif_fingerprints_of_identical_findings_differ():
    d = diagnostics()[2]
    first, second = fingerprint([d, d], SOURCES)
    assert first != second and first.split(":")[0] == second.split(":")[0]


def test_github_annotations():
    lines = output("github").splitlines()
    assert lines[0] == (
        "::notice file=svc/serverless.yml,line=2,col=1,endLine=6,endColumn=22,"
        "title=CONFIG004 [missing-log-retention]::Set provider.logRetentionInDays."
    )
    assert lines[3].startswith("::warning file=svc/serverless.yml,line=6,")
    assert lines[4].startswith("::error file=svc/src/handler.ts,line=2,col=18,")


def test_github_escaping():
    assert escape_data("50% done\r\nnext: a,b") == "50%25 done%0D%0Anext: a,b"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    path = ROOT / "svc" / "we,ird:name.yml"
    d = Diagnostic("CONFIG004", "missing-log-retention", "info", "100% sure\nreally", path, 1, 1, 1, 2)
    assert output("github", [d]) == (
        "::notice file=svc/we%2Cird%3Aname.yml,line=1,col=1,endLine=1,endColumn=2,"
        "title=CONFIG004 [missing-log-retention]::100%25 sure%0Areally\n"
    )


def test_text_layout():
    text = output("text")
    assert "\x1b" not in text
    assert text.startswith("svc/serverless.yml\n")
    assert (
        "error SECRET001 [plaintext-database-password]: The URL postgresql://admin:****@db.example.com/app"
        " holds a plaintext password.\n"
        "  --> svc/serverless.yml:4:19 (function users)\n"
        "  |\n"
        "4 |     DATABASE_URL: postgresql://admin:****@db.example.com/app\n"
        "  |                   ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
    ) in text
    # A tab is expanded and the underline follows the masked value.
    assert "5 |     DB_PASSWORD: **** # rotate\n  |                  ^~~~\n" in text
    # A span over several lines is underlined to the end of its first line.
    assert "2 | provider:\n  | ^~~~~~~~~\n" in text
    assert "  = related: svc/serverless.yml:4:5\n" in text
    assert "\nsvc/src/handler.ts\n" in text
    assert text.rstrip("\n").endswith(
        "Found 5 problems (3 errors, 1 warning, 1 info) in 2 files; 4 files checked in 1 service."
    )


def test_text_without_problems_or_source():
    assert output("text", [], files_checked=1, services=0) == "No problems found; 1 file checked.\n"
    text = output("text", diagnostics()[2:3], read_source=lambda path: None)
    assert "-->" in text and " | " not in text


def test_text_cuts_long_lines_around_the_span():
    long_line = "x" * 500 + "new PrismaClient()" + "y" * 500
    d = Diagnostic("CLIENT001", "client-per-invocation", "error", "m", HANDLER, 1, 501, 1, 519)
    text = output("text", [d], read_source=lambda path: [long_line])
    row = next(line for line in text.splitlines() if line.startswith("1 | "))
    underline = text.splitlines()[text.splitlines().index(row) + 1]
    assert row.startswith("1 | ...") and row.endswith("...") and len(row) < 200
    start = underline.index("^")
    assert row[start : start + 18] == "new PrismaClient()" and underline.endswith("^" + "~" * 17)


class FakeTTY(io.StringIO):
    def isatty(self):
        return True


def text_on(stream, color=None):
    render("text", diagnostics(), context(color=color), stream)
    return stream.getvalue()


def test_text_colour_follows_terminal_and_environment(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    assert "\x1b[" not in text_on(io.StringIO())
    assert "\x1b[" in text_on(FakeTTY())
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in text_on(FakeTTY())
    assert "\x1b[" in text_on(io.StringIO(), color=True)
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    coloured = text_on(io.StringIO())
    assert "\x1b[1;31merror" in coloured and PASSWORD not in coloured
    assert "\x1b[" not in text_on(FakeTTY(), color=False)


def test_unknown_format():
    with pytest.raises(ValueError, match="unknown output format"):
        render("xml", [], context(), io.StringIO())


def test_only_the_text_reporter_imports_rich():
    code = (
        "import io, sys\n"
        "from lintkit.reporters import ReportContext, render\n"
        "for f in ('concise', 'json', 'sarif', 'github'):\n"
        "    render(f, [], ReportContext(), io.StringIO())\n"
        "print('rich' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- SARIF as GitHub code scanning reads it (issue 12, item 5) ---------------------------------------
def _sarif_rules(rule_url=None) -> dict:
    from lintkit.cli import rule_infos

    report = ReportContext(cwd=ROOT, rules=rule_infos(), rule_url=rule_url)
    stream = io.StringIO()
    render("sarif", [], report, stream)
    return {rule["id"]: rule for rule in json.loads(stream.getvalue())["runs"][0]["tool"]["driver"]["rules"]}


def test_security_rules_carry_a_security_severity_github_can_map():
    from lintkit.reporters.sarif import security_severities

    rules = _sarif_rules()
    scores = security_severities()
    assert set(scores) <= set(rules)  # the table names only real rules
    assert {"SECRET001", "SECRET002", "VPC001"} <= set(scores)
    for code, rule in rules.items():
        properties = rule["properties"]
        if code in scores:
            assert "security" in properties["tags"]
            assert 0.1 <= float(properties["security-severity"]) <= 10.0
        else:
            assert "security" not in properties["tags"] and "security-severity" not in properties
    assert rules["SECRET002"]["properties"]["security-severity"] == "9.3"  # critical: an AWS key


def test_full_description_fits_github_and_help_has_the_documentation():
    from lintkit.registry import find_rule

    for code, rule in _sarif_rules().items():
        assert len(rule["fullDescription"]["text"]) <= 1024
        assert rule["help"]["text"] == find_rule(code).doc
    assert "helpUri" not in _sarif_rules()["VPC001"]


def test_rule_url_from_the_configuration_is_the_help_uri(tmp_path, run_lintkit):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "api.ts").write_text("export const handler = async () => ({})\n")
    (tmp_path / "serverless.yml").write_text(
        "service: app\nprovider:\n  name: aws\n  runtime: nodejs18.x\nfunctions:\n  api:\n    handler: src/api.handler\n")
    (tmp_path / ".lintkit.yml").write_text("rule-url: https://wiki.example.com/lintkit/{code}\n")
    code, out, err = run_lintkit("check", ".", "--format", "sarif", "--as-of", "2026-11-27", cwd=tmp_path)
    rules = {rule["id"]: rule for rule in json.loads(out)["runs"][0]["tool"]["driver"]["rules"]}
    assert code == 1, err
    assert rules["RUNTIME001"]["helpUri"] == "https://wiki.example.com/lintkit/RUNTIME001"
    (tmp_path / ".lintkit.yml").write_text("rule-url: https://wiki.example.com/lintkit/\n")
    code, out, _ = run_lintkit("check", ".", "--format", "concise", cwd=tmp_path)
    assert code == 2 and "rule-url: must be a URL template with {code}" in out  # a template without it

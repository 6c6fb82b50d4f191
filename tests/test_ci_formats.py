"""What CI systems read: GitLab Code Quality and JUnit reports, --output, --statistics, the GitHub
Action, and the progress bar that only a person at a terminal ever sees."""
import io
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from lintkit.model.diagnostics import Diagnostic
from lintkit.reporters import ReportContext, render

REPO = Path(__file__).resolve().parents[1]
ROOT = Path("/project").resolve()
SERVERLESS = ROOT / "serverless.yml"
HANDLER = ROOT / "src" / "api.ts"
CLEAN = ROOT / "src" / "util.ts"
SOURCES = {
    SERVERLESS: ["service: app", "provider:", "  name: aws", "  runtime: nodejs16.x"],
    HANDLER: [
        "export const handler = async () => {",
        "  const a = new PrismaClient(); const b = new PrismaClient()",
        "}",
    ],
    CLEAN: ["export const one = 1"],
}

SERVICE = """\
service: app
provider:
  name: aws
  runtime: nodejs24.x
  logRetentionInDays: 14
functions:
  api:
    handler: src/api.handler
  worker:
    handler: src/api.handler
    runtime: nodejs18.x
"""
HANDLER_SOURCE = "export const handler = async () => ({ statusCode: 200 })\n"


def make_service(folder: Path, config: str = SERVICE) -> Path:
    (folder / "src").mkdir(parents=True, exist_ok=True)
    (folder / "src" / "api.ts").write_text(HANDLER_SOURCE)
    (folder / "serverless.yml").write_text(config)
    return folder


def diagnostics():
    return [
        Diagnostic("RUNTIME001", "deprecated-runtime", "error", "nodejs16.x is deprecated.",
                   SERVERLESS, 4, 12, 4, 22),
        Diagnostic("CLIENT001", "client-per-invocation", "warning", "PrismaClient per invocation.",
                   HANDLER, 2, 13, 2, 31, function="api"),
        Diagnostic("CLIENT001", "client-per-invocation", "warning", "PrismaClient per invocation.",
                   HANDLER, 2, 46, 2, 64, function="api"),
        Diagnostic("CONFIG004", "missing-log-retention", "info", "Set logRetentionInDays.",
                   SERVERLESS, 2, 1, 4, 22),
    ]


def output(format, diags=None, sources=SOURCES, **changes):
    values = dict(cwd=ROOT, files_checked=3, tool_version="1.2.3", read_source=sources.get,
                  color=False, services=1, checked=[SERVERLESS, HANDLER, CLEAN])
    values.update(changes)
    stream = io.StringIO()
    render(format, diagnostics() if diags is None else diags, ReportContext(**values), stream)
    return stream.getvalue()


def moved(d: Diagnostic, lines: int) -> Diagnostic:
    return Diagnostic(d.code, d.name, d.severity, d.message, d.path, d.line + lines, d.column,
                      d.end_line + lines, d.end_column, d.function)


# GitLab Code Quality

def test_gitlab_issues_have_the_code_quality_shape():
    issues = json.loads(output("gitlab"))
    assert isinstance(issues, list) and len(issues) == 4
    for issue in issues:
        assert {"description", "check_name", "fingerprint", "severity", "location"} <= set(issue)
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert isinstance(issue["location"]["path"], str)
        assert isinstance(issue["location"]["lines"]["begin"], int)
    runtime = next(issue for issue in issues if issue["check_name"] == "RUNTIME001")
    assert runtime["location"] == {"path": "serverless.yml", "lines": {"begin": 4, "end": 4}}
    assert runtime["description"] == "RUNTIME001 [deprecated-runtime] nodejs16.x is deprecated."
    severities = {issue["check_name"]: issue["severity"] for issue in issues}
    assert severities == {"RUNTIME001": "major", "CLIENT001": "minor", "CONFIG004": "info"}


def test_gitlab_fingerprints_are_unique_and_survive_moved_lines():
    fingerprints = [issue["fingerprint"] for issue in json.loads(output("gitlab"))]
    assert len(set(fingerprints)) == len(fingerprints)  # the two CLIENT001 on one line included
    shifted = {path: ["// new", "", *lines] if path == HANDLER else ["# new", "", *lines]
               for path, lines in SOURCES.items()}
    again = json.loads(output("gitlab", [moved(d, 2) for d in diagnostics()], sources=shifted))
    assert sorted(issue["fingerprint"] for issue in again) == sorted(fingerprints)
    edited = {**SOURCES, SERVERLESS: [*SOURCES[SERVERLESS][:3], "  runtime: nodejs14.x"]}
    changed = {issue["check_name"]: issue["fingerprint"]
               for issue in json.loads(output("gitlab", sources=edited))}
    assert changed["RUNTIME001"] not in fingerprints


def test_gitlab_empty_report_is_an_empty_array():
    assert json.loads(output("gitlab", [])) == []


# JUnit

def test_junit_has_a_suite_per_file_and_a_case_per_rule():
    root = ET.fromstring(output("junit"))
    assert root.tag == "testsuites" and root.get("name") == "lintkit"
    suites = {suite.get("name"): suite for suite in root.findall("testsuite")}
    assert list(suites) == ["serverless.yml", "src/api.ts", "src/util.ts"]
    cases = {(suite, case.get("name")): case for suite in suites for case in suites[suite].findall("testcase")}
    assert sorted(cases) == [
        ("serverless.yml", "CONFIG004 [missing-log-retention]"),
        ("serverless.yml", "RUNTIME001 [deprecated-runtime]"),
        ("src/api.ts", "CLIENT001 [client-per-invocation]"),
        ("src/util.ts", "no problems found"),
    ]
    for (path, _), case in cases.items():
        assert case.get("classname") == path
    client = cases[("src/api.ts", "CLIENT001 [client-per-invocation]")].find("failure")
    assert client.get("type") == "warning"
    assert client.get("message") == "src/api.ts:2:13: PrismaClient per invocation. (and 1 more)"
    assert client.text.strip().splitlines() == [
        "src/api.ts:2:13: warning CLIENT001 [client-per-invocation] PrismaClient per invocation.",
        "src/api.ts:2:46: warning CLIENT001 [client-per-invocation] PrismaClient per invocation.",
    ]
    assert cases[("src/util.ts", "no problems found")].find("failure") is None
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("4", "3", "0")
    assert (suites["serverless.yml"].get("tests"), suites["serverless.yml"].get("failures")) == ("2", "2")
    assert (suites["src/util.ts"].get("tests"), suites["src/util.ts"].get("failures")) == ("1", "0")


def test_junit_without_findings_or_files_is_still_a_passing_report():
    root = ET.fromstring(output("junit", [], checked=[]))
    (suite,) = root.findall("testsuite")
    (case,) = suite.findall("testcase")
    assert root.get("tests") == "1" and root.get("failures") == "0" and case.find("failure") is None


def test_junit_escapes_markup_control_characters_and_non_ascii():
    message = 'Use <Role> & "quotes" \x00\x1b naïve → ok'
    d = Diagnostic("CFN002", "lambda-missing-role", "error", message, SERVERLESS, 1, 1, 1, 2)
    text = output("junit", [d])
    assert text.isascii() and text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    failure = ET.fromstring(text).find(".//failure")
    assert 'Use <Role> & "quotes" ?? naïve → ok' in failure.get("message")


# A small schema of the JUnit dialect CI systems accept (the shape of Jenkins' junit-10.xsd): test
# cases carry only name, classname, time and group; suites need name, tests, failures and errors.
JUNIT_XSD = """\
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:complexType name="outcome" mixed="true">
    <xs:attribute name="type" type="xs:string"/>
    <xs:attribute name="message" type="xs:string"/>
  </xs:complexType>
  <xs:element name="testcase">
    <xs:complexType>
      <xs:choice minOccurs="0" maxOccurs="unbounded">
        <xs:element name="failure" type="outcome"/>
        <xs:element name="error" type="outcome"/>
        <xs:element name="skipped" type="outcome"/>
        <xs:element name="system-out" type="xs:string"/>
        <xs:element name="system-err" type="xs:string"/>
      </xs:choice>
      <xs:attribute name="name" type="xs:string" use="required"/>
      <xs:attribute name="classname" type="xs:string"/>
      <xs:attribute name="time" type="xs:decimal"/>
      <xs:attribute name="group" type="xs:string"/>
    </xs:complexType>
  </xs:element>
  <xs:element name="testsuite">
    <xs:complexType>
      <xs:choice minOccurs="0" maxOccurs="unbounded">
        <xs:element ref="testcase"/>
        <xs:element name="system-out" type="xs:string"/>
        <xs:element name="system-err" type="xs:string"/>
      </xs:choice>
      <xs:attribute name="name" type="xs:string" use="required"/>
      <xs:attribute name="tests" type="xs:nonNegativeInteger" use="required"/>
      <xs:attribute name="failures" type="xs:nonNegativeInteger" use="required"/>
      <xs:attribute name="errors" type="xs:nonNegativeInteger" use="required"/>
      <xs:attribute name="skipped" type="xs:nonNegativeInteger"/>
      <xs:attribute name="time" type="xs:decimal"/>
      <xs:attribute name="file" type="xs:string"/>
    </xs:complexType>
  </xs:element>
  <xs:element name="testsuites">
    <xs:complexType>
      <xs:sequence>
        <xs:element ref="testsuite" minOccurs="0" maxOccurs="unbounded"/>
      </xs:sequence>
      <xs:attribute name="name" type="xs:string"/>
      <xs:attribute name="tests" type="xs:nonNegativeInteger"/>
      <xs:attribute name="failures" type="xs:nonNegativeInteger"/>
      <xs:attribute name="errors" type="xs:nonNegativeInteger"/>
      <xs:attribute name="time" type="xs:decimal"/>
    </xs:complexType>
  </xs:element>
</xs:schema>
"""


@pytest.mark.skipif(shutil.which("xmllint") is None, reason="xmllint (libxml2-utils) is not installed")
def test_junit_from_the_cli_validates_with_xmllint(tmp_path, run_lintkit):
    make_service(tmp_path / "svc")
    code, out, err = run_lintkit("check", ".", "--format", "junit", "--as-of", "2026-11-27", cwd=tmp_path)
    assert code == 1, err
    (tmp_path / "report.xml").write_text(out)
    (tmp_path / "junit.xsd").write_text(JUNIT_XSD)
    done = subprocess.run(["xmllint", "--noout", "--schema", str(tmp_path / "junit.xsd"),
                           str(tmp_path / "report.xml")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    names = [case.get("name") for case in ET.fromstring(out).iter("testcase")]
    assert "RUNTIME001 [deprecated-runtime]" in names and "no problems found" in names


# --output and --statistics

def test_output_writes_the_report_and_prints_a_summary(tmp_path, run_lintkit):
    make_service(tmp_path)
    code, out, err = run_lintkit("check", ".", "--format", "sarif", "--output", "reports/lintkit.sarif",
                                 "--as-of", "2026-11-27", cwd=tmp_path)
    assert code == 1, err
    assert out == "lintkit: 1 error; report written to reports/lintkit.sarif\n"
    sarif = json.loads((tmp_path / "reports" / "lintkit.sarif").read_text())
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["RUNTIME001"]
    assert not list((tmp_path / "reports").glob(".*.tmp"))


def test_output_of_a_clean_run_and_of_text_has_no_colour(tmp_path, run_lintkit, monkeypatch):
    make_service(tmp_path, SERVICE.replace("nodejs18.x", "nodejs24.x"))
    code, out, _ = run_lintkit("check", ".", "-o", "gl.json", "--format", "gitlab", "--as-of", "2026-11-27",
                               cwd=tmp_path)
    assert (code, out) == (0, "lintkit: no problems; report written to gl.json\n")
    assert json.loads((tmp_path / "gl.json").read_text()) == []
    make_service(tmp_path)
    monkeypatch.setenv("FORCE_COLOR", "1")
    code, out, _ = run_lintkit("check", ".", "-o", "report.txt", "--as-of", "2026-11-27", cwd=tmp_path)
    text = (tmp_path / "report.txt").read_text()
    assert code == 1 and "RUNTIME001" in text and "\x1b" not in text
    assert out.startswith("lintkit: 1 error;")


def test_output_dash_is_stdout_and_unwritable_output_is_a_usage_error(tmp_path, run_lintkit):
    make_service(tmp_path)
    code, out, _ = run_lintkit("check", ".", "-o", "-", "--format", "concise", "--as-of", "2026-11-27",
                               cwd=tmp_path)
    assert code == 1 and out.startswith("serverless.yml:11:14: RUNTIME001")
    (tmp_path / "blocker").write_text("a file, not a folder")
    code, out, err = run_lintkit("check", ".", "-o", "blocker/report.json", "--format", "json",
                                 "--as-of", "2026-11-27", cwd=tmp_path)
    assert code == 2 and out == "" and "cannot write blocker/report.json" in err


def test_statistics_counts_per_rule(tmp_path, run_lintkit):
    config = SERVICE + "  jobs:\n    handler: src/api.handler\n    runtime: nodejs16.x\n"
    make_service(tmp_path, config)
    code, out, _ = run_lintkit("check", ".", "--statistics", "--select", "RUNTIME001",
                               "--as-of", "2026-11-27", cwd=tmp_path)
    assert (code, out) == (1, "2  RUNTIME001  deprecated-runtime\n")
    code, out, _ = run_lintkit("check", ".", "--statistics", "--format", "json", "--select", "RUNTIME001",
                               "--as-of", "2026-11-27", cwd=tmp_path)
    assert code == 1
    assert json.loads(out) == [{"code": "RUNTIME001", "name": "deprecated-runtime", "count": 2}]


def test_statistics_order_and_empty_run():
    from lintkit.reporters.statistics import render as statistics

    stream = io.StringIO()
    statistics("concise", diagnostics(), stream)
    assert stream.getvalue() == (
        "2  CLIENT001   client-per-invocation\n"
        "1  CONFIG004   missing-log-retention\n"
        "1  RUNTIME001  deprecated-runtime\n"
    )
    for format, expected in (("text", "No problems found.\n"), ("concise", ""), ("json", "[]\n")):
        stream = io.StringIO()
        statistics(format, [], stream)
        assert stream.getvalue() == expected


def test_statistics_with_a_machine_format_is_a_usage_error(tmp_path, run_lintkit):
    make_service(tmp_path)
    code, out, err = run_lintkit("check", ".", "--statistics", "--format", "sarif", cwd=tmp_path)
    assert code == 2 and out == "" and "--statistics" in err


# Progress

def _many_services(root: Path, count: int = 7) -> Path:
    (root / ".git").mkdir(parents=True)
    for index in range(count):
        make_service(root / f"svc{index}", SERVICE.replace("nodejs18.x", "nodejs24.x"))
    return root


def test_progress_never_appears_on_stderr_that_is_not_a_terminal(tmp_path):
    _many_services(tmp_path)
    for format in ("text", "concise", "json"):
        done = subprocess.run([sys.executable, "-m", "lintkit", "check", ".", "--format", format,
                               "--as-of", "2026-11-27"], cwd=tmp_path, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert done.stderr == ""


def test_machine_formats_never_import_rich(tmp_path):
    make_service(tmp_path)
    script = (
        "import contextlib, io, sys\n"
        "from lintkit.cli import main\n"
        "runs = [['--format', f] for f in ('json', 'sarif', 'github', 'gitlab', 'junit')]\n"
        "runs += [['--statistics', '--format', 'json'], ['--format', 'sarif', '-o', 'out.sarif'],\n"
        "         ['--write-baseline', 'b.json'], ['--format', 'gitlab', '--baseline', 'b.json']]\n"
        "codes = []\n"
        "for args in runs:\n"
        "    with contextlib.redirect_stdout(io.StringIO()):\n"
        "        codes.append(main(['check', '.', '--as-of', '2026-11-27', *args]))\n"
        "print(codes, 'rich' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True)
    assert done.stdout.strip() == "[1, 1, 1, 1, 1, 1, 1, 0, 0] False", done.stderr


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_progress_shows_on_a_terminal_and_machine_formats_never_import_rich(tmp_path):
    _many_services(tmp_path)
    script = (
        "import sys\n"
        "from lintkit.cli import main\n"
        "fmt = sys.argv[1]\n"
        "main(['check', '.', '--format', fmt, '--as-of', '2026-11-27'])\n"
        "print('rich' in sys.modules, file=sys.stdout)\n"
    )
    results = {}
    for format in ("text", "json", "sarif", "github", "gitlab", "junit"):
        primary, secondary = os.openpty()
        process = subprocess.Popen([sys.executable, "-c", script, format], cwd=tmp_path,
                                   stdout=subprocess.PIPE, stderr=secondary, env={**os.environ, "TERM": "xterm"})
        os.close(secondary)
        stdout = process.stdout.read().decode()
        process.wait()
        terminal = b""
        while True:
            try:
                chunk = os.read(primary, 65536)
            except OSError:
                break
            if not chunk:
                break
            terminal += chunk
        os.close(primary)
        results[format] = (stdout.splitlines()[-1], b"Linting" in terminal)
    assert results.pop("text") == ("True", True)
    assert set(results.values()) == {("False", False)}, results

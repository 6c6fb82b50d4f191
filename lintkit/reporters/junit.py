"""JUnit XML for CI test reports (GitLab `artifacts: reports: junit`, Jenkins, Azure DevOps...).

    <testsuites name="lintkit" tests="3" failures="2" errors="0" time="0">
      <testsuite name="serverless.yml" file="serverless.yml" tests="2" failures="2" ...>
        <testcase name="RUNTIME001 [deprecated-runtime]" classname="serverless.yml" time="0">
          <failure type="error" message="serverless.yml:5:12: nodejs20.x was deprecated ...">
    serverless.yml:5:12: error RUNTIME001 [deprecated-runtime] nodejs20.x was deprecated ...
          </failure>
        </testcase>
        ...
      </testsuite>
      <testsuite name="src/api.ts" ...>
        <testcase name="no problems found" classname="src/api.ts" time="0"/>
      </testsuite>
    </testsuites>

One test suite per file; in it one test case per rule that reported in that file, failing, with every
finding in the failure's text; a file checked without findings has one passing test case, so fixing
a file turns its tests green instead of removing them. Every finding is a failure whatever its
severity (`type` says which): the exit code, not the test report, applies --fail-on. The document
keeps to the Jenkins xUnit `junit-10.xsd` dialect (no attributes outside it on test cases) and is
ASCII, with other characters as character references.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import groupby
from typing import TextIO

from ..model.diagnostics import SEVERITY_RANK, Diagnostic
from . import ReportContext, one_line, sorted_diagnostics
from ..model.lazyre import lazy_compile

CLEAN_NAME = "no problems found"
# Characters XML 1.0 cannot carry at all, even as references.
_NOT_XML = lazy_compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("?", text)


def render(diagnostics: list[Diagnostic], report: ReportContext, stream: TextIO) -> None:
    by_file: dict[str, list[Diagnostic]] = {}
    for path, d in sorted_diagnostics(diagnostics, report.cwd, report.redact):
        by_file.setdefault(path, []).append(d)
    paths = sorted(set(by_file) | {report.shown_path(path) for path in report.checked})

    root = ET.Element("testsuites", name="lintkit")
    tests = failures = 0
    for path in paths:
        suite = ET.SubElement(root, "testsuite", name=xml_text(path))
        cases = _cases(suite, path, by_file.get(path, []))
        suite.attrib.update(tests=str(cases[0]), failures=str(cases[1]), errors="0", skipped="0",
                            time="0", file=xml_text(path))
        tests, failures = tests + cases[0], failures + cases[1]
    if not paths:  # nothing checked: still a valid report with one passing test
        suite = ET.SubElement(root, "testsuite", name="lintkit", tests="1", failures="0", errors="0",
                              skipped="0", time="0")
        ET.SubElement(suite, "testcase", name=CLEAN_NAME, classname="lintkit", time="0")
        tests = 1
    root.attrib.update(tests=str(tests), failures=str(failures), errors="0", time="0")

    ET.indent(root)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(root, encoding="us-ascii", xml_declaration=False).decode("ascii"))
    stream.write("\n")


def _cases(suite: ET.Element, path: str, group: list[Diagnostic]) -> tuple[int, int]:
    """Adds the test cases of one file; returns (tests, failures)."""
    if not group:
        ET.SubElement(suite, "testcase", name=CLEAN_NAME, classname=xml_text(path), time="0")
        return 1, 0
    group = sorted(group, key=lambda d: (d.code, d.line, d.column))
    count = 0
    for code, findings in groupby(group, key=lambda d: d.code):
        findings = list(findings)
        first = findings[0]
        case = ET.SubElement(suite, "testcase", name=xml_text(f"{code} [{first.name}]"),
                             classname=xml_text(path), time="0")
        worst = max(findings, key=lambda d: SEVERITY_RANK.get(d.severity, 0)).severity
        message = f"{path}:{first.line}:{first.column}: {one_line(first.message)}"
        if len(findings) > 1:
            message += f" (and {len(findings) - 1} more)"
        failure = ET.SubElement(case, "failure", type=worst, message=xml_text(message))
        failure.text = "\n" + "".join(
            xml_text(f"{path}:{d.line}:{d.column}: {d.severity} {d.code} [{d.name}] {one_line(d.message)}\n")
            for d in findings
        )
        count += 1
    return count, count

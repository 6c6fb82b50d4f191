"""GitLab Code Quality (a subset of the Code Climate issue format): a JSON array of issues for an
`artifacts: reports: codequality` file.

    [{"type": "issue", "check_name": "RUNTIME001", "description": "RUNTIME001 [deprecated-runtime] ...",
      "categories": ["Bug Risk"], "severity": "major", "fingerprint": "<sha256>",
      "location": {"path": "serverless.yml", "lines": {"begin": 5, "end": 5}}}]

Severities: error -> major, warning -> minor, info -> info (the mapping ESLint's and other linters'
GitLab formatters use; critical and blocker are left to tools that rank by exploitability). The
fingerprint is unique per finding and survives lines moving: the SHA-256 of the SARIF fingerprint and
its occurrence number (`lintkit.fingerprint`).
"""
from __future__ import annotations

import hashlib
import json
from typing import TextIO

from ..fingerprint import numbered
from ..model.diagnostics import Diagnostic
from . import ReportContext, one_line, sorted_diagnostics

SEVERITIES = {"error": "major", "warning": "minor", "info": "info"}


def render(diagnostics: list[Diagnostic], report: ReportContext, stream: TextIO) -> None:
    pairs = sorted_diagnostics(diagnostics, report.cwd, report.redact)
    fingerprints = numbered(pairs, report.read_source, report.redact)
    issues = []
    for (path, d), (fingerprint, occurrence) in zip(pairs, fingerprints):
        issues.append({
            "type": "issue",
            "check_name": d.code,
            "description": f"{d.code} [{d.name}] {one_line(d.message)}",
            "categories": ["Security"] if d.code.startswith("SECRET") else ["Bug Risk"],
            "severity": SEVERITIES.get(d.severity, "info"),
            "fingerprint": hashlib.sha256(f"{fingerprint}:{occurrence}".encode()).hexdigest(),
            "location": {"path": path, "lines": {"begin": d.line, "end": max(d.end_line, d.line)}},
        })
    json.dump(issues, stream, indent=2)
    stream.write("\n")

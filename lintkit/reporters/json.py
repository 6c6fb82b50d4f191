"""A stable JSON document: {"version": 1, "tool", "diagnostics", "summary"}."""
from __future__ import annotations

import json
from typing import TextIO

from ..model.diagnostics import Diagnostic
from . import ReportContext, counts, sorted_diagnostics


def render(diagnostics: list[Diagnostic], report: ReportContext, stream: TextIO) -> None:
    total = counts(diagnostics)
    document = {
        "version": 1,
        "tool": {"name": "lintkit", "version": report.tool_version},
        "diagnostics": [
            {
                "code": d.code,
                "name": d.name,
                "severity": d.severity,
                "message": d.message,
                "path": path,
                "line": d.line,
                "column": d.column,
                "end_line": d.end_line,
                "end_column": d.end_column,
                "function": d.function,
            }
            for path, d in sorted_diagnostics(diagnostics, report.cwd, report.redact)
        ],
        "summary": {
            "files": report.files_checked,
            "errors": total["error"],
            "warnings": total["warning"],
            "infos": total["info"],
        },
    }
    json.dump(document, stream, indent=2)
    stream.write("\n")

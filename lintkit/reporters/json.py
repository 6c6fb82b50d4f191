"""A stable JSON document: {"version": 1, "tool", "diagnostics", "summary"}; a diagnostic with a
fix carries `fix`: {title, applicability, edits: [{range, replacement}]}."""
from __future__ import annotations

import json
from typing import TextIO

from ..model.diagnostics import Diagnostic
from . import ReportContext, counts, fix_document, sorted_diagnostics


def render(diagnostics: list[Diagnostic], report: ReportContext, stream: TextIO) -> None:
    total = counts(diagnostics)
    document = {
        "version": 1,
        "tool": {"name": "lintkit", "version": report.tool_version},
        "diagnostics": [
            _with_fix({
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
            }, d, report)
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


def _with_fix(entry: dict, d: Diagnostic, report: ReportContext) -> dict:
    """A finding with a fix carries it under `fix` (findings without one are written as before)."""
    if d.fix is not None:
        entry["fix"] = fix_document(d, report.redact)
    return entry

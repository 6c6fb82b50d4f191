"""GitHub Actions workflow commands: `::error file=...,line=...::message` annotations."""
from __future__ import annotations

from typing import TextIO

from ..model.diagnostics import Diagnostic
from . import ReportContext, sorted_diagnostics

_LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(diagnostics: list[Diagnostic], report: ReportContext, stream: TextIO) -> None:
    for path, d in sorted_diagnostics(diagnostics, report.cwd, report.redact):
        properties = {
            "file": path,
            "line": d.line,
            "col": d.column,
            "endLine": d.end_line,
            "endColumn": d.end_column,
            "title": f"{d.code} [{d.name}]",
        }
        joined = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
        stream.write(f"::{_LEVELS.get(d.severity, 'notice')} {joined}::{escape_data(d.message)}\n")

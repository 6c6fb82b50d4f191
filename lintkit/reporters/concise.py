"""`path:line:col: CODE [name] message`, one diagnostic per line and nothing else (fixtures' format)."""
from __future__ import annotations

from typing import TextIO

from ..model.diagnostics import Diagnostic
from . import ReportContext, one_line, sanitize, sorted_diagnostics


def render(diagnostics: list[Diagnostic], report: ReportContext, stream: TextIO) -> None:
    for path, d in sorted_diagnostics(diagnostics, report.cwd, report.redact):
        # a file name may hold a line break: one finding stays one line
        stream.write(f"{sanitize(path)}:{d.line}:{d.column}: {d.code} [{d.name}] {one_line(d.message)}\n")

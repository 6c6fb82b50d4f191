"""`path:line:col: CODE [name] message`, one diagnostic per line and nothing else (fixtures' format);
`[*]` before the message marks a finding `--fix` fixes."""
from __future__ import annotations

from typing import TextIO

from ..model.diagnostics import Diagnostic
from . import FIXABLE_MARK, ReportContext, one_line, sanitize, sorted_diagnostics


def render(diagnostics: list[Diagnostic], report: ReportContext, stream: TextIO) -> None:
    for path, d in sorted_diagnostics(diagnostics, report.cwd, report.redact):
        # a file name may hold a line break: one finding stays one line
        mark = FIXABLE_MARK if report.fixable(d) else ""
        stream.write(f"{sanitize(path)}:{d.line}:{d.column}: {d.code} [{d.name}] {mark}{one_line(d.message)}\n")

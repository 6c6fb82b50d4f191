"""The default terminal output: findings grouped by file, each with a code frame, then a summary.

    serverless.yml
    error SECRET001 [plaintext-database-password]: The URL holds a plaintext password: use ${ssm:...}.
      --> serverless.yml:15:19 (function users)
       |
    15 |     DATABASE_URL: postgresql://admin:****@db.example.com/app
       |                   ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

Plain text when the stream is not a terminal or NO_COLOR is set; FORCE_COLOR (or color=True) forces
colour. Only ASCII is drawn, so any terminal encoding can show it.
"""
from __future__ import annotations

import os
from itertools import groupby
from typing import TextIO

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from ..diagnostics import Diagnostic
from . import ReportContext, counts, display_path, one_line, sanitize, sorted_diagnostics

TAB_SIZE = 4
MAX_FRAME_WIDTH = 160  # longer lines (minified bundles) are cut around the span
FRAME_CONTEXT = 40
STYLES = {"error": "bold red", "warning": "bold yellow", "info": "bold cyan"}
GUTTER = "bold blue"


def render(diagnostics: list[Diagnostic], report: ReportContext, stream: TextIO) -> None:
    color = use_color(report.color, stream)
    console = Console(
        file=stream,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=True,
    )
    pairs = sorted_diagnostics(diagnostics, report.cwd)
    for path, group in groupby(pairs, key=lambda pair: pair[0]):
        group = [d for _, d in group]
        console.print(Text(sanitize(path), style="bold underline"))
        lines = report.read_source(group[0].path)
        width = len(str(max(d.line for d in group)))
        for d in group:
            _finding(console, d, path, lines, width, report)
    console.print(_summary(diagnostics, {path for path, _ in pairs}, report))


def use_color(color: bool | None, stream: TextIO) -> bool:
    if color is not None:
        return color
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR", "").lower() not in ("", "0", "false", "no"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _finding(console: Console, d: Diagnostic, path: str, lines, width: int, report) -> None:
    style = STYLES.get(d.severity, "bold")
    console.print(Text.assemble(
        (d.severity, style), (f" {d.code}", "bold"), (f" [{d.name}]", "dim"), f": {one_line(d.message)}"
    ))
    where = Text.assemble((" " * width + " --> ", GUTTER), sanitize(f"{path}:{d.line}:{d.column}"))
    if d.function:
        where.append(f" (function {sanitize(d.function)})", style="dim")
    console.print(where)

    frame = code_frame(d, lines, report.redact)
    if frame is not None:
        source, start, end = frame
        blank = " " * width + " |"
        console.print(Text(blank, style=GUTTER))
        console.print(Text.assemble((f"{d.line:>{width}} | ", GUTTER), source))
        console.print(Text.assemble((blank, GUTTER), " " * (start + 1), ("^" + "~" * (end - start - 1), style)))
    for span in d.related:
        related = f"related: {display_path(span.path, report.cwd)}:{span.line}:{span.column}"
        console.print(Text.assemble((" " * width + " = ", GUTTER), sanitize(related)))
    console.print()


def code_frame(d: Diagnostic, lines: list[str] | None, redact) -> tuple[str, int, int] | None:
    """(redacted source line with tabs expanded, underline start, underline end) in terminal cells;
    for a span over several lines the underline runs to the end of its first line."""
    if not lines or not 0 < d.line <= len(lines):
        return None
    original = lines[d.line - 1].rstrip("\r\n")
    start = min(max(d.column - 1, 0), len(original))
    end = d.end_column - 1 if d.end_line == d.line else len(original)
    end = min(max(end, start), len(original))

    shown = redact(original)
    if shown != original:
        # Masks are shorter than what they hide: move the span with them. The prefix up to a span
        # edge redacts like the whole line unless the edge cuts through a secret.
        start = min(len(redact(original[:start])), len(shown))
        end = min(max(len(redact(original[:end])), start), len(shown))

    shown = sanitize(shown)
    text = shown.expandtabs(TAB_SIZE)
    start, end = len(shown[:start].expandtabs(TAB_SIZE)), len(shown[:end].expandtabs(TAB_SIZE))
    if len(text) > MAX_FRAME_WIDTH:
        left = max(0, min(start - FRAME_CONTEXT, len(text) - MAX_FRAME_WIDTH))
        right = left + MAX_FRAME_WIDTH
        shift = (3 if left else 0) - left
        text = ("..." if left else "") + text[left:right] + ("..." if right < len(text) else "")
        start, end = start + shift, min(end + shift, len(text))
    start_cell = cell_len(text[:start])
    return text, start_cell, max(cell_len(text[:end]), start_cell + 1)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _summary(diagnostics: list[Diagnostic], paths: set[str], report: ReportContext) -> Text:
    checked = _plural(report.files_checked, "file") + " checked"
    if report.services:
        checked += f" in {_plural(report.services, 'service')}"
    total = counts(diagnostics)
    baselined = f"{report.baselined} in the baseline" if report.baselined else ""
    if not diagnostics:
        if baselined:
            return Text(f"No new problems found ({baselined}); {checked}.", style="bold green")
        return Text(f"No problems found; {checked}.", style="bold green")
    parts = [_plural(total[s], s) for s in ("error", "warning", "info") if total[s]]
    worst = next(s for s in ("error", "warning", "info") if total[s])
    text = Text("Found ", style="bold")
    text.append(_plural(len(diagnostics), "new problem" if baselined else "problem"), style=STYLES[worst])
    text.append(f" ({', '.join(parts)}) in {_plural(len(paths), 'file')}", style="bold")
    if baselined:
        text.append(f", {baselined}", style="bold")
    text.append(f"; {checked}.", style="bold")
    return text

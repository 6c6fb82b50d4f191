"""The default terminal output: findings grouped by file, each with a code frame, then a summary.

    serverless.yml
    error SECRET001 [plaintext-database-password]: The URL holds a plaintext password: use ${ssm:...}.
      --> serverless.yml:15:19 (function users)
       |
    15 |     DATABASE_URL: postgresql://admin:****@db.example.com/app
       |                   ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

Plain text when the stream is not a terminal or NO_COLOR is set; FORCE_COLOR (or color=True) forces
colour. Only ASCII is drawn, so any terminal encoding can show it.

The report is built as lines of (text, style) pieces. With colour, Rich prints them; without, they are
written as Rich would write them uncoloured (tabs expanded to 8-cell stops), without importing Rich's
console: that is most of the time of a plain report on many findings.
"""
from __future__ import annotations

import os
from itertools import groupby
from typing import Iterable, Iterator, TextIO

from ..model.diagnostics import Diagnostic
from ..model.lazyre import lazy_compile
from ..redact import mask_ranges, source_line_ranges
from . import FIXABLE_MARK, ReportContext, counts, one_line, sanitize, sorted_diagnostics

TAB_SIZE = 4
HANGING_INDENT = 4  # continuation lines of a wrapped message
RICH_TAB_SIZE = 8  # Rich expands the tabs left in messages and paths to 8-cell stops
RICH_STRIPPED = dict.fromkeys((7, 8, 11, 12, 13))  # control codes Rich's Text leaves out
MAX_FRAME_WIDTH = 160  # longer lines (minified bundles) are cut around the span
FRAME_CONTEXT = 40
REDACT_MARGIN = 2_000  # characters redacted on either side of a long line's shown part
STYLES = {"error": "bold red", "warning": "bold yellow", "info": "bold cyan"}
GUTTER = "bold blue"

# What a secret cut by a long line's window may hold: everything but spaces, quotes and brackets.
_EDGE_TOKEN = lazy_compile(r"""[^\s'"`,;()\[\]{}]*""")

Piece = tuple[str, str]  # (text, Rich style; "" for none)
Line = list[Piece]


def render(diagnostics: list[Diagnostic], report: ReportContext, stream: TextIO) -> None:
    color = use_color(report.color, stream)
    lines = report_lines(diagnostics, report)
    if color:
        _print_rich(lines, stream)
    else:
        for line in lines:
            stream.write(plain_line(line))


def report_lines(diagnostics: list[Diagnostic], report: ReportContext) -> Iterator[Line]:
    """The report's lines, made as they are printed: a monorepo's report with code frames is never
    held whole (at 10,000 services it took more memory than the lint)."""
    pairs = sorted_diagnostics(diagnostics, report.cwd, report.redact)
    # By file, not by shown path: two files can look the same once their names are redacted.
    for (path, _), group in groupby(pairs, key=lambda pair: (pair[0], pair[1].path)):
        group = [d for _, d in group]
        yield [(sanitize(path), "bold underline")]
        lines = report.read_source(group[0].path)
        width = len(str(max(d.line for d in group)))
        for _, on_line in groupby(group, key=lambda d: d.line):
            yield from _findings_on_a_line(list(on_line), path, lines, width, report)
    if not report.quiet:
        yield _summary(diagnostics, {d.path for _, d in pairs}, report)
        yield from _fixable_summary(diagnostics, report)


def _fixable_summary(diagnostics: list[Diagnostic], report: ReportContext) -> list[Line]:
    """`[*] 2 fixable with `--fix`` (and how many more `--unsafe-fixes` would fix); nothing when
    no finding has a fix."""
    fixable = sum(1 for d in diagnostics if report.fixable(d))
    hidden = 0 if report.unsafe_fixes else sum(
        1 for d in diagnostics if d.fix is not None and d.fix.applicability == "unsafe")
    if not (fixable or hidden):
        return []
    if not fixable:  # only unsafe fixes, not asked for
        return [[(f"No fixes with `--fix` ({hidden} with `--fix --unsafe-fixes`).", "bold")]]
    flag = "`--fix --unsafe-fixes`" if report.unsafe_fixes else "`--fix`"
    line = f"[*] {fixable} fixable with {flag}"
    if hidden:
        line += f" ({hidden} more with `--fix --unsafe-fixes`)"
    return [[(line + ".", "bold")]]


def _print_rich(lines: Iterable[Line], stream: TextIO) -> None:
    from rich.console import Console
    from rich.text import Text

    console = Console(
        file=stream,
        force_terminal=True,
        no_color=False,
        color_system="standard",
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=True,
    )
    for line in lines:
        console.print(Text.assemble(*line))


def plain_line(line: Line) -> str:
    """A line as Rich prints it without colour: the control codes Rich drops dropped, never cut, tabs
    expanded (line by line, should a piece hold a line break)."""
    text = "".join(piece for piece, _ in line)
    if not text.isprintable():
        text = text.translate(RICH_STRIPPED)
        if "\t" in text:
            text = "\n".join(_expand_tabs(part) for part in text.split("\n"))
    return text + "\n"


def _expand_tabs(text: str) -> str:
    """Rich's `Text.expand_tabs`: each tab becomes a space, then spaces up to the next 8-cell stop."""
    *chunks, last = text.split("\t")
    parts, cells = [], 0
    for chunk in chunks:
        chunk += " "
        cells += cell_len(chunk)
        pad = -cells % RICH_TAB_SIZE
        parts.append(chunk + " " * pad)
        cells += pad
    parts.append(last)
    return "".join(parts)


def cell_len(text: str) -> int:
    """Terminal cells of `text` (Rich's measure; printable ASCII is one cell a character)."""
    if text.isascii() and text.isprintable():
        return len(text)
    from rich.cells import cell_len as rich_cell_len

    return rich_cell_len(text)


def use_color(color: bool | None, stream: TextIO) -> bool:
    if color is not None:
        return color
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    if os.environ.get("FORCE_COLOR", "").lower() not in ("", "0", "false", "no"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _findings_on_a_line(group: list[Diagnostic], path: str, lines, width: int, report) -> list[Line]:
    """The findings on one source line: each one's message and place, then one code frame with an
    underline per finding (several findings on a line share the frame)."""
    out: list[Line] = []
    for d in group:
        out.extend(_heading(d, path, width, report))
    frames = [(d, code_frame(d, lines, report.redact)) for d in group]
    frames = [(d, frame) for d, frame in frames if frame is not None]
    if frames:
        blank = " " * width + " |"
        out.append([(blank, GUTTER)])
        out.append([(f"{group[0].line:>{width}} | ", GUTTER), (frames[0][1][0], "")])
        underlined = set()
        for d, (_, start, end) in sorted(frames, key=lambda pair: (pair[1][1], pair[1][2])):
            if (start, end) in underlined:
                continue  # two findings on the same span: one underline
            underlined.add((start, end))
            style = STYLES.get(d.severity, "bold")
            out.append([(blank, GUTTER), (" " * (start + 1), ""), ("^" + "~" * (end - start - 1), style)])
    out.append([])
    return out


def _heading(d: Diagnostic, path: str, width: int, report) -> list[Line]:
    style = STYLES.get(d.severity, "bold")
    prefix = f"{d.severity} {d.code} [{d.name}]: "
    message = (FIXABLE_MARK if report.fixable(d) else "") + one_line(d.message)
    if report.width and len(prefix) + len(message) > report.width:
        # At the terminal's width, wrapped at words with a hanging indent (code frames are not).
        import textwrap

        wrapped = textwrap.wrap(message, width=report.width, initial_indent=" " * len(prefix),
                                subsequent_indent=" " * HANGING_INDENT, break_on_hyphens=False,
                                break_long_words=False) or [" " * len(prefix)]
        message, rest = wrapped[0][len(prefix):], wrapped[1:]
    else:
        rest = []
    out: list[Line] = [[(d.severity, style), (f" {d.code}", "bold"), (f" [{d.name}]", "dim"),
                        (f": {message}", "")]]
    out.extend([(line, "")] for line in rest)
    where: Line = [(" " * width + " --> ", GUTTER), (sanitize(f"{path}:{d.line}:{d.column}"), "")]
    if d.function:
        where.append((f" (function {sanitize(d.function)})", "dim"))
    out.append(where)
    for span in d.related:
        related = f"related: {report.shown_path(span.path)}:{span.line}:{span.column}"
        out.append([(" " * width + " = ", GUTTER), (sanitize(related), "")])
    return out


def code_frame(d: Diagnostic, lines: list[str] | None, redact) -> tuple[str, int, int] | None:
    """(redacted source line with tabs expanded, underline start, underline end) in terminal cells;
    for a span over several lines the underline runs to the end of its first line."""
    if not lines or not 0 < d.line <= len(lines):
        return None
    original = lines[d.line - 1].rstrip("\r\n")
    ranges = source_line_ranges(redact, d.path, lines, d.line)
    start = min(max(d.column - 1, 0), len(original))
    end = d.end_column - 1 if d.end_line == d.line else len(original)
    end = min(max(end, start), len(original))
    cut_left = cut_right = False
    if len(original) > MAX_FRAME_WIDTH + 2 * REDACT_MARGIN:
        # A minified line can be megabytes long, with thousands of findings on it: redact only a
        # window around the span, not the whole line each time. A secret longer than the margin
        # may be cut by the window's edge, its key left outside: the tokens at the edges are masked.
        left = max(0, start - REDACT_MARGIN)
        right = min(len(original), start + MAX_FRAME_WIDTH + REDACT_MARGIN)
        cut_left, cut_right = left > 0, right < len(original)
        original, start, end = original[left:right], start - left, min(end, right) - left
        ranges = [(first - left, last - left) for first, last in ranges if last > left and first < right]
        if cut_left:
            ranges.append((0, _EDGE_TOKEN.match(original).end()))
        if cut_right:
            ranges.append((len(original) - _EDGE_TOKEN.match(original[::-1]).end(), len(original)))

    def masked(text: str) -> str:
        return redact(mask_ranges(text, ranges))

    shown = masked(original)
    if shown != original:
        # Masks are shorter than what they hide: move the span with them. The prefix up to a span
        # edge redacts like the whole line unless the edge cuts through a secret.
        start = min(len(masked(original[:start])), len(shown))
        end = min(max(len(masked(original[:end])), start), len(shown))

    shown = sanitize(shown)
    text = shown.expandtabs(TAB_SIZE)
    start, end = len(shown[:start].expandtabs(TAB_SIZE)), len(shown[:end].expandtabs(TAB_SIZE))
    if len(text) > MAX_FRAME_WIDTH or cut_left or cut_right:
        left = max(0, min(start - FRAME_CONTEXT, len(text) - MAX_FRAME_WIDTH))
        right = left + MAX_FRAME_WIDTH
        dots = bool(left) or cut_left
        shift = (3 if dots else 0) - left
        text = ("..." if dots else "") + text[left:right] + \
            ("..." if right < len(text) or cut_right else "")
        start, end = start + shift, min(end + shift, len(text))
    start_cell = cell_len(text[:start])
    return text, start_cell, max(cell_len(text[:end]), start_cell + 1)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _summary(diagnostics: list[Diagnostic], paths: set, report: ReportContext) -> Line:
    checked = _plural(report.files_checked, "file") + " checked"
    if report.services:
        checked += f" in {_plural(report.services, 'service')}"
    total = counts(diagnostics)
    baselined = f"{report.baselined} in the baseline" if report.baselined else ""
    if not diagnostics:
        if baselined:
            return [(f"No new problems found ({baselined}); {checked}.", "bold green")]
        return [(f"No problems found; {checked}.", "bold green")]
    parts = [_plural(total[s], s) for s in ("error", "warning", "info") if total[s]]
    worst = next(s for s in ("error", "warning", "info") if total[s])
    line: Line = [("Found ", "bold")]
    line.append((_plural(len(diagnostics), "new problem" if baselined else "problem"), STYLES[worst]))
    line.append((f" ({', '.join(parts)}) in {_plural(len(paths), 'file')}", "bold"))
    if baselined:
        line.append((f", {baselined}", "bold"))
    line.append((f"; {checked}.", "bold"))
    return line

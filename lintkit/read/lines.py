"""What a line is, for every position lintkit reports, every code frame and every suppression.

A line ends at `\\n`, `\\r\\n` or a lone `\\r`: the LSP specification's definition, and what editors
and GitHub show. Form feed, vertical tab, U+001C–U+001E, NEL (U+0085), U+2028 and U+2029 are
ordinary characters within a line, although `str.splitlines()` splits at all of them, libyaml
counts NEL, U+2028 and U+2029 as breaks, and tree-sitter counts only `\\n`: positions from those
are converted here, so that a finding, its code frame and a suppression agree on the line.
"""
from __future__ import annotations

from bisect import bisect_right
from pathlib import Path

from ..model.lazyre import lazy_compile
from ..model.nodes import Span

LINE_BREAK = lazy_compile(r"\r\n|\r|\n")
_LINE_BREAK_BYTES = lazy_compile(rb"\r\n|\r|\n")
_BREAK_START = lazy_compile(r"[\r\n]")


def split_lines(text: str) -> list[str]:
    """The lines of a text without their breaks; like `str.splitlines()`, a final break does
    not start another line."""
    lines = text.split("\n") if "\r" not in text else LINE_BREAK.split(text)
    if lines[-1] == "":
        lines.pop()
    return lines


def line_end(text: str, start: int) -> int:
    """Where the line that contains `start` ends: the index of its break, or len(text)."""
    found = _BREAK_START.search(text, start)
    return found.start() if found else len(text)


def has_lone_cr(data: str | bytes) -> bool:
    """A `\\r` that is not part of `\\r\\n`: a line break that tree-sitter does not count."""
    cr, crlf = ("\r", "\r\n") if isinstance(data, str) else (b"\r", b"\r\n")
    return data.count(cr) != data.count(crlf)


class LineIndex:
    """Maps offsets into a text (characters of a str, bytes of bytes) to 1-based (line, column)
    and to `Span`s; the column counts in the same unit."""

    def __init__(self, text: str | bytes, path: Path | None = None):
        self.text = text
        self.path = path
        breaks = LINE_BREAK if isinstance(text, str) else _LINE_BREAK_BYTES
        self.starts = [0] + [match.end() for match in breaks.finditer(text)]

    def position(self, offset: int) -> tuple[int, int]:
        offset = max(0, min(offset, len(self.text)))
        line = bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1

    def offset(self, line: int, column: int) -> int:
        """The offset of a 1-based (line, column), the inverse of `position`: a column past the
        line's end stops at the line's end (before its break), a line past the text at its end."""
        if line > len(self.starts):
            return len(self.text)
        start = self.starts[line - 1]
        return min(start + column - 1, line_end(self.text, start))

    def span(self, start: int, end: int, path: Path | None = None) -> Span:
        line, column = self.position(start)
        end_line, end_column = self.position(max(start, end))
        return Span(path if path is not None else self.path, line, column, end_line, end_column)

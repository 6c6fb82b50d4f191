"""Spans of parts of a value: the password inside a URL, a word inside a string literal."""
from __future__ import annotations

from ..model.nodes import Scalar, Span


def scalar_sub_span(node: Scalar, start: int, end: int) -> Span:
    """The span of characters [start, end) of a scalar's string value.

    Exact for plain and quoted scalars on one line without escapes; otherwise the whole scalar,
    which still points at the right line.
    """
    span = node.span
    value = node.value if isinstance(node.value, str) else str(node.value)
    if span.line != span.end_line or node.style not in (None, "'", '"'):
        return span
    quote = 1 if node.style else 0
    if span.end_column - span.column != len(value) + 2 * quote:
        return span
    first = span.column + quote + start
    return Span(span.path, span.line, first, span.line, first + (end - start))

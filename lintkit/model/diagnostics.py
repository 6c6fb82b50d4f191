"""What rules yield (Finding) and what the engine reports (Diagnostic)."""
from __future__ import annotations

from pathlib import Path

from .fieldclasses import field, fieldclass
from .nodes import Node, Span

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"info": 1, "warning": 2, "error": 3}
# safe: keeps the intent and cannot break the deploy (`--fix`); unsafe: changes behaviour or policy
# (only with `--unsafe-fixes`); display: advice shown with the finding, never applied.
APPLICABILITIES = ("safe", "unsafe", "display")
LINE_END = 1 << 30  # a column past the end of any line: an Edit's way to say "at the line's end"


@fieldclass(slots=True)
class Edit:
    """Replace the text at `span` (1-based lines and columns in characters, end column exclusive; an
    empty span inserts; a column past the end of its line means the line's end) with `replacement`,
    whose `\n` line breaks are written as the file writes them. With `original`, the edit applies
    only where the file holds exactly that text at `span` (a span a rule could not pin down is never
    edited)."""

    span: Span
    replacement: str
    original: str | None = None

    @classmethod
    def new_line_after(cls, path, line: int, text: str, column: int) -> "Edit":
        """`text` on a line of its own after line `line` (after all it holds, a comment too),
        starting at `column`."""
        return cls(Span(path, line, LINE_END, line, LINE_END), "\n" + " " * (column - 1) + text)


@fieldclass(slots=True)
class Fix:
    """A rule's proposed change: a title that says what it does (`Set runtime to nodejs22.x`),
    the edits, and how freely the engine may apply it (APPLICABILITIES)."""

    title: str
    edits: list[Edit]
    applicability: str = "safe"

    @classmethod
    def replace(cls, span: Span, original: str, replacement: str, title: str,
                applicability: str = "safe") -> "Fix":
        """One edit that replaces `original`, written at `span`, with `replacement`."""
        return cls(title, [Edit(span, replacement, original)], applicability)

    def applies(self, unsafe: bool = False) -> bool:
        return self.applicability == "safe" or (unsafe and self.applicability == "unsafe")


@fieldclass(slots=True)
class Finding:
    """A rule's report: where, what, and optionally for which function.

    `code` is filled in by the engine from the rule module, except for findings produced by the
    loaders (PARSE*), which name their code themselves. `severity` overrides the rule's default
    when the catalogue lowers it for a case (e.g. CFN004 is info when the VPC is imported).
    `related` points at other places that explain the finding (the handler behind a YAML line).
    """

    span: Span
    message: str
    function: str | None = None
    severity: str | None = None
    code: str | None = None
    related: list[Span] = field(default_factory=list)
    secret: str | None = None  # the secret value at `span`: masked wherever it appears in output
    secret_span: Span | None = None  # where `secret` is written, when that is not `span`
    fix: Fix | None = None

    @classmethod
    def at(cls, where: Node | Span, message: str, **kwargs) -> "Finding":
        span = where if isinstance(where, Span) else where.span
        return cls(span, message, **kwargs)


@fieldclass(slots=True)
class Diagnostic:
    code: str
    name: str
    severity: str
    message: str
    path: Path
    line: int
    column: int
    end_line: int
    end_column: int
    function: str | None = None
    related: list[Span] = field(default_factory=list)
    # The lowest severity that fails the run for this finding: its service's `fail-on`.
    fail_on: str = "warning"
    fix: Fix | None = None

    @property
    def fails(self) -> bool:
        return self.fail_on != "never" and SEVERITY_RANK[self.severity] >= SEVERITY_RANK[self.fail_on]

    @property
    def sort_key(self):
        return (str(self.path), self.line, self.column, self.code)

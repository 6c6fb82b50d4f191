"""Inline suppression comments.

    DATABASE_URL: postgres://u:p@localhost/db   # lintkit: ignore[SECRET001] local docker database
    // lintkit: ignore[client-per-invocation] one-shot migration handler
    # lintkit: ignore-file[CONFIG004]

A comment that trails code applies to its own line; a comment alone on its line applies to itself and
to the next line that is neither blank nor only a comment. `ignore-file[...]` applies to the whole
file, wherever it is. Selectors are rule codes (SECRET001), code prefixes (SECRET) or rule names
(plaintext-database-password).

A `lintkit: ignore` without codes (or with empty brackets) suppresses nothing: silencing every rule
on a line hides the next, unrelated problem too (ruff and zizmor make the same choice). It is
reported as unused (SUPPRESS001) with a message that says how to write it.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Mapping

from .model.diagnostics import Diagnostic, Edit, Finding, Fix
from .model.fieldclasses import field, fieldclass
from .model.lazyre import lazy_compile
from .model.nodes import Span

SUPPRESS_CODE = "SUPPRESS001"
SUPPRESS_NAME = "unused-suppression"
UNKNOWN_CODE = "SUPPRESS002"

_SELECTOR = lazy_compile(r"(?P<letters>[A-Z]+)(?P<digits>[0-9]*)")
_RULE_CODE = lazy_compile(r"(?P<letters>[A-Z]+)(?P<digits>[0-9]+)")
_DIRECTIVE = lazy_compile(
    r"lintkit:\s*(?P<kind>ignore(?:-file)?)(?![\w-])(?:\s*\[(?P<selectors>[^\]]*)\])?(?P<reason>.*)",
    re.I,
)
_QUOTES = "\"'`"
# A quote opens a string only after one of these (so the apostrophe in `it's` does not).
_STRING_OPENERS = " \t:=(,[{"


def matches(selector: str, code: str, name: str) -> bool:
    """Does a selector pick this rule? A selector is a rule name, a code (SECRET001), or a code
    prefix: the whole letter group, optionally with leading digits (SECRET, SECRET00, SECRET0).
    Part of a letter group (SEC) picks nothing: `S` would otherwise mean SECRET and SUPPRESS."""
    if selector == name:
        return True
    wanted = _SELECTOR.fullmatch(selector.upper())
    rule = _RULE_CODE.fullmatch(code)
    return (wanted is not None and rule is not None
            and wanted["letters"] == rule["letters"] and rule["digits"].startswith(wanted["digits"]))


@fieldclass(eq=False)
class Suppression:
    path: Path
    line: int
    span: Span
    selectors: list[str]
    file_wide: bool = False
    applies_to_lines: set[int] = field(default_factory=set)
    reason: str = ""
    used_selectors: set[str] = field(default_factory=set)
    selector_spans: dict[str, Span] = field(default_factory=dict)  # where each selector is written
    # What removing the comment deletes (SUPPRESS001's fix): the whole line when the comment stands
    # alone on it, else the comment and the blanks before it; None when the comment holds more
    # than the directive or is a block comment.
    removal: Span | None = None

    @property
    def used(self) -> bool:
        return bool(self.used_selectors)

    @property
    def malformed(self) -> bool:
        return not self.selectors

    @property
    def is_unused(self) -> bool:
        return self.malformed or bool(self.unused_selectors)

    @property
    def unused_selectors(self) -> list[str]:
        return [s for s in self.selectors if s not in self.used_selectors]

    def covers(self, line: int) -> bool:
        return self.file_wide or line in self.applies_to_lines

    def unused_message(self, unused: list[str] | None = None) -> str:
        kind = "ignore-file" if self.file_wide else "ignore"
        if self.malformed:
            return (f"`lintkit: {kind}` names no rule, so it suppresses nothing: "
                    f"write the codes, e.g. `lintkit: {kind}[SECRET001]`.")
        unused = self.unused_selectors if unused is None else unused
        if len(unused) == len(self.selectors):
            return f"Unused suppression: nothing here is reported as {', '.join(unused)}; remove the comment."
        return f"Unused selector in suppression: nothing here is reported as {', '.join(unused)}; remove it."


def _comment_start(line: str, prefixes: tuple[str, ...]) -> int:
    """Index where a comment starts on the line, outside string literals; -1 if there is none.

    A marker counts only at the start of the line or after whitespace (`a#b` and `https://` are not
    comments). Best effort: strings that span lines are not tracked.
    """
    quote = ""
    i = 0
    while i < len(line):
        char = line[i]
        if quote:
            if char == "\\" and quote != "'":
                i += 2
                continue
            if char == quote:
                quote = ""
        elif char in _QUOTES and (i == 0 or line[i - 1] in _STRING_OPENERS):
            quote = char
        elif (i == 0 or line[i - 1] in " \t") and line.startswith(prefixes, i):
            return i
        i += 1
    return -1


def parse_suppressions(
    path: Path, lines: list[str], comment_prefixes: tuple[str, ...] = ("#", "//", "/*")
) -> list[Suppression]:
    """Every `lintkit: ignore[...]` / `lintkit: ignore-file[...]` comment of a file."""
    block_comments = "/*" in comment_prefixes
    found: list[tuple[Suppression, bool]] = []  # (suppression, stands alone on its line)
    comment_only: list[bool] = []
    in_block = False
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if in_block:
            start, body_start = 0, 0
        else:
            start = _comment_start(line, comment_prefixes)
            body_start = start + (2 if line.startswith(("//", "/*"), start) else 1)
        if start < 0:
            comment_only.append(not line.strip())
            continue
        comment, after = line[body_start:], ""
        if block_comments and (in_block or line.startswith("/*", start)):
            end = comment.find("*/")
            in_block = end < 0
            if end >= 0:
                comment, after = comment[:end], comment[end + 2:]
        alone = not line[:start].strip() and not after.strip()
        comment_only.append(alone)
        directive = _DIRECTIVE.search(comment)
        if directive is None:
            continue
        column = body_start + directive.start() + 1
        end_column = max(body_start + len(comment.rstrip()) + 1, column + 1)
        selectors, selector_spans = [], {}
        if directive.group("selectors"):
            offset = body_start + directive.start("selectors") + 1
            for written in re.finditer(r"[^\s,]+", directive.group("selectors")):
                selectors.append(written.group())
                selector_spans.setdefault(written.group(), Span(
                    path, number, offset + written.start(), number, offset + written.end()))
        suppression = Suppression(
            path=path,
            line=number,
            span=Span(path, number, column, number, end_column),
            selectors=selectors,
            selector_spans=selector_spans,
            file_wide=directive.group("kind").lower() == "ignore-file",
            reason=directive.group("reason").strip().lstrip("-–—:").strip(),
            removal=_removal(path, lines, number, start, body_start, directive),
        )
        found.append((suppression, alone))

    for suppression, alone in found:
        if suppression.file_wide:
            continue
        suppression.applies_to_lines.add(suppression.line)
        if alone:
            following = next(
                (n for n in range(suppression.line + 1, len(lines) + 1) if not comment_only[n - 1]),
                None,
            )
            if following is not None:
                suppression.applies_to_lines.add(following)
    return [suppression for suppression, _ in found]


def apply_suppressions(
    diagnostics: Iterable[Diagnostic],
    suppressions_by_path: Mapping[Path, list[Suppression]],
) -> tuple[list[Diagnostic], list[Suppression]]:
    """Drop suppressed diagnostics. Returns (kept, suppressions with an unused selector).

    Every matching selector of every covering comment is marked used. The unused suppressions are
    what SUPPRESS001 reports (see `unused_finding`); one that another comment covers with an
    `ignore[SUPPRESS001]` / `ignore-file[SUPPRESS001]` is left out (never by its own selectors).
    """
    kept = []
    for diagnostic in diagnostics:
        if not _suppress(diagnostic.code, diagnostic.name, diagnostic.line,
                         suppressions_by_path.get(diagnostic.path, ())):
            kept.append(diagnostic)

    candidates = [
        (suppression, [other for other in suppressions if other is not suppression])
        for suppressions in suppressions_by_path.values()
        for suppression in suppressions
        if suppression.is_unused
    ]
    covered = {
        id(suppression)
        for suppression, others in candidates
        if _suppress(SUPPRESS_CODE, SUPPRESS_NAME, suppression.line, others)
    }
    # Re-check is_unused: covering another comment's report may have used a candidate's selector.
    unused = [s for s, _ in candidates if id(s) not in covered and s.is_unused]
    return kept, unused


def _suppress(code: str, name: str, line: int, suppressions: Iterable[Suppression]) -> bool:
    suppressed = False
    for suppression in suppressions:
        if suppression.covers(line):
            for selector in suppression.selectors:
                if matches(selector, code, name):
                    suppression.used_selectors.add(selector)
                    suppressed = True
    return suppressed


def _removal(path: Path, lines: list[str], number: int, start: int, body_start: int,
             directive) -> Span | None:
    """What removing a suppression comment deletes (see `Suppression.removal`): line comments
    (`#`, `//`) only."""
    line = lines[number - 1].rstrip("\r\n")
    if not line.startswith(("#", "//"), start) or line[body_start:body_start + directive.start()].strip():
        return None
    code_end = len(line[:start].rstrip())
    if code_end:
        return Span(path, number, code_end + 1, number, len(line) + 1)
    if number < len(lines):
        return Span(path, number, 1, number + 1, 1)
    return Span(path, number, 1, number, len(line) + 1)


def unused_finding(suppression: Suppression, unused: list[str] | None = None) -> Finding:
    """The SUPPRESS001 finding for an unused suppression (the engine adds name and severity);
    `unused`: the selectors to name, when not all of the unused ones count. A comment whose every
    selector is unused gets a safe fix that removes it: it suppresses nothing, so nothing else
    changes (a comment that names no rule gets none: its author meant to suppress something)."""
    fix = None
    unused = suppression.unused_selectors if unused is None else unused
    if suppression.removal is not None and not suppression.malformed \
            and len(unused) == len(suppression.selectors):
        fix = Fix("Remove the unused suppression comment", [Edit(suppression.removal, "")])
    return Finding(suppression.span, suppression.unused_message(unused), code=SUPPRESS_CODE, fix=fix)


def unknown_selector_findings(suppression: Suppression, problem_of) -> list[Finding]:
    """SUPPRESS002 findings for the selectors of a comment that name no rule; `problem_of` says
    why a selector picks no rule (None when it picks one)."""
    findings = []
    for selector in dict.fromkeys(suppression.selectors):
        problem = problem_of(selector)
        if problem:
            findings.append(Finding(
                suppression.selector_spans.get(selector, suppression.span),
                f"{problem}, so this comment suppresses nothing under that name: correct it or "
                "remove it.", code=UNKNOWN_CODE))
    return findings

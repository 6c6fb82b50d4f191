"""Applies the fixes rules attach to findings (`lintkit.model.diagnostics.Fix`): `--fix`,
`--unsafe-fixes` and `--diff`.

A round takes the diagnostics of a run, keeps the fixes that may be applied (safe ones, unsafe ones
too when asked), groups their edits per file and skips a fix whose edits overlap one already taken
(the next round applies it if it still fires). The edited texts stand in for the files as unsaved
buffers (lintkit.read.overlay) and the project is linted again, until no applicable fix is left or
MAX_ROUNDS have run, as ruff does. Only then are the files written (`--fix`) or the differences
printed (`--diff`), so a run that fails half-way writes nothing.

Bytes outside the edited spans stay as they were: the text is decoded without translating line
breaks, and a UTF-8 BOM (which the YAML loader's columns do not count) is set aside and put back.
A file is written only inside the project of a linted service, through `lintkit.read.files.write_text`
(which refuses a symbolic link that leads out of it); a fix whose replacement holds a secret the
redactor knows is never applied.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from .model.diagnostics import Diagnostic, Edit, Fix
from .model.fieldclasses import field, fieldclass
from .model.lazyre import lazy_compile
from .model.nodes import Span
from .read.files import is_inside, permissions, read_bytes, write_text
from .read.lines import LINE_BREAK, LineIndex

MAX_ROUNDS = 10
_LINE = lazy_compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
BOM = "\ufeff"


@fieldclass
class FixedFile:
    """A file's text before the first round and after the last (BOM included)."""

    path: Path
    root: str
    original: str
    text: str


@fieldclass
class FixOutcome:
    files: dict[Path, FixedFile] = field(default_factory=dict)
    applied: list[tuple[Path, str]] = field(default_factory=list)  # (file, fix title) in order
    rounds: int = 0

    @property
    def changed(self) -> list[FixedFile]:
        return [f for f in self.files.values() if f.text != f.original]


def applicable(diagnostics: list[Diagnostic], unsafe: bool = False) -> list[Diagnostic]:
    """The diagnostics whose fix `--fix` (with `unsafe`: `--unsafe-fixes`) would apply."""
    return [d for d in diagnostics if d.fix is not None and d.fix.applies(unsafe)]


def verified(fix: Fix | None, lines_of: Callable[[Path], list[str] | None]) -> Fix | None:
    """`fix` as reports show it: None unless the text each edit names as its `original` is where
    the edit says (so a report never offers an edit the file does not match), and a column past
    the end of its line (a rule's way to say "at the end of the line") set to the line's end.
    `lines_of(path)` gives a file's lines (lintkit.engine.SourceLines)."""
    if fix is None:
        return None
    edits = []
    for edit in fix.edits:
        span = edit.span
        lines = lines_of(span.path)
        if not lines or not 0 < span.line <= span.end_line <= len(lines):
            return None
        if edit.original is not None:
            if span.line != span.end_line or _line(lines, span.line)[span.column - 1:span.end_column - 1] \
                    != edit.original:
                return None
        column = min(span.column, len(_line(lines, span.line)) + 1)
        end_column = min(span.end_column, len(_line(lines, span.end_line)) + 1)
        if (column, end_column) != (span.column, span.end_column):
            edit = Edit(Span(span.path, span.line, column, span.end_line, end_column), edit.replacement,
                        edit.original)
        edits.append(edit)
    return Fix(fix.title, edits, fix.applicability)


def _line(lines: list[str], number: int) -> str:
    line = lines[number - 1]
    return line[1:] if number == 1 and line.startswith(BOM) else line  # columns do not count a BOM


def edit_ranges(text: str, fix: Fix, path: Path) -> list[tuple[int, int, str]] | None:
    """The fix's edits in `path` as (start, end, replacement) offsets into `text` (BOM removed),
    or None when an edit is malformed or lands in another file."""
    index = LineIndex(text)
    ranges = []
    for edit in fix.edits:
        span = edit.span
        if span.path != path:
            return None
        start = index.offset(span.line, span.column)
        end = index.offset(span.end_line, span.end_column)
        if end < start or edit.original is not None and text[start:end] != edit.original:
            return None
        ranges.append((start, end, _line_breaks_of(text, start, edit.replacement)))
    return sorted(ranges, key=lambda r: (r[0], r[1]))


def _line_breaks_of(text: str, at: int, replacement: str) -> str:
    """`replacement` with its line breaks written as the file writes the line at `at`
    (rules write `\n`; a CRLF file stays CRLF)."""
    if "\n" not in replacement:
        return replacement
    found = LINE_BREAK.search(text, at) or LINE_BREAK.search(text)  # the last line's break: the file's first
    if found is None or found.group() == "\n":
        return replacement
    return replacement.replace("\n", found.group())


def apply_ranges(text: str, ranges: list[tuple[int, int, str]]) -> str:
    """`text` with the (start, end, replacement) ranges replaced; they must not overlap."""
    parts, position = [], 0
    for start, end, replacement in sorted(ranges, key=lambda r: (r[0], r[1])):
        parts.append(text[position:start])
        parts.append(replacement)
        position = end
    parts.append(text[position:])
    return "".join(parts)


def _overlaps(taken: list[tuple[int, int, str]], ranges: list[tuple[int, int, str]]) -> bool:
    for start, end, _ in ranges:
        for first, last, _ in taken:
            # Edits that start at one point conflict too (two insertions: their order is a guess).
            if start < last and first < end or start == first:
                return True
    return False


def one_round(diagnostics: list[Diagnostic], outcome: FixOutcome, root_of: Callable[[Path], str | None],
              unsafe: bool, redactor) -> bool:
    """Applies this round's fixes to the texts in `outcome`; True when any was applied."""
    by_file: dict[Path, list[Diagnostic]] = {}
    for d in applicable(diagnostics, unsafe):
        by_file.setdefault(d.path, []).append(d)
    applied = False
    for path, found in sorted(by_file.items(), key=lambda item: str(item[0])):
        file = outcome.files.get(path) or _load(path, root_of)
        if file is None:
            continue
        bom = BOM if file.text.startswith(BOM) else ""
        body = file.text[len(bom):]
        taken: list[tuple[int, int, str]] = []
        titles = []
        for d in sorted(found, key=lambda d: d.sort_key):
            if any(redactor(edit.replacement) != edit.replacement for edit in d.fix.edits):
                continue  # never write a secret (or what looks like one) into a file
            ranges = edit_ranges(body, d.fix, path)
            if ranges is not None and all(r in taken for r in ranges):
                titles.append(d.fix.title)  # the same edit as a fix taken (two findings, one cause)
                continue
            if ranges is None or _overlaps(taken, ranges):
                continue
            taken.extend(ranges)
            titles.append(d.fix.title)
        if not taken:
            continue
        new_body = apply_ranges(body, taken)
        if new_body == body:
            continue
        file.text = bom + new_body
        outcome.files[path] = file
        outcome.applied.extend((path, title) for title in titles)
        applied = True
    return applied


def _load(path: Path, root_of) -> FixedFile | None:
    root = root_of(path)
    if root is None:
        return None
    try:
        data = read_bytes(path, root=root)
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return FixedFile(path, root, text, text)


def project_root_of(targets) -> Callable[[Path], str | None]:
    """The project root a fixed file belongs to: the real root of a linted service's project
    that holds the file (its real path too), or None (an included file outside: never touched)."""
    roots = sorted({os.path.realpath(target.project_root) for target in targets}, key=len, reverse=True)

    def root_of(path: Path) -> str | None:
        absolute = os.path.abspath(path)
        real = os.path.realpath(absolute)
        for root in roots:
            if is_inside(absolute, root) and is_inside(real, root):
                return root
        return None

    return root_of


def fix_until_stable(lint: Callable[[dict[Path, str]], list[Diagnostic]], root_of, unsafe: bool,
                     redactor, first: list[Diagnostic]) -> tuple[FixOutcome, list[Diagnostic]]:
    """Rounds of fixes: `lint(buffers)` lints the project with the fixed texts standing in for
    the files and returns its diagnostics; `first` are the diagnostics of the run before any fix.
    Returns the outcome and the diagnostics of the last run."""
    outcome, diagnostics = FixOutcome(), first
    while outcome.rounds < MAX_ROUNDS:
        if not one_round(diagnostics, outcome, root_of, unsafe, redactor):
            break
        outcome.rounds += 1
        diagnostics = lint({f.path: f.text for f in outcome.files.values()})
    return outcome, diagnostics


def write_fixed(outcome: FixOutcome) -> None:
    """Writes the changed files (only after every round succeeded), each keeping its permissions
    (a serverless.yml readable by its owner only stays so)."""
    for file in outcome.changed:
        write_text(file.path, file.text, root=file.root, mode=permissions(file.path))


def unified_diff(outcome: FixOutcome, cwd: Path, redactor) -> str:
    """What `--fix` would change, as `git diff` prints it: paths relative to `cwd` with a/ and b/
    prefixes, so `patch -p1` or `git apply` in `cwd` applies it. Every line passes the redactor."""
    import difflib  # only --diff needs it

    chunks = []
    for file in sorted(outcome.changed, key=lambda f: str(f.path)):
        shown = _relative(file.path, cwd)
        lines = difflib.unified_diff(_lines(file.original), _lines(file.text),
                                     f"a/{shown}", f"b/{shown}")
        for line in lines:
            if not line.endswith(("\n", "\r")):
                line += "\n\\ No newline at end of file\n"
            chunks.append(redactor(line))
    return "".join(chunks)


def _lines(text: str) -> list[str]:
    """The lines of `text` with their breaks, split where lintkit.read.lines splits them (patch
    counts no form feed or U+2028 as a break either)."""
    return _LINE.findall(text)


def _relative(path: Path, cwd: Path) -> str:
    relative = os.path.relpath(os.path.abspath(path), os.path.abspath(cwd))
    return Path(relative).as_posix()

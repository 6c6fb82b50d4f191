"""Output formats. `render` imports only the chosen reporter, so Rich loads only for `text`.

Machine formats (everything but text and concise) never show progress and never import Rich."""
from __future__ import annotations

import importlib
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, TextIO

from .. import __version__
from ..model.diagnostics import Diagnostic
from ..redact import redact
from ..read.surrogates import replace_lone_surrogates

FORMATS = ("text", "concise", "json", "sarif", "github", "gitlab", "junit")
HUMAN_FORMATS = ("text", "concise")
PROJECT_URL = "https://github.com/lintkit/lintkit#readme"


@dataclass(frozen=True)
class RuleInfo:
    code: str
    name: str
    severity: str
    summary: str
    help_text: str = ""


def _no_source(path: Path) -> list[str] | None:
    return None


@dataclass
class ReportContext:
    cwd: Path = field(default_factory=Path.cwd)
    files_checked: int = 0
    rules: list[RuleInfo] = field(default_factory=list)
    tool_version: str = __version__
    read_source: Callable[[Path], list[str] | None] = _no_source
    color: bool | None = None  # None: decide from the stream and NO_COLOR / FORCE_COLOR
    services: int = 0
    redact: Callable[[str], str] = redact
    checked: list[Path] = field(default_factory=list)  # the files checked (JUnit: a passing test each)
    baselined: int = 0  # findings left out because the baseline has them

    def shown_path(self, path: Path) -> str:
        """`path` as a report shows it: relative to `cwd` when under it, redacted."""
        return self.redact(display_path(path, self.cwd))


def render(format: str, diagnostics: list[Diagnostic], report: ReportContext, stream: TextIO) -> None:
    if format not in FORMATS:
        raise ValueError(f"unknown output format {format!r}; choose one of {', '.join(FORMATS)}")
    module = importlib.import_module(f"{__name__}.{format}")
    # The engine has redacted the messages already; redacting is idempotent and cheap, so do it
    # again here rather than trust every caller. Function names are the project's text too (a
    # secret can be one); paths are redacted where they are shown (`sorted_diagnostics`,
    # `ReportContext.shown_path`), as the reporters still read the files. Prose leaves as valid
    # Unicode (lintkit.read.surrogates).
    diagnostics = [replace(d, message=replace_lone_surrogates(report.redact(d.message)),
                           function=d.function and replace_lone_surrogates(report.redact(d.function)))
                   for d in diagnostics]
    module.render(diagnostics, report, stream)


def relative_path(path: Path, base: Path) -> str | None:
    """`path` relative to `base` with `/` separators, or None when it is not under `base`."""
    absolute, base_absolute = os.path.abspath(path), os.path.abspath(base)
    if absolute == base_absolute or absolute.startswith(base_absolute.rstrip(os.sep) + os.sep):
        return Path(os.path.relpath(absolute, base_absolute)).as_posix()
    return None


def display_path(path: Path, cwd: Path) -> str:
    """`path` relative to `cwd` when it is under it, else absolute; always with `/` separators."""
    return relative_path(path, cwd) or Path(os.path.abspath(path)).as_posix()


def sorted_diagnostics(diagnostics: Iterable[Diagnostic], cwd: Path,
                       redact: Callable[[str], str] | None = None) -> list[tuple[str, Diagnostic]]:
    """(display path, diagnostic) pairs sorted by path, line, column, code; the paths redacted with
    `redact` (after sorting, so the order does not depend on what is masked)."""
    pairs = [(display_path(d.path, cwd), d) for d in diagnostics]
    pairs.sort(key=lambda p: (p[0], p[1].line, p[1].column, p[1].code))
    if redact is not None:
        shown: dict[str, str] = {}
        pairs = [(shown.setdefault(path, redact(path)), d) for path, d in pairs]
    return pairs


def counts(diagnostics: Iterable[Diagnostic]) -> dict[str, int]:
    result = {"error": 0, "warning": 0, "info": 0}
    for diagnostic in diagnostics:
        result[diagnostic.severity] = result.get(diagnostic.severity, 0) + 1
    return result


_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f\x85\u2028\u2029]")


def sanitize(text: str) -> str:
    """Control characters (tabs excepted) and the Unicode line separators, which a terminal or a
    browser may show as line breaks, become `?`, one for one, so columns stay put."""
    return _CONTROL.sub("?", text)


def one_line(text: str) -> str:
    """Text for a one-line output record: line breaks become spaces, control characters `?`."""
    return sanitize(" ".join(text.splitlines()))

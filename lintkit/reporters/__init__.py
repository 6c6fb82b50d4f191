"""Output formats. `render` imports only the chosen reporter, so Rich loads only for `text`.

Machine formats (everything but text and concise) never show progress and never import Rich.
May import: the engine modules (`display`, `redact`, `fingerprint`), `lintkit.model`, `lintkit.read`.
Never the command line or the language server."""
from __future__ import annotations

import importlib
from pathlib import Path
from typing import Callable, Iterable, TextIO

from .. import __version__
from ..display import display_path, relative_path, sorted_diagnostics  # noqa: F401 (for reporters)
from ..model.diagnostics import Diagnostic
from ..model.fieldclasses import field, fieldclass, replace
from ..model.lazyre import lazy_compile
from ..read.surrogates import replace_lone_surrogates
from ..redact import redact

FORMATS = ("text", "concise", "json", "sarif", "github", "gitlab", "junit")
HUMAN_FORMATS = ("text", "concise")


class RuleInfo:
    """What a report says about a rule. The documentation (`help_text`) may be given as a function
    that returns it, called when a reporter asks: a rule's documentation lives in its module, which
    is then imported (lintkit.registry)."""

    __slots__ = ("code", "name", "severity", "summary", "_help_text")

    def __init__(self, code: str, name: str, severity: str, summary: str,
                 help_text: str | Callable[[], str] = ""):
        self.code, self.name, self.severity, self.summary = code, name, severity, summary
        self._help_text = help_text

    @property
    def help_text(self) -> str:
        if callable(self._help_text):
            self._help_text = self._help_text()
        return self._help_text


def _no_source(path: Path) -> list[str] | None:
    return None


@fieldclass
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
    quiet: bool = False  # the findings only: no summary (`--quiet`)
    width: int | None = None  # the terminal's columns: text messages wrap there; None: no wrapping
    rule_url: str | None = None  # `.lintkit.yml` rule-url: a URL template with {code} (SARIF helpUri)
    unsafe_fixes: bool = False  # `--unsafe-fixes`: unsafe fixes count as fixable (`[*]`)

    def fixable(self, diagnostic: Diagnostic) -> bool:
        """Whether `--fix` (with `--unsafe-fixes` when given) would fix this finding."""
        return diagnostic.fix is not None and diagnostic.fix.applies(self.unsafe_fixes)

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
    diagnostics = [_shown(d, report.redact) for d in diagnostics]
    module.render(diagnostics, report, stream)


def _shown(d: Diagnostic, redact: Callable[[str], str]) -> Diagnostic:
    message = replace_lone_surrogates(redact(d.message))
    function = d.function and replace_lone_surrogates(redact(d.function))
    if message == d.message and function == d.function:
        return d
    return replace(d, message=message, function=function)


FIXABLE_MARK = "[*] "


def fix_document(d: Diagnostic, redact: Callable[[str], str]) -> dict:
    """A finding's fix as JSON carries it: title, applicability and the edits' ranges."""
    fix = d.fix
    return {"title": redact(fix.title), "applicability": fix.applicability,
            "edits": [{"range": {"line": e.span.line, "column": e.span.column,
                                 "end_line": e.span.end_line, "end_column": e.span.end_column},
                       "replacement": redact(e.replacement)} for e in fix.edits]}


def counts(diagnostics: Iterable[Diagnostic]) -> dict[str, int]:
    result = {"error": 0, "warning": 0, "info": 0}
    for diagnostic in diagnostics:
        result[diagnostic.severity] = result.get(diagnostic.severity, 0) + 1
    return result


_CONTROL = lazy_compile("[\x00-\x08\x0a-\x1f\x7f\x85\u2028\u2029]")


def sanitize(text: str) -> str:
    """Control characters (tabs excepted) and the Unicode line separators, which a terminal or a
    browser may show as line breaks, become `?`, one for one, so columns stay put."""
    return _CONTROL.sub("?", text)


def one_line(text: str) -> str:
    """Text for a one-line output record: line breaks become spaces, control characters `?`."""
    return sanitize(" ".join(text.splitlines()))

"""Runs the rules on each service and turns their findings into diagnostics: positions, configured
severity, selection, inline suppressions and redaction all happen here, never in a rule."""
from __future__ import annotations

import sys
import traceback
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

from .diagnostics import Diagnostic, Finding
from .discovery import Target
from .nodes import walk
from .overlay import buffer, buffers
from .redact import Redactor, redact
from .registry import Rule, all_rules

SUPPRESS_CODE = "SUPPRESS001"
HASH_COMMENT_SUFFIXES = (".yml", ".yaml", ".toml")


@dataclass
class Options:
    as_of: date = field(default_factory=date.today)
    opt: dict[str, str] = field(default_factory=dict)
    select: list[str] | None = None
    ignore: list[str] | None = None
    fail_on: str | None = None
    no_ignores: bool = False
    # Unsaved editor buffers: path -> content, read instead of the file on disk (lintkit.overlay).
    overlays: dict[Path, bytes | str] = field(default_factory=dict)


@dataclass
class Context:
    """What a rule may know beyond the service."""

    as_of: date


@dataclass
class RunResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: set[Path] = field(default_factory=set)
    services: int = 0
    internal_errors: list[str] = field(default_factory=list)
    fail_on: str = "warning"


class SourceLines:
    """Lines of the files diagnostics point into, read once, for suppressions and code frames."""

    def __init__(self):
        self._cache: dict[Path, list[str] | None] = {}

    def __call__(self, path: Path) -> list[str] | None:
        if path not in self._cache:
            self._cache[path] = self._read(path)
        return self._cache[path]

    def _read(self, path: Path) -> list[str] | None:
        unsaved = buffer(path)
        if unsaved is not None:
            return unsaved.decode("utf-8", errors="replace").splitlines()
        try:
            if not path.is_file() or path.stat().st_size > 5_000_000:
                return None
            return path.read_bytes().decode("utf-8", errors="replace").splitlines()
        except OSError:
            return None


def comment_prefixes(path: Path) -> tuple[str, ...]:
    name = path.name
    if name.endswith(HASH_COMMENT_SUFFIXES) or name.startswith(".env"):
        return ("#",)
    return ("//", "/*")


class Engine:
    def __init__(self, options: Options):
        self.options = options
        self.rules = {rule.code: rule for rule in all_rules()}
        self.lines = SourceLines()
        self._configs: dict[Path | None, object] = {}
        self._sources = None  # one SourceCache for the run: services may share handler modules
        # Pattern redaction cannot know every secret (a token under a neutral key): rules name the
        # secret values they find, and this masks them in messages, code frames and fingerprints.
        self.redactor = Redactor()

    def run(self, targets: list[Target], progress: Callable[[int, Target], None] | None = None) -> RunResult:
        """Lints `targets`; `progress(index, target)` is called before each one (the CLI's progress bar)."""
        with buffers(self.options.overlays):
            return self._run(targets, progress)

    def _run(self, targets: list[Target], progress) -> RunResult:
        result = RunResult()
        for index, target in enumerate(targets):
            if progress is not None:
                progress(index, target)
            config = self._config_for(target)
            if config.is_excluded(target.config_path):
                continue
            result.fail_on = config.fail_on or result.fail_on
            result.services += 1
            self._lint_service(target, config, result)
        result.diagnostics.sort(key=lambda d: d.sort_key)
        return result

    def _config_for(self, target: Target):
        from .config import Config, find_config, load_config

        path = find_config(target.config_path.parent, stop_at=target.project_root)
        if path not in self._configs:
            config = load_config(path) if path else Config()
            self._configs[path] = config.with_overrides(
                select=self.options.select, ignore=self.options.ignore, fail_on=self.options.fail_on)
        return self._configs[path]

    def _lint_service(self, target: Target, config, result: RunResult) -> None:
        from .service import Service

        opt = {**(config.opt or {}), **self.options.opt}
        if self._sources is None:
            from .sources import SourceCache

            self._sources = SourceCache()
        service = Service(target.config_path, target.project_root, opt, sources=self._sources)
        context = Context(as_of=self.options.as_of)
        selected = [rule for rule in self.rules.values() if config.is_selected(rule.code, rule.name)]
        if not service.is_aws:
            selected = [rule for rule in selected if rule.code.startswith("PARSE")]
        findings: list[tuple[Rule, Finding]] = []
        for rule in selected:
            try:
                for finding in rule.check(service, context):
                    if finding.secret:
                        self.redactor.add(finding.secret)
                    findings.append((self.rules.get(finding.code or rule.code, rule), finding))
            except Exception:  # a rule bug must not hide the other rules' findings
                detail = traceback.format_exc(limit=-3)
                result.internal_errors.append(
                    f"internal error in {rule.code} on {target.config_path}:\n{redact(detail)}")
        diagnostics = [self._diagnostic(rule, finding, config) for rule, finding in findings]
        diagnostics = [d for d in diagnostics if d is not None]
        files = touched_files(service)
        if not self.options.no_ignores:
            diagnostics = self._apply_suppressions(diagnostics, files, config, selected)
        if target.only_files:
            diagnostics = [d for d in diagnostics if d.path in target.only_files]
            files = files & target.only_files
        result.files |= files
        result.diagnostics.extend(diagnostics)

    def _diagnostic(self, rule: Rule, finding: Finding, config) -> Diagnostic | None:
        span = finding.span
        if not config.is_selected(rule.code, rule.name):
            return None
        if config.is_ignored_for_file(rule.code, rule.name, span.path):
            return None
        severity = config.severity_for(rule.code, rule.name, finding.severity or rule.severity)
        return Diagnostic(
            code=rule.code, name=rule.name, severity=severity, message=self.redactor(finding.message),
            path=span.path, line=span.line, column=span.column, end_line=span.end_line,
            end_column=span.end_column, function=finding.function, related=finding.related)

    def _apply_suppressions(self, diagnostics, files, config, selected) -> list[Diagnostic]:
        from .suppress import apply_suppressions, parse_suppressions, unused_finding

        by_path = {}
        for path in sorted(files | {d.path for d in diagnostics}):
            lines = self.lines(path)
            if lines and any("lintkit:" in line for line in lines):
                by_path[path] = parse_suppressions(path, lines, comment_prefixes(path))
        if not by_path:
            return diagnostics
        kept, unused = apply_suppressions(diagnostics, by_path)
        suppress_rule = self.rules.get(SUPPRESS_CODE)
        ran = [(rule.code, rule.name) for rule in selected]
        if suppress_rule is None or not config.is_selected(suppress_rule.code, suppress_rule.name):
            return kept
        for suppression in unused:
            if not _names_a_rule_that_ran(suppression.unused_selectors, ran):
                continue
            finding = unused_finding(suppression)
            diagnostic = self._diagnostic(suppress_rule, finding, config)
            if diagnostic is not None:
                kept.append(diagnostic)
        return kept


def _names_a_rule_that_ran(selectors: list[str], ran: list[tuple[str, str]]) -> bool:
    from .suppress import matches

    if not selectors:
        return True
    return all(any(matches(s, code, name) for code, name in ran) for s in selectors)


def touched_files(service) -> set[Path]:
    """Every file lintkit read for this service: serverless.yml, its includes, handler sources,
    schema.prisma, package.json and .env files."""
    files = {service.config_path}
    if service.document is not None:
        files |= {node.span.path for _, node in walk(service.document)}
    for function in service.functions:
        graph = service.graph(function)
        if graph is not None:
            files |= {source.path for source in graph.files}
    schema = service.prisma_schema
    if schema is not None:
        files |= set(getattr(schema, "paths", None) or [schema.path])
    files |= {env.path for env in service.env_files}
    if service.package_json is not None:
        files.add(service.package_json.path)
    return files


def report_internal_errors(errors: list[str]) -> None:
    for error in errors:
        print(f"lintkit: {error}", file=sys.stderr)

"""Runs the rules on each service and turns their findings into diagnostics: positions, configured
severity, selection, inline suppressions and redaction all happen here, never in a rule.

Many services are linted by worker processes (`Options.jobs`): each worker lints whole services and
sends back their diagnostics, with messages not yet redacted, and the secret values the rules named.
The parent takes them in the order of the targets, registers the secrets and redacts the messages
then, exactly as one process does after each service, so the report is the same whatever the number
of processes.

With a result cache (`Options.cache_dir`, lintkit.cache), a service whose kept outcome still holds
is not linted: its diagnostics are merged as a linted service's are. Lookups and stores happen in
this process, in target order; workers only record what each service read.
"""
from __future__ import annotations

import os
import sys
from collections import OrderedDict
from contextlib import nullcontext
from datetime import date
from pathlib import Path
from typing import Callable, Iterator

from .budget import DEFAULT_SERVICE_TIMEOUT, OutOfTime, time_budget
from .config import DEFAULT_FAIL_ON
from .discovery import Target
from .model.diagnostics import Diagnostic, Finding
from .model.fieldclasses import field, fieldclass
from .model.nodes import Span
from .read.files import confined_to, is_inside, note, read_bytes, recording
from .read.lines import split_lines
from .read.overlay import buffers
from .redact import Redactor, redact
from .registry import Rule, all_rules

SUPPRESS_CODE = "SUPPRESS001"
REFUSED_CODE = "PARSE006"
TIMEOUT_CODE = "LINT001"
HASH_COMMENT_SUFFIXES = (".yml", ".yaml", ".toml")
# With `jobs=None` (automatic), worker processes lint from this many services on: below it, starting
# them (importing multiprocessing, forking) costs about what they save. Only where processes can fork
# (the workers then share the modules the parent imported); elsewhere automatic means one process.
PARALLEL_MIN_SERVICES = 32
SOURCE_LINES_KEPT = 256  # files whose lines SourceLines keeps (lintkit reads at most 5 MB a file)


@fieldclass
class Options:
    as_of: date = field(default_factory=date.today)
    opt: dict[str, str] = field(default_factory=dict)
    select: list[str] | None = None
    ignore: list[str] | None = None
    fail_on: str | None = None
    no_ignores: bool = False
    # Unsaved editor buffers: path -> content, read instead of the file on disk (lintkit.read.overlay).
    overlays: dict[Path, bytes | str] = field(default_factory=dict)
    # Processes that lint services: 1 lints in this process; None decides from the number of
    # services and CPUs (see `worker_count`).
    jobs: int | None = 1
    # Seconds one service may take before LINT001 reports it and the run goes on; 0: no budget.
    service_timeout: float = DEFAULT_SERVICE_TIMEOUT
    # `--config FILE`: this configuration for every service instead of the ones found; `--isolated`:
    # none at all (the defaults).
    config: object | None = None
    isolated: bool = False
    # `--exclude` (replaces each configuration's `exclude`) and `--extend-exclude` (adds to it):
    # globs relative to `cwd`.
    exclude: list[str] | None = None
    extend_exclude: list[str] | None = None
    cwd: Path | None = None
    # Parsed sources kept between runs (lintkit.read.sourcestore.SourceStore; the language server).
    source_store: object | None = None
    # The result cache's folder (lintkit.cache); None: no cache. `cache_dir_named`: the user named
    # it, so it may lie inside a linted project. Never used with `overlays`.
    cache_dir: Path | None = None
    cache_dir_named: bool = False


@fieldclass
class Context:
    """What a rule may know beyond the service."""

    as_of: date


@fieldclass
class RunResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: set[Path] = field(default_factory=set)
    services: int = 0
    internal_errors: list[str] = field(default_factory=list)
    fail_on: str = "warning"
    invalid_configs: list[Path] = field(default_factory=list)  # .lintkit.yml files that say the impossible
    rule_url: str | None = None  # the configurations' rule-url, when they agree on one


@fieldclass
class ServiceOutcome:
    """One service linted: its diagnostics (messages not yet redacted), the files read, the rules'
    internal errors and the secret values the rules named with where they are written, in the order
    they named them; with a result cache, what the service read (lintkit.read.files.Reads)."""

    diagnostics: list[Diagnostic]
    files: set[Path]
    internal_errors: list[str]
    secrets: list[tuple[str, Span]]
    reads: object | None = None
    kept: dict | None = None  # the result cache's entry it came from


class SourceLines:
    """Lines of the files diagnostics point into, for suppressions, code frames and fingerprints:
    only files inside the projects of the run (`add_root`), through lintkit.read.files. The most
    recently read files are kept (`SOURCE_LINES_KEPT`): each service reads its files in path order,
    and reports read them in path order again, so a file is read about once per service, while a
    monorepo's run does not hold the text of every file it linted to the end."""

    def __init__(self, kept: int = SOURCE_LINES_KEPT):
        self._cache: OrderedDict[Path, list[str] | None] = OrderedDict()
        self._kept = kept
        self._roots: set[str] = set()
        self._added: set[Path] = set()

    def add_root(self, root: Path) -> None:
        if root not in self._added:
            self._added.add(root)
            self._roots.add(os.path.realpath(root))

    def __call__(self, path: Path) -> list[str] | None:
        note(path)  # read for a service's suppressions: part of what its outcome depends on
        cache = self._cache
        if path in cache:
            cache.move_to_end(path)
            return cache[path]
        lines = cache[path] = self._read(path)
        if len(cache) > self._kept:
            cache.popitem(last=False)
        return lines

    def _read(self, path: Path) -> list[str] | None:
        absolute = os.path.abspath(path)
        for root in self._roots:
            if is_inside(absolute, root) or is_inside(os.path.realpath(absolute), root):
                try:
                    return split_lines(read_bytes(path, root=root).decode("utf-8", errors="replace"))
                except OSError:
                    return None
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
        self._config_errors: dict[Path, Exception] = {}  # broken .lintkit.yml files, to report
        self._selections: dict[int, list[Rule]] = {}
        self._sources = None  # one SourceCache for the run: services may share handler modules
        # Pattern redaction cannot know every secret (a token under a neutral key): rules name the
        # secret values they find and where, and this masks them in messages, code frames and
        # fingerprints.
        self.redactor = Redactor()
        # The diagnostics of a run are held to its end (sorted, de-duplicated across services): a
        # monorepo's services repeat many messages word for word, kept once here.
        self._texts: dict[str, str] = {}
        # The result cache: what each service read is recorded, and outcomes kept and used again.
        self._recording = options.cache_dir is not None and not options.overlays
        self.cache = None
        if self._recording:
            from .cache import ResultCache

            self.cache = ResultCache(options, options.cache_dir, options.cache_dir_named)
        self._config_files: dict[Path, Path | None] = {}  # service -> the configuration file it got
        self._folder_configs: dict = {}  # what find_config saw in each folder this run
        self._secrets_named = False  # whether a service of this run named a secret

    def run(self, targets: list[Target], progress: Callable[[int, Target], None] | None = None) -> RunResult:
        """Lints `targets`; `progress(index, target)` is called before each one (the CLI's progress bar)."""
        with buffers(self.options.overlays):
            return self._run(targets, progress)

    def _run(self, targets: list[Target], progress) -> RunResult:
        result = RunResult()
        jobs = worker_count(self.options.jobs, len(targets))
        if jobs > 1:
            self._run_workers(targets, progress, jobs, result)
        else:
            for index, target in enumerate(targets):
                if progress is not None:
                    progress(index, target)
                config = self._config_for(target)
                if config.is_excluded(target.config_path):
                    continue
                result.services += 1
                outcome = self._kept_outcome(target) or self._lint_service(target, config)
                self._merge(outcome, result, target)
        urls = {config.rule_url for config in self._configs.values() if config.rule_url}
        result.rule_url = urls.pop() if len(urls) == 1 else None
        result.invalid_configs = sorted(Path(path) for path, error in self._config_errors.items()
                                        if error.invalid)
        result.diagnostics.extend(self._config_diagnostics(targets))
        result.diagnostics = once_each(result.diagnostics)
        result.diagnostics.sort(key=lambda d: d.sort_key)
        return result

    def _run_workers(self, targets: list[Target], progress, jobs: int, result: RunResult) -> None:
        """Lints the services in `jobs` worker processes and merges their outcomes in target order.
        Configuration is read here first, so that a broken one is reported once, as with one
        process. The first service is linted here: what rules import on first use (jsonschema for
        CONFIG001, the tree-sitter grammars) is then imported once, before the workers fork. Should
        a worker die (the pool breaks), the services left are linted here too."""
        todo: list[tuple[int, Target]] = []
        for index, target in enumerate(targets):
            config = self._config_for(target)
            if config.is_excluded(target.config_path):
                continue
            result.services += 1
            todo.append((index, target))
        kept = {index: outcome for index, target in todo
                if (outcome := self._kept_outcome(target)) is not None}
        misses = [(index, target) for index, target in todo if index not in kept]
        if misses:
            index, target = misses.pop(0)
            kept[index] = self._lint_service(target, self._config_for(target))
        linted = self._lint_in_workers(misses, jobs)
        for index, target in todo:
            if progress is not None:
                progress(index, target)
            self._merge(kept[index] if index in kept else next(linted), result, target)

    def _lint_in_workers(self, todo: list[tuple[int, Target]], jobs: int) -> Iterator[ServiceOutcome]:
        """The outcomes of `todo`, in its order, linted by `jobs` worker processes."""
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        if not todo:
            return
        chunksize = max(1, min(8, len(todo) // (jobs * 4)))
        context = multiprocessing.get_context("fork" if _can_fork() else None)  # None: the default
        done = 0
        try:
            with ProcessPoolExecutor(min(jobs, len(todo)), mp_context=context,
                                     initializer=_start_worker, initargs=(self.options,)) as pool:
                for outcome in pool.map(_lint_in_worker, [target for _, target in todo],
                                        chunksize=chunksize):
                    done += 1
                    yield outcome
        except BrokenProcessPool:
            for _, target in todo[done:]:
                yield self._lint_service(target, self._config_for(target))

    def _kept_outcome(self, target: Target) -> ServiceOutcome | None:
        """The outcome the result cache kept for `target`, if nothing it depends on has changed."""
        if self.cache is None:
            return None
        kept = self.cache.load(target, self._config_files.get(target.config_path))
        if kept is None:
            return None
        diagnostics, files, entry = kept
        return ServiceOutcome(diagnostics, files, [], [], kept=entry)

    def _merge(self, outcome: ServiceOutcome, result: RunResult, target: Target) -> None:
        """Adds one service's outcome to the run: its secrets join the redactor, then its messages
        and function names are redacted (with every secret found so far, as the services come in
        target order). A linted outcome that redaction left as it was is kept in the result cache."""
        for secret, span in outcome.secrets:
            self.redactor.add(secret, span)
            self._secrets_named = True
        unchanged = True
        # A kept outcome was stored as redaction left it: only secrets named in this run can mask
        # more of it.
        redacted = outcome.diagnostics if outcome.kept is None or self._secrets_named else ()
        for diagnostic in redacted:
            message = self.redactor.message(diagnostic.message)
            function = self.redactor(diagnostic.function) if diagnostic.function else diagnostic.function
            unchanged = unchanged and message == diagnostic.message and function == diagnostic.function
            diagnostic.message, diagnostic.function = message, function
            if diagnostic.fix is not None:
                title = self.redactor.message(diagnostic.fix.title)
                unchanged = unchanged and title == diagnostic.fix.title
                diagnostic.fix.title = title
        texts = self._texts  # one string for a message that many services repeat
        for diagnostic in outcome.diagnostics:
            diagnostic.message = texts.setdefault(diagnostic.message, diagnostic.message)
        result.diagnostics.extend(outcome.diagnostics)
        result.files |= outcome.files
        result.internal_errors.extend(map(self.redactor, outcome.internal_errors))
        if self.cache is None:
            return
        if outcome.reads is not None and unchanged:
            self.cache.store(target, self._config_files.get(target.config_path), outcome,
                             self.redactor)
        elif outcome.kept is not None and self._secrets_named:
            from .cache import masks_nothing

            if not (unchanged and masks_nothing(self.redactor, outcome.kept)):
                self.cache.forget(target)  # it holds what has become another service's secret

    def _selected(self, config) -> list[Rule]:
        """The rules a configuration selects (worked out once per configuration)."""
        key = id(config)  # configurations live in self._configs for the whole run
        if key not in self._selections:
            self._selections[key] = [rule for rule in self.rules.values()
                                     if config.is_selected(rule.code, rule.name)]
        return self._selections[key]

    def _config_for(self, target: Target):
        """The configuration of a service: its .lintkit.yml (found from its folder up to the
        project root) with the command line's options on top. A broken one counts as absent for
        the service's rules and is reported itself (PARSE001, `_config_diagnostics`)."""
        from .config import Config, ConfigError, find_config, load_config

        self.lines.add_root(target.project_root)
        if self.options.isolated or self.options.config is not None:
            path = getattr(self.options.config, "path", None)
            self._config_files[target.config_path] = path
            if path not in self._configs:
                self._configs[path] = self._with_command_line(self.options.config or Config())
            return self._configs[path]
        with confined_to(target.project_root):
            path = find_config(target.config_path.parent, stop_at=target.project_root,
                               seen=self._folder_configs)
            self._config_files[target.config_path] = path
            if path not in self._configs:
                try:
                    config = load_config(path) if path else Config()
                except ConfigError as error:
                    config = Config()
                    self._config_errors[path] = error
                self._configs[path] = self._with_command_line(config)
        return self._configs[path]

    def _with_command_line(self, config):
        options = self.options
        return config.with_overrides(select=options.select, ignore=options.ignore,
                                     fail_on=options.fail_on, exclude=options.exclude,
                                     extend_exclude=options.extend_exclude, cwd=options.cwd)

    def _config_diagnostics(self, targets: list[Target]) -> list[Diagnostic]:
        """PARSE001 for each broken configuration file, once, whatever is selected (the selection
        may be what is broken), unless the run reports other files only (an editor buffer)."""
        rule = self.rules.get("PARSE001")
        diagnostics = []
        for path, error in self._config_errors.items():
            if rule is None or not any(target.reports(Path(path)) for target in targets):
                continue
            for line, column, message in error.problems:
                diagnostics.append(Diagnostic(
                    code=rule.code, name=rule.name, severity=rule.severity,
                    message=self.redactor(f"{message}; the service is linted with the default "
                                          "configuration until this is fixed"),
                    path=Path(path), line=max(line, 1), column=max(column, 1),
                    end_line=max(line, 1), end_column=max(column, 1) + 1,
                    fail_on=self.options.fail_on or DEFAULT_FAIL_ON))
        self._config_errors.clear()
        return diagnostics

    def _lint_service(self, target: Target, config) -> ServiceOutcome:
        """Lints one service; with a result cache, recording every path it reads or looks at."""
        with recording() if self._recording else nullcontext() as reads:
            outcome = self._lint(target, config)
        outcome.reads = reads
        return outcome

    def _lint(self, target: Target, config) -> ServiceOutcome:
        """Lints one service, its reads confined to its project and its time to the budget."""
        self.lines.add_root(target.project_root)
        findings: list[tuple[Rule, Finding]] = []
        secrets: list[tuple[str, Span]] = []
        errors: list[str] = []
        service, ran = None, self._selected(config)
        with confined_to(target.project_root) as confinement:
            try:
                with time_budget(self.options.service_timeout):
                    service, ran = self._run_rules(target, config, findings, secrets, errors)
            except OutOfTime:
                findings.append((self.rules[TIMEOUT_CODE], Finding(
                    Span.point(target.config_path), f"linting this service took longer than "
                    f"{self.options.service_timeout:g} seconds, its time budget, so its findings are "
                    "incomplete; split the service or raise --service-timeout")))
            findings.extend(self._refusals(confinement, findings))
        diagnostics = [self._diagnostic(rule, finding, config) for rule, finding in findings]
        diagnostics = [d for d in diagnostics if d is not None]
        files = touched_files(service) if service is not None else {target.config_path}
        if not self.options.no_ignores:
            diagnostics = self._apply_suppressions(diagnostics, files, config, ran)
        if target.narrowed:
            diagnostics = [d for d in diagnostics if target.reports(d.path)]
            files = {file for file in files if target.reports(file)}
        return ServiceOutcome(diagnostics, files, errors, secrets)

    def _run_rules(self, target: Target, config, findings, secrets, errors):
        """Loads the service and runs its rules; returns the service and the rules that applied
        (for SUPPRESS001: a suppression naming a rule that did not run is not reported)."""
        from .formats import load_service

        opt = {**(config.opt or {}), **self.options.opt}
        # With the result cache, each service parses its own files: what one service parsed for
        # another would be read without being recorded as this one's.
        if self._sources is None or self._recording:
            from .read.sources import SourceCache

            self._sources = SourceCache(store=self.options.source_store)
        service = load_service(target.config_path, target.project_root, opt, sources=self._sources)
        context = Context(as_of=self.options.as_of)
        selected = self._selected(config)
        if not service.is_aws:
            selected = [rule for rule in selected if rule.code.startswith("PARSE")]
        for rule in _rules_to_run(selected, service, target):
            try:
                for finding in rule.check(service, context):
                    if finding.secret:
                        secrets.append((finding.secret, finding.secret_span or finding.span))
                    findings.append((self.rules.get(finding.code or rule.code, rule), finding))
            except Exception:  # a rule bug must not hide the other rules' findings
                import traceback  # only now: it imports tokenize, linecache and textwrap (~3 ms)

                detail = traceback.format_exc(limit=-3)
                errors.append(
                    f"internal error in {rule.code} on {target.config_path}:\n{redact(detail)}")
        return service, selected

    def _refusals(self, confinement, findings) -> list[tuple[Rule, Finding]]:
        """PARSE006 for the files refused while linting (lintkit.read.files) that no PARSE finding
        reports already."""
        rule = self.rules.get(REFUSED_CODE)
        reported = {finding.span.path for rule_, finding in findings if rule_.code.startswith("PARSE")}
        refused = []
        for path, (reason, where) in confinement.refused.items():
            if rule is None or path in reported:
                continue
            span = where.span if hasattr(where, "span") else where or Span.point(path)
            refused.append((rule, Finding(span, f"{path.name or path} is not read: {reason}")))
        return refused

    def _diagnostic(self, rule: Rule, finding: Finding, config) -> Diagnostic | None:
        span = finding.span
        if not config.is_selected(rule.code, rule.name) and not _always_reported(rule, config):
            return None
        if config.is_ignored_for_file(rule.code, rule.name, span.path):
            return None
        severity = config.severity_for(rule.code, rule.name, finding.severity or rule.severity)
        # The message is redacted when the service's outcome is merged (`_merge`), once its secrets
        # are known to the redactor.
        return Diagnostic(
            code=rule.code, name=rule.name, severity=severity, message=finding.message,
            path=span.path, line=span.line, column=span.column, end_line=span.end_line,
            end_column=span.end_column, function=finding.function, related=finding.related,
            fail_on=config.fail_on or DEFAULT_FAIL_ON, fix=self._checked_fix(finding.fix))

    def _checked_fix(self, fix):
        """A finding's fix, if its edits match the file (lintkit.fixes.verified)."""
        if fix is None:
            return None
        from .fixes import verified

        return verified(fix, self.lines)

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
        kept.extend(self._unknown_selectors(by_path, config))
        suppress_rule = self.rules.get(SUPPRESS_CODE)
        ran = [(rule.code, rule.name) for rule in selected]
        if suppress_rule is None or not config.is_selected(suppress_rule.code, suppress_rule.name):
            return kept
        for suppression in unused:
            # Only selectors of rules that ran can be known to be unused (SUPPRESS002 reports
            # the ones that name no rule at all).
            named = [s for s in suppression.unused_selectors if _names_a_rule_that_ran(s, ran)]
            if not (named or suppression.malformed):
                continue
            finding = unused_finding(suppression, named)
            diagnostic = self._diagnostic(suppress_rule, finding, config)
            if diagnostic is not None:
                kept.append(diagnostic)
        return kept

    def _unknown_selectors(self, by_path, config) -> list[Diagnostic]:
        """SUPPRESS002 for every selector of a suppression comment that names no rule."""
        from .registry import selector_problem
        from .suppress import UNKNOWN_CODE, unknown_selector_findings

        rule = self.rules.get(UNKNOWN_CODE)
        if rule is None or not config.is_selected(rule.code, rule.name):
            return []
        found = (self._diagnostic(rule, finding, config)
                 for suppressions in by_path.values() for suppression in suppressions
                 for finding in unknown_selector_findings(suppression, selector_problem))
        return [diagnostic for diagnostic in found if diagnostic is not None]


def _always_reported(rule: Rule, config) -> bool:
    """A run that ran out of time says so whatever `select` asks for (unless LINT001 is ignored
    by name): its findings are incomplete."""
    from .suppress import matches

    return rule.code == TIMEOUT_CODE and not any(matches(s, rule.code, rule.name) for s in config.ignore)


def _rules_to_run(selected: list[Rule], service, target: Target) -> list[Rule]:
    """The selected rules less those that cannot report in the files the run reports: a rule whose
    findings all sit on the resolved configuration (`SCOPE = "configuration"`) when the report is
    narrowed to files the configuration has no node from (an editor checking a handler). They still
    count as run for SUPPRESS001: a suppression naming them in such a file suppresses nothing."""
    if not target.narrowed or not any(rule.scope == "configuration" for rule in selected):
        return selected
    if any(target.reports(file) for file in configuration_files(service)):
        return selected
    return [rule for rule in selected if rule.scope != "configuration"]


def configuration_files(service) -> set[Path]:
    """serverless.yml and every file a value or key of its resolved document comes from."""
    values, keys = service.document_files
    return {service.config_path} | values | keys


def worker_count(jobs: int | None, services: int) -> int:
    """How many processes lint `services` services: `jobs` (never more than the services), or with
    None one per CPU this process may use from PARALLEL_MIN_SERVICES services on, where processes
    can fork. The automatic choice depends on nothing that changes from run to run (the machine's
    load would make the same command lint with one process once and two the next)."""
    if jobs is None:
        if services < PARALLEL_MIN_SERVICES or not _can_fork():
            return 1
        jobs = available_cpus()
    return max(1, min(jobs, services))


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _can_fork() -> bool:
    """Linux forks, and fork is what makes workers cheap (macOS and Windows would start each worker
    afresh, importing everything again: there one process is the automatic choice)."""
    return sys.platform.startswith("linux") and hasattr(os, "fork")


_worker_engine: Engine | None = None


def _start_worker(options: Options) -> None:
    """A worker process's engine; the unsaved buffers stay installed for the worker's life."""
    import gc

    global _worker_engine
    _worker_engine = Engine(options)
    gc.freeze()  # what the parent built before forking stays shared and is never rescanned
    buffers(options.overlays).__enter__()


def _lint_in_worker(target: Target) -> ServiceOutcome:
    engine = _worker_engine
    return engine._lint_service(target, engine._config_for(target))


def once_each(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """One of each finding: services that share a file (a monorepo's root package.json, an
    included YAML file) would otherwise each report the same problem at the same place. Of the
    copies, one whose service's fail-on it fails is kept."""
    kept: dict[tuple, Diagnostic] = {}
    for d in diagnostics:
        key = (d.code, d.path, d.line, d.column, d.end_line, d.end_column, d.message)
        if key not in kept or (d.fails and not kept[key].fails):
            kept[key] = d
    return list(kept.values())


def _names_a_rule_that_ran(selector: str, ran: list[tuple[str, str]]) -> bool:
    from .suppress import matches

    return any(matches(selector, code, name) for code, name in ran)


def touched_files(service) -> set[Path]:
    """Every file lintkit read for this service: serverless.yml, its includes, handler sources,
    prisma.config.ts, schema.prisma, package.json and .env files."""
    files = {service.config_path}
    if service.document is not None:
        files |= service.document_files[0]
    for function in service.functions:
        graph = service.graph(function)
        if graph is not None:
            files |= {source.path for source in graph.files}
    schema = service.prisma_schema
    if schema is not None:
        files |= set(getattr(schema, "paths", None) or [schema.path])
    if service.prisma_config is not None:
        files.add(service.prisma_config.path)
    files |= {env.path for env in service.env_files}
    if service.package_json is not None:
        files.add(service.package_json.path)
    return files


def report_internal_errors(errors: list[str]) -> None:
    for error in errors:
        print(f"lintkit: {error}", file=sys.stderr)

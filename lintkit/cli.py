"""Command line: `lintkit check`, `lintkit rules`, `lintkit rule CODE`, `lintkit lsp`.

Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 usage, configuration or internal error.
With --baseline only the findings that are not in the baseline count.

`check` reads its PATHs three ways: as folders and files to lint (the default), as the changed files
whose services to lint whole (`--services-of`, the pre-commit hook), or, with `--stdin-filename
PATH`, standard input is the unsaved content of PATH (editors).
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from . import __version__
from .budget import DEFAULT_SERVICE_TIMEOUT

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMATS = ("text", "concise", "json", "sarif", "github", "gitlab", "junit")
HUMAN_FORMATS = ("text", "concise")  # the only ones that may show progress (and import Rich for it)
STATISTICS_FORMATS = ("text", "concise", "json")
FAIL_ON = ("error", "warning", "info", "never")
PROGRESS_MIN_SERVICES = 6  # a progress bar from this many services on


class UsageError(Exception):
    pass


def _selectors(value: str) -> list[str]:
    """A comma-separated list of rule selectors; an unknown one is a usage error (a typo in
    `--ignore` or `--select` would otherwise turn a check off without a word)."""
    from .registry import selector_problem

    selectors = _comma_list(value)
    problems = [problem for problem in map(selector_problem, selectors) if problem]
    if problems:
        raise argparse.ArgumentTypeError("; ".join(problems) + " (`lintkit rules` lists them)")
    return selectors


def _comma_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _as_of(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {value!r}")


def _milliseconds(value: str) -> int:
    try:
        milliseconds = int(value)
    except ValueError:
        milliseconds = -1
    if milliseconds < 0:
        raise argparse.ArgumentTypeError(f"expected milliseconds (0 or more), got {value!r}")
    return milliseconds


def _jobs(value: str) -> int | None:
    if value == "auto":
        return None
    try:
        jobs = int(value)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"expected a number of processes (1 or more) or auto, "
                                         f"got {value!r}")
    return jobs


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0 or seconds == float("inf"):
        raise argparse.ArgumentTypeError(f"expected seconds (0 for no budget), got {value!r}")
    return seconds


def _opt(value: str) -> tuple[str, str]:
    name, sep, setting = value.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {value!r}")
    return name.strip(), setting


def _add_lint_options(command: argparse.ArgumentParser) -> None:
    """The options that decide what is reported, shared by `check` and `lsp`."""
    command.add_argument("--select", type=_selectors, default=None,
                         help="only these codes, code prefixes or names (comma-separated)")
    command.add_argument("--ignore", type=_selectors, default=None,
                         help="skip these codes, code prefixes or names (comma-separated)")
    command.add_argument("--opt", type=_opt, action="append", default=[], metavar="NAME=VALUE",
                         help="value for ${opt:NAME}, e.g. --opt stage=prod, and for a SAM "
                              "template's parameter NAME (repeatable)")
    command.add_argument("--sam-env", default=None, metavar="ENV",
                         help="samconfig.toml environment whose parameter_overrides a SAM template "
                              "uses (default: default)")
    command.add_argument("--as-of", type=_as_of, default=None, metavar="YYYY-MM-DD",
                         help="date for date-dependent rules (default: today)")
    command.add_argument("--no-ignores", action="store_true",
                         help="disregard every inline `lintkit: ignore` comment")


class Parser(argparse.ArgumentParser):
    """argparse without prefix abbreviations (`--stat` is not `--statistics`: an abbreviation that
    works today breaks when a longer option arrives), and with the closest option named when one
    is unknown."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, allow_abbrev=False, **kwargs)

    def parse_args(self, args=None, namespace=None):
        parsed, unknown = self.parse_known_args(args, namespace)
        if unknown:
            command = self._subcommand(getattr(parsed, "command", None)) or self
            command.error(command.unknown_message(unknown))
        return parsed

    def _subcommand(self, name):
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction) and name in action.choices:
                return action.choices[name]
        return None

    def unknown_message(self, unknown: list[str]) -> str:
        import difflib

        options = [o for action in self._actions for o in action.option_strings if o.startswith("--")]
        message = f"unrecognized arguments: {' '.join(unknown)}"
        flag = next((u.split("=")[0] for u in unknown if u.startswith("--")), None)
        close = difflib.get_close_matches(flag, options, n=1, cutoff=0.5) if flag else []
        if not close and flag:
            close = [o for o in options if o.startswith(flag)][:1]
        return message + (f" (did you mean {close[0]}?)" if close else "")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="lintkit",
        description="Lint Serverless Framework services on AWS Lambda with Prisma.")
    parser.add_argument("--version", "-V", action="version", version=f"lintkit {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    check = commands.add_parser("check", help="lint services, handler sources and Prisma files")
    check.add_argument("paths", nargs="*", default=[], metavar="PATH",
                       help="service folder, repository root, or a single file (default: .)")
    check.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    check.add_argument("--fail-on", choices=FAIL_ON, default=None,
                       help="lowest severity that makes the exit code 1 (default: warning)")
    _add_lint_options(check)
    configuration = check.add_mutually_exclusive_group()
    configuration.add_argument("--config", metavar="FILE", default=None,
                               help="use this .lintkit.yml (or package.json with a \"lintkit\" key) for "
                                    "every service instead of the ones found above them")
    configuration.add_argument("--isolated", action="store_true",
                               help="ignore every configuration file: the defaults and the command line")
    check.add_argument("--exclude", type=_comma_list, default=None, metavar="GLOBS",
                       help="skip services matching these globs (comma-separated, relative to the "
                            "working folder) instead of the configuration's `exclude`")
    check.add_argument("--extend-exclude", type=_comma_list, default=None, metavar="GLOBS",
                       help="skip services matching these globs as well as the configuration's `exclude`")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                       help="colour in text output (default: auto; NO_COLOR is honoured)")
    check.add_argument("--output", "-o", metavar="FILE", default=None,
                       help="write the report to FILE and print a one-line summary instead")
    check.add_argument("--statistics", action="store_true",
                       help="count findings per rule instead of listing them (text, concise or json)")
    check.add_argument("--baseline", metavar="FILE", default=None,
                       help="report only findings that are not in this baseline file")
    check.add_argument("--write-baseline", metavar="FILE", default=None,
                       help="record the current findings in FILE (a baseline) and report nothing")
    check.add_argument("--fix", action="store_true",
                       help="apply the safe fixes to the project's files, then report what remains")
    check.add_argument("--unsafe-fixes", action="store_true",
                       help="with --fix or --diff, apply unsafe fixes too (they change behaviour); "
                            "alone, count them as fixable in the report")
    check.add_argument("--diff", action="store_true",
                       help="print the unified diff of what --fix would change and change nothing "
                            "(exit 1 when there is a diff)")
    check.add_argument("--show-fixes", action="store_true",
                       help="list on stderr the fixes applied (with --fix) or applicable")
    check.add_argument("--services-of", action="store_true",
                       help="the PATHs are changed files: lint, whole, the services they belong to "
                            "and skip files outside any service (the pre-commit hook)")
    check.add_argument("--stdin-filename", metavar="PATH", default=None,
                       help="lint standard input as the unsaved content of PATH (the rest of its "
                            "service is read from disk) and report that file only")
    check.add_argument("--quiet", "-q", action="store_true",
                       help="print the findings only: no summary, no progress bar, no notes")
    check.add_argument("--verbose", "-v", action="store_true",
                       help="say on stderr which folders and services discovery skipped, and why")
    check.add_argument("--jobs", "-j", type=_jobs, default=None, metavar="N",
                       help="processes that lint services (default: auto, one per CPU from "
                            "32 services on; the report is the same)")
    check.add_argument("--service-timeout", type=_seconds, default=DEFAULT_SERVICE_TIMEOUT,
                       metavar="SECONDS",
                       help="time budget of one service: past it LINT001 reports it and the run "
                            f"goes on (default: {DEFAULT_SERVICE_TIMEOUT:g}; 0: none)")
    check.add_argument("--no-cache", action="store_true",
                       help="lint every service, neither using nor keeping results between runs")
    check.add_argument("--cache-dir", metavar="DIR", default=None,
                       help="keep results between runs in DIR (default: $XDG_CACHE_HOME/lintkit, "
                            "~/.cache/lintkit)")

    lsp = commands.add_parser("lsp", help="run the language server (LSP over stdio) for editors")
    _add_lint_options(lsp)
    lsp.add_argument("--debounce", type=_milliseconds, default=None, metavar="MS",
                     help="wait this long after the last keystroke before linting (default: 300)")
    lsp.add_argument("--stdio", action="store_true", help=argparse.SUPPRESS)  # what some clients add

    rules = commands.add_parser("rules", help="list every rule")
    rules.add_argument("--format", choices=("text", "json"), default="text",
                       help="text (default) or json: code, name, severity, summary, tags")
    rule = commands.add_parser("rule", help="show a rule's documentation")
    rule.add_argument("rule", metavar="CODE|NAME")
    return parser


def main(argv: list[str] | None = None) -> int:
    if argv is None:  # the `lintkit` process itself, not a caller's: see _skip_exit_collection
        _skip_exit_collection()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return EXIT_ERROR if exit_.code not in (0, None) else EXIT_OK
    try:
        if args.command == "check":
            return run_check(args)
        if args.command == "rules":
            return list_rules(args.format)
        if args.command == "rule":
            return show_rule(args.rule)
        if args.command == "lsp":
            return run_lsp(args)
        parser.print_help()
        return EXIT_ERROR
    except UsageError as error:
        from .redact import redact  # a configuration or discovery error may quote the project

        print(f"lintkit: {redact(str(error))}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `lintkit rule X | head`: the reader left, nothing more to say
        discard_stdout()
        return EXIT_OK
    except Exception as error:  # a lintkit bug: exit 2 and say what failed, never exit 1
        print(f"lintkit: {internal_error(error)}", file=sys.stderr)
        return EXIT_ERROR


def discard_stdout() -> None:
    """After the reader of stdout left: send what is still buffered to /dev/null, so that the
    flush at exit does not fail again."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def internal_error(error: BaseException) -> str:
    """One line for an unexpected exception: what it was and the lintkit code it came from; the
    traceback follows only with LINTKIT_DEBUG=1 (a traceback in a CI log reads like a crash of the
    project, and its frames are noise to anyone but a lintkit developer)."""
    import traceback

    frames = traceback.extract_tb(error.__traceback__)
    package = os.path.dirname(os.path.abspath(__file__)) + os.sep
    ours = [frame for frame in frames if frame.filename.startswith(package)] or frames
    where = ""
    if ours:
        frame = ours[-1]
        where = f" in {Path(frame.filename).name}:{frame.lineno} ({frame.name})"
    detail = " ".join(str(error).split())[:300]
    line = f"internal error: {type(error).__name__}{': ' + detail if detail else ''}{where}"
    if os.environ.get("LINTKIT_DEBUG") == "1":
        return line + "\n" + "".join(traceback.format_exception(error)).rstrip()
    return line + "; please report it (LINTKIT_DEBUG=1 shows the traceback)"


def _skip_exit_collection() -> None:
    """At exit Python searches every object left for cycles: about a tenth of a small run's time.
    The process ends anyway, so freeze them then and skip it (the report is flushed all the same,
    and lintkit keeps nothing that needs finalising)."""
    import atexit
    import gc

    atexit.register(gc.freeze)


GC_GEN0_THRESHOLD = 50_000  # Python's default is 700 (2,000 in 3.13)


def tune_garbage_collector() -> None:
    """Moves what start-up built (modules, rule registry, grammars) out of the collector's sight
    and makes its youngest generation larger: at scale the cyclic collector otherwise rescans
    those objects again and again (bench/RESULTS.md, "issue 15, first steps"). No collection
    first: start-up leaves little garbage, and a full collection would cost every run ~18 ms."""
    import gc

    gc.freeze()
    gc.set_threshold(GC_GEN0_THRESHOLD, *gc.get_threshold()[1:])


def run_check(args) -> int:
    from .read.overlay import buffers
    from .read.surrogates import ERRORS

    if hasattr(sys.stdout, "reconfigure"):
        # File names that are not UTF-8 reach reports as surrogates: print their bytes, as ls does
        # (and any other lone surrogate as U+FFFD), rather than fail after the whole run.
        sys.stdout.reconfigure(errors=ERRORS)
    _check_combinations(args)
    baseline = _load_baseline(args.baseline) if args.baseline else None
    overlays = {}
    if args.stdin_filename is not None:
        overlays = {Path(args.stdin_filename).resolve(): _read_stdin()}
    # The unsaved buffer stays in place after the run too: code frames and baseline fingerprints
    # read the lines diagnostics point at.
    with buffers(overlays):
        return _check(args, baseline, overlays)


def _check(args, baseline, overlays) -> int:
    from .cache import cache_folder
    from .config import ConfigError
    from .discovery import DiscoveryError
    from .engine import Engine, Options, report_internal_errors
    from .formats.sam import with_environment

    cache_dir, cache_dir_named = (None, False) if args.no_cache or overlays else cache_folder(args.cache_dir)
    options = Options(
        as_of=args.as_of or date.today(), opt=with_environment(dict(args.opt), args.sam_env),
        select=args.select,
        ignore=args.ignore, fail_on=args.fail_on, no_ignores=args.no_ignores, overlays=overlays,
        jobs=args.jobs, service_timeout=args.service_timeout,
        config=_explicit_config(args.config) if args.config else None, isolated=args.isolated,
        exclude=args.exclude, extend_exclude=args.extend_exclude, cwd=Path.cwd(),
        cache_dir=cache_dir, cache_dir_named=cache_dir_named)
    try:
        targets = _targets(args)
        engine = Engine(options)
        tune_garbage_collector()
        with progress_bar(args.format if not args.quiet else "quiet", len(targets)) as progress:
            result = engine.run(targets, progress)
    except (DiscoveryError, ConfigError) as error:
        raise UsageError(str(error))

    if args.write_baseline:
        report_internal_errors(result.internal_errors)
        if result.internal_errors:
            print(f"lintkit: baseline {args.write_baseline} not written: a rule failed", file=sys.stderr)
            return EXIT_ERROR
        return _write_baseline(args.write_baseline, result.diagnostics, engine)

    if args.fix or args.diff:
        from .fixes import unified_diff

        outcome, engine, result = _fix_rounds(args, options, targets, engine, result, baseline)
        if args.diff:
            report_internal_errors(result.internal_errors)
            sys.stdout.write(unified_diff(outcome, Path.cwd(), engine.redactor))
            _show_fixes(args, outcome.applied, "would fix", engine.redactor)
            return EXIT_ERROR if result.internal_errors else EXIT_FINDINGS if outcome.changed else EXIT_OK
        _write_fixes(outcome)
        _show_fixes(args, outcome.applied, "fixed", engine.redactor)
    elif args.show_fixes:
        _show_applicable(args, result.diagnostics, engine.redactor)

    diagnostics, baselined, gone = result.diagnostics, 0, 0
    if baseline is not None:

        comparison = baseline.compare(diagnostics, engine.lines, engine.redactor)
        diagnostics, baselined, gone = comparison.new, comparison.baselined, comparison.gone
    try:
        render(args, diagnostics, result, engine, baselined)
    except BrokenPipeError:  # `lintkit check | head`: the reader left; the exit code still counts
        discard_stdout()
    if args.quiet:
        pass  # the findings only
    elif args.output and args.output != "-":
        print(summary_line(diagnostics, args.output, args.baseline, baselined, gone))
    elif gone and args.format in HUMAN_FORMATS:
        print(f"lintkit: {baseline_gone(gone, args.baseline, len(diagnostics))}", file=sys.stderr)
    if not (args.quiet or args.stdin_filename):
        for note in unreached_notes(targets, result.files, engine.redactor):
            print(f"lintkit: {note}", file=sys.stderr)
    report_internal_errors(result.internal_errors)
    if result.invalid_configs:
        from .display import display_path

        shown = ", ".join(engine.redactor(display_path(path, Path.cwd())) for path in result.invalid_configs)
        print(f"lintkit: invalid configuration in {shown} (PARSE001 above says where); the "
              "services it applies to were linted with the default configuration", file=sys.stderr)
    if result.internal_errors or result.invalid_configs:
        return EXIT_ERROR
    return exit_code(diagnostics)


def _fix_rounds(args, options, targets, engine, result, baseline):
    """Lints again with the fixed texts standing in for the files until no applicable fix is left
    (lintkit.fixes); returns the outcome and the last run's engine and result. Findings in the
    baseline are not fixed."""
    from .engine import Engine
    from .fixes import fix_until_stable, project_root_of
    from .model.fieldclasses import replace

    last = {"engine": engine, "result": result}
    redactors = [engine.redactor]

    def unbaselined(run_engine, run_result):
        if baseline is None:
            return run_result.diagnostics
        return baseline.compare(run_result.diagnostics, run_engine.lines, run_engine.redactor).new

    def lint(fixed):
        run_engine = Engine(replace(options, overlays={**options.overlays, **fixed}))
        run_result = run_engine.run(targets)
        last.update(engine=run_engine, result=run_result)
        redactors.append(run_engine.redactor)
        return unbaselined(run_engine, run_result)

    redactor = _CombinedRedactor(redactors)
    outcome, _ = fix_until_stable(lint, project_root_of(targets), args.unsafe_fixes, redactor,
                                  unbaselined(engine, result))
    last["engine"].redactor = redactor
    return outcome, last["engine"], last["result"]


class _CombinedRedactor:
    """Masks what any round's redactor knows (each round's rules name the secrets they saw)."""

    def __init__(self, redactors):
        self.redactors = redactors

    def __call__(self, text: str) -> str:
        for each in self.redactors:
            text = each(text)
        return text

    def message(self, text: str) -> str:
        for each in self.redactors:
            text = each.message(text)
        return text

    def __getattr__(self, name):
        return getattr(self.redactors[-1], name)


def _write_fixes(outcome) -> None:
    from .fixes import write_fixed
    from .read.files import Refused

    try:
        write_fixed(outcome)
    except Refused as error:
        raise UsageError(f"--fix: {error.path}: {error.reason}")
    except OSError as error:
        raise UsageError(f"--fix: cannot write {error.filename}: {error.strerror or error}")


def _show_fixes(args, applied, verb: str, redactor) -> None:
    """`--show-fixes`: each fix applied (or, with --diff, that would be), by file, on stderr;
    without it a one-line count (unless --quiet)."""
    from .display import display_path

    if args.quiet and not args.show_fixes:
        return
    print(f"lintkit: {verb} {_plural(len(applied), 'finding')}", file=sys.stderr)
    if args.show_fixes:
        for path, title in applied:
            print(f"  {redactor(display_path(path, Path.cwd()))}: {redactor(title)}", file=sys.stderr)


def _show_applicable(args, diagnostics, redactor) -> None:
    """`--show-fixes` without --fix: the fixes --fix (with --unsafe-fixes, unsafe ones too) would apply."""
    from .display import display_path
    from .fixes import applicable

    for d in applicable(diagnostics, args.unsafe_fixes):
        print(f"lintkit: {redactor(display_path(d.path, Path.cwd()))}:{d.line}:{d.column}: {d.code} "
              f"[{d.fix.applicability}] {redactor(d.fix.title)}", file=sys.stderr)


def unreached_notes(targets, files_read: set[Path], redact) -> list[str]:
    """A file or folder named on the command line that no function of its service reaches has no
    findings because lintkit never looked: say so rather than "0 files checked"."""
    from .display import display_path

    notes = []
    for target in targets:
        service = display_path(target.config_path, Path.cwd())
        for path in sorted(target.only_files - files_read):
            notes.append(f"{redact(display_path(path, Path.cwd()))}: no function of {redact(service)} "
                         "reaches it (it is not a handler, an import of one, or a file the service "
                         "reads), so it was not checked")
        for folder in sorted(target.only_under):
            if not any(target.reports(file) for file in files_read):
                notes.append(f"{redact(display_path(folder, Path.cwd()))}: no file in it is read by "
                             f"{redact(service)} (no handler or import of one is there), so none was checked")
    return notes


def _explicit_config(path: str):
    """The `--config FILE` configuration; anything wrong with it is a usage error (exit 2): the user
    named this file, so lintkit does not fall back to the defaults."""
    from .config import ConfigError, load_config
    from .read.files import is_file

    if not is_file(Path(path)):
        raise UsageError(f"--config {path}: no such file")
    try:
        return load_config(Path(path))
    except ConfigError as error:
        raise UsageError(f"--config {path}: invalid configuration\n{error}")


def _targets(args):
    """The services to lint, per how `check` reads its PATHs (see the module docstring)."""
    from .discovery import discover, services_of

    if args.stdin_filename is not None:
        return _stdin_targets(args.stdin_filename)
    skipped = []
    if args.services_of:
        targets = services_of(args.paths, skipped)
    else:
        targets = discover(args.paths or ["."], skipped)
    if args.verbose:
        _print_skipped(skipped)
    return targets


def _print_skipped(skipped) -> None:
    from .display import display_path
    from .redact import redact

    cwd = Path.cwd()
    for skip in skipped:
        print(f"lintkit: skipped {redact(display_path(skip.path, cwd))} ({skip.reason})", file=sys.stderr)


def _stdin_targets(raw: str):
    """The service of `--stdin-filename PATH`, reporting PATH only, even for a serverless.yml (an
    editor shows findings in the buffer it sent). PATH outside every service: nothing to lint, as
    for the pre-commit hook. A PATH that is not on disk yet can stand in only as a serverless.yml:
    lintkit reaches every other file from the service on disk (handler paths, schema.prisma, .env)."""
    from .discovery import owning_service, service_target
    from .formats import is_config

    path = Path(raw).resolve()
    if path.is_dir():
        raise UsageError(f"--stdin-filename {raw}: a folder, not a file")
    if is_config(path):
        config = path
    else:
        config = owning_service(path)
        if config is None:
            return []
        if not path.exists():
            raise UsageError(f"--stdin-filename {raw}: not on disk yet; lintkit finds handler "
                             f"sources, schema.prisma and .env files through the service's files on "
                             f"disk, so save it once (an unsaved serverless.yml can be linted)")
    target = service_target(config)
    target.only_files.add(path)
    return [target]


def _read_stdin() -> bytes:
    stream = getattr(sys.stdin, "buffer", None)
    if stream is not None:
        return stream.read()
    return (sys.stdin.read() if sys.stdin is not None else "").encode("utf-8")


def _check_combinations(args) -> None:
    if args.stdin_filename is not None:
        if args.paths not in ([], ["-"]):
            raise UsageError(f"--stdin-filename lints standard input as {args.stdin_filename}; "
                             f"drop the PATHs ({' '.join(args.paths)}) or give `-`")
        others = [option for option, given in (("--services-of", args.services_of),
                                               ("--write-baseline", args.write_baseline),
                                               ("--fix", args.fix), ("--diff", args.diff)) if given]
        if others:
            raise UsageError(f"--stdin-filename lints one unsaved buffer; drop {' and '.join(others)}")
    if args.statistics and args.format not in STATISTICS_FORMATS:
        raise UsageError(f"--statistics prints a table (--format text or concise) or a JSON array "
                         f"(--format json), not {args.format}")
    if args.write_baseline:
        others = [option for option, given in (("--baseline", args.baseline), ("--output", args.output),
                                               ("--statistics", args.statistics), ("--fix", args.fix),
                                               ("--diff", args.diff)) if given]
        if others:
            raise UsageError(f"--write-baseline records every current finding and reports nothing; "
                             f"drop {' and '.join(others)}")


def run_lsp(args) -> int:
    from importlib.util import find_spec

    missing = [name for name in ("pygls", "lsprotocol") if _find(find_spec, name) is None]
    if missing:  # pygls is the `lsp` extra, not a core dependency
        raise UsageError(f"the language server needs pygls 2 (missing: {', '.join(missing)}): "
                         "install the `lsp` extra (`pip install '.[lsp]'` in a checkout of lintkit) "
                         "or `pip install 'pygls>=2,<3'` into lintkit's environment")
    from .lsp_handshake import serve  # answers `initialize` before importing the server

    return serve(args)


def _find(find_spec, name: str):
    try:
        return find_spec(name)
    except (ImportError, ValueError):  # a module set to None in sys.modules, a broken install
        return None


def _load_baseline(path: str):
    from .baseline import Baseline, BaselineError

    try:
        return Baseline.load(Path(path))
    except BaselineError as error:
        raise UsageError(str(error))


def _write_baseline(path: str, diagnostics, engine) -> int:
    from .baseline import write_baseline

    try:
        document = write_baseline(Path(path), diagnostics, engine.lines, engine.redactor)
    except OSError as error:
        raise UsageError(f"cannot write baseline {path}: {error.strerror or error}")
    entries = len(document["findings"])
    print(f"lintkit: baseline {path} written: {_plural(len(diagnostics), 'finding')} "
          f"({_plural(entries, 'entry', 'entries')})")
    return EXIT_OK


def exit_code(diagnostics) -> int:
    """1 when a finding is at or above its own service's fail-on (the worst over services)."""
    return EXIT_FINDINGS if any(d.fails for d in diagnostics) else EXIT_OK


def render(args, diagnostics, result, engine, baselined: int = 0) -> None:
    """The report, on stdout or, with --output FILE, into FILE."""
    import io

    from .reporters import ReportContext, render as render_format

    to_file = bool(args.output) and args.output != "-"
    color = {"always": True, "never": False}.get(args.color)
    if to_file and color is None:
        color = False  # a report file is never coloured unless asked with --color always
    context = ReportContext(
        cwd=Path.cwd(), files_checked=len(result.files), rules=rule_infos(),
        tool_version=__version__, read_source=engine.lines, color=color,
        services=result.services, redact=engine.redactor, checked=sorted(result.files), baselined=baselined,
        quiet=args.quiet, rule_url=result.rule_url, width=None if to_file else terminal_width(sys.stdout),
        unsafe_fixes=args.unsafe_fixes)
    stream = io.StringIO() if to_file else sys.stdout
    if args.statistics:
        from .reporters import statistics

        statistics.render(args.format, diagnostics, stream)
    else:
        render_format(args.format, diagnostics, context, stream)
    if to_file:
        from .read.files import write_text

        try:
            write_text(Path(args.output), stream.getvalue())
        except OSError as error:
            raise UsageError(f"cannot write {args.output}: {error.strerror or error}")


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def summary_line(diagnostics, output: str, baseline: str | None = None, baselined: int = 0,
                 gone: int = 0) -> str:
    """The line printed (on stdout) when --output sends the report to a file:
    `lintkit: 3 errors, 1 warning; report written to lintkit.sarif`."""
    totals = {"error": 0, "warning": 0, "info": 0}
    for d in diagnostics:
        totals[d.severity] = totals.get(d.severity, 0) + 1
    new = "new " if baseline else ""
    found = ", ".join(_plural(totals[s], new + s) for s in ("error", "warning", "info") if totals[s])
    notes = [f"{baselined} in the baseline"] if baselined else []
    if gone:
        notes.append(baseline_gone(gone, baseline, len(diagnostics)))
    note = f" ({'; '.join(notes)})" if notes else ""
    return f"lintkit: {found or f'no {new}problems'}{note}; report written to {output}"


def baseline_gone(gone: int, baseline: str | None, new: int = 0) -> str:
    """The note on baseline entries that match nothing any more. Rewriting the baseline drops them,
    but it records every current finding too: with new findings, say that it would accept them."""
    them = "it" if gone == 1 else "them"
    entries = (f"{_plural(gone, 'baseline entry', 'baseline entries')} no longer "
               f"{'matches' if gone == 1 else 'match'}")
    if new:
        return (f"{entries}; `--write-baseline {baseline}` would drop {them} but also accept the "
                f"{_plural(new, 'new finding')}: fix those first")
    return f"{entries}: drop {them} with --write-baseline {baseline}"


@contextmanager
def progress_bar(format: str, total: int, stream=None):
    """A Rich progress bar on stderr while many services are linted; yields the engine's progress
    callback, or None. Only for human formats on a terminal: Rich is imported only then."""
    stream = sys.stderr if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    if format not in HUMAN_FORMATS or total < PROGRESS_MIN_SERVICES or not (isatty and isatty()):
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .redact import redact
    from .display import display_path

    console = Console(file=stream, highlight=False, markup=False, emoji=False)
    bar_width = 20
    columns = (TextColumn("Linting"), BarColumn(bar_width=bar_width), MofNCompleteColumn(),
               TimeElapsedColumn(), TextColumn("{task.description}", markup=False))
    # What the path may take once the bar, the count and the clock have theirs: the path is cut
    # first (from the left, where the folders are), never the bar or the count.
    room = console.width - (len("Linting") + bar_width + 2 * len(str(total)) + 1 + len("0:00:00") + 5)
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("", total=total)

        def advance(index: int, target) -> None:
            shown = redact(display_path(target.config_path.parent, Path.cwd()))
            progress.update(task, completed=index, description=shorten_left(shown, room))

        yield advance
        progress.update(task, completed=total)


def terminal_width(stream) -> int | None:
    """The columns of the terminal `stream` writes to, or None when it is not one (a pipe or a
    file gets one line per message, for grep and for diffs)."""
    isatty = getattr(stream, "isatty", None)
    if not (isatty and isatty()):
        return None
    import shutil

    return max(shutil.get_terminal_size().columns, 40)


def shorten_left(text: str, width: int) -> str:
    """`text` in at most `width` cells, cut from the left: `...vices/orders/api`."""
    if len(text) <= width:
        return text
    return "..." + text[len(text) - max(width - 3, 0):] if width > 3 else ""


def rule_infos():
    from .registry import all_rules
    from .reporters import RuleInfo

    return [RuleInfo(rule.code, rule.name, rule.severity, rule.summary, lambda rule=rule: rule.doc)
            for rule in all_rules()]


def list_rules(format: str = "text") -> int:
    from .registry import all_rules

    rules = all_rules()
    if format == "json":
        import json

        # tags: the rule's group (the letters of its code), for editors and scripts to filter on.
        print(json.dumps([{"code": rule.code, "name": rule.name, "severity": rule.severity,
                           "summary": rule.summary, "tags": [rule.code.rstrip("0123456789")]}
                          for rule in rules], indent=2))
        return EXIT_OK
    import textwrap

    width = max((len(rule.name) for rule in rules), default=0)
    columns = terminal_width(sys.stdout)
    for rule in rules:
        row = f"{rule.code:<12} {rule.name:<{width}}  {rule.severity:<7}  "
        if columns is None or len(row) + len(rule.summary) <= columns:
            print(row + rule.summary)
        elif columns - len(row) >= 30:  # the summary wraps in its own column
            print("\n".join(textwrap.wrap(rule.summary, columns, initial_indent=row,
                                          subsequent_indent=" " * len(row))))
        else:  # too narrow for columns: the summary goes under the row
            print(row.rstrip())
            print("\n".join(textwrap.wrap(rule.summary, columns, initial_indent="    ",
                                          subsequent_indent="    ")))
    return EXIT_OK


def show_rule(code_or_name: str) -> int:
    from .registry import find_rule

    rule = find_rule(code_or_name)
    if rule is None:
        raise UsageError(f"no rule named {code_or_name!r}; `lintkit rules` lists them")
    print(f"{rule.code} [{rule.name}] ({rule.severity})\n")
    columns = terminal_width(sys.stdout)
    print(rewrap(rule.doc, columns) if columns else rule.doc)
    return EXIT_OK


def rewrap(doc: str, columns: int) -> str:
    """A rule's documentation at the terminal's width: prose paragraphs are wrapped again at
    words; indented lines (examples, lists) are kept as they are written."""
    import textwrap

    out, paragraph = [], []

    def flush():
        if paragraph:
            out.extend(textwrap.wrap(" ".join(paragraph), columns, break_on_hyphens=False,
                                     break_long_words=False))
            paragraph.clear()

    for line in doc.splitlines():
        if line and not line[0].isspace():
            if re.match(r"(?:[-*]|\d+\.) ", line):  # a list item starts a paragraph of its own
                flush()
            paragraph.append(line.strip())
        else:
            flush()
            out.append(line)
    flush()
    return "\n".join(out)

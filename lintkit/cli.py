"""Command line: `lintkit check`, `lintkit rules`, `lintkit rule CODE`.

Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 usage, configuration or internal error.
"""
from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

from . import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMATS = ("text", "concise", "json", "sarif", "github")
FAIL_ON = ("error", "warning", "info", "never")


class UsageError(Exception):
    pass


def _selectors(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _as_of(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {value!r}")


def _opt(value: str) -> tuple[str, str]:
    name, sep, setting = value.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {value!r}")
    return name.strip(), setting


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lintkit",
        description="Lint Serverless Framework services on AWS Lambda with Prisma.")
    parser.add_argument("--version", action="version", version=f"lintkit {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser("check", help="lint services, handler sources and Prisma files")
    check.add_argument("paths", nargs="*", default=["."], metavar="PATH",
                       help="service folder, repository root, or a single file (default: .)")
    check.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    check.add_argument("--fail-on", choices=FAIL_ON, default=None,
                       help="lowest severity that makes the exit code 1 (default: warning)")
    check.add_argument("--select", type=_selectors, default=None,
                       help="only these codes, code prefixes or names (comma-separated)")
    check.add_argument("--ignore", type=_selectors, default=None,
                       help="skip these codes, code prefixes or names (comma-separated)")
    check.add_argument("--opt", type=_opt, action="append", default=[], metavar="NAME=VALUE",
                       help="value for ${opt:NAME}, e.g. --opt stage=prod (repeatable)")
    check.add_argument("--as-of", type=_as_of, default=None, metavar="YYYY-MM-DD",
                       help="date for date-dependent rules (default: today)")
    check.add_argument("--no-ignores", action="store_true",
                       help="disregard every inline `lintkit: ignore` comment")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                       help="colour in text output (default: auto; NO_COLOR is honoured)")

    commands.add_parser("rules", help="list every rule")
    rule = commands.add_parser("rule", help="show a rule's documentation")
    rule.add_argument("rule", metavar="CODE|NAME")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return EXIT_ERROR if exit_.code not in (0, None) else EXIT_OK
    try:
        if args.command == "check":
            return run_check(args)
        if args.command == "rules":
            return list_rules()
        if args.command == "rule":
            return show_rule(args.rule)
        parser.print_help()
        return EXIT_ERROR
    except UsageError as error:
        print(f"lintkit: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `lintkit rule X | head`: the reader left, nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def run_check(args) -> int:
    from .config import ConfigError
    from .discovery import DiscoveryError, discover
    from .engine import Engine, Options, report_internal_errors

    options = Options(
        as_of=args.as_of or date.today(), opt=dict(args.opt), select=args.select,
        ignore=args.ignore, fail_on=args.fail_on, no_ignores=args.no_ignores)
    try:
        targets = discover(args.paths)
        engine = Engine(options)
        result = engine.run(targets)
    except (DiscoveryError, ConfigError) as error:
        raise UsageError(str(error))
    render(args, result, engine)
    report_internal_errors(result.internal_errors)
    if result.internal_errors:
        return EXIT_ERROR
    return exit_code(result.diagnostics, result.fail_on)


def exit_code(diagnostics, fail_on: str) -> int:
    from .diagnostics import SEVERITY_RANK

    if fail_on == "never":
        return EXIT_OK
    threshold = SEVERITY_RANK[fail_on]
    failing = any(SEVERITY_RANK[d.severity] >= threshold for d in diagnostics)
    return EXIT_FINDINGS if failing else EXIT_OK


def render(args, result, engine) -> None:
    from .redact import redact
    from .reporters import ReportContext, render as render_format

    color = {"always": True, "never": False}.get(args.color)
    context = ReportContext(
        cwd=Path.cwd(), files_checked=len(result.files), rules=rule_infos(),
        tool_version=__version__, read_source=engine.lines, color=color,
        services=result.services, redact=redact)
    render_format(args.format, result.diagnostics, context, sys.stdout)


def rule_infos():
    from .registry import all_rules
    from .reporters import RuleInfo

    return [RuleInfo(rule.code, rule.name, rule.severity, rule.summary, rule.doc)
            for rule in all_rules()]


def list_rules() -> int:
    from .registry import all_rules

    rules = all_rules()
    width = max((len(rule.name) for rule in rules), default=0)
    for rule in rules:
        print(f"{rule.code:<12} {rule.name:<{width}}  {rule.severity:<7}  {rule.summary}")
    return EXIT_OK


def show_rule(code_or_name: str) -> int:
    from .registry import find_rule

    rule = find_rule(code_or_name)
    if rule is None:
        raise UsageError(f"no rule named {code_or_name!r}; `lintkit rules` lists them")
    print(f"{rule.code} [{rule.name}] ({rule.severity})\n")
    print(rule.doc)
    return EXIT_OK

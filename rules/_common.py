"""Helpers shared by rule modules."""
from __future__ import annotations


def load_findings(service, code: str):
    """The findings the loaders recorded for one PARSE code."""
    return (finding for finding in service.load_findings if finding.code == code)


def once_per_place(findings):
    """The findings, each place (file, line, column) once: a file or YAML node reachable from
    several functions is reported for the first of them only."""
    seen = set()
    for finding in findings:
        span = finding.span
        key = (span.path, span.line, span.column)
        if key not in seen:
            seen.add(key)
            yield finding


def shared(service, compute):
    """`list(compute(service))`, worked out once per service for every rule that asks: rules that
    scan the same strings (SECRET001 and SECRET002 the configuration's texts) walk them once."""
    cache = getattr(service, "_lintkit_shared", None)
    if cache is None:
        cache = service._lintkit_shared = {}
    if compute not in cache:
        cache[compute] = list(compute(service))
    return cache[compute]

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


def scalar_fix(node, new_value: str, title: str, applicability: str = "safe"):
    """A fix that writes `new_value` in place of a one-line YAML scalar, in the scalar's own quoting;
    None when the scalar's text as written cannot be known (escapes, block scalars, a value a
    variable computed). The edit holds the text it replaces: the engine edits nothing else."""
    from lintkit.model.diagnostics import Fix
    from lintkit.model.nodes import Scalar

    if not isinstance(node, Scalar) or node.span.line != node.span.end_line:
        return None
    value = node.value
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    value = str(value)
    quote = {None: "", "'": "'", '"': '"'}.get(node.style)
    if quote is None or any(char in value + new_value for char in "\\\"'\n\r"):
        return None
    return Fix.replace(node.span, quote + value + quote, quote + new_value + quote, title, applicability)


# -- SAM templates: where a setting is edited, in SAM's words --------------------------------------

def in_sam(service) -> bool:
    """The service is an AWS SAM template (`lintkit.formats.sam`): its functions inherit
    `Globals.Function`, not `provider:`."""
    return service.format == "sam"


def shared_settings(service) -> str:
    """What every function inherits: `Globals.Function` in a SAM template, else `provider`."""
    return "Globals.Function" if in_sam(service) else "provider"


def ssm_example(service, name: str = "/app/database-url") -> str:
    """A deploy-time SSM parameter as the format writes one."""
    return f"{{{{resolve:ssm:{name}}}}}" if in_sam(service) else f"${{ssm:{name}}}"

"""Prisma as a fact of the whole service, for the functions whose code lintkit could not follow.

A function's handler graph says whether it loads the Prisma client. Where there is no graph (the
handler's source was not found, build output could not be mapped back to its source, the file could
not be analysed) or the graph stops short (it hands code on to build output whose source was not
found, reaches files it could not analyse, or hit its size limit), the service's own evidence stands
in: package.json depends on `@prisma/client` or `prisma`, and a schema.prisma belongs to the service.
Then the rules that judge the service's Prisma setup as a whole (binary targets, engine packaging,
the database URL) count that function too, and say that its code was not followed.

Only the service's own Node.js functions count: `functions:` entries whose runtime is a nodejs one
or unset (Serverless's default), with a handler written as a literal. Never container images, other
runtimes, runtimes that are variables, or raw Lambda resources (their code comes from elsewhere). A
function whose graph is complete and does not import Prisma is not a Prisma function: in a service
where some functions use the database, the others stay quiet.
"""
from __future__ import annotations

from pathlib import Path

from ..model.nodes import is_dynamic, text
from .facts import is_node_function, other_language_module


def prisma_evidence(service) -> str | None:
    """What says the service uses Prisma, for messages: "the service depends on `@prisma/client`
    (package.json) and has prisma/schema.prisma"; None when either is missing."""
    package, schema = service.package_json, service.prisma_schema
    if package is None or schema is None:
        return None
    name = next((name for name in ("@prisma/client", "prisma") if package.dependency(name)), None)
    if name is None:
        return None
    return f"the service depends on `{name}` (package.json) and has {_schema_name(service, schema)}"


def _schema_name(service, schema) -> str:
    path = Path(schema.path)
    return path.relative_to(service.root).as_posix() if path.is_relative_to(service.root) else path.name


def code_not_followed(service, function) -> bool:
    """The function is one of the service's Node.js functions and lintkit could not follow all of
    its code (see the module docstring)."""
    if function.kind != "function" or function.image is not None or not is_node_function(function):
        return False
    handler = function.handler
    value = text(handler)
    if not isinstance(value, str) or "." not in value or "${" in value or is_dynamic(handler):
        return False
    graph = service.graph(function)
    if graph is None:  # a handler that is a Python `app.py` (say) is no Node.js code
        return not other_language_module(service.root / value.rsplit(".", 1)[0])
    missing = any(not imp.type_only for _, imp, _ in graph.missing_output)  # types carry no code
    return missing or bool(graph.unparsed) or graph.truncated


def prisma_by_service(service, function) -> str | None:
    """Why a function whose code was not followed counts as a Prisma function (the service's
    evidence), or None when it does not count that way."""
    if not code_not_followed(service, function):
        return None
    return prisma_evidence(service)


"""The handler closes the shared database client on every invocation.

What: `$disconnect()` on a Prisma client (or `end()` on a `pg` / `mysql2` pool) that lives
across invocations — built at module scope or cached in a module-level variable or on
`globalThis` — called in the handler's body, its `finally`, or a helper the handler calls each
time. A call in the handler's own body is reported where it is; otherwise the call in the handler
that leads to it. Not flagged: migration functions (named like `*migrat*`, or running
`prisma migrate` / `db push`), custom-resource functions (the `ServiceToken` of a `Custom::*` or
`AWS::CloudFormation::CustomResource`), scheduled jobs (`schedule` events only), clients built per
invocation (that is CLIENT001), shutdown listeners (`process.on('SIGTERM', ...)`).

Why: the next warm invocation finds the client closed: Prisma reconnects transparently but pays the
TCP and TLS handshake and the authentication again, which is often most of a short request's
latency; a closed `pg` pool throws `Cannot use a pool after calling end on the pool`.

Example:
    const prisma = new PrismaClient()
    export const handler = async () => {
      try {
        return await prisma.user.findMany()
      } finally {
        await prisma.$disconnect()
      }
    }

Use instead:
    const prisma = new PrismaClient()
    export const handler = async () => prisma.user.findMany()  // the connection stays warm

References: Prisma, "Databases connections: serverless environments" (do not explicitly
`$disconnect()`); Prisma, "Deploy to AWS Lambda"; node-postgres, "Pooling" (`pool.end`).
"""
import re

from lintkit.analysis.cfn import functions_by_logical_id, is_custom_resource_type
from lintkit.analysis.clients import client_analysis, describe_chain
from lintkit.analysis.migrations import migration_runs
from lintkit.model.diagnostics import Finding
from lintkit.model.lazyre import lazy_compile
from lintkit.model.nodes import Mapping, Scalar, Sequence, intrinsic_name, string_like, text

from ._common import once_per_place

CODE = "CLIENT002"
NAME = "disconnect-in-handler"
SEVERITY = "warning"
SUMMARY = "The handler disconnects a client that is meant to be reused by warm invocations."

MIGRATION_NAME = lazy_compile(r"migrat", re.IGNORECASE)
FIX = ("remove it so the connection stays open for the next warm invocation (Lambda freezes the "
       "instance between invocations; the client is closed when the instance is recycled).")


def check(service, context):
    return once_per_place(_findings(service))


def _findings(service):
    custom_resource_targets = _custom_resource_targets(service)
    for function in service.functions:
        clients = client_analysis(service, function)
        disconnects = list(clients.per_invocation_disconnects()) if clients is not None else []
        if not disconnects or _runs_once(service, function, custom_resource_targets):
            continue
        for disconnect in disconnects:
            where = disconnect.chain[0].span if disconnect.chain else disconnect.span
            yield Finding.at(where, _message(service, clients.graph, disconnect),
                             function=function.name)


def _message(service, graph, disconnect) -> str:
    if not disconnect.chain:
        return f"`{disconnect.label}` closes the shared database client on every invocation: {FIX}"
    path = describe_chain(graph, disconnect.chain, disconnect.label, disconnect.span, service.root)
    return f"This call closes the shared database client on every invocation ({path}): {FIX}"


def _runs_once(service, function, custom_resource_targets) -> bool:
    """Migration, custom-resource and scheduled functions may close their client at the end."""
    if MIGRATION_NAME.search(function.name) or MIGRATION_NAME.search(text(function.handler) or ""):
        return True
    if function.name in custom_resource_targets:
        return True
    events = function.event_types() if function.kind == "function" or function.is_sam else set()
    if events == {"schedule"}:
        return True
    return bool(migration_runs(service, function))


def _custom_resource_targets(service) -> set[str]:
    """Names of the functions some custom resource's `ServiceToken` points at."""
    tokens = [resource.properties.get("ServiceToken") for resource in service.resources
              if resource.properties is not None and is_custom_resource_type(resource.type)]
    return {function.name for logical_id, function in functions_by_logical_id(service).items()
            if any(_points_at(token, logical_id, function.name) for token in tokens)}


def _points_at(token, logical_id: str, name: str) -> bool:
    if intrinsic_name(token) == "Fn::GetAtt":
        target = token.value if not isinstance(token, Mapping) else token.pairs[0][1]
        if isinstance(target, Sequence) and target.items:
            target = target.items[0]
        return isinstance(target, Scalar) and str(target.value).split(".")[0] == logical_id
    value = string_like(token) or ""
    return value.endswith((f"-{name}", f":{name}"))

"""A database function opts out of `provider.vpc` with `vpc: ~` or `vpc: {}`.

What: a `functions:` entry whose own `vpc` is null (`vpc: ~`, `vpc:`) or an empty mapping while
`provider.vpc` is set, and whose handler graph imports a database client (`@prisma/client` or a
generated client, `pg`, `mysql2`, `@prisma/adapter-*`); when the handler cannot be found, a
`DATABASE_URL` set on the function itself counts. Not flagged: functions that never reach a database
client (webhooks and the like that need the internet, even when `provider.environment` sets
`DATABASE_URL` for everyone), databases known to live outside AWS (Neon, Supabase, PlanetScale,
Prisma Accelerate and Prisma Postgres), which do not need the VPC, and local hosts.

Why: `vpc: ~` removes the function from the VPC that `provider.vpc` puts every other function in.
The database in the VPC's private subnets is then unreachable: every query times out.

Example:
    provider:
      vpc: ${file(./vpc.yml)}
    functions:
      orders:
        handler: src/orders.handler   # imports @prisma/client
        vpc: ~

Use instead:
    functions:
      orders:
        handler: src/orders.handler   # inherits provider.vpc

References: Serverless Framework, "VPC configuration" (opting a function out with `vpc: ~`); AWS
Lambda, "Giving Lambda functions access to resources in an Amazon VPC".
"""
from lintkit.analysis.cfn import database_host, vpc_removed
from lintkit.analysis.facts import DB_CLIENT_MODULES, database_env_var
from lintkit.model.diagnostics import Finding
from lintkit.model.nodes import Mapping

CODE = "VPC002"
NAME = "vpc-removed-on-database-function"
SEVERITY = "warning"
SUMMARY = "A database function removes the provider-level VPC with `vpc: ~` or `vpc: {}`."


def check(service, context):
    for function in service.functions:
        if not vpc_removed(function):
            continue
        reason = _database_client(service, function)
        if reason is None or database_host(service, function) in ("external", "local"):
            continue
        _, vpc = function.own_setting("vpc")
        where = vpc if _has_width(vpc) else function.node.key_node("vpc")
        shown = "{}" if isinstance(vpc, Mapping) else "~"
        yield Finding.at(
            where, f"`{function.name}` {reason}, but `vpc: {shown}` takes it out of the VPC of "
            "`provider.vpc`: if the database is in that VPC, every query will time out. "
            "Delete this `vpc` line to inherit `provider.vpc`, or give the function its own vpc "
            "block.",
            function=function.name)


def _database_client(service, function) -> str | None:
    """Why the function reaches a database: from its code, else (no code found) its own env."""
    graph = service.graph(function)
    if graph is None:
        env, env_var = function.node.get("environment"), database_env_var(service)
        has_own = isinstance(env, Mapping) and env_var in env
        return f"sets `{env_var}`" if has_own else None
    if graph.imports_prisma_client():
        return "imports the Prisma client"
    for module in DB_CLIENT_MODULES[1:]:
        if graph.imports_module(module):
            return f"imports `{module.rstrip('-')}`"
    return None


def _has_width(node) -> bool:
    """False for an empty `vpc:`, whose value has no text to point at."""
    span = node.span if node is not None else None
    return span is not None and (span.line, span.column) != (span.end_line, span.end_column)

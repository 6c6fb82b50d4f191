"""A database function with no `reservedConcurrency` connects without a pooler.

What: a DB function (its handler imports a Prisma client, `pg`, `mysql2` or a `@prisma/adapter-*`,
or its environment sets `DATABASE_URL`) with no `reservedConcurrency` (`ReservedConcurrentExecutions`
on raw resources), whose database URL is known and goes to the database directly: not through
`pgbouncer=true`, a `-pooler.`/Supavisor host, RDS Proxy, Prisma Accelerate / Prisma Postgres or
PlanetScale, and the stack declares no `AWS::RDS::DBProxy`. The message gives the worst case: 1000
concurrent instances (Lambda's default regional quota) × the pool size (the `max`/`connectionLimit` of a pool
in the code, else 10 for pg/mysql2; `connection_limit` for Prisma's engine, else its default
2 × vCPUs + 1; at least one connection per instance when the client is unknown). Reported at the
function's key, where `reservedConcurrency` goes. Not flagged: a pooler; `reservedConcurrency` set
(to anything, variables included); URLs that are deploy-time values, have a variable host, or point
at a local database; functions that run migrations (MIGRATE004 asks them for
`reservedConcurrency: 1`).

Why: each concurrent instance holds its own pool, so a traffic burst opens concurrency × pool size
connections and exhausts the database's `max_connections`; requests then fail with `too many
clients already` or time out, for every function using that database.

Example:
    functions:
      users:
        handler: src/users.handler    # Prisma, DATABASE_URL straight to the RDS instance

Use instead:
    functions:
      users:
        handler: src/users.handler
        reservedConcurrency: 20       # 20 × connection_limit=1 fits max_connections

References: AWS Lambda, "Configuring reserved concurrency" and "Lambda quotas" (1,000 concurrent
executions per Region by default); Prisma, "Connection pool"; node-postgres, "Pooling".
"""
from lintkit.analysis.dbfunctions import database_use
from lintkit.analysis.pooling import (DEFAULT_ACCOUNT_CONCURRENCY, PRISMA_DEFAULT_POOL, function_database_urls,
                             pool_constructions, runs_migrations, rust_engine_pool)
from lintkit.model.diagnostics import Finding
from lintkit.model.nodes import Scalar, path_get

CODE = "POOL006"
NAME = "unbounded-concurrency"
SEVERITY = "info"
SUMMARY = "A database function without `reservedConcurrency` or a pooler: connections grow unbounded."


def check(service, context):
    if service.resources_of_type("AWS::RDS::DBProxy"):
        return  # the URL may be a deploy-time reference to this proxy
    for function in service.functions:
        if _has_reserved_concurrency(function) or database_use(service, function) is None:
            continue
        if runs_migrations(service, function):
            continue  # MIGRATE004 asks migration functions for `reservedConcurrency: 1`
        sites = function_database_urls(service, function)
        if not sites or not all(_direct_connection(site) for site in sites):
            continue
        where = "`ReservedConcurrentExecutions`" if function.kind == "resource" \
            else "`reservedConcurrency`"
        yield Finding.at(
            function.key, f"`{function.name}` connects to its database without a pooler and has no "
            f"concurrency cap: at Lambda's default {DEFAULT_ACCOUNT_CONCURRENCY} concurrent instances "
            f"that is up to {_worst_case(service, function, sites)}. Set {where} to what "
            "the database's `max_connections` allows, or connect through RDS Proxy or PgBouncer.",
            function=function.name)


def _has_reserved_concurrency(function) -> bool:
    key = "ReservedConcurrentExecutions" if function.kind == "resource" else "reservedConcurrency"
    value = path_get(function.node, key)
    return value is not None and not (isinstance(value, Scalar) and value.value is None)


def _direct_connection(site) -> bool:
    url = site.url
    return (site.host_known and not site.is_example and not site.is_pooled and not url.is_local
            and url.family != "sqlite")


def _worst_case(service, function, sites) -> str:
    pool = _pool_size(service, function, sites)
    total = DEFAULT_ACCOUNT_CONCURRENCY
    if isinstance(pool, int):
        return f"{total} × {pool} = {total * pool:,} connections"
    if pool == PRISMA_DEFAULT_POOL:
        return f"{total} × ({pool}) = {total * 3:,} or more connections (Prisma's default pool)"
    return f"{total:,} connections or more (one or more per instance)"


def _pool_size(service, function, sites):
    """Connections one instance may open: a pool built in code, else Prisma's engine pool."""
    graph = service.graph(function)
    pools = pool_constructions(graph) if graph is not None else []
    if pools:
        limits = [pool.limit_value if pool.limit is not None else 10 for pool in pools]
        return sum(limits) if all(isinstance(n, int) for n in limits) else None
    if rust_engine_pool(service):
        limit = sites[0].url.connection_limit
        return int(limit) if limit and limit.isascii() and limit.isdigit() else PRISMA_DEFAULT_POOL
    return None

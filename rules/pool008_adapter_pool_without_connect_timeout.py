"""A pg `Pool` or `PrismaPg` adapter without a connect timeout: a dead database hangs the invocation.

What: in handler code (a function's handler graph), `new Pool({...})` from `pg` or
`new PrismaPg({...})` from `@prisma/adapter-pg` whose options have no `connectionTimeoutMillis`, or
set it to `0`; also `new Pool()` with no options. Reported at the options object (at the `0` when it
is written out, at the call when there are no options). Not flagged: any other value or expression;
`new PrismaPg(pool)` given an existing pool (the pool's own construction is checked); options built
elsewhere or spread from another object; a connection string passed instead of options; drivers
whose connect timeout is bounded by default (`@prisma/adapter-mariadb`: `connectTimeout` 1 s,
`@prisma/adapter-mssql`: `connectionTimeout` 15 s; table in `lintkit/data/adapter_pools.json`).

Why: node-postgres' `connectionTimeoutMillis` defaults to 0, which never times out, where Prisma 6's
own engine gave up after 5 s (`connect_timeout`). On Lambda a database that does not answer (a
security group, a stopped or failing-over instance, a full proxy) keeps every invocation waiting
until the function's timeout, billed all the way; behind API Gateway the caller gets a 504 after
29 s and retries into the same wait.

Example:
    const adapter = new PrismaPg({ connectionString: process.env.DATABASE_URL, max: 1 })

Use instead:
    const adapter = new PrismaPg({ connectionString: process.env.DATABASE_URL, max: 1,
                                   connectionTimeoutMillis: 5000 })

References: node-postgres `packages/pg-pool/index.js` (a falsy `connectionTimeoutMillis` connects
and queues without a timer) and "pg.Pool" API docs; Prisma, "Upgrade to Prisma ORM 7" ("the pg
driver has no connection timeout by default (0), while Prisma ORM v6 used a 5-second timeout") and
"Connection pool" (v7 driver adapter defaults); Amazon API Gateway, "Quotas" (29 s integration
timeout).
"""
from lintkit.analysis.adapterpools import unbounded_connect_option
from lintkit.analysis.facts import number
from lintkit.analysis.pooling import pool_constructions
from lintkit.model.diagnostics import Finding

CODE = "POOL008"
NAME = "adapter-pool-without-connect-timeout"
SEVERITY = "warning"
SUMMARY = "A pg Pool/PrismaPg without `connectionTimeoutMillis`: an unreachable database hangs the invocation."
API_EVENTS = {"http": 29, "httpApi": 30}  # integration timeouts (RUNTIME003)
DEFAULT_TIMEOUT = 6  # seconds, Serverless's default `timeout`


def check(service, context):
    seen = set()
    for function in service.functions:
        graph = service.graph(function)
        for pool in pool_constructions(graph) if graph is not None else []:
            option = unbounded_connect_option(pool)
            value = pool.option(option) if option is not None and pool.config is not None else None
            if option is None or (value is not None and pool.source.node_text(value) != "0"):
                continue
            where = pool.source.span(value) if value is not None else pool.span
            if where in seen:
                continue
            seen.add(where)
            yield Finding.at(where, _message(pool, option, value is not None, _waits(function)),
                             function=function.name)


def _waits(function) -> str:
    """How long a caller waits: the function's timeout, or API Gateway's limit when that is shorter."""
    seconds = number(function.setting("timeout")) if function.kind == "function" else None
    if seconds is None and function.kind == "function" and function.setting("timeout") is None:
        seconds = DEFAULT_TIMEOUT
    limits = [API_EVENTS[kind] for kind, _ in function.events if kind in API_EVENTS]
    api = min(limits) if limits else None
    if api is not None and (seconds is None or seconds >= api):
        return f"until the function's timeout, and API Gateway answers the caller with a 504 after {api} s"
    if seconds is not None:
        return f"until the function times out after {seconds:g} s"
    return "until the function's timeout"


def _message(pool, option: str, zero: bool, waits: str) -> str:
    problem = f"`{option}: 0` never times out" if zero else f"This {pool.client} has no `{option}`, so " \
        "connecting never times out (pg's default is 0)"
    v6 = " (Prisma 6's engine gave up after 5 s)" if pool.module == "@prisma/adapter-pg" else ""
    return (f"{problem}: when the database cannot be reached, each invocation waits {waits}. "
            f"Set `{option}: 5000`{v6}.")

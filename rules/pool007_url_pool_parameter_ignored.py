"""A Prisma pool parameter in a database URL that the driver adapter in use never reads.

What: in a project whose Prisma Client connects through a driver adapter (Prisma 7, `engineType =
"client"`, the `queryCompiler` preview feature; or, on the Rust engine with the `driverAdapters`
preview, when every handler that loads the client imports a `@prisma/adapter-*`), a literal
postgres, mysql or sqlserver URL that sets one of Prisma's own parameters: `connection_limit`,
`pool_timeout`, `connect_timeout`, `socket_timeout`, `max_idle_connection_lifetime`,
`max_connection_lifetime`, `sslaccept`, `pgbouncer`, `statement_cache_size` (list in
`lintkit/data/adapter_pools.json`). URLs are read from serverless.yml `environment` and `custom:`
and string literals in handler code; in `.env` files only the pool's own parameters
(`connection_limit`, `pool_timeout`, the connection lifetimes) count, since the Prisma CLI reads the
same URL and its schema engine still uses the connection settings; schema.prisma and
prisma.config.ts URLs are the CLI's and are not judged.
Reported at the parameter, with the adapter option that replaces it where Prisma documents one
(`@prisma/adapter-pg`: `max`, `connectionTimeoutMillis`, `idleTimeoutMillis`,
`maxLifetimeSeconds`; `@prisma/adapter-mariadb`: `connectionLimit`, `acquireTimeout`,
`connectTimeout`, `idleTimeout`; `@prisma/adapter-mssql`: `pool.max`, `connectionTimeout`,
`pool.idleTimeoutMillis`). A warning for the pool size, the timeouts and `sslaccept`; info for the
rest, which only do nothing. Not flagged: Prisma ≤ 6 on the Rust engine without an adapter (POOL001
applies there); an adapter construction in the code that already sets the matching option (the code
decides, the URL parameter is only left over); deploy-time URLs (`${ssm:...}`, `env("...")`);
migration URLs (`directUrl`, `DIRECT_URL`: the Prisma CLI reads them); local databases;
`.env.example`-style templates and placeholder credentials; projects whose handlers also import a
database client that reads URL parameters of its own (`postgres`, `knex`, `mysql2`, ...).

Why: a driver adapter hands the connection string to the Node.js driver, which keeps its own pool
and reads none of Prisma's parameters. Prisma's serverless advice of `connection_limit=1` silently
becomes pg's default of 10 connections per Lambda instance, and `connect_timeout=5` becomes pg's
default of no timeout at all: a burst exhausts the database's `max_connections`, an unreachable
database holds each invocation until the function times out.

Example:
    DATABASE_URL: postgresql://app:${ssm:/app/pw}@db.example.com/app?connection_limit=1
    # src/db.ts: new PrismaPg({ connectionString: process.env.DATABASE_URL })

Use instead:
    // src/db.ts
    new PrismaPg({ connectionString: process.env.DATABASE_URL, max: 1, connectionTimeoutMillis: 5000 })

References: Prisma, "Connection pool" (Prisma ORM v7 driver adapter defaults: v6 URL parameter →
adapter field, prisma/web apps/docs/content/docs/orm/prisma-client/setup-and-configuration/
databases-connections/connection-pool.mdx); Prisma, "Upgrade to Prisma ORM 7" (driver adapters,
"the pg driver has no connection timeout by default"); Prisma, "Database drivers" (the adapter runs
the query engine's SQL through the JavaScript driver); node-postgres `packages/pg-pool/index.js`
(`max` 10) and `packages/pg/lib/connection-parameters.js` (no `connect_timeout` from the URL);
prisma/prisma `packages/adapter-pg/src/pg.ts` (`new pg.Pool(config)`).
"""
from lintkit.analysis.adapterpools import (
    adapter_class,
    adapter_for,
    adapter_option,
    option_set_in_code,
    options_owner,
    other_url_clients,
    url_parameters,
    url_parameters_ignored,
)
from lintkit.analysis.pooling import database_urls
from lintkit.model.diagnostics import Finding

CODE = "POOL007"
NAME = "url-pool-parameter-ignored"
SEVERITY = "warning"
SUMMARY = "A Prisma URL pool parameter the driver adapter ignores (`connection_limit` with Prisma 7)."

URL_FAMILIES = ("postgresql", "mysql", "sqlserver")
# Parameters whose loss changes how the client connects; the others only do nothing.
CHANGES_BEHAVIOUR = frozenset({"connection_limit", "pool_timeout", "connect_timeout", "sslaccept"})
# Where a URL is read, and which of its parameters the Prisma CLI may still use there (None: the CLI
# does not read that place). schema.prisma and prisma.config.ts URLs are the CLI's own: not judged.
PARAMETERS_READ_BY_CLI = {
    "serverless.yml": None,
    "source": None,
    ".env": frozenset({"connect_timeout", "socket_timeout", "sslaccept", "pgbouncer", "statement_cache_size"}),
}
POOL_SETTINGS = frozenset({"connection_limit", "pool_timeout", "connect_timeout", "max_idle_connection_lifetime",
                           "max_connection_lifetime"})


def check(service, context):
    reason = url_parameters_ignored(service)
    if reason is None or other_url_clients(service):
        return
    watched = set(url_parameters())
    for site in database_urls(service):
        if not _runtime_url(site):
            continue
        for (name, value), (key_span, value_span) in zip(site.url.params, site.url.param_spans):
            if name.lower() not in watched or not _ignored_here(site, name.lower()):
                continue
            finding = _finding(service, site, name.lower(), value, (key_span[0], value_span[1]), reason)
            if finding is not None:
                yield finding


def _runtime_url(site) -> bool:
    url = site.url
    if site.origin not in PARAMETERS_READ_BY_CLI or url.family not in URL_FAMILIES:
        return False
    return not (site.template or site.is_example or site.is_direct or url.is_local)


def _ignored_here(site, name: str) -> bool:
    """The Prisma CLI (its Rust schema engine) still reads a `.env` URL's connection settings;
    only the pool's own parameters are dead there."""
    read_by_cli = PARAMETERS_READ_BY_CLI[site.origin]
    return read_by_cli is None or name not in read_by_cli


def _finding(service, site, name: str, value: str, offsets, reason: str):
    adapter, seen = adapter_for(service, site.url.family)
    option = adapter_option(adapter, name) if adapter else None
    if option is not None and seen and option_set_in_code(service, adapter, option.option):
        return None
    written = f"`{name}={value}`" if value else f"`{name}`"
    through = _through(adapter, seen, site.url.family)
    problem = (f"{written} does nothing here: with {reason} the client connects through {through}, "
               "whose driver reads none of Prisma's URL parameters")
    severity = None if name in CHANGES_BEHAVIOUR else "info"
    return Finding.at(site.span_of(offsets), f"{problem}{_advice(service, adapter, name, value, option)}",
                      function=site.function, severity=severity)


def _through(adapter: str | None, seen: bool, family: str) -> str:
    if adapter is None:
        return "a driver adapter"
    if seen:
        return f"`{adapter}`"
    return f"a driver adapter (`{adapter}` for {family})"


def _advice(service, adapter: str | None, name: str, value: str, option) -> str:
    if option is not None:
        return (f", so its default applies (`{option.option}`: {option.default}). Set "
                f"{option.assignment(value)} in {options_owner(service, adapter)} instead.")
    if name == "sslaccept":
        return (": configure TLS in the adapter's `ssl` option instead (with the database's CA "
                "certificate; `rejectUnauthorized: false` turns verification off).")
    if name in POOL_SETTINGS and adapter_class(adapter or "") is None:
        return ": set the matching pool option where the adapter (or its driver's pool) is built instead."
    return ": remove it (Prisma documents no adapter option that replaces it)."

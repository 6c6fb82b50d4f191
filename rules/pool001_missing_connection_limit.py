"""A database URL without `connection_limit`: each Lambda instance opens Prisma's default pool.

What: with Prisma ≤ 6 (or a version lintkit cannot read) on its Rust query engine, a literal
`postgresql://` or `mysql://` URL that has no `connection_limit` parameter and no pooler marker
(`pgbouncer=true`, a `-pooler.` or Supavisor host, an RDS Proxy host, `prisma://`,
`prisma+postgres://`, a PlanetScale host). URLs are read from serverless.yml `environment`
(provider, functions, raw resources) and `custom:`, schema.prisma's `url`, `.env` files and string
literals in handler code.
Reported at the query (where the parameter goes), or at the URL when it has none. Not flagged:
deploy-time URLs (`${ssm:...}`, `env("...")`) and URLs whose host or query is a variable; URLs built
at run time (template literals with substitutions, concatenation, `new URL(...)`); driver adapters,
where the parameter is ignored (Prisma 7, `engineType = "client"`, the `queryCompiler` preview, a
`@prisma/adapter-*` import: POOL007 reports the parameter there); projects that do not use Prisma; migration URLs (`directUrl`,
`DIRECT_URL`, `SHADOW_DATABASE_URL`, `*_UNPOOLED`); local databases (localhost, docker-compose
hosts); `.env.example`-style templates and placeholder credentials (`USER:PASSWORD@...`).
`provider = "prisma-client"` alone is still the Rust engine on Prisma 6 and is checked.

Why: Prisma's Rust engine opens `num_physical_cpus * 2 + 1` connections per client. Every
concurrent Lambda instance holds its own pool, so a burst of traffic multiplies that by the
concurrency and exhausts the database's `max_connections` (`too many clients already`). Prisma's
guidance for serverless functions is to start from `connection_limit=1`.

Example:
    environment:
      DATABASE_URL: postgresql://app:${ssm:/app/pw}@db.example.com/app?schema=public

Use instead:
    environment:
      DATABASE_URL: postgresql://app:${ssm:/app/pw}@db.example.com/app?schema=public&connection_limit=1

References: Prisma, "Connection pool" and "Databases connections: serverless environments";
Prisma, "Deploy to AWS Lambda".
"""
from lintkit.analysis.pooling import POOLED_FAMILIES, database_urls, rust_engine_pool
from lintkit.model.diagnostics import Finding

CODE = "POOL001"
NAME = "missing-connection-limit"
SEVERITY = "warning"
SUMMARY = "A database URL without `connection_limit`: Prisma's default pool in every Lambda instance."


def check(service, context):
    if not rust_engine_pool(service):
        return
    for site in database_urls(service):
        if _lacks_connection_limit(site):
            yield Finding.at(site.query_or_url_span, _message(site), function=site.function)


def _lacks_connection_limit(site) -> bool:
    url = site.url
    if url.family not in POOLED_FAMILIES or url.has_param("connection_limit"):
        return False
    if site.template or site.is_example or site.is_direct:
        return False  # documentation, or the URL Prisma Migrate uses
    return site.host_known and site.tail_known and not url.is_local and not site.is_pooled


def _message(site) -> str:
    separator = "&" if site.url.query_raw else "?"
    return ("This database URL has no `connection_limit`, so Prisma opens 2 × vCPUs + 1 connections "
            "in every Lambda instance: append "
            f"`{separator}connection_limit=1` (raise it only if one invocation runs queries in "
            "parallel), or connect through a pooler.")

"""Prisma Migrate runs through a connection pooler because schema.prisma has no `directUrl`.

What: with Prisma ≤ 6 (or an unknown version), a migration runs — handler code (or inline
`Code.ZipFile` code) executing `prisma migrate ...` / `prisma db push`, or a package.json script
running `prisma migrate deploy` — while the database URL it uses goes through a pooler
(`pgbouncer=true`, a `-pooler.`/Supavisor host, Accelerate's `prisma://`) and
schema.prisma's datasource has no `directUrl`. The URL is the migrating function's environment
variable, else the `.env` file's or schema.prisma's literal `url`. Reported once, at the
datasource's `url` (where `directUrl` goes). Not flagged: `directUrl` set; Prisma 7 (the migration
URL lives in `prisma.config.ts`); URLs that are deploy-time values; Prisma Postgres
(`prisma+postgres://`), which accepts migrations; an RDS Proxy host without `pgbouncer=true` (the
proxy pins the migration's session); no schema.prisma.

Why: Prisma Migrate needs a session on the database itself (advisory locks, prepared statements);
through a transaction-mode pooler it fails with `prepared statement "s0" already exists` or hangs,
and `prisma://` URLs cannot run migrations at all.

Example:
    datasource db {
      provider = "postgresql"
      url      = env("DATABASE_URL")   // ...-pooler.neon.tech/app?pgbouncer=true
    }

Use instead:
    datasource db {
      provider  = "postgresql"
      url       = env("DATABASE_URL")
      directUrl = env("DIRECT_URL")    // the database itself, without the pooler
    }

References: Prisma, "Configure Prisma Client with PgBouncer" (directUrl for migrations); Prisma,
"Deploying database changes with Prisma Migrate"; prisma/prisma issue 18858.
"""
from lintkit.analysis.pooling import (configured_database_urls, function_database_urls, migration_runs,
                             prisma_at_most_6)
from lintkit.model.diagnostics import Finding

CODE = "POOL005"
NAME = "migrations-through-pooler"
SEVERITY = "warning"
SUMMARY = "Prisma Migrate runs through a pooler and schema.prisma has no `directUrl`."


def check(service, context):
    schema = service.prisma_schema
    datasource = schema.datasource if schema is not None else None
    if datasource is None or schema.direct_url is not None or not prisma_at_most_6(service):
        return
    for run in migration_runs(service):
        pooled = _pooled_url(service, run)
        if pooled is None:
            continue
        where = schema.url.key_span if schema.url is not None else datasource.span
        yield Finding.at(
            where, f"Migrations run from {run.description} through {_pooler_kind(pooled.url)}, and "
            "this datasource has no `directUrl`, so Prisma Migrate uses the pooled URL and fails. Add "
            "`directUrl = env(\"DIRECT_URL\")` here and set `DIRECT_URL` to the database's own "
            "address wherever migrations run.",
            function=run.function.name if run.function else None, related=[run.span, pooled.span])
        return  # one finding: the fix is the same for every migration


def _pooled_url(service, run):
    if run.function is not None:
        sites = function_database_urls(service, run.function) or []
    else:
        sites = configured_database_urls(service)
    return next((site for site in sites if not site.is_direct and _is_pooled(site.url)), None)


def _is_pooled(url) -> bool:
    """`prisma://` (Accelerate), `pgbouncer=true` or a pooler host. Prisma Postgres
    (`prisma+postgres://`) accepts migrations, RDS Proxy pins a migration's session to one database
    connection, and a local pooler is a developer's own setup."""
    if url.family == "prisma":
        return url.scheme == "prisma"
    if (url.param("pgbouncer") or "").lower() == "true":
        return True
    return url.is_pooler and not url.is_rds_proxy and not url.is_local


def _pooler_kind(url) -> str:
    if url.family == "prisma":
        return "Prisma Accelerate (`prisma://`), which cannot run migrations"
    if (url.param("pgbouncer") or "").lower() == "true":
        return "PgBouncer (`pgbouncer=true`; symptom: `prepared statement \"s0\" already exists`)"
    return "a pooler host (symptom: `prepared statement \"s0\" already exists`)"

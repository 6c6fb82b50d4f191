"""Prisma Migrate runs through a connection pooler: no `directUrl`, or a pooled `datasource.url`.

What: a migration runs — handler code (or inline `Code.ZipFile` code) executing `prisma migrate
...` / `prisma db push`, or a package.json script running `prisma migrate deploy` — while the
database URL it uses goes through a pooler (`pgbouncer=true`, a `-pooler.`/Supavisor host,
Accelerate's `prisma://`) and nothing gives Prisma Migrate a direct one. Where the CLI takes the
URL from: prisma.config.ts's `datasource` when the config has one (the CLI reads it first), else
schema.prisma's datasource. With Prisma ≤ 6 (or an unknown version) the fix is a `directUrl` there;
with Prisma 7, which has no `directUrl`, the config's `datasource.url` itself must be the database's
own address (the client keeps the pooled URL through its driver adapter). The URL is the migrating
function's environment variable (the one `datasource.url` reads), else the `.env` file's or the
config's or schema.prisma's literal `url`. Reported once, at the `url` (where `directUrl` goes).
Not flagged: `directUrl` set (Prisma ≤ 6); Prisma 7 without a prisma.config.ts datasource; URLs that
are deploy-time values; Prisma Postgres (`prisma+postgres://`), which accepts migrations; an RDS
Proxy host without `pgbouncer=true` (the proxy pins the migration's session); neither a
prisma.config.ts datasource nor a schema.prisma.

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
"Deploying database changes with Prisma Migrate"; prisma/prisma issue 18858; Prisma, "Upgrade to
v7" (prisma/web apps/docs/content/docs/guides/upgrade-prisma-orm/v7.mdx: "If you were previously
using `directUrl` to run migrations then you need to pass the `directUrl` value in the `url` field
of `prisma.config.ts`") and "Config API" (`datasource.directUrl` removed in v7).
"""
from lintkit.analysis.pooling import (configured_database_urls, function_database_urls, migration_runs,
                             prisma_at_most_6)
from lintkit.model.diagnostics import Finding

CODE = "POOL005"
NAME = "migrations-through-pooler"
SEVERITY = "warning"
SUMMARY = "Prisma Migrate runs through a pooler: no `directUrl`, or a pooled prisma.config.ts `url`."


def check(service, context):
    config = service.prisma_config
    if config is not None and config.url is not None:
        yield from _config_check(service, config)
        return
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


def _config_check(service, config):
    """The CLI takes its URL from prisma.config.ts's `datasource`."""
    if config.direct_url is not None:
        return
    major = service.package_json.prisma_major() if service.package_json is not None else None
    if major is not None and major >= 7:
        fix = ("point this `url` at the database's own address (e.g. "
               "`env(\"DIRECT_URL\")`, set wherever migrations run): Prisma 7 has no `directUrl`, "
               "and the client keeps the pooled URL through its driver adapter")
    elif major is not None:
        fix = (f"add `directUrl: env(\"DIRECT_URL\")` to this `datasource` and set `DIRECT_URL` to "
               "the database's own address wherever migrations run")
    else:
        fix = ("give the CLI the database's own address: with Prisma 7 as this `url` (the client "
               "keeps the pooled URL through its driver adapter), with Prisma 6 as `directUrl: "
               "env(\"DIRECT_URL\")` beside it")
    for run in migration_runs(service):
        pooled = next((site for site in _config_urls(service, config, run)
                       if not site.is_direct and _is_pooled(site.url)), None)
        if pooled is None:
            continue
        yield Finding.at(
            config.url.key_span, f"Migrations run from {run.description} with the URL this "
            f"`datasource.url` gives Prisma Migrate, which goes through {_pooler_kind(pooled.url)}: "
            f"{fix}.",
            function=run.function.name if run.function else None, related=[run.span, pooled.span])
        return


def _config_urls(service, config, run):
    """The URLs the CLI migrates with when prisma.config.ts gives it `datasource.url`: the config's
    literal, else the variable it reads from the migrating function's environment, else from `.env`
    when the config loads it (Prisma 7 does not by itself)."""
    if config.url.kind == "literal":
        return [site for site in configured_database_urls(service) if site.origin == config.path.name]
    if config.url.kind != "env":
        return []
    if run.function is not None and config.url.env_name in run.function.environment:
        return function_database_urls(service, run.function) or []
    if config.loads_dotenv:
        return [site for site in configured_database_urls(service) if site.origin == ".env"]
    return []


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

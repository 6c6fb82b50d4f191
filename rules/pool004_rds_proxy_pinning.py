"""Prisma connects through RDS Proxy, whose sessions Prisma's prepared statements pin.

What: in a project that uses Prisma, a database URL whose host is an RDS Proxy endpoint
(`*.proxy-*.<region>.rds.amazonaws.com`), in serverless.yml `environment` or `custom:`,
schema.prisma `url`, `.env` files or handler code literals. Info by default; a warning when the
URL also sets `pgbouncer=true`. Reported at the host. Not flagged: clients that connect through a
driver adapter (Prisma 7, `engineType = "client"`, an adapter in every handler that loads the
client: `lintkit.analysis.adapterpools`), whose driver sends unnamed statements, not the Rust
engine's named prepared statements, and whose pool size the URL cannot set; hosts that are variables,
migration URLs (`directUrl`, `DIRECT_URL`), `.env.example`-style templates and placeholder
credentials (`USER:PASSWORD@...`), projects without Prisma.

Why: Prisma prepares its statements, and RDS Proxy pins a client session that prepares statements
to one database connection for the rest of the session. Pinned sessions are not multiplexed, so
the proxy gives little pooling benefit: the database still sees about one connection per client
connection. `pgbouncer=true` is meant for PgBouncer in transaction mode and does not change that:
Prisma still prepares statements.

Example:
    DATABASE_URL: postgresql://app:${ssm:/pw}@app.proxy-abc123.us-east-1.rds.amazonaws.com/app?pgbouncer=true

Use instead:
    DATABASE_URL: postgresql://app:${ssm:/pw}@app.proxy-abc123.us-east-1.rds.amazonaws.com/app?connection_limit=1
    # and cap the function with `reservedConcurrency`

References: Prisma, "Caveats when deploying to AWS platforms" (RDS Proxy); AWS, "Avoiding pinning
an RDS Proxy"; Prisma, "Configure Prisma Client with PgBouncer"; prisma/prisma
`packages/adapter-pg/src/pg.ts` (queries go out as `client.query({ text, values })`, unnamed).
"""
from lintkit.analysis.adapterpools import url_parameters_ignored
from lintkit.analysis.pooling import database_urls, uses_prisma
from lintkit.model.diagnostics import Finding

CODE = "POOL004"
NAME = "rds-proxy-pinning"
SEVERITY = "info"
SUMMARY = "Prisma through RDS Proxy: prepared statements pin sessions, so the proxy barely pools."


def check(service, context):
    if not uses_prisma(service) or url_parameters_ignored(service) is not None:
        return
    for site in database_urls(service):
        url = site.url
        if not url.is_rds_proxy or site.template or site.is_example or site.is_direct \
                or not site.host_known:
            continue
        if (url.param("pgbouncer") or "").lower() == "true":
            yield Finding.at(site.span_of(url.host_span), _PGBOUNCER_MESSAGE, severity="warning",
                             function=site.function)
        else:
            yield Finding.at(site.span_of(url.host_span), _MESSAGE, function=site.function)


_MESSAGE = ("This URL goes through RDS Proxy, but Prisma's prepared statements pin each session to "
            "one database connection, so the proxy pools little: keep `connection_limit` low and "
            "cap the functions with `reservedConcurrency` to bound the connections.")
_PGBOUNCER_MESSAGE = ("`pgbouncer=true` does not stop RDS Proxy from pinning Prisma's sessions (Prisma "
                      "still prepares statements), so the proxy pools little: remove `pgbouncer=true`, "
                      "keep `connection_limit` low and cap the functions with `reservedConcurrency`.")

"""A database function connects with TLS certificate verification switched off.

What: in a database function (its handler imports a database client, its environment sets the
database URL, or it runs Prisma migrations): `ssl: { rejectUnauthorized: false }` in the options of
a pg `Pool`/`Client`, `PrismaPg`, `PrismaMariaDb`, or mysql2/mariadb `createPool`/
`createConnection` in the handler graph (options given as a variable are followed to a local object
literal); `sslmode=no-verify` in a PostgreSQL URL that node-postgres reads (the code imports `pg` or
`@prisma/adapter-pg`, or Prisma connects through a driver adapter), and `sslmode=require` or
`prefer` without `sslrootcert` under `uselibpqcompat=true`, which verify nothing either; and
`NODE_TLS_REJECT_UNAUTHORIZED` set to `0` in the function's environment (provider or function) or
assigned `'0'` in handler code. Each place once. Not flagged: `rejectUnauthorized: true` or a
value lintkit cannot read, `sslmode=require`/`verify-full` without `uselibpqcompat` (node-postgres
verifies them), URLs of a Prisma 6 Rust engine (which reads `sslmode` itself), local hosts,
`.env.example`-style templates and placeholder URLs, deploy-time values, functions that use no
database.

Why: without verification the client accepts any certificate, so anyone on the network path can
pose as the database and read the credentials and every row. It is the first fix people reach for
when Prisma 7 (which connects through node-postgres and verifies certificates, where Prisma 6's
engine did not) fails with P1010, or when a Node.js 20+ runtime does not trust the RDS CA.
`NODE_TLS_REJECT_UNAUTHORIZED=0` switches verification off for every TLS connection of the process,
AWS SDK calls included.

Example:
    const adapter = new PrismaPg({
      connectionString: process.env.DATABASE_URL,
      ssl: { rejectUnauthorized: false },
    })

Use instead:
    import { readFileSync } from 'node:fs'
    const adapter = new PrismaPg({
      connectionString: process.env.DATABASE_URL,
      ssl: { ca: readFileSync(new URL('./global-bundle.pem', import.meta.url), 'utf8') },
    })
    # or: environment: NODE_EXTRA_CA_CERTS: /var/task/global-bundle.pem

References: Prisma, "Upgrade to Prisma ORM 7", "SSL certificate validation changes" (prisma/web
apps/docs/content/docs/guides/upgrade-prisma-orm/v7.mdx: P1010, `ssl: { rejectUnauthorized: false
}` keeps the old behaviour, or configure the certificates with `NODE_EXTRA_CA_CERTS`);
node-postgres, pg-connection-string (brianc/node-postgres packages/pg-connection-string/index.js:
`no-verify` sets `rejectUnauthorized = false`; with `uselibpqcompat=true`, `prefer` and `require`
without `sslrootcert` do too); Node.js, "Environment variables" (`NODE_TLS_REJECT_UNAUTHORIZED=0`
disables certificate validation); AWS RDS, "Using SSL/TLS to encrypt a connection to a DB instance"
(the global certificate bundle).
"""
from lintkit.analysis.clients import client_analysis
from lintkit.analysis.dbfunctions import database_use
from lintkit.analysis.pooling import database_urls
from lintkit.analysis.prismaengine import prisma_engine
from lintkit.analysis.tls import (
    PG_MODULES, TLS_ENV_VAR, sslmode_span, tls_check_disabled_in_code, tls_settings, url_tls,
)
from lintkit.model.diagnostics import Finding
from lintkit.model.nodes import Mapping, is_dynamic, text

from ._common import once_per_place

CODE = "SECRET015"
NAME = "database-tls-verification-disabled"
SEVERITY = "warning"
SUMMARY = "A database connection does not verify the server's TLS certificate."

TRUST_THE_CA = ("trust the database's CA instead: `ssl: { ca }` from the RDS global bundle "
                "(global-bundle.pem, shipped with the function), or `NODE_EXTRA_CA_CERTS` pointing at "
                "that file in the function's environment.")


def check(service, context):
    db_functions = [function for function in service.functions
                    if database_use(service, function) is not None]
    if not db_functions:
        return
    yield from once_per_place(_code_findings(service, db_functions))
    yield from once_per_place(_environment_findings(db_functions))
    yield from _url_findings(service, db_functions)


def _code_findings(service, db_functions):
    for function in db_functions:
        clients = client_analysis(service, function)
        if clients is None:
            continue
        for setting in tls_settings(clients):
            if setting.state == "unverified":
                yield Finding.at(setting.span, f"`rejectUnauthorized: false` makes the "
                                 f"{setting.label} accept any certificate, so anyone on the network "
                                 f"path can pose as the database: {TRUST_THE_CA}",
                                 function=function.name)
        for assignment in tls_check_disabled_in_code(clients.graph):
            yield Finding.at(assignment.span, _ENV_MESSAGE, function=function.name)


_ENV_MESSAGE = (f"`{TLS_ENV_VAR}=0` switches off certificate verification for every TLS "
                f"connection of the function, the database's and the AWS SDK's: remove it and "
                f"{TRUST_THE_CA}")


def _environment_findings(db_functions):
    for function in db_functions:
        entry = function.environment.get(TLS_ENV_VAR)
        if entry is None:
            continue
        _, value = entry
        if is_dynamic(value) or text(value) != "0":
            continue
        own = function.node.get("environment") if isinstance(function.node, Mapping) else None
        owned = function.kind == "resource" or (isinstance(own, Mapping) and TLS_ENV_VAR in own.keys())
        yield Finding.at(value, _ENV_MESSAGE, function=function.name if owned else None)


def _url_findings(service, db_functions):
    if not _node_postgres_reads_urls(service, db_functions):
        return
    names = {function.name for function in db_functions}
    for site in database_urls(service):
        url = site.url
        if site.template or site.is_example or url.family != "postgresql" or url.is_local \
                or (site.function is not None and site.function not in names):
            continue
        if url_tls(url) == "unverified":
            mode = f"`sslmode={url.param('sslmode')}`"
            if (url.param("uselibpqcompat") or "").lower() == "true":
                mode += " with `uselibpqcompat=true`"
            yield Finding.at(sslmode_span(site), f"{mode} makes node-postgres accept any "
                             "certificate, so anyone on the network path can pose as the database: "
                             "use `sslmode=verify-full` and " + TRUST_THE_CA, function=site.function)


def _node_postgres_reads_urls(service, db_functions) -> bool:
    engine = prisma_engine(service)
    if engine.pools_in_adapter:
        return True
    return any(graph is not None and graph.imports_module(*PG_MODULES)
               for graph in (service.graph(function) for function in db_functions))

"""A deployed function uses a SQLite database file.

What: schema.prisma's datasource is `provider = "sqlite"` (or its `url` is a `file:` URL) and some
function uses it: its handler graph imports the Prisma client, or its environment's `DATABASE_URL`
(or the variable the schema's `url = env("...")` names) is a `file:` URL. Reported once at the
datasource `provider` value. Without a schema (or with one whose datasource names no provider), a
`file:` database URL in a function's environment is reported at that value. Not flagged: local
development configs that no function uses (a SQLite schema or `.env` while no handler imports the
client and no function's environment points at a file), Turso/libSQL and D1 setups (the driver
adapter `@prisma/adapter-libsql`, `@libsql/client` or `@prisma/adapter-d1` is installed or imported:
`provider = "sqlite"` then talks to a remote database).

Why: Lambda's deployment package is read-only, so writes fail with `SQLITE_READONLY`/`EROFS`; a copy
under `/tmp` belongs to one instance, is not shared between concurrent instances and disappears when
the instance is recycled, so data is silently lost.

Example:
    datasource db {
      provider = "sqlite"
      url      = "file:./dev.db"
    }

Use instead:
    datasource db {
      provider = "postgresql"
      url      = env("DATABASE_URL")    # RDS, Aurora, or another server database
    }

References: AWS Lambda, "Lambda execution environment" (read-only filesystem, `/tmp`); Prisma,
"SQLite" connector and "Deploy to AWS Lambda".
"""
from lintkit.analysis.facts import database_url_node
from lintkit.analysis.packaging import function_names, group_by_node, imports_prisma
from lintkit.model.diagnostics import Finding
from lintkit.model.nodes import is_dynamic, text

CODE = "RUNTIME007"
NAME = "sqlite-on-lambda"
SEVERITY = "error"
SUMMARY = "A deployed function uses SQLite: the database file is read-only or lost on Lambda."

REMOTE_SQLITE_MODULES = ("@prisma/adapter-libsql", "@libsql/client", "@prisma/adapter-d1")
WHY = ("on Lambda the package is read-only and a copy under /tmp is per instance and lost on recycle. "
       "Use a server database (PostgreSQL or MySQL, e.g. on RDS) for deployed functions.")


def check(service, context):
    if _remote_sqlite(service):
        return
    schema = service.prisma_schema
    sqlite_field = _sqlite_field(schema)
    if sqlite_field is not None:
        users = [function for function in service.functions if _uses_schema(service, function)]
        if users:
            yield Finding.at(sqlite_field.span, f"The datasource is SQLite and {function_names(users)} "
                             f"{'uses' if len(users) == 1 else 'use'} it: {WHY}",
                             function=users[0].name if len(users) == 1 else None)
    elif schema is None or schema.provider is None:
        with_file_url = [function for function in service.functions if _file_url(service, function)]
        for value, functions in group_by_node(with_file_url, lambda f: database_url_node(service, f)):
            yield Finding.at(value, f"The database URL of {function_names(functions)} is a SQLite "
                             f"`file:` URL: {WHY}",
                             function=functions[0].name if len(functions) == 1 else None)


def _sqlite_field(schema):
    """The datasource field that makes it SQLite: `provider`, else a `file:` `url`."""
    if schema is None or schema.datasource is None:
        return None
    if schema.provider == "sqlite":
        return schema.datasource.get("provider")
    url = schema.url.value if schema.url is not None else None
    if isinstance(url, str) and url.strip().lower().startswith("file:"):
        return schema.url
    return None


def _uses_schema(service, function) -> bool:
    graph = service.graph(function)
    imports_client = graph is not None and imports_prisma(service, graph)
    return imports_client or _file_url(service, function)


def _file_url(service, function) -> bool:
    value = database_url_node(service, function)
    url = text(value) if not is_dynamic(value) else None
    return url is not None and url.strip().lower().startswith("file:")


def _remote_sqlite(service) -> bool:
    package = service.package_json
    if package is not None and any(package.dependency(name) for name in REMOTE_SQLITE_MODULES):
        return True
    graphs = (service.graph(function) for function in service.functions)
    return any(graph is not None and graph.imports_module(*REMOTE_SQLITE_MODULES) for graph in graphs)

"""Prisma 7 client set up the Prisma 6 way.

What: with Prisma 7 or newer in package.json (`@prisma/client`, else `prisma`): a
`new PrismaClient()` in a handler graph with neither `adapter` nor `accelerateUrl`; the removed
constructor options `datasources` and `datasourceUrl`; `url` inside schema.prisma's `datasource`
block; a function whose handler uses Prisma on a Node.js runtime older than 20.19 (`nodejs18.x` or
older). Options passed as a variable are followed to a local object literal; options that cannot be
read (a spread, a parameter, a subclass passing them to `super`) are not guessed. Not flagged:
Prisma 6 and older, unknown versions, runtimes given as variables, code outside handler graphs.

Why: Prisma 7 ships without the Rust query engine. The client connects only through a driver adapter
(or Prisma Accelerate), the connection URL moved from schema.prisma to `prisma.config.ts`, the
`datasources`/`datasourceUrl` options are gone, and the packages require Node.js 20.19. The old
setup fails at `prisma generate` or when the first query runs.

Example:
    // package.json: "@prisma/client": "^7.0.0"
    const prisma = new PrismaClient({ datasourceUrl: process.env.DATABASE_URL })

Use instead:
    import { PrismaPg } from '@prisma/adapter-pg'
    const adapter = new PrismaPg({ connectionString: process.env.DATABASE_URL })
    const prisma = new PrismaClient({ adapter })

References: Prisma, "Upgrade to Prisma ORM 7"; Prisma, "Driver adapters"; Prisma, "Prisma Config
reference" (`datasource.url`); Prisma, "System requirements".
"""
import re

from lintkit.analysis.clients import client_analysis
from lintkit.analysis.facts import database_env_var, newest_runtimes, node_version
from lintkit.model.diagnostics import Finding
from lintkit.model.nodes import is_dynamic, text
from lintkit.read.sources import named_children, unwrap

from ._common import once_per_place

CODE = "CLIENT003"
NAME = "prisma7-incompatible-client"
SEVERITY = "error"
SUMMARY = "Prisma 7 code or configuration that only worked with Prisma 6 and older."

REMOVED_OPTIONS = ("datasources", "datasourceUrl")
CONNECTING_OPTIONS = ("adapter", "accelerateUrl")
ADAPTERS = {  # schema provider → (class, package)
    "mysql": ("PrismaMariaDb", "@prisma/adapter-mariadb"),
    "sqlserver": ("PrismaMssql", "@prisma/adapter-mssql"),
    "sqlite": ("PrismaBetterSqlite3", "@prisma/adapter-better-sqlite3"),
}
PG_ADAPTER = ("PrismaPg", "@prisma/adapter-pg")


def check(service, context):
    package = service.package_json
    major = package.prisma_major() if package is not None else None
    if major is None or major < 7:
        return
    schema_url = service.prisma_schema.url if service.prisma_schema is not None else None
    if schema_url is not None:
        yield Finding.at(schema_url.key_span, "Prisma 7 no longer reads `url` from schema.prisma's "
                         "datasource block: move it to `prisma.config.ts` (`datasource: { url: "
                         "env('DATABASE_URL') }`) and give the URL to the driver adapter at "
                         "runtime.")
    yield from once_per_place(_code_findings(service, context))


def _code_findings(service, context):
    for function in service.functions:
        clients = client_analysis(service, function)
        if clients is None:
            continue
        yield from _client_options(service, clients, function.name)
        yield from _old_runtime(function, clients, context.as_of)


def _client_options(service, clients, function: str):
    for file in clients.graph.files:
        for built in clients.constructions(file):
            if built.kind != "prisma" or built.subclass:
                continue  # a subclass passes its options through `super(...)`: not read
            options = _options(clients.graph, file, built.node)
            if options is None:
                continue  # options we cannot read: never guess
            options_file, keys, complete = options
            removed = [name for name in REMOVED_OPTIONS if name in keys]
            for name in removed:
                url = _url_expression(keys[name]) if name == "datasourceUrl" else None
                yield Finding.at(options_file.span(keys[name]), f"Prisma 7 removed the `{name}` "
                                 f"option: {_use_adapter(service, url)}", function=function)
            if not removed and complete and not any(name in keys for name in CONNECTING_OPTIONS):
                yield Finding.at(built.span, f"With Prisma 7, `{built.label}` needs a driver "
                                 f"adapter or `accelerateUrl`: {_use_adapter(service)}",
                                 function=function)


def _options(graph, file, new_expression):
    """(file, {option: key node}, complete) for the options object, None when it is unknown."""
    arguments = new_expression.child_by_field_name("arguments")
    values = named_children(arguments) if arguments is not None else []
    if not values:
        return file, {}, True
    value = unwrap(values[0])
    if value is None:
        return None
    if value.type != "object":
        target = graph.resolve_value(file, value)
        if target is None or target[1].type != "object":
            return None
        file, value = target
    keys, complete = {}, True
    for member in named_children(value):
        if member.type == "spread_element":
            complete = False
        key = member.child_by_field_name("key") if member.type == "pair" else member
        if member.type in ("pair", "shorthand_property_identifier") and key is not None:
            keys[key.text.decode("utf-8", "replace").strip("'\"")] = key
    return file, keys, complete


def _url_expression(key) -> str | None:
    """`process.env.REPLICA_URL` in `datasourceUrl: process.env.REPLICA_URL` (short names only)."""
    value = key.parent.child_by_field_name("value") if key.parent is not None else None
    url = value.text.decode("utf-8", "replace") if value is not None else ""
    return url if re.fullmatch(r"[\w.$]{1,60}", url) else None


def _use_adapter(service, url: str | None = None) -> str:
    schema = service.prisma_schema
    adapter, package = ADAPTERS.get(schema.provider if schema is not None else None, PG_ADAPTER)
    url = url or f"process.env.{database_env_var(service)}"
    return (f"pass `{{ adapter: new {adapter}({{ connectionString: {url} }}) }}` "
            f"(from `{package}`), or `accelerateUrl` for Prisma Accelerate.")


def _old_runtime(function, clients, as_of):
    if not clients.graph.imports_prisma_client(clients.generated_dirs):
        return
    runtime = function.runtime
    version = None if is_dynamic(runtime) else node_version(text(runtime))
    if version is not None and version[0] < 20:
        upgrade = " or ".join(newest_runtimes(as_of))
        yield Finding.at(runtime, f"Prisma 7 needs Node.js 20.19 or newer, but `{function.name}` "
                         f"runs on {text(runtime)}: change the runtime to {upgrade}.",
                         function=function.name)

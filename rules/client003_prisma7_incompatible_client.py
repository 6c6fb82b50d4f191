"""Prisma 7 client set up the Prisma 6 way.

What: with Prisma 7 or newer in package.json (`@prisma/client`, else `prisma`): a
`new PrismaClient()` in a handler graph with neither `adapter` nor `accelerateUrl`; the removed
constructor options `datasources` and `datasourceUrl`; `url`, `directUrl` or `shadowDatabaseUrl`
inside schema.prisma's `datasource` block; a function whose handler uses Prisma on a Node.js
runtime older than 20.19 (`nodejs18.x` or older). On Prisma 6 with `engineType = "client"` or the
`queryCompiler` preview feature (no Rust engine, `lintkit.analysis.prismaengine`), a
`new PrismaClient()` without `adapter` too: that client has no engine of its own to connect with.
Options passed as a variable are followed to a local object literal; options that cannot be read
(a spread, a parameter, a subclass passing them to `super`) are not guessed. Not flagged: Prisma 6
and older with the Rust engine, an Accelerate build (`--no-engine`, a `prisma://` URL) on Prisma 6,
unknown versions (except for the engine-free client options check), runtimes given as variables,
code outside handler graphs.

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

References: Prisma, "Upgrade to Prisma ORM 7" (prisma/web
apps/docs/content/docs/guides/upgrade-prisma-orm/v7.mdx: "`url`, `directUrl`, and
`shadowDatabaseUrl` in the `datasource` block are deprecated. You can configure them in the Prisma
Config"); Prisma source, prisma/prisma packages/client/src/runtime/utils/validatePrismaClientOptions.ts
(7.0.0: `validateDependentOptions`; 6.16.0: the `adapter` check) and
packages/client/src/runtime/core/engines/client/ClientEngine.ts (6.10.0-6.19: "Missing configured
driver adapter"); Prisma, "No Rust engine"; Prisma, "Driver adapters"; Prisma, "Prisma Config
reference" (`datasource.url`); Prisma, "System requirements".
"""
import re

from lintkit.analysis.clients import client_analysis
from lintkit.analysis.facts import database_env_var, newest_runtimes, node_version
from lintkit.analysis.prismaengine import prisma_engine
from lintkit.model.diagnostics import Finding
from lintkit.model.nodes import is_dynamic, text
from lintkit.read.sources import named_children, unwrap

from ._common import once_per_place

CODE = "CLIENT003"
NAME = "prisma7-incompatible-client"
SEVERITY = "error"
SUMMARY = "Prisma 7 setup that only worked on Prisma 6, or an engine-free Prisma 6 client without an adapter."

REMOVED_OPTIONS = ("datasources", "datasourceUrl")
SCHEMA_URL_FIELDS = ("url", "directUrl", "shadowDatabaseUrl")
CONNECTING_OPTIONS = ("adapter", "accelerateUrl")
ADAPTERS = {  # schema provider → (class, package)
    "mysql": ("PrismaMariaDb", "@prisma/adapter-mariadb"),
    "sqlserver": ("PrismaMssql", "@prisma/adapter-mssql"),
    "sqlite": ("PrismaBetterSqlite3", "@prisma/adapter-better-sqlite3"),
}
PG_ADAPTER = ("PrismaPg", "@prisma/adapter-pg")


def check(service, context):
    engine = prisma_engine(service)
    prisma7 = _is_prisma7(engine)
    if prisma7:
        yield from _schema_urls(service)
    if prisma7 or engine.adapter_required:
        yield from once_per_place(_code_findings(service, context, engine))


def _is_prisma7(engine) -> bool:
    return engine.major is not None and engine.major >= 7


def _schema_urls(service):
    schema = service.prisma_schema
    for block in schema.datasources if schema is not None else []:
        for name in SCHEMA_URL_FIELDS:
            found = block.get(name)
            if found is not None:
                yield Finding.at(found.key_span, _SCHEMA_URL_MESSAGES[name])


_SCHEMA_URL_MESSAGES = {
    "url": "Prisma 7 no longer reads `url` from schema.prisma's datasource block: move it to "
           "`prisma.config.ts` (`datasource: { url: env('DATABASE_URL') }`) and give the URL to "
           "the driver adapter at runtime.",
    "directUrl": "Prisma 7 no longer reads `directUrl` from schema.prisma's datasource block: "
                 "remove it and put the direct URL in `prisma.config.ts` as `datasource.url` (the "
                 "Prisma CLI migrates with that URL).",
    "shadowDatabaseUrl": "Prisma 7 no longer reads `shadowDatabaseUrl` from schema.prisma's "
                         "datasource block: move it to `prisma.config.ts` "
                         "(`datasource: { shadowDatabaseUrl: env('SHADOW_DATABASE_URL') }`).",
}


def _code_findings(service, context, engine):
    prisma7 = _is_prisma7(engine)
    for function in service.functions:
        clients = client_analysis(service, function)
        if clients is None:
            continue
        yield from _client_options(service, clients, function.name, engine)
        if prisma7:
            yield from _old_runtime(function, clients, context.as_of)


def _client_options(service, clients, function: str, engine):
    prisma7 = _is_prisma7(engine)
    for file in clients.graph.files:
        for built in clients.constructions(file):
            if built.kind != "prisma" or built.subclass:
                continue  # a subclass passes its options through `super(...)`: not read
            options = _options(clients.graph, file, built.node)
            if options is None:
                continue  # options we cannot read: never guess
            options_file, keys, complete = options
            removed = [name for name in REMOVED_OPTIONS if name in keys] if prisma7 else []
            for name in removed:
                url = _url_expression(keys[name]) if name == "datasourceUrl" else None
                yield Finding.at(options_file.span(keys[name]), f"Prisma 7 removed the `{name}` "
                                 f"option: {_use_adapter(service, url)}", function=function)
            connecting = CONNECTING_OPTIONS if prisma7 or engine.major is None else ("adapter",)
            if not removed and complete and not any(name in keys for name in connecting):
                yield Finding.at(built.span, _needs_adapter(service, built, engine, keys),
                                 function=function)


def _needs_adapter(service, built, engine, keys) -> str:
    if _is_prisma7(engine):
        return (f"With Prisma 7, `{built.label}` needs a driver adapter or `accelerateUrl`: "
                f"{_use_adapter(service)}")
    url = _url_expression(keys["datasourceUrl"]) if "datasourceUrl" in keys else None
    if engine.major is None:
        advice = _use_adapter(service, url)
    else:
        adapter, package = _adapter_for(service)
        url = url or f"process.env.{database_env_var(service)}"
        advice = f"pass `{{ adapter: new {adapter}({{ connectionString: {url} }}) }}` (from `{package}`)"
        custom = [f"`{name}`" for name in REMOVED_OPTIONS if name in keys]
        advice += f" and drop {' and '.join(custom)}, which Prisma rejects next to an adapter." \
            if custom else "."
    return (f"With {engine.no_rust_reason} there is no Rust query engine to connect with, so "
            f"`{built.label}` fails without a driver adapter: {advice}")


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


def _adapter_for(service) -> tuple[str, str]:
    schema = service.prisma_schema
    return ADAPTERS.get(schema.provider if schema is not None else None, PG_ADAPTER)


def _use_adapter(service, url: str | None = None) -> str:
    adapter, package = _adapter_for(service)
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

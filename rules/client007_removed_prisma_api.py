"""Prisma 7 project still uses an API or a setting that Prisma 7 removed.

What: with Prisma 7 or newer in package.json (`@prisma/client`, else `prisma`): client middleware
(`prisma.$use(...)`) and metrics (`prisma.$metrics`) in a handler graph, on a value that is a
Prisma client (`new PrismaClient()`, followed through local modules and global caches, or `this`
in a class that extends `PrismaClient`); and a Prisma environment variable that v7 removed
(`PRISMA_CLIENT_ENGINE_TYPE`, `PRISMA_QUERY_ENGINE_LIBRARY`, `PRISMA_QUERY_ENGINE_BINARY`,
`PRISMA_CLI_QUERY_ENGINE_TYPE`, `PRISMA_GENERATE_NO_ENGINE` and the rest of the upgrade guide's
list, `lintkit/data/prisma7_removed.json`) set in serverless.yml `environment` (provider,
function, or a raw resource's `Environment.Variables`, whatever its value, a deploy-time one too)
or in a `.env` file. Not flagged: Prisma 6 and older, unknown versions, `$use`/`$metrics` on
anything lintkit does not know to be a Prisma client (another library's `$use`, a parameter),
`.env.example`-style templates. `url`/`directUrl`/`shadowDatabaseUrl` in schema.prisma are
CLIENT003's. The code uses are errors; a removed variable is a warning (it is ignored, not fatal).

Why: Prisma 7 removed client middleware and the Metrics preview feature, so `$use` and `$metrics`
are gone from the client and the code fails when it reaches them. The removed variables are no
longer read: a project that set `PRISMA_CLIENT_ENGINE_TYPE=binary` or pointed
`PRISMA_QUERY_ENGINE_LIBRARY` at a file no longer gets what it asked for, silently.

Example:
    // package.json: "@prisma/client": "^7.0.0"
    prisma.$use(async (params, next) => next(params))
    # serverless.yml
    environment:
      PRISMA_CLIENT_ENGINE_TYPE: binary

Use instead:
    const prisma = basePrisma.$extends({
      query: { $allModels: { async $allOperations({ args, query }) { return query(args) } } },
    })
    # and remove PRISMA_CLIENT_ENGINE_TYPE

References: Prisma, "Upgrade to Prisma ORM 7" (prisma/web
apps/docs/content/docs/guides/upgrade-prisma-orm/v7.mdx: "Client middleware removed" — use Client
Extensions; "Metrics removed" — use the underlying driver adapter or Client Extensions; "Various
environment variables have been removed"); Prisma, "Client extensions".
"""
from lintkit.analysis.clients import client_analysis
from lintkit.analysis.prismaapi import removed_api_uses, removed_environment_variables
from lintkit.analysis.prismaengine import prisma_major
from lintkit.model.diagnostics import Finding
from lintkit.model.nodes import Mapping

from ._common import once_per_place

CODE = "CLIENT007"
NAME = "removed-prisma-api"
SEVERITY = "error"
SUMMARY = "Prisma 7 removed this client API or environment variable, but the project still uses it."


def check(service, context):
    major = prisma_major(service)
    if major is None or major < 7:
        return
    yield from once_per_place(_code_findings(service))
    yield from once_per_place(_environment_findings(service))
    yield from _dotenv_findings(service)


def _code_findings(service):
    for function in service.functions:
        clients = client_analysis(service, function)
        for use in removed_api_uses(clients) if clients is not None else []:
            yield Finding.at(use.span, _API_MESSAGES[use.member].format(text=use.text),
                             function=function.name)


_API_MESSAGES = {
    "$use": "Prisma 7 removed client middleware, so `{text}(...)` fails when it runs: rewrite the "
            "middleware as a client extension (`prisma.$extends({{ query: {{ $allModels: {{ async "
            "$allOperations({{ args, query }}) {{ ... return query(args) }} }} }} }})`) and query "
            "through the extended client.",
    "$metrics": "Prisma 7 removed the Metrics preview feature, so `{text}` is gone: read the "
                "driver adapter's own pool (for pg, the `Pool` you give `PrismaPg`) or count "
                "queries in a client extension (`$extends({{ query: ... }})`).",
}


def _environment_findings(service):
    removed = removed_environment_variables()
    for function in service.functions:
        own = _own_environment_names(function)
        for name, (key, _) in function.environment.items():
            if name in removed:
                yield Finding.at(key, _env_message(name, "`environment`"), severity="warning",
                                 function=function.name if name in own else None)


def _own_environment_names(function) -> set[str]:
    if function.kind == "resource":
        return set(function.environment)
    own = function.node.get("environment") if isinstance(function.node, Mapping) else None
    return set(own.keys()) if isinstance(own, Mapping) else set()


def _dotenv_findings(service):
    removed = removed_environment_variables()
    for env in service.env_files:
        if env.is_template:
            continue
        for entry in env.entries:
            if entry.key in removed:
                yield Finding.at(entry.key_span, _env_message(entry.key, "this file"),
                                 severity="warning")


def _env_message(name: str, where: str) -> str:
    engine = " (there is no Rust query engine to choose or locate)" if "ENGINE" in name else ""
    return f"Prisma 7 no longer reads `{name}`{engine}: remove it from {where}."

"""A database client is built on every invocation.

What: `new PrismaClient()` (also `new Pool()` / `new Client()` from `pg`, `createPool()` from
`mysql2`, `new PrismaPg()` and the other `@prisma/adapter-*` classes) that runs each time the
handler runs: in the exported handler's body, or in a helper, factory or class constructor the
handler calls on every invocation (calls are followed across the files of the handler graph, ESM and
CommonJS). A construction in the handler's own body is reported where it is; otherwise the call in
the handler that leads to it is reported, and the message shows the path. Not flagged: construction
at module scope; lazy singletons that keep the client in a module-level variable or on `globalThis`
(`globalThis.prisma ??= new PrismaClient()`, `if (!client) client = new PrismaClient()`,
`const prisma = global.prisma ?? new PrismaClient()`), memoised getters (`return (p ??= connect())`)
and factories whose caller caches the result (`if (!globalThis.prisma) globalThis.prisma =
createClient()`); code outside every handler graph (tests, scripts, seeds).

Why: a warm Lambda instance runs many invocations. A client built per invocation opens a new
connection pool each time while the old ones linger until the instance is recycled, so connections
pile up until the database refuses new ones (`too many connections`), and every invocation pays the
connection handshake.

Example:
    import { PrismaClient } from '@prisma/client'
    export const handler = async () => {
      const prisma = new PrismaClient()
      return prisma.user.findMany()
    }

Use instead:
    import { PrismaClient } from '@prisma/client'
    const prisma = new PrismaClient()  // once per Lambda instance
    export const handler = async () => prisma.user.findMany()

References: Prisma, "Deploy to AWS Lambda" and "Databases connections: serverless environments";
AWS Lambda, "Lambda execution environment" (reuse between invocations).
"""
from lintkit.analysis.clients import client_analysis, describe_chain
from lintkit.model.diagnostics import Finding

from ._common import once_per_place

CODE = "CLIENT001"
NAME = "client-per-invocation"
SEVERITY = "error"
SUMMARY = "A database client is constructed on every invocation instead of once per instance."

FIX = ("build the client once at module scope (or cache it in a module-level variable or on "
       "`globalThis`) and reuse it across invocations.")


def check(service, context):
    return once_per_place(_findings(service))


def _findings(service):
    for function in service.functions:
        clients = client_analysis(service, function)
        if clients is None:
            continue
        for built, chain in clients.per_invocation_constructions():
            where = chain[0].span if chain else built.span
            yield Finding.at(where, _message(service, clients.graph, built, chain),
                             function=function.name)


def _message(service, graph, built, chain) -> str:
    if not chain:
        return f"`{built.label}` runs on every invocation and opens new database connections: {FIX}"
    path = describe_chain(graph, chain, built.label, built.span, service.root)
    return f"This call builds a new database client on every invocation ({path}): {FIX}"

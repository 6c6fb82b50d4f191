"""An exported function that returns a new database client on every call.

What: a function a module exports (`export function getPrisma()`, `export const createDb = () => ...`,
`module.exports.connect = function ...`) whose every `return` is a `new PrismaClient(...)` (or a
`pg` `Pool`/`Client`, a driver adapter, a `mysql2` `createPool(...)`), in a file the handler graph of
a function reaches. Reported once, at the construction in the factory, as info: the factory itself is
not a bug until someone calls it on every invocation, and then CLIENT001 reports that call; this is
the note where the trap is set. Not flagged: factories that cache (`client ??= new PrismaClient();
return client`, a module-level or `globalThis` variable), functions that are not exported, and
constructions that are not returned.

Why: every call opens a new connection pool. The first teammate who calls `getPrisma()` inside a
handler builds a client per invocation, and under load the database runs out of connections
(`too many connections`, P1001/P2037), while the code reads as if a shared client were used.

Example:
    export const getPrisma = () => new PrismaClient()

Use instead:
    let prisma: PrismaClient | undefined
    export const getPrisma = () => (prisma ??= new PrismaClient())

References: Prisma, "Instantiating Prisma Client" (one instance per application); Prisma,
"Databases connections: serverless environments".
"""
from lintkit.analysis.clients import client_analysis
from lintkit.model.diagnostics import Finding
from lintkit.read.sources import FUNCTION_TYPES, returned_expressions, unwrap

CODE = "CLIENT006"
NAME = "client-factory-returns-new-client"
SEVERITY = "info"
SUMMARY = "An exported function that returns a new database client on every call."

def check(service, context):
    seen, files_done = set(), set()  # files_done: a file shared by many graphs is looked at once
    for function in service.functions:
        analysis = client_analysis(service, function)
        if analysis is None:
            continue
        for file in analysis.graph.files:
            if id(file) in files_done:
                continue
            files_done.add(id(file))
            for name, exported in file.exports.items():
                key = (file.path, name)
                if key in seen:
                    continue
                seen.add(key)
                factory = file.follow_local(exported)
                if factory is None or factory.type not in FUNCTION_TYPES:
                    continue
                built = _constructions_returned(analysis, file, factory)
                if built:
                    yield _finding(name, built[0], service)


def _constructions_returned(analysis, file, factory) -> list:
    """The client constructions a function returns, when every return is one; else []."""
    returned = [unwrap(expression) for expression in returned_expressions(factory)]
    built = [analysis.construction(file, node) if node is not None else None for node in returned]
    return built if built and all(built) else []


def _finding(name: str, construction, service) -> Finding:
    export = "the default export" if name == "default" else f"`{name}()`"
    return Finding.at(construction.span, f"{export} returns a new client (`{construction.label}`) on "
                      "every call, each with "
                      "its own connection pool: a handler that calls it per invocation runs the "
                      "database out of connections. Build the client once (at module scope, or "
                      f"cached in the factory: `client ??= {construction.label}`) and return that.")

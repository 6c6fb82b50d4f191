"""One handler loads modules that build several database clients.

What: more than one client built at module scope (`new PrismaClient()`, a `pg` `Pool`/`Client`,
a `mysql2` `createPool()`, a `@prisma/adapter-*` instance) in the modules one handler graph loads.
Every client after the first is reported, at its construction; the first is the one a module
exports, else the first by file and line. Not flagged: the same module imported several times or
through different paths (it loads once); a pool or adapter handed to another construction
(`new PrismaClient({ adapter: new PrismaPg(pool) })` is one client); clients cached in the same
global slot (`globalThis.prisma ??= new PrismaClient()` in two files); clients built inside
functions (CLIENT001 covers those built per invocation).

Why: each client holds its own connection pool, so a function instance keeps several pools open and
the database sees `concurrency × (pool size of every client)` connections. Copy-pasted
`new PrismaClient()` lines in helper modules are the usual cause.

Example:
    // src/lib/prisma.ts
    export const prisma = new PrismaClient()
    // src/repositories/users.ts
    const db = new PrismaClient()

Use instead:
    // src/repositories/users.ts
    import { prisma as db } from '../lib/prisma'

References: Prisma, "Databases connections" (one PrismaClient instance per application);
Prisma, "Deploy to AWS Lambda".
"""
from lintkit.analysis.clients import client_analysis, location
from lintkit.model.diagnostics import Finding

from ._common import once_per_place

CODE = "CLIENT004"
NAME = "multiple-clients-in-graph"
SEVERITY = "warning"
SUMMARY = "A handler graph builds more than one database client, each with its own pool."


def check(service, context):
    return once_per_place(_findings(service))


def _findings(service):
    for function in service.functions:
        clients = client_analysis(service, function)
        if clients is None:
            continue
        built = sorted(clients.module_scope_clients(), key=_shared_first)
        for extra in built[1:]:
            yield Finding.at(extra.span, _message(service, function, built[0], extra),
                             function=function.name)


def _message(service, function, first, extra) -> str:
    where = location(first.span, service.root)
    problem = (f"`{function.name}` also loads `{first.label}` ({where}), and each database client "
               "holds its own connection pool")
    if first.kind == "prisma" and extra.kind in ("pg", "mysql"):
        return (f"{problem}: run these queries through Prisma (`$queryRaw`), or give this pool to "
                "Prisma as its driver adapter.")
    return f"{problem}: import that client here instead of building a second one."


def _shared_first(construction):
    """The exported client is the shared one; then by file and position."""
    span = construction.span
    return (not _is_exported(construction), str(span.path), span.line, span.column)


def _is_exported(construction) -> bool:
    """`export const prisma = ...`, `export { prisma }`, `module.exports.prisma = ...`."""
    for node in reversed(construction.file.ancestors(construction.node)):
        if node.type in ("program", "statement_block"):
            return False
        if node.type == "export_statement":
            return True
        if node.type == "assignment_expression":
            if _text(node.child_by_field_name("left")).startswith(("module.exports", "exports.")):
                return True
        if node.type == "variable_declarator":
            if _text(node.child_by_field_name("name")) in construction.file.exports:
                return True
    return False


def _text(node) -> str:
    return node.text.decode("utf-8", "replace") if node is not None and node.text else ""

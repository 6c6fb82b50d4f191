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
Prisma, "Deploy to AWS Lambda"; Prisma release notes 5.4.0 (`driverAdapters` preview) and 6.16.1
("In Prisma ORM 6.16.0, the driverAdapters and queryCompiler features were stabilized").
"""
from lintkit.analysis.clients import client_analysis, location
from lintkit.analysis.prismaengine import prisma_engine
from lintkit.model.diagnostics import Finding

from ._common import once_per_place

CODE = "CLIENT004"
NAME = "multiple-clients-in-graph"
SEVERITY = "warning"
SUMMARY = "A handler graph builds more than one database client, each with its own pool."
ADAPTERS_SINCE_MAJOR = 5  # driver adapters arrived in Prisma 5.4.0 (preview)


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
        return f"{problem}: run these queries through Prisma (`$queryRaw`){_adapter_advice(service, extra)}."
    return f"{problem}: import that client here instead of building a second one."


def _adapter_advice(service, extra) -> str:
    """Handing a pg pool to Prisma (`new PrismaPg(pool)`) needs a Prisma that takes driver adapters:
    5.4 to 6.15 with the `driverAdapters` preview feature, stable from 6.16. Prisma has no adapter
    for a mysql2 pool (`@prisma/adapter-mariadb` builds its own)."""
    if extra.kind != "pg":
        return ""
    engine = prisma_engine(service)
    if engine.rust_free or engine.adapter_in_code:
        return ", or give this pool to Prisma as its driver adapter (`new PrismaPg(pool)`)"
    if engine.major is not None and engine.major < ADAPTERS_SINCE_MAJOR:
        return ""
    return (", or give this pool to Prisma as its driver adapter (`new PrismaPg(pool)`; Prisma 5.4 "
            "to 6.15 need the `driverAdapters` preview feature)")


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

"""A pg `Pool`, `PrismaPg` adapter or mysql2 pool created without a size limit.

What: in handler code (a function's handler graph or inline `Code.ZipFile` code), `new Pool({...})`
from `pg`, `new PrismaPg({...})` from `@prisma/adapter-pg`, or `createPool({...})` from `mysql2`
(`mysql2/promise`) whose options have no `max` (pg, PrismaPg) or `connectionLimit` (mysql2); also
`new Pool()` with no options at all. Reported at the options object. Not flagged: a limit that is
set (to any value or expression); `new PrismaPg(pool)` given an existing pool (the pool's own
construction is checked); pg's `poolSize`, the old name of `max`; options that are built elsewhere
or spread from another object; a connection string passed instead of options.

Why: pg and mysql2 open up to 10 connections per pool by default. Every concurrent Lambda
instance holds its own pool while it handles one request at a time, so the default multiplies the
connections the database must accept by 10 for no gain.

Example:
    const pool = new Pool({ connectionString: process.env.DATABASE_URL })

Use instead:
    const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 1 })

References: node-postgres, "Pooling" (`max` defaults to 10) and `packages/pg-pool/index.js`
(`max || poolSize || 10`); mysql2, "Using connection pools" (`connectionLimit` defaults to 10);
Prisma, "Driver adapters" and "Deploy to AWS Lambda".
"""
from lintkit.analysis.pooling import pool_constructions
from lintkit.model.diagnostics import Finding

CODE = "POOL002"
NAME = "unbounded-adapter-pool"
SEVERITY = "warning"
SUMMARY = "A pg/PrismaPg/mysql2 pool without a size limit: up to 10 connections per instance."


def check(service, context):
    seen = set()
    for function in service.functions:
        graph = service.graph(function)
        for pool in pool_constructions(graph) if graph is not None else []:
            if pool.limit is not None or pool.span in seen:
                continue
            seen.add(pool.span)
            yield Finding.at(pool.span, f"This {pool.client} has no `{pool.limit_key}`, so each Lambda "
                             f"instance may open up to 10 connections: add `{pool.limit_key}: 1` "
                             "(one instance handles one request at a time).", function=function.name)

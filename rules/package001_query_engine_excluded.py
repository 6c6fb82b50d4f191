"""Package patterns drop the Prisma query engine a function loads.

What: with Prisma's Rust engine (Prisma ≤ 6, no `engineType = "client"`), `package.patterns` (or the
deprecated `exclude`/`include`) remove the engine file a function needs on Lambda
(`node_modules/.prisma/client/libquery_engine-rhel-openssl-3.0.x.so.node` for nodejs20.x on x86_64,
`query-engine-<target>` with `engineType = "binary"`, inside the generator `output` folder when it
is set) and no later pattern puts it back. Patterns are applied the way Serverless does: in order,
`!` excludes, later patterns win, function-level patterns only when packaged individually. Reported
at the pattern to fix: the one that re-includes the wrong file (`query-engine-*` while the engine
type is library or the reverse, `node_modules/.prisma/client` while the generator `output` is
elsewhere), else the last one that removes the engine. `provider = "prisma-client"` on Prisma 6
still copies the Rust engine into its `output` folder, and that folder's engine file is the one
checked. Not flagged: `engineType = "client"`, the `queryCompiler` preview, Prisma 7,
Accelerate/no-engine builds, functions with `layers` (a
layer may ship the engine), bundler plugins (PACKAGE003), `package.artifact`, container images,
functions whose handler does not import the Prisma client, patterns that are variables. An arm64
function with only the x86_64 engine re-included is PACKAGE002. A Node.js function whose code
lintkit could not follow (its handler's source not found, build output not mapped back to it) counts
when package.json depends on `@prisma/client` or `prisma` and the service has a schema.prisma, and
the message says so; one whose code was followed and does not import the client never counts.

Why: without its engine Prisma fails on every invocation with "Query engine library for current
platform could not be found", although the deploy succeeded.

Example:
    package:
      patterns:
        - '!node_modules/.prisma/**'

Use instead:
    package:
      patterns:
        - '!node_modules/.prisma/client/libquery_engine-*'
        - 'node_modules/.prisma/client/libquery_engine-rhel-*'

References: Prisma, "Deploy to AWS Lambda" (package patterns); Serverless Framework, "Packaging"
(patterns); prisma/prisma issues 8483 and 19906; prisma/prisma
`packages/client-generator-ts/src/generateClient.ts` (engine copied to `path.join(outputDir, fileName)`).
"""
from lintkit.analysis.packaging import engine_gaps, function_names, group_by_node, not_followed_note
from lintkit.model.diagnostics import Finding

CODE = "PACKAGE001"
NAME = "query-engine-excluded"
SEVERITY = "error"
SUMMARY = "Package patterns remove the Prisma query engine a function needs on Lambda."


def check(service, context):
    if service.format == "sam":
        return  # `package.patterns` is serverless.yml's: a SAM template has none
    gaps = [gap for gap in engine_gaps(service) if gap.why != "arm64"]
    for node, group in group_by_node(gaps, _pattern_to_fix):
        functions = [gap.function for gap in group]
        yield Finding.at(node, _message(group[0], functions) + not_followed_note(service, functions),
                         function=functions[0].name if len(functions) == 1 else None)


def _pattern_to_fix(gap):
    return (gap.misdirected or gap.remover).node


def _message(gap, functions) -> str:
    names, engine = function_names(functions), gap.reinclude
    load = "loads" if len(functions) == 1 else "load"
    pattern = (gap.misdirected or gap.remover).text
    if gap.why == "engine-type":
        other = "binary" if gap.engine == "library" else "library"
        return (f"`{pattern}` re-includes the {other} engine, but the engine type is {gap.engine}: "
                f"{names} {load} {engine}, which stays excluded. Re-include `{engine}` instead.")
    if gap.why == "output":
        return (f"`{pattern}` points at node_modules/.prisma/client, but the generator `output` puts the "
                f"client and its engine elsewhere: {names} {load} {engine}, which stays excluded. "
                f"Re-include `{engine}` instead.")
    where = "after it" if gap.remover.origin != "exclude" else "to `package.patterns`"
    return (f"`{pattern}` removes {engine}, the Prisma query engine {names} {load} on Lambda, and no "
            f"later pattern puts it back: add `{engine}` {where}.")

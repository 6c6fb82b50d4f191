"""An arm64 function's package re-includes only the x86_64 Prisma engine.

What: a function whose effective `architecture` is `arm64` uses Prisma's Rust engine, its package
patterns remove the engines and put back only `libquery_engine-rhel-*` (the x86_64 files, the line
copied from Prisma's x86_64 guide), so its real engine,
`libquery_engine-linux-arm64-openssl-1.0.x.so.node` / `-3.0.x.so.node`, stays excluded. Reported at
the pattern that re-includes the rhel engine. Patterns are applied the way Serverless does (see
PACKAGE001, which reports the other ways the engine is removed, and shares its exceptions: engine
type `client`, Prisma 7, layers, bundlers, artifacts, container images; and, as there, a function
whose code lintkit could not follow counts when the service depends on Prisma and has a schema).

Why: Prisma looks for the `linux-arm64-openssl-*` engine on Graviton; the x86_64 file is useless
there, so every invocation fails with "Query engine library for current platform could not be
found".

Example:
    provider:
      architecture: arm64
    package:
      patterns:
        - '!node_modules/.prisma/client/libquery_engine-*'
        - 'node_modules/.prisma/client/libquery_engine-rhel-*'

Use instead:
    package:
      patterns:
        - '!node_modules/.prisma/client/libquery_engine-*'
        - 'node_modules/.prisma/client/libquery_engine-linux-arm64-*'

Fix (safe): the rhel pattern becomes the arm64 one (`libquery_engine-rhel-*` becomes
`libquery_engine-linux-arm64-*`), when every function of the service runs on arm64: none of them
loads the rhel engine, so nothing it packed is needed. With an x86_64 function in the service, no fix.

References: Prisma, "Deploy to AWS Lambda" (ARM64 / Graviton, binary targets); Serverless
Framework, "Packaging" (patterns); AWS Lambda, "Lambda instruction set architectures".
"""
from lintkit.analysis.packaging import (
    architecture, engine_gaps, function_names, group_by_node, not_followed_note,
)
from lintkit.model.diagnostics import Finding

from ._common import scalar_fix

CODE = "PACKAGE002"
NAME = "wrong-arm64-engine"
SEVERITY = "error"
SUMMARY = "An arm64 function re-includes only the x86_64 (rhel) Prisma engine."
FIXES = ("safe",)
RHEL, ARM64 = "engine-rhel-", "engine-linux-arm64-"


def check(service, context):
    gaps = [gap for gap in engine_gaps(service) if gap.why == "arm64"]
    for node, group in group_by_node(gaps, lambda gap: gap.misdirected.node):
        functions = [gap.function for gap in group]
        gap = group[0]
        runs = "runs" if len(functions) == 1 else "run"
        yield Finding.at(
            node, f"`{gap.misdirected.text}` re-includes the x86_64 engine, but {function_names(functions)} "
            f"{runs} on arm64 and load{'s' if len(functions) == 1 else ''} {gap.reinclude}, which stays "
            f"excluded: re-include `{gap.reinclude}` (and list "
            f"\"{gap.targets[-1]}\" in binaryTargets)." + not_followed_note(service, functions),
            function=functions[0].name if len(functions) == 1 else None, fix=_fix(service, node, gap))


def _fix(service, node, gap):
    """The rhel pattern rewritten for the arm64 engine files, when no function of the service
    runs on x86_64 (the pattern may be theirs too)."""
    text = gap.misdirected.text
    if text.count(RHEL) != 1 or text.startswith("!"):
        return None
    if any(architecture(function) != "arm64" for function in service.functions if function.kind == "function"):
        return None
    arm64 = text.replace(RHEL, ARM64)
    return scalar_fix(node, arm64, f"Re-include the arm64 engine: `{arm64}`")

"""The installed Prisma needs a newer Node.js than the function's runtime.

What: the Prisma major that package.json installs (`@prisma/client`, else `prisma`) needs a newer
Node.js than a function's runtime: Prisma 5 needs Node.js 16.13, Prisma 6 18.18, Prisma 7 20.19
(table in `lintkit/data/prisma.json`). A `nodejsNN.x` runtime tracks the newest minor release of its
major, so only the major is compared. Reported once per `runtime` node (provider, function, or a raw
resource's `Runtime`). Not flagged: container images, functions whose handler does not import the
Prisma client, unknown Prisma versions (`latest`, git or workspace ranges), runtimes that are
variables.

Why: Prisma refuses to start on an unsupported Node.js version (or fails on missing APIs), so every
invocation errors although the build and deploy succeeded.

Example:
    provider:
      runtime: nodejs16.x     # package.json: "@prisma/client": "^6.2.0"

Use instead:
    provider:
      runtime: nodejs22.x

References: Prisma, "System requirements" and "Upgrade to Prisma ORM 5 / 6 / 7"; AWS Lambda,
"Lambda runtimes".
"""
from lintkit.analysis.facts import newest_runtimes, node_version
from lintkit.analysis.packaging import function_names, group_by_node, minimum_node, prisma_major, uses_prisma
from lintkit.model.diagnostics import Finding
from lintkit.model.nodes import is_dynamic, text

CODE = "RUNTIME006"
NAME = "prisma-runtime-incompatible"
SEVERITY = "error"
SUMMARY = "A function's Node.js runtime is older than the installed Prisma major supports."


def check(service, context):
    major = prisma_major(service)
    minimum = minimum_node(major) if major is not None else None
    if minimum is None:
        return
    too_old = [function for function in service.functions if _too_old(service, function, minimum)]
    upgrade = " or ".join(newest_runtimes(context.as_of))
    for runtime, functions in group_by_node(too_old, lambda function: function.runtime):
        runs = "runs" if len(functions) == 1 else "run"
        yield Finding.at(
            runtime, f"Prisma {major} (package.json) needs Node.js {minimum[0]}.{minimum[1]} or newer, "
            f"but {function_names(functions)} {runs} on {text(runtime)}: change the runtime to "
            f"{upgrade}, or install a Prisma version that supports it.",
            function=functions[0].name if len(functions) == 1 else None)


def _too_old(service, function, minimum: tuple[int, int]) -> bool:
    runtime = function.runtime
    version = node_version(text(runtime)) if not is_dynamic(runtime) else None
    if version is None or function.image is not None:
        return False
    if text(runtime).endswith(".x"):
        version = (version[0], 99)  # `nodejs18.x` is the newest 18 release
    return version < minimum and _loads_prisma(service, function)


def _loads_prisma(service, function) -> bool:
    """Skip functions known not to import the client; code that cannot be read counts as Prisma."""
    return service.graph(function) is None or uses_prisma(service, function)

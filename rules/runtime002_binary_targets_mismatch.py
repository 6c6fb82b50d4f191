"""schema.prisma's `binaryTargets` lacks the query engine a function needs on Lambda.

What: Prisma ≤ 6 with the Rust query engine, and the client generator's `binaryTargets` (or its
absence, which means `native` only) does not list the target of some function that uses Prisma:
x86_64 needs `rhel-openssl-1.0.x` on nodejs18.x and older, `rhel-openssl-3.0.x` on nodejs20.x and
newer; arm64 needs `linux-arm64-openssl-1.0.x` / `linux-arm64-openssl-3.0.x` (table in
`lintkit/data/prisma.json`). `native` is the machine that runs `prisma generate`, not Lambda. A
function whose runtime is not set accepts either target of its architecture. Reported at the
`binaryTargets` value, or at the generator when it has none. Which engine loads is
`lintkit.analysis.prismaengine`'s answer: `provider = "prisma-client"` on Prisma 6 and the
`driverAdapters` preview still load the Rust engine (the adapter only carries the engine's SQL) and
are checked. Not flagged: `engineType = "client"`, the `queryCompiler` preview, Prisma 7,
Accelerate/no-engine builds, container images,
`binaryTargets = env(...)`, functions whose handler does not import the Prisma client. With no
Prisma version in package.json, only a schema that sets `binaryTargets` is checked. A Node.js
function whose code lintkit could not follow (its handler's source not found, build output not
mapped back to it) counts when package.json depends on `@prisma/client` or `prisma` and the service
has a schema.prisma, and the message says so; one whose code was followed and does not import the
client never counts.

Why: Prisma loads the engine built for the platform it runs on; without it every query fails with
"Query engine library for current platform "rhel-openssl-3.0.x" could not be found".

Example:
    generator client {
      provider      = "prisma-client-js"
      binaryTargets = ["native"]          # functions run nodejs20.x on x86_64
    }

Use instead:
    generator client {
      provider      = "prisma-client-js"
      binaryTargets = ["native", "rhel-openssl-3.0.x"]
    }

Fix (safe): add the missing target to `binaryTargets` (written on one line), keeping `native` and
every target listed; without `binaryTargets`, add `binaryTargets = ["native", "<target>"]` after
the generator's `provider`. Safe: `prisma generate` builds one more engine and nothing else changes.
When the target depends on a runtime lintkit does not know, no fix.

References: Prisma, "Deploy to AWS Lambda" (binary targets) and "Prisma schema reference"
(`binaryTargets`); Prisma, "Database drivers" (with a driver adapter "Prisma Client will use the
Query Engine to transform the Prisma Client query to SQL"); prisma/prisma
`packages/client-generator-ts/src/generateClient.ts` (the `prisma-client` generator copies the
library or binary engine into its output folder unless `engineType = "client"`); AWS Lambda,
"Lambda runtimes" (Amazon Linux 2 and 2023).
"""
from lintkit.analysis.packaging import (
    binary_target_list,
    function_names,
    lambda_engine_targets,
    not_followed_note,
    runtime_label,
    rust_engine,
    target_runtimes,
    uses_prisma,
)
from lintkit.model.diagnostics import Edit, Finding, Fix

CODE = "RUNTIME002"
NAME = "binary-targets-mismatch"
SEVERITY = "error"
SUMMARY = "Prisma binaryTargets without the engine target of a function's Lambda runtime."
FIXES = ("safe",)


def check(service, context):
    schema = service.prisma_schema
    generator = schema.client_generator if schema is not None else None
    if generator is None or rust_engine(service) is None:
        return
    listed = binary_target_list(schema)
    if listed is None:
        return
    missing = _missing_targets(service, listed)
    if not missing:
        return
    field = schema.binary_targets_field
    functions = [function for group in missing.values() for function in group]
    where = field.span if field is not None else generator.span
    message = _message(missing, listed, field is not None) + not_followed_note(service, functions)
    yield Finding.at(where, message, function=functions[0].name if len(functions) == 1 else None,
                     fix=_fix(generator, field, listed, missing))


def _fix(generator, field, listed: list[str], missing) -> Fix | None:
    """The missing targets added to binaryTargets (written on one line), `native` and the others
    kept; without binaryTargets, a line `binaryTargets = ["native", ...]` after the generator's
    `provider`. None when a function's target depends on a runtime lintkit does not know."""
    if any(len(targets) != 1 for targets in missing):
        return None
    added = [targets[0] for targets in missing if targets[0] not in listed]
    quoted = ", ".join(f'"{target}"' for target in added)
    title = f"Add {quoted} to binaryTargets"
    if field is not None:
        raw = field.raw
        if "\n" in raw or not raw.endswith("]") or field.span.line != field.span.end_line:
            return None
        inner = raw[1:-1].strip()
        if inner.endswith(","):
            return None
        new = raw[:-1] + (", " if inner else "") + quoted + "]"
        return Fix.replace(field.span, raw, new, title)
    provider = generator.get("provider")
    if provider is None or provider.span.line != provider.span.end_line:
        return None
    return Fix(title, [Edit.new_line_after(provider.span.path, provider.span.line,
                                           f'binaryTargets = ["native", {quoted}]',
                                           provider.key_span.column)])


def _missing_targets(service, listed: list[str]) -> dict[tuple[str, ...], list]:
    """Functions whose engine target is not listed, grouped by the targets that would serve them."""
    missing: dict[tuple[str, ...], list] = {}
    for function in service.functions:
        if not uses_prisma(service, function):
            continue
        targets = lambda_engine_targets(function)
        if targets and not set(targets) & set(listed):
            missing.setdefault(targets, []).append(function)
    return missing


def _message(missing, listed: list[str], has_field: bool) -> str:
    needs = "; ".join(f"{_choice(targets)} for {function_names(group)} "
                      f"({', '.join(sorted({runtime_label(f) for f in group}))})"
                      for targets, group in missing.items())
    suggested = list(listed) + [targets[-1] for targets in missing if targets[-1] not in listed]
    example = "binaryTargets = [" + ", ".join(f'"{target}"' for target in suggested) + "]"
    if has_field:
        problem = "binaryTargets has no query engine for Lambda"
    else:
        problem = ("generator has no binaryTargets, so `prisma generate` builds only the engine of "
                   "the machine it runs on, not Lambda's")
    return (f"{problem}: add {needs}, e.g. `{example}`. Without it every query fails with "
            "\"Query engine library for current platform could not be found\".")


def _choice(targets: tuple[str, ...]) -> str:
    if len(targets) == 1:
        return f'"{targets[0]}"'
    return " or ".join(f'"{target}" ({target_runtimes(target)})' for target in reversed(targets))

"""The package ships Prisma engines the functions never load.

What: with Prisma's Rust engine and Serverless's own packaging, either (1) three or more query engines
end up in a package (each target of `binaryTargets`, `native` included, whose file the package
patterns keep) while the package's functions need fewer (their Lambda targets, see RUNTIME002), or
(2) the Prisma CLI is a production dependency (or `excludeDevDependencies: false` keeps it) and
`node_modules/@prisma/engines` is not excluded. `native` is matched against the patterns as the
`debian-openssl-3.0.x` engine of a Linux CI machine. Reported at the package's `patterns` (the
function's when packaged individually), else at the schema's `binaryTargets` (1) or the `prisma`
dependency in package.json (2). Not flagged: packages with only needed engines, `native` plus
the Lambda target (Prisma's own recommended setup),
`@prisma/engines` when a handler runs the Prisma CLI (migrations need its schema engine), bundler
plugins, container images, and the cases PACKAGE001 lists (engine type `client`, Prisma 7,
Accelerate). As there, a function whose code lintkit could not follow counts as loading an engine
when the service depends on Prisma and has a schema.

Why: each query engine is about 15-20 MB unzipped; a package above Lambda's limits (50 MB zipped
upload, 250 MB unzipped with layers) fails to deploy, and a bigger package slows every cold start.

Example:
    generator client {
      binaryTargets = ["native", "rhel-openssl-1.0.x", "rhel-openssl-3.0.x"]
    }
    # serverless.yml: no package patterns, functions on nodejs20.x

Use instead:
    package:
      patterns:
        - '!node_modules/.prisma/client/libquery_engine-*'
        - 'node_modules/.prisma/client/libquery_engine-rhel-openssl-3.0.x.so.node'
        - '!node_modules/@prisma/engines/**'

References: Prisma, "Deploy to AWS Lambda" (package size, patterns); AWS Lambda, "Lambda quotas"
(deployment package size); Serverless Framework, "Packaging".
"""
from lintkit.analysis.migrations import cli_runs
from lintkit.analysis.packaging import (
    NATIVE_STAND_IN,
    binary_target_list,
    engine_dir,
    engine_file,
    function_package,
    keeps_dev_dependencies,
    lambda_engine_targets,
    not_followed_note,
    package_patterns,
    packaged,
    packed_individually,
    packs_with_patterns,
    rust_engine,
    service_package,
    uses_prisma,
)
from lintkit.model.diagnostics import Finding
from lintkit.model.nodes import path_get

# `native` + the Lambda target is Prisma's own recommendation (one engine for local development):
# only a third engine is worth a note.
MIN_ENGINES = 3
CODE = "PACKAGE004"
NAME = "oversized-engine-bundle"
SEVERITY = "info"
SUMMARY = "Prisma engines packaged that no function loads (Lambda's package size limits)."

CLI_ENGINES = "node_modules/@prisma/engines"


def check(service, context):
    engine, directory = rust_engine(service), engine_dir(service)
    if engine is None or directory is None:
        return
    for anchor, functions in _package_units(service).items():
        entries = package_patterns(service, functions[0])
        if entries is None:
            continue
        extra = _extra_engines(service, functions, entries, engine, directory)
        cli = _cli_engines(service, entries, engine)
        node = anchor if anchor is not None else _fallback_node(service, extra)
        if (extra or cli) and node is not None:
            yield Finding.at(node, " ".join(filter(None, (extra, cli))),
                             function=functions[0].name if len(functions) == 1 else None)


def _package_units(service) -> dict:
    """Functions grouped by the patterns list that shapes their package (None: no list)."""
    units: dict = {}
    service_patterns = path_get(service_package(service), "patterns")
    for function in service.functions:
        if not packs_with_patterns(service, function):
            continue
        own_patterns = path_get(function_package(function), "patterns")
        anchor = own_patterns if own_patterns is not None and packed_individually(service, function) \
            else service_patterns
        units.setdefault(anchor, []).append(function)
    return units


def _extra_engines(service, functions, entries, engine, directory) -> str | None:
    generated = binary_target_list(service.prisma_schema) if service.prisma_schema else None
    prisma_functions = [function for function in functions if uses_prisma(service, function)]
    needed = {target for function in prisma_functions for target in lambda_engine_targets(function)}
    if not generated or not needed or any(not lambda_engine_targets(f) for f in prisma_functions):
        return None
    shipped = [target for target in dict.fromkeys(generated)
               if packaged(entries, f"{directory}/{engine_file(engine, _file_target(target))}")[0]]
    extra = [target for target in shipped if target not in needed]
    if len(shipped) < MIN_ENGINES or not extra:
        return None
    keep = [target for target in shipped if target in needed]
    return (f"{len(shipped)} Prisma query engines are packaged ({', '.join(shipped)}) but the functions "
            f"load only {', '.join(keep) or 'other targets'}; each adds about 15-20 MB toward Lambda's "
            f"250 MB unzipped limit. Add `!{directory}/{engine_file(engine, '*')}` and re-include "
            + " and ".join(f"`{directory}/{engine_file(engine, target)}`" for target in sorted(needed))
            + " in package.patterns." + not_followed_note(service, prisma_functions))


def _file_target(target: str) -> str:
    return NATIVE_STAND_IN if target == "native" else target


def _cli_engines(service, entries, engine) -> str | None:
    if not _cli_shipped(service) or any(cli_runs(service, function) for function in service.functions):
        return None
    if not packaged(entries, f"{CLI_ENGINES}/{engine_file(engine, NATIVE_STAND_IN)}")[0]:
        return None
    return (f"The Prisma CLI is packaged with its engines ({CLI_ENGINES}, tens of MB) that no handler "
            f"uses: add `!{CLI_ENGINES}/**` to package.patterns, or move `prisma` to devDependencies.")


def _cli_shipped(service) -> bool:
    package = service.package_json
    if package is None:
        return False
    return package.in_dependencies("prisma") or (keeps_dev_dependencies(service)
                                                  and package.in_dev_dependencies("prisma"))


def _fallback_node(service, extra_engines: str | None):
    """Without a patterns list: the schema's binaryTargets, or the `prisma` dependency."""
    schema = service.prisma_schema
    field = schema.binary_targets_field if schema is not None else None
    if extra_engines and field is not None:
        return field.span
    dependency = service.package_json.dependency("prisma") if service.package_json else None
    return dependency[1] if dependency else None

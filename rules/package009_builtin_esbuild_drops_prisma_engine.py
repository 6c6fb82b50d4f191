"""Serverless v4's built-in esbuild bundles a Prisma function and leaves the query engine behind.

What: Serverless Framework v4 runs the service (`frameworkVersion` or package.json's `serverless`
allows only 4), its built-in esbuild builds a function that loads the Prisma client (a TypeScript
handler with no `build` settings, or any Node.js handler once `build.esbuild` is set; the runtime
must be written, as the framework applies its default only after building), Prisma runs with the
Rust query engine, and `package.patterns` (the service's, or the function's own) does not put the
engine from `node_modules/.prisma/client` (or the generator's `output`) into the package. The
message also says whether `@prisma/client` is kept out of the bundle (`build.esbuild.external`,
`packages: external`, and not in `exclude`). Reported at `build.esbuild` (where the fix goes), else
at `build`, else at `frameworkVersion` (what makes v4 build it), else at the first handler.
A `build.esbuild.configFile` is JavaScript lintkit does not run: one info finding says it could not
look. Not flagged: `build.esbuild: false`, `engineType = "client"`, `provider = "prisma-client"`,
Prisma 7 (no Rust engine), JavaScript handlers with no `build` key, `image:` functions,
`package.artifact`, functions without a written Node.js runtime, a bundler plugin in `plugins`
(PACKAGE010 reports it on v4), Serverless v3, a version lintkit
cannot tell, settings that are deploy-time variables.

Why: esbuild follows JavaScript imports; the engine is a native file Prisma loads by path, so
neither it nor schema.prisma lands in the bundle, and every query fails with "Prisma Client could
not locate the Query Engine". The `node_modules` in v4's package is installed afresh in
`.serverless/build` for the external packages only; what `prisma generate` wrote in the service
folder is shipped only through `package.patterns`.

Example:
    frameworkVersion: '4'
    provider:
      runtime: nodejs22.x
    functions:
      users:
        handler: src/users.handler    # src/users.ts imports @prisma/client

Use instead:
    build:
      esbuild:
        external: ['@prisma/client']
    package:
      patterns:
        - 'node_modules/.prisma/client/**'

References: serverless/serverless packages/serverless/lib/plugins/esbuild/index.js
(`_shouldBuildFunction`, `_externals`, `_preparePackageJson`, `_package`: patterns add files from
the service folder and filter node_modules); docs/sf/providers/aws/guide/building.md;
serverless/serverless issue 12552 ("the bundler step gets rid of the libquery_engine-xxxx.so.node
file ... also gets rid of the schema.prisma file").
"""
from lintkit.analysis.framework import (
    BUNDLER_PLUGINS, TYPESCRIPT_EXTENSIONS, build_esbuild, builtin_build_key, builtin_builds, esbuild_list,
    esbuild_setting, framework, handler_extension,
)
from lintkit.analysis.packaging import (
    architecture_targets, engine_dir, engine_file, function_names, package_patterns, packaged,
    prisma_use, rust_engine,
)
from lintkit.model.diagnostics import Finding
from lintkit.model.nodes import Mapping, is_dynamic, text
from lintkit.read.globs import glob_matches

CODE = "PACKAGE009"
NAME = "builtin-esbuild-drops-prisma-engine"
SEVERITY = "error"
SUMMARY = "Serverless v4's built-in esbuild bundles a Prisma function and no package pattern ships the query engine."

CLIENT = "@prisma/client"
DEFAULT_ENGINE_DIR = "node_modules/.prisma/client"


def check(service, context):
    if service.format == "sam":
        return  # Serverless v4's built-in esbuild is serverless.yml's: a SAM template has none
    engine = rust_engine(service)
    if engine is None or not framework(service).is_v4:
        return
    if any(plugin in BUNDLER_PLUGINS for plugin in service.plugins):
        return  # v4 refuses to run with it unless build.esbuild is false: PACKAGE010
    built = [function for function in service.functions
             if builtin_builds(service, function) and prisma_use(service, function) is not None]
    if not built:
        return
    config_file = esbuild_setting(service, "configFile")
    if config_file is not None:
        yield Finding.at(config_file, f"Serverless v4's esbuild bundles {function_names(built)}, which load "
                         "Prisma's Rust query engine, with options from this file, which lintkit does not "
                         "run: it cannot tell whether they keep `@prisma/client` external; make sure "
                         f"`package.patterns` ships `{_engine_dir(service)}/**`.", severity="info")
        return
    external = _client_external(service)
    shipped = [_engine_shipped(service, function, engine) for function in built]
    if external is None or None in shipped:
        return  # deploy-time values decide
    missing = [function for function, ok in zip(built, shipped) if not ok]
    if not missing:
        return
    directory = _engine_dir(service)
    why = ("TypeScript handler" + ("s" if len(missing) > 1 else "") if all(handler_extension(service, f) in TYPESCRIPT_EXTENSIONS for f in missing)
           else "`build.esbuild` is set")
    head = (f"Serverless v4's built-in esbuild bundles {function_names(missing)} ({why}), and the bundle "
            f"holds neither Prisma's query engine ({engine_file(engine, '*')}) nor schema.prisma, so "
            "Prisma cannot start on Lambda: ")
    if external:
        fix = (f"`@prisma/client` is external, but package.patterns does not ship `{directory}`, which "
               f"`prisma generate` wrote; add `'{directory}/**'` to package.patterns.")
    else:
        fix = (f"add `external: ['{CLIENT}']` under build.esbuild and `'{directory}/**'` to "
               'package.patterns, or move to `engineType = "client"` with a driver adapter.')
    yield Finding.at(_where(service, missing[0]), head + fix, function=missing[0].name if len(missing) == 1 else None)


def _client_external(service) -> bool | None:
    """`@prisma/client` stays out of the bundle and is installed into the package; None when the
    settings are deploy-time values."""
    settings = build_esbuild(service)
    if is_dynamic(settings):
        return None
    if not isinstance(settings, Mapping):
        return False
    external, exclude = esbuild_list(service, "external"), esbuild_list(service, "exclude")
    packages = settings.get("packages")
    if external is None or exclude is None or is_dynamic(packages):
        return None
    if any(glob_matches(pattern, CLIENT) for pattern in exclude if not pattern.startswith("!")):
        return False  # external, but left out of the package
    return text(packages) == "external" or any(glob_matches(pattern, CLIENT) for pattern in external)


def _engine_shipped(service, function, engine: str) -> bool | None:
    """The function's package.patterns put an engine file of a Lambda target into its zip."""
    entries = package_patterns(service, function)
    if entries is None:
        return None
    directory = _engine_dir(service)
    targets = architecture_targets("x86_64") + architecture_targets("arm64")
    for target in targets:
        included, decisive = packaged(entries, f"{directory}/{engine_file(engine, target)}")
        if decisive is not None and included:
            return True
    return False


def _engine_dir(service) -> str:
    return engine_dir(service) or DEFAULT_ENGINE_DIR


def _where(service, function):
    return builtin_build_key(service) or function.handler

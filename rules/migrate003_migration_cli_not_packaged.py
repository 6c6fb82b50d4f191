"""A function runs the Prisma CLI, but the CLI or the migrations are not in its deployment package.

What: a function whose code runs the Prisma CLI (see MIGRATE001 for how calls are found) while
- `prisma` is only in `devDependencies` (Serverless leaves devDependencies out of the package), or
  `package.patterns` (or the deprecated `package.exclude`) drop `node_modules/prisma`;
- it runs `prisma migrate ...` and the patterns drop the migrations folder (prisma.config.ts's
  `migrations.path`, else next to schema.prisma: `!prisma/migrations/**`, `!**/*.sql`);
- it runs `prisma migrate ...` and the patterns drop the schema file (prisma.config.ts's `schema`,
  else package.json's `prisma.schema` or `prisma/schema.prisma`);
- it runs `prisma migrate ...` and the patterns drop prisma.config.ts (`!*.ts`) while schema.prisma
  has no `url`: the config's `datasource.url` is then the only URL there is (Prisma 7), and the CLI
  stops with "The datasource.url property is required in your Prisma config file when using prisma
  migrate deploy";
- Serverless 4 bundles the function with its built-in esbuild (`lintkit.analysis.framework`) and
  neither `build.esbuild.external` (or `packages: external`) nor `package.patterns` ship
  `node_modules/prisma`: the bundle cannot hold a CLI that the code runs by its path;
- it is a raw `AWS::Lambda::Function` with inline `Code.ZipFile` code, which is deployed as a single
  file and can never contain the CLI.
Not flagged: `prisma` in `dependencies` (or functions with Lambda layers, which may carry it),
migrations included, patterns that re-include what an earlier pattern dropped, custom `artifact`s.

Why: the command fails on every invocation (`Cannot find module .../prisma/build/index.js`,
`command not found: prisma`, or `No migration found in prisma/migrations`), usually in the middle
of a deployment.

Example:
    # package.json: "devDependencies": { "prisma": "6.1.0" }
    functions:
      migrate:
        handler: src/migrate.handler   # runs node_modules/prisma/build/index.js migrate deploy

Use instead:
    # package.json: "dependencies": { "prisma": "6.1.0" }
    package:
      patterns:
        - '!node_modules/@prisma/engines/**'
        - 'prisma/migrations/**'

References: Serverless Framework, "Packaging" (patterns, devDependencies); Prisma, "Deploy to AWS
Lambda" and "Deploying database changes with Prisma Migrate"; Prisma, "Config API"
(prisma/web apps/docs/content/docs/orm/reference/prisma-config-reference.mdx: `migrations.path`,
paths relative to the config file); prisma/orm issue 28983 (the `datasource.url` error).
"""
from lintkit.analysis.migrations import (CLI_FILE, cli_runs, config_file, migrations_file,
                                         package_excludes, schema_file)
from lintkit.analysis.framework import (builtin_build_key, builtin_builds, esbuild_list, esbuild_setting,
                                        framework)
from lintkit.analysis.packaging import has_layers, package_patterns, packaged
from lintkit.model.diagnostics import Finding
from lintkit.model.nodes import Span, is_dynamic, path_get, text

CODE = "MIGRATE003"
NAME = "migration-cli-not-packaged"
SEVERITY = "error"
SUMMARY = "A function runs the Prisma CLI, but the CLI or prisma/migrations is not in its package."


def check(service, context):
    found = {}  # span -> [message, [function names]]; a pattern may drop files for many functions
    for function in service.functions:
        runs = cli_runs(service, function)
        if not runs:
            continue
        for where, message in _problems(service, function, runs):
            span = where if isinstance(where, Span) else where.span
            found.setdefault(span, [message, []])[1].append(function.name)
    for span, (message, names) in found.items():
        yield Finding.at(span, message.replace("{names}", _names(names)),
                         function=names[0] if len(names) == 1 else None)


def _problems(service, function, runs):
    if function.kind == "resource":
        if service.inline_code(function) is not None and not has_layers(service, function):
            yield from _inline(function, runs)
        return
    if not has_layers(service, function):
        if framework(service).is_v4 and builtin_builds(service, function) is True:
            yield from _cli_bundled_away(service, function)
        else:
            yield from _cli_missing(service, function)
    if any(run.command.names[:1] == ("migrate",) for run in runs):
        yield from _migrations_missing(service, function)
        yield from _file_missing(service, function, schema_file(service),
                                 "so the CLI cannot load the schema (`Could not find Prisma Schema`)")
        yield from _file_missing(service, function, config_file(service),
                                 "and schema.prisma has no `url`, so the CLI finds no "
                                 "`datasource.url` and stops")


def _inline(function, runs):
    line = runs[0].source.span(runs[0].call).line
    if function.is_sam:  # SAM's InlineCode becomes Code.ZipFile
        key, written = function.node.key_node("InlineCode"), "`InlineCode`"
    else:
        key, written = path_get(function.node, "Code").key_node("ZipFile"), "inline `Code.ZipFile` code"
    package = ("an AWS::Serverless::Function whose `CodeUri` folder has `prisma` in its package.json "
               "dependencies" if function.service.format == "sam"
               else "a `functions:` entry with `prisma` in dependencies")
    yield key, (f"`{runs[0].command.label}` (line {line}) runs in {written}, "
                "which is deployed as a single index.js without node_modules, so the Prisma CLI is "
                f"never there: deploy {{names}} from the service package ({package}), or run "
                "migrations from CI.")


def _cli_missing(service, function):
    package = service.package_json
    dev_only = (package is not None and package.in_dev_dependencies("prisma")
                and not package.in_dependencies("prisma"))
    excluded, pattern = package_excludes(service, function, CLI_FILE, dev_dependency=dev_only)
    if not excluded:
        return
    if pattern is not None:
        yield pattern.node, (f"`{pattern.node.value}` leaves the Prisma CLI "
                             "(`node_modules/prisma`) out of the package of {names}, where it "
                             f"runs: {_fix(pattern, 'node_modules/prisma')}.")
    else:
        yield package.dev_dependencies["prisma"][1], (
            "`prisma` is only a devDependency and Serverless leaves devDependencies out of the "
            "package, but the Prisma CLI runs in {names}: move `prisma` to `dependencies`.")


def _cli_bundled_away(service, function):
    """Serverless 4's built-in esbuild ships the bundle, the packages it keeps external (installed
    into the build folder) and what `package.patterns` add; the CLI that the code runs by its path
    is none of these unless one of them names it."""
    external = esbuild_list(service, "external")
    packages = esbuild_setting(service, "packages")
    if external is None or is_dynamic(packages) or "prisma" in external or text(packages) == "external":
        return
    entries = package_patterns(service, function)
    if entries is None or packaged(entries, CLI_FILE, start_included=False)[0]:
        return
    where = builtin_build_key(service)
    if where is None:
        return
    yield where, ("Serverless 4 bundles {names} with its built-in esbuild, and the package then "
                  "holds the bundle, the packages kept `external` and what `package.patterns` add, "
                  "not `node_modules/prisma`, whose CLI the code runs: add `prisma` to "
                  "`build.esbuild.external` (v4 installs external packages into the package), or "
                  "add `node_modules/prisma/**` and `node_modules/@prisma/engines/**` to `package.patterns`.")


def _migrations_missing(service, function):
    path = migrations_file(service)
    excluded, pattern = package_excludes(service, function, path) if path else (False, None)
    if excluded and pattern is not None:
        folder = path.rsplit("/", 2)[0]
        yield pattern.node, (f"`{pattern.node.value}` leaves `{folder}` out of the package of "
                             f"{{names}}, where `prisma migrate` runs: {_fix(pattern, folder)}.")


def _file_missing(service, function, path: str | None, consequence: str):
    excluded, pattern = package_excludes(service, function, path) if path else (False, None)
    if excluded and pattern is not None:
        yield pattern.node, (f"`{pattern.node.value}` leaves `{path}` out of the package of "
                             f"{{names}}, where `prisma migrate` runs, {consequence}: "
                             f"{_fix(pattern, path, file=True)}.")


def _fix(pattern, folder: str, file: bool = False) -> str:
    """How to put `folder` (or one file) back into the package."""
    entry = folder if file else f"{folder}/**"
    if pattern.origin == "exclude":
        return (f"remove it from the deprecated `package.exclude`, or add `{entry}` to "
                "`package.patterns`")
    return f"remove the pattern or add `{entry}` after it"


def _names(names) -> str:
    return ", ".join(f"`{name}`" for name in names)

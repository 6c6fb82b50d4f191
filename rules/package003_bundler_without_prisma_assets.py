"""A bundler plugin packs the handlers but not schema.prisma and the Prisma engine.

What: the service uses `serverless-esbuild`, `serverless-webpack` or `serverless-bundle`, a function
imports the Prisma client, Prisma runs with the Rust engine, and nothing puts schema.prisma and the
query engine (`node_modules/.prisma/client`) into the bundle: no copy plugin (a Serverless plugin with
`copy` or `prisma` in its name, an npm package with `copy` in its name, e.g. `serverless-webpack-prisma`,
`copy-webpack-plugin`, `esbuild-plugin-copy`), no mention of `@prisma/client`, `.prisma`,
`prisma generate`, `schema.prisma` or the engine in the plugin's `custom:` settings (`external`,
`externals`, `copyFiles`, `packagerOptions.scripts`, `forceInclude` ...; `exclude` lists do not
count), no esbuild `plugins` file, no package pattern re-including them, no package.json script
copying the engine. Reported at the plugin's `custom:` block, else at its `plugins:` entry. Not
flagged: `engineType = "client"`, `provider = "prisma-client"`, Prisma 7, Accelerate/no-engine
builds, a Prisma version package.json does not pin (unless the schema sets `binaryTargets` or
`engineType`), bundler settings that are variables.

Why: bundlers follow JavaScript imports; the engine is a native file Prisma loads by path and the
schema is read at runtime, so neither lands in the zip and every query fails with "Query engine
library ... could not be found" or "ENOENT ... schema.prisma".

Example:
    plugins:
      - serverless-esbuild
    custom:
      esbuild:
        bundle: true

Use instead:
    custom:
      esbuild:
        bundle: true
        external: ['@prisma/client', '.prisma']
        packagerOptions:
          scripts: ['prisma generate']

References: Prisma, "Deploy to AWS Lambda" (bundlers, serverless-webpack, serverless-esbuild);
serverless-esbuild and serverless-webpack documentation (external modules, packagerOptions.scripts);
prisma/prisma issues 14258 and 18858.
"""
from lintkit.analysis.packaging import BUNDLERS, bundler, package_blocks, rust_engine, strings_under, uses_prisma
from lintkit.model.diagnostics import Finding
from lintkit.model.nodes import Mapping, Sequence, is_dynamic, text, walk

CODE = "PACKAGE003"
NAME = "bundler-without-prisma-assets"
SEVERITY = "warning"
SUMMARY = "A bundler plugin with Prisma's Rust engine and nothing that copies schema.prisma and the engine."

PRISMA_ASSETS = ("@prisma/client", ".prisma", "prisma generate", "schema.prisma", "libquery_engine",
                 "query-engine")
ENGINE_FILES = (".prisma/client", "libquery_engine", "query-engine")
NOT_SHIPPED_KEYS = ("exclude", "forceExclude")
FIX = {
    "esbuild": "add `external: ['@prisma/client', '.prisma']` and `packagerOptions: {scripts: "
               "['prisma generate']}` to custom.esbuild",
    "webpack": "set `includeModules: true` with `packagerOptions: {scripts: ['prisma generate']}` in "
               "custom.webpack, or copy them with copy-webpack-plugin or the serverless-webpack-prisma "
               "plugin",
    "bundle": "list `node_modules/.prisma/client` (schema.prisma and the engine) under custom.bundle "
              "`copyFiles`, or `@prisma/client` under `externals`",
}


def check(service, context):
    plugin = bundler(service)
    if plugin is None or rust_engine(service) is None:
        return
    if not any(uses_prisma(service, function) for function in service.functions):
        return
    settings_key = BUNDLERS[plugin]
    if _copies_prisma_assets(service, plugin, settings_key):
        return
    where = service.custom.key_node(settings_key) if service.custom and settings_key in service.custom \
        else _plugin_entry(service, plugin)
    yield Finding.at(where, f"{plugin} bundles the handlers, but nothing puts schema.prisma and the "
                     "Prisma query engine (node_modules/.prisma/client) into the package, so Prisma "
                     f"cannot start on Lambda: {FIX[settings_key]}.")


def _copies_prisma_assets(service, plugin: str, settings_key: str) -> bool:
    settings = service.custom.get(settings_key) if service.custom else None
    if is_dynamic(settings) or any(is_dynamic(node) for _, node in walk(settings)):
        return True
    if isinstance(settings, Mapping) and settings_key == "esbuild" and "plugins" in settings:
        return True  # an esbuild plugins file may copy them
    mentioned = strings_under(settings, NOT_SHIPPED_KEYS)
    if any(asset in value for value in mentioned for asset in PRISMA_ASSETS):
        return True
    return _copy_plugin(service, plugin) or _copying_pattern(service) or _copying_script(service)


def _copy_plugin(service, plugin: str) -> bool:
    """A Serverless plugin named after copying or Prisma, or an npm package named after copying."""
    if any("copy" in name or "prisma" in name for name in service.plugins if name != plugin):
        return True
    package = service.package_json
    packages = list(package.dependencies) + list(package.dev_dependencies) if package is not None else []
    return any("copy" in name for name in packages)


def _copying_pattern(service) -> bool:
    patterns = [text(item) or "" for block in package_blocks(service)
                for item in (block.get("patterns") if isinstance(block.get("patterns"), Sequence) else [])]
    return any(not pattern.startswith("!") and any(asset in pattern for asset in PRISMA_ASSETS)
               for pattern in patterns)


def _copying_script(service) -> bool:
    package = service.package_json
    scripts = [script for script, _ in package.scripts.values()] if package is not None else []
    return any(engine in script for script in scripts for engine in ENGINE_FILES)


def _plugin_entry(service, plugin: str):
    plugins = service.document.get("plugins")
    if isinstance(plugins, Mapping):
        plugins = plugins.get("modules")
    entries = plugins.items if isinstance(plugins, Sequence) else []
    return next((entry for entry in entries if text(entry) == plugin), plugins or service.document)

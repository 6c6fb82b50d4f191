"""A bundler plugin packs the handlers but not schema.prisma and the Prisma engine.

What: the service uses `serverless-esbuild`, `serverless-webpack` or `serverless-bundle`, a function
imports the Prisma client, Prisma runs with the Rust engine, and nothing puts schema.prisma and the
query engine (`node_modules/.prisma/client`) into the bundle: no Serverless plugin with `copy` or
`prisma` in its name (e.g. `serverless-webpack-prisma`); no npm copy package doing it (for
serverless-webpack, `copy-webpack-plugin` or another package with `copy` in its name counts only
when the webpack config, `custom.webpack.webpackConfig` or `webpack.config.js`, uses it and names an
engine file such as `.prisma/client` or `libquery_engine`; for serverless-esbuild a copy package
counts through esbuild's `plugins` file); no mention of `@prisma/client`, `.prisma`, `schema.prisma`
or the engine in the plugin's `custom:` settings (`external`, `externals`, `copyFiles`,
`forceInclude` ...; `exclude` lists do not count), and no `prisma generate` under
`packagerOptions.scripts` (written anywhere else, e.g. `packagerOptions` as a list, it never runs);
no package pattern re-including them; no package.json script copying the engine. The message names
what it saw that does not count. Reported at the misplaced `prisma generate` key, else at the
plugin's `custom:` block, else at its `plugins:` entry. Not flagged: `engineType = "client"`,
`provider = "prisma-client"`, Prisma 7, Accelerate/no-engine builds, a Prisma version package.json
does not pin (unless the schema sets `binaryTargets` or `engineType`), bundler settings that are
variables, a webpack config that cannot be read, Serverless v4 without `build.esbuild: false`
(v4 then refuses the plugin, PACKAGE010, and its built-in esbuild, configured under `build.esbuild`,
is PACKAGE009's). A Node.js function whose code lintkit could not
follow (its handler's source not found, build output not mapped back to it) counts when package.json
depends on `@prisma/client` or `prisma` and the service has a schema.prisma, and the message says
so; one whose code was followed and does not import the client never counts.

In an AWS SAM template the bundler is `Metadata.BuildMethod: esbuild` on each
`AWS::Serverless::Function`: it fires when `Metadata.BuildProperties.External` names none of
`@prisma/client`, `.prisma/client`, `.prisma` or `@prisma/*` and its `Loader` does not copy both
`.prisma` and `.so.node` files (`.prisma=file`, `.so.node=file`: Prisma's SAM guide, with the
schema and engine imported in code); an `External` or `Loader` lintkit cannot read counts.
Reported at `External`, else at `BuildProperties`, else at `BuildMethod`.

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
from lintkit.analysis.framework import esbuild_disabled, framework
from lintkit.analysis.packaging import (
    BUNDLERS, bundler, not_followed_note, package_blocks, prisma_use, rust_engine, strings_with_paths,
    webpack_config,
)
from lintkit.model.diagnostics import Finding
from lintkit.model.nodes import Mapping, Scalar, Sequence, is_dynamic, text, walk

CODE = "PACKAGE003"
NAME = "bundler-without-prisma-assets"
SEVERITY = "warning"
SUMMARY = "A bundler plugin with Prisma's Rust engine and nothing that copies schema.prisma and the engine."

PRISMA_ASSETS = ("@prisma/client", ".prisma", "prisma generate", "schema.prisma", "libquery_engine",
                 "query-engine")
ENGINE_FILES = (".prisma/client", "libquery_engine", "query-engine")
GENERATE = "prisma generate"
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
    if service.format == "sam":
        yield from _sam_esbuild(service)
        return
    plugin = bundler(service)
    if plugin is None or rust_engine(service) is None:
        return
    if framework(service).is_v4 and esbuild_disabled(service) is not True:
        return  # v4 does not load the plugin (PACKAGE010); its built-in esbuild is PACKAGE009's
    uses = {prisma_use(service, function) for function in service.functions} - {None}
    if not uses:
        return
    settings_key = BUNDLERS[plugin]
    near_misses: list[str] = []  # what looked like a copy but is not one, for the message
    if _copies_prisma_assets(service, plugin, settings_key, near_misses):
        return
    settings = service.custom.get(settings_key) if service.custom else None
    misplaced = _misplaced_generate_key(settings)
    where = misplaced or (service.custom.key_node(settings_key) if settings is not None
                          else _plugin_entry(service, plugin))
    seen = f" ({'; '.join(near_misses)})" if near_misses else ""
    yield Finding.at(where, f"{plugin} bundles the handlers, but nothing puts schema.prisma and the "
                     f"Prisma query engine (node_modules/.prisma/client) into the package{seen}, so "
                     f"Prisma cannot start on Lambda: {FIX[settings_key]}."
                     + (not_followed_note(service, service.functions) if uses == {"service"} else ""))


def _sam_esbuild(service):
    """SAM's counterpart: `Metadata.BuildMethod: esbuild` bundles each function by itself; what
    keeps Prisma's files is `BuildProperties.External` (the client stays a package) or, as Prisma's
    SAM guide does, `Loader` entries that copy `.prisma` and `.so.node` files the code imports."""
    if rust_engine(service) is None:
        return
    for function in service.functions:
        metadata = function.resource.node.get("Metadata") if function.is_sam else None
        if not isinstance(metadata, Mapping) or text(metadata.get("BuildMethod")) != "esbuild":
            continue
        properties = metadata.get("BuildProperties")
        if not isinstance(properties, Mapping) and properties is not None:
            continue  # a value lintkit cannot read
        external = properties.get("External") if properties is not None else None
        unloaded = _unloaded_prisma_files(properties.get("Loader") if properties is not None else None)
        if _keeps_prisma_external(external) or not unloaded or prisma_use(service, function) is None:
            continue
        where = (properties.key_node("External") if external is not None
                 else metadata.key_node("BuildProperties") or metadata.key_node("BuildMethod"))
        missing = " and ".join(SAM_LOADED_FILES[kind] for kind in unloaded)
        partly = f" (`Loader` copies no `{unloaded[0]}` file)" if len(unloaded) == 1 else ""
        yield Finding.at(where, f"`Metadata.BuildMethod: esbuild` bundles `{function.name}`, but "
                         f"nothing puts {missing} into the package{partly}, so Prisma cannot "
                         f"start on Lambda: {SAM_FIX}." + not_followed_note(service, [function]),
                         function=function.name)


SAM_FIX = ("load them as files, as Prisma's SAM guide does (`Loader: ['.prisma=file', "
           "'.so.node=file']` and `AssetNames: '[name]'` under `Metadata.BuildProperties`, with "
           "schema.prisma and the engine imported in the code), or list `@prisma/client` and "
           "`.prisma/client` under `BuildProperties.External` and ship them with the function "
           "(a layer)")
SAM_EXTERNALS = ("@prisma/client", ".prisma/client", ".prisma", "@prisma/*")
SAM_LOADED_FILES = {".prisma": "schema.prisma",
                    ".so.node": "the Prisma query engine (node_modules/.prisma/client)"}


def _keeps_prisma_external(external) -> bool:
    """`External` names the Prisma client (or is a value lintkit cannot read)."""
    if external is None:
        return False
    if is_dynamic(external) or any(is_dynamic(node) for _, node in walk(external)):
        return True
    names = [text(item) for item in external.items] if isinstance(external, Sequence) else [text(external)]
    return any(name in SAM_EXTERNALS for name in names)


def _unloaded_prisma_files(loader) -> list[str]:
    """The Prisma file kinds (`.prisma`, `.so.node`) that `Loader` does not copy as files; none
    for a `Loader` lintkit cannot read."""
    if loader is not None and (is_dynamic(loader) or not isinstance(loader, (Sequence, Scalar))):
        return []
    entries = [text(item) or "" for item in loader.items] if isinstance(loader, Sequence) else \
        [text(loader) or ""] if loader is not None else []
    loaded = {entry.split("=", 1)[0].strip() for entry in entries
              if entry.split("=", 1)[-1].strip() in ("file", "copy")}
    return [kind for kind in SAM_LOADED_FILES if kind not in loaded]


def _copies_prisma_assets(service, plugin: str, settings_key: str, near_misses: list[str]) -> bool:
    settings = service.custom.get(settings_key) if service.custom else None
    if is_dynamic(settings) or any(is_dynamic(node) for _, node in walk(settings)):
        return True
    if isinstance(settings, Mapping) and settings_key == "esbuild" and "plugins" in settings:
        return True  # an esbuild plugins file may copy them
    for path, value in strings_with_paths(settings, NOT_SHIPPED_KEYS):
        if GENERATE in value and not _runs_scripts(path):
            where = ".".join(str(key) for key in path if isinstance(key, str)) or "(the block itself)"
            near_misses.append(f"`{GENERATE}` is written under custom.{settings_key}.{where}, where "
                               f"{plugin} does not run it: it runs `packagerOptions.scripts`")
        elif any(asset in value for asset in PRISMA_ASSETS):
            return True
    return (_copy_plugin(service, plugin, settings_key, near_misses) or _copying_pattern(service)
            or _copying_script(service))


def _misplaced_generate_key(settings):
    """The top key of custom.<bundler> under which `prisma generate` is written outside
    `packagerOptions.scripts`, or None."""
    for path, value in strings_with_paths(settings, NOT_SHIPPED_KEYS):
        if GENERATE in value and not _runs_scripts(path) and path and isinstance(path[0], str):
            return settings.key_node(path[0])
    return None


def _runs_scripts(path: tuple) -> bool:
    """The key path is inside `packagerOptions.scripts`. A single string there counts: under
    serverless-esbuild it runs; serverless-webpack makes one script of each character, which
    PACKAGE008 reports at the string (one finding for one mistake, where it is fixed)."""
    keys = [key for key in path if isinstance(key, str)]
    return keys[:2] == ["packagerOptions", "scripts"]


def _copy_plugin(service, plugin: str, settings_key: str, near_misses: list[str]) -> bool:
    """A Serverless plugin named after copying or Prisma, or (for serverless-webpack) an npm package
    named after copying that the webpack config uses on the engine. An esbuild copy package counts
    through esbuild's `plugins` file (checked before); serverless-bundle takes no webpack plugins."""
    if any("copy" in name or "prisma" in name for name in service.plugins if name != plugin):
        return True
    package = service.package_json
    packages = list(package.dependencies) + list(package.dev_dependencies) if package is not None else []
    copiers = [name for name in packages if "copy" in name]
    if not copiers:
        return False
    if settings_key != "webpack":
        near_misses.append(f"`{copiers[0]}` is installed, but {plugin} has no place to use it"
                           if settings_key == "bundle" else
                           f"`{copiers[0]}` is installed, but custom.esbuild names no `plugins` file "
                           "that uses it")
        return False
    config_name, config = webpack_config(service)
    if config is None:
        return True  # the config cannot be read: it may well copy them
    used = [name for name in copiers if name in config]
    if not used:
        near_misses.append(f"`{copiers[0]}` is installed, but {config_name} does not use it")
        return False
    if any(engine in config for engine in ENGINE_FILES):
        return True
    near_misses.append(f"{config_name} uses `{used[0]}`, but nothing in it names an engine file such "
                       "as `.prisma/client` or `libquery_engine`")
    return False


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

"""A serverless-webpack or serverless-esbuild setting with a shape the plugin does not read.

What: `custom.webpack` (when serverless-webpack is in `plugins`) and `custom.esbuild` (when
serverless-esbuild is) checked against the settings each plugin reads (lintkit/data/bundler_options.json,
taken from the plugins' sources). Errors, for shapes that silently skip or break a packaging step:
`packagerOptions` that is not a mapping (a list of scripts is never run: the plugins read
`packagerOptions.scripts`); serverless-webpack's `packagerOptions.scripts` as a single text (it is
split into one script per character); `includeModules` as text other than `'true'`, a number or a
list (`'false'` turns packing on); `includeModules.forceInclude` as a single text (each character
becomes a module name); `webpackConfig` that is not text; a `packager` the plugin does not have
(serverless-webpack: npm, yarn; serverless-esbuild: npm, pnpm, yarn); an unknown key whose closest
name is one of those packaging settings (`includeModule`, `includemodules`, `forceIncludes`).
Warnings: `includeModules: 'true'` (text that only happens to count as on), `forceExclude` as a
single text (matched as a substring), and other unknown keys, with the closest name. For
serverless-esbuild an unknown key is one that is neither a plugin setting nor an esbuild build option:
the plugin passes every other key to esbuild's `build()`, which stops on options it does not know.
Not flagged: values that are variables or deploy-time values; `custom.webpack` written as text (the
legacy form of `webpackConfig`); `custom.esbuild` with `config` (a file then replaces the whole
block); keys another listed plugin reads (`outputDir` with @cosva-lab/serverless-esbuild-prisma); a plugin that is not in `plugins`; Serverless v4's built-in `build.esbuild` (another
schema). A `packagerOptions` that is not a mapping but holds `prisma generate` is PACKAGE003's finding
(the Prisma engine is then missing), not reported again here.

Why: both plugins read their settings without validating them, so a misspelt or misshapen setting is
ignored or misread without a word: the external modules are not packed, `prisma generate` never
runs in the packaged node_modules, and the function fails at cold start with "Cannot find module".

Example:
    plugins:
      - serverless-webpack
    custom:
      webpack:
        includeModule: true
        packagerOptions:
          - npx prisma generate

Use instead:
    custom:
      webpack:
        includeModules: true
        packagerOptions:
          scripts:
            - npx prisma generate

References: serverless-webpack README (Configure, Node modules / externals, Packagers, Forced
inclusion) and lib/Configuration.js, lib/packExternalModules.js; serverless-esbuild README (Options,
Packager Options) and src/types.ts, src/bundle.ts; esbuild "Build API" options.
"""
import json
from functools import lru_cache
from importlib import resources

from lintkit.analysis.schema_check import closest_name
from lintkit.model.diagnostics import Finding
from lintkit.model.nodes import Mapping, Scalar, Sequence, is_dynamic, path_get, walk

CODE = "PACKAGE008"
NAME = "bundler-option-misshapen"
SEVERITY = "error"
SUMMARY = "A custom.webpack or custom.esbuild setting is misspelt or has a shape the plugin does not read."

# A misspelling of one of these silently drops a packaging step: an error, not a warning.
PACKAGING_STEPS = ("includeModules", "packagerOptions", "forceInclude", "forceExclude", "scripts", "packager")
GENERATE = "prisma generate"


@lru_cache(maxsize=1)
def options() -> dict:
    return json.loads(resources.files("lintkit.data").joinpath("bundler_options.json").read_text())


def check(service, context):
    if service.format == "sam":
        return  # bundler plugin options are serverless.yml's: a SAM template has none
    plugins = service.plugins
    if "serverless-webpack" in plugins:
        yield from _webpack(path_get(service.custom, "webpack"))
    if "serverless-esbuild" in plugins:
        yield from _esbuild(path_get(service.custom, "esbuild"), plugins)


def _webpack(settings):
    if not isinstance(settings, Mapping):
        return
    table = options()["serverless-webpack"]
    plugin = f"serverless-webpack {table['version']}"
    yield from _unknown_keys(settings, table["options"], f"a setting {plugin} reads", "custom.webpack")
    config = settings.get("webpackConfig")
    if _written(config) and not (isinstance(config, Scalar) and isinstance(config.value, str)):
        yield Finding.at(config, "`webpackConfig` must be the path of the webpack config file, as text "
                         "(e.g. `webpackConfig: webpack.config.js`): serverless-webpack cannot load this one.")
    yield from _include_modules(settings.get("includeModules"), table)
    yield from _packager(settings.get("packager"), table["packagers"], plugin)
    yield from _packager_options(settings.get("packagerOptions"), table["packagerOptions"], plugin,
                                 "custom.webpack.packagerOptions", scripts_text_splits=True)


def _esbuild(settings, plugins):
    if not isinstance(settings, Mapping) or "config" in settings:
        return
    table = options()["serverless-esbuild"]
    known = table["options"] + options()["esbuild"]["build_options"]
    known += [key for plugin, keys in table["companions"].items() if plugin in plugins for key in keys]
    for key, name, suggestion in _not_in(settings, known):
        hint = f": did you mean `{suggestion}`?" if suggestion else ": remove it or correct the name."
        yield Finding.at(key, f"`{name}` is neither a serverless-esbuild setting nor an esbuild build "
                         "option: serverless-esbuild passes it to esbuild, which stops the build with "
                         f"\"Invalid option in build() call\"{hint}", severity=_severity(suggestion))
    plugin = "serverless-esbuild"
    yield from _packager(settings.get("packager"), table["packagers"], plugin)
    yield from _packager_options(settings.get("packagerOptions"), table["packagerOptions"], plugin,
                                 "custom.esbuild.packagerOptions", scripts_text_splits=False)


def _include_modules(node, table):
    if not _written(node):
        return
    if isinstance(node, Mapping):
        yield from _unknown_keys(node, table["includeModules"], "a setting of `includeModules`",
                                 "custom.webpack.includeModules")
        yield from _force_lists(node)
        return
    value = node.value if isinstance(node, Scalar) else None
    if isinstance(value, bool) or isinstance(node, Scalar) and value is None:
        return
    if isinstance(value, str) and value.strip().lower() == "true":
        yield Finding.at(node, "`includeModules` is the text 'true', not true: serverless-webpack only "
                         "counts it as on because the text is not empty (`'false'` would count as on "
                         "too): write `includeModules: true` without quotes.", severity="warning")
        return
    shown = f"the text '{value}'" if isinstance(value, str) else "a list" if isinstance(node, Sequence) else \
        f"`{value}`"
    yield Finding.at(node, f"`includeModules` is {shown}, but serverless-webpack takes `true`, `false` or a "
                     "mapping (`forceInclude`, `forceExclude`, `packagePath`, `nodeModulesRelativeDir`); any "
                     "non-empty value turns packing of external modules on: write `true`, `false` or that "
                     "mapping.")


def _force_lists(include_modules: Mapping):
    force_include = include_modules.get("forceInclude")
    if _is_text(force_include):
        yield Finding.at(force_include, f"`forceInclude` is a single text, and serverless-webpack walks it "
                         f"character by character, so `{force_include.value}` itself is never packed: write a "
                         f"list (`forceInclude: ['{force_include.value}']`).")
    force_exclude = include_modules.get("forceExclude")
    if _is_text(force_exclude):
        yield Finding.at(force_exclude, "`forceExclude` is a single text, which serverless-webpack matches as "
                         f"a substring (any module whose name is part of `{force_exclude.value}` is left "
                         f"out): write a list (`forceExclude: ['{force_exclude.value}']`).", severity="warning")


def _packager(node, packagers: list[str], plugin: str):
    if not _is_text(node) or node.value in packagers:
        return  # not text: the plugin looks the value up as an object key, which lintkit does not model
    allowed = ", ".join(f"`{name}`" for name in packagers)
    yield Finding.at(node, f"`packager` is `{node.value}`, but {plugin} supports only {allowed}: packaging stops "
                     f"when it looks the packager up. Use one of {allowed}.")


def _packager_options(node, known: list[str], plugin: str, where: str, scripts_text_splits: bool):
    if not _written(node):
        return
    if not isinstance(node, Mapping):
        if _mentions_generate(node):
            return  # PACKAGE003 reports this place: `prisma generate` written where it never runs
        shown = "a list" if isinstance(node, Sequence) else "a single value"
        yield Finding.at(node, f"`packagerOptions` is {shown}, but {plugin} reads it as a mapping "
                         "(`packagerOptions.scripts`, `noInstall` ...), so nothing in it is used and no "
                         "script runs: write `packagerOptions: {scripts: [...]}`.")
        return
    yield from _unknown_keys(node, known, "a packager option " + plugin.split(" ")[0] + " reads", where)
    scripts = node.get("scripts")
    if scripts_text_splits and _is_text(scripts):
        yield Finding.at(scripts, "`packagerOptions.scripts` is a single text, and serverless-webpack "
                         "makes one script of each of its characters, so packaging fails instead of "
                         f"running it: write a list (`scripts: ['{scripts.value}']`).")


def _not_in(settings: Mapping, known: list[str]):
    """(key node, name, the closest known name or None) of each key of `settings` not in `known`."""
    for key, _ in settings.pairs:
        name = str(key.value)
        if name not in known:
            yield key, name, closest_name(name, known)


def _unknown_keys(settings: Mapping, known: list[str], what: str, where: str):
    for key, name, suggestion in _not_in(settings, known):
        hint = f"did you mean `{suggestion}`?" if suggestion else "remove it or correct the name."
        yield Finding.at(key, f"`{name}` is not {what}, so `{where}.{name}` is ignored: {hint}",
                         severity=_severity(suggestion))


def _severity(suggestion: str | None) -> str:
    return "error" if suggestion in PACKAGING_STEPS else "warning"


def _written(node) -> bool:
    """The setting is present and written out: not a variable, nor holding one."""
    return node is not None and not any(is_dynamic(child) for _, child in walk(node))


def _is_text(node) -> bool:
    return isinstance(node, Scalar) and isinstance(node.value, str) and not is_dynamic(node)


def _mentions_generate(node) -> bool:
    return any(isinstance(child, Scalar) and isinstance(child.value, str) and GENERATE in child.value
               for _, child in walk(node))

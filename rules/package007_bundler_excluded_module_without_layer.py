"""A module the bundler leaves out of the package is imported by a function no layer serves.

What: a module named in a bundler's exclude list — `custom.esbuild.exclude` (serverless-esbuild),
`build.esbuild.exclude` (the Serverless Framework v4 built-in esbuild, used when serverless-esbuild
is not a plugin) or `custom.webpack.includeModules.forceExclude` (serverless-webpack, when its
webpack config marks modules as `externals`) — that the handler graph of a function imports, while
the function has no `layers:` entry of its own or from the provider. Reported at the exclude entry,
naming the functions and the first import (file:line). Not flagged: `external` entries (both esbuild
front ends install them into the package's node_modules; only `exclude` leaves a module out of both
the bundle and the package); `exclude: '*'` (serverless-esbuild then bundles every module); the AWS
SDK the Lambda runtime provides (`aws-sdk` v2 on nodejs16.x and older, `@aws-sdk/*` on nodejs18.x and
newer, and neither when the runtime is not a literal); forceExclude when the webpack config cannot be
read or has no `externals` (webpack then bundles the module itself); a function whose code lintkit
cannot follow; type-only imports; exclude entries that are variables. A layer attached only in a
commented-out block is no layer: the message says that no layer is attached.

Why: the bundler treats the module as provided by the environment, so neither the bundle nor the
zip contains it; unless a layer puts it in /opt/nodejs/node_modules, the function fails at cold
start with "Cannot find module" (Runtime.ImportModuleError) on every invocation.

Example:
    custom:
      esbuild:
        exclude: ['aws-sdk', 'pg']   # src/db.ts imports pg

Use instead:
    custom:
      esbuild:
        exclude: ['aws-sdk']
        external: ['pg']             # not bundled, but installed into the package

References: serverless-esbuild README ("exclude", "external", External Dependencies); Serverless
Framework v4 "Building" (build.esbuild.exclude / external); serverless-webpack README
(includeModules.forceExclude); AWS Lambda, "Working with layers" and Node.js runtime SDK versions.
"""
from fnmatch import fnmatchcase

from lintkit.analysis.cfn import nodejs_major
from lintkit.analysis.clients import location
from lintkit.analysis.packaging import function_names, has_layers, webpack_config
from lintkit.model.diagnostics import Finding
from lintkit.model.nodes import Scalar, Sequence, is_dynamic, path_get, text

CODE = "PACKAGE007"
NAME = "bundler-excluded-module-without-layer"
SEVERITY = "error"
SUMMARY = "A function imports a module the bundler excludes from its package, and no layer is attached."

FIRST_RUNTIME_WITH_SDK_V3_ONLY = 18


def check(service, context):
    if service.format == "sam":
        return  # bundler plugins are serverless.yml's: a SAM template has none
    excluded = _exclude_entries(service)
    if not excluded:
        return
    for where, entry, pattern in excluded:
        users, first = [], None
        for function in service.functions:
            if function.kind != "function" or has_layers(service, function):
                continue
            found = _excluded_import(service, function, pattern)
            if found is not None:
                users.append(function)
                first = first or found
        if not users:
            continue
        file, imp = first
        yield Finding.at(entry, f"`{text(entry)}` is in {where}, so {_what_it_does(where)}, but "
                         f"{function_names(users)} import{'s' if len(users) == 1 else ''} `{imp.module}` "
                         f"({location(file.span(imp.source), service.root)}){_sdk_note(users[0], imp.module)} and no layer "
                         f"is attached: "
                         f"the import fails at cold start with \"Cannot find module\". Remove the entry "
                         f"({_keep_unbundled(where)}), or attach a layer that provides the module.")


def _exclude_entries(service) -> list[tuple[str, Scalar, str]]:
    """(the setting's name, the entry node, its text) of every literal exclude entry that applies."""
    plugins = service.plugins
    if "serverless-esbuild" in plugins:
        return _entries(path_get(service.custom, "esbuild", "exclude"), "custom.esbuild.exclude")
    if "serverless-webpack" in plugins:
        _, config = webpack_config(service)
        if config is None or "externals" not in config:
            return []
        return _entries(path_get(service.custom, "webpack", "includeModules", "forceExclude"),
                        "custom.webpack.includeModules.forceExclude")
    if any(plugin in plugins for plugin in ("serverless-bundle", "serverless-plugin-typescript")):
        return []
    return _entries(path_get(service.document, "build", "esbuild", "exclude"), "build.esbuild.exclude")


def _entries(node, where: str) -> list[tuple[str, Scalar, str]]:
    items = node.items if isinstance(node, Sequence) else [node] if isinstance(node, Scalar) else []
    found = []
    for item in items:
        value = text(item) if isinstance(item, Scalar) and not is_dynamic(item) else None
        if value and value.strip() != "*":
            found.append((where, item, value.strip()))
    return found


def _excluded_import(service, function, pattern: str):
    """(file, import) of the first import in the function's code that the pattern excludes and the
    runtime does not provide, or None (also when the code cannot be followed)."""
    graph = service.graph(function)
    if graph is None:
        return None
    for file in graph.files:
        for imp in file.imports:
            if not imp.type_only and _excludes(pattern, imp.module) and not _runtime_provides(function, imp.module):
                return file, imp
    return None


def _excludes(pattern: str, module: str) -> bool:
    """The bundler's exclude pattern (a package name, or a glob such as `@aws-sdk/*`) covers the
    import: the package itself or one of its subpaths."""
    if module.startswith((".", "/")) or module.startswith("node:"):
        return False
    parts = module.split("/")
    package = "/".join(parts[:2]) if module.startswith("@") else parts[0]
    return fnmatchcase(package, pattern) or fnmatchcase(module, pattern)


def _runtime_provides(function, module: str) -> bool:
    """The AWS SDK the function's runtime ships; when the runtime is not a literal Node.js one
    lintkit cannot tell which SDK it ships, so both count as provided."""
    is_v2, is_v3 = module == "aws-sdk" or module.startswith("aws-sdk/"), module.startswith("@aws-sdk/")
    if not (is_v2 or is_v3):
        return False
    major = nodejs_major(function)
    if major is None:
        return True
    return is_v3 if major >= FIRST_RUNTIME_WITH_SDK_V3_ONLY else is_v2


def _sdk_note(function, module: str) -> str:
    if module == "aws-sdk" or module.startswith("aws-sdk/"):
        return f", which {text(function.runtime)} does not provide (it ships only AWS SDK v3),"
    return ""


def _what_it_does(where: str) -> str:
    if where.startswith("custom.webpack"):
        return "serverless-webpack leaves it out of the packaged node_modules while webpack treats it as external"
    return "esbuild neither bundles it nor installs it into the package"


def _keep_unbundled(where: str) -> str:
    if where.startswith("custom.webpack"):
        return "serverless-webpack then packages it"
    return f"or move it to {where.rsplit('.', 1)[0]}.external, which installs it into the package"

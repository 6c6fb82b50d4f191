"""A function's `handler` names a file or an export that does not exist.

What: `functions.X.handler: src/handlers/users.handler` must name a source file
(`src/handlers/users` with `.ts .mts .cts .tsx .js .mjs .cjs .jsx`, or a folder's `index.*`) that
exports `handler`: `export const handler`, `export function handler`, `export { impl as handler }`,
`export default` (for `.default`), `exports.handler =`, `module.exports.handler =`,
`module.exports = { handler }`, or a re-export (`module.exports = require('./impl')` included).
With the serverless-middleware plugin every entry of a list-valued `handler:` (or `middleware:`)
is checked. Not checked: container-image functions, handlers that contain variables and functions on a
non-Node.js runtime. A handler in build output (`dist/handlers/users.handler`, a NestJS
`dist/main.handler`, a `handler.js` that is `module.exports = require('./dist/index')`, a
serverless.yml a script copies into `dist/`) is checked in its source, found through tsconfig
`outDir`/`rootDir`, nest-cli.json `sourceRoot` or the common `src/` → `dist/` layouts. It is an
error only when nothing could build it (no compiling script, no bundler plugin, no tsconfig `outDir`
for it; a service without package.json whose output folder is missing may be built by another
toolchain, Gradle or Leiningen, and says nothing); when a build could but no source is found, an
info finding says once that the function's code was not followed, and the rules that read handler
code say nothing about it.
Bundler plugins (`serverless-esbuild`, `serverless-webpack`) keep handler paths relative to the
service folder, so those are still checked.

Why: the deployment succeeds, and every invocation fails with `Runtime.ImportModuleError` (missing
file) or `Runtime.HandlerNotFound` (missing export).

Example:
    functions:
      createUser:
        handler: src/handlers/create-user.handler     # there is no src/handlers/create-user.ts

Use instead:
    functions:
      createUser:
        handler: src/handlers/users.createHandler     # a file and export that exist

References: Serverless Framework, "Functions"; AWS Lambda, "Define Lambda function handler in
Node.js" and "Troubleshoot invocation issues".
"""
import os

from lintkit.analysis.facts import is_node_function, other_language_module
from lintkit.model.diagnostics import Finding
from lintkit.model.nodes import is_dynamic, text
from lintkit.read.buildout import COMMON_OUTPUT_DIRS
from lintkit.read.files import exists
from lintkit.read.handlers import export_name

CODE = "CONFIG002"
NAME = "handler-not-found"
SEVERITY = "error"
SUMMARY = "A function's handler names a file or export that does not exist."



def check(service, context):
    for function in service.functions:
        if (function.kind != "function" and not function.is_sam) or function.image is not None \
                or not is_node_function(function):
            continue
        resolved = zip([function.handler, *function.middleware],
                       [service.handler_path(function), *service.middleware_paths(function)])
        for index, (handler, (path, export)) in enumerate(resolved):
            yield from _check_handler(service, function, handler, path, export, index == 0)


def _sam_origin(function) -> str:
    """For a SAM function, what its handler path is made of."""
    if not function.is_sam:
        return ""
    code_uri = text(function.node.get("CodeUri"))
    return f" (`CodeUri: {code_uri}` + `Handler: {text(function.handler)}`)" if code_uri else ""


def _check_handler(service, function, handler, path, export, is_handler: bool):
    """The findings for one entry: the handler itself, or a middleware entry before it."""
    value = text(handler)
    if not isinstance(value, str) or is_dynamic(handler) or "${" in value or "." not in value:
        return
    if function.is_sam:  # `CodeUri` + `Handler`, as a path from the template's folder
        value = service.sam_handler_text(function)
        if value is None:
            return
    module = value.rsplit(".", 1)[0]
    unfollowed = service.unfollowed(function) if is_handler else None
    if unfollowed is not None:
        yield Finding.at(handler, f"`{function.name}` is not analysed: {unfollowed}; the rules "
                         "that read handler code skip it.", function=function.name,
                         severity="info")
        return
    if path is None:
        outside = service.handler_outside_project(handler)
        if outside is not None:
            outside = os.path.relpath(outside, service.root)
            yield Finding.at(handler, f"handler `{value}` names `{outside}`, outside the project "
                             "(the repository that holds the service): lintkit does not read it "
                             "and a deployment from this repository cannot rely on it; move the "
                             "code into the project.", function=function.name)
        elif _built_by_unseen_toolchain(service, module):
            return  # cannot know: a Gradle, Leiningen or other non-npm build may produce it
        elif not other_language_module(service.root / module):
            yield Finding.at(handler, f"no source file for handler `{value}`{_sam_origin(function)}: "
                             f"expected `{module}` with a .ts or .js extension (or "
                             f"`{module}/index.ts`){_not_built(service, module)}; fix the "
                             f"{'`CodeUri` or `Handler`' if function.is_sam else 'path'} or add the file.",
                             function=function.name)
        return
    source = service.sources.parse(path)
    if source is None or source.has_errors:
        return  # unreadable or partial: PARSE004 says so, and exports may be hidden
    if not source.has_export(export_name(export)) \
            and not (is_handler and _found_through_graph(service, function)):
        relative = path.relative_to(service.root).as_posix() if path.is_relative_to(service.root) else path.name
        name = export_name(export)
        yield Finding.at(handler, f"{relative} has no export named `{name}`: export it "
                         f"(`export const {name} = ...`) or change the handler to an export "
                         "the file has.", function=function.name)


def _found_through_graph(service, function) -> bool:
    """The export exists behind a whole-module re-export (`module.exports = require('./dist')`,
    `export * from './impl'`), which the handler graph follows."""
    graph = service.graph(function)
    return graph is not None and graph.export_found


def _not_built(service, module: str) -> str:
    """Why build output does not excuse a missing handler: nothing builds it."""
    folder = module.split("/", 1)[0]
    if folder not in COMMON_OUTPUT_DIRS or service.build_layout.build_step is not None:
        return ""
    return (f"; `{folder}/` is not produced by any build step (no compiling "
            "package.json script, bundler plugin or tsconfig `outDir` for it)")


def _built_by_unseen_toolchain(service, module: str) -> bool:
    """A handler in a build output folder that does not exist, in a service without package.json:
    whatever builds it (Kotlin/JS with Gradle, ClojureScript with Leiningen) is not an npm build
    lintkit can read, so a missing file there says nothing."""
    folder = module.split("/", 1)[0]
    return folder in COMMON_OUTPUT_DIRS and not exists(service.root / folder) \
        and service.package_json is None

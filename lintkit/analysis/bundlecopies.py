"""Files that a bundler plugin copies into the deployment package, as the project writes them.

- serverless-webpack: the `new CopyPlugin(...)` calls (the class `copy-webpack-plugin` exports,
  under any name) in its webpack config (`custom.webpack.webpackConfig`, `webpack.config.js` by
  default). Patterns are the v6+ `{ patterns: [...] }` or the v4/v5 array argument; each a string
  or `{ from, to, context, globOptions: { ignore, dot }, ignore }`. Copies land in webpack's
  output folder, which serverless-webpack zips.
- serverless-bundle: `custom.bundle.copyFiles: [{ from, to }]` (it runs copy-webpack-plugin).
- serverless-esbuild: `copy({ assets: { from, to } })` calls of esbuild-plugin-copy in the
  `custom.esbuild.plugins` file (copies land in esbuild's output folder unless `resolveFrom` is
  set, and such calls are left out).

A copy is known only when what decides its files is literal: `from` and `context` are strings or
paths built from `__dirname`/`process.cwd()` (lintkit.read.staticjs), the ignore lists are
literal, and there is no `filter` function; a `to` that is absolute or built at runtime may put
the file outside the package. Anything else is left out, never guessed. Calls written under a
condition (`isLocal ? new CopyPlugin(...) : ...`, `&&`, `if`) are left out too: which branch a
deploy takes is not known.
"""
from __future__ import annotations

import posixpath

from ..model.fieldclasses import fieldclass
from ..model.nodes import Mapping, Node, Scalar, Sequence, Span, is_dynamic, text
from ..read.sources import named_children, object_member, string_value, unwrap
from ..read.staticjs import call_arguments, package_calls, static_path
from .packaging import webpack_config

COPY_WEBPACK_PLUGIN = "copy-webpack-plugin"
ESBUILD_PLUGIN_COPY = "esbuild-plugin-copy"


@fieldclass(frozen=True)
class BundleCopy:
    """One copy pattern: `source` is its `from`, a path or glob relative to the service folder."""

    where: Span  # the `from` as written
    source: str
    ignore: tuple[str, ...]  # globs the copy leaves out
    dot: bool  # globOptions.dot: wildcards match dotfiles
    via: str  # "copy-webpack-plugin", "serverless-bundle copyFiles" or "esbuild-plugin-copy"


def bundle_copies(service) -> list[BundleCopy]:
    if "serverless-webpack" in service.plugins:
        return _webpack_copies(service)
    if "serverless-bundle" in service.plugins:
        return _bundle_copy_files(service)
    if "serverless-esbuild" in service.plugins:
        return _esbuild_copies(service)
    return []


def _folder_of(name: str) -> str:
    """The folder of a file named relative to the service ("" for the service folder): what
    `__dirname` is in it."""
    folder = posixpath.normpath(posixpath.dirname(name.replace("\\", "/")))
    return "" if folder == "." else folder


# -- serverless-webpack -----------------------------------------------------------------------------
def _webpack_copies(service) -> list[BundleCopy]:
    name, config = webpack_config(service)
    if config is None or COPY_WEBPACK_PLUGIN not in config:
        return []
    file = service.sources.parse(service.root / name)
    if file is None:
        return []
    dirname = _folder_of(name)
    copies = []
    for call, (_, imported) in package_calls(file, frozenset({COPY_WEBPACK_PLUGIN})):
        if call.type != "new_expression" or imported not in ("*", "default") or _conditional(file, call):
            continue
        arguments = [unwrap(argument) for argument in call_arguments(call)]
        patterns, shared_ignore = _plugin_patterns(file, arguments)
        for pattern in patterns:
            copy = _webpack_pattern(file, pattern, shared_ignore, dirname)
            if copy is not None:
                copies.append(copy)
    return copies


def _conditional(file, node) -> bool:
    """The node sits in a branch of a ternary, an `if` or a `&&`/`||`/`??` operand."""
    lineage = [*file.ancestors(node), node]
    for parent, child in zip(lineage, lineage[1:]):
        if parent.type in ("ternary_expression", "if_statement") \
                and child != parent.child_by_field_name("condition"):
            return True
        operator = parent.child_by_field_name("operator") if parent.type == "binary_expression" else None
        if operator is not None and operator.type in ("&&", "||", "??"):
            return True
    return False


def _plugin_patterns(file, arguments) -> tuple[list, tuple[str, ...] | None]:
    """(the pattern nodes, the v4/v5 plugin-wide `ignore` globs; None when not literal)."""
    first = arguments[0] if arguments else None
    if first is None:
        return [], ()
    if first.type == "array":  # v4/v5: new CopyPlugin([patterns], { ignore })
        options = arguments[1] if len(arguments) > 1 else None
        ignore = _literal_globs(file, object_member(options, "ignore")) if options is not None \
            and options.type == "object" else (() if options is None else None)
        return named_children(first), ignore
    if first.type == "object":
        patterns = unwrap(object_member(first, "patterns"))
        if patterns is not None and patterns.type == "array":
            return named_children(patterns), ()
    return [], ()


def _webpack_pattern(file, pattern, shared_ignore, dirname: str) -> BundleCopy | None:
    pattern = unwrap(pattern)
    if pattern is None or shared_ignore is None:
        return None
    if pattern.type in ("string", "template_string", "binary_expression", "call_expression"):
        source = static_path(file, pattern, dirname)
        return BundleCopy(file.span(pattern), source, shared_ignore, False, COPY_WEBPACK_PLUGIN) \
            if source is not None else None
    if pattern.type != "object" or object_member(pattern, "filter") is not None:
        return None
    origin = unwrap(object_member(pattern, "from"))
    source = static_path(file, origin, dirname) if origin is not None else None
    context = object_member(pattern, "context")
    base = static_path(file, context, dirname) if context is not None else ""
    if source is None or base is None or not _inside_output(file, object_member(pattern, "to")):
        return None
    glob_options = _glob_options(file, object_member(pattern, "globOptions"))
    own_ignore = _literal_globs(file, object_member(pattern, "ignore"))  # v4/v5
    if glob_options is None or own_ignore is None:
        return None
    ignore = shared_ignore + own_ignore + glob_options[0]
    path = source if source.startswith("/") or not base else f"{base}/{source}"
    return BundleCopy(file.span(origin), path, ignore, glob_options[1], COPY_WEBPACK_PLUGIN)


def _inside_output(file, to) -> bool:
    """`to` is absent or a relative literal path: the copy lands in the bundler's output folder."""
    if to is None:
        return True
    value = string_value(file, to)
    return value is not None and "${" not in value and not value.startswith(("/", "..")) \
        and ":" not in value[:3]


def _literal_globs(file, node) -> tuple[str, ...] | None:
    """The strings of a literal array (`()` when absent); None when some entry is not literal."""
    node = unwrap(node)
    if node is None:
        return ()
    if node.type != "array":
        return None
    globs = []
    for item in named_children(node):
        value = string_value(file, item)
        if value is None or "${" in value:
            return None
        globs.append(value)
    return tuple(globs)


# -- serverless-esbuild ----------------------------------------------------------------------------
def _esbuild_copies(service) -> list[BundleCopy]:
    """`copy({ assets: { from, to } })` of esbuild-plugin-copy in the file `custom.esbuild.plugins`
    names; `from` is relative to the working folder, `to` to esbuild's output folder (unless
    `resolveFrom` says otherwise: then it is left out)."""
    settings = service.custom.get("esbuild") if isinstance(service.custom, Mapping) else None
    name = settings.get("plugins") if isinstance(settings, Mapping) else None
    if not _literal_scalar(name):
        return []
    file = service.sources.parse(service.root / text(name))
    if file is None:
        return []
    dirname = _folder_of(text(name))
    copies = []
    for call, (_, imported) in package_calls(file, frozenset({ESBUILD_PLUGIN_COPY})):
        options = unwrap(next(iter(call_arguments(call)), None))
        if imported not in ("copy", "default") or options is None or options.type != "object" \
                or _conditional(file, call) or object_member(options, "resolveFrom") is not None:
            continue
        glob_options = _glob_options(file, object_member(options, "globbyOptions"))
        if glob_options is None:
            continue
        for asset in map(unwrap, _items(unwrap(object_member(options, "assets")))):
            if asset is None or asset.type != "object" or not _esbuild_targets_inside(file, asset):
                continue
            for origin in _items(unwrap(object_member(asset, "from"))):
                source = static_path(file, origin, dirname) if origin is not None else None
                if source is not None:
                    copies.append(BundleCopy(file.span(origin), source, *glob_options,
                                             ESBUILD_PLUGIN_COPY))
    return copies


def _esbuild_targets_inside(file, asset) -> bool:
    targets = unwrap(object_member(asset, "to"))
    return targets is not None and all(_inside_output(file, item) for item in _items(targets))


def _items(node) -> list:
    """The elements of an array literal; any other node stands for itself."""
    return named_children(node) if node is not None and node.type == "array" else [node]


def _glob_options(file, node) -> tuple[tuple[str, ...], bool] | None:
    """(ignore globs, dot) of a `globOptions`/`globbyOptions` object (none: `((), False)`); None
    when it is not a literal object or its ignore list is not literal."""
    node = unwrap(node)
    if node is None:
        return (), False
    if node.type != "object":
        return None
    ignore = _literal_globs(file, object_member(node, "ignore"))
    dot = unwrap(object_member(node, "dot"))
    return (ignore, dot is not None and dot.type == "true") if ignore is not None else None


# -- serverless-bundle ------------------------------------------------------------------------------
def _bundle_copy_files(service) -> list[BundleCopy]:
    settings = service.custom.get("bundle") if isinstance(service.custom, Mapping) else None
    entries = settings.get("copyFiles") if isinstance(settings, Mapping) else None
    if not isinstance(entries, Sequence):
        return []
    copies = []
    for entry in entries:
        origin = entry.get("from") if isinstance(entry, Mapping) else None
        to = entry.get("to") if isinstance(entry, Mapping) else None
        if not _literal_scalar(origin) or (to is not None and not _relative_scalar(to)):
            continue
        copies.append(BundleCopy(origin.span, text(origin).removeprefix("./"), (), False,
                                 "serverless-bundle copyFiles"))
    return copies


def _literal_scalar(node: Node | None) -> bool:
    return isinstance(node, Scalar) and isinstance(node.value, str) and not is_dynamic(node)


def _relative_scalar(node: Node) -> bool:
    return _literal_scalar(node) and not text(node).startswith(("/", ".."))

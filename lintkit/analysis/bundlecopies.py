"""Files that a bundler plugin copies into the deployment package, as the project writes them.

- serverless-webpack: the `new CopyPlugin(...)` calls (the class `copy-webpack-plugin` exports,
  under any name) in its webpack config (`custom.webpack.webpackConfig`, `webpack.config.js` by
  default). Patterns are the v6+ `{ patterns: [...] }` or the v4/v5 array argument; each a string
  or `{ from, to, context, globOptions: { ignore, dot }, ignore }`. Copies land in webpack's
  output folder, which serverless-webpack zips.
- serverless-bundle: `custom.bundle.copyFiles: [{ from, to }]` (it runs copy-webpack-plugin).

A copy is known only when what decides its files is literal: `from` and `context` are strings or
paths built from `__dirname`/`process.cwd()` (lintkit.read.staticjs), the ignore lists are
literal, and there is no `filter` function; a `to` that is absolute or built at runtime may put
the file outside the package. Anything else is left out, never guessed. Calls written under a
condition (`isLocal ? new CopyPlugin(...) : ...`, `&&`, `if`) are left out too: which branch a
deploy takes is not known.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass

from ..model.nodes import Mapping, Node, Scalar, Sequence, Span, is_dynamic, text
from ..read.sources import named_children, object_member, string_value, unwrap
from ..read.staticjs import call_arguments, package_calls, static_path
from .packaging import webpack_config

COPY_WEBPACK_PLUGIN = "copy-webpack-plugin"


@dataclass(frozen=True)
class BundleCopy:
    """One copy pattern: `source` is its `from`, a path or glob relative to the service folder."""

    where: Span  # the `from` as written
    source: str
    ignore: tuple[str, ...]  # globs the copy leaves out
    dot: bool  # globOptions.dot: wildcards match dotfiles
    via: str  # "copy-webpack-plugin" or "serverless-bundle copyFiles"


def bundle_copies(service) -> list[BundleCopy]:
    if "serverless-webpack" in service.plugins:
        return _webpack_copies(service)
    if "serverless-bundle" in service.plugins:
        return _bundle_copy_files(service)
    return []


# -- serverless-webpack -----------------------------------------------------------------------------
def _webpack_copies(service) -> list[BundleCopy]:
    name, config = webpack_config(service)
    if config is None or COPY_WEBPACK_PLUGIN not in config:
        return []
    file = service.sources.parse(service.root / name)
    if file is None:
        return []
    folder = posixpath.normpath(posixpath.dirname(name.replace("\\", "/")))
    dirname = "" if folder == "." else folder  # what `__dirname` is, relative to the service
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
    glob_options = unwrap(object_member(pattern, "globOptions"))
    ignore_sets = [_literal_globs(file, object_member(pattern, "ignore"))]
    dot = False
    if glob_options is not None:
        if glob_options.type != "object":
            return None
        ignore_sets.append(_literal_globs(file, object_member(glob_options, "ignore")))
        dot = file.node_text(unwrap(object_member(glob_options, "dot")) or glob_options) == "true"
    if any(ignore is None for ignore in ignore_sets):
        return None
    ignore = shared_ignore + tuple(glob for globs in ignore_sets for glob in globs)
    path = source if source.startswith("/") or not base else f"{base}/{source}"
    return BundleCopy(file.span(origin), path, ignore, dot, COPY_WEBPACK_PLUGIN)


def _inside_output(file, to) -> bool:
    """`to` is absent or a relative literal path: the copy lands in webpack's output folder."""
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

"""What a JS/TS expression stands for, read statically within one file: the package export a
name is bound to (`new CopyPlugin()` with `const CopyPlugin = require('copy-webpack-plugin')`,
`new ApolloServer()` with `import { ApolloServer } from '@apollo/server'`), and the path that a
string, `path.resolve(__dirname, '.env')`, `path.join(...)` or `` `${__dirname}/.env` `` builds;
a function's parameter names and what it returns on every path.

Only module-scope bindings are followed (imports, `require` calls), and no value is guessed: an
expression that depends on anything else is None.
"""
from __future__ import annotations

import posixpath

from .sources import (
    CALL_TYPES, SourceFile, named_children, return_statements, string_value, unwrap,
)

PATH_MODULES = frozenset({"path", "node:path"})
PATH_BUILDERS = frozenset({"resolve", "join"})
# Where a path starts when it is built from the config file's folder or the working folder
# (serverless-webpack and serverless-bundle run from the service folder).
_HERE = frozenset({"__dirname", "process.cwd()"})


def package_origin(file: SourceFile, node) -> tuple[str, str] | None:
    """(module, imported name) that an expression is bound to: "*" or "default" for the module
    itself (`require('m')`, `import m from 'm'`), an export name for `{ X }`, `m.X` or
    `require('m').X`. None for anything that is not bound to an import at module scope."""
    node = unwrap(node)
    if node is None:
        return None
    if node.type == "identifier":
        imp = file.bindings.get(file.node_text(node))
        return (imp.module, imp.bindings[file.node_text(node)]) if imp is not None else None
    if node.type == "member_expression":  # `m.X`: one level only, never a chain walked deep
        owner = unwrap(node.child_by_field_name("object"))
        found = package_origin(file, owner) if owner is not None and owner.type != "member_expression" \
            else None
        if found is not None and found[1] in ("*", "default"):
            return found[0], file.node_text(node.child_by_field_name("property"))
        return None
    if node.type == "call_expression":
        imp = file.imports_by_node.get(node.id)
        return (imp.module, "*") if imp is not None and imp.kind == "cjs" else None
    return None


def package_calls(file: SourceFile, modules: frozenset[str]):
    """(call or `new` node, (module, imported name)) for every call of something one of the
    modules exports."""
    if not any(module.encode() in file.text for module in modules):
        return
    for call in file.nodes_of(CALL_TYPES):
        field = "constructor" if call.type == "new_expression" else "function"
        origin = package_origin(file, call.child_by_field_name(field))
        if origin is not None and origin[0] in modules:
            yield call, origin


def env_member(file: SourceFile, node) -> str | None:
    """X for `process.env.X` / `process.env['X']`, "*" for `process.env` itself, else None."""
    node = unwrap(node)
    if node is None:
        return None
    if file.node_text(node) == "process.env":
        return "*"
    if node.type not in ("member_expression", "subscript_expression"):
        return None
    obj = node.child_by_field_name("object")
    if obj is None or file.node_text(unwrap(obj)) != "process.env":
        return None
    if node.type == "member_expression":
        return file.node_text(node.child_by_field_name("property"))
    return string_value(file, node.child_by_field_name("index"))


def call_arguments(call) -> list:
    arguments = call.child_by_field_name("arguments")
    return named_children(arguments) if arguments is not None else []


def static_path(file: SourceFile, node, dirname: str = "") -> str | None:
    """The path an expression builds, relative to the working folder (`process.cwd()`, where
    relative strings start): `.env` for `'./.env'`, `path.resolve(__dirname, '.env')`,
    `__dirname + '/.env'` and `` `${__dirname}/.env` ``, with `__dirname` standing for `dirname`
    (the file's folder relative to the working folder); "" for the folder itself. An absolute
    path keeps its leading `/`. None when some part is not a literal."""
    path = _path_text(file, node, dirname)
    if path is None:
        return None
    normal = posixpath.normpath(path) if path else "."
    return "" if normal == "." else normal


def _path_text(file: SourceFile, node, dirname: str, depth: int = 0) -> str | None:
    node = unwrap(node)
    if node is None or depth > 20:
        return None
    if file.node_text(node) in _HERE:
        return dirname if file.node_text(node) == "__dirname" else ""
    if node.type == "call_expression":
        origin = package_origin(file, node.child_by_field_name("function"))
        if origin is None or origin[0] not in PATH_MODULES or origin[1] not in PATH_BUILDERS:
            return None
        joined = ""
        for argument in call_arguments(node):
            part = _path_text(file, argument, dirname, depth + 1)
            if part is None:
                return None
            if origin[1] == "join":
                part = part.lstrip("/") if joined else part
            joined = posixpath.join(joined, part) if part else joined
        return joined
    if node.type == "template_string":
        return _template_text(file, node, dirname)
    if node.type == "binary_expression" and node.child_by_field_name("operator").type == "+":
        head = _path_text(file, node.child_by_field_name("left"), dirname, depth + 1)
        tail = string_value(file, node.child_by_field_name("right"))
        if head is None or tail is None or "${" in tail:
            return None
        return tail.lstrip("/") if head == "" else head + tail
    value = string_value(file, node)
    return value if value is not None and "${" not in value else None


def _template_text(file: SourceFile, node, dirname: str) -> str | None:
    """`${__dirname}/.env` → `.env`; any other substitution is unknown."""
    children = named_children(node)
    starts_here = False
    for index, child in enumerate(children):
        if child.type == "template_substitution":
            inner = named_children(child)
            if index != 0 or len(inner) != 1 or file.node_text(inner[0]) not in _HERE:
                return None
            starts_here = True
    value = string_value(file, node)
    if value is None:
        return None
    if starts_here:
        here = file.node_text(named_children(children[0])[0])
        rest = value[len(file.node_text(children[0])):].lstrip("/")
        return posixpath.join(dirname, rest) if here == "__dirname" else rest
    return value


def parameter_names(function) -> list[str | None]:
    """The names of a function's parameters in order (None for a destructured or rest one)."""
    single = function.child_by_field_name("parameter")  # `e => e`
    if single is not None:
        return [_identifier_text(single)]
    parameters = function.child_by_field_name("parameters")
    names = []
    for parameter in named_children(parameters) if parameters is not None else []:
        if parameter.type in ("required_parameter", "optional_parameter"):
            parameter = parameter.child_by_field_name("pattern")
        names.append(_identifier_text(parameter))
    return names


def _identifier_text(node) -> str | None:
    return node.text.decode("utf-8", "replace") if node is not None and node.type == "identifier" else None


def returned_values(function) -> list | None:
    """What a function returns on every path: an arrow's expression body, or the values of its own
    `return` statements when its body ends with one. None when some path returns nothing (a bare
    `return`, or a body that can end without a return)."""
    body = function.child_by_field_name("body")
    if body is None:
        return None
    if body.type != "statement_block":
        return [body]
    statements = named_children(body)
    if not statements or statements[-1].type != "return_statement":
        return None
    values = [named_children(node) for node in return_statements(body)]
    return [value[0] for value in values] if all(values) else None

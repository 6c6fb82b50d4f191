"""middy middleware: the functions a middy chain runs around the handler on every invocation.

`export const handler = middy(base).use(withDatabase())` runs the `before`, `after` and
`onError` functions of each middleware object it uses, and the functions given to
`.before(fn)` / `.after(fn)` / `.onError(fn)`, on every invocation. The handler itself (`base`,
or `.handler(base)`) is found by `unwrap_function`. Middleware objects are followed when they are
written in the service (an object, or what a function of the service returns); those of packages
(`@middy/http-json-body-parser`) are library code.
"""
from __future__ import annotations

from .sources import (
    FUNCTION_TYPES, SourceFile, named_children, object_member, returned_expressions, unwrap,
)
from .webapps import package_export

PHASES = ("before", "after", "onError")
_MIDDY = (("@middy/core", "default"), ("@middy/core", "*"))


def _text(node) -> str:
    return node.text.decode("utf-8", "replace") if node is not None and node.text else ""


def middleware_functions(graph, file: SourceFile, node) -> list[tuple]:
    """(file, function, no bindings) of the middleware functions of a middy chain; empty for any
    other expression."""
    found, call = [], unwrap(node)
    while call is not None and call.type == "call_expression":
        callee = unwrap(call.child_by_field_name("function"))
        if callee is None or callee.type != "member_expression":
            break
        method = _text(callee.child_by_field_name("property"))
        arguments = call.child_by_field_name("arguments")
        for argument in named_children(arguments) if arguments is not None else ():
            if method == "use":
                found += _of_middleware(graph, file, argument)
            elif method in PHASES:
                found += _function(graph, file, argument)
        call = unwrap(callee.child_by_field_name("object"))
    if call is None or call.type != "call_expression" or package_export(
            graph, file, call.child_by_field_name("function"), graph.scope_chain(file, call)) \
            not in _MIDDY:
        return []
    return found


def _of_middleware(graph, file: SourceFile, expr, depth: int = 0) -> list[tuple]:
    """The phase functions of one `.use()` argument: a middleware object, an array of them, or a
    call of a function of the service that returns one."""
    expr = unwrap(expr)
    if expr is None or depth > 4:
        return []
    if expr.type == "array":
        return [f for e in named_children(expr) for f in _of_middleware(graph, file, e, depth + 1)]
    value = graph.value_of(file, expr, graph.scope_chain(file, expr))
    objects = [value]
    if value is not None and value[1].type == "call_expression":  # withDatabase()
        target = graph.callee_of(value[0], value[1], graph.scope_chain(value[0], value[1]))
        objects = [graph.value_of(target[0], r, graph.scope_chain(target[0], r))
                   for r in returned_expressions(target[1])] \
            if target is not None and target[1].type in FUNCTION_TYPES else []
    found = []
    for obj_file, obj, _ in (o for o in objects if o is not None):
        if obj.type == "object":
            for phase in PHASES:
                member = object_member(obj, phase)
                found += _function(graph, obj_file, member) if member is not None else []
    return found


def _function(graph, file: SourceFile, expr) -> list[tuple]:
    value = graph.value_of(file, expr, graph.scope_chain(file, expr))
    return [(value[0], value[1], ())] if value is not None and value[1].type in FUNCTION_TYPES \
        else []

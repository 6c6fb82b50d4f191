"""Web framework apps served from a Lambda handler, and the request handlers they run.

`export const handler = serverless(app)` (serverless-http), `serverlessExpress({ app })`
(@vendia/ and @codegenie/serverless-express), `proxy(createServer(app), event, context)`
(aws-serverless-express) and `awsLambdaFastify(app)` (@fastify/aws-lambda) hand every invocation to
an Express, Koa or Fastify app, which runs the functions registered on it for the request: the
callbacks of `app.get/post/put/patch/delete/all/use/route(...)`, of the routers mounted on it
(`app.use('/users', usersRouter)`, also built by a function: `router.use(getUserRouter())`), Koa's
`app.use(async (ctx) => ...)` and `app.use(router.routes())`, Fastify's `app.route({ handler })`
and the routes a plugin registers on the instance it is given (`app.register(plugin)`). These are
the request handlers; the code that builds the app runs once, when its module loads.

An app is known only when its value is: the result of `express()`, `express.Router()`,
`new Koa()`, `new Router()` (@koa/router, koa-router) or `fastify()` that the handler graph
reaches. An app that is a parameter (`function setupRoutes(app) {...}`), or built by a function of
the framework (NestJS's `getHttpAdapter().getInstance()`), is unknown and nothing is said about it.

The functions here take the `HandlerGraph` (its `value_of`, `callee_of`, `lookup`, `module_file`,
`returned_closures`): handlers.py builds on this module, not the other way round.
"""
from __future__ import annotations

from .sources import (
    FUNCTION_TYPES, SourceFile, named_children, object_member, returned_expressions,
    unwrap,
)

# (package, export) of the adapters, and where each takes the app: an argument position, or
# "app" for the `app` property of an options object.
_ANY = ("default", "*")
ADAPTERS = {
    **{("serverless-http", e): 0 for e in _ANY},
    **{("@fastify/aws-lambda", e): 0 for e in _ANY},
    **{("aws-lambda-fastify", e): 0 for e in _ANY},
    **{(m, e): "app" for m in ("@vendia/serverless-express", "@codegenie/serverless-express")
       for e in (*_ANY, "configure")},
    **{(m, "createServer"): 0 for m in ("aws-serverless-express", "@vendia/serverless-express")},
}
# `proxy(server, event, context)`: the server an adapter's createServer() built.
_PROXIES = frozenset({("aws-serverless-express", "proxy"), ("@vendia/serverless-express", "proxy")})
ADAPTER_MODULES = tuple(sorted({module for module, _ in ADAPTERS}))

# (package, export) whose call or `new` builds an app or a router.
_APP_FACTORIES = frozenset({
    *(("express", e) for e in (*_ANY, "Router")),
    *(("koa", e) for e in (*_ANY, "Koa")),
    *(("@koa/router", e) for e in (*_ANY, "Router")),
    *(("koa-router", e) for e in _ANY),
    *(("fastify", e) for e in (*_ANY, "fastify")),
})
# Methods that register request handlers (or mount routers) on an app or a router.
ROUTE_METHODS = frozenset({"use", "all", "get", "post", "put", "patch", "delete", "del", "head",
                           "options", "route", "param", "register"})
# Methods that give back the instance they are called on (Fastify's `withTypeProvider<T>()`).
_SAME_INSTANCE = frozenset({"withTypeProvider"})
# koa-router's `router.routes()` / `router.middleware()` is the router's request handler.
_ROUTER_MIDDLEWARE = frozenset({"routes", "middleware"})
# Fastify route options that hold request handlers.
_ROUTE_OPTION_HANDLERS = ("handler", "preHandler", "onRequest", "preValidation", "preParsing",
                          "preSerialization", "onSend", "onResponse")
_MAX_DEPTH = 16


def _text(node) -> str:
    return node.text.decode("utf-8", "replace") if node is not None and node.text else ""


def package_export(graph, file: SourceFile, expr, chain, depth: int = 0) -> tuple[str, str] | None:
    """(package, export) an expression names: `serverless` of `import serverless from
    'serverless-http'` → ("serverless-http", "default"); `awsServerlessExpress.proxy` →
    ("aws-serverless-express", "proxy"); `require('fastify')` → ("fastify", "*"). None for local
    code and anything else."""
    expr = unwrap(expr)
    if expr is None or depth > _MAX_DEPTH:
        return None
    if expr.type == "identifier":
        name = _text(expr)
        local, _ = graph.lookup(chain, name)
        if local is None:
            imp = file.bindings.get(name)
            if imp is not None:
                return None if graph.module_file(file, imp) is not None else (
                    imp.module, imp.bindings[name])
            local = file.top_level_definitions.get(name)
            chain = None
        if getattr(local, "type", None) in ("identifier", "member_expression", "call_expression"):
            return package_export(graph, file, local, graph.scope_chain(file, local), depth + 1)
        return None
    if expr.type == "member_expression":
        owner = package_export(graph, file, expr.child_by_field_name("object"), chain, depth + 1)
        if owner is not None and owner[1] in _ANY:
            return owner[0], _text(expr.child_by_field_name("property"))
        return None
    if expr.type == "call_expression":  # require('fastify')
        imp = file.imports_by_node.get(expr.id)
        if imp is not None and imp.kind != "esm" and graph.module_file(file, imp) is None:
            return imp.module, "*"
    return None


def served_apps(graph, file: SourceFile, call, chain, env: tuple = ()) -> list[tuple]:
    """The apps (file, node that builds the app) an adapter call serves: `serverless(app)`,
    `serverlessExpress({ app })`, `createServer(app)`. The export being such a call, each
    invocation runs the app's request handlers."""
    call = unwrap(call)
    if call is None or call.type != "call_expression":
        return []
    origin = package_export(graph, file, call.child_by_field_name("function"), chain)
    where = ADAPTERS.get(origin) if origin is not None else None
    if where is None:
        return []
    args = _arguments(call)
    if where == "app":  # serverlessExpress({ app })
        options = unwrap(args[0]) if args else None
        app = object_member(options, "app") if options is not None and options.type == "object" \
            else None
    else:
        app = args[where] if len(args) > where else None
    found = _app_of(graph, file, app, chain, env) if app is not None else None
    return [found] if found is not None else []


def invoked_apps(graph, file: SourceFile, call, chain, env: tuple = ()) -> list[tuple]:
    """The apps a call in the handler hands the invocation to: `proxy(server, event, context)`
    of a server an adapter built, or a call of what an adapter returned (`serverless(app)(event,
    context)`, `handle(event, context)` with `const handle = serverless(app)` or a module-level
    `handle` the file assigns one to, `handle ??= serverless(app)`). Building the adapter runs
    nothing."""
    callee = unwrap(call.child_by_field_name("function"))
    if callee is None:
        return []
    origin = package_export(graph, file, callee, chain)
    if origin is not None:
        args = _arguments(call)
        if origin not in _PROXIES or not args:
            return []
        adapters = [graph.value_of(file, args[0], chain, env)]
    else:
        adapters = [graph.value_of(file, callee, chain, env)]
    apps = []
    for adapter in adapters:
        if adapter is not None and adapter[1].type == "variable_declarator":  # `let handle`
            adapters += _assigned(graph, adapter[0], adapter[1])
        elif adapter is not None and adapter[1] != call:
            apps += served_apps(graph, adapter[0], adapter[1],
                                graph.scope_chain(adapter[0], adapter[1]))
    return apps


def _assigned(graph, file: SourceFile, declarator) -> list[tuple]:
    """(file, value, chain) of what the file assigns to a variable declared without a value."""
    name = _text(declarator.child_by_field_name("name"))
    found = []
    for node in file.nodes_of(("assignment_expression", "augmented_assignment_expression")):
        left = unwrap(node.child_by_field_name("left"))
        right = unwrap(node.child_by_field_name("right"))
        if left is not None and left.type == "identifier" and _text(left) == name \
                and right is not None and right.type == "call_expression":
            found.append((file, right, graph.scope_chain(file, right)))
    return found


def _arguments(call) -> list:
    arguments = call.child_by_field_name("arguments")
    return named_children(arguments) if arguments is not None and arguments.type == "arguments" \
        else []


def _app_of(graph, file: SourceFile, expr, chain, env: tuple = (), depth: int = 0):
    """(file, node that builds it) when an expression is an app or router of a known framework:
    directly, through `app.callback()` / `router.routes()`, or as the value a function of the
    service returns (`getUserRouter()`)."""
    expr = unwrap(expr)
    if expr is None or depth > _MAX_DEPTH:
        return None
    if expr.type == "call_expression":
        callee = unwrap(expr.child_by_field_name("function"))
        if callee is not None and callee.type == "member_expression" and _text(
                callee.child_by_field_name("property")) in (*_ROUTER_MIDDLEWARE, "callback"):
            return _app_of(graph, file, callee.child_by_field_name("object"), chain, env,
                           depth + 1)
    value = graph.value_of(file, expr, chain, env)
    if value is None:
        return None
    value_file, node, value_chain = value
    if node.type == "program" and "module.exports" in value_file.exports:  # require('./users')
        return _app_of(graph, value_file, value_file.exports["module.exports"], None, (),
                       depth + 1)
    if node.type not in ("call_expression", "new_expression"):
        return None
    if node.type == "new_expression":
        factory = node.child_by_field_name("constructor")
    else:
        factory = node.child_by_field_name("function")
    if package_export(graph, value_file, factory, graph.scope_chain(value_file, node)) \
            in _APP_FACTORIES:
        return value_file, node
    if node.type == "call_expression":  # a function of the service that builds the router
        target = graph.callee_of(value_file, node, value_chain, env)
        if target is not None and target[1].type in FUNCTION_TYPES:
            for returned in returned_expressions(target[1]):
                found = _app_of(graph, target[0], returned, graph.scope_chain(target[0], returned),
                                (), depth + 1)
                if found is not None:
                    return found
    return None


def request_handlers(graph, apps: list[tuple]) -> list[tuple]:
    """(file, function, bindings) of every request handler registered on the apps, and on the
    routers mounted on them, transitively."""
    if not apps:
        return []
    registrations = _registrations(graph)
    queue = list(apps)
    seen_apps = {(id(f), n.id) for f, n in apps}
    handlers, seen = [], set()
    while queue:
        app_file, app = queue.pop(0)
        for mounted in _given_to(graph).get((id(app_file), app.id), ()):
            if (id(mounted[0]), mounted[1].id) not in seen_apps:
                seen_apps.add((id(mounted[0]), mounted[1].id))
                queue.append(mounted)
        for file, call, chain in registrations.get((id(app_file), app.id), ()):
            arguments = named_children(call.child_by_field_name("arguments") or call)
            if _text(unwrap(call.child_by_field_name("function")).child_by_field_name(
                    "property")) == "register":  # a Fastify plugin: its routes are the app's
                arguments = [_plugin(graph, file, arguments[0], chain)] if arguments else []
            for argument in arguments:
                for found in _registered(graph, file, argument, chain):
                    if len(found) == 2:  # a router or app mounted here
                        if (id(found[0]), found[1].id) not in seen_apps:
                            seen_apps.add((id(found[0]), found[1].id))
                            queue.append(found)
                    elif graph.entry_key(*found) not in seen:
                        seen.add(graph.entry_key(*found))
                        handlers.append(found)
    return handlers


def _plugin(graph, file: SourceFile, argument, chain):
    """The Fastify plugin `app.register(plugin)` registers (also `fp(plugin)`), as a mounted
    "app": the routes it registers on its instance parameter are the app's."""
    found = _function(graph, file, argument, chain)
    if found is None and unwrap(argument) is not None and unwrap(argument).type == "call_expression":
        inner = unwrap(argument).child_by_field_name("arguments")
        found = next((f for f in (_function(graph, file, a, chain) for a in named_children(inner))
                      if f is not None), None) if inner is not None else None
    return _Mounted(found[0], found[1]) if found is not None else None


class _Mounted(tuple):
    """(file, node) of an app mounted by a registration, as `_registered` yields it."""

    def __new__(cls, file, node):
        return super().__new__(cls, (file, node))


def _registered(graph, file: SourceFile, argument, chain, depth: int = 0):
    """What one argument of a registration adds: mounted apps (file, node) and request handlers
    (file, function, bindings)."""
    if isinstance(argument, _Mounted):
        yield argument
        return
    argument = unwrap(argument)
    if argument is None or depth > 4 or argument.type in ("string", "template_string", "number"):
        return
    if argument.type == "array":
        for element in named_children(argument):
            yield from _registered(graph, file, element, chain, depth + 1)
        return
    if argument.type == "object":
        for name in _ROUTE_OPTION_HANDLERS:
            member = object_member(argument, name)
            if member is not None:
                yield from _registered(graph, file, member, chain, depth + 1)
        return
    mounted = _app_of(graph, file, argument, chain)
    if mounted is not None:
        yield mounted
        return
    if argument.type == "call_expression":  # Wrapper(async (req, res) => ...), LoggerMiddleware()
        arguments = argument.child_by_field_name("arguments")
        for wrapped in named_children(arguments) if arguments is not None else ():
            found = _function(graph, file, wrapped, chain)
            if found is not None:
                yield found
        yield from graph.returned_closures(file, argument)
        return
    found = _function(graph, file, argument, chain)
    if found is not None:
        yield found


def _function(graph, file: SourceFile, expr, chain):
    """(file, function, no bindings) when an expression is a function: inline or by name."""
    expr = unwrap(expr)
    if expr is None or expr.type in ("string", "template_string", "number", "object", "array"):
        return None
    if expr.type in FUNCTION_TYPES:
        return file, expr, ()
    if expr.type not in ("identifier", "member_expression"):
        return None
    value = graph.value_of(file, expr, chain)
    return (value[0], value[1], ()) if value is not None and value[1].type in FUNCTION_TYPES \
        else None


def _registrations(graph) -> dict[tuple, list]:
    """The registration calls of the graph's files (`x.get(...)`, `x.route('/a').post(...)`), by
    the app they register on: (id of its file, id of the node that builds it) → [(file, call,
    scope chain)]. Worked out once per graph."""
    if "web registrations" in graph.memo:
        return graph.memo["web registrations"]
    found: dict[tuple, list] = {}
    for file in graph.files:
        for call, target in _route_calls(file):
            chain = graph.scope_chain(file, call)
            app = _app_of(graph, file, target, chain) or _plugin_instance(graph, file, target, chain)
            if app is not None:
                found.setdefault((id(app[0]), app[1].id), []).append((file, call, chain))
    graph.memo["web registrations"] = found
    return found


def _given_to(graph) -> dict[tuple, list]:
    """The functions of the service an app is handed to as their first argument
    (`registerRoutes(app)`, `module.exports = (app) => { app.get(...) }`), by the app: the routes
    they register on that parameter are the app's. Worked out once per graph."""
    if "apps given to functions" in graph.memo:
        return graph.memo["apps given to functions"]
    found: dict[tuple, list] = {}
    for file in graph.files:
        for call in file.nodes_of(("call_expression",)):
            arguments = _arguments(call)
            first = unwrap(arguments[0]) if arguments else None
            if first is None or first.type != "identifier":
                continue
            chain = graph.scope_chain(file, call)
            target = graph.callee_of(file, call, chain)
            if target is None or target[1].type not in FUNCTION_TYPES:
                continue
            app = _app_of(graph, file, first, chain)
            if app is not None:
                found.setdefault((id(app[0]), app[1].id), []).append((target[0], target[1]))
    graph.memo["apps given to functions"] = found
    return found


def _plugin_instance(graph, file: SourceFile, target, chain):
    """(file, function) when `target` is the first parameter of the function it is used in
    (`async (fastify) => { fastify.get(...) }`): the instance a Fastify plugin is given, or the
    app a function that registers routes is called with."""
    if target.type != "identifier":
        return None
    local, cell = graph.lookup(chain, _text(target))
    if local is None or hasattr(local, "type") or cell.node.type not in FUNCTION_TYPES:
        return None  # not a parameter
    names = graph.parameter_names(cell.node)
    return (file, cell.node) if names and names[0] == _text(target) else None


def _route_calls(file: SourceFile):
    """(call, object registered on) for each `object.method(...)` call with a route method name;
    chains (`app.route('/a').get(f).post(g)`, `app.use(a).use(b)`) register on their first
    object."""
    for call in file.nodes_of(("call_expression",)):
        callee = unwrap(call.child_by_field_name("function"))
        if callee is None or callee.type != "member_expression" \
                or _text(callee.child_by_field_name("property")) not in ROUTE_METHODS:
            continue
        target = unwrap(callee.child_by_field_name("object"))
        while target is not None and target.type == "call_expression":
            inner = unwrap(target.child_by_field_name("function"))
            if inner is None or inner.type != "member_expression" or _text(
                    inner.child_by_field_name("property")) not in ROUTE_METHODS | _SAME_INSTANCE:
                break
            target = unwrap(inner.child_by_field_name("object"))
        if target is not None:
            yield call, target

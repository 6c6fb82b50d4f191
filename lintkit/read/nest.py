"""NestJS applications: which providers an application builds, and when.

`NestFactory.create(AppModule)` reads the `@Module({ imports, providers, controllers })` metadata of
AppModule and of the modules it imports, and builds every singleton provider and controller once,
for the life of the application (a `PrismaService extends PrismaClient` is one client per app). A
provider marked `@Injectable({ scope: Scope.REQUEST })` is built again for every request, and so is
every provider or controller that depends on it through its constructor (the scope bubbles up).

So: an app created on every invocation builds its singletons on every invocation; an app cached
across invocations builds them once, and only its request-scoped providers, reached from a
controller, are built per request (= per invocation behind a Lambda adapter).

Known statically: modules and providers listed by name (`providers: [UsersService]`, `{ provide: X,
useClass: Y }`, `{ provide: X, useFactory: f }`), constructor parameters by their class type.
Dynamic modules (`ConfigModule.forRoot()`), `useValue` (evaluated when its module loads) and
anything computed are not followed: nothing is said about them.

The functions here take the `HandlerGraph`, as webapps does.
"""
from __future__ import annotations

from .sources import (
    CLASS_TYPES, FUNCTION_TYPES, SourceFile, iter_nodes, named_children, object_member, unwrap,
)
from .webapps import package_export

NEST_CORE = "@nestjs/core"
_FACTORY_METHODS = frozenset({"create", "createApplicationContext", "createMicroservice"})
_MAX_MODULES = 200


def _text(node) -> str:
    return node.text.decode("utf-8", "replace") if node is not None and node.text else ""


def decorator(cls, name: str):
    """The arguments of a class's `@name(...)` decorator (before `export` too), or None."""
    holders = [cls]
    if cls.parent is not None and cls.parent.type == "export_statement":
        holders.append(cls.parent)
    for holder in holders:
        for child in holder.named_children:
            call = child.named_children[0] if child.type == "decorator" and child.named_children \
                else None
            if call is None:
                continue
            if call.type == "call_expression" and _text(call.child_by_field_name("function")) \
                    == name:
                return call.child_by_field_name("arguments")
            if call.type == "identifier" and _text(call) == name:
                return ()
    return None


def created_module(graph, file: SourceFile, call, chain, env: tuple = ()):
    """(file, module class) of `NestFactory.create(AppModule, ...)`, or None."""
    callee = unwrap(call.child_by_field_name("function")) if call.type == "call_expression" \
        else None
    if callee is None or callee.type != "member_expression" \
            or _text(callee.child_by_field_name("property")) not in _FACTORY_METHODS:
        return None
    if package_export(graph, file, callee.child_by_field_name("object"), chain) \
            != (NEST_CORE, "NestFactory"):
        return None
    arguments = call.child_by_field_name("arguments")
    first = next(iter(named_children(arguments)), None) if arguments is not None else None
    return _module_class(graph, file, first, chain, env)


def _module_class(graph, file: SourceFile, expr, chain, env: tuple = ()):
    value = graph.value_of(file, expr, chain, env) if expr is not None else None
    if value is None or value[1].type not in CLASS_TYPES or decorator(value[1], "Module") is None:
        return None
    return value[0], value[1]


def app_creations(graph) -> list[tuple]:
    """(file, NestFactory call, root module) for each app the graph's files create."""
    if "nest apps" in graph.memo:
        return graph.memo["nest apps"]
    found = []
    if graph.imports_module(NEST_CORE):
        for file in graph.files:
            for call in file.nodes_of(("call_expression",)):
                root = created_module(graph, file, call, graph.scope_chain(file, call))
                if root is not None:
                    found.append((file, call, root))
    graph.memo["nest apps"] = found
    return found


class Application:
    """What a Nest app built from a root module instantiates: singletons (classes and factory
    functions, built when the app is created) and request-scoped classes (built per request)."""

    def __init__(self, graph, root: tuple):
        self.graph = graph
        self.singletons: list[tuple] = []
        self.per_request: list[tuple] = []
        classes, factories, controllers = self._members(self._modules(root))
        scopes = {key: self._declared_scope(*cls) for key, cls in classes.items()}
        self._bubble(classes, scopes)
        for key, cls in classes.items():
            if scopes[key] is None:
                self.singletons.append(cls)
        self.singletons += factories
        reached = self._reached_from(controllers, classes)
        self.per_request = [classes[key] for key in reached if scopes.get(key) == "request"]

    def _modules(self, root: tuple) -> list[tuple]:
        modules, queue, seen = [], [root], {(id(root[0]), root[1].id)}
        while queue and len(modules) < _MAX_MODULES:
            file, cls = queue.pop(0)
            modules.append((file, cls))
            for element in self._listed(file, cls, "imports"):
                found = _module_class(self.graph, file, element, self.graph.scope_chain(file,
                                                                                     element))
                if found is not None and (id(found[0]), found[1].id) not in seen:
                    seen.add((id(found[0]), found[1].id))
                    queue.append(found)
        return modules

    @staticmethod
    def _listed(file: SourceFile, cls, key: str) -> list:
        arguments = decorator(cls, "Module")
        metadata = unwrap(next(iter(named_children(arguments)), None)) if arguments else None
        if metadata is None or metadata.type != "object":
            return []
        listed = unwrap(object_member(metadata, key))
        return named_children(listed) if listed is not None and listed.type == "array" else []

    def _members(self, modules: list[tuple]):
        """Provider and controller classes by key, factory functions, and controller keys."""
        classes, factories, controllers = {}, [], []
        for file, module in modules:
            for key in ("providers", "controllers"):
                for element in self._listed(file, module, key):
                    element = unwrap(element)
                    if element is not None and element.type == "object":
                        factory = object_member(element, "useFactory")
                        target = self._value(file, factory) if factory is not None else None
                        if target is not None and target[1].type in FUNCTION_TYPES:
                            factories.append(target)
                        element = object_member(element, "useClass")
                    target = self._value(file, element) if element is not None else None
                    if target is None or target[1].type not in CLASS_TYPES:
                        continue
                    class_key = (id(target[0]), target[1].id)
                    classes[class_key] = target
                    if key == "controllers":
                        controllers.append(class_key)
        return classes, factories, controllers

    def _value(self, file: SourceFile, expr):
        value = self.graph.value_of(file, expr, self.graph.scope_chain(file, expr))
        return (value[0], value[1]) if value is not None else None

    @staticmethod
    def _declared_scope(file: SourceFile, cls) -> str | None:
        """"request" / "transient" from `@Injectable({ scope: Scope.REQUEST })` (or
        `@Controller({ scope })`), None for a singleton."""
        for name in ("Injectable", "Controller"):
            arguments = decorator(cls, name)
            for options in named_children(arguments) if arguments else ():
                options = unwrap(options)
                scope = object_member(options, "scope") if options.type == "object" else None
                text = _text(scope)
                if text.endswith("REQUEST"):
                    return "request"
                if text.endswith("TRANSIENT"):
                    return "transient"
        return None

    def _dependencies(self, file: SourceFile, cls, classes: dict) -> list[tuple]:
        """Keys of the listed classes a class's constructor takes (by parameter type)."""
        body = cls.child_by_field_name("body")
        constructor = next((m for m in (named_children(body) if body is not None else ())
                            if m.type == "method_definition" and _text(
                                m.child_by_field_name("name")) == "constructor"), None)
        parameters = constructor.child_by_field_name("parameters") if constructor else None
        found = []
        for parameter in named_children(parameters) if parameters is not None else ():
            annotation = parameter.child_by_field_name("type")
            name = next((n for n in iter_nodes(annotation, ("type_identifier",))), None) \
                if annotation is not None else None
            target = self.graph.value_of_name(file, _text(name)) if name is not None else None
            if target is not None and (id(target[0]), target[1].id) in classes:
                found.append((id(target[0]), target[1].id))
        return found

    def _bubble(self, classes: dict, scopes: dict) -> None:
        """A class that takes a request-scoped one is request scoped too."""
        depends = {key: self._dependencies(*cls, classes) for key, cls in classes.items()}
        changed = True
        while changed:
            changed = False
            for key, needs in depends.items():
                if scopes[key] != "request" and any(scopes.get(n) == "request" for n in needs):
                    scopes[key] = "request"
                    changed = True
        self._depends = depends

    def _reached_from(self, controllers: list, classes: dict) -> list:
        reached, queue = list(dict.fromkeys(controllers)), list(controllers)
        while queue:
            for need in self._depends.get(queue.pop(0), ()):
                if need not in reached:
                    reached.append(need)
                    queue.append(need)
        return reached


def application(graph, root: tuple) -> Application:
    key = ("nest application", id(root[0]), root[1].id)
    if key not in graph.memo:
        graph.memo[key] = Application(graph, root)
    return graph.memo[key]

"""Database clients in handler code: where they are built, whether they are cached, and which
ones are built or closed on every invocation (the analysis the CLIENT rules share).

A *construction* builds a client: `new PrismaClient()` (from `@prisma/client` or a generated
client), `new Pool()` / `new Client()` from `pg`, `createPool()` from `mysql2`, or `new X()` of a
`@prisma/adapter-*` class. Imports are followed through local modules that re-export them, through
CommonJS `require` and through destructuring (`const { Pool } = pg`).

A construction or a call is *cached* when its value is kept in a slot that outlives the invocation
(a module-level variable, a property of `globalThis`/`global` or of a module-level object):
`slot ??= value`, `slot || value`, `slot ?? value`, an assignment under a test of a slot the file
writes (`if (!client) client = value`, `if (cached) return cached`), or a reconnect in a `catch`.
"""
from __future__ import annotations

import os
import re
import weakref
from pathlib import Path

from tree_sitter import Node as TreeNode

from ..model.fieldclasses import fieldclass
from ..model.lazyre import lazy_compile
from ..read.handlers import (
    constructor_of, enclosing_class, enclosing_function, format_chain, is_generated_client,
    is_module_scope, iter_module_scope, module_matches, returned_expressions,
)
from ..read.keptgraphs import RecordingCache
from ..read.sources import (
    CALL_TYPES, CLASS_TYPES, FUNCTION_TYPES, WRAPPER_TYPES, SourceFile, callee_name, is_static,
    named_children, node_name, unwrap, walk,
)

PRISMA_CLIENT = "@prisma/client"
ADAPTER_PREFIX = "@prisma/adapter-"
PG_CLASSES = frozenset({"Pool", "Client"})
GLOBAL_OBJECTS = frozenset({"globalThis", "global", "window", "self"})
MAX_DEPTH = 12

_NAME_TYPES = frozenset({"identifier", "shorthand_property_identifier"})
_SLOT_TYPES = frozenset({"identifier", "member_expression", "subscript_expression"})
_ASSIGNMENTS = frozenset({"assignment_expression", "augmented_assignment_expression"})
# Callbacks handed to these run later (listeners) or once (memoisers), not on each invocation.
_DEFERRED_CALLBACKS = frozenset({"on", "once", "addListener", "prependListener",
                                 "prependOnceListener"})
_MEMOISER = lazy_compile(r"memo|once|lazy|cache|singleton", re.IGNORECASE)


@fieldclass(frozen=True, eq=False)
class Construction:
    """One place a client is built."""

    file: SourceFile
    node: object
    kind: str  # "prisma" | "pg" | "mysql" | "adapter"
    label: str  # "new PrismaClient()", "mysql.createPool()"
    subclass: bool = False  # `new Db()` where `class Db extends PrismaClient`

    @property
    def span(self):
        return self.file.span(self.node)

    @property
    def key(self) -> tuple:
        return id(self.file), self.node.id


@fieldclass(frozen=True)
class ClientValue:
    """What an expression holds: a client living for the `module` or for one `invocation`."""

    lifetime: str
    kind: str | None  # as Construction.kind; None when the value is a client of unknown kind


@fieldclass(frozen=True, eq=False)
class Disconnect:
    """`client.$disconnect()` or `pool.end()` on a client that outlives the invocation."""

    file: SourceFile
    call: object
    chain: list
    label: str  # "prisma.$disconnect()"

    @property
    def span(self):
        return self.file.span(self.call)


_ANALYSES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_FILE_FACTS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


class FileFacts:
    """What a ClientAnalysis works out about one file or one function of it, kept for every graph
    of a service: the graphs resolve names alike (one source cache, tsconfig, project root and
    build layout), so a module that many handlers import is analysed once, not once per handler.
    `questions` holds, per fact, what the source cache was asked to work it out (None when the
    graph did not record them), for a graph whose results are kept across lints to note as its
    own (lintkit.read.keptgraphs)."""

    __slots__ = ("constructions", "written", "returns", "module_scope", "questions")

    def __init__(self):
        self.constructions: dict[tuple, Construction | None] = {}
        self.written: dict[int, frozenset[str]] = {}
        self.returns: dict[tuple, ClientValue | None] = {}
        self.module_scope: dict[int, list[Construction]] = {}  # id(file) -> module-scope builds
        self.questions: dict[tuple, dict | None] = {}  # (table, key) -> questions and answers


def client_analysis(service, function) -> "ClientAnalysis | None":
    """The analysis of a function's handler graph (shared by the rules), None without code."""
    graph = service.graph(function)
    if graph is None:
        return None
    if graph not in _ANALYSES:
        if service not in _FILE_FACTS:
            _FILE_FACTS[service] = FileFacts()
        _ANALYSES[graph] = ClientAnalysis(graph, generated_client_dirs(service), _FILE_FACTS[service])
    return _ANALYSES[graph]


def generated_client_dirs(service) -> list[Path]:
    """The folder schema.prisma's client generator writes to (`output`), if it is a literal."""
    schema = service.prisma_schema
    generator = schema.client_generator if schema is not None else None
    output = generator.value("output") if generator is not None else None
    if not isinstance(output, str):
        return []
    return [Path(os.path.normpath(generator.span.path.parent / output))]


def describe_chain(graph, chain, last_label: str, last_span, root) -> str:
    """`handler → getDb() (src/db.ts:4) → new PrismaClient() (src/db.ts:5)`."""
    start = graph.export_name or "handler"
    return f"{format_chain(chain, start, root)} → {last_label} ({location(last_span, root)})"


def location(span, root) -> str:
    """`src/db.ts:5`: a span's file relative to the service folder, and its line."""
    return f"{Path(os.path.relpath(span.path, root)).as_posix()}:{span.line}"


class ClientAnalysis:
    def __init__(self, graph, generated_dirs=(), facts: FileFacts | None = None):
        """`facts`: the per-file results of the other graphs of the service (their generated
        client folders must be `generated_dirs`)."""
        self.graph = graph
        self.generated_dirs = [os.path.realpath(d) for d in generated_dirs]
        facts = facts if facts is not None else FileFacts()
        self._constructions = facts.constructions
        self._written = facts.written
        self._returns = facts.returns
        self._module_scope = facts.module_scope
        self._questions = facts.questions
        self._recording = isinstance(graph.cache, RecordingCache)
        # The results are kept with the graph (for as long as the language server takes it again:
        # its files and module resolutions unchanged, and with them every question of the facts it
        # took, see _fact) and keyed by the only other input, the generated client folders.
        dirs = tuple(self.generated_dirs)
        kept = graph.kept_results.get("clients")
        if kept is None or kept[0] != dirs:
            kept = graph.kept_results["clients"] = (dirs, {})
        self._results: dict[str, list] = kept[1]

    def _fact(self, table: str, facts: dict, key, compute, pending=None):
        """A fact of the service's FileFacts: `compute()` the first time (with `pending` in its
        place meanwhile, for a recursion to find), and the questions its computation asked noted
        by the graph of every analysis that takes it."""
        if key in facts:
            if self._recording:  # none yet while it is pending: the open capture notes them
                self.graph.cache.replay(self._questions.get((table, key), {}))
            return facts[key]
        if not self._recording:
            facts[key] = pending
            facts[key] = value = compute()
            self._questions[(table, key)] = None
            return value
        frame = self.graph.cache.capture()
        try:
            facts[key] = pending
            facts[key] = value = compute()
        finally:
            self.graph.cache.release(frame)
        self._questions[(table, key)] = frame
        return value

    def _once(self, name: str, compute) -> list:
        """A result of the whole graph, worked out for the first function that asks (the
        functions sharing a handler share its analysis). Callers must not change it."""
        if name not in self._results:
            self._results[name] = list(compute())
        return self._results[name]

    # -- constructions ------------------------------------------------------------------------
    def construction(self, file: SourceFile, node) -> Construction | None:
        key = (id(file), node.id)
        if not self._recording and key in self._constructions:  # the command line's hot path
            return self._constructions[key]
        return self._fact("constructions", self._constructions, key, lambda: self._classify(file, node))

    def _classify(self, file: SourceFile, node) -> Construction | None:
        is_new = node.type == "new_expression"
        if not is_new and (node.type != "call_expression"
                           or not callee_name(node).endswith("createPool")):
            return None
        callee = node.child_by_field_name("constructor" if is_new else "function")
        origin = self._origin(file, callee, node)
        kind = _client_kind(origin, is_new) if isinstance(origin, tuple) else None
        subclass = kind is None and is_new
        if subclass:
            kind = self._subclass_kind(file, callee, node)
        if kind is None:
            return None
        name = callee_name(node)
        label = f"new {name}()" if is_new else f"{name}()"
        return Construction(file, node, kind, label, subclass)

    def _subclass_kind(self, file: SourceFile, callee, at) -> str | None:
        """`class Db extends PrismaClient {}`: `new Db()` builds a client too."""
        target = self.graph.resolve_value(file, callee, at=at)
        if target is None or target[1].type not in CLASS_TYPES:
            return None
        parent = superclass(target[1])
        origin = self._origin(target[0], parent, parent) if parent is not None else None
        return _client_kind(origin, True) if isinstance(origin, tuple) else None

    def constructions(self, file: SourceFile, module_scope_only: bool = False):
        nodes = (iter_module_scope(file, CALL_TYPES) if module_scope_only
                 else file.nodes_of(CALL_TYPES))
        for node in nodes:
            built = self.construction(file, node)
            if built is not None:
                yield built

    # -- where a name comes from --------------------------------------------------------------
    def local_definition(self, file: SourceFile, at, name: str):
        """The declaration of `name` in the functions and blocks around `at`: its value node (the
        declarator when uninitialised), a non-node marker for a parameter or destructured name,
        or None when `name` is not declared below module level."""
        return self.graph.lookup(self.graph.scope_chain(file, at), name)[0]

    def origin(self, file: SourceFile, expr, at):
        """(module, export) an expression is imported from, followed through the graph's local
        modules and re-exports (`Prisma` from `./db` that re-exports `@prisma/client`), or None."""
        return self._origin(file, expr, at)

    def _origin(self, file: SourceFile, expr, at, depth: int = 0):
        """(module, export) an expression is imported from, a SourceFile for a local module's
        namespace, or None when unknown."""
        expr = unwrap(expr)
        if expr is None or depth > MAX_DEPTH:
            return None
        if expr.type in _NAME_TYPES:
            local = self.local_definition(file, at, _text(expr))
            if local is None:
                return self._name_origin(file, _text(expr), depth + 1)
            if isinstance(local, TreeNode) and local.type in ("identifier", "member_expression",
                                                              "call_expression"):
                return self._origin(file, local, local, depth + 1)
            return None
        if expr.type == "member_expression":
            owner = self._origin(file, expr.child_by_field_name("object"), at, depth + 1)
            return self._member_origin(owner, _text(expr.child_by_field_name("property")), depth)
        if expr.type == "call_expression":  # require('pg').Pool
            imp = next((i for i in file.imports if i.node == expr and i.kind != "esm"), None)
            return self._import_origin(file, imp, "*", depth + 1) if imp is not None else None
        return None

    def _member_origin(self, owner, name: str, depth: int):
        if isinstance(owner, tuple):
            module, export = owner
            return (module, name) if export in ("*", "default") else None
        if isinstance(owner, SourceFile):
            return self._export_origin(owner, name, depth + 1)
        return None

    def _name_origin(self, file: SourceFile, name: str, depth: int):
        """Origin of a module-level name: an import, an alias, or a destructured namespace."""
        imp = file.bindings.get(name)
        if imp is not None:
            return self._import_origin(file, imp, imp.bindings[name], depth + 1)
        definition = file.top_level_definitions.get(name)
        if definition is not None and definition.type in ("identifier", "member_expression",
                                                          "call_expression"):
            return self._origin(file, definition, definition, depth + 1)
        source, key = next(_destructurings(file, name), (None, None))
        if source is None:
            return None
        return self._member_origin(self._origin(file, source, source, depth + 1), key, depth)

    def _import_origin(self, file: SourceFile, imp, export: str, depth: int):
        if depth > MAX_DEPTH:
            return None
        if self._is_prisma_client_module(file, imp):
            return PRISMA_CLIENT, export
        target = self.graph.module_file(file, imp)
        if target is None:
            return imp.module, export
        if export == "*":
            return target
        return self._export_origin(target, export, depth + 1)

    def _export_origin(self, file: SourceFile, export: str, depth: int):
        if depth > MAX_DEPTH:
            return None
        if export in file.reexports:
            imp, imported = file.reexports[export]
            return self._import_origin(file, imp, imported, depth + 1)
        node = file.exports.get(export)
        local = file.export_local(export)
        if local is not None:
            found = self._name_origin(file, local, depth + 1)
        elif node is not None and node.type in _NAME_TYPES | {"member_expression"}:
            found = self._origin(file, node, node, depth + 1)
        else:
            found = None
        if found is not None:
            return found
        for imp in file.star_reexports:
            found = self._import_origin(file, imp, export, depth + 1)
            if found is not None:
                return found
        return None

    def _is_prisma_client_module(self, file: SourceFile, imp) -> bool:
        if module_matches(imp.module, PRISMA_CLIENT) or is_generated_client(imp.module):
            return True
        path = self.graph.resolve_import(file, imp)
        if path is None and imp.is_relative and not file.embedded:
            path = Path(os.path.normpath(file.path.parent / imp.module))  # not generated yet
        if path is None:
            return False
        real = self.graph.cache.real_path(path)
        return is_generated_client(path) or any(
            real == d or real.startswith(d.rstrip(os.sep) + os.sep) for d in self.generated_dirs)

    # -- slots that outlive the invocation ----------------------------------------------------
    def outlives_invocation(self, file: SourceFile, expr, this_unknown: bool = True) -> bool:
        """Is this assignable expression a module-level variable, a property of a global or of a
        module-level object? `this.x` counts in static methods; elsewhere its lifetime is unknown
        and `this_unknown` decides (constructors never count)."""
        expr = unwrap(expr)
        root = _root_object(expr)
        if root is None:
            return False
        if root.type == "this":
            return _this_outlives(file, root, this_unknown)
        if root.type != "identifier":
            return False
        name = _text(root)
        if root == expr:
            module_level = name in file.top_level_definitions
        else:
            module_level = (name in GLOBAL_OBJECTS or name in file.top_level_definitions
                            or name in file.bindings)
        return module_level and self.local_definition(file, root, name) is None

    def written_slots(self, file: SourceFile) -> frozenset[str]:
        """The slots (as text) that code in the file assigns or `.set()`s and that outlive the
        invocation."""
        return self._fact("written", self._written, id(file), lambda: self._written_slots(file))

    def _written_slots(self, file: SourceFile) -> frozenset[str]:
        found = set()
        for node in file.nodes_of(_ASSIGNMENTS | {"call_expression"}):
            target = _written_target(node)
            if target is not None and self.outlives_invocation(file, target):
                found.add(_slot_text(target))
        return frozenset(found)

    # -- caching ----------------------------------------------------------------------------
    def is_cached(self, file: SourceFile, node) -> bool:
        """Is the value of this construction or call kept for later invocations?"""
        value, lineage = _outermost(node, _lineage(file, node))
        parent = lineage[0] if lineage else None
        if parent is None:
            return False
        operator = _operator(parent)
        right = parent.child_by_field_name("right")
        left = parent.child_by_field_name("left")
        if right == value and (
                (parent.type == "augmented_assignment_expression" and operator in ("??=", "||="))
                or (parent.type == "binary_expression" and operator in ("??", "||"))) \
                and self.outlives_invocation(file, left):
            return True
        if parent.type == "assignment_expression" and right == value \
                and self.outlives_invocation(file, left) and _in_catch(lineage):
            return True  # reconnect after an error
        return self._guarded(file, value, lineage)

    def _guarded(self, file: SourceFile, node, lineage: list) -> bool:
        """Does a test of a written slot decide whether `node` runs?"""
        written = self.written_slots(file)
        if not written:
            return False
        child = node
        for parent in lineage:
            if _tests_slot(parent, child, written):
                return True
            if parent.type == "statement_block" and _returns_early(parent, child, written):
                return True
            child = parent
        return False

    # -- what runs on each invocation ---------------------------------------------------------
    def chain_runs(self, file: SourceFile, node, chain) -> bool:
        """Does `node` (in `file`) run each time the handler runs, along this call chain? Every
        call must be uncached and run directly in its caller (not in a nested function other than
        a callback that is invoked there)."""
        start = (chain[0].file, chain[0].call) if chain else (file, node)
        executed = self.graph.entry_function(*start)
        for step in chain:
            if not runs_when_called(step.file, step.call, executed) \
                    or self.is_cached(step.file, step.call):
                return False
            executed = step.target
        return runs_when_called(file, node, executed)

    def per_invocation_constructions(self) -> list[tuple[Construction, list]]:
        """(construction, chain) for each client built afresh on every invocation."""
        return self._once("constructions", self._per_invocation_constructions)

    def _per_invocation_constructions(self):
        reported = set()  # a function run with different bindings meets its nodes again
        for file, node, chain in self.graph.per_invocation():
            if (id(file), node.id) in reported:
                continue
            if node.type == "class_heritage":
                built = self._inherited_client(file, node, chain)
            elif node.type in CALL_TYPES:
                built = self.construction(file, node)
            else:
                continue
            if built is None or self.is_cached(file, node):
                continue
            if self.chain_runs(file, node, chain):
                reported.add(built.key)
                yield built, chain

    def _inherited_client(self, file: SourceFile, heritage, chain) -> Construction | None:
        """`class PrismaService extends PrismaClient` built without a `new` the code shows (by
        Nest's container, or as the parent of a class built with `new`): the instance is a
        client. `new Db()` of such a class directly is the construction itself."""
        if chain and chain[-1].is_new and chain[-1].target_file is file \
                and heritage.parent is not None and chain[-1].target in (
                    heritage.parent, constructor_of(heritage.parent)):
            return None
        parent = superclass(heritage.parent) if heritage.parent is not None else None
        origin = self._origin(file, parent, parent) if parent is not None else None
        kind = _client_kind(origin, True) if isinstance(origin, tuple) else None
        if kind is None:
            return None
        label = f"{node_name(heritage.parent) or 'class'} extends {_text(unwrap(parent))}"
        return Construction(file, heritage, kind, label, subclass=True)

    def per_invocation_disconnects(self) -> list["Disconnect"]:
        """`$disconnect()` / pool `end()` on every invocation, on a client that outlives it."""
        return self._once("disconnects", self._per_invocation_disconnects)

    def _per_invocation_disconnects(self):
        for file, node, chain in self.graph.per_invocation():
            if node.type != "call_expression":
                continue
            callee = unwrap(node.child_by_field_name("function"))
            if callee is None or callee.type != "member_expression":
                continue
            method = _text(callee.child_by_field_name("property"))
            if method not in ("$disconnect", "end") or not self.chain_runs(file, node, chain):
                continue
            value = self.client_value(file, callee.child_by_field_name("object"))
            if value is None or value.lifetime != "module":
                continue
            if (method == "$disconnect" and value.kind in ("prisma", None)) \
                    or (method == "end" and value.kind in ("pg", "mysql")):
                label = callee_name(node).replace("(...)", "()")
                yield Disconnect(file, node, chain, f"{label}()")

    # -- what an expression holds -------------------------------------------------------------
    def client_value(self, file: SourceFile, expr, depth: int = 0) -> ClientValue | None:
        """The client an expression holds and how long it lives, None when unknown."""
        expr = unwrap(expr)
        if expr is None or depth > MAX_DEPTH:
            return None
        kind = expr.type
        if kind in CALL_TYPES:
            built = self.construction(file, expr)
            if built is not None:
                kept = is_module_scope(expr, file) or self.is_cached(file, expr)
                return ClientValue("module" if kept else "invocation", built.kind)
            return self._returned_value(file, expr, depth) if kind == "call_expression" else None
        if kind in _NAME_TYPES:
            return self._variable_value(file, expr, depth)
        if kind in ("member_expression", "subscript_expression"):
            return self._slot_value(file, expr, depth)
        if kind == "binary_expression" and _operator(expr) in ("??", "||"):
            return (self.client_value(file, expr.child_by_field_name("right"), depth + 1)
                    or self.client_value(file, expr.child_by_field_name("left"), depth + 1))
        if kind in _ASSIGNMENTS:
            value = self.client_value(file, expr.child_by_field_name("right"), depth + 1)
            if self.outlives_invocation(file, expr.child_by_field_name("left"), this_unknown=False):
                return ClientValue("module", value.kind if value else None)
            return value
        return None

    def _variable_value(self, file: SourceFile, name, depth: int) -> ClientValue | None:
        local = self.local_definition(file, name, _text(name))
        if local is not None:
            if not isinstance(local, TreeNode) or local.type == "variable_declarator":
                return None  # a parameter, or `let x` assigned later
            return self.client_value(file, local, depth + 1)
        return self._module_value(file, name, depth)

    def _slot_value(self, file: SourceFile, expr, depth: int) -> ClientValue | None:
        if self.outlives_invocation(file, expr, this_unknown=False):
            found = self._module_value(file, expr, depth)
            return found or ClientValue("module", self._assigned_kind(file, _slot_text(expr)))
        return self._module_value(file, expr, depth)

    def _module_value(self, file: SourceFile, expr, depth: int) -> ClientValue | None:
        """A module-level definition (here or imported) is built once, when its module loads."""
        target = self.graph.resolve_value(file, expr)
        if target is None:
            return None
        target_file, node = target
        if node.type == "variable_declarator":  # `let client` assigned lazily
            name = node_name(node) or ""
            return ClientValue("module", self._assigned_kind(target_file, name))
        if node.type in FUNCTION_TYPES or node.type in CLASS_TYPES \
                or not is_module_scope(node, target_file):
            return None
        value = self.client_value(target_file, node, depth + 1)
        return ClientValue("module", value.kind) if value is not None else None

    def _returned_value(self, file: SourceFile, call, depth: int) -> ClientValue | None:
        """What a call returns: per invocation if any `return` builds a fresh client."""
        target = self.graph.resolve_callee(file, call)
        if target is None or target[1].type not in FUNCTION_TYPES:
            return None
        # pending None: a recursive call returns nothing known
        return self._fact("returns", self._returns, (id(target[0]), target[1].id),
                          lambda: self._returned(target, depth))

    def _returned(self, target, depth: int) -> ClientValue | None:
        values = [self.client_value(target[0], expr, depth + 1) for expr in returned_expressions(target[1])]
        values = [v for v in values if v is not None]
        fresh = [v for v in values if v.lifetime == "invocation"]
        return (fresh or values or [None])[0]

    def _assigned_kind(self, file: SourceFile, slot: str) -> str | None:
        """The kind of client code in the file assigns to `slot`, if one does."""
        for node in file.nodes_of(_ASSIGNMENTS):
            left = node.child_by_field_name("left")
            if left is None or _slot_text(left) != slot:
                continue
            value = unwrap(node.child_by_field_name("right"))
            if value is not None and value.type == "binary_expression":
                value = unwrap(value.child_by_field_name("right"))
            built = self.construction(file, value) if value is not None and \
                value.type in CALL_TYPES else None
            if built is not None:
                return built.kind
        return None

    # -- clients built when modules load --------------------------------------------------------
    def module_scope_clients(self) -> list[Construction]:
        """The separate clients the graph's modules build when they load: a pool or adapter
        handed to another construction is part of it, constructions cached in the same global
        slot (`globalThis.prisma ??= ...`) are one client, and so are constructions in the
        branches of one `if`/`else`, `?:` or `switch` (only one of them runs)."""
        return self._once("module clients", self._module_scope_clients)

    def _module_scope_constructions(self, file: SourceFile) -> list[Construction]:
        return self._fact("module scope", self._module_scope, id(file),
                          lambda: list(self.constructions(file, True)))

    def _module_scope_clients(self) -> list[Construction]:
        built = [c for file in self.graph.files for c in self._module_scope_constructions(file)]
        consumed = self._consumed(built)
        clients, slots = [], set()
        for construction in built:
            if construction.key in consumed:
                continue
            slot = self._global_slot(construction)
            if slot is not None and slot in slots:
                continue
            if any(_exclusive(construction, other) for other in clients):
                continue
            slots.add(slot)
            clients.append(construction)
        return clients

    def _consumed(self, built: list[Construction]) -> set[tuple]:
        keys = {c.key for c in built}
        consumed = set()
        for construction in built:
            arguments = construction.node.child_by_field_name("arguments")
            for node in walk(arguments) if arguments is not None else ():
                if node.type in CALL_TYPES:
                    consumed.add((id(construction.file), node.id))
                elif node.type in _NAME_TYPES:
                    target = self.graph.resolve_value(construction.file, node)
                    if target is not None:
                        consumed.add((id(target[0]), target[1].id))
        return consumed & keys

    def _global_slot(self, construction: Construction) -> str | None:
        """`.prisma` for a client cached on `globalThis.prisma` (or an alias of globalThis)."""
        file, node = construction.file, construction.node
        _, lineage = _outermost(node, _lineage(file, node))
        parent = lineage[0] if lineage else None
        if parent is None or parent.type not in _ASSIGNMENTS or not self.is_cached(file, node):
            return None
        left = unwrap(parent.child_by_field_name("left"))
        root = _root_object(left)
        if root is None or root == left or not _is_global_object(file, root):
            return None
        return _slot_text(left)[len(_slot_text(root)):]


# -- helpers on tree-sitter nodes ------------------------------------------------------------------
def _text(node) -> str:
    return node.text.decode("utf-8", "replace") if node is not None and node.text else ""


def _slot_text(node) -> str:
    return re.sub(r"\s+", "", _text(unwrap(node)))


def _operator(node) -> str | None:
    operator = node.child_by_field_name("operator")
    return operator.type if operator is not None else None


def _lineage(file: SourceFile, node) -> list:
    """The ancestors of `node`, innermost first."""
    return file.ancestors(node)[::-1]


def _outermost(node, lineage: list) -> tuple:
    """(the node or the wrappers around it — `(await x) as T` for `x` —, its lineage)."""
    skipped = 0
    while skipped < len(lineage) and lineage[skipped].type in WRAPPER_TYPES:
        node = lineage[skipped]
        skipped += 1
    return node, lineage[skipped:]


def _root_object(expr):
    while expr is not None and expr.type in ("member_expression", "subscript_expression"):
        expr = unwrap(expr.child_by_field_name("object"))
    return expr


def _is_global_object(file: SourceFile, root) -> bool:
    """`globalThis`, or a module-level alias such as `const g = globalThis as unknown as {...}`."""
    name = _text(root)
    if name in GLOBAL_OBJECTS:
        return True
    alias = unwrap(file.top_level_definitions.get(name))
    return alias is not None and alias.type == "identifier" and _text(alias) in GLOBAL_OBJECTS


def _this_outlives(file: SourceFile, this, unknown: bool) -> bool:
    method = enclosing_function(this, file)
    while method is not None and method.type == "arrow_function":
        method = enclosing_function(method, file)
    if method is None or method.type != "method_definition":
        return False
    if is_static(method):
        return True
    return unknown and node_name(method) != "constructor"


def _written_target(node):
    """What an assignment writes, or the map of a `map.set(k, v)` call."""
    if node.type in _ASSIGNMENTS:
        return node.child_by_field_name("left")
    callee = unwrap(node.child_by_field_name("function"))
    if callee is not None and callee.type == "member_expression" \
            and _text(callee.child_by_field_name("property")) == "set":
        return callee.child_by_field_name("object")
    return None


def _mentions(expr, slots: frozenset[str]) -> bool:
    return any(n.type in _SLOT_TYPES and _slot_text(n) in slots for n in walk(expr))


def _tests_slot(parent, child, slots: frozenset[str]) -> bool:
    """Is `child` a branch of an `if`, `?:`, `||`, `??` or `&&` that tests one of the slots?"""
    if parent.type in ("if_statement", "ternary_expression"):
        condition = parent.child_by_field_name("condition")
        return condition is not None and condition != child and _mentions(condition, slots)
    if parent.type == "binary_expression" and _operator(parent) in ("||", "??", "&&"):
        left = parent.child_by_field_name("left")
        return left is not None and left != child and _mentions(left, slots)
    return False


def _returns_early(block, child, slots: frozenset[str]) -> bool:
    """`if (cached) return cached` before `child` in the same block."""
    for statement in named_children(block):
        if statement == child:
            return False
        if statement.type != "if_statement":
            continue
        consequence = statement.child_by_field_name("consequence")
        if _exits(consequence) and _mentions(statement.child_by_field_name("condition"), slots):
            return True
    return False


def _exits(node) -> bool:
    if node is not None and node.type == "statement_block":
        node = (named_children(node) or [None])[-1]
    return node is not None and node.type in ("return_statement", "throw_statement")


def _in_catch(lineage: list) -> bool:
    """Is the node in a `catch` block of its own function?"""
    for parent in lineage:
        if parent.type in FUNCTION_TYPES:
            return False
        if parent.type == "catch_clause":
            return True
    return False


def runs_when_called(file: SourceFile, node, function) -> bool:
    """Does `node` run when `function` is called: it is in its body (or, for a constructor or a
    class, in an instance field), not in a nested function unless that is a callback invoked on
    the spot (`items.map(x => ...)`, `new Promise(resolve => ...)`)."""
    stops = {function.id}
    cls = function if function.type in CLASS_TYPES else None
    if function.type == "method_definition" and node_name(function) == "constructor":
        cls = enclosing_class(function, file)
    if cls is not None:
        stops.add(cls.id)
    lineage = _lineage(file, node)
    for index, parent in enumerate(lineage):
        if parent.id in stops:
            return True
        if parent.type in FUNCTION_TYPES and not _is_invoked_callback(lineage[index + 1:]):
            return False
    return False


def _is_invoked_callback(outer: list) -> bool:
    """Is the function whose ancestors (innermost first) are `outer` an argument of a call that
    runs it now (not a listener registration or a memoiser)?"""
    index = 0
    while index < len(outer) and outer[index].type == "parenthesized_expression":
        index += 1
    if index + 1 >= len(outer) or outer[index].type != "arguments":
        return False
    name = callee_name(outer[index + 1]).rsplit(".", 1)[-1]
    return name not in _DEFERRED_CALLBACKS and not _MEMOISER.search(name)


def _exclusive(one: Construction, other: Construction) -> bool:
    """Are two constructions in different branches of one `if`, `?:` or `switch`?"""
    if one.file is not other.file:
        return False
    first = one.file.ancestors(one.node) + [one.node]
    second = other.file.ancestors(other.node) + [other.node]
    common = 0
    while common < min(len(first), len(second)) and first[common] == second[common]:
        common += 1
    if common == 0 or common >= min(len(first), len(second)):
        return False
    branching = first[common - 1]
    if branching.type not in ("if_statement", "ternary_expression", "switch_body"):
        return False
    condition = branching.child_by_field_name("condition")
    return condition is None or condition not in (first[common], second[common])


def superclass(cls):
    """The expression after `extends` (TypeScript wraps it in an `extends_clause`)."""
    heritage = next((c for c in cls.named_children if c.type == "class_heritage"), None)
    if heritage is None:
        return None
    clause = next((c for c in heritage.named_children if c.type == "extends_clause"), heritage)
    return clause.child_by_field_name("value") or next(iter(named_children(clause)), None)


def _destructurings(file: SourceFile, name: str):
    """(source expression, key) for module-level `const { key: name } = source`."""
    for statement in named_children(file.root):
        if statement.type == "export_statement":
            statement = statement.child_by_field_name("declaration") or statement
        if statement.type not in ("lexical_declaration", "variable_declaration"):
            continue
        for declarator in statement.named_children:
            pattern = declarator.child_by_field_name("name")
            source = declarator.child_by_field_name("value")
            if pattern is not None and pattern.type == "object_pattern" and source is not None:
                key = _pattern_key(pattern, name)
                if key is not None:
                    yield source, key


def _pattern_key(pattern, name: str) -> str | None:
    for part in pattern.named_children:
        if part.type == "shorthand_property_identifier_pattern" and _text(part) == name:
            return name
        left = part.child_by_field_name("left")
        if part.type == "object_assignment_pattern" and _text(left) == name:
            return name
        if part.type == "pair_pattern":
            value = part.child_by_field_name("value")
            if value is not None and value.type == "assignment_pattern":
                value = value.child_by_field_name("left")
            if value is not None and _text(value) == name:
                return _text(part.child_by_field_name("key")).strip("'\"")
    return None


def _client_kind(origin: tuple[str, str], is_new: bool) -> str | None:
    module, export = origin
    if is_new and module == PRISMA_CLIENT and export == "PrismaClient":
        return "prisma"
    if is_new and module_matches(module, "pg") and export in PG_CLASSES:
        return "pg"
    if is_new and module_matches(module, ADAPTER_PREFIX):
        return "adapter"
    if not is_new and module_matches(module, "mysql2") and export == "createPool":
        return "mysql"
    return None

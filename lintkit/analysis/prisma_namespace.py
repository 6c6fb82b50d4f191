"""Reads of the `Prisma` namespace in handler code (`Prisma.X` as a value), and whether X exists at
run time in the installed Prisma major (the table is `lintkit/data/prisma_namespace.json`).

The namespace is `Prisma` as `@prisma/client` or a generated client exports it, however it reaches
the file: `import { Prisma }`, `const { Prisma } = require(...)`, `pc.Prisma` of `import * as pc`,
an alias or a re-export through a local module (`clients.ClientAnalysis` follows the imports).
A read is a member expression in a value position: `instanceof Prisma.X`, `Prisma.X(...)`,
`new Prisma.X()`, `Prisma.X.y` and any other value use, and `const { X } = Prisma`. Type positions
(`Prisma.UserCreateInput` in an annotation, `satisfies`, type arguments, `typeof` in a type) are
not reads, nor are the defensive ones: `typeof Prisma.X`, `Prisma?.X`, `Prisma.X?.y`,
`Prisma.X?.()`, a test for presence (`if (Prisma.X)`, `Prisma.X && ...`, `Prisma.X ?? y`), a read
under a condition that tests the same expression, a destructured name with a default, and
assignments to `Prisma.X`.
"""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from ..model.fieldclasses import fieldclass
from ..model.lazyre import lazy_compile
from ..read.handlers import module_matches
from ..read.sources import SourceFile, unwrap
from .clients import PRISMA_CLIENT, client_analysis, generated_client_dirs

NAMESPACE = "Prisma"
RUNTIME_MODULE = "@prisma/client/runtime"  # the engine runtime: its exports are not the namespace's
_NAMED = lazy_compile(rb"\bPrisma\b")
_MEMBER = lazy_compile(rb"\.\s*Prisma\b")  # `client.Prisma` of a namespace import
_DEFENSIVE_PARENTS = frozenset({"type_query", "unary_expression", "update_expression"})
_ASSIGNMENTS = frozenset({"assignment_expression", "augmented_assignment_expression"})
_PRESENCE_TESTS = frozenset({"&&", "||", "??"})


@lru_cache(maxsize=1)
def namespace_table() -> dict:
    return json.loads(resources.files("lintkit.data").joinpath("prisma_namespace.json").read_text())


@fieldclass(frozen=True, eq=False)
class NamespaceRead:
    """One value read of `Prisma.<name>`: `node` is where the name is written."""

    file: SourceFile
    node: object
    name: str
    use: str  # "instanceof" | "call" | "new" | "read" | "destructure"
    expression: object  # the member expression (the declarator for a destructuring)

    @property
    def span(self):
        return self.file.span(self.node)


@fieldclass(frozen=True)
class Absence:
    """Why `Prisma.<name>` is undefined: the majors that have it (empty: none), and the name that
    was probably meant."""

    name: str
    major: int | None
    majors_with_it: tuple[int, ...]
    suggestion: str | None
    note: str | None  # what replaced a removed name


def namespace_reads(service) -> list[NamespaceRead]:
    """Every value read of the Prisma namespace in the service's handler graphs, each place once."""
    found, seen_files = [], set()
    dirs = generated_client_dirs(service)
    for function in service.functions:
        graph = service.graph(function)
        if graph is None or not graph.imports_prisma_client(dirs):
            continue
        analysis = client_analysis(service, function)
        for file in graph.files:
            if id(file) in seen_files or str(file.path).endswith(".d.ts"):
                continue
            seen_files.add(id(file))
            if _NAMED.search(file.text):  # no file reaches the namespace without naming it
                found += _file_reads(analysis, file)
    return found


def _file_reads(analysis, file: SourceFile) -> list[NamespaceRead]:
    reads = []
    candidates = _candidate_names(file)
    if not candidates and not _MEMBER.search(file.text):
        return reads
    known: dict[str, bool] = {}  # module-level name → is it the namespace
    for node in file.nodes_of(("member_expression", "variable_declarator")):
        if node.type == "variable_declarator":
            value = unwrap(node.child_by_field_name("value"))
            if value is not None and _is_namespace(analysis, file, value, node, candidates, known):
                reads += _destructured(file, node)
            continue
        obj = unwrap(node.child_by_field_name("object"))
        prop = node.child_by_field_name("property")
        if obj is None or prop is None or prop.type != "property_identifier" or _optional(node):
            continue
        if not _is_namespace(analysis, file, obj, node, candidates, known):
            continue
        use = _use(node)
        if use is not None and not _tested_first(file, node):
            reads.append(NamespaceRead(file, prop, file.node_text(prop), use, node))
    return reads


def _candidate_names(file: SourceFile) -> set[str]:
    """Module-level names that may hold the namespace: imported as `Prisma` (under any local
    name), or aliases (`const Db = Prisma`). Following every other name through the imports
    would cost more than the whole rule."""
    names = {name for name, imp in file.bindings.items()
             if imp.bindings.get(name) == NAMESPACE and name not in imp.type_names and not imp.type_only
             and not module_matches(imp.module, RUNTIME_MODULE)}
    names.update(name for name, node in file.top_level_definitions.items()
                 if node.type in ("identifier", "member_expression"))
    return names


def _is_namespace(analysis, file: SourceFile, expr, at, candidates: set[str], known: dict) -> bool:
    """Is `expr` (a name or `x.Prisma`) the Prisma namespace? ClientAnalysis is the one place that
    follows an expression to the module export it names."""
    if expr.type == "identifier":
        name = file.node_text(expr)
        if name not in candidates:
            return False
        if analysis.local_definition(file, at, name) is None:  # the module-level name
            if name not in known:
                known[name] = analysis.origin(file, expr, at) == (PRISMA_CLIENT, NAMESPACE)
            return known[name]
    elif expr.type == "member_expression":
        prop = expr.child_by_field_name("property")
        if prop is None or file.node_text(prop) != NAMESPACE:
            return False
    else:
        return False
    return analysis.origin(file, expr, at) == (PRISMA_CLIENT, NAMESPACE)


def _optional(member) -> bool:
    """`Prisma?.X`, `Prisma.X?.y` or `Prisma.X?.()`: written for a value that may be absent."""
    if any(child.type == "optional_chain" for child in member.children):
        return True
    parent = member.parent
    if parent is None:
        return False
    field = {"member_expression": "object", "call_expression": "function"}.get(parent.type)
    return (field is not None and parent.child_by_field_name(field) == member
            and any(child.type == "optional_chain" for child in parent.children))


def _tested_first(file: SourceFile, member) -> bool:
    """`typeof Prisma.X === 'function' ? Prisma.X : null`, `if (Prisma.X) ...`, `Prisma.X && ...`:
    the read only runs where a condition around it tested the same expression."""
    written = file.node_text(member)
    ancestors = [*file.ancestors(member), member]
    for ancestor, child in zip(ancestors, ancestors[1:]):
        if ancestor.type in ("if_statement", "ternary_expression"):
            condition = ancestor.child_by_field_name("condition")
            tested = (condition is not None and child != condition
                      and written in file.node_text(condition))
        elif ancestor.type == "binary_expression" and child == ancestor.child_by_field_name("right"):
            left = ancestor.child_by_field_name("left")
            tested = left is not None and written in file.node_text(left)
        else:
            tested = False
        if tested:
            return True
    return False


def _use(member) -> str | None:
    """How a member expression's value is used; None for the positions that are not reads."""
    node, parent = member, member.parent
    while parent is not None and parent.type in ("parenthesized_expression", "non_null_expression"):
        node, parent = parent, parent.parent
    if parent is None:
        return "read"
    kind = parent.type
    if kind in _DEFENSIVE_PARENTS:
        return None  # `typeof Prisma.X` (a guard, or a type), `Prisma.X++`
    if kind in _ASSIGNMENTS and parent.child_by_field_name("left") == node:
        return None
    if kind in ("if_statement", "ternary_expression") \
            and parent.child_by_field_name("condition") == node:
        return None  # `if (Prisma.X)`: a test for presence
    if kind == "binary_expression":
        operator = parent.child_by_field_name("operator")
        operator = operator.type if operator is not None else None
        if operator == "instanceof" and parent.child_by_field_name("right") == node:
            return "instanceof"
        if operator in _PRESENCE_TESTS and parent.child_by_field_name("left") == node:
            return None  # `Prisma.X && ...`, `Prisma.X ?? fallback`
    if kind == "call_expression" and parent.child_by_field_name("function") == node:
        return "call"
    if kind == "new_expression" and parent.child_by_field_name("constructor") == node:
        return "new"
    return "read"


def _destructured(file: SourceFile, declarator) -> list[NamespaceRead]:
    """`const { X, Y: z } = Prisma`: the names read from the namespace (those with a default are
    written for an absent value and left out)."""
    pattern = declarator.child_by_field_name("name")
    if pattern is None or pattern.type != "object_pattern":
        return []
    reads = []
    for part in pattern.named_children:
        key = None
        if part.type == "shorthand_property_identifier_pattern":
            key = part
        elif part.type == "pair_pattern":
            inner = part.child_by_field_name("value")
            if inner is not None and inner.type != "assignment_pattern":
                key = part.child_by_field_name("key")
        if key is not None and key.type in ("shorthand_property_identifier_pattern",
                                            "property_identifier"):
            reads.append(NamespaceRead(file, key, file.node_text(key), "destructure", declarator))
    return reads


# -- the table ------------------------------------------------------------------------------------
def known_majors() -> tuple[int, ...]:
    return tuple(sorted(int(major) for major in namespace_table()["runtime_exports"]))


def runtime_names(major: int | None) -> frozenset[str]:
    """The namespace's runtime values in a major; for an unknown major (or one the table does not
    have), those of every major."""
    table = namespace_table()["runtime_exports"]
    if major is not None and str(major) in table:
        return frozenset(table[str(major)])
    return frozenset(name for names in table.values() for name in names)


def is_generated_name(name: str) -> bool:
    """A name the generator may write from the schema and the engine: `ModelName`, the engine's
    enums (`SortOrder`, `TransactionIsolationLevel`, ...), `UserScalarFieldEnum`."""
    table = namespace_table()
    return name in table["generated_enums"] or name.endswith(tuple(table["generated_suffixes"]))


def absence(name: str, major: int | None) -> Absence | None:
    """Why `Prisma.<name>` is undefined at run time in `major` (None: unknown, then only names no
    major has count), or None when it may well exist.

    PascalCase names that no major lists and that look like no listed name are left alone: the
    generator also writes enums the query engine adds over time, which no table can list. What is
    judged: names ending in `Error` (the error classes are a closed set), lowercase names (the
    runtime's functions; the generator writes no lowercase names), names one major has and the
    installed one lacks, and names close to a runtime value (`Prisma.JsonNul`). `Prisma.skip`
    is never judged: where it is missing it is `undefined`, which Prisma skips as well."""
    table = namespace_table()
    if major is not None and str(major) not in table["runtime_exports"]:
        major = None
    names = runtime_names(major)
    if name in names or name in table["undefined_is_the_same"] or is_generated_name(name):
        return None
    majors_with_it = tuple(m for m in known_majors() if name in runtime_names(m))
    if major is None and majors_with_it:
        return None
    suggestion = _closest(name, names)
    if not (majors_with_it or suggestion or name.endswith("Error") or name[:1].islower()):
        return None
    return Absence(name, major, majors_with_it, suggestion, table["removed"].get(name))


def _closest(name: str, names: frozenset[str]) -> str | None:
    for candidate in sorted(names):
        if candidate.lower() == name.lower():
            return candidate
    import difflib  # for the rare misspelling: not on every run

    close = difflib.get_close_matches(name, sorted(names), n=1, cutoff=0.75)
    return close[0] if close else None

"""Handler path resolution and the handler graph.

`resolve_handler_path` turns `functions.X.handler` (`src/handlers/users.handler`) into a file and an
export name. `HandlerGraph` is that file plus every local module it imports, transitively (relative
imports and tsconfig `paths`/`baseUrl` aliases; packages are recorded as imports but never read),
with the function implementing the export, call resolution across files, and `per_invocation()`:
every node that runs on each invocation, with the call chain that reaches it.

Generated Prisma clients (`generated/prisma`, `.prisma/client`) are recorded but not followed: they
are library code, not the service's.
"""
from __future__ import annotations

import errno
import os
import re
import stat
from collections import deque
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple

from ..model.fieldclasses import fieldclass
from ..model.lazyre import lazy_compile
from ..model.nodes import Scalar
from .buildout import BuildLayout
from .files import is_inside, note
from .lines import split_lines
from .sources import (  # noqa: F401  (re-exported helpers for rules)
    CALL_TYPES, CLASS_TYPES, FIELD_TYPES, FUNCTION_TYPES, SOURCE_EXTENSIONS, WRAPPER_TYPES, Import,
    SourceCache, SourceFile, callee_name, is_static, iter_nodes, named_children, node_name,
    object_member, parents, returned_expressions, string_value, unwrap, unwrap_function, walk,
)
from .tsconfig import TsConfig
from . import middy, nest, webapps

MAX_GRAPH_FILES = 2000
# Calls followed from an entry point. Following is a breadth-first walk that runs each function
# once per set of bindings, so the work grows with the code reached, not with this bound.
MAX_CALL_DEPTH = 200
MAX_RESOLVE_DEPTH = 32
MAX_BINDINGS = 8  # runs of one function with different functions bound to its parameters
# Methods that call the function handed to them before they return (arrays) or when the promise
# settles: within the invocation that awaits it.
INVOKING_METHODS = frozenset({
    "map", "flatMap", "forEach", "filter", "reduce", "reduceRight", "some", "every", "find",
    "findIndex", "findLast", "findLastIndex", "sort", "then", "catch", "finally",
})

# A `.js` specifier in TypeScript ESM names the `.ts` file it compiles from.
_TS_FOR_JS = {".js": (".ts", ".tsx"), ".mjs": (".mts",), ".cjs": (".cts",), ".jsx": (".tsx",)}
_GENERATED_CLIENT = lazy_compile(r"(?:^|/)(?:generated/prisma|\.prisma/client)(?:/|$|\.)")
_NAME_TYPES = frozenset({"identifier", "shorthand_property_identifier"})
# What a name may be bound to and still needs following: `const a = b`, `= ns.fn`, `= require(...)`.
_FOLLOWED_TYPES = _NAME_TYPES | {"member_expression", "call_expression"} | WRAPPER_TYPES
# Nodes that open a scope where names can be declared (classes: for `this`).
SCOPE_TYPES = FUNCTION_TYPES | CLASS_TYPES | frozenset({
    "statement_block", "class_static_block", "switch_body", "catch_clause", "for_in_statement",
    "for_statement",
})
_SHADOWED = object()  # a local name that hides a module-level one with something unknown
_UNSET = object()


def _unfollowed(node) -> bool:
    """A name or member that value resolution gave back because it could not follow it further."""
    node = unwrap(node)
    return node is not None and (node.type in _NAME_TYPES or node.type == "member_expression")


# -- handler paths --------------------------------------------------------------------------------
def split_handler(handler: str) -> tuple[str, str]:
    """(module, export path) as Lambda's Node.js runtime reads a handler: the module's file name
    ends at the first dot of the last path segment, and past further dots the export path names
    members (`handlers/countries.CountriesHandler.list` → ("handlers/countries",
    "CountriesHandler.list"): the static method `list` of the exported class)."""
    handler = handler.strip()
    folder, slash, name = handler.rpartition("/")
    stem, dot, export = name.partition(".")
    if not dot:
        return handler, ""
    return folder + slash + stem, export


def handler_readings(handler: str) -> list[tuple[str, str]]:
    """The (module, export path) readings of a handler to look for, in order: the runtime's, then,
    for a file name with dots (`src/api.v2.handler`), the module up to the last dot, the file
    lintkit has always taken it to name (a bundler may deploy it under that name)."""
    readings = [split_handler(handler)]
    module, dot, export = handler.strip().rpartition(".")
    if dot and "/" not in export and (module, export) != readings[0]:
        readings.append((module, export))
    return readings


def export_name(export_path: str) -> str:
    """The export an export path starts with (`CountriesHandler.list` → `CountriesHandler`)."""
    return export_path.split(".", 1)[0]


def handler_candidates(service_root: Path, handler: str) -> list[Path]:
    """The files a handler string may name, in the order they are tried."""
    return [Path(candidate) for candidate in _handler_candidates(service_root, handler)]


def _handler_candidates(service_root: Path, handler: str) -> list[str]:
    candidates = []
    for module, _ in handler_readings(handler):
        module = module[2:] if module.startswith("./") else module
        if module:
            candidates += _probe_texts(_normalize(Path(service_root) / module))
    return candidates


class HandlerFile(NamedTuple):
    """Where a handler string leads: `path` (None when no candidate exists inside the project), the
    export name, and `outside`: when the first candidate in the service folder that exists lies
    outside the project (`../../x.handler`, a symlink out), that candidate as probed, else None."""

    path: Path | None
    export: str | None
    outside: str | None = None


def resolve_handler_path(service_root: Path, handler: str, project_root: Path | None = None,
                         layout: BuildLayout | None = None, real_path=os.path.realpath
                         ) -> tuple[Path | None, str]:
    """(file, export name) for `functions.X.handler`; file is None when no candidate exists inside
    `project_root` (default: the service root). With a build `layout`, a handler in build output
    is its source, and a service deployed from an output folder it is copied into names files
    relative to that folder. `real_path`: `os.path.realpath`, or a memo of it
    (`SourceCache.real_path`)."""
    return locate_handler(service_root, handler, project_root, layout, real_path)[:2]


def locate_handler(service_root: Path, handler: str, project_root: Path | None = None,
                   layout: BuildLayout | None = None, real_path=os.path.realpath) -> HandlerFile:
    """`resolve_handler_path`'s answer, and the file outside the project it stopped at, if any."""
    first = None
    for module, export in handler_readings(handler):
        if not export or not module:
            return HandlerFile(None, export)
        path, outside = locate_module(service_root, module, project_root, layout, real_path)
        if path is not None:
            return HandlerFile(path, export)
        if first is None or (first.outside is None and outside is not None):
            first = HandlerFile(None, export, outside)
    return first


def locate_module(service_root: Path, module: str, project_root: Path | None = None,
                  layout: BuildLayout | None = None, real_path=os.path.realpath
                  ) -> tuple[Path | None, str | None]:
    """(file, file outside the project) for a handler's module part (`src/handlers/users` of
    `src/handlers/users.handler`), as `locate_handler` gives them: handlers that export different
    functions of one file probe it once."""
    boundary = project_root if project_root is not None else service_root
    module = module[2:] if module.startswith("./") else module
    folders = [Path(service_root), *(layout.deploy_dirs if layout is not None else ())]
    for index, folder in enumerate(folders):
        base = _normalize(folder / module)
        for candidate_base in layout.bases(base) if layout is not None else (base,):
            for candidate in _probe_texts(candidate_base):
                if not _is_file(candidate):
                    continue
                if _inside(candidate, boundary, real_path):
                    return Path(candidate), None
                if index > 0:
                    return None, None
                if candidate_base == base:
                    return None, candidate
                # a source of build output, outside: what the service folder's own candidates say
                return None, _first_outside(base, boundary, real_path)
    return None, None


def _member_definition(file: SourceFile, node, name: str):
    """(file, value) of a static member of a class, or a property of an object literal."""
    node = unwrap(node)
    if node is None:
        return None
    if node.type in CLASS_TYPES:
        body = node.child_by_field_name("body")
        for member in named_children(body) if body is not None else []:
            static = any(child.type == "static" for child in member.children)
            key = member.child_by_field_name("name") or member.child_by_field_name("property")
            if static and key is not None and file.node_text(key) == name:
                value = member.child_by_field_name("value")
                return file, (member if member.type == "method_definition" else value)
        return None
    if node.type == "object":
        for member in named_children(node):
            if member.type == "pair" and file.node_text(member.child_by_field_name("key")).strip("'\"") == name:
                return file, member.child_by_field_name("value")
            if member.type == "method_definition" and file.node_text(member.child_by_field_name("name")) == name:
                return file, member
    return None


def _first_outside(base: Path, boundary: Path | None, real_path) -> str | None:
    """The first existing candidate for `base` when it lies outside `boundary`, else None."""
    for candidate in _probe_texts(base):
        if _is_file(candidate):
            return None if _inside(candidate, boundary, real_path) else candidate
    return None


_MISSING = object()


def _existing_module(base: Path, boundary: Path | None, layout: BuildLayout | None,
                     real_path=os.path.realpath):
    """The first file a module path names (through `layout` for build output): the file, None when
    it lies outside `boundary`, or `_MISSING`."""
    for candidate_base in layout.bases(base) if layout is not None else (base,):
        for candidate in _probe_texts(candidate_base):
            if _is_file(candidate):
                return Path(candidate) if _inside(candidate, boundary, real_path) else None
    return _MISSING


def _normalize(path: Path) -> Path:
    return Path(os.path.normpath(path))


def _probe_texts(base: Path) -> list[str]:
    """The candidate files for a module path, as strings (probing makes many: no Path for each)."""
    text = str(base)
    candidates = []
    suffix = base.suffix
    if suffix in _TS_FOR_JS:
        stem = text[: -len(suffix)]
        candidates += [stem + alternative for alternative in _TS_FOR_JS[suffix]]
    if suffix in SOURCE_EXTENSIONS:
        candidates.append(text)
    candidates += [text + ext for ext in SOURCE_EXTENSIONS]
    candidates += [os.path.join(text, f"index{ext}") for ext in SOURCE_EXTENSIONS]
    return candidates


# What pathlib treats as "no such file" rather than an error (its _ignore_error, Python 3.10-3.12).
_MISSING_ERRNOS = frozenset({errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP})
_MISSING_WINERRORS = frozenset({21, 123, 1921})


def _is_file(path: str) -> bool:
    """`Path(path).is_file()` on a string, without building a Path: a missing file is False, other
    errors (permission denied) propagate, as from pathlib."""
    mode = _mode(path)
    return mode is not None and stat.S_ISREG(mode)


def path_exists(path: str) -> bool:
    """`Path(path).exists()` on a string, without building a Path (errors as `_is_file`)."""
    return _mode(path) is not None


def _mode(path: str) -> int | None:
    note(path)  # a file that is missing now may be created: the result cache checks it again
    try:
        return os.stat(path).st_mode
    except OSError as error:
        missing = error.errno in _MISSING_ERRNOS or getattr(error, "winerror", None) in _MISSING_WINERRORS
        if not missing:
            raise
        return None
    except ValueError:
        return None


def _inside(path: Path | str, root: Path | None, real_path=os.path.realpath) -> bool:
    if root is None:
        return True
    return is_inside(real_path(path), real_path(root))


def is_generated_client(path: Path | str) -> bool:
    text = str(path).replace(os.sep, "/")
    return bool(_GENERATED_CLIENT.search(text)) or "/node_modules/" in text


def resolve_module(from_path: Path, specifier: str, tsconfig: TsConfig | None = None,
                   project_root: Path | None = None, layout: BuildLayout | None = None,
                   real_path=os.path.realpath) -> Path | None:
    """The local source file an import specifier names, or None (packages, missing files, files
    outside `project_root`). With a build `layout`, build output stands for its source."""
    for base in module_bases(from_path, specifier, tsconfig):
        found = _existing_module(base, project_root, layout, real_path)
        if found is not _MISSING and found is not None:
            return found
    return None


def module_bases(from_path: Path, specifier: str, tsconfig: TsConfig | None = None) -> list[Path]:
    """The module paths (before extension probing) an import specifier may name."""
    if specifier.startswith(("./", "../")) or specifier in (".", ".."):
        return [_normalize(Path(from_path).parent / specifier)]
    if specifier.startswith("/"):
        return [_normalize(Path(specifier))]
    if tsconfig is not None and not specifier.startswith("node:"):
        return tsconfig.resolve_alias(specifier)
    return []


def module_matches(module: str, pattern: str) -> bool:
    """`pattern` ending in `-` or `/` is a prefix; otherwise the module itself or a subpath of it.
    A `node:` prefix is ignored on both sides."""
    module = module[5:] if module.startswith("node:") else module
    pattern = pattern[5:] if pattern.startswith("node:") else pattern
    if pattern.endswith(("-", "/")):
        return module.startswith(pattern)
    return module == pattern or module.startswith(pattern + "/")


def _imports_matching(file: SourceFile, patterns: tuple[str, ...], include_type_only: bool
                      ) -> list[Import]:
    """The imports of one file matching the patterns, kept on the file: every graph holding a
    module that many handlers share asks the same question of it."""
    memo = file.__dict__.setdefault("_lintkit_imports_matching", {})
    key = (patterns, include_type_only)
    found = memo.get(key)
    if found is None:
        found = memo[key] = [
            imp for imp in file.imports if (include_type_only or not imp.type_only)
            and any(module_matches(imp.module, pattern) for pattern in patterns)]
    return found


# -- scope helpers --------------------------------------------------------------------------------
def _ancestors(node, file: SourceFile | None) -> list:
    return file.ancestors(node) if file is not None else parents(node)


def enclosing_function(node, file: SourceFile | None = None):
    """The nearest function, arrow, method or constructor around `node` (not `node` itself).
    Pass `file` for deeply nested code (see SourceFile.ancestors)."""
    for ancestor in reversed(_ancestors(node, file)):
        if ancestor.type in FUNCTION_TYPES:
            return ancestor
    return None


def enclosing_class(node, file: SourceFile | None = None):
    for ancestor in reversed(_ancestors(node, file)):
        if ancestor.type in CLASS_TYPES:
            return ancestor
    return None


def is_module_scope(node, file: SourceFile | None = None) -> bool:
    """True when `node` runs once, when its module loads: not inside a function, arrow, method or
    an instance field initialiser (static fields and static blocks run once)."""
    for ancestor in _ancestors(node, file):
        if ancestor.type in FUNCTION_TYPES:
            return False
        if ancestor.type in FIELD_TYPES and not is_static(ancestor):
            return False
    return True


def _module_scope_descend(node) -> bool:
    if node.type in FUNCTION_TYPES:
        return False
    return not (node.type in FIELD_TYPES and not is_static(node))


def iter_module_scope(file: SourceFile, types: Iterable[str] | None = None) -> Iterator:
    """Every node that runs when the module loads (function bodies and instance fields skipped)."""
    wanted = frozenset(types) if types is not None else None
    for node in walk(file.root, _module_scope_descend):
        if wanted is None or node.type in wanted:
            yield node


def class_members(cls) -> list:
    body = cls.child_by_field_name("body")
    return named_children(body) if body is not None else []


def constructor_of(cls):
    for member in class_members(cls):
        if member.type == "method_definition" and node_name(member) == "constructor":
            return member
    return None


def class_member(cls, name: str, static: bool | None = None):
    """A method (or a field holding a function) of a class, by name."""
    for member in class_members(cls):
        if member.type != "method_definition" and member.type not in FIELD_TYPES:
            continue
        if node_name(member) != name or (static is not None and is_static(member) != static):
            continue
        if member.type == "method_definition":
            return member
        value = member.child_by_field_name("value")
        return value if value is not None else member
    return None


def instance_fields(cls) -> list:
    return [m for m in class_members(cls) if m.type in FIELD_TYPES and not is_static(m)]


def _text(node) -> str:
    raw = node.text
    return raw.decode("utf-8", "replace") if raw is not None else ""


def _pattern_names(pattern) -> set[str]:
    """Names bound by a parameter or destructuring pattern (types and default values skipped)."""
    names, stack = set(), [pattern]
    while stack:
        node = stack.pop()
        kind = node.type
        if kind in ("identifier", "shorthand_property_identifier_pattern"):
            names.add(_text(node))
        elif kind in ("type_annotation", "type_identifier", "predefined_type"):
            continue
        elif kind in ("assignment_pattern", "object_assignment_pattern"):
            left = node.child_by_field_name("left")
            if left is not None:
                stack.append(left)
        elif kind in ("required_parameter", "optional_parameter"):
            inner = node.child_by_field_name("pattern")
            if inner is not None:
                stack.append(inner)
        elif kind == "pair_pattern":
            value = node.child_by_field_name("value")
            if value is not None:
                stack.append(value)
        else:
            stack.extend(node.named_children)
    return names


def _statement_declarations(stmt, names: dict) -> None:
    """Record what one statement of a block declares: function and class declarations by node,
    variables by their value (the declarator when uninitialised), patterns as shadowed."""
    kind = stmt.type
    if kind in ("function_declaration", "generator_function_declaration", "class_declaration",
                "abstract_class_declaration"):
        name = node_name(stmt)
        if name:
            names[name] = stmt
    elif kind in ("lexical_declaration", "variable_declaration"):
        for declarator in stmt.named_children:
            target = declarator.child_by_field_name("name") if declarator.type == \
                "variable_declarator" else None
            if target is None:
                continue
            if target.type == "identifier":
                value = declarator.child_by_field_name("value")
                names[_text(target)] = value if value is not None else declarator
            else:
                names.update(dict.fromkeys(_pattern_names(target), _SHADOWED))


def scope_names(scope) -> dict[str, object]:
    """Names a scope node declares itself: name → definition node, or `_SHADOWED` for parameters,
    catch and loop variables and destructured names (their values are unknown)."""
    kind = scope.type
    names: dict[str, object] = {}
    if kind in FUNCTION_TYPES:
        params = scope.child_by_field_name("parameters") or scope.child_by_field_name("parameter")
        if params is not None:
            names.update(dict.fromkeys(_pattern_names(params), _SHADOWED))
    elif kind == "catch_clause":
        parameter = scope.child_by_field_name("parameter")
        if parameter is not None:
            names.update(dict.fromkeys(_pattern_names(parameter), _SHADOWED))
    elif kind == "for_in_statement":
        left = scope.child_by_field_name("left")
        if left is not None:
            names.update(dict.fromkeys(_pattern_names(left), _SHADOWED))
    elif kind == "for_statement":
        initializer = scope.child_by_field_name("initializer")
        if initializer is not None:
            declared: dict[str, object] = {}
            _statement_declarations(initializer, declared)
            names.update(dict.fromkeys(declared, _SHADOWED))
    elif kind == "switch_body":
        for case in scope.named_children:
            for stmt in named_children(case):
                _statement_declarations(stmt, names)
    elif kind in ("statement_block", "class_static_block"):
        for stmt in named_children(scope):
            _statement_declarations(stmt, names)
    return names


class Scope(NamedTuple):
    """One link of a chain of enclosing scopes, innermost first; `cls` is the nearest class."""

    node: object
    parent: "Scope | None"
    cls: object


def push_scope(chain: Scope | None, node) -> Scope:
    cls = node if node.type in CLASS_TYPES else (chain.cls if chain is not None else None)
    return Scope(node, chain, cls)


def scope_chain(file: SourceFile, node) -> Scope | None:
    """The scopes around `node` (not `node` itself), innermost first."""
    chain = None
    for ancestor in file.ancestors(node):
        if ancestor.type in SCOPE_TYPES:
            chain = push_scope(chain, ancestor)
    return chain


def walk_scoped(root, chain: Scope | None) -> Iterator[tuple[object, Scope | None]]:
    """Like `walk`, with the chain of scopes around each node; `chain` is the scopes around
    `root`. Linear in the size of the tree, whatever its depth."""
    cursor = root.walk()
    depth = 0
    chains = [chain]
    while True:
        node = cursor.node
        here = chains[depth]
        if node.is_named:
            yield node, here
        if cursor.goto_first_child():
            inner = push_scope(here, node) if node.type in SCOPE_TYPES else here
            depth += 1
            if depth < len(chains):
                chains[depth] = inner
            else:
                chains.append(inner)
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return
            depth -= 1


# -- parameters bound by a call --------------------------------------------------------------------
class Binding(NamedTuple):
    """A parameter of a function being run (`fn` of `scope`, in `file`) and what the call that
    runs it passes: `value` is (file, node, chain) of the function passed, `text` how the call
    writes it (`AuthController.login`)."""

    file: SourceFile
    scope: object
    name: str
    value: tuple
    text: str


def _bound(env: tuple, file: SourceFile, scope, name: str) -> Binding | None:
    for binding in env:
        if binding.name == name and binding.file is file and binding.scope.id == scope.id:
            return binding
    return None


def _bound_argument(graph, file: SourceFile, argument, chain, env: tuple) -> Binding | None:
    """The binding an argument passes on, when it is a bound parameter itself."""
    argument = unwrap(argument)
    if not env or argument is None or argument.type != "identifier":
        return None
    local, cell = graph.lookup(chain, _text(argument))
    return _bound(env, file, cell.node, _text(argument)) if local is _SHADOWED else None


def _env_key(env: tuple) -> frozenset:
    return frozenset((id(b.file), b.scope.id, b.name, id(b.value[0]), b.value[1].id) for b in env)


def parameter_names(function) -> list[str | None]:
    """The name of each positional parameter of a function (None for a destructuring pattern or a
    rest parameter), in order."""
    parameters = function.child_by_field_name("parameters")
    if parameters is None:
        single = function.child_by_field_name("parameter")  # `x => ...`
        return [_text(single)] if single is not None and single.type == "identifier" else []
    names = []
    for parameter in named_children(parameters):
        if parameter.type in ("required_parameter", "optional_parameter"):
            parameter = parameter.child_by_field_name("pattern")
        elif parameter.type == "assignment_pattern":
            parameter = parameter.child_by_field_name("left")
        names.append(_text(parameter) if parameter is not None and parameter.type == "identifier"
                     and _text(parameter) != "this" else None)
    return names


# -- call chains ----------------------------------------------------------------------------------
@fieldclass(frozen=True, eq=False)
class CallStep:
    """One call on the way from the handler to a node: `call` in `file` invokes `name`, defined
    at `target` in `target_file`."""

    file: SourceFile
    call: object
    name: str
    target_file: SourceFile
    target: object
    text: str = ""  # what the step does, when it is not a call written as such

    @property
    def is_new(self) -> bool:
        return self.call.type == "new_expression"

    @property
    def span(self):
        return self.file.span(self.call)

    @property
    def target_span(self):
        return self.target_file.span(self.target)

    def label(self) -> str:
        if self.text:
            return self.text
        return f"new {self.name}()" if self.is_new else f"{self.name}()"


def _display_path(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return Path(os.path.relpath(path, root)).as_posix()
        except ValueError:
            pass
    return Path(path).as_posix()


def format_chain(steps: list[CallStep], start: str = "handler", root: Path | None = None) -> str:
    """`handler → getDb() (src/lib/db.ts:4) → new Repo() (src/repo.ts:2)`: each step names the
    callee and where it is defined."""
    parts = [start]
    for step in steps:
        where = f"{_display_path(step.target_file.path, root)}:{step.target_span.line}"
        parts.append(f"{step.label()} ({where})")
    return " → ".join(parts)


# -- the graph ------------------------------------------------------------------------------------
class HandlerGraph:
    """The handler file, the local modules it reaches, and the function implementing the export."""

    def __init__(self, entry: SourceFile, export_name: str, cache: SourceCache,
                 tsconfig: TsConfig | None = None, project_root: Path | None = None,
                 layout: BuildLayout | None = None, middleware: Iterable[tuple[SourceFile, str]] = ()):
        """`layout`: how build output maps back to sources; `middleware`: (file, export) of the
        functions that run with the handler on each invocation (the serverless-middleware plugin's
        chain)."""
        self.entry = entry
        self.export_name = export_name
        self.cache = cache
        self.tsconfig = tsconfig
        self.layout = layout
        self.project_root = Path(project_root) if project_root is not None else None
        self.unparsed: list[tuple[Path, str]] = []  # reachable files not analysed, with the reason
        # Imports of build output whose source was not found: (file, import, module path).
        self.missing_output: list[tuple[SourceFile, Import, Path]] = []
        self.truncated = False
        # The first call per_invocation() did not follow because the chain to it was already
        # MAX_CALL_DEPTH calls long: (file, call, the steps that lead to it).
        self.depth_cut: tuple[SourceFile, object, list] | None = None
        middleware = list(middleware)
        self.files: list[SourceFile] = [entry]
        for file, _ in middleware:
            if not any(file is known for known in self.files):
                self.files.append(file)
        self.memo: dict = {}  # kept for the life of the graph: module files, what webapps and nest find
        # What analyses worked out from the graph, kept with it across lints (lintkit.read.keptgraphs)
        self.kept_results: dict = {}
        self._names_memo: dict[int, dict] = {}
        self._lookup_memo: dict = {}
        self._imports_memo: dict[tuple, bool] = {}
        self._collect()
        self._members: list[str] = []  # an export path's members past its export (_find_export)
        self._export = self._find_export()
        handler = self._unwrap_export(self._export_member(self._export))
        self.handler_file: SourceFile | None = handler[0] if handler else None
        self.handler = handler[1] if handler else None
        found = (self._unwrap_export(self.resolve_export(file, name)) for file, name in middleware)
        self.middleware: list[tuple[SourceFile, object]] = [each for each in found if each]
        self._entry_points: list | None = None
        self._per_invocation: list | None = None

    def __repr__(self) -> str:
        return (f"HandlerGraph({str(self.entry.path)!r}, {self.export_name!r}, "
                f"files={len(self.files)})")

    # -- files --------------------------------------------------------------------------------
    def resolve_import(self, file: SourceFile, imp: Import) -> Path | None:
        """The local file an import names (memoised; fills `imp.resolved`)."""
        if file.embedded:
            return None  # inline code is a single file: it has no neighbouring modules
        key = (str(file.path.parent), imp.module, self.tsconfig.path if self.tsconfig else None,
               str(self.project_root), self.layout.key if self.layout else None)
        memo = self.cache.resolutions
        if key not in memo:
            memo[key] = resolve_module(file.path, imp.module, self.tsconfig, self.project_root,
                                       self.layout, self.cache.real_path)
        imp.resolved = memo[key]
        if imp.resolved is None and self.layout is not None:
            self._note_missing_output(file, imp)
        return imp.resolved

    def _note_missing_output(self, file: SourceFile, imp: Import) -> None:
        for base in module_bases(file.path, imp.module, self.tsconfig):
            if self.layout.output_of(base) is not None:
                if not any(seen is imp for _, seen, _ in self.missing_output):
                    self.missing_output.append((file, imp, base))
                return

    def _collect(self) -> None:
        seen = {id(file) for file in self.files}
        queue = deque(self.files)
        while queue:
            file = queue.popleft()
            for imp in file.imports:
                target = self._load(file, imp)
                if target is None or id(target) in seen:
                    continue
                if len(self.files) >= MAX_GRAPH_FILES:
                    self.truncated = True
                    return
                seen.add(id(target))
                self.files.append(target)
                queue.append(target)

    def _load(self, file: SourceFile, imp: Import) -> SourceFile | None:
        path = self.resolve_import(file, imp)
        if path is None or imp.type_only or is_generated_client(path):
            return None
        source = self.cache.parse(path)
        if source is None:
            entry = (path, self.cache.reason(path) or "not analysed")
            if entry not in self.unparsed:
                self.unparsed.append(entry)
        return source

    def module_file(self, file: SourceFile, imp: Import) -> SourceFile | None:
        """The parsed local module an import loads (None for packages and generated clients).
        Kept per import: call resolution asks for the same ones again and again."""
        key = ("module file", id(imp))
        if key not in self.memo:
            path = self.resolve_import(file, imp)
            self.memo[key] = None if path is None or is_generated_client(path) \
                else self.cache.parse(path)
        return self.memo[key]

    # -- imports --------------------------------------------------------------------------------
    def find_imports(self, *patterns: str, include_type_only: bool = False
                     ) -> Iterator[tuple[SourceFile, Import]]:
        """(file, import) for every import of a module matching one of the patterns (see
        `module_matches`)."""
        for file in self.files:
            for imp in _imports_matching(file, patterns, include_type_only):
                yield file, imp

    def imports_module(self, *patterns: str, include_type_only: bool = False) -> bool:
        """Does any file of the graph import one of these modules? A trailing `-` or `/` makes a
        pattern a prefix: imports_module("@prisma/client", "@prisma/adapter-")."""
        key = (patterns, include_type_only)
        if key not in self._imports_memo:  # rules ask once per function; functions share graphs
            found = self.find_imports(*patterns, include_type_only=include_type_only)
            self._imports_memo[key] = next(found, None) is not None
        return self._imports_memo[key]

    def prisma_client_imports(self, generated_dirs: Iterable[Path] = ()
                              ) -> Iterator[tuple[SourceFile, Import]]:
        dirs = [os.path.realpath(d) for d in generated_dirs]
        for file in self.files:
            for imp in file.imports:
                if not imp.type_only and self._is_prisma_client(imp, dirs):
                    yield file, imp

    def imports_prisma_client(self, generated_dirs: Iterable[Path] = ()) -> bool:
        """`@prisma/client` (and subpaths), or a generated client: a specifier or resolved path
        containing `generated/prisma` or `.prisma/client`, or inside one of `generated_dirs` (the
        schema's generator `output`)."""
        key = ("prisma client", tuple(generated_dirs))
        if key not in self._imports_memo:
            self._imports_memo[key] = next(self.prisma_client_imports(generated_dirs), None) is not None
        return self._imports_memo[key]

    def _is_prisma_client(self, imp: Import, generated_dirs: list[str]) -> bool:
        if module_matches(imp.module, "@prisma/client") or _GENERATED_CLIENT.search(imp.module):
            return True
        if imp.resolved is None:
            return False
        if _GENERATED_CLIENT.search(imp.resolved.as_posix()):
            return True
        if not generated_dirs:
            return False
        real = self.cache.real_path(imp.resolved)
        return any(real == d or real.startswith(d.rstrip(os.sep) + os.sep) for d in generated_dirs)

    # -- exports and the handler ------------------------------------------------------------
    @property
    def export_found(self) -> bool:
        """True when the handler's export exists (even if its function could not be found)."""
        return self._export is not None

    @property
    def export_definition(self) -> tuple[SourceFile, object] | None:
        """(file, node) the export stands for, before unwrapping wrappers like `middy(fn)`."""
        return self._export

    def has_export(self, name: str) -> bool:
        return self.resolve_export(self.entry, name) is not None

    def _find_export(self):
        if not self.export_name:
            return None
        whole = self.resolve_export(self.entry, self.export_name)  # `module.exports` is one name
        if whole is not None or "." not in self.export_name:
            return whole
        self._members = self.export_name.split(".")[1:]
        return self.resolve_export(self.entry, export_name(self.export_name))

    def _export_member(self, found):
        """What an export path past its export names (`CountriesHandler.list`: the static method
        `list` of the class, or a property of an object literal); None when it cannot be seen (the
        handler is then not followed, as for an export lintkit cannot read)."""
        for member in self._members:
            if found is None:
                return None
            file, node = found
            node = unwrap(node)
            if node is not None and node.type == "identifier":
                target = self._value(file, node, self.scope_chain(file, node), 0)
                file, node = target if target is not None else (file, None)
            found = _member_definition(file, node, member)
        return found

    def _unwrap_export(self, found):
        if found is None:
            return None
        return unwrap_function(found[0], found[1], self._resolve_for_unwrap)

    def _resolve_for_unwrap(self, file: SourceFile, node):
        target = self._value(file, node, self.scope_chain(file, node), 0)
        if target is None or (target[0] is file and target[1] == node):
            return None
        return target[0], target[1]

    def resolve_export(self, file: SourceFile, name: str, depth: int = 0, seen: set | None = None):
        """(file, definition node) for export `name` of `file`, following re-exports, `export *`,
        aliases of imported bindings and CommonJS `module.exports`. A module namespace is returned
        as its `program` node. Exports that come from packages give their local export node.
        `seen` holds the (file, name) pairs this lookup has searched already: `export *` cycles
        (`a` re-exports `b` and itself, `b` re-exports `a`) would branch exponentially. What a
        lookup finds is kept: barrels (`export * from './x'` in every folder) are searched once
        per name."""
        if seen is not None:
            return self._resolve_export(file, name, depth, seen)
        key = ("export", id(file), name)
        found = self._lookup_memo.get(key)
        if found is None:
            found = self._resolve_export(file, name, depth, seen)
            if found is not None or depth == 0:
                self._lookup_memo[key] = found if found is not None else _UNSET
        return found if found is not _UNSET else None

    def _resolve_export(self, file: SourceFile, name: str, depth: int, seen: set | None):
        if depth > MAX_RESOLVE_DEPTH:
            return None
        if name in file.reexports:
            imp, imported = file.reexports[name]
            target = self.module_file(file, imp)
            if target is None:  # re-exported from a package: it exists, its code is not ours
                return file, file.exports[name]
            if imported == "*":
                return target, target.root
            return self.resolve_export(target, imported, depth + 1, seen)
        node = file.definition(name)
        if node is None:
            return self._implicit_export(file, name, depth, seen)
        if node.type == "export_specifier":
            local = file.export_local(name)
            imp = file.bindings.get(local) if local else None
            if imp is None:
                return file, node
            return self._imported(file, imp, imp.bindings[local], depth + 1) or (file, node)
        found = self._value(file, node, None, depth + 1)
        return (found[0], found[1]) if found is not None else (file, node)

    def _implicit_export(self, file: SourceFile, name: str, depth: int, seen: set | None = None):
        if name == "default" and "module.exports" in file.exports:  # CommonJS default interop
            found = self._value(file, file.exports["module.exports"], None, depth + 1)
            return (found[0], found[1]) if found is not None else None
        if name == "default" and file.exports and not file.is_esm:
            return file, file.root  # `exports.x = ...` only: the default import is the namespace
        if "module.exports" in file.exports:  # `module.exports = require('./impl')`
            whole = self._value(file, file.exports["module.exports"], None, depth + 1)
            found = self._member_of(whole, name, depth + 1) if whole is not None else None
            if found is not None:
                return found[0], found[1]
        if name != "default":
            seen = set() if seen is None else seen
            seen.add((id(file), name))
            for imp in file.star_reexports:
                target = self.module_file(file, imp)
                if target is None or (id(target), name) in seen:
                    continue
                found = self.resolve_export(target, name, depth + 1, seen)
                if found is not None:
                    return found
        return None

    def _imported(self, file: SourceFile, imp: Import, imported: str, depth: int):
        """What an imported binding stands for, or None for packages."""
        target = self.module_file(file, imp)
        if target is None:
            return None
        if imported == "*":
            return self._required(target, imp, depth) or (target, target.root)
        return self.resolve_export(target, imported, depth + 1)

    def _required(self, target: SourceFile, imp: Import, depth: int):
        """What `require('./x')` gives when the module assigns a function or class to
        `module.exports` (`module.exports = class Repo {}`): that, rather than the namespace."""
        if imp.kind != "cjs" or "module.exports" not in target.exports:
            return None
        whole = self._value(target, target.exports["module.exports"], None, depth + 1)
        if whole is None or (whole[1].type not in FUNCTION_TYPES
                             and whole[1].type not in CLASS_TYPES):
            return None
        return whole[0], whole[1]

    # -- scopes ---------------------------------------------------------------------------------
    def scope_chain(self, file: SourceFile, node) -> Scope | None:
        return scope_chain(file, node)

    def _scope_names(self, scope) -> dict[str, object]:
        names = self._names_memo.get(scope.id)
        if names is None:
            names = self._names_memo[scope.id] = scope_names(scope)
        return names

    def lookup(self, chain: Scope | None, name: str):
        """(definition or `_SHADOWED`, the scope that declares it) for the nearest declaration of
        `name` in a chain of scopes; (None, None) when it is not declared below module level.
        Memoised per scope, so resolving every call of a deeply nested handler stays linear."""
        visited = []
        result = (None, None)
        cell = chain
        while cell is not None:
            key = (cell.node.id, name)
            known = self._lookup_memo.get(key)
            if known is not None:
                result = known
                break
            visited.append(key)
            names = self._scope_names(cell.node)
            if name in names:
                result = (names[name], cell)
                break
            cell = cell.parent
        for key in visited:
            self._lookup_memo[key] = result
        return result

    # -- values and calls ---------------------------------------------------------------------
    def resolve_value(self, file: SourceFile, node, at=None):
        """What an expression stands for: (file, definition) across imports. Identifiers follow
        local scopes, imports and module-level definitions; `ns.fn`, `require('./x').fn`,
        `Class.staticMethod`, `obj.method`, `this.method` and `new X().method` are followed where
        obvious. Modules come back as their `program` node; None when unknown (packages,
        globals, parameters). `at` is where the expression is evaluated (default: `node`)."""
        found = self._value(file, node, self.scope_chain(file, at if at is not None else node), 0)
        return (found[0], found[1]) if found is not None else None

    def _value(self, file: SourceFile, node, chain: Scope | None, depth: int, env: tuple = ()):
        """Like resolve_value, with the scope chain the expression is evaluated in; gives
        (file, node, chain of the definition). `env` holds what the parameters of the functions
        being run stand for (`Binding`s), when the call that runs them says."""
        for _ in range(MAX_RESOLVE_DEPTH):
            node = unwrap(node)
            if node is None or depth > MAX_RESOLVE_DEPTH:
                return None
            kind = node.type
            if kind in _NAME_TYPES:
                found = self._resolve_name(file, _text(node), chain, depth, env)
                if found is None:
                    return None
                file, node, chain = found
                if node.type in _FOLLOWED_TYPES:
                    continue
                return file, node, chain
            if kind == "member_expression":
                return self._member(file, node, chain, depth, env)
            if kind == "call_expression":
                return self._loader(file, node, chain)
            return file, node, chain
        return None

    def _resolve_name(self, file: SourceFile, name: str, chain: Scope | None, depth: int,
                      env: tuple = ()):
        local, cell = self.lookup(chain, name)
        if local is _SHADOWED:
            bound = _bound(env, file, cell.node, name) if env else None
            return bound.value if bound is not None else None
        if local is not None:
            return file, local, cell
        imp = file.bindings.get(name)
        if imp is not None:
            found = self._imported(file, imp, imp.bindings[name], depth + 1)
            if found is None or _unfollowed(found[1]):
                # resolve_export already followed it as far as it goes: following the name or
                # member it stopped at again would fail again, and cycles of such aliases
                # between modules (`export const x = y` with `y` imported back) would branch
                # exponentially.
                return None
            return found[0], found[1], None
        definition = file.top_level_definitions.get(name)
        if definition is not None:
            return file, definition, None
        return None

    def _loader(self, file: SourceFile, call, chain: Scope | None):
        """`require('./x')` / `import('./x')` → the module; other calls stay themselves."""
        imp = file.imports_by_node.get(call.id)
        if imp is None or imp.kind == "esm":
            return file, call, chain
        target = self.module_file(file, imp)
        if target is None:
            return None
        whole = self._required(target, imp, 0)
        return (*whole, None) if whole is not None else (target, target.root, None)

    def _member(self, file: SourceFile, node, chain: Scope | None, depth: int, env: tuple = ()):
        obj = unwrap(node.child_by_field_name("object"))
        prop = node.child_by_field_name("property")
        if obj is None or prop is None or prop.type == "private_property_identifier":
            return None
        name = _text(prop)
        if obj.type == "this":
            cls = chain.cls if chain is not None else None
            member = class_member(cls, name) if cls is not None else None
            return (file, member, self._class_chain(file, cls)) if member is not None else None
        owner = self._value(file, obj, chain, depth + 1, env)
        if owner is None:
            return None
        return self._member_of(owner, name, depth)

    def _member_of(self, owner, name: str, depth: int):
        file, node, chain = owner
        kind = node.type
        if kind == "program":
            found = self.resolve_export(file, name, depth + 1)
            return (found[0], found[1], None) if found is not None else None
        if kind in CLASS_TYPES:
            member = class_member(node, name, static=True)
            return (file, member, push_scope(chain, node)) if member is not None else None
        if kind == "object":
            member = object_member(node, name)
            if member is None:
                return None
            if member.type == "shorthand_property_identifier":
                return self._resolve_name(file, name, chain, depth + 1)
            return file, member, chain
        if kind == "new_expression":
            cls = self._value(file, node.child_by_field_name("constructor"), chain, depth + 1)
            if cls is not None and cls[1].type in CLASS_TYPES:
                member = class_member(cls[1], name, static=False)
                if member is not None:
                    return cls[0], member, push_scope(cls[2], cls[1])
        return None

    def _class_chain(self, file: SourceFile, cls) -> Scope | None:
        """The scopes inside a class (the class itself included)."""
        key = ("class", cls.id)
        if key not in self._lookup_memo:
            self._lookup_memo[key] = push_scope(self.scope_chain(file, cls), cls)
        return self._lookup_memo[key]

    def value_of(self, file: SourceFile, node, chain: Scope | None, env: tuple = ()):
        """(file, node, chain) an expression stands for, evaluated in `chain` with `env`'s
        parameter bindings; None when unknown."""
        return self._value(file, node, chain, 0, env)

    def value_of_name(self, file: SourceFile, name: str):
        """(file, node, chain) a module-level name of `file` stands for (a type name in an
        annotation, say), or None."""
        return self._resolve_name(file, name, None, 0)

    def callee_of(self, file: SourceFile, call, chain: Scope | None, env: tuple = ()):
        """(file, function, chain) a call runs, as resolve_callee, with `env`'s bindings."""
        return self._callee(file, call, chain, env)

    def resolve_callee(self, file: SourceFile, call, scope=_UNSET):
        """(file, function node) a call or `new` invokes, or None when unknown. A class gives its
        constructor, or the class node when it has none. `scope` is the scope chain of `call`
        when the caller already has it (per_invocation does)."""
        found = self._callee(file, call, self.scope_chain(file, call) if scope is _UNSET else scope)
        return (found[0], found[1]) if found is not None else None

    def _callee(self, file: SourceFile, call, chain: Scope | None, env: tuple = ()):
        if call.type == "new_expression":
            callee = unwrap(call.child_by_field_name("constructor"))
        elif call.type == "call_expression":
            callee = unwrap(call.child_by_field_name("function"))
        else:
            return None
        if callee is None:
            return None
        if callee.type == "super":
            cls = chain.cls if chain is not None else None
            target = self._parent_class(file, cls) if cls is not None else None
        else:
            target = self._value(file, callee, chain, 0, env)
        return self._callable(target)

    def _parent_class(self, file: SourceFile, cls):
        heritage = next((c for c in cls.named_children if c.type == "class_heritage"), None)
        if heritage is None:
            return None
        clause = next((c for c in heritage.named_children if c.type == "extends_clause"), heritage)
        parent = clause.child_by_field_name("value") or next(iter(named_children(clause)), None)
        if parent is None:
            return None
        return self._value(file, parent, self.scope_chain(file, cls), 0)

    def _callable(self, target):
        if target is None:
            return None
        file, node, chain = target
        if node.type in FUNCTION_TYPES:
            return file, node, chain
        if node.type in CLASS_TYPES:
            return file, constructor_of(node) or node, push_scope(chain, node)
        return None

    # -- what runs on each invocation ---------------------------------------------------------
    @property
    def entry_points(self) -> list[tuple[SourceFile, object, tuple]]:
        """(file, function, bindings) for each function an invocation starts in: the handler, the
        serverless-middleware functions before it, the function a wrapper of the service returns
        around the handler (`withErrors(async (e) => ...)`, its parameters bound to the
        arguments), the `before`/`after`/`onError` functions of middy middleware, the request
        handlers of a web framework app the handler serves (`serverless(app)`, see webapps) and
        the request-scoped providers of the Nest app it serves (see nest)."""
        if self._entry_points is None:
            self._entry_points = self._find_entry_points()
        return self._entry_points

    def _find_entry_points(self) -> list[tuple[SourceFile, object, tuple]]:
        roots = [(self.handler_file, self.handler, ())] if self.handler is not None else []
        roots += [(file, function, ()) for file, function in self.middleware]
        if self._export is not None:
            file, node = self._export
            closures = self.returned_closures(file, node)
            roots += closures + middy.middleware_functions(self, file, node)
            if not closures and self.serves_web_apps:
                roots += webapps.request_handlers(self, self._exported_apps(file, node))
        if self.handler is not None and self.serves_web_apps:
            roots += webapps.request_handlers(self, self._apps_the_handler_invokes())
            roots += self._request_scoped_providers()
        unique, seen = [], set()
        for root in roots:
            if self.entry_key(*root) not in seen:
                seen.add(self.entry_key(*root))
                unique.append(root)
        return unique

    parameter_names = staticmethod(parameter_names)

    @staticmethod
    def entry_key(file: SourceFile, function, env: tuple) -> tuple:
        """What makes two runs of a function the same: the function and its bindings."""
        return id(file), function.id, _env_key(env)

    def _exported_apps(self, file: SourceFile, node) -> list:
        """The apps the export serves: `serverless(app)`, also inside other wrappers
        (`Sentry.wrapHandler(serverless(app))`)."""
        calls, apps = [unwrap(node)], []
        for _ in range(4):
            calls = [c for c in calls if c is not None and c.type == "call_expression"]
            for call in calls:
                apps += webapps.served_apps(self, file, call, self.scope_chain(file, call))
            if apps or not calls:
                return apps
            calls = [unwrap(a) for c in calls for a in named_children(
                c.child_by_field_name("arguments") or c)]
        return apps

    def _apps_the_handler_invokes(self) -> list:
        """The apps the handler's own body hands the invocation to (`return serve(event,
        context)`, `proxy(server, event, context)`): their request handlers start the invocation
        as much as the handler does."""
        apps = []
        for node, chain in walk_scoped(self.handler, self.scope_chain(self.handler_file,
                                                                      self.handler)):
            if node.type == "call_expression" \
                    and enclosing_function(node, self.handler_file) == self.handler:
                apps += webapps.invoked_apps(self, self.handler_file, node, chain)
        return apps

    def _request_scoped_providers(self) -> list:
        """The request-scoped providers of the Nest apps the graph creates, when a controller
        needs them: the handler serves the app, so each request, each invocation, builds them."""
        found = []
        for file, _, root in nest.app_creations(self):
            for provider in nest.application(self, root).per_request:
                target = self._callable((*provider, None))
                if target is not None:
                    found.append((target[0], target[1], ()))
        return found

    @property
    def serves_web_apps(self) -> bool:
        """Does the graph import a package that serves a web framework app from a Lambda handler
        (serverless-http, @vendia/serverless-express, ...)? Only then are apps looked for."""
        return self.imports_module(*webapps.ADAPTER_MODULES)

    def per_invocation(self) -> Iterator[tuple[SourceFile, object, list[CallStep]]]:
        """Every node that runs on each invocation, with the calls that lead to it: the entry
        points (callbacks inside them included), then the bodies of the functions, constructors
        and instance field initialisers they call, transitively across files, shortest chains
        first, at most MAX_CALL_DEPTH calls deep. A function is run once, or once per different
        set of functions its parameters are bound to (`process(event, login)` runs `process` with
        `fn` standing for `login`), at most MAX_BINDINGS times. Worked out once per graph (the
        CLIENT and MIGRATE analyses each ask)."""
        if self._per_invocation is None:
            found = []
            for item in self._run_invocation():
                found.append(item)
                yield item
            self._per_invocation = found
        else:
            yield from self._per_invocation

    def _run_invocation(self) -> Iterator[tuple[SourceFile, object, list[CallStep]]]:
        roots = self.entry_points
        queue = deque((file, function, [], env) for file, function, env in roots)
        visited = {self.entry_key(*root) for root in roots}
        runs: dict[tuple, int] = {}
        while queue:
            file, function, steps, env = queue.popleft()
            for node, chain in self._executed(file, function):
                yield file, node, steps
                if node.type not in CALL_TYPES:
                    continue
                if len(steps) < MAX_CALL_DEPTH:
                    for target in self._call_targets(file, node, chain, env):
                        self._enqueue(file, node, chain, env, target, steps, visited, runs, queue)
                elif self.depth_cut is None and self._call_targets(file, node, chain, env):
                    self.depth_cut = (file, node, steps)
            implicit = self._implicit_super(file, function)
            if implicit is not None and len(steps) < MAX_CALL_DEPTH:
                self._enqueue(file, implicit[0], None, (), (*implicit[1], ()), steps, visited,
                              runs, queue)

    def _call_targets(self, file: SourceFile, call, chain, env) -> list:
        """(file, function, chain, bindings[, name, label]) for what a call runs: its callee, its
        parameters bound to the functions passed to it; functions handed by name to an array
        method or a promise; the providers `NestFactory.create()` builds; or, for a call that
        serves a web app (`proxy(server, event, context)`), the app's request handlers."""
        target = self._callee(file, call, chain, env)
        if target is not None:
            return [(*target, self._call_env(file, call, chain, env, target))]
        callbacks = self._invoked_callbacks(file, call, chain, env)
        if callbacks:
            return callbacks
        if self.imports_module(nest.NEST_CORE):
            root = nest.created_module(self, file, call, chain, env)
            if root is not None:
                return self._built_by_nest(root)
        if not self.serves_web_apps:
            return []
        apps = webapps.invoked_apps(self, file, call, chain, env)
        handlers = webapps.request_handlers(self, apps)
        return [(handler_file, function, None, bound, node_name(function) or "request handler")
                for handler_file, function, bound in handlers]

    def _invoked_callbacks(self, file: SourceFile, call, chain, env: tuple) -> list:
        """`items.map(toRow)`, `promise.then(save)`: the functions of the service handed by name
        to a method that calls them before the invocation ends (inline callbacks are part of the
        function they are written in)."""
        callee = unwrap(call.child_by_field_name("function")) if call.type == "call_expression" \
            else None
        if callee is None or callee.type != "member_expression" \
                or _text(callee.child_by_field_name("property")) not in INVOKING_METHODS:
            return []
        arguments = call.child_by_field_name("arguments")
        found = []
        for argument in named_children(arguments) if arguments is not None else ():
            if unwrap(argument) is not None and unwrap(argument).type in _NAME_TYPES | {
                    "member_expression"}:
                target = self._callable(self._value(file, argument, chain, 0, env))
                if target is not None and target[1].type in FUNCTION_TYPES:
                    found.append((*target, (), " ".join(_text(argument).split())))
        return found

    def _built_by_nest(self, root) -> list:
        """What `NestFactory.create(AppModule)` runs: the constructors of the app's singleton
        providers and controllers, and its provider factories."""
        targets = []
        for provider in nest.application(self, root).singletons:
            target = self._callable((*provider, None))
            if target is not None:
                name = node_name(provider[1]) or "a provider"
                targets.append((*target, (), name, f"NestFactory.create() → new {name}()"))
        return targets

    def _call_env(self, file: SourceFile, call, chain, env: tuple, target,
                  inline: bool = False) -> tuple:
        """The bindings a call gives the function it runs: those of the functions around it
        (closures), and each parameter given a function or class defined elsewhere. Functions
        written inline in the call are not bound (they run where they are written) unless
        `inline`."""
        target_file, function, _ = target
        inherited = tuple(b for b in env if b.file is target_file and b.scope.id != function.id
                          and b.scope.start_byte <= function.start_byte
                          and function.end_byte <= b.scope.end_byte)
        arguments = call.child_by_field_name("arguments") if function.type in FUNCTION_TYPES \
            else None
        if arguments is None or arguments.type != "arguments":
            return inherited
        bound = []
        for name, argument in zip(parameter_names(function), named_children(arguments)):
            if name is None or (argument.type in FUNCTION_TYPES and not inline):
                continue
            value = self._value(file, argument, chain, 0, env)
            if value is not None and (value[1].type in FUNCTION_TYPES
                                      or value[1].type in CLASS_TYPES):
                passed_on = _bound_argument(self, file, argument, chain, env)
                text = passed_on.text if passed_on is not None else _text(argument)
                bound.append(Binding(target_file, function, name, value, " ".join(text.split())))
        return inherited + tuple(bound)

    def returned_closures(self, file: SourceFile, expr, env: tuple = ()) -> list:
        """`wrap(fn)` where `wrap` is a function of the service that returns a function: (file,
        that function, `wrap`'s parameters bound to the arguments). Empty for other expressions."""
        call = unwrap(expr)
        if call is None or call.type != "call_expression":
            return []
        chain = self.scope_chain(file, call)
        target = self._callee(file, call, chain, env)
        if target is None or target[1].type not in FUNCTION_TYPES:
            return []
        bound = self._call_env(file, call, chain, env, target, inline=True)
        target_file, function, _ = target
        found = []
        for returned in returned_expressions(function):
            value = self._value(target_file, returned, self.scope_chain(target_file, returned), 0,
                                bound)
            if value is not None and value[1].type in FUNCTION_TYPES:
                found.append((value[0], value[1], bound))
        return found

    def entry_function(self, file: SourceFile, node):
        """The function an invocation starts in that holds `node`: the innermost entry point
        around it (a middleware function, a request handler, a wrapper's closure), or else the
        handler."""
        found, found_start = None, -1
        for entry_file, function, _ in self.entry_points:
            around = function
            if function.type == "method_definition" and node_name(function) == "constructor":
                around = enclosing_class(function, entry_file)  # its fields run with it
            if entry_file is file and found_start < around.start_byte <= node.start_byte \
                    and node.end_byte <= around.end_byte:
                found, found_start = function, around.start_byte
        return found if found is not None else self.handler

    def _enqueue(self, file, call, chain, env, target, steps, visited, runs, queue) -> None:
        target_file, function, _, bound = target[:4]
        key = self.entry_key(target_file, function, bound)
        if key in visited:
            return
        runs[key[:2]] = runs.get(key[:2], 0) + 1
        if runs[key[:2]] > MAX_BINDINGS:
            return
        visited.add(key)
        if len(target) > 4:  # a name (and what the step does) the target came with
            name, text = target[4], (target[5] if len(target) > 5 else "")
        elif call.type == "class_heritage":
            name, text = "super", ""
        else:
            name, text = self._called_name(file, call, chain, env), ""
        step = CallStep(file, call, name, target_file, function, text)
        queue.append((target_file, function, steps + [step], bound))

    def _called_name(self, file: SourceFile, call, chain, env: tuple) -> str:
        """The callee's name as written, or for a bound parameter what the caller passed."""
        bound = _bound_argument(self, file, call.child_by_field_name("function"), chain, env) \
            if call.type == "call_expression" else None
        return bound.text if bound is not None else callee_name(call)

    def _executed(self, file: SourceFile, function) -> Iterator[tuple[object, Scope | None]]:
        """The nodes a call of `function` runs, with their scopes: the whole function; for a
        constructor, or a class without one, the instance field initialisers too."""
        cls = function if function.type in CLASS_TYPES else None
        if cls is None:
            yield from walk_scoped(function, self.scope_chain(file, function))
            if function.type == "method_definition" and node_name(function) == "constructor":
                cls = self.scope_chain(file, function).cls
        if cls is not None:
            inside = self._class_chain(file, cls)
            heritage = next((c for c in cls.named_children if c.type == "class_heritage"), None)
            if heritage is not None:  # the parent's constructor runs too
                yield heritage, inside
            for member in instance_fields(cls):
                yield from walk_scoped(member, inside)

    def _implicit_super(self, file: SourceFile, function):
        """A class without a constructor runs its parent's constructor: (heritage node, target)."""
        if function.type not in CLASS_TYPES:
            return None
        heritage = next((c for c in function.named_children if c.type == "class_heritage"), None)
        target = self._callable(self._parent_class(file, function)) if heritage else None
        return (heritage, target) if target is not None else None

    # -- module scope -------------------------------------------------------------------------
    def file_of(self, node) -> SourceFile | None:
        """The graph file a node belongs to."""
        return next((file for file in self.files if file.contains(node)), None)

    def is_module_scope(self, node, file: SourceFile | None = None) -> bool:
        return is_module_scope(node, file or self.file_of(node))

    def enclosing_function(self, node, file: SourceFile | None = None):
        return enclosing_function(node, file or self.file_of(node))

    @staticmethod
    def module_scope_nodes(file: SourceFile) -> list:
        """The top-level statements of a file."""
        return named_children(file.root)

    @staticmethod
    def iter_module_scope(file: SourceFile, types: Iterable[str] | None = None) -> Iterator:
        return iter_module_scope(file, types)


# -- inline code -----------------------------------------------------------------------------------
def block_scalar_bases(scalar: Scalar, yaml_text: str | None = None,
                       lines: list[str] | None = None) -> tuple[int, int]:
    """(line_base, column_base) that map positions in a scalar's value into its YAML file.

    A literal block scalar (`|`, `|-`, `|+`, `|2`) maps line for line: its content starts on the
    line after the indicator, indented by the content indentation. Other styles map to the
    scalar's start (exact on the first line only)."""
    span = scalar.span
    if lines is None and yaml_text is not None:
        lines = split_lines(yaml_text)
    if scalar.style in ("|", ">") and lines is not None:  # folded `>`: exact on its first line
        return span.line, _content_indent(lines, span.line - 1, span.column - 1)
    offset = 1 if scalar.style in ("'", '"') else 0
    return span.line - 1, span.column - 1 + offset


def _content_indent(lines: list[str], indicator_row: int, indicator_column: int) -> int:
    header = lines[indicator_row][indicator_column:] if indicator_row < len(lines) else ""
    explicit = re.match(r"[|>][-+]?([1-9])", header)
    if explicit:
        parent = lines[indicator_row]
        return len(parent) - len(parent.lstrip(" ")) + int(explicit.group(1))
    for line in lines[indicator_row + 1:]:
        if line.strip():
            return len(line) - len(line.lstrip(" "))
    return 0


def source_from_block_scalar(cache: SourceCache, scalar: Scalar, yaml_text: str | None = None,
                             language: str = "javascript") -> SourceFile:
    """Inline code (`Code.ZipFile`) as a SourceFile whose spans point into the YAML file. The
    YAML text is read from `scalar.span.path` unless given."""
    lines = split_lines(yaml_text) if yaml_text is not None else cache.lines(scalar.span.path)
    line_base, column_base = block_scalar_bases(scalar, lines=lines)
    return cache.parse_text(str(scalar.value), scalar.span.path, language, line_base, column_base)

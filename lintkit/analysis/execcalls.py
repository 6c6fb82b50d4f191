"""Commands that handler code runs through child_process or execa, with their text and position.

`exec_commands(graph)` finds `exec`/`execSync`/`execFile`/`execFileSync`/`spawn`/`spawnSync`/`fork`
and the execa family (also promisified: `const run = promisify(exec)`) whose command is a string, a
template literal, a `+` concatenation or `process.execPath`, directly or through a local constant.
Each `ExecCommand` keeps its argument vector as `argv`: one list of `Piece`s per argument (a shell
command line is a single argument), so callers can tell literal text from run-time values and point
at the exact node a word came from.
"""
from __future__ import annotations

from bisect import bisect_right

from ..model.fieldclasses import field, fieldclass
from ..model.lazyre import lazy_compile
from ..model.nodes import Span
from ..read.sources import (
    SourceFile, _decode_escape, callee_name, named_children, string_value, unwrap,
)

EXEC_FUNCTIONS = frozenset({
    "exec", "execSync", "execFile", "execFileSync", "spawn", "spawnSync", "fork",
    "execa", "execaSync", "execaCommand", "execaCommandSync", "execaNode",
})
SHELL_MODULES = frozenset({"child_process", "shelljs"})
# Functions whose first argument is a whole shell command line (the others take a file + args).
SHELL_COMMAND_FUNCTIONS = frozenset({"exec", "execSync", "execaCommand", "execaCommandSync"})
# `path.join(...)`-style calls whose string arguments spell a file path.
PATH_FUNCTIONS = frozenset({"join", "resolve", "path.join", "path.resolve", "require.resolve",
                            "posix.join", "path.posix.join"})
NODE_BINARY = frozenset({"process.execPath", "process.argv0"})
DYNAMIC = "${...}"
# A truthy test of a variable that only local runs set: serverless-offline, `sls invoke local`,
# `sam local`. (NODE_ENV proves nothing: Lambda does not set it.)
LOCAL_RUN_TEST = lazy_compile(
    r"^\(?\s*process\.env(?:\.|\[['\"])(?:IS_OFFLINE|IS_LOCAL|AWS_SAM_LOCAL)(?:['\"]\])?"
    r"(?:\s*===?\s*['\"]true['\"])?\s*\)?$")
MAX_DEPTH = 8  # local constants followed through other constants


@fieldclass
class Piece:
    """Part of one argument: literal text, or a value known only at run time (`literal` False,
    `text` "${...}"). `node` is where it is written."""

    text: str
    node: object
    literal: bool = True


@fieldclass
class ExecCommand:
    source: SourceFile
    call: object  # the call_expression
    function: str  # exec, execSync, spawn, ...
    command_node: object  # the string (or expression) holding the command
    text: str  # the command line as far as it is literal, args joined with spaces
    args_node: object | None  # the argument array of execFile/spawn-style calls
    argv: list[list[Piece]] = field(default_factory=list)  # the command, then each argument
    options_node: object | None = None  # the `{ env, cwd, stdio }` object, when written inline

    @property
    def span(self) -> Span:
        return self.source.span(self.command_node)


def exec_commands(graph):
    """Every exec-style call with a literal (or locally assigned) command in the graph's files."""
    for source in graph.files:
        yield from file_exec_commands(source)


def file_exec_commands(source: SourceFile):
    cached = getattr(source, "_lintkit_exec_commands", None)
    if cached is None:
        cached = list(_scan(source))
        source._lintkit_exec_commands = cached
    return cached


def _scan(source: SourceFile):
    for call in source.nodes_of({"call_expression"}):
        function = _exec_function(source, call)
        if function is None:
            continue
        arguments = call.child_by_field_name("arguments")
        if arguments is not None and arguments.type == "template_string":  # execa`cmd ${arg}`
            args, function = [arguments], "execaCommand"
        else:
            args = named_children(arguments) if arguments is not None else []
        if args:
            command = _command(source, call, function, args)
            if command is not None:
                yield command


def _exec_function(source: SourceFile, call) -> str | None:
    name = callee_name(call).rsplit(".", 1)[-1]
    callee = unwrap(call.child_by_field_name("function"))
    if name == "exec" and callee is not None and callee.type == "member_expression":
        # `regex.exec(...)`, `db.exec(sql)`: only a shell module's `exec` runs a command
        return name if module_of(source, root_object(callee)) in SHELL_MODULES else None
    if name in EXEC_FUNCTIONS:
        return name
    if callee is None or callee.type != "identifier":
        return None
    return _promisified(source, local_assignment(source, callee))


def root_object(member):
    while member is not None and member.type == "member_expression":
        member = unwrap(member.child_by_field_name("object"))
    return member


def module_of(source: SourceFile, node) -> str | None:
    """The module (without `node:`) an identifier is imported from, or `require('m')` loads."""
    module = None
    if node is not None and node.type == "identifier":
        imp = source.bindings.get(source.node_text(node))
        module = imp.module if imp is not None else None
    elif node is not None and node.type == "call_expression" and callee_name(node) == "require":
        arguments = named_children(node.child_by_field_name("arguments"))
        module = string_value(source, arguments[0]) if arguments else None
    return module.removeprefix("node:") if module else None


def _promisified(source: SourceFile, value) -> str | None:
    """`promisify(exec)` / `util.promisify(cp.execFile)` → "exec" / "execFile"."""
    value = unwrap(value)
    if value is None or value.type != "call_expression":
        return None
    if callee_name(value).rsplit(".", 1)[-1] != "promisify":
        return None
    args = named_children(value.child_by_field_name("arguments"))
    if not args:
        return None
    wrapped = source.node_text(args[0]).rsplit(".", 1)[-1]
    return wrapped if wrapped in EXEC_FUNCTIONS else None


def _command(source: SourceFile, call, function: str, args) -> ExecCommand | None:
    whole = _array(source, args[0])  # a whole argument vector kept in one array constant
    if whole is not None:
        command_node, argv = whole, _array_arguments(source, whole)
    else:
        command_node, command = _argument(source, args[0])
        argv = [command]
    if not argv or not any(piece.literal for piece in argv[0]):
        return None
    args_node, rest = None, args[1:]
    if function not in SHELL_COMMAND_FUNCTIONS and rest:
        array = _array(source, rest[0])
        if array is not None:
            args_node, rest = array, rest[1:]
            argv += _array_arguments(source, array)
    options = unwrap(rest[0]) if rest else None
    options = options if options is not None and options.type == "object" else None
    text = " ".join("".join(piece.text for piece in argument) for argument in argv)
    return ExecCommand(source, call, function, command_node, text, args_node, argv, options)


def _argument(source: SourceFile, node, depth: int = 0) -> tuple[object, list[Piece]]:
    """(node holding the value, its pieces) for one argument, following local constants."""
    node = unwrap(node)
    if node is not None and node.type == "identifier" and depth < MAX_DEPTH:
        assigned = local_assignment(source, node)
        if assigned is not None and unwrap(assigned).type != "array":
            return _argument(source, assigned, depth + 1)
    return node, pieces(source, node, depth)


def pieces(source: SourceFile, node, depth: int = 0) -> list[Piece]:
    """The literal and run-time parts of a string-valued expression."""
    node = unwrap(node)
    if node is None:
        return []
    kind = node.type
    if kind == "string":
        return [Piece(string_value(source, node) or "", node)]
    if kind == "template_string":
        return _template_pieces(source, node, depth)
    if kind == "binary_expression" and _operator(node) == "+":
        return (pieces(source, node.child_by_field_name("left"), depth)
                + pieces(source, node.child_by_field_name("right"), depth))
    if kind in ("member_expression", "subscript_expression") and \
            source.node_text(node) in NODE_BINARY:
        return [Piece("node", node)]
    if kind == "identifier" and depth < MAX_DEPTH:
        assigned = local_assignment(source, node)
        if assigned is not None and unwrap(assigned).type != "array":
            return pieces(source, assigned, depth + 1)
    if kind == "call_expression" and callee_name(node) in PATH_FUNCTIONS:
        return _path_pieces(source, node, depth)
    return [Piece(DYNAMIC, node, literal=False)]


def _template_pieces(source: SourceFile, node, depth: int) -> list[Piece]:
    found = []
    for child in node.named_children:
        if child.type == "template_substitution":
            inner = next(iter(named_children(child)), None)
            found += pieces(source, inner, depth) if inner is not None else []
        elif child.type == "escape_sequence":
            found.append(Piece(_decode_escape(source.node_text(child)), node))
        elif child.type != "comment":
            found.append(Piece(source.node_text(child), node))
    return found


def _path_pieces(source: SourceFile, call, depth: int) -> list[Piece]:
    """`path.join(__dirname, 'node_modules/prisma/build/index.js')` → "${...}/node_modules/...":
    the literal segments joined with `/`, run-time segments kept as "${...}"."""
    found = []
    for index, arg in enumerate(named_children(call.child_by_field_name("arguments"))):
        if index:
            found.append(Piece("/", arg))
        found += pieces(source, arg, depth + 1)
    return found


def _operator(node) -> str | None:
    operator = node.child_by_field_name("operator")
    return operator.type if operator is not None else None


def _array(source: SourceFile, node, depth: int = 0):
    node = unwrap(node)
    if node is not None and node.type == "identifier" and depth < MAX_DEPTH:
        assigned = local_assignment(source, node)
        return _array(source, assigned, depth + 1) if assigned is not None else None
    return node if node is not None and node.type == "array" else None


def _array_arguments(source: SourceFile, array, depth: int = 0) -> list[list[Piece]]:
    """One piece list per element; `...localArray` spreads are expanded."""
    found = []
    for element in named_children(array):
        if element.type == "spread_element" and depth < MAX_DEPTH:
            inner = _array(source, next(iter(named_children(element)), None))
            if inner is not None:
                found += _array_arguments(source, inner, depth + 1)
                continue
        found.append(pieces(source, element))
    return found


def local_only(source: SourceFile, node) -> bool:
    """True when `node` sits in the branch of `if (process.env.IS_OFFLINE) ...` (or a ternary)
    that only runs on a developer's machine."""
    ancestors = [*source.ancestors(node), node]
    for ancestor, child in zip(ancestors, ancestors[1:]):
        if ancestor.type not in ("if_statement", "ternary_expression"):
            continue
        condition = ancestor.child_by_field_name("condition")
        if child == ancestor.child_by_field_name("consequence") and condition is not None \
                and LOCAL_RUN_TEST.match(source.node_text(condition)):
            return True
    return False


def local_assignment(source: SourceFile, identifier):
    """The value of the nearest `const|let|var NAME = value` visible from `identifier`: the
    enclosing functions first, then module scope (the first such statement before `identifier`
    in the innermost block that has one).

    Looked up in a per-file index of declarations by name, so calling this for every call of a
    file stays linear however deeply its callbacks nest (walking the ancestors of each call was
    quadratic: minutes for 10,000 nested callbacks) and however many functions declare the same
    name (3,000 functions with a `const cmd` each)."""
    scopes = _declarations_by_name(source).get(source.node_text(identifier))
    return scopes.value_at(identifier.start_byte) if scopes is not None else None


@fieldclass
class _Scopes:
    """The blocks (and the module) that declare one name, in document order, outer before inner:
    each one's byte range, the start of its first declaration of the name with a value, that
    value, and the index of the nearest enclosing block of the list (-1: none)."""

    starts: list[int]
    ends: list[int]
    firsts: list[int]
    values: list
    parents: list[int]

    @classmethod
    def of(cls, first_declarations: dict) -> "_Scopes":
        """From {(scope start, scope end): (statement start, value)}."""
        ordered = sorted(first_declarations.items(), key=lambda item: (item[0][0], -item[0][1]))
        scopes = cls([], [], [], [], [])
        open_scopes: list[int] = []
        for index, ((start, end), (first, value)) in enumerate(ordered):
            while open_scopes and scopes.ends[open_scopes[-1]] <= start:
                open_scopes.pop()
            scopes.parents.append(open_scopes[-1] if open_scopes else -1)
            open_scopes.append(index)
            scopes.starts.append(start)
            scopes.ends.append(end)
            scopes.firsts.append(first)
            scopes.values.append(value)
        return scopes

    def value_at(self, at: int):
        """The value the name has at byte `at`: from the innermost block around `at` whose first
        declaration comes before it."""
        index = bisect_right(self.starts, at) - 1  # the last block to open before `at`, or inside it
        while index >= 0 and not self.firsts[index] < at < self.ends[index]:
            index = self.parents[index]
        return self.values[index] if index >= 0 else None


# Blocks and the module: the scopes whose `const|let|var` statements local_assignment sees. (A
# query that also matched the statements inside each block would keep a state open for every
# enclosing block: quadratic in the nesting depth, as is `node.parent`.)
_SCOPES_QUERY = "[(statement_block) (program)] @scope"
_QUERIES: dict[str, object] = {}


def _declarations_by_name(source: SourceFile) -> dict[str, _Scopes]:
    """Name → the scopes that declare it, built once per file: the scopes come from a tree-sitter
    query (in C), then only their own statements are read, so the work is linear in the size of
    the file whatever its nesting depth."""
    cached = getattr(source, "_lintkit_declarations", None)
    if cached is not None:
        return cached
    from tree_sitter import Query, QueryCursor

    from ..read.sources import _language

    if source.language not in _QUERIES:
        _QUERIES[source.language] = Query(_language(source.language), _SCOPES_QUERY)
    firsts: dict[str, dict[tuple[int, int], tuple[int, object]]] = {}
    for scope in QueryCursor(_QUERIES[source.language]).captures(source.root).get("scope", []):
        key = (scope.start_byte, scope.end_byte)
        for statement in scope.named_children:
            seen = set()
            for name, value in _statement_values(source, statement):
                if name not in seen:  # the first declarator of a name decides, as before
                    seen.add(name)
                    if value is None:
                        continue
                    scopes = firsts.setdefault(name, {})
                    if key not in scopes or statement.start_byte < scopes[key][0]:
                        scopes[key] = (statement.start_byte, value)
    index = {name: _Scopes.of(scopes) for name, scopes in firsts.items()}
    source._lintkit_declarations = index
    return index


def _statement_values(source: SourceFile, statement):
    """(name, value or None) for each `NAME = value` a declaration statement declares."""
    if statement.type == "export_statement":
        statement = statement.child_by_field_name("declaration") or statement
    if statement.type not in ("lexical_declaration", "variable_declaration"):
        return
    for declarator in named_children(statement):
        if declarator.type != "variable_declarator":
            continue
        target = declarator.child_by_field_name("name")
        if target is not None and target.type == "identifier":
            yield source.node_text(target), declarator.child_by_field_name("value")

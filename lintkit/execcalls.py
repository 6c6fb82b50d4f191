"""Commands that handler code runs through child_process or execa, with their text and position."""
from __future__ import annotations

from dataclasses import dataclass

from .nodes import Span
from .sources import SourceFile, callee_name, iter_nodes, named_children, string_value, unwrap

EXEC_FUNCTIONS = frozenset({
    "exec", "execSync", "execFile", "execFileSync", "spawn", "spawnSync", "fork",
    "execa", "execaSync", "execaCommand", "execaCommandSync", "execaNode",
})
# Functions whose first argument is a whole shell command line (the others take a file + args).
SHELL_COMMAND_FUNCTIONS = frozenset({"exec", "execSync", "execaCommand", "execaCommandSync"})


@dataclass
class ExecCommand:
    source: SourceFile
    call: object  # the call_expression
    function: str  # exec, execSync, spawn, ...
    command_node: object  # the string (or identifier) holding the command
    text: str  # the command line as far as it is literal, args joined with spaces
    args_node: object | None  # the argument array of execFile/spawn-style calls

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
    for call in iter_nodes(source.root, {"call_expression"}):
        function = callee_name(call).rsplit(".", 1)[-1]
        if function not in EXEC_FUNCTIONS:
            continue
        arguments = call.child_by_field_name("arguments")
        args = named_children(arguments) if arguments is not None else []
        if not args:
            continue
        command_node, command = _literal(source, args[0])
        if command is None:
            continue
        args_node, extra = None, []
        if function not in SHELL_COMMAND_FUNCTIONS and len(args) > 1:
            args_node, extra = _array_strings(source, args[1])
        text = " ".join([command, *extra])
        yield ExecCommand(source, call, function, command_node, text, args_node)


def _literal(source: SourceFile, node):
    """(node holding the string, its value) for a literal or a local `const x = '...'`."""
    node = unwrap(node)
    value = string_value(source, node)
    if value is not None:
        return node, value
    if node is not None and node.type == "identifier":
        assigned = local_assignment(source, node)
        if assigned is not None:
            value = string_value(source, assigned)
            if value is not None:
                return assigned, value
            if unwrap(assigned).type == "array":
                return assigned, " ".join(_array_strings(source, assigned)[1])
    return node, None


def _array_strings(source: SourceFile, node):
    node = unwrap(node)
    if node is not None and node.type == "identifier":
        node = local_assignment(source, node) or node
        node = unwrap(node)
    if node is None or node.type != "array":
        return None, []
    values = []
    for element in named_children(node):
        value = string_value(source, element)
        values.append(value if value is not None else "${...}")
    return node, values


def local_assignment(source: SourceFile, identifier):
    """The value of the nearest `const|let|var NAME = value` visible from `identifier`: the
    enclosing functions first, then module scope."""
    name = source.node_text(identifier)
    scope = identifier.parent
    while scope is not None:
        if scope.type in ("statement_block", "program"):
            for statement in named_children(scope):
                if statement.start_byte >= identifier.start_byte:
                    break
                value = _declared_value(source, statement, name)
                if value is not None:
                    return value
        scope = scope.parent
    return None


def _declared_value(source: SourceFile, statement, name: str):
    if statement.type not in ("lexical_declaration", "variable_declaration"):
        return None
    for declarator in named_children(statement):
        if declarator.type != "variable_declarator":
            continue
        target = declarator.child_by_field_name("name")
        if target is not None and target.type == "identifier" and source.node_text(target) == name:
            return declarator.child_by_field_name("value")
    return None

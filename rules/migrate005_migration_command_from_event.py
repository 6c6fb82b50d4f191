"""The Prisma subcommand or flags come from the Lambda event.

What: a Prisma CLI call (see MIGRATE001 for how calls are found) whose arguments after `prisma`
include a template substitution, array element or concatenated value that reads the handler's
event parameter: `event.command`, a destructured `{ action }`, a local constant built from them, or
a helper's parameter that the handler fills from the event. Reported at that value. Not flagged:
constant arguments (`migrate deploy`), values from `process.env` or other constants.

Why: whoever can invoke the function (an API route, a queue message, a teammate's test event) then
picks the command: `migrate reset --force` wipes the database, `db push --accept-data-loss` drops
columns, and extra flags can point `--schema` or `--url` elsewhere.

Example:
    export const handler = async (event) => {
      execSync(`npx prisma migrate ${event.command}`)
    }

Use instead:
    export const handler = async () => {
      execFileSync(process.execPath, ['node_modules/prisma/build/index.js', 'migrate', 'deploy'])
    }

References: Prisma CLI reference (`migrate reset`, `db push`); OWASP, "Command Injection".
"""
from lintkit.analysis.migrations import prisma_runs
from lintkit.model.diagnostics import Finding
from lintkit.read.sources import FUNCTION_TYPES, iter_nodes, named_children

CODE = "MIGRATE005"
NAME = "migration-command-from-event"
SEVERITY = "warning"
SUMMARY = "The Prisma migrate subcommand or flags are taken from the invocation event."

MAX_DEPTH = 3  # local constants followed from a value back to the event


def check(service, context):
    seen = set()
    for run in prisma_runs(service):
        names = _event_names(run) if run.counts else set()
        for piece in (p for word in run.command.args for p in word.pieces if not p.literal):
            span = run.source.span(piece.node)
            if not names or span in seen or not _reads(run.source, piece.node, names):
                continue
            seen.add(span)
            shown = " ".join(run.source.node_text(piece.node).split())
            shown = shown if len(shown) <= 40 else shown[:37] + "..."
            yield Finding.at(span, f"`{run.command.label}` takes its arguments from the invocation "
                             f"event (`{shown}`): whoever invokes `{run.function.name}` picks the "
                             "command, e.g. `migrate reset --force`. Use constant arguments "
                             "(`migrate deploy`).", function=run.function.name)


def _event_names(run) -> set[str]:
    """Names that hold the event where the call is: the handler's first parameter, followed
    through the helper calls that lead to the call, and any enclosing `event` parameter."""
    names = set()
    handler = run.graph.handler
    if handler is not None and run.chain is not None:
        names = _parameter(handler, 0)
        for step in run.chain:
            names = _filled_parameters(step, names)
    for function in run.source.ancestors(run.call):
        if function.type in FUNCTION_TYPES and _parameter(function, 0) == {"event"}:
            names.add("event")
    return names


def _filled_parameters(step, names) -> set[str]:
    """The callee's parameters that a call fills with values read from `names`."""
    arguments = step.call.child_by_field_name("arguments")
    filled = set()
    for index, argument in enumerate(named_children(arguments) if arguments is not None else []):
        if _reads(step.file, argument, names):
            filled |= _parameter(step.target, index)
    return filled


def _parameter(function, index: int) -> set[str]:
    """The names the index-th parameter of a function binds (patterns included)."""
    parameters = function.child_by_field_name("parameters")
    if parameters is None:
        single = function.child_by_field_name("parameter")  # `event => ...`
        return _bound(single) if single is not None and index == 0 else set()
    items = named_children(parameters)
    return _bound(items[index]) if index < len(items) else set()


def _bound(pattern) -> set[str]:
    pattern = pattern.child_by_field_name("pattern") or pattern  # TS `event: Event`
    return {node.text.decode() for node in iter_nodes(pattern, {
        "identifier", "shorthand_property_identifier_pattern"})}


def _reads(source, node, names, depth: int = 0) -> bool:
    """Does the expression read one of `names`, directly or through local constants?"""
    for identifier in iter_nodes(node, {"identifier", "shorthand_property_identifier"}):
        if source.node_text(identifier) in names:
            return True
        value = _declared_value(source, identifier) if depth < MAX_DEPTH else None
        if value is not None and _reads(source, value, names, depth + 1):
            return True
    return False


def _declared_value(source, identifier):
    """The initialiser of the nearest declaration binding the identifier's name, destructuring
    (`const { command } = event`) included."""
    name = source.node_text(identifier)
    for scope in reversed(source.ancestors(identifier)):
        if scope.type in ("statement_block", "program"):
            for statement in named_children(scope):
                if statement.start_byte >= identifier.start_byte:
                    break
                if statement.type not in ("lexical_declaration", "variable_declaration"):
                    continue
                for declarator in named_children(statement):
                    target = declarator.child_by_field_name("name")
                    if target is not None and name in _bound(target):
                        return declarator.child_by_field_name("value")
    return None

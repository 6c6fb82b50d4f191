"""A handler response body that carries the caught error's details.

What: in handler-graph code, a `return { ..., body: ... }` (or `callback(null, { body })`) inside a
`catch (error)` block whose body is built from the error: `String(error)`, `error.message`,
`error.stack`, `error.toString()`, `JSON.stringify(error)`, `${error}` in a template, `'...' +
error`, or the error (or its message) inside `JSON.stringify({ ... })`, also through a local
`const body = ...`. Reported at the expression that leaks. Not flagged: logging the error and
returning a generic message, `error.name` / `error.code`, and returns inside an
`if (error instanceof SomeError)` branch (or ternary) for the application's own error classes,
whose messages are written for clients (`Error`, its built-in kinds and Prisma's error classes are
still flagged).

The message says what reaches the client. The error's text (`.message`, `String()`, `${}`, `+`,
`.toString()`) or stack (`.stack`, `util.inspect`): a Prisma message names the database host, the
failed call with its arguments, and model and field names. `JSON.stringify(error)` (or the error
inside a stringified object) sends only the enumerable fields: `code`, `meta` and `clientVersion`
for Prisma errors, `{}` for most others; `message` and `stack` are not enumerable, so that finding
does not claim hosts or queries leak.

Why: Prisma error messages carry the database host and port, the failed call, table and column
names (`Invalid prisma.user.findMany() invocation ... Can't reach database server at
db.xyz.rds.amazonaws.com:5432`), and `meta` names constraints and fields; returning them hands an
attacker a map of the backend.

Example:
    } catch (error) {
      return { statusCode: 500, body: JSON.stringify({ error: String(error) }) }
    }

Use instead:
    } catch (error) {
      console.error(error)
      return { statusCode: 500, body: JSON.stringify({ message: 'Internal server error' }) }
    }

References: OWASP, "Error Handling Cheat Sheet" and CWE-209 "Generation of Error Message Containing
Sensitive Information"; Prisma, "Handling exceptions and errors".
"""
from lintkit.model.diagnostics import Finding
from lintkit.read.handlers import enclosing_function
from lintkit.read.sources import callee_name, iter_nodes, named_children, unwrap

CODE = "SECRET009"
NAME = "error-details-in-response"
SEVERITY = "warning"
SUMMARY = "A handler returns the caught error's message, stack or string form to the caller."

LEAKING_PROPERTIES = frozenset({"message", "stack"})
SERIALIZERS = frozenset({"String", "JSON.stringify", "util.inspect", "inspect"})
CALLBACKS = frozenset({"callback", "cb", "done"})
DECLARATIONS = ("lexical_declaration", "variable_declaration")
BUILTIN_ERRORS = frozenset({"Error", "TypeError", "RangeError", "SyntaxError", "ReferenceError",
                            "EvalError", "URIError", "AggregateError"})


def check(service, context):
    seen = set()
    for function in service.functions:
        graph = service.graph(function)
        for file in graph.files if graph is not None else ():
            if b"catch" not in file.text:
                continue
            for leak in _leaks(file):
                span = file.span(leak)
                if span not in seen:
                    seen.add(span)
                    yield Finding.at(span, _message(leak, file.node_text(leak)),
                                     function=function.name)


PRISMA_MESSAGE = ("Prisma error messages name the database host (`Can't reach database server at "
                  "...`), the failed `prisma.<model>.<action>()` call with its arguments, and model "
                  "and field names")
FIELDS = ("the error's enumerable fields: for a Prisma error `code`, `meta` (such as the model and "
          "the fields of a failed constraint) and `clientVersion`, `{}` for most other errors; "
          "`message` and `stack` are not enumerable and stay out")
ADVICE = ("Log the error and return a generic message such as `{ message: 'Internal server error' }` "
          "(or one chosen from `error.code`).")


def _message(leak, expression: str) -> str:
    shown = expression if len(expression) <= 40 else expression[:37] + "..."
    exposure = _exposure(leak)
    if exposure == "fields":
        return (f"This response body serialises the caught error with `JSON.stringify` (`{shown}`), "
                f"which sends {FIELDS}. {ADVICE}")
    what = {"stack": "stack trace", "inspect": "message, stack trace and fields"}.get(exposure, "message")
    holds = ", which holds its message and the server's file paths," if exposure == "stack" else ""
    return (f"This response body returns the caught error's {what} (`{shown}`){holds} to the caller; "
            f"{PRISMA_MESSAGE}. {ADVICE}")


def _exposure(leak) -> str:
    """What of the error reaches the client: "fields" (JSON serialisation), "stack", "inspect"
    (`util.inspect` shows everything) or "message" (`.message`, `String()`, `${}`, `+`)."""
    if leak.type in ("identifier", "shorthand_property_identifier"):
        return "fields"  # the error as a value inside `JSON.stringify({ ... })`
    if leak.type == "member_expression":
        return "stack" if leak.child_by_field_name("property").text == b"stack" else "message"
    if leak.type == "call_expression":
        callee = callee_name(leak)
        if callee == "JSON.stringify":
            return "fields"
        if callee in ("util.inspect", "inspect"):
            return "inspect"
    return "message"


def _leaks(file):
    for catch in file.nodes_of(("catch_clause",)):
        parameter = catch.child_by_field_name("parameter")
        body = catch.child_by_field_name("body")
        if parameter is None or body is None or parameter.type != "identifier":
            continue
        name = parameter.text.decode()
        owner = enclosing_function(catch, file)
        for response in _responses(file, body, owner):
            for leak in _error_uses(_body_value(response, catch), name):
                if not _narrowed_to_own_error(leak, name, catch):
                    yield leak


def _responses(file, block, owner):
    """Object literals returned (or passed to `callback`) from the catch block's own function."""
    for node in iter_nodes(block, ("return_statement", "call_expression")):
        if enclosing_function(node, file) != owner:
            continue
        if node.type == "return_statement":
            candidates = named_children(node)
        elif callee_name(node) in CALLBACKS:
            candidates = named_children(node.child_by_field_name("arguments"))
        else:
            continue
        for candidate in candidates:
            candidate = unwrap(candidate)
            if candidate is not None and candidate.type == "object":
                yield candidate


def _body_value(response, catch):
    """The expression of the response's `body` property (a local `const body = ...` followed)."""
    for member in named_children(response):
        if member.type == "pair" and _key(member) == "body":
            value = unwrap(member.child_by_field_name("value"))
            if value is not None and value.type == "identifier":
                return _declared_value(value, catch) or value
            return value
        if member.type == "shorthand_property_identifier" and member.text == b"body":
            return _declared_value(member, catch)
    return None


def _declared_value(identifier, catch):
    """The value a `const`/`let` in the blocks between `identifier` and the catch gives its name."""
    block = identifier.parent
    while block is not None and block != catch:
        statements = named_children(block) if block.type == "statement_block" else []
        for statement in (s for s in statements if s.type in DECLARATIONS):
            for declarator in named_children(statement):
                name = declarator.child_by_field_name("name")
                if name is not None and name.text == identifier.text:
                    return declarator.child_by_field_name("value")
        block = block.parent
    return None


def _key(pair) -> str:
    key = pair.child_by_field_name("key")
    return key.text.decode().strip("'\"") if key is not None else ""


def _error_uses(expression, name: str):
    """The nodes of `expression` that put the error's text into it."""
    if expression is None:
        return
    for node in iter_nodes(expression, ("identifier", "shorthand_property_identifier")):
        if node.text.decode() == name:
            leak = _leaking_use(node)
            if leak is not None:
                yield leak


def _leaking_use(identifier):
    """The expression around one use of the error name that exposes its text, or None."""
    parent = identifier.parent
    while parent is not None and parent.type in ("parenthesized_expression", "as_expression",
                                                 "non_null_expression"):
        identifier, parent = parent, parent.parent
    if parent is None:
        return None
    if parent.type == "member_expression":
        prop = parent.child_by_field_name("property").text.decode()
        if prop in LEAKING_PROPERTIES:
            return parent
        call = parent.parent
        if prop == "toString" and call is not None and call.type == "call_expression":
            return call
        return None
    if parent.type == "arguments" and callee_name(parent.parent) in SERIALIZERS:
        return parent.parent
    if parent.type == "template_substitution" or _is_concatenation(parent):
        return parent
    if parent.type in ("pair", "object") and _inside_stringify(parent):
        return identifier
    return None


def _inside_stringify(node) -> bool:
    while node is not None and node.type in ("object", "pair", "array", "arguments"):
        if node.type == "arguments":
            return callee_name(node.parent) == "JSON.stringify"
        node = node.parent
    return False


def _is_concatenation(node) -> bool:
    operator = node.child_by_field_name("operator") if node.type == "binary_expression" else None
    return operator is not None and operator.type == "+"


def _narrowed_to_own_error(node, name: str, catch) -> bool:
    """Inside the `then` part of `if (name instanceof X)` or `name instanceof X ? ... : ...` for an
    application error class X (not a Prisma one)."""
    child, parent = node, node.parent
    while parent is not None and parent != catch:
        if (parent.type in ("if_statement", "ternary_expression")
                and parent.child_by_field_name("consequence") == child
                and _tests_own_error_class(parent.child_by_field_name("condition"), name)):
            return True
        child, parent = parent, parent.parent
    return False


def _tests_own_error_class(condition, name: str) -> bool:
    for test in iter_nodes(condition, ("binary_expression",)) if condition is not None else ():
        left, right = test.child_by_field_name("left"), test.child_by_field_name("right")
        operator = test.child_by_field_name("operator")
        if (operator is not None and operator.type == "instanceof" and left is not None
                and left.text.decode() == name and _is_application_error(right.text.decode())):
            return True
    return False


def _is_application_error(class_name: str) -> bool:
    """`HttpError`, `errors.NotFound`; not `Error` and its built-in kinds, nor Prisma's classes."""
    return class_name not in BUILTIN_ERRORS and "Prisma" not in class_name

"""An RDS IAM auth token built into a connection that outlives it, or a signer without `rds-db:connect`.

What: in a function's handler graph, the result of `signer.getAuthToken()` (`new Signer(...)` from
`@aws-sdk/rds-signer`, or v2 `new AWS.RDS.Signer()`) put into a connection URL (a template or `+`
string containing `://`, as in Prisma's `datasources.db.url`) or passed as `password: token`, when
the token is fetched at module scope (once per instance, whoever uses it later), or when it goes
into a lazy singleton (`if (!pool) pool = new Pool(...)`, `pool ??= ...`) stored in a module-level
variable. Reported at the URL or the `password`
value. Also, once per service, a service whose functions use the signer while its literal IAM
statements (`provider.iam.role.statements`, `provider.iamRoleStatements`, per-function statements,
raw roles and policies) grant no `rds-db:connect` (reported at the statements). Not flagged:
`password: () => signer.getAuthToken()` or `async () => ...` (pg asks for it per connection), a token
fetched per invocation, a token fetched in a function and cached in a module variable (the cache may
carry an expiry lintkit cannot see), a token returned from a helper, a client built in a local
variable and stored afterwards; and for IAM: a custom role
(`provider.iam.role` as a name or ARN, `role:`), managed policies, statements with variables or
intrinsics in `Action`, or no statements at all (lintkit cannot see what the role grants).

Why: an IAM auth token is valid for 15 minutes, and a warm Lambda instance lives for hours: every
connection the pool or Prisma opens after that is refused (`PAM authentication failed`). Without
`rds-db:connect` on the function's role the token is signed but the database refuses it.

Example:
    const signer = new Signer({ hostname, port: 5432, username: "app" });
    const token = await signer.getAuthToken();
    export const pool = new Pool({ host: hostname, user: "app", password: token });

Use instead:
    const signer = new Signer({ hostname, port: 5432, username: "app" });
    export const pool = new Pool({ host: hostname, user: "app", password: () => signer.getAuthToken() });

References: AWS RDS User Guide, "Connecting to your DB instance using IAM authentication" (tokens
have a lifetime of 15 minutes) and "Creating and using an IAM policy for IAM database access"
(`rds-db:connect`); node-postgres, "Client" (`password` may be a function returning a promise).
"""
import fnmatch
import os
import re
from pathlib import Path

from lintkit.analysis.iam import statements, values
from lintkit.model.diagnostics import Finding
from lintkit.model.nodes import Sequence, path_get
from lintkit.read.handlers import is_module_scope, scope_chain, scope_names
from lintkit.read.sources import FUNCTION_TYPES, WRAPPER_TYPES, iter_nodes, string_value, unwrap
from lintkit.read.staticjs import package_calls, package_origin

from ._common import once_per_place

CODE = "SECRET014"
NAME = "rds-iam-token-baked-in"
SEVERITY = "error"
SUMMARY = "An RDS IAM token baked into a long-lived connection, or a signer without `rds-db:connect`."

SIGNER_MODULES = frozenset({"@aws-sdk/rds-signer"})
# Nodes a token passes through unchanged on its way into a URL or a password.
PASS_THROUGH = WRAPPER_TYPES | {"template_substitution", "arguments", "call_expression", "binary_expression"}
GUARDED_ASSIGNMENTS = ("??=", "||=")


def check(service, context):
    yield from once_per_place(_findings(service))


def _findings(service):
    users = []
    for function in service.functions:
        graph = service.graph(function)
        if graph is None:
            continue
        calls = [(file, call) for file in graph.files for call in _token_calls(file)]
        if calls:
            users.append((function, calls[0]))
        for file, call in calls:
            for sink, kind, cached in _baked_sinks(file, call):
                yield Finding.at(file.span(sink), _message(service, file, call, kind, cached),
                                 function=function.name)
    if users:
        yield from _missing_connect(service, users)


# -- the token and where it goes -------------------------------------------------------------------
def _token_calls(file):
    """`getAuthToken()` calls on a signer in a file that constructs one."""
    if b"getAuthToken" not in file.text or not _constructs_signer(file):
        return []
    found = []
    for call in file.nodes_of(("call_expression",)):
        callee = call.child_by_field_name("function")
        if callee is not None and callee.type == "member_expression" and \
                file.node_text(callee.child_by_field_name("property")) == "getAuthToken":
            found.append(call)
    return found


def _constructs_signer(file) -> bool:
    """`new Signer()` from `@aws-sdk/rds-signer`, or v2 `new AWS.RDS.Signer()` / `new RDS.Signer()`
    (a two-level member chain that package_origin does not follow, so its owner is read here)."""
    if any(call.type == "new_expression" and origin == ("@aws-sdk/rds-signer", "Signer")
           for call, origin in package_calls(file, SIGNER_MODULES)):
        return True
    for call in file.nodes_of(("new_expression",)):
        constructor = unwrap(call.child_by_field_name("constructor"))
        if constructor is None or constructor.type != "member_expression" or \
                file.node_text(constructor.child_by_field_name("property")) != "Signer":
            continue
        if package_origin(file, constructor.child_by_field_name("object")) == ("aws-sdk", "RDS"):
            return True
    return False


def _token_uses(file, call):
    """The call (with its `await`), and the identifiers of the variable it initialises."""
    value = call
    while value.parent is not None and value.parent.type in WRAPPER_TYPES:
        value = value.parent
    yield value
    declarator = value.parent
    if declarator is None or declarator.type != "variable_declarator" or \
            declarator.child_by_field_name("value") != value:
        return
    name_node = declarator.child_by_field_name("name")
    if name_node is None or name_node.type != "identifier":
        return
    name = file.node_text(name_node)
    scope = _enclosing_function(declarator) or file.root
    for node in iter_nodes(scope, ("identifier", "shorthand_property_identifier")):
        if file.node_text(node) == name and node != name_node and \
                not _shadowed(file, node, name, declarator):
            yield node


def _shadowed(file, node, name: str, declarator) -> bool:
    """True when a scope between `node` and the token's declaration declares `name` again."""
    cell = scope_chain(file, node)
    while cell is not None and not _within(declarator, cell.node):
        if name in scope_names(cell.node):
            return True
        cell = cell.parent
    return False


def _within(node, scope) -> bool:
    return scope.start_byte <= node.start_byte and node.end_byte <= scope.end_byte


def _baked_sinks(file, call):
    """(sink node, "URL" or "password", cached variable or None) where the token is built in."""
    fetched_once = is_module_scope(call, file)
    for use in _token_uses(file, call):
        found = _sink(file, use)
        if found is None:
            continue
        sink, kind = found
        if fetched_once or is_module_scope(sink, file):
            yield sink, kind, None
            continue
        cached = _lazy_singleton(file, sink)
        if cached is not None:
            yield sink, kind, cached


def _sink(file, use):
    """The connection URL or `password:` value the token flows into, through wrappers, calls such as
    `encodeURIComponent(token)` and string concatenation; None elsewhere."""
    if use.type == "shorthand_property_identifier":
        return (use, "password") if file.node_text(use) == "password" else None
    node = use
    while node.parent is not None:
        parent = node.parent
        if parent.type == "pair" and parent.child_by_field_name("value") == node:
            key = parent.child_by_field_name("key")
            name = string_value(file, key) if key is not None and key.type == "string" else \
                file.node_text(key) if key is not None else None
            return (node, "password") if name == "password" else None
        if parent.type == "template_string" or (parent.type == "template_substitution"):
            template = parent if parent.type == "template_string" else parent.parent
            if template is not None and "://" in file.node_text(template):
                return template, "URL"
        if parent.type == "binary_expression" and "://" in _string_parts(file, parent):
            top = parent
            while top.parent is not None and top.parent.type == "binary_expression":
                top = top.parent
            return top, "URL"
        if parent.type not in PASS_THROUGH or (parent.type == "call_expression" and
                                               parent.child_by_field_name("function") == node):
            return None
        node = parent
    return None


def _string_parts(file, binary) -> str:
    return "".join(file.node_text(part) for part in iter_nodes(binary, ("string", "template_string")))


def _lazy_singleton(file, sink):
    """The module-level variable a guarded assignment around `sink` stores the connection in:
    `x ??= ...`, `x ||= ...`, or `x = ...` inside `if (!x)`/`if (x == null)`."""
    node = sink
    while node.parent is not None and node.parent.type not in FUNCTION_TYPES:
        node = node.parent
        if node.type not in ("assignment_expression", "augmented_assignment_expression"):
            continue
        left = node.child_by_field_name("left")
        if left is None or left.type != "identifier":
            return None
        name = file.node_text(left)
        if name not in file.top_level_definitions or _declared_locally(file, node, name):
            return None
        operator = node.child_by_field_name("operator")
        if node.type == "augmented_assignment_expression":
            guarded = operator is not None and file.node_text(operator) in GUARDED_ASSIGNMENTS
            return name if guarded else None
        return name if _guarded_by(file, node, name) else None
    return None


def _guarded_by(file, node, name: str) -> bool:
    """True when an enclosing `if` of the function tests that `name` is not set yet."""
    while node.parent is not None and node.parent.type not in FUNCTION_TYPES:
        node = node.parent
        if node.type == "if_statement":
            condition = file.node_text(node.child_by_field_name("condition"))
            unset = rf"!\s*{re.escape(name)}\b|\b{re.escape(name)}\s*===?\s*(null|undefined)\b"
            if re.search(unset, condition):
                return True
    return False


def _declared_locally(file, node, name: str) -> bool:
    function = _enclosing_function(node)
    if function is None:
        return False
    for declarator in iter_nodes(function, ("variable_declarator",)):
        target = declarator.child_by_field_name("name")
        if target is not None and file.node_text(target) == name:
            return True
    return False


def _enclosing_function(node):
    while node.parent is not None:
        node = node.parent
        if node.type in FUNCTION_TYPES:
            return node
    return None


def _message(service, file, call, kind: str, cached: str | None) -> str:
    where = _location(service, file.span(call))
    into = "this connection URL" if kind == "URL" else "this `password`"
    how = f"goes into {into} once and is kept in `{cached}`" if cached else \
        f"is fetched once, when the module loads, and goes into {into}"
    fix = ("pass `password: () => signer.getAuthToken()` (pg asks for it per connection)" if kind == "password"
           else "build the connection with a fresh token per invocation, or for pg pass `password: () => "
           "signer.getAuthToken()` (pg asks for it per connection)")
    return (f"The RDS IAM token from `getAuthToken()` ({where}) {how}: IAM auth "
            "tokens expire after 15 minutes and a warm instance lives longer, so the connections it opens "
            f"after that are refused: {fix}.")


# -- rds-db:connect ----------------------------------------------------------------------------------
def _missing_connect(service, users):
    if _role_unknown(service):
        return
    found = statements(service)
    if not found:
        return
    for statement in found:
        if not statement.allows:
            continue
        if statement.node.get("NotAction") is not None:
            return
        action = statement.node.get("Action")
        literal = values(action)
        written = action.items if isinstance(action, Sequence) else [action]
        if action is None or len(literal) != len(written):
            return  # an action lintkit cannot read
        if any(fnmatch.fnmatchcase("rds-db:connect", str(item.value).lower()) for item in literal):
            return
    where = _statements_node(service) or found[0].node
    names = ", ".join(f"`{function.name}`" for function, _ in users)
    file, call = users[0][1]
    place = _location(service, file.span(call))
    verb = "signs" if len(users) == 1 else "sign"
    yield Finding.at(where, f"{names} {verb} RDS IAM auth tokens (`getAuthToken()` at {place}) but no IAM "
                     "statement of the service allows `rds-db:connect`, so the database refuses every "
                     "token: add a statement with `Action: rds-db:connect` and `Resource: arn:aws:rds-db:"
                     "<region>:<account>:dbuser:<DbiResourceId>/<user>`.",
                     function=users[0][0].name)


def _location(service, span) -> str:
    return f"{Path(os.path.relpath(span.path, service.root)).as_posix()}:{span.line}"


def _role_unknown(service) -> bool:
    provider = service.provider
    role = path_get(provider, "iam", "role")
    if path_get(provider, "role") is not None or (role is not None and not hasattr(role, "pairs")):
        return True
    if path_get(provider, "iam", "role", "managedPolicies") is not None or \
            path_get(provider, "iamManagedPolicies") is not None:
        return True
    return any(function.kind == "resource" or function.node.get("role") is not None
               for function in service.functions)


def _statements_node(service):
    for path in (("iam", "role", "statements"), ("iamRoleStatements",)):
        node = path_get(service.provider, *path)
        if isinstance(node, Sequence):
            return node
    return None

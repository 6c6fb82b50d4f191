"""A GraphQL server configured to return raw errors to its callers.

What: in handler-graph code, the options of a GraphQL server that send resolver errors to the
caller as they are:
- Apollo Server (`new ApolloServer({...})` from `apollo-server-lambda`, `apollo-server`, the other
  `apollo-server-*` integrations or `@apollo/server`, which `@as-integrations/aws-lambda` serves):
  a `formatError` that returns its argument unchanged on every path (`(e) => e`,
  `formatError(err) { console.error(err); return err }`, Apollo 4's `(formatted, error) => error`),
  the resolver's original error (`err.originalError`, `unwrapResolverError(err)`); `debug: true`
  (Apollo 2 and 3) or `includeStacktraceInErrorResponses: true` (Apollo 4), which add stack traces;
- GraphQL Yoga (`createYoga`, or `createServer` from `@graphql-yoga/node`): `maskedErrors: false`;
- Mercurius (`app.register(mercurius, {...})`): an `errorFormatter` whose `response` is the
  execution result it was given.
Options written inline or as a module-scope `const` of the same file are read; a `formatError`
named by identifier is followed to its function in that file. Reported at the function or at the
literal `true`/`false`; the message speaks of Prisma's error messages when the handler graph
imports the Prisma client, of database errors otherwise. Not flagged: a `formatError` that
returns something else on some path (it masks), or builds a new object (`{ message: 'Internal server error' }`, also one taken from the
error's fields, the author's choice of what to show); values that are not literals (`debug:
process.env.STAGE !== 'prod'`: the stage decides, and lintkit cannot know the deployed one);
servers in files no handler reaches; Apollo's defaults (no `formatError`; no `debug`, although
Apollo then adds stack traces unless NODE_ENV is `production`: that is a deploy-time value).

Why: a resolver's error message reaches every caller, and Prisma's messages name the database
host (`Can't reach database server at db.xyz.rds.amazonaws.com:5432`), the failed
`prisma.user.create()` call with its arguments, and the constraint and fields of a failed unique
check; stack traces add the server's file paths. A GraphQL endpoint is usually public, so this
hands anyone a map of the backend.

Example:
    const server = new ApolloServer({
      typeDefs, resolvers,
      formatError: (error) => error,
    })

Use instead:
    import { unwrapResolverError } from '@apollo/server/errors'
    const server = new ApolloServer({
      typeDefs, resolvers,
      formatError: (formatted, error) => {
        if (unwrapResolverError(error) instanceof UserInputError) return formatted
        console.error(error)
        return { message: 'Internal server error' }
      },
    })

References: Apollo Server, "Error handling" (masking and logging errors, formatError,
includeStacktraceInErrorResponses); GraphQL Yoga, "Error masking"; Mercurius, "errorFormatter";
OWASP, "GraphQL Cheat Sheet" (error handling) and CWE-209.
"""
from lintkit.analysis.packaging import imports_prisma
from lintkit.model.diagnostics import Finding
from lintkit.read.sources import FUNCTION_TYPES, callee_name, object_member, unwrap
from lintkit.read.staticjs import (
    call_arguments, package_calls, package_origin, parameter_names, returned_values,
)

CODE = "SECRET011"
NAME = "graphql-raw-errors"
SEVERITY = "warning"
SUMMARY = "A GraphQL server returns resolver errors (Prisma's messages, stack traces) to callers as they are."

APOLLO_2_3 = frozenset({
    "apollo-server", "apollo-server-lambda", "apollo-server-express", "apollo-server-koa",
    "apollo-server-hapi", "apollo-server-fastify", "apollo-server-micro",
    "apollo-server-cloud-functions", "apollo-server-azure-functions",
})
APOLLO_4 = frozenset({"@apollo/server"})
YOGA = {"graphql-yoga": ("createYoga", "createServer"), "@graphql-yoga/node": ("createServer",),
        "@graphql-yoga/common": ("createServer",)}
MERCURIUS = "mercurius"
MARKERS = (b"formatError", b"debug", b"includeStacktraceInErrorResponses", b"maskedErrors",
           b"errorFormatter")
# What a database error tells a caller, said of Prisma when the handler graph uses it.
EXPOSURE = {
    True: ("Prisma's messages name the database host, the failed query with its arguments and the "
           "constraint and fields of a failed check"),
    False: ("database errors name the host, the failed query and the tables and constraints "
            "involved"),
}
FORMAT_ADVICE = ("log the error and return a generic message such as `{ message: 'Internal server "
                 "error' }`, keeping only the errors you throw for clients (test "
                 "`unwrapResolverError(error)` against your own error classes or known "
                 "`extensions.code`s)")


def check(service, context):
    seen, graphs = set(), set()
    for function in service.functions:
        graph = service.graph(function)
        if graph is None or id(graph) in graphs:  # functions naming one handler share its graph
            continue
        graphs.add(id(graph))
        for file in graph.files:
            if file.path in seen or not any(marker in file.text for marker in MARKERS):
                continue
            seen.add(file.path)
            for node, message in _raw_error_options(file, EXPOSURE[imports_prisma(service, graph)]):
                yield Finding.at(file.span(node), message, function=function.name)


def _raw_error_options(file, exposure: str):
    modules = frozenset(APOLLO_2_3 | APOLLO_4 | set(YOGA) | {MERCURIUS})
    for call, (module, imported) in package_calls(file, modules):
        if call.type == "new_expression" and imported == "ApolloServer" and module != MERCURIUS:
            options = _options(file, call, 0)
            if options is not None:
                yield from _apollo(file, options, module, exposure)
        elif imported in YOGA.get(module, ()):
            options = _options(file, call, 0)
            masked = object_member(options, "maskedErrors") if options is not None else None
            if masked is not None and unwrap(masked).type == "false":
                yield unwrap(masked), (
                    "`maskedErrors: false` turns off GraphQL Yoga's error masking, so unexpected "
                    f"errors reach every caller with their messages; {exposure}. Remove it (Yoga "
                    "then logs the error and answers `Unexpected error.`) and throw `GraphQLError` "
                    "for the messages meant for clients.")
    if MERCURIUS.encode() in file.text:
        yield from _mercurius(file, exposure)


def _options(file, call, index: int):
    """The options object literal passed as argument `index` (a module-scope `const` followed)."""
    arguments = call_arguments(call)
    node = unwrap(arguments[index]) if len(arguments) > index else None
    if node is not None and node.type == "identifier":
        node = unwrap(file.follow_local(node))
    return node if node is not None and node.type == "object" else None


def _apollo(file, options, module: str, exposure: str):
    format_error = _function(file, object_member(options, "formatError"))
    if format_error is not None:
        raw = _raw_return(format_error)
        if raw is not None:
            yield format_error, (
                f"This Apollo `formatError` returns {raw} on every path, so every caller gets the "
                f"error's message; {exposure}. Instead, {FORMAT_ADVICE}.")
    flag, where = (("debug", "`extensions.exception.stacktrace`") if module in APOLLO_2_3
                   else ("includeStacktraceInErrorResponses", "`extensions.stacktrace`"))
    value = unwrap(object_member(options, flag))
    if value is not None and value.type == "true":
        yield value, (
            f"`{flag}: true` makes Apollo Server put every error's stack trace ({where}) into "
            f"its responses, with the server's file paths and the error's message; {exposure}. "
            f"Set it to `false`: removing it is not enough, Apollo's default is `true` unless "
            "NODE_ENV is `production`, and Lambda does not set NODE_ENV.")


def _function(file, node):
    """The function a `formatError` option stands for: written there, a method, or a function of
    the same file named by identifier."""
    node = unwrap(node)
    if node is not None and node.type in ("identifier", "shorthand_property_identifier"):
        node = unwrap(file.follow_local(node))
    return node if node is not None and node.type in FUNCTION_TYPES else None


def _raw_return(function) -> str | None:
    """What a `formatError` returns when every path returns the error it was given, or None."""
    names = [name for name in parameter_names(function)[:2] if name is not None]
    values = returned_values(function) if names else None
    if not values:
        return None
    kinds = {_raw_kind(value, names) for value in values}
    if None in kinds:
        return None
    return "the error it was given" if kinds == {"error"} else "the resolver's original error"


def _raw_kind(value, names: list[str]) -> str | None:
    """"error" for one of the parameters, "original" for its `.originalError` or
    `unwrapResolverError(...)` of it; None for anything else."""
    kind = "error"
    value = unwrap(value)
    while value is not None and value.type == "call_expression" \
            and callee_name(value).endswith("unwrapResolverError"):
        arguments = call_arguments(value)
        value, kind = (unwrap(arguments[0]) if arguments else None), "original"
    if value is not None and value.type == "member_expression" \
            and value.child_by_field_name("property").text == b"originalError":
        value, kind = unwrap(value.child_by_field_name("object")), "original"
    if value is not None and value.type == "identifier" and value.text.decode() in names:
        return kind
    return None


def _mercurius(file, exposure: str):
    for call in _register_calls(file):
        options = _options(file, call, 1)
        formatter = _function(file, object_member(options, "errorFormatter") if options is not None else None)
        if formatter is None:
            continue
        names = parameter_names(formatter)[:1]
        values = returned_values(formatter) if names and names[0] else None
        if values and all(_returns_execution(value, names[0]) for value in values):
            yield formatter, (
                "This Mercurius `errorFormatter` answers with the execution result as it is, so "
                f"every caller gets each error's message; {exposure}. Map the errors to generic "
                "messages (log the originals) and keep only the ones you throw for clients.")


def _register_calls(file):
    """`app.register(mercurius, options)` calls."""
    for call in file.nodes_of(("call_expression",)):
        function = unwrap(call.child_by_field_name("function"))
        arguments = call_arguments(call)
        if (function is not None and function.type == "member_expression" and arguments
                and function.child_by_field_name("property").text == b"register"
                and package_origin(file, arguments[0]) in ((MERCURIUS, "*"), (MERCURIUS, "default"))):
            yield call


def _returns_execution(value, name: str) -> bool:
    """`{ statusCode, response: execution }`: the execution result passed through."""
    value = unwrap(value)
    if value is None or value.type != "object":
        return False
    response = unwrap(object_member(value, "response"))
    return response is not None and response.type == "identifier" and response.text.decode() == name

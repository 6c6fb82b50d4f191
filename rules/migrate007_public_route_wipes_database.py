"""A public HTTP route runs code that wipes the database.

What: an `http` or `httpApi` event with no authorizer whose function's handler runs, on each
invocation, a call that deletes every row of a table or the whole database: `deleteMany()` with no
`where` (or `deleteMany({})`, `where: {}`), `$executeRaw`/`$executeRawUnsafe`/`$queryRaw`/
`$queryRawUnsafe` with `TRUNCATE`, `DROP TABLE|SCHEMA|DATABASE` or a `DELETE FROM` without `WHERE`,
or the Prisma CLI with `migrate reset` or `db push --force-reset` (see `lintkit.analysis.wipes`).
Reported once per route, at the event, naming the first such call and where it is.
A route is authorised by `authorizer:` on the event (any form: a name, an ARN, `aws_iam`, a
Cognito, JWT or Lambda authorizer, a value known only at deploy time) or, for `http`, `private:
true` (API key). Serverless has no default authorizer, and `provider.httpApi.authorizers` only
defines authorizers. Nothing is said when lintkit cannot see the whole access control: `http`
routes of a service whose REST API comes from another stack (`provider.apiGateway.restApiId`), has a
resource policy or a `PRIVATE` endpoint, or whose `resources` add or override API Gateway methods
(`AWS::ApiGateway::Method`, `extensions` of `ApiGatewayMethod*`); `httpApi` routes when `resources`
add or override HTTP API routes; handlers wrapped by middleware (`middy(...).use(...)`, the
serverless-middleware plugin's chain), which may check credentials.
Not flagged: authorised routes, deletes with a `where` of any content (or arguments that are not an
object literal), SQL on a scratch table the same file creates (`CREATE TEMP TABLE`), functions
without `http`/`httpApi` events (a scheduled or manually invoked seed; function URLs are not read
here), code the handler does not run on each invocation, and calls behind a test of the stage, the
environment or a credential (`if (process.env.STAGE === 'dev')`, an early `return` when a header
does not match a secret): which stage the route reaches, and whether the check holds, lintkit
cannot know.

Why: anyone who finds the URL (API Gateway URLs end up in logs, browser histories and crawlers)
empties the tables with one request, and keeps doing so. Seed and reset endpoints copied from
starters are the usual way in.

Example:
    functions:
      seed:
        handler: handlers/seed.handler   # await prisma.user.deleteMany(); then creates sample rows
        events:
          - http:
              method: GET
              path: /seed

Use instead:
    functions:
      seed:
        handler: handlers/seed.handler   # no events: `serverless invoke -f seed` from CI
    # or keep the route with `authorizer: aws_iam` (or `private: true` and an API key)

References: Serverless Framework, "API Gateway" (authorizers, `private`) and "HTTP API"
(authorizers); Prisma Client API reference (`deleteMany`, `$executeRaw`); OWASP API Security Top 10,
API5:2023 "Broken Function Level Authorization".
"""
from lintkit.analysis.clients import location
from lintkit.analysis.wipes import invocation_wipes
from lintkit.model.diagnostics import Finding
from lintkit.model.nodes import Mapping, Scalar, Sequence, is_dynamic, path_get, text

CODE = "MIGRATE007"
NAME = "public-route-wipes-database"
SEVERITY = "error"
SUMMARY = "A public http/httpApi route runs deleteMany() without where, TRUNCATE/DROP or migrate reset."

ROUTE_EVENTS = ("http", "httpApi")
MIDDLEWARE_MODULES = ("@middy/core", "middy")


def check(service, context):
    unseen = None
    for function in service.functions:
        if function.kind != "function":
            continue
        wipes = invocation_wipes(service, function)
        if not wipes or _wrapped_by_middleware(service, function):
            continue
        if unseen is None:
            unseen = _unseen_access_control(service)
        routes = [(key, kind, event) for key, kind, event in _route_events(function)
                  if kind not in unseen and not _authorised(kind, event)]
        for key, kind, event in routes:
            yield Finding.at(key, _message(service, _route_label(kind, event), wipes),
                             function=function.name, related=[wipe.span for wipe in wipes])


def _route_events(function):
    """(key node, kind, value) of each `http`/`httpApi` event."""
    events = function.node.get("events")
    for event in events.items if isinstance(events, Sequence) else ():
        if isinstance(event, Mapping) and event.pairs:
            key, value = event.pairs[0]
            if str(key.value) in ROUTE_EVENTS:
                yield key, str(key.value), value


def _authorised(kind, event) -> bool:
    """An authorizer, an API key, or a value lintkit cannot read (never guessed public)."""
    if is_dynamic(event):
        return True
    if not isinstance(event, Mapping):
        return False  # `- http: GET /seed`
    authorizer = event.get("authorizer")
    if authorizer is not None and not _empty(authorizer):
        return True
    private = event.get("private")
    return kind == "http" and private is not None and (is_dynamic(private) or text(private) == "true")


def _empty(node) -> bool:
    """`authorizer:` with no value (or `false`, `{}`)."""
    if isinstance(node, Scalar):
        return node.value in (None, "", False)
    return isinstance(node, Mapping) and not node.pairs


def _unseen_access_control(service) -> set[str]:
    """The event kinds whose access control is partly outside what lintkit reads."""
    unseen = set()
    provider = service.provider
    api = path_get(provider, "apiGateway")
    endpoint = path_get(provider, "endpointType")
    private = endpoint is not None and (is_dynamic(endpoint) or (text(endpoint) or "").upper() == "PRIVATE")
    if path_get(api, "restApiId") is not None or path_get(api, "resourcePolicy") is not None or private:
        unseen.add("http")
    types = {resource.type for resource in service.resources}
    extensions = [str(key.value) for key, _ in _extensions(service)]
    if "AWS::ApiGateway::Method" in types or any(n.startswith("ApiGatewayMethod") for n in extensions):
        unseen.add("http")
    if "AWS::ApiGatewayV2::Route" in types or any(n.startswith("HttpApiRoute") for n in extensions):
        unseen.add("httpApi")
    return unseen


def _extensions(service):
    block = service.document.get("resources") if service.document else None
    for fragment in block.items if isinstance(block, Sequence) else [block]:
        extensions = path_get(fragment, "extensions")
        if isinstance(extensions, Mapping):
            yield from extensions.pairs


def _wrapped_by_middleware(service, function) -> bool:
    """Middleware runs before the handler and may check credentials: serverless-middleware's
    chain, or a handler exported through a middy call in a file that `.use()`s middleware."""
    graph = service.graph(function)
    if graph is None:
        return False
    if graph.middleware:
        return True
    definition = graph.export_definition
    if definition is None or definition[1].type != "call_expression":
        return False
    file = definition[0]
    return graph.imports_module(*MIDDLEWARE_MODULES) and ".use(" in file.node_text(file.root)


def _route_label(kind, event) -> str:
    if isinstance(event, Mapping):
        method, path = text(event.get("method")), text(event.get("path"))
    else:
        method, _, path = (text(event) or "").strip().partition(" ")
    if kind == "httpApi" and (method or "*").strip() == "*" and (path or "*").strip() == "*":
        return "the catch-all route `*`"
    route = " ".join(part for part in ((method or "").upper(), _slashed(path)) if part)
    return f"`{route}`" if route else f"an `{kind}` route"


def _slashed(path) -> str:
    path = (path or "").strip()
    return path if not path or path.startswith("/") else "/" + path


def _message(service, route, wipes) -> str:
    first = wipes[0]
    where = location(first.span, service.root)
    runs = first.what if first.kind == "cli" else f"`{first.label}` with {first.what}"
    others = len(wipes) - 1
    more = f" and {others} more such call{'s' if others > 1 else ''}" if others else ""
    if any(wipe.kind == "cli" for wipe in wipes):
        effect = "anyone can reset the database"
    else:
        effect = "anyone can wipe the tables" if others else "anyone can wipe the table"
    return (f"{route} is public and its handler runs {runs} ({where}){more}: {effect}. Add an "
            "authorizer to the route, or remove the route and invoke the function from CI.")

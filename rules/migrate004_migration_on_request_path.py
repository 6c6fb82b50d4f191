"""Migrations run on the request path, on every cold start, or with unlimited concurrency.

What: a Prisma migration command (`prisma migrate deploy|dev|reset|resolve`, `prisma db push`; see
MIGRATE001 for how calls are found) that
- runs in a function with `http`, `httpApi`, `sqs`, `schedule` or `stream` events (reported at the
  call), or
- runs at module scope of a handler-graph file, so on every cold start (reported at the call), or
- runs in a function without `reservedConcurrency: 1` (`ReservedConcurrentExecutions: 1` on a raw
  `AWS::Lambda::Function`), reported at that setting or at the function.
Not flagged: a dedicated function with `reservedConcurrency: 1` and no such events, invoked by CI
(`serverless invoke`, `aws lambda invoke`) or by a custom resource. Only calls the function really
makes count: a helper module the handler imports for something else does not. A concurrency value
known only at deploy time is not judged.

Why: every request, message or cold start then races to migrate the same database: concurrent
`migrate deploy` runs wait on Prisma's advisory lock until they time out, requests stall behind
schema changes, and a failed migration breaks the API instead of the deployment.

Example:
    functions:
      api:
        handler: src/api.handler        # calls runMigrations() before serving the request
        events:
          - httpApi: '*'

Use instead:
    functions:
      migrate:
        handler: src/migrate.handler    # invoked once per deployment from CI
        reservedConcurrency: 1

References: Prisma, "Deploying database changes with Prisma Migrate" (run `migrate deploy` in CI/CD,
advisory locking); Serverless Framework, "Functions" (reservedConcurrency).
"""
from lintkit.analysis.facts import number
from lintkit.analysis.migrations import migration_runs
from lintkit.model.diagnostics import Finding
from lintkit.model.nodes import is_dynamic

CODE = "MIGRATE004"
NAME = "migration-on-request-path"
SEVERITY = "warning"
SUMMARY = "A migration runs per request, message or cold start, or without reservedConcurrency: 1."

REQUEST_EVENTS = ("http", "httpApi", "sqs", "schedule", "stream")


def check(service, context):
    calls = {}  # span of the call -> [label, module scope, {function: event types}]
    for function in service.functions:
        runs = migration_runs(service, function)
        if not runs:
            continue
        events = sorted({kind for kind, _ in function.events if kind in REQUEST_EVENTS})
        for run in runs:
            if events or run.module_scope:
                span = run.source.span(run.call)
                entry = calls.setdefault(span, [run.command.label, False, {}])
                entry[1] = entry[1] or run.module_scope
                if events:
                    entry[2][function.name] = events
        if not events:
            yield from _concurrency(function, runs[0].command.label)
    for span, (label, module_scope, functions) in calls.items():
        names = list(functions)
        yield Finding.at(span, _call_message(label, module_scope, functions),
                         function=names[0] if len(names) == 1 else None)


def _call_message(label, module_scope, functions) -> str:
    if module_scope:
        where = "at module load, on every cold start"
    else:
        where = "on every invocation of " + ", ".join(
            f"`{name}` ({', '.join(kinds)})" for name, kinds in functions.items())
    return (f"`{label}` runs {where}: concurrent runs race for the migration lock and requests "
            "wait on schema changes. Move it to a dedicated function with `reservedConcurrency: 1` "
            "invoked once per deployment (from CI or a custom resource).")


def _concurrency(function, label):
    resource = function.kind == "resource"
    setting = "ReservedConcurrentExecutions" if resource else "reservedConcurrency"
    node = function.node.get(setting)  # a raw resource's node is its Properties
    if node is not None and (is_dynamic(node) or number(node) == 1):
        return
    state = "is not set" if node is None else "is not 1"
    yield Finding.at(node if node is not None else _anchor(function),
                     f"`{function.name}` runs `{label}` but its `{setting}` {state}: two "
                     f"invocations can migrate at the same time. Set `{setting}: 1`.",
                     function=function.name)


def _anchor(function):
    """Where the setting goes: the resource's `Properties` key, or the function's name."""
    if function.kind == "resource":
        return function.resource.node.key_node("Properties")
    return function.key

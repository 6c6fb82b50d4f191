"""A function runs on a Node.js runtime that AWS has deprecated, or soon will.

What: `provider.runtime`, a function's `runtime`, or a raw `AWS::Lambda::Function` resource's
`Runtime` names a Node.js runtime past its deprecation date (error) or within 180 days of it
(warning), compared with the as-of date (today, or `--as-of YYYY-MM-DD`). The dates live in
`lintkit/data/runtimes.json`. Container-image functions are not checked.

Why: after the deprecation date AWS stops applying security patches to the runtime; some months later
it blocks creating and then updating functions that use it, so a routine deploy starts to fail.

Example:
    provider:
      runtime: nodejs18.x

Use instead:
    provider:
      runtime: nodejs22.x      # or nodejs24.x

References: AWS Lambda Developer Guide, "Lambda runtimes" (supported and deprecated runtimes).
"""
from datetime import timedelta

from lintkit.analysis.facts import newest_runtimes, runtime_deprecation, runtime_table
from lintkit.model.diagnostics import Finding
from lintkit.model.nodes import text

CODE = "RUNTIME001"
NAME = "deprecated-runtime"
SEVERITY = "error"
SUMMARY = "A Node.js runtime past (or within 180 days of) its AWS deprecation date."


def check(service, context):
    provider_runtime = service.provider.get("runtime") if service.provider else None
    provider_users = []
    for function in service.functions:
        if function.image is not None:
            continue
        present, own = function.own_setting("runtime")
        if present:
            yield from _judge(own, context, function.name)
        elif function.kind == "function":
            provider_users.append(function.name)
    if provider_runtime is not None and (provider_users or not service.functions):
        function = provider_users[0] if len(provider_users) == 1 else None
        yield from _judge(provider_runtime, context, function)


def _judge(node, context, function):
    runtime = text(node)
    known = runtime_deprecation(runtime) if runtime else None
    if known is None:
        return
    state, day = known
    upgrade = " or ".join(newest_runtimes(context.as_of))
    if state == "retired":
        yield Finding.at(node, f"{runtime} was deprecated years ago and AWS no longer lets functions "
                         f"use it; change the runtime to {upgrade}.", function=function)
    elif day <= context.as_of:
        yield Finding.at(node, f"{runtime} was deprecated on {day.isoformat()}: AWS no longer patches "
                         f"it and will block deploys; change the runtime to {upgrade}.",
                         function=function)
    elif day - context.as_of <= timedelta(days=runtime_table()["warning_window_days"]):
        days = (day - context.as_of).days
        yield Finding.at(node, f"{runtime} is deprecated on {day.isoformat()} (in {days} days); "
                         f"plan the move to {upgrade}.", function=function, severity="warning")

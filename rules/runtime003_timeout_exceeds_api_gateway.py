"""A function behind API Gateway has a timeout longer than API Gateway waits.

What: a function with `http` events (REST API) whose effective `timeout` is above 29 seconds, or with
`httpApi` events (HTTP API) above 30 seconds. An `http` event with an explicit `timeoutInMillis` above
29000 (possible after a quota increase, for regional and private REST APIs) is compared with that
value instead.

Why: API Gateway answers the client with 504 Gateway Timeout at its limit while the function keeps
running and billing, and may still write to the database after the client gave up and retried.

Example:
    provider:
      timeout: 30
    functions:
      users:
        events:
          - http: GET /users

Use instead:
    provider:
      timeout: 29      # or move long work to an asynchronous invocation or a queue

Fix (unsafe): set the timeout to the limit (the strictest of the functions that share it). Unsafe:
work that took longer than the limit is now cut off by Lambda, and a provider-level timeout changes
for every function that inherits it.

References: Amazon API Gateway, "Quotas" (integration timeout, 2024-06 change for REST APIs);
Serverless Framework, "API Gateway" and "HTTP API" events.
"""
from lintkit.analysis.facts import number
from lintkit.model.diagnostics import Finding
from lintkit.model.nodes import Mapping

from ._common import scalar_fix

CODE = "RUNTIME003"
NAME = "timeout-exceeds-api-gateway"
SEVERITY = "warning"
SUMMARY = "A function timeout above API Gateway's 29 s (REST) or 30 s (HTTP API) limit."

REST_LIMIT = 29
HTTP_API_LIMIT = 30
FIXES = ("unsafe",)


def check(service, context):
    too_long = {}  # id of the timeout node -> [node, seconds, {(limit, api): [function names]}]
    for function in service.functions:
        if function.kind != "function" and not function.is_sam:
            continue
        timeout_node = function.setting("timeout")
        seconds = number(timeout_node)
        if seconds is None:
            continue
        limit = _api_limit(function)
        if limit is None or seconds <= limit[0]:
            continue
        entry = too_long.setdefault(id(timeout_node), [timeout_node, seconds, {}])
        entry[2].setdefault(limit, []).append(function.name)
    for node, seconds, by_limit in too_long.values():
        strictest = min(limit for limit, _ in by_limit)
        names = [name for group in by_limit.values() for name in group]
        fix = None
        if strictest == int(strictest):
            fix = scalar_fix(node, f"{strictest:g}", f"Set the timeout to {strictest:g}", "unsafe")
        limits = " and ".join(f"the {limit:g} s {api} limit for {', '.join(group)}"
                              for (limit, api), group in sorted(by_limit.items()))
        yield Finding.at(
            node, f"timeout {seconds:g} s is longer than {limits}: clients get a 504 while the "
            f"function keeps running. Set the timeout to {strictest:g} or less, or move the slow "
            "work off the request path.",
            function=names[0] if len(names) == 1 else None, fix=fix)


def _api_limit(function):
    """(seconds, api name) of the strictest API Gateway limit among the function's events."""
    limits = []
    for kind, event in function.events:
        if kind == "http":
            limit = REST_LIMIT
            millis = number(event.get("timeoutInMillis") or event.get("TimeoutInMillis")) \
                if isinstance(event, Mapping) else None
            if millis is not None and millis > REST_LIMIT * 1000:
                limit = millis / 1000
            limits.append((limit, "API Gateway REST API"))
        elif kind == "httpApi":
            limits.append((HTTP_API_LIMIT, "API Gateway HTTP API"))
    return min(limits) if limits else None

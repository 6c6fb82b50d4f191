"""Lambda logs are kept forever because no retention is set.

What: a service with functions but no `provider.logRetentionInDays`, no `logRetentionInDays` on
every function, and no log-retention plugin (`serverless-plugin-log-retention`).

Why: CloudWatch Logs keeps a log group's events forever unless it has a retention period, and bills
for their storage every month; logs may also hold personal data that must not be kept indefinitely.

Example:
    provider:
      name: aws
      runtime: nodejs22.x

Use instead:
    provider:
      name: aws
      runtime: nodejs22.x
      logRetentionInDays: 30

Fix (unsafe): add `logRetentionInDays: 30` to the provider, on its own line after the last one-line
setting, at its indentation. Unsafe: log events older than 30 days are deleted, which may break a
retention policy (audit logs kept for a year); a provider in flow style or in an included file gets
no fix.

References: Serverless Framework, "AWS provider: logRetentionInDays"; Amazon CloudWatch Logs,
"Change log data retention".
"""
from lintkit.model.diagnostics import Edit, Finding, Fix
from lintkit.model.nodes import Mapping, Scalar

CODE = "CONFIG004"
NAME = "missing-log-retention"
SEVERITY = "info"
SUMMARY = "No logRetentionInDays: CloudWatch keeps (and bills for) Lambda logs forever."

RETENTION_PLUGINS = ("serverless-plugin-log-retention",)
FIXES = ("unsafe",)
RETENTION_DAYS = 30


def check(service, context):
    if service.format == "sam":
        return  # `provider.logRetentionInDays` is serverless.yml's: a SAM template has none
    provider = service.provider
    functions = [f for f in service.functions if f.kind == "function"]
    if provider is None or not functions or "logRetentionInDays" in provider:
        return
    if any(plugin in RETENTION_PLUGINS for plugin in service.plugins):
        return
    if all("logRetentionInDays" in f.node for f in functions):
        return
    key = service.document.key_node("provider")
    where = key or provider
    yield Finding.at(where, "no `provider.logRetentionInDays`: CloudWatch keeps these "
                     "functions' logs forever and bills for them; set it, e.g. "
                     "`logRetentionInDays: 30`.", fix=_insertion(provider, where.span.path))


def _insertion(provider, path) -> Fix | None:
    """`logRetentionInDays: 30` on a line of its own after the last one-line `key: value` of a
    block-style provider mapping written in the reported file, at that key's indentation."""
    if not isinstance(provider, Mapping) or not provider.pairs:
        return None
    first = provider.pairs[0][0]
    if (first.span.line, first.span.column) != (provider.span.line, provider.span.column):
        return None  # a flow mapping `{...}` starts at its brace, not at its first key
    for key, value in reversed(provider.pairs):
        if isinstance(value, Scalar) and key.span.path == value.span.path == path \
                and key.span.line == value.span.line == value.span.end_line \
                and key.span.column == first.span.column:
            return Fix(f"Set `logRetentionInDays: {RETENTION_DAYS}`",
                       [Edit.new_line_after(path, key.span.line, f"logRetentionInDays: {RETENTION_DAYS}",
                                            key.span.column)], "unsafe")
    return None

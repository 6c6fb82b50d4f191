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

References: Serverless Framework, "AWS provider: logRetentionInDays"; Amazon CloudWatch Logs,
"Change log data retention".
"""
from lintkit.model.diagnostics import Finding

CODE = "CONFIG004"
NAME = "missing-log-retention"
SEVERITY = "info"
SUMMARY = "No logRetentionInDays: CloudWatch keeps (and bills for) Lambda logs forever."

RETENTION_PLUGINS = ("serverless-plugin-log-retention",)


def check(service, context):
    provider = service.provider
    functions = [f for f in service.functions if f.kind == "function"]
    if provider is None or not functions or "logRetentionInDays" in provider:
        return
    if any(plugin in RETENTION_PLUGINS for plugin in service.plugins):
        return
    if all("logRetentionInDays" in f.node for f in functions):
        return
    key = service.document.key_node("provider")
    yield Finding.at(key or provider, "no `provider.logRetentionInDays`: CloudWatch keeps these "
                     "functions' logs forever and bills for them; set it, e.g. "
                     "`logRetentionInDays: 30`.")

"""serverless.yml has a setting Serverless rejects or ignores: a wrong type, range, value or key.

What: the resolved serverless.yml is validated against `schemas/serverless.schema.json`, a JSON
Schema of the AWS provider's configuration (Framework v3 and v4, plus the v2 keys that still deploy):
wrong types (`memorySize: 512MB`), values out of range (`memorySize` 128-10240, `timeout` 1-900,
`logRetentionInDays` outside CloudWatch's list), unknown enum values (`runtime: nodejs99.x`,
`architecture: amd64`), unknown keys under `provider:`, in functions and as event types, with a
"did you mean" for misspellings (`reservedConcurency` -> `reservedConcurrency`), misshapen events
(`schedule: 5`, event settings not indented under the event type, `- sqs:` with nothing under it),
and missing required keys. One diagnostic per violation, at the value (or at the key, for unknown
and missing keys). Types are coerced as Serverless does (`memorySize: "1024"` is fine). Not flagged:
values that are variables only known at deploy time (`${ssm:...}`, `${env:X}` without default) and
CloudFormation functions (`!Ref`, `Fn::GetAtt` ...), anywhere; anything under `custom:` (free-form:
plugins keep their settings there); settings that listed plugins add to functions and events (the
documented list is `PLUGIN_KEYS` in `lintkit/schema_check.py`); top-level keys that plugins add
(`stepFunctions`, `constructs` ...); keys without a value (`stackTags: ${env:TAGS, null}` leaves the
setting unset); `service: {name: ...}` when `frameworkVersion` pins v1 or v2. Deprecated runtimes
are valid here (RUNTIME001 reports them).

Why: Serverless only warns about most of these (`configValidationMode: warn` is the default), so a
misspelt key deploys and the setting silently does not apply: `reservedConcurency: 1` leaves the
function unthrottled. Wrong values fail later, at deployment, with a CloudFormation error far from
the line to fix.

Example:
    provider:
      name: aws
      runtime: nodejs99.x
      memorySize: 512MB
    functions:
      migrate:
        handler: src/migrate.handler
        reservedConcurency: 1

Use instead:
    provider:
      name: aws
      runtime: nodejs22.x
      memorySize: 512
    functions:
      migrate:
        handler: src/migrate.handler
        reservedConcurrency: 1

Fix (unsafe): a misspelt key is renamed to its one did-you-mean candidate, unless that key is
already there. Unsafe: the setting starts to apply (a `reservedConcurrency` that was ignored now caps
the function). Other violations get no fix: only the author knows the right value.

References: Serverless Framework, "serverless.yml reference (AWS)" and "Configuration validation";
AWS Lambda, "Lambda quotas" (memory 128-10240 MB, timeout 900 s) and "Lambda runtimes"; Amazon
CloudWatch Logs, "PutRetentionPolicy" (retention values).
"""
from lintkit.model.diagnostics import Finding
from lintkit.model.nodes import text

from ._common import scalar_fix

CODE = "CONFIG001"
NAME = "schema-violation"
SEVERITY = "error"
SUMMARY = "A serverless.yml setting with a wrong type, range or value, or a key Serverless ignores."
SCOPE = "configuration"  # findings sit on the resolved serverless.yml only
FIXES = ("unsafe",)


def check(service, context):
    if service.format != "serverless":  # the schema is serverless.yml's
        return
    from lintkit.analysis.schema_check import violations  # imports jsonschema: only when CONFIG001 runs

    for violation in violations(service):
        fix = None
        if violation.rename:
            fix = scalar_fix(violation.node, violation.rename, f"Rename `{text(violation.node)}` to "
                             f"`{violation.rename}`", "unsafe")
        yield Finding.at(violation.node, violation.message, function=violation.function, fix=fix)

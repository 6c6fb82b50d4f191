"""A `${self:}` or `${file()}` variable cannot be resolved from the project's files.

What: a variable that reads the service's own configuration or a local file (`${self:custom.x}`,
`${file(./config.yml):key}`) points at a key or file that does not exist, and has no default.
Deploy-time sources (`${ssm:}`, `${env:}`, `${opt:}`, `${cf:}`, `${aws:}`, `${param:}`, `${sls:}`...)
are never reported: their values only exist at deploy time.

Why: `serverless deploy` stops with "Cannot resolve variable" (or, in older versions, deploys an empty
value). lintkit also cannot check anything that depends on the value.

Example:
    custom:
      stage: dev
    provider:
      stage: ${self:custom.stages}      # typo: `stages`

Use instead:
    provider:
      stage: ${self:custom.stage, 'dev'}

References: Serverless Framework, "Variables" (self, file, default values).
"""
from ._common import load_findings

CODE = "PARSE002"
NAME = "unresolved-variable"
SEVERITY = "warning"
SUMMARY = "A ${self:} or ${file()} variable points at a key or file that does not exist."


def check(service, context):
    return load_findings(service, CODE)

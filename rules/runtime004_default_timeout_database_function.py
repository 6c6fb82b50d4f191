"""A database function in a VPC runs with the default timeout.

What: a DB function (its handler graph imports the Prisma client, `pg`, `mysql2` or a
`@prisma/adapter-*`, or its environment sets `DATABASE_URL`) whose effective `vpc` is a literal
configuration, while neither the function nor `provider:` sets `timeout` (a raw
`AWS::Lambda::Function` with `VpcConfig` and no `Timeout`). Reported at the function's key. Not
flagged: a `timeout` set at function or provider level (any value, variables included), functions
outside a VPC, a `vpc` that is a deploy-time value.

Why: Serverless deploys functions with a 6 s timeout (raw Lambda resources get 3 s). A cold start in
a VPC that loads the Prisma engine and opens a TLS connection to the database can take seconds, so
the first requests after a deploy or a scale-out time out.

Example:
    provider:
      vpc:
        securityGroupIds: [sg-0123456789abcdef0]
        subnetIds: [subnet-0123456789abcdef0, subnet-0fedcba9876543210]
    functions:
      users:
        handler: src/users.handler      # imports @prisma/client; no timeout anywhere

Use instead:
    provider:
      timeout: 20

References: Serverless Framework, "AWS Functions" (timeout, default 6 seconds); AWS CloudFormation,
"AWS::Lambda::Function" (`Timeout`, default 3 seconds); Prisma, "Deploy to AWS Lambda".
"""
from lintkit.analysis.dbfunctions import database_use
from lintkit.model.diagnostics import Finding
from lintkit.model.nodes import Mapping, Scalar

CODE = "RUNTIME004"
NAME = "default-timeout-database-function"
SEVERITY = "info"
SUMMARY = "A database function in a VPC without a timeout (Serverless default 6 s)."


def check(service, context):
    for function in service.functions:
        if not _in_vpc(function) or _timeout_set(service, function):
            continue
        reason = database_use(service, function)
        if reason is None:
            continue
        yield Finding.at(function.key, _message(function, reason), function=function.name)


def _in_vpc(function) -> bool:
    vpc = function.setting("vpc")
    return isinstance(vpc, Mapping) and bool(vpc.pairs)


def _timeout_set(service, function) -> bool:
    present, own = function.own_setting("timeout")
    if present and not _is_null(own):
        return True
    provider_timeout = service.provider.get("timeout") if service.provider is not None else None
    return function.kind == "function" and provider_timeout is not None and not _is_null(provider_timeout)


def _is_null(node) -> bool:
    return node is None or (isinstance(node, Scalar) and node.value is None)


def _message(function, reason: str) -> str:
    if function.is_sam:
        default = "Lambda's default of 3 s"
        where = "Set `Timeout` (seconds) on the function or in `Globals.Function`"
    elif function.kind == "resource":
        default, where = "Lambda's default of 3 s", "Set `Timeout` (seconds) in its Properties"
    else:
        default = "Serverless's default of 6 s"
        where = "Set `timeout:` (seconds) on the function or under `provider:`"
    return (f"`{function.name}` uses a database ({reason}) from inside a VPC but sets no timeout, so "
            f"it gets {default}; a cold start that opens the database connection can take longer. "
            f"{where}, e.g. 20.")

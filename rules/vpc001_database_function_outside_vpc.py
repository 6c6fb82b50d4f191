"""A function that talks to an RDS database runs outside the VPC.

What: a DB function (its handler graph imports `@prisma/client`, a generated Prisma client, `pg`,
`mysql2` or a `@prisma/adapter-*`, or its environment sets `DATABASE_URL`) whose effective `vpc` is
missing, while its database is RDS: the URL host ends in `.rds.amazonaws.com`, or the stack declares
`AWS::RDS::DBInstance`, `DBCluster` or `DBProxy`. The URL is the function's environment variable
(`DATABASE_URL`, or the one schema.prisma's `url = env(...)` names), else schema.prisma's literal
`url`. Raw `AWS::Lambda::Function` resources do not inherit `provider.vpc` and need their own
`VpcConfig`. When the host is a deploy-time value and the stack declares no RDS resource, the
finding is only info. Not flagged: a `vpc` inherited from
`provider.vpc` or given as a variable or `Fn::ImportValue` (also a `VpcConfig`), databases outside
AWS (Neon, Supabase, PlanetScale, `prisma://` Accelerate and `prisma+postgres://` Prisma Postgres),
local hosts, and `vpc: ~` under a `provider.vpc` (VPC002 reports that).

Why: an RDS instance in private subnets is unreachable from a function outside the VPC: every query
times out after the function's timeout, and opening the database to the internet instead is a
security hole.

Example:
    functions:
      users:
        handler: src/users.handler      # imports @prisma/client; no vpc anywhere

Use instead:
    provider:
      vpc:
        securityGroupIds: [sg-0123456789abcdef0]
        subnetIds: [subnet-0123456789abcdef0, subnet-0fedcba9876543210]

References: AWS Lambda, "Giving Lambda functions access to resources in an Amazon VPC"; Prisma,
"Deploy to AWS Lambda"; Serverless Framework, "VPC configuration".
"""
from lintkit.analysis.cfn import database_host, has_vpc, vpc_removed
from lintkit.analysis.dbfunctions import database_use
from lintkit.analysis.facts import stack_declares_rds
from lintkit.model.diagnostics import Finding

CODE = "VPC001"
NAME = "database-function-outside-vpc"
SEVERITY = "error"
SUMMARY = "A function that uses an RDS database has no VPC configuration."


def check(service, context):
    has_rds = stack_declares_rds(service)
    for function in service.functions:
        if has_vpc(function) or vpc_removed(function):
            continue  # a removed vpc is VPC002's finding
        reason = database_use(service, function)
        if reason is None:
            continue
        host_kind = database_host(service, function)
        if host_kind in ("external", "local", "other"):
            continue
        if host_kind == "rds" or has_rds:
            severity = None
            because = "an RDS database in private subnets"
        else:
            severity = "info"
            because = "if its database is RDS, it"
        where = "`VpcConfig`" if function.kind == "resource" else "`vpc:` (or `provider.vpc`)"
        inherit = (" Raw AWS::Lambda::Function resources do not inherit provider.vpc."
                   if function.kind == "resource" else "")
        yield Finding.at(
            function.key, f"`{function.name}` uses a database ({reason}) but runs outside a VPC; "
            f"{because} cannot be reached from there. Add {where} with the database's "
            f"private subnets and a security group.{inherit}",
            function=function.name, severity=severity)

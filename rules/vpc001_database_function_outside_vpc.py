"""The service's database functions run outside a VPC while its database lives in one.

What: the DB functions (the handler graph imports `@prisma/client`, a generated Prisma client, `pg`,
`mysql2` or a `@prisma/adapter-*`, the environment sets `DATABASE_URL`, or the function runs Prisma
migrations) whose effective `vpc` is missing, when there is evidence that the database is in a VPC:
the stack declares `AWS::RDS::DBInstance`, `DBCluster` or `DBProxy`; a function's database URL host
ends in `.rds.amazonaws.com`; the URL is built from a `${cf:...}`, `Fn::ImportValue` or `Fn::GetAtt`
of a database endpoint; or the service's other DB functions run in a VPC. The URL is the function's
environment variable (`DATABASE_URL`, or the one schema.prisma's `url = env(...)` names), else
schema.prisma's literal `url`. One finding per service names every such function. It sits on
`provider:` when no DB function has a VPC (one `provider.vpc` fixes them all), else on the first
function that lacks it. Raw `AWS::Lambda::Function` resources do not inherit `provider.vpc` and
need their own `VpcConfig`.

Not flagged: no evidence (a URL filled at deploy time or from `.env`, and no RDS resource: a VPC
without a NAT gateway would cut a hosted database off); a `vpc` inherited from `provider.vpc` or
given as a variable or `Fn::ImportValue` (also a `VpcConfig`); datasources RDS cannot host
(`mongodb`, `sqlite`); functions whose URL names a database outside AWS (Neon, Supabase,
PlanetScale, `prisma://` Accelerate and `prisma+postgres://` Prisma Postgres, CockroachDB Cloud,
Turso, MongoDB Atlas, Railway, Heroku, ...), a local host or another known host; and `vpc: ~`
under a `provider.vpc` (VPC002 reports that).

Why: an RDS instance in private subnets is unreachable from a function outside the VPC: every query
times out after the function's timeout, and opening the database to the internet instead is a
security hole.

Example:
    functions:
      users:
        handler: src/users.handler      # imports @prisma/client; no vpc anywhere
    resources:
      Resources:
        Database:
          Type: AWS::RDS::DBInstance

Use instead:
    provider:
      vpc:
        securityGroupIds: [sg-0123456789abcdef0]
        subnetIds: [subnet-0123456789abcdef0, subnet-0fedcba9876543210]

References: AWS Lambda, "Giving Lambda functions access to resources in an Amazon VPC"; Prisma,
"Deploy to AWS Lambda"; Serverless Framework, "VPC configuration".
"""
from lintkit.analysis.cfn import database_host, has_vpc, stack_endpoint_source, vpc_removed
from lintkit.analysis.dbfunctions import database_use
from lintkit.analysis.facts import RDS_RESOURCE_TYPES, database_url_node
from lintkit.model.diagnostics import Finding
from lintkit.model.nodes import Mapping

CODE = "VPC001"
NAME = "database-function-outside-vpc"
SEVERITY = "error"
SUMMARY = "Database functions run outside a VPC while the database lives in one."

NOT_RDS_DATASOURCES = frozenset({"mongodb", "sqlite"})
NAMED_AT_MOST = 5


def check(service, context):
    schema = service.prisma_schema
    if schema is not None and schema.provider in NOT_RDS_DATASOURCES:
        return
    db_functions = [(function, reason) for function in service.functions
                    if (reason := database_use(service, function)) is not None]
    # A known host outside AWS, on this machine or elsewhere needs no VPC; "rds" and "unknown" may.
    outside = [(function, reason) for function, reason in db_functions
               if not has_vpc(function) and not vpc_removed(function)
               and database_host(service, function) in ("rds", "unknown")]
    if not outside:
        return
    db_functions = [function for function, _ in db_functions]
    evidence = _evidence(service, db_functions)
    if evidence is not None:
        yield _finding(service, outside, db_functions, evidence)


def _evidence(service, db_functions) -> str | None:
    """Why the database is known to live in a VPC, as a clause for the message; None when nothing
    says so."""
    resources = service.resources_of_type(*RDS_RESOURCE_TYPES)
    if resources:
        return f"the stack declares `{resources[0].logical_id}` ({resources[0].type})"
    for function in db_functions:
        if database_host(service, function) == "rds":
            return f"the database URL of `{function.name}` is an RDS host"
    for function in db_functions:
        source = stack_endpoint_source(database_url_node(service, function))
        if source is not None:
            return f"the database URL of `{function.name}` is built from {source}"
    in_vpc = [function.name for function in db_functions if has_vpc(function)]
    if in_vpc:
        return f"{_names(in_vpc)} {'runs' if len(in_vpc) == 1 else 'run'} in a VPC to reach it"
    return None


def _finding(service, outside, db_functions, evidence) -> Finding:
    functions = [function for function, _ in outside]
    reasons = {reason for _, reason in outside}
    if len(reasons) == 1:  # "`a` and `b` use the database (its handler imports the Prisma client)"
        listed = [f"`{function.name}`" for function in functions]
        shared_reason = f" ({reasons.pop()})"
    else:
        listed, shared_reason = [f"`{function.name}` ({reason})" for function, reason in outside], ""
    if len(listed) > NAMED_AT_MOST:
        listed[NAMED_AT_MOST:] = [f"{len(listed) - NAMED_AT_MOST} more"]
    resources = [function.name for function in functions
                 if function.kind == "resource" and not function.is_sam]
    # serverless.yml's functions, or a SAM template's (which inherit Globals.Function instead)
    declared = [function for function in functions if function.kind != "resource" or function.is_sam]
    sam = service.format == "sam"
    # One `provider.vpc` (`Globals.Function.VpcConfig`) fixes them all when no DB function has a
    # VPC of its own.
    shared_key = _shared_settings_key(service)
    at_shared = bool(declared) and shared_key is not None and not any(
        has_vpc(function) for function in db_functions if function.kind != "resource" or function.is_sam)
    fixes = []
    if declared:
        if sam:
            fixes.append("add `VpcConfig` to `Globals.Function`" if at_shared
                         else "add `VpcConfig` to each of them")
        else:
            fixes.append("add `provider.vpc`" if at_shared else "add `vpc:` to each of them")
        fixes[-1] += " with the database's private subnets and a security group"
    if resources:
        inherited = "Globals.Function" if sam else "provider.vpc"
        fixes.append(f"{_names(resources)} {'needs' if len(resources) == 1 else 'need'} its own "
                     f"`VpcConfig` (raw AWS::Lambda::Function resources do not inherit {inherited})")
    where = shared_key if at_shared else (declared or functions)[0].key
    return Finding.at(
        where, f"{_join(listed)} {'uses' if len(outside) == 1 else 'use'} the database{shared_reason} "
        f"but {'runs' if len(outside) == 1 else 'run'} outside a VPC, and the database lives in one: "
        f"{evidence}. {_capital(_join(fixes, '; '))}.",
        function=functions[0].name if len(functions) == 1 else None,
        related=[function.key.span for function in functions if function.key is not where])


def _shared_settings_key(service):
    """The key of what every function inherits: `provider:`, or a SAM template's
    `Globals.Function` (None when the template has no Globals: each function then needs its own)."""
    if service.format != "sam":
        return service.document.key_node("provider") if service.document else None
    globals_ = service.document.get("Globals") if service.document else None
    return globals_.key_node("Function") if isinstance(globals_, Mapping) else None


def _names(names: list[str]) -> str:
    return _join([f"`{name}`" for name in names])


def _join(items: list[str], separator: str = ", ") -> str:
    if len(items) < 2 or separator != ", ":
        return separator.join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _capital(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]

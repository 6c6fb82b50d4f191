"""A function runs Prisma migrations but its environment has no database URL.

What: a function that runs a migration command (`prisma migrate deploy|dev|reset|resolve`,
`prisma db push`; see MIGRATE001 for how calls are found) while its effective environment lacks
`DATABASE_URL` (or the variable schema.prisma's `url = env("...")` names). The usual case is a raw
`AWS::Lambda::Function` under `resources`, which inherits nothing from `provider.environment`.
Reported at the block to add it to: `environment` (or the function), `Environment.Variables` (or
the resource's `Properties`). Not flagged: environments known only at deploy time, a URL the code
supplies at run time (an `env` option on the exec call that sets it, `process.env.X = ...`, a
Secrets Manager/SSM or dotenv loader), and plugins that inject it into `functions:` entries
(`serverless-dotenv-plugin` with a .env defining it, `serverless-doppler`, ...).

Why: the Prisma CLI reads the URL from the environment (`env("DATABASE_URL")` in schema.prisma). It
fails with `Environment variable not found: DATABASE_URL` (P1012), and the deployment that
depends on the migration stops half way.

Example:
    resources:
      Resources:
        MigrateDB:
          Type: AWS::Lambda::Function
          Properties:
            Handler: index.handler     # runs prisma migrate deploy; no provider.environment here

Use instead:
          Properties:
            Environment:
              Variables:
                DATABASE_URL: '{{resolve:secretsmanager:prod/db:SecretString:url}}'

References: AWS CloudFormation, `AWS::Lambda::Function` `Environment`; Serverless Framework,
"Environment variables"; Prisma, "Environment variables" and error P1012.
"""
from lintkit.analysis.facts import database_env_var
from lintkit.analysis.migrations import migration_runs
from lintkit.analysis.pooling import code_supplies_env, plugin_supplies_env
from lintkit.model.diagnostics import Finding
from lintkit.model.nodes import Mapping
from lintkit.read.sources import named_children

CODE = "MIGRATE006"
NAME = "migration-function-missing-database-url"
SEVERITY = "error"
SUMMARY = "A function runs Prisma migrations but `DATABASE_URL` is not in its environment."


def check(service, context):
    env_var = database_env_var(service)
    for function in service.functions:
        runs = migration_runs(service, function)
        if not runs or env_var in function.environment or function.environment_unknown:
            continue
        if function.kind == "function" and plugin_supplies_env(service, env_var):
            continue
        if code_supplies_env(runs[0].graph, env_var) or any(_passes_env(r, env_var) for r in runs):
            continue
        node, where = _where_to_add(function, env_var)
        yield Finding.at(node, f"`{function.name}` runs `{runs[0].command.label}` but `{env_var}` "
                         "is not in its environment, so the Prisma CLI cannot reach the database: "
                         f"add {where}.", function=function.name)


def _where_to_add(function, env_var):
    if function.kind == "resource":
        environment = function.node.get("Environment")  # a raw resource's node is its Properties
        if isinstance(environment, Mapping) and "Variables" in environment:
            at = environment.key_node("Variables")
        elif environment is not None:
            at = function.node.key_node("Environment")
        else:
            at = function.resource.node.key_node("Properties")
        return at, (f"`Environment.Variables.{env_var}` (raw AWS::Lambda::Function resources do "
                    "not inherit `provider.environment`)")
    at = function.node.key_node("environment") or function.key
    return at, f"`{env_var}` to its `environment` (or to `provider.environment`)"


def _passes_env(run, env_var) -> bool:
    """The exec call sets the variable itself: `{ env: { ...process.env, DATABASE_URL: url } }`,
    or passes an `env` built elsewhere (not judged)."""
    options = run.command.exec.options_node
    env = _member(run.source, options, "env") if options is not None else None
    if env is None:
        return False
    if env.type != "object":
        return True
    for member in named_children(env):
        if member.type == "spread_element":
            if run.source.node_text(member) != "...process.env":
                return True
        elif _key(run.source, member) == env_var:
            return True
    return False


def _member(source, obj, name):
    for member in named_children(obj):
        if _key(source, member) == name:
            return member.child_by_field_name("value") or member
    return None


def _key(source, member) -> str | None:
    if member.type == "shorthand_property_identifier":
        return source.node_text(member)
    if member.type == "pair":
        return source.node_text(member.child_by_field_name("key")).strip("'\"`")
    return None

"""A function runs Prisma migrations but its environment has no database URL.

What: a function that runs a migration command (`prisma migrate deploy|dev|reset|resolve`,
`prisma db push`; see MIGRATE001 for how calls are found) while its effective environment lacks
`DATABASE_URL` (or the variable the URL is read from: prisma.config.ts's `datasource.url` —
`env("X")`, `process.env.X`, `process.env.X ?? ''` — which the Prisma CLI reads first, else
schema.prisma's `url = env("X")`; the message names that place). The usual case is a raw
`AWS::Lambda::Function` under `resources`, which inherits nothing from `provider.environment`.
Reported at the block to add it to: `environment` (or the function), `Environment.Variables` (or
the resource's `Properties`). Not flagged: environments known only at deploy time, a URL the code
supplies at run time (an `env` option on the exec call that sets it, `process.env.X = ...`, a
Secrets Manager/SSM or dotenv loader), plugins that inject it into `functions:` entries
(`serverless-dotenv-plugin` with a .env defining it, `serverless-doppler`, ...), a prisma.config.ts
that loads `.env` (`import 'dotenv/config'`) when a `.env` file defines the variable, and a
prisma.config.ts whose `datasource.url` is a literal (SECRET001 looks at its password) or is built
at run time.

Why: the Prisma CLI reads the URL from the environment (`env("DATABASE_URL")` in prisma.config.ts or
schema.prisma). It fails with `Environment variable not found: DATABASE_URL` (P1012; with
prisma.config.ts's `env()`: `PrismaConfigEnvError: Missing required environment variable`), and the
deployment that depends on the migration stops half way.

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
"Environment variables"; Prisma, "Environment variables" and error P1012; Prisma, "Config API"
(prisma/web apps/docs/content/docs/orm/reference/prisma-config-reference.mdx: `env()` throws when
the variable is missing, `.env` is loaded only by `import "dotenv/config"`); prisma/prisma
packages/config/src/env.ts (`PrismaConfigEnvError`).
"""
from lintkit.analysis.facts import database_env_var, database_url_declaration
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
    declared = database_url_declaration(service)
    if declared is not None and declared.from_config and declared.kind != "env":
        return  # the config holds the URL itself, or builds it at run time
    if _config_loads_env_file(service, env_var):
        return
    reads = ""
    if declared is not None and declared.from_config:
        reads = f" (read by {declared.place})"
    for function in service.functions:
        runs = migration_runs(service, function)
        if not runs or env_var in function.environment or function.environment_unknown:
            continue
        if function.kind == "function" and plugin_supplies_env(service, env_var):
            continue
        if code_supplies_env(runs[0].graph, env_var) or any(_passes_env(r, env_var) for r in runs):
            continue
        node, where = _where_to_add(function, env_var)
        yield Finding.at(node, f"`{function.name}` runs `{runs[0].command.label}` but `{env_var}`"
                         f"{reads} is not in its environment, so the Prisma CLI cannot reach the "
                         f"database: add {where}.", function=function.name,
                         related=[declared.span] if reads else [])


def _config_loads_env_file(service, env_var) -> bool:
    """prisma.config.ts loads `.env` (Prisma 7 does not by itself) and a `.env` file sets the
    variable: whether that file is in the package is not lintkit's to guess."""
    config = service.prisma_config
    if config is None or not config.loads_dotenv:
        return False
    return any(not env.is_template and any(entry.key == env_var for entry in env.entries)
               for env in service.env_files)


def _where_to_add(function, env_var):
    if function.kind == "resource":
        environment = function.node.get("Environment")  # a raw resource's node is its Properties
        if isinstance(environment, Mapping) and "Variables" in environment:
            at = environment.key_node("Variables")
        elif environment is not None:
            at = function.node.key_node("Environment")
        else:
            at = function.resource.node.key_node("Properties")
        if function.is_sam:
            return at, f"`Environment.Variables.{env_var}` to it (or to `Globals.Function`)"
        inherited = "`Globals.Function`" if function.service.format == "sam" else "`provider.environment`"
        return at, (f"`Environment.Variables.{env_var}` (raw AWS::Lambda::Function resources do "
                    f"not inherit {inherited})")
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

"""A database function whose environment never receives `DATABASE_URL`.

What: a DB function (its handler graph imports a Prisma client, `pg`, `mysql2` or a
`@prisma/adapter-*`) whose code needs the database URL from the environment and whose
effective environment (provider-level merged with its own; raw resources inherit nothing) does not
set it, while nothing else supplies it. The code needs it when it reads `process.env.DATABASE_URL`
without a `??`/`||` fallback, or (Prisma ≤ 6) when it imports the Prisma client, schema.prisma's
`url` is `env("DATABASE_URL")` (the variable named there counts instead; without a schema.prisma
beside serverless.yml only `process.env` reads count) and no `new
PrismaClient({...})` passes `datasources`, `datasourceUrl`, `adapter` or `accelerateUrl`. A Node.js
function whose code lintkit could not follow (its handler's source not found, build output not
mapped back to it) needs it when the service depends on `@prisma/client` or `prisma`, has a
schema.prisma whose `url` is `env(...)` (Prisma ≤ 6), and neither a package it depends on
(`dotenv`, the Secrets Manager and SSM clients, `aws-sdk` ...) nor the code of its other
functions loads the URL at run time; the message says its code was not followed. Suppliers
that silence it: an env-injecting plugin (`serverless-doppler`, `serverless-plugin-secrets`,
`serverless-secrets-plugin`, `serverless-ssm-fetch`, `serverless-env-generator`,
`serverless-plugin-ssm-env`, `@infisical/serverless-plugin`: see
`lintkit.analysis.pooling.ENV_INJECTING_PLUGINS`); `serverless-dotenv-plugin` when a `.env` file defines the
variable (or no `.env` is in the repository: it is written at deploy time) and `custom.dotenv`
does not leave it out; `useDotenv: true` with a `.env` file defining it; code that loads it at run
time (`dotenv`, `dotenv/config`, Secrets Manager or SSM clients, Powertools parameters, Middy
secret middlewares, NestJS's `@nestjs/config` (its ConfigModule loads `.env`), `aws-sdk`
`SecretsManager`/`SSM`, an assignment to `process.env.DATABASE_URL`).
The variable is the one prisma.config.ts's `datasource.url` reads (`env("X")`, `process.env.X`), else
the one schema.prisma's `url` names, else `DATABASE_URL`; prisma.config.ts itself is read by the
Prisma CLI only, never by the client at run time, so its `import "dotenv/config"` supplies nothing
to a function, and a schema.prisma `url` naming another variable than the config's is not judged.
Not flagged either: environments that are deploy-time values, container images (their Dockerfile
may set it), functions that run migrations (MIGRATE006 reports those), URLs built at run time.
Reported at the function's key.

Why: Prisma reads the URL when the client connects, so the deployment succeeds and every
invocation fails with `Environment variable not found: DATABASE_URL` (or pg connects to localhost).

Example:
    provider:
      environment:
        NODE_ENV: production
    functions:
      users:
        handler: src/users.handler      # imports @prisma/client

Use instead:
    provider:
      environment:
        DATABASE_URL: ${ssm:/app/database-url}

References: Prisma, "Environment variables" and "Deploy to AWS Lambda"; Prisma, "Config API"
(prisma/web apps/docs/content/docs/orm/reference/prisma-config-reference.mdx: the config configures
the Prisma CLI); Serverless Framework, "Environment variables" and "Variables: dotenv".
"""
from lintkit.analysis.dbfunctions import database_use
from lintkit.analysis.facts import database_env_var
from lintkit.analysis.pooling import (code_supplies_env, plugin_supplies_env, prisma_at_most_6,
                             prisma_client_url_in_code, reads_env_without_fallback, runs_migrations,
                             unfollowed_code_may_supply_env)
from lintkit.analysis.prismaservice import prisma_by_service
from lintkit.model.diagnostics import Finding
from lintkit.read.prisma_schema import EnvRef
from ._common import ssm_example

CODE = "CONFIG005"
NAME = "database-url-missing"
SEVERITY = "warning"
SUMMARY = "A database function whose environment never receives `DATABASE_URL`."


def check(service, context):
    env_var = database_env_var(service)
    if plugin_supplies_env(service, env_var):
        return
    for function in service.functions:
        if env_var in function.environment or function.environment_unknown:
            continue
        if function.image is not None:
            continue  # the image's Dockerfile may set it
        reason = _code_reads_url(service, function, env_var) or _service_reads_url(service, function, env_var)
        if reason is None or runs_migrations(service, function):
            continue  # MIGRATE006 reports migration functions without the URL
        if function.is_sam:
            where = "its `Environment.Variables` (or those of `Globals.Function`)"
        elif function.kind == "resource":
            where = "its `Environment.Variables`"
        else:
            where = "its `environment` (or `provider.environment`)"
        yield Finding.at(function.key, f"`{function.name}` reads its database URL from `{env_var}` "
                         f"({reason}), but nothing sets it, so every connection fails at run time: "
                         f"add `{env_var}` to {where}, e.g. `{ssm_example(service)}`.",
                         function=function.name)


def _code_reads_url(service, function, env_var) -> str | None:
    """Why the function's handler graph needs the URL from the environment, or None."""
    graph = service.graph(function)
    if graph is None or database_use(service, function) is None:
        return None
    reason = _reads_url_from_env(service, graph, env_var)
    return None if reason is None or code_supplies_env(graph, env_var) else reason


def _service_reads_url(service, function, env_var) -> str | None:
    """Why a function whose code lintkit could not follow needs the URL: the service uses Prisma
    ≤ 6 with schema.prisma's `url = env(...)`, and nothing in the code lintkit saw, nor a package
    the service depends on, loads it at run time."""
    evidence = prisma_by_service(service, function)
    if evidence is None or not prisma_at_most_6(service) or not _schema_reads_env(service):
        return None
    if unfollowed_code_may_supply_env(service, env_var):
        return None
    return f"lintkit could not follow all its code, but {evidence}, whose `url` is `env(\"{env_var}\")`"


def _reads_url_from_env(service, graph, env_var) -> str | None:
    if reads_env_without_fallback(graph, env_var):
        return f"its code reads `process.env.{env_var}`"
    if (prisma_at_most_6(service) and graph.imports_prisma_client() and _schema_reads_env(service)
            and not prisma_client_url_in_code(graph)):
        return "its Prisma client uses schema.prisma's `url`"
    return None


def _schema_reads_env(service) -> bool:
    """schema.prisma's `url` is `env(...)` of the variable checked (the client reads schema.prisma,
    not prisma.config.ts). Without a schema beside serverless.yml (a monorepo's shared package) the
    variable's name is unknown, so only explicit `process.env` reads count."""
    schema = service.prisma_schema
    return schema is not None and schema.url is not None and isinstance(schema.url.value, EnvRef) \
        and schema.url.value.name == database_env_var(service)

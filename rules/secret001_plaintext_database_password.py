"""A database URL with its password written in plain text.

What: a `postgres://`, `postgresql://`, `mysql://`, `sqlserver://`, `mongodb://` or `mongodb+srv://`
URL whose password is a literal, in serverless.yml (any key, `custom:` and included files too),
prisma.config.ts's `datasource` (`url`, `directUrl`, `shadowDatabaseUrl`, a const they name
included), schema.prisma `url`/`directUrl`, `.env` files, and string literals of handler code
(`datasources: { db: { url } }`, `datasourceUrl`, `connectionString`, or any other literal, inline
`Code.ZipFile` code included). Not flagged: passwords that are variables (`${ssm:...}`,
`{{resolve:...}}`, `${env:...}`) or template-literal interpolations (`${process.env.DB_PASSWORD}`),
documentation placeholders (`USER:PASSWORD`, `<password>`, `__PASSWORD__`,
`johndoe:randompassword`, `user:pass` ... see `lintkit.read.dburl.PLACEHOLDER_CREDENTIALS`), and URLs
inside a variable's fallback (`${env:DB_URL, 'postgres://...'}`: SECRET004 reports those), and
`.env` files that git ignores and no dotenv plugin deploys (a developer's own file). URLs to
`localhost`, `127.0.0.1` or a docker-compose service name are reported as info: they are usually
development credentials; with a local database's default credentials (`postgres:postgres`,
`root:root`, `root:password` ... see `lintkit.read.dburl.is_default_local_credential`) they are not
reported (CONFIG007 reports a `.env` that deploys such a URL).

Why: whatever is committed is readable by everyone with the repository, lands in the CloudFormation
template and in the Lambda configuration, and outlives its rotation. The password is shown redacted
in every lintkit output.

Example:
    provider:
      environment:
        DATABASE_URL: postgresql://app:S3cr3t-pw@db.abc123.us-east-1.rds.amazonaws.com:5432/app

Use instead:
    provider:
      environment:
        DATABASE_URL: ${ssm:/prisma-app/database-url}

References: Serverless Framework, "Variables: SSM Parameter Store"; Prisma, "Connection URLs";
Prisma, "Config API" (prisma/web apps/docs/content/docs/orm/reference/prisma-config-reference.mdx:
`datasource.url`);
OWASP, "Secrets Management Cheat Sheet".
"""

from lintkit.analysis.secretscan import (database_passwords, dotenv_plugin_keys, literal_span,
                                secret_finding, source_strings, yaml_texts)
from lintkit.model.lazyre import lazy_compile
from lintkit.model.nodes import Span
from lintkit.read.dotenv import is_template_env
from lintkit.read.gitignore import is_git_ignored
from lintkit.read.positions import scalar_sub_span

from ._common import shared, ssm_example

CODE = "SECRET001"
NAME = "plaintext-database-password"
SEVERITY = "error"
SUMMARY = "A database URL with a literal password in the configuration."

URL_MARKER = lazy_compile("://")


def check(service, context):
    for item in shared(service, yaml_texts):
        for start, end, local in database_passwords(item.text, item.variables):
            yield _finding(scalar_sub_span(item.scalar, start, end), local, item.text[start:end],
                           reference=ssm_example(service))
    yield from _config_findings(service)
    yield from _schema_findings(service)
    yield from _dotenv_findings(service)
    yield from _source_findings(service)


def _finding(where, local, password, function=None, reference="${ssm:/app/database-url}"):
    return secret_finding(where, _message(local, reference), password, function=function,
                          severity="info" if local else None)


def _message(local, reference="${ssm:/app/database-url}"):
    if local:
        return ("This database URL has a literal password for a local database; keep local "
                "credentials out of deployed configuration (use a `.env` file that is not "
                "committed).")
    return ("This database URL has its password in plain text: move the URL to SSM Parameter Store "
            f"or Secrets Manager and reference it (`{reference}`), then rotate the password.")


def _config_findings(service):
    config = service.prisma_config
    for _, value in config.datasource_fields if config is not None else []:
        if value.kind != "literal" or _in_handler_graph(service, config.path):
            continue  # handler-graph literals are found with the other source strings
        for start, end, local in database_passwords(value.text):
            yield _finding(value.string_span(start, end), local, value.text[start:end])


def _in_handler_graph(service, path) -> bool:
    return any(source.path == path for function in service.functions
               for source in (service.graph(function).files if service.graph(function) else ()))


def _schema_findings(service):
    schema = service.prisma_schema
    if schema is None:
        return
    for block in schema.datasources:
        for name in ("url", "directUrl", "shadowDatabaseUrl"):
            field = block.fields.get(name)
            if field is None or not isinstance(field.value, str):
                continue
            for start, end, local in database_passwords(field.value):
                yield _finding(field.string_span(start, end), local, field.value[start:end])


def _dotenv_findings(service):
    deployed = dotenv_plugin_keys(service) is not None
    for env in service.env_files:
        if is_template_env(env.path):
            continue
        if not deployed and is_git_ignored(env.path, service.project_root):
            continue  # a developer's own file: neither committed nor deployed
        for entry in env.entries:
            for start, end, local in database_passwords(entry.value):
                yield _finding(_entry_span(entry, start, end), local, entry.value[start:end])


def _entry_span(entry, start, end):
    span = entry.value_span
    if span.line != span.end_line or span.end_column - span.column != len(entry.value):
        return span
    return Span(span.path, span.line, span.column + start, span.line, span.column + end)


def _source_findings(service):
    for file, node, value, function in source_strings(service, URL_MARKER):
        for start, end, local in database_passwords(value):
            yield _finding(literal_span(file, node, start, end), local, value[start:end], function)

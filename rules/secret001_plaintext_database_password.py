"""A database URL with its password written in plain text.

What: a `postgres://`, `postgresql://`, `mysql://`, `sqlserver://`, `mongodb://` or `mongodb+srv://`
URL whose password is a literal, in serverless.yml (any key, `custom:` and included files too),
schema.prisma `url`/`directUrl`, and `.env` files. Not flagged: passwords that are variables
(`${ssm:...}`, `{{resolve:...}}`, `${env:...}`), documentation placeholders (`USER:PASSWORD`,
`<password>`, `__PASSWORD__`, `johndoe:randompassword`, `user:pass` ... see
`lintkit.dburl.PLACEHOLDER_CREDENTIALS`). URLs to `localhost`, `127.0.0.1` or a docker-compose
service name are reported as info: they are usually development credentials.

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
OWASP, "Secrets Management Cheat Sheet".
"""
from lintkit.dburl import find_db_urls, is_placeholder_credential, parse_db_url
from lintkit.diagnostics import Finding
from lintkit.nodes import Scalar, walk
from lintkit.positions import scalar_sub_span

CODE = "SECRET001"
NAME = "plaintext-database-password"
SEVERITY = "error"
SUMMARY = "A database URL with a literal password in the configuration."

SCHEMES = ("postgres", "postgresql", "mysql", "sqlserver", "mongodb", "mongodb+srv")


def check(service, context):
    seen = set()
    for _, node in walk(service.document):
        if isinstance(node, Scalar) and isinstance(node.value, str) and node.span not in seen:
            seen.add(node.span)
            for start, end, severity in _passwords(node.value):
                yield Finding.at(scalar_sub_span(node, start, end), _message(severity),
                                 severity=severity)
    yield from _schema_findings(service)
    yield from _dotenv_findings(service)


def _passwords(value: str):
    """(start, end, severity override) of each literal password in a string."""
    if "://" not in value:
        return
    for start, end in find_db_urls(value):
        url = parse_db_url(value[start:end])
        if url is None or url.scheme not in SCHEMES or not url.password:
            continue
        if url.has_variable_password or is_placeholder_credential(url.user, url.password):
            continue
        first, last = url.password_span
        yield start + first, start + last, "info" if url.is_local else None


def _message(severity):
    if severity == "info":
        return ("This database URL has a literal password for a local database; keep local "
                "credentials out of deployed configuration (use a `.env` file that is not committed).")
    return ("This database URL has its password in plain text: move the URL to SSM Parameter Store "
            "or Secrets Manager and reference it (`${ssm:/app/database-url}`), then rotate the "
            "password.")


def _schema_findings(service):
    schema = service.prisma_schema
    if schema is None:
        return
    for block in schema.datasources:
        for name in ("url", "directUrl", "shadowDatabaseUrl"):
            field = block.fields.get(name)
            if field is None or not isinstance(field.value, str):
                continue
            for start, end, severity in _passwords(field.value):
                yield Finding.at(field.string_span(start, end), _message(severity),
                                 severity=severity)


def _dotenv_findings(service):
    from lintkit.dotenv import is_template_env

    for env in service.env_files:
        if is_template_env(env.path):
            continue
        for entry in env.entries:
            for start, end, severity in _passwords(entry.value):
                span = entry.value_span
                if span.line == span.end_line and span.end_column - span.column == len(entry.value):
                    span = _offset_span(span, start, end)
                yield Finding.at(span, _message(severity), severity=severity)


def _offset_span(span, start, end):
    if span.line != span.end_line:
        return span
    from lintkit.nodes import Span

    return Span(span.path, span.line, span.column + start, span.line, span.column + end)

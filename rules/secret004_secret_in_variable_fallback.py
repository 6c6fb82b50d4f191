"""A secret written as the fallback of a Serverless variable.

What: a literal fallback (default) of a variable that is a secret: a database URL with a password
(`${env:DB_URL, 'postgres://app:pw@db.example.com/app'}`), an AWS access key id, or a real-looking
value for a secret-named key or parameter (`DB_PASSWORD: ${ssm:/app/db, 'hunter2-prod'}`,
`${env:JWT_SECRET, '9f8e7d6c5b4a'}`), in serverless.yml or the parts of included files it uses.
Fallbacks of variables nested in another variable's address (`${ssm:/app/${opt:stage, 'dev'}/pw}`)
only count when they are URLs or keys. Not flagged: non-secret defaults (`'dev'`, numbers,
booleans, empty strings), placeholders (`'changeme'`, `'<password>'`, values shorter than 8
characters), ARNs and SSM paths, fallbacks that are other variables. A database URL to `localhost`
or a docker-compose host is reported as info; a fallback in an included file as a warning (that file
may be kept out of the repository).

Why: the fallback is committed with the code, and Serverless deploys it silently whenever the
variable is missing (an unset environment variable on a CI runner, a parameter not created in a new
stage), so the "temporary" development secret ends up in production.

Example:
    provider:
      environment:
        DATABASE_URL: ${env:DATABASE_URL, 'postgresql://app:S3cr3t@db.example.com:5432/app'}

Use instead:
    provider:
      environment:
        # no fallback: a missing parameter fails the deploy instead of shipping a dev secret
        DATABASE_URL: ${ssm:/app/${sls:stage}/database-url}

References: Serverless Framework, "Variables: default values" and "Variables: SSM Parameter Store";
OWASP, "Secrets Management Cheat Sheet".
"""
from lintkit.analysis.secrets import is_secret_key
from lintkit.analysis.secretscan import (access_keys, address_name, database_passwords, fallbacks,
                                is_secret_literal, raw_scalars, secret_finding)
from lintkit.read.positions import scalar_sub_span

from ._common import shared

CODE = "SECRET004"
NAME = "secret-in-variable-fallback"
SEVERITY = "error"
SUMMARY = "A Serverless variable whose fallback is a literal secret."


def check(service, context):
    for key, scalar in shared(service, raw_scalars):
        if "${" not in scalar.value:
            continue
        for fallback in fallbacks(scalar.value):
            kind = _secret_kind(fallback, key)
            if kind is None:
                continue
            severity = "info" if kind == "local database password" else None
            if severity is None and scalar.span.path != service.config_path:
                severity = "warning"
            yield secret_finding(scalar_sub_span(scalar, fallback.start, fallback.end),
                                 _message(fallback, kind), fallback.value, severity=severity)


def _secret_kind(fallback, key: str | None) -> str | None:
    passwords = list(database_passwords(fallback.value))
    if passwords:
        local = all(is_local for _, _, is_local in passwords)
        return "local database password" if local else "database password"
    if any(access_keys(fallback.value)):
        return "AWS access key id"
    names = [address_name(fallback.source)] + ([key] if fallback.feeds_key and key else [])
    if any(is_secret_key(name) for name in names) and is_secret_literal(fallback.value):
        return "secret"
    return None


def _message(fallback, kind: str) -> str:
    variable = f"`${{{fallback.source}, ...}}`"
    if kind == "local database password":
        return (f"The fallback of {variable} is a database URL with a literal password for a local "
                "database: keep local credentials in an uncommitted `.env` file instead of a "
                "fallback that can be deployed.")
    what = {"database password": "a database URL with a literal password",
            "AWS access key id": "an AWS access key id"}.get(kind, "a literal secret")
    return (f"The fallback of {variable} is {what}, committed with the code and deployed whenever "
            "the variable is missing: remove the fallback (or make it another variable such as "
            "`${ssm:...}`) and rotate the secret.")

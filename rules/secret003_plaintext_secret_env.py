"""A secret-named environment variable with a literal value.

What: an `environment` entry (provider, function, or a raw resource's `Environment.Variables`)
whose name says it holds a secret (`DB_PASSWORD`, `JWT_SECRET`, `GITHUB_TOKEN`, `STRIPE_API_KEY`,
`PRIVATE_KEY`, `dbPwd` ...) and whose value is written out. Not flagged: values that are variables
or references (`${ssm:...}`, `!Ref`, `{{resolve:...}}`), ARNs and SSM parameter paths passed for a
runtime fetch, names that point at a secret or describe it (`*_SECRET_ARN`, `*_SECRET_ID`,
`*_SECRET_NAME`, `TOKEN_TTL`, `*_TOKEN_URL`), booleans, numbers, empty values, and
placeholders (`REPLACE-WITH-YOUR-SECRET`, `<api-key>`, `xxxx`, values shorter than 8 characters:
see `lintkit.analysis.secrets.looks_like_placeholder`), and values built by variables (an option, a
fallback: `${env:JWT_SECRET, '...'}` is SECRET004's). A value taken from `custom:` through
`${self:custom.x}` is reported once, at the `custom:` value. A value that comes from a `${file()}`
include is reported as a warning at the included file, which may be kept out of the repository but
still lands in the Lambda configuration. With `serverless-dotenv-plugin`, which copies `.env`
variables into every function's environment (minus `custom.dotenv.exclude`, or only
`custom.dotenv.include`), secret-named `.env` entries are reported as warnings too, but only in
`.env` files that git ignores: a committed `.env` is SECRET007's.

Why: the value is committed with the code, copied into the CloudFormation template and shown in the
Lambda console to anyone who can read the function's configuration.

Example:
    provider:
      environment:
        JWT_SECRET: 9f8e7d6c5b4a3210

Use instead:
    provider:
      environment:
        JWT_SECRET_ARN: !Ref JwtSecret        # fetch it at runtime with the Secrets Manager SDK

References: AWS Lambda, "Securing environment variables"; Serverless Framework, "Variables: SSM
Parameter Store and Secrets Manager".
"""
from lintkit.analysis.secrets import is_reference_value, is_secret_key, looks_like_placeholder
from lintkit.analysis.secretscan import (built_from_variables, dotenv_plugin_keys, environment_blocks,
                                is_secret_literal, secret_finding)
from lintkit.model.nodes import Scalar, is_dynamic
from lintkit.read.dotenv import is_template_env
from lintkit.read.gitignore import is_git_ignored

CODE = "SECRET003"
NAME = "plaintext-secret-env"
SEVERITY = "error"
SUMMARY = "A secret-named environment variable with a literal value."


def check(service, context):
    seen = set()
    for block, function in environment_blocks(service):
        for key, value in block.pairs:
            name = str(key.value)
            if value.span in seen or not _is_plaintext_secret(name, value):
                continue
            if built_from_variables(service, value):
                continue
            seen.add(value.span)
            included = value.span.path != service.config_path
            yield secret_finding(
                value, f"`{name}` holds a secret in plain text: store it in SSM Parameter Store or "
                "Secrets Manager and reference it, or pass its ARN and fetch it at runtime.",
                value.value, function=function, severity="warning" if included else None)
    yield from _dotenv_findings(service)


def _is_plaintext_secret(name: str, value) -> bool:
    if not isinstance(value, Scalar) or not isinstance(value.value, str) or is_dynamic(value):
        return False  # variables, references, numbers, booleans, null
    literal = value.value.strip()
    if is_reference_value(literal) or looks_like_placeholder(literal):
        return False
    return is_secret_key(name)


def _dotenv_findings(service):
    """Secret-named entries of git-ignored `.env` files that serverless-dotenv-plugin copies into
    the functions' environment."""
    keys = dotenv_plugin_keys(service)
    if keys is None:
        return
    included, excluded = keys
    for env in service.env_files:
        if is_template_env(env.path) or not is_git_ignored(env.path, service.project_root):
            continue
        for entry in env.entries:
            if entry.key in excluded or (included is not None and entry.key not in included):
                continue
            if is_secret_key(entry.key) and is_secret_literal(entry.value):
                yield secret_finding(
                    entry.value_span, f"`{entry.key}` from {env.path.name} is copied into every "
                    "function's environment by serverless-dotenv-plugin, so its value is stored in "
                    "plain text in the Lambda configuration: keep it in SSM Parameter Store or "
                    "Secrets Manager and fetch it at runtime, or list it in "
                    "`custom.dotenv.exclude`.", entry.value, severity="warning")

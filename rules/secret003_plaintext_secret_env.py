"""A secret-named environment variable with a literal value.

What: an `environment` entry (provider, function, or a raw resource's `Environment.Variables`)
whose name says it holds a secret (`DB_PASSWORD`, `JWT_SECRET`, `GITHUB_TOKEN`, `STRIPE_API_KEY`,
`PRIVATE_KEY`, `dbPwd` ...) and whose value is written out. Not flagged: values that are variables
or references (`${ssm:...}`, `!Ref`, `{{resolve:...}}`), ARNs and SSM parameter paths passed for a
runtime fetch, names that point at a secret or describe it (`*_SECRET_ARN`, `*_SECRET_ID`,
`*_SECRET_NAME`, `TOKEN_TTL`, `*_TOKEN_URL`), booleans, numbers, empty values, and
placeholders (`REPLACE-WITH-YOUR-SECRET`, `<api-key>`, `xxxx`, values shorter than 8 characters:
see `lintkit.secrets.looks_like_placeholder`). A value that comes
from a `${file()}` include is reported as a warning at the included file, which may be kept out of
the repository but still lands in the Lambda configuration.

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
from lintkit.diagnostics import Finding
from lintkit.nodes import Mapping, Scalar, is_dynamic, path_get
from lintkit.secrets import is_reference_value, is_secret_key, looks_like_placeholder

CODE = "SECRET003"
NAME = "plaintext-secret-env"
SEVERITY = "error"
SUMMARY = "A secret-named environment variable with a literal value."


def check(service, context):
    for block, function in _environment_blocks(service):
        for key, value in block.pairs:
            name = str(key.value)
            if not _is_plaintext_secret(name, value):
                continue
            included = value.span.path != service.config_path
            yield Finding.at(
                value, f"`{name}` holds a secret in plain text: store it in SSM Parameter Store or "
                "Secrets Manager and reference it, or pass its ARN and fetch it at runtime.",
                function=function, severity="warning" if included else None)


def _environment_blocks(service):
    """(environment Mapping, function name or None) for provider, functions and raw resources."""
    seen = set()
    candidates = [(path_get(service.provider, "environment"), None)]
    for function in service.functions:
        if function.kind == "resource":
            candidates.append((path_get(function.node, "Environment", "Variables"), function.name))
        else:
            candidates.append((function.node.get("environment"), function.name))
    for block, function in candidates:
        if isinstance(block, Mapping) and id(block) not in seen:
            seen.add(id(block))
            yield block, function


def _is_plaintext_secret(name: str, value) -> bool:
    if not isinstance(value, Scalar) or not isinstance(value.value, str) or is_dynamic(value):
        return False  # variables, references, numbers, booleans, null
    literal = value.value.strip()
    if is_reference_value(literal) or looks_like_placeholder(literal):
        return False
    return is_secret_key(name)

"""A secret resolved at deploy time into a Lambda environment variable.

What: a secret-named environment variable (provider, function or a raw resource's
`Environment.Variables`; names as in SECRET003) whose value comes from `${ssm:...}` (also
`/aws/reference/secretsmanager/...`), `{{resolve:secretsmanager:...}}` / `{{resolve:ssm:...}}` or
`${env:...}` (with or without a default). A value taken from `custom:` through `${self:custom.x}` is
reported once, at the `custom:` value. Not flagged: names that point at a secret for a runtime fetch
(`DB_SECRET_ARN`, `JWT_SECRET_NAME`, `API_KEY_PARAM`), values that resolve to an ARN or an SSM path,
parameters whose own name says they hold an ARN or a name (`${ssm:/app/jwt-secret-arn}`), and other
sources (`!Ref`, `${cf:...}`). `{{resolve:ssm-secure:...}}` is SECRET008's (it fails there).

Why: Serverless and CloudFormation resolve the reference when they deploy, so the decrypted value
is stored in plain text in the CloudFormation template and in the function's configuration, where
anyone allowed `lambda:GetFunctionConfiguration` can read it; rotating the secret needs a redeploy.

Example:
    provider:
      environment:
        JWT_SECRET: ${ssm:/aws/reference/secretsmanager/prod/jwt}

Use instead:
    provider:
      environment:
        JWT_SECRET_ID: prod/jwt   # read it at runtime (Secrets Manager SDK or the Parameters and
                                  # Secrets Lambda Extension) with a cached client

References: AWS Lambda, "Securing environment variables" and "Use Secrets Manager secrets in Lambda
functions"; Serverless Framework, "Variables: SSM Parameter Store".
"""

from lintkit.analysis.secrets import REFERENCE_SUFFIXES, is_reference_value, is_secret_key, key_words
from lintkit.analysis.secretscan import address_name, environment_blocks, raw_scalar
from lintkit.formats.variables import find_variables, source_name, split_alternatives
from lintkit.model.diagnostics import Finding
from lintkit.model.lazyre import lazy_compile
from lintkit.model.nodes import Scalar, Unknown, string_like

CODE = "SECRET005"
NAME = "deploy-time-secret-in-env"
SEVERITY = "info"
SUMMARY = "A secret resolved at deploy time into a Lambda environment variable."

DYNAMIC_REFERENCE = lazy_compile(r"\{\{resolve:(secretsmanager|ssm):")
SOURCES = {"ssm": "SSM Parameter Store", "env": "the deploying machine's environment",
           "secretsmanager": "Secrets Manager"}


def check(service, context):
    seen = set()
    for block, function in environment_blocks(service):
        for key, value in block.pairs:
            name = str(key.value)
            if value.span in seen or not is_secret_key(name):
                continue
            source = _deploy_time_source(service, value)
            if source is None:
                continue
            seen.add(value.span)
            yield Finding.at(value, _message(name, source), function=function)


def _deploy_time_source(service, value) -> str | None:
    """"ssm", "secretsmanager" or "env" when the value is such a reference to a secret."""
    resolved = string_like(value) or ""
    match = DYNAMIC_REFERENCE.search(resolved) if isinstance(value, Scalar) else None
    if match:
        return match.group(1)
    if resolved and is_reference_value(resolved.strip()):
        return None
    raw = raw_scalar(service, value)
    text = raw.value if raw is not None else (value.text if isinstance(value, Unknown) else "")
    for source in _variable_sources(text):
        kind = source_name(source)
        if kind in ("ssm", "env") and _names_a_secret(source):
            return "secretsmanager" if "/aws/reference/secretsmanager/" in source else kind
    return None


def _variable_sources(text: str):
    """The source expression of each variable and of each variable fallback in `text`."""
    for _, _, inner in find_variables(text):
        for index, part in enumerate(split_alternatives(inner)):
            if index == 0 or source_name(part) in ("ssm", "env"):
                yield part.strip()
            yield from _variable_sources(part)


def _names_a_secret(address: str) -> bool:
    """False when the parameter's own name says it holds an ARN, an id, a name or a path."""
    words = key_words(address_name(address))
    return not words or words[-1] not in REFERENCE_SUFFIXES


def _message(name: str, source: str) -> str:
    return (f"`{name}` is filled from {SOURCES[source]} when the stack deploys, so the secret is "
            "stored in plain text in the Lambda configuration and the CloudFormation template: "
            f"pass the parameter or secret name instead (e.g. `{name}_PARAM`) and read the value "
            "at runtime with a cached SDK or Parameters and Secrets extension call.")

"""A CloudFormation secret that is stored or referenced in a way that does not protect it.

What: under `resources.Resources`, an `AWS::SSM::Parameter` with `Type: String` (or `StringList`)
whose name says it holds a secret (`/app/db-password`, `JwtSecret`; the logical id when there is no
`Name`) or whose value is one (a database URL with credentials, an AWS access key, a
`{{resolve:secretsmanager:...}}` copy of a secret) — reported at `Type`; and a
`{{resolve:ssm-secure:...}}` reference in a Lambda function's environment (`environment:` of the
provider or a function, `Environment.Variables` of a raw resource), where CloudFormation does not
support it. Not flagged: `ssm-secure` in properties that support it (`MasterUserPassword` of RDS,
Redshift passwords, ...), parameters with neutral names and values (`/app/db-host`), secret
parameters whose name points at the secret (`/app/db-secret-arn`).

Why: CloudFormation can only create plain `String`/`StringList` parameters, so a secret put there
is stored unencrypted and readable by anyone with `ssm:GetParameter`; and a Lambda environment
cannot take `ssm-secure` references at all, so the deployment fails.

Example:
    resources:
      Resources:
        DbPasswordParameter:
          Type: AWS::SSM::Parameter
          Properties:
            Name: /app/db-password
            Type: String
            Value: S3cr3t-pw

Use instead:
    resources:
      Resources:
        DbSecret:
          Type: AWS::SecretsManager::Secret
          Properties:
            GenerateSecretString: { PasswordLength: 32, ExcludePunctuation: true }

References: AWS CloudFormation, "AWS::SSM::Parameter" (Type: String or StringList only) and "Get
values stored in other services using dynamic references" (supported `ssm-secure` properties).
"""

from lintkit.analysis.secrets import is_secret_key
from lintkit.analysis.secretscan import access_keys, environment_blocks
from lintkit.model.diagnostics import Finding
from lintkit.model.lazyre import lazy_compile
from lintkit.model.nodes import (Intrinsic, Scalar, Sequence, intrinsic_name, path_get, string_like, text,
                           walk)
from lintkit.read.dburl import find_db_urls, parse_db_url

CODE = "SECRET008"
NAME = "cfn-secret-misuse"
SEVERITY = "warning"
SUMMARY = "A secret in a plain SSM `String` parameter, or `ssm-secure` in a Lambda environment."

SSM_SECURE = lazy_compile(r"\{\{resolve:ssm-secure:")
SECRET_COPY = lazy_compile(r"\{\{resolve:(secretsmanager|ssm-secure):")
PARAMETER_SUFFIX = lazy_compile(r"(?i)(ssm)?(param(eter)?)?$")


def check(service, context):
    for resource in service.resources_of_type("AWS::SSM::Parameter"):
        props = resource.properties
        kind = props.get("Type") if props is not None else None
        if text(kind) in ("String", "StringList") and _holds_secret(resource, props):
            yield Finding.at(
                kind, f"`{resource.logical_id}` stores a secret in a plain `{text(kind)}` "
                "parameter (CloudFormation cannot create SecureString parameters): create the "
                "secret as an `AWS::SecretsManager::Secret` (with `GenerateSecretString`), or "
                "create the SecureString outside CloudFormation and reference it.")
    yield from _ssm_secure_in_environment(service)


def _holds_secret(resource, props) -> bool:
    name = _text_of(props.get("Name"))
    if name:
        label = name.rstrip("/").split("/")[-1]
    else:
        label = PARAMETER_SUFFIX.sub("", resource.logical_id)
    if label and is_secret_key(label):
        return True
    value = _text_of(props.get("Value")) or ""
    if SECRET_COPY.search(value) or any(access_keys(value)):
        return True
    urls = (parse_db_url(value[start:end]) for start, end in find_db_urls(value))
    return any(url is not None and url.password and not url.is_placeholder for url in urls)


def _text_of(node) -> str | None:
    """The text of a literal, a partly unknown value, or the template of `!Sub`/`Fn::Sub`."""
    if intrinsic_name(node) == "Fn::Sub":
        node = node.value if isinstance(node, Intrinsic) else node.pairs[0][1]
        node = path_get(node, 0) if isinstance(node, Sequence) else node
    return string_like(node)


def _ssm_secure_in_environment(service):
    seen = set()
    for block, function in environment_blocks(service):
        for _, value in block.pairs:
            for _, node in walk(value):
                if not isinstance(node, Scalar) or not isinstance(node.value, str):
                    continue
                if node.span not in seen and SSM_SECURE.search(node.value):
                    seen.add(node.span)
                    yield Finding.at(
                        node, "Lambda environment variables do not support `{{resolve:ssm-secure:"
                        "...}}` references, so the deployment fails: pass the parameter name and "
                        "read it at runtime with decryption, or keep the secret in Secrets "
                        "Manager.", function=function)

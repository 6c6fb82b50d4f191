"""An AWS access key written into the project.

What: an AWS access key id (`AKIA...`, `ASIA...`, `ABIA...`, `ACCA...`, `A3T...` followed by 16
characters, with some variety in them) anywhere in serverless.yml, its included files, `.env`
files, schema.prisma and string literals of handler code; and a 40-character secret access key under
a key named like `aws_secret_access_key` / `AWS_SECRET*` (in code also `secretAccessKey`). AWS's
documentation examples (ending in `EXAMPLE`, like `AKIAIOSFODNN7EXAMPLE`) are not flagged, nor are
keys inside a variable's fallback (`${env:KEY, 'AKIA...'}`: SECRET004 reports those).

Why: a committed key gives whoever reads the repository the key owner's AWS permissions. Lambda
functions never need one: the execution role provides temporary credentials. Deactivate the key.

Example:
    provider:
      environment:
        AWS_ACCESS_KEY_ID: AKIA2E0A8F3B244C9986

Use instead:
    provider:
      iam:
        role:
          statements:
            - Effect: Allow
              Action: [s3:GetObject]
              Resource: arn:aws:s3:::my-bucket/*

References: AWS IAM, "Managing access keys" and "Best practices: use temporary credentials";
gitleaks, rule `aws-access-token`.
"""

from lintkit.analysis.secrets import AWS_SECRET_KEY_NAME, AWS_SECRET_KEY_VALUE
from lintkit.analysis.secretscan import (access_keys, built_from_variables, literal_span, secret_finding,
                                source_strings, yaml_texts)
from lintkit.model.lazyre import lazy_compile
from lintkit.model.nodes import Mapping, text
from lintkit.read.positions import scalar_sub_span
from lintkit.read.sources import string_value

from ._common import shared

CODE = "SECRET002"
NAME = "aws-access-key"
SEVERITY = "error"
SUMMARY = "An AWS access key id or secret access key in the project's files."

KEY_MESSAGE = ("This is an AWS access key id: deactivate the key in IAM and use the function's "
               "execution role (`provider.iam.role.statements`) instead of long-lived keys.")
SAM_KEY_MESSAGE = KEY_MESSAGE.replace("`provider.iam.role.statements`", "the function's `Policies`")
SECRET_MESSAGE = ("This is an AWS secret access key: deactivate the key in IAM and use the "
                  "function's execution role instead of long-lived keys.")
# In code the SDK's own option name is the usual one: `credentials: { secretAccessKey: '...' }`.
CODE_SECRET_NAME = lazy_compile(r"(?i)secret_?access_?key")
SOURCE_MARKER = lazy_compile(r"A3T|AKIA|ASIA|ABIA|ACCA|[A-Za-z0-9/+]{40}")


def check(service, context):
    key_message = SAM_KEY_MESSAGE if service.format == "sam" else KEY_MESSAGE
    for item in shared(service, yaml_texts):
        for start, end in access_keys(item.text, item.variables):
            yield secret_finding(scalar_sub_span(item.scalar, start, end), key_message,
                                 item.text[start:end])
    yield from _yaml_secret_keys(service)
    for env in service.env_files:
        for entry in env.entries:
            if any(True for _ in access_keys(entry.value)):
                yield secret_finding(entry.value_span, KEY_MESSAGE, entry.value)
            elif is_secret_access_key(entry.key, entry.value):
                yield secret_finding(entry.value_span, SECRET_MESSAGE, entry.value)
    yield from _schema_findings(service)
    yield from _source_findings(service)


def _yaml_secret_keys(service):
    seen = set()
    for node in service.document_nodes:
        if not isinstance(node, Mapping):
            continue
        for key, value in node.pairs:
            # the cheap name and value test first: few pairs pass it
            if not is_secret_access_key(str(key.value), text(value)):
                continue
            if value.span in seen or built_from_variables(service, value):
                continue
            seen.add(value.span)
            yield secret_finding(value, SECRET_MESSAGE, text(value))


def _schema_findings(service):
    schema = service.prisma_schema
    for block in (schema.generators + schema.datasources) if schema is not None else ():
        for field in block.fields.values():
            if isinstance(field.value, str):
                for start, end in access_keys(field.value):
                    yield secret_finding(field.string_span(start, end), KEY_MESSAGE,
                                         field.value[start:end])


def _source_findings(service):
    for file, node, value, function in source_strings(service, SOURCE_MARKER):
        keys = list(access_keys(value))
        for start, end in keys:
            yield secret_finding(literal_span(file, node, start, end), KEY_MESSAGE,
                                 value[start:end], function=function)
        name = _assigned_name(node) or ""
        named = CODE_SECRET_NAME.search(name) or AWS_SECRET_KEY_NAME.search(name)
        if not keys and named and _is_secret_key_value(value):
            yield secret_finding(file.span(node), SECRET_MESSAGE, value, function=function)


def _assigned_name(node) -> str | None:
    """The property or variable a literal is assigned to: `secretAccessKey: '...'`,
    `const x = '...'`."""
    parent = node.parent
    if parent is None:
        return None
    target = {"pair": "key", "variable_declarator": "name"}.get(parent.type)
    name = parent.child_by_field_name(target) if target else None
    if name is None or parent.child_by_field_name("value") != node:
        return None
    if name.type == "string":
        return string_value(None, name)
    return name.text.decode("utf-8", "replace")


def is_secret_access_key(key: str, value: str | None) -> bool:
    return bool(AWS_SECRET_KEY_NAME.search(key)) and _is_secret_key_value(value)


def _is_secret_key_value(value: str | None) -> bool:
    return bool(value and AWS_SECRET_KEY_VALUE.match(value) and not value.endswith("EXAMPLEKEY"))

"""An AWS access key written into the project.

What: an AWS access key id (`AKIA...`, `ASIA...`, `ABIA...`, `ACCA...`, `A3T...` followed by 16
characters, with some variety in them) anywhere in serverless.yml, its included files or `.env`
files, and a 40-character secret access key under a key named like `aws_secret_access_key` /
`AWS_SECRET*`. AWS's documentation examples (ending in `EXAMPLE`, like `AKIAIOSFODNN7EXAMPLE`) are
not flagged.

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
from lintkit.diagnostics import Finding
from lintkit.nodes import Mapping, Scalar, text, walk
from lintkit.positions import scalar_sub_span
from lintkit.secrets import (AWS_ACCESS_KEY, AWS_SECRET_KEY_NAME, AWS_SECRET_KEY_VALUE,
                             looks_like_access_key)

CODE = "SECRET002"
NAME = "aws-access-key"
SEVERITY = "error"
SUMMARY = "An AWS access key id or secret access key in the project's files."

KEY_MESSAGE = ("This is an AWS access key id: deactivate the key in IAM and use the function's "
               "execution role (`provider.iam.role.statements`) instead of long-lived keys.")
SECRET_MESSAGE = ("This is an AWS secret access key: deactivate the key in IAM and use the "
                  "function's execution role instead of long-lived keys.")


def check(service, context):
    seen = set()
    for _, node in walk(service.document):
        if node.span in seen:
            continue
        seen.add(node.span)
        if isinstance(node, Scalar) and isinstance(node.value, str):
            for start, end in access_keys(node.value):
                yield Finding.at(scalar_sub_span(node, start, end), KEY_MESSAGE)
        elif isinstance(node, Mapping):
            for key, value in node.pairs:
                if is_secret_access_key(str(key.value), text(value)):
                    yield Finding.at(value, SECRET_MESSAGE)
    for env in service.env_files:
        for entry in env.entries:
            if any(True for _ in access_keys(entry.value)):
                yield Finding.at(entry.value_span, KEY_MESSAGE)
            elif is_secret_access_key(entry.key, entry.value):
                yield Finding.at(entry.value_span, SECRET_MESSAGE)


def access_keys(value: str):
    for match in AWS_ACCESS_KEY.finditer(value):
        if looks_like_access_key(match.group(1)):
            yield match.start(1), match.end(1)


def is_secret_access_key(key: str, value: str | None) -> bool:
    return bool(value and AWS_SECRET_KEY_NAME.search(key) and AWS_SECRET_KEY_VALUE.match(value)
                and not value.endswith("EXAMPLEKEY"))

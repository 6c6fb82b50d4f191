"""A `${file()}` include points outside the project.

What: `${file(...)}` names a path outside the project root (the repository that holds the service, or
the folder lintkit was pointed at): `../../private.yml` above the repository, an absolute path, `~/`,
a device such as `/dev/zero`, or a symlink that leads out. lintkit does not read it.

Why: a linter that reads files outside the project can leak or hang (devices, other users' files), and
a deployment that depends on a file outside the repository is not reproducible in CI.

Example:
    custom: ${file(~/secrets.yml)}

Use instead:
    custom: ${file(./config/${sls:stage}.yml)}     # a file committed with the service

References: Serverless Framework, "Variables: reference properties in other files".
"""
from ._common import load_findings

CODE = "PARSE005"
NAME = "include-outside-project"
SEVERITY = "warning"
SUMMARY = "A ${file()} include points outside the project; it is not read."


def check(service, context):
    return load_findings(service, CODE)

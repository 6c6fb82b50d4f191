"""A deployment or execution role is named by an ARN with a hard-coded 12-digit account ID.

What: a literal IAM ARN with a 12-digit account ID (`arn:aws:iam::123456789012:role/deploy`) in the
settings that name the service's own roles: `provider.cfnRole`, `provider.iam.deploymentRole`,
`provider.iam.role` and `provider.role` (when a string), `functions.*.role`, and the permissions
boundary (`provider.iam.role.permissionsBoundary`, `provider.rolePermissionsBoundary`). Reported at
the value, once. Not flagged: ARNs built with variables (`${aws:accountId}`, `${param:...}`,
`${ssm:...}`, `${opt:...}`, a per-stage `${self:custom.roles.${sls:stage}}`), values that come
from a reference elsewhere (`${self:custom.deployRole}`: a map of accounts per stage is how a
multi-account service is written), values in an included file when some `${file()}` picks its
file or part with a variable (`${file(config/${sls:stage}.yml)}`,
`${file(config.yml):${sls:stage}}`), AWS-managed ARNs (`arn:aws:iam::aws:policy/...`), role
names without an ARN, CloudFormation functions (`!GetAtt`, `!Sub`, `!ImportValue`).

Why: the service can then be deployed to that one account only: a deploy to a second account
(staging, a developer's sandbox, a fork) fails on a role it cannot use (CloudFormation cannot
assume a service role of another account, a Lambda function cannot use another account's
execution role), and the account ID is committed with the code.

`cfnRole` and `iam.deploymentRole` are read by the Framework, which passes them to CloudFormation's
CreateStack/UpdateStack as `RoleARN`, so only Serverless variables work there (`${aws:accountId}`,
since Serverless v2.50). The execution role and the permissions boundary are written into the
template, where `!Sub` with `${AWS::AccountId}` works too.

Example:
    provider:
      cfnRole: arn:aws:iam::148716834237:role/default

Use instead:
    provider:
      cfnRole: arn:aws:iam::${aws:accountId}:role/default
      iam:
        role: !Sub arn:aws:iam::${AWS::AccountId}:role/app-lambda

References: Serverless Framework, "AWS provider" (`cfnRole`, `iam.deploymentRole`, `iam.role`,
`permissionsBoundary`), "Variables: AWS" (`${aws:accountId}`); AWS CloudFormation, "Service role"
and "Pseudo parameters" (`AWS::AccountId`).
"""

from lintkit.analysis.secretscan import built_from_variables, raw_scalars
from lintkit.formats.variables import find_variables
from lintkit.model.diagnostics import Finding
from lintkit.model.lazyre import lazy_compile
from lintkit.model.nodes import Mapping, Scalar, path_get
from ._common import once_per_place

CODE = "CONFIG006"
NAME = "account-specific-role-arn"
SEVERITY = "info"
SUMMARY = "A role ARN in serverless.yml hard-codes a 12-digit account ID."

ACCOUNT_ARN = lazy_compile(r"^arn:aws(?:-[a-z]+)*:iam::(\d{12}):[^:]")

# Read by the Framework (CloudFormation's RoleARN parameter): no CloudFormation functions there.
FRAMEWORK_SETTINGS = ("cfnRole", "iam.deploymentRole")


def check(service, context):
    yield from once_per_place(_findings(service))


def _findings(service):
    provider = service.provider
    settings = [(provider, "cfnRole", "provider.cfnRole"),
                (path_get(provider, "iam"), "deploymentRole", "provider.iam.deploymentRole"),
                (path_get(provider, "iam"), "role", "provider.iam.role"),
                (path_get(provider, "iam", "role"), "permissionsBoundary",
                 "provider.iam.role.permissionsBoundary"),
                (provider, "role", "provider.role"),
                (provider, "rolePermissionsBoundary", "provider.rolePermissionsBoundary")]
    settings += [(function.node, "role", f"functions.{function.name}.role")
                 for function in service.functions if function.kind == "function"]
    for mapping, key, label in settings:
        if not isinstance(mapping, Mapping):
            continue
        value = mapping.get(key)
        match = ACCOUNT_ARN.match(value.value) if _literal_here(service, mapping, value) else None
        if match:
            yield Finding.at(value, _message(service, label, match.group(1), value.value))


def _literal_here(service, mapping: Mapping, value) -> bool:
    """`value` is a string written at this setting, not one a variable brought from elsewhere."""
    if not (isinstance(value, Scalar) and isinstance(value.value, str)):
        return False
    if not _inside(value.span, mapping.span):  # `${self:custom.roles.${sls:stage}}`, an alias
        return False
    if built_from_variables(service, value):
        return False
    return value.span.path == service.config_path or not _includes_per_stage_files(service)


def _inside(span, outer) -> bool:
    return (span.path == outer.path
            and (outer.line, outer.column) <= (span.line, span.column)
            and (span.end_line, span.end_column) <= (outer.end_line, outer.end_column))


def _includes_per_stage_files(service) -> bool:
    """Some `${file()}` of the service picks its file or its part with a variable:
    `${file(config/${sls:stage}.yml)}`, `${file(config.yml):${sls:stage}}`."""
    return any(inner.startswith("file(") and "${" in inner
               for _, scalar in raw_scalars(service) if "${" in scalar.value
               for _, _, inner in find_variables(scalar.value))


def _message(service, label: str, account: str, arn: str) -> str:
    partition, name = arn.split(":")[1], arn.split(":", 5)[5]
    fix = f"`arn:{partition}:iam::${{aws:accountId}}:{name}`"
    if label.removeprefix("provider.") not in FRAMEWORK_SETTINGS:
        sub = f"arn:{partition}:iam::${{AWS::AccountId}}:{name}"
        yaml = service.config_path.suffix in (".yml", ".yaml")
        sub = f"!Sub {sub}" if yaml else f'{{"Fn::Sub": "{sub}"}}'
        fix = f"`{sub}` or {fix}"
    return (f"`{label}` hard-codes account {account}, so the service can only be deployed to that "
            f"account: write {fix}, or take the ARN from a `${{param:...}}` or `${{ssm:...}}` "
            "value.")

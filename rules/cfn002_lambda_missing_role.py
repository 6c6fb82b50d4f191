"""An `AWS::Lambda::Function` resource without a `Role`.

What: an `AWS::Lambda::Function` under `resources.Resources` whose `Properties` have no `Role`, or
an empty one. Reported at its `Properties` key (at the logical id when there are no
`Properties`). Not flagged: `AWS::Serverless::Function` (SAM creates a role), roles given as
`!GetAtt`, `!Ref`, `!ImportValue` or variables, and `functions:` entries (Serverless creates their
role).

Why: `Role` is a required property of `AWS::Lambda::Function`: Serverless does not add its IAM role
to resources you declare yourself, so CloudFormation rejects the stack ("Properties validation
failed ... required key [Role] not found") and rolls the deployment back.

Example:
    MigrateDB:
      Type: AWS::Lambda::Function
      Properties:
        Runtime: nodejs22.x
        Handler: index.handler

Use instead:
    MigrateDB:
      Type: AWS::Lambda::Function
      Properties:
        Role: !GetAtt IamRoleLambdaExecution.Arn   # or a role of your own
        Runtime: nodejs22.x
        Handler: index.handler

References: AWS CloudFormation, "AWS::Lambda::Function" (Role: required); Serverless Framework,
"AWS - Resources" and "IAM" (the default role `IamRoleLambdaExecution`).
"""
from lintkit.model.diagnostics import Finding
from lintkit.model.nodes import Scalar, is_dynamic

CODE = "CFN002"
NAME = "lambda-missing-role"
SEVERITY = "error"
SUMMARY = "An AWS::Lambda::Function resource has no Role, which CloudFormation requires."

ROLE_EXAMPLE = ("an IAM role ARN, e.g. `!GetAtt IamRoleLambdaExecution.Arn` (the role Serverless "
                "creates for its functions)")


SAM_ROLE_EXAMPLE = ("an IAM role ARN, e.g. `!GetAtt MigrationRole.Arn` of an AWS::IAM::Role in the "
                    "template, or make the function an AWS::Serverless::Function, for which SAM creates one")


def check(service, context):
    for resource in service.resources_of_type("AWS::Lambda::Function"):
        properties = resource.properties
        role = properties.get("Role") if properties is not None else None
        if role is not None and (is_dynamic(role) or not _is_empty(role)):
            continue
        yield _missing(service, resource, properties) if role is None else \
            _empty(service, resource, properties, role)


def _role_example(service) -> str:
    if service.format == "sam":
        return SAM_ROLE_EXAMPLE
    return ROLE_EXAMPLE


def _missing(service, resource, properties) -> Finding:
    where = resource.node.key_node("Properties") if properties is not None else resource.key
    gives = ("SAM creates a role only for AWS::Serverless::Function resources" if service.format == "sam"
             else "Serverless gives a role only to `functions:` entries")
    return Finding.at(where, f"`{resource.logical_id}` has no `Role`, which "
                      f"AWS::Lambda::Function requires ({gives}): add `Role:` with "
                      f"{_role_example(service)}.", function=resource.logical_id)


def _empty(service, resource, properties, role) -> Finding:
    span = role.span
    where = role if (span.line, span.column) != (span.end_line, span.end_column) else \
        properties.key_node("Role")
    return Finding.at(where, f"`{resource.logical_id}` has an empty `Role`, which "
                      f"AWS::Lambda::Function requires: set it to {_role_example(service)}.",
                      function=resource.logical_id)


def _is_empty(node) -> bool:
    return isinstance(node, Scalar) and node.value in (None, "")

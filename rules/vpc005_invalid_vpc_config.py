"""A `vpc` block with placeholder ids, empty lists, or only half of its settings.

What: literal security group or subnet ids that are not real AWS ids (`sg-xxxxxxxx`,
`subnet-yyyyyyyy`, `<subnet-id>`, `CHANGEME`; a real id is `sg-` or `subnet-` followed by 8 or 17
hexadecimal digits), a `vpc` with `securityGroupIds` but no `subnetIds` (or the reverse), and empty
lists. Checked in `provider.vpc`, functions' `vpc` and raw resources' `VpcConfig`. One diagnostic per
bad id. Variables and CloudFormation references are not checked.

Why: CloudFormation rejects the deployment ("The security group 'sg-xxxxxxxx' does not exist"), and a
half-filled block fails validation with an error that does not say which key is missing.

Example:
    vpc:
      securityGroupIds:
        - sg-xxxxxxxx
      subnetIds:
        - subnet-xxxxxxxx

Use instead:
    vpc:
      securityGroupIds:
        - ${ssm:/network/lambda-sg-id}
      subnetIds: ${ssm:/network/private-subnet-ids}

References: Serverless Framework, "VPC configuration"; AWS Lambda, "VpcConfig"; Amazon EC2 resource id
format (8 or 17 hexadecimal characters).
"""
import re

from lintkit.model.diagnostics import Finding
from lintkit.model.nodes import Mapping, Scalar, Sequence, is_dynamic, text

CODE = "VPC005"
NAME = "invalid-vpc-config"
SEVERITY = "error"
SUMMARY = "Placeholder security group or subnet ids, empty lists, or a half-filled vpc block."

ID_PATTERNS = {
    "securityGroupIds": re.compile(r"^sg-[0-9a-f]{8}([0-9a-f]{9})?$"),
    "subnetIds": re.compile(r"^subnet-[0-9a-f]{8}([0-9a-f]{9})?$"),
}
RESOURCE_KEYS = {"securityGroupIds": "SecurityGroupIds", "subnetIds": "SubnetIds"}
WANTED = {"securityGroupIds": "list at least one security group id",
          "subnetIds": "list at least two subnets in different Availability Zones"}
EXAMPLES = {"securityGroupIds": "sg-0123456789abcdef0", "subnetIds": "subnet-0123456789abcdef0"}


SAM_VARIABLE = "a parameter (`!Ref {parameter}`)"
SAM_PARAMETERS = {"securityGroupIds": "LambdaSecurityGroupIds", "subnetIds": "PrivateSubnetIds"}
VARIABLE = "a variable such as `${ssm:/network/...}`"


def check(service, context):
    variable = SAM_VARIABLE if service.format == "sam" else VARIABLE
    if service.provider is not None:
        yield from _check_block(service.provider.get("vpc"), None, RESOURCE_KEYS.keys(), variable)
    if service.sam_globals is not None:  # what every SAM function inherits, checked once
        yield from _check_block(service.sam_globals.get("VpcConfig"), None, RESOURCE_KEYS.values(),
                                variable)
    for function in service.functions:
        present, vpc = function.own_setting("vpc")
        if not present or function.inherited("VpcConfig"):
            continue
        keys = RESOURCE_KEYS.values() if function.kind == "resource" else RESOURCE_KEYS.keys()
        yield from _check_block(vpc, function.name, keys, variable)


def _check_block(vpc, function, keys, variable):
    if not isinstance(vpc, Mapping) or not vpc.pairs:
        return  # absent, removed (`vpc: ~`) or a variable: other rules' business
    security_key, subnet_key = keys
    present = {key: key in vpc for key in keys}
    if present[security_key] != present[subnet_key]:
        missing = subnet_key if present[security_key] else security_key
        yield Finding.at(vpc, f"this vpc block has no `{missing}`: Lambda needs both security groups "
                         "and subnets; add the missing list.", function=function)
    for kind, key in zip(ID_PATTERNS, keys):
        yield from _check_ids(vpc.get(key), vpc.key_node(key), kind, key, function, variable)


def _check_ids(ids, key_node, kind, key, function, variable):
    if ids is None or is_dynamic(ids):
        return
    if isinstance(ids, Sequence):
        if not ids.items:
            yield Finding.at(key_node or ids, f"`{key}` is empty: {WANTED[kind]}.", function=function)
        for item in ids.items:
            yield from _check_id(item, kind, key, function, variable)
    elif isinstance(ids, Scalar):
        if ids.value in (None, ""):
            yield Finding.at(key_node or ids, f"`{key}` is empty: {WANTED[kind]}.", function=function)
        else:
            yield from _check_id(ids, kind, key, function, variable)


def _check_id(item, kind, key, function, variable):
    value = text(item)
    if value is None or is_dynamic(item) or ID_PATTERNS[kind].match(value):
        return
    yield Finding.at(item, f"`{value}` is not a valid {'security group' if kind == 'securityGroupIds' else 'subnet'} "
                     f"id: use a real id like `{EXAMPLES[kind]}`, or "
                     f"{variable.replace('{parameter}', SAM_PARAMETERS[kind])}.", function=function)

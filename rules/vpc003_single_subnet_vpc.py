"""A VPC configuration lists a single subnet: one Availability Zone.

What: a literal `subnetIds` list (in `provider.vpc`, a function's `vpc`, or a raw resource's
`VpcConfig.SubnetIds`) with exactly one entry: a literal subnet id, or a `!Ref` to one
`AWS::EC2::Subnet` of this stack. Not flagged: a single variable (`${ssm:...}` StringLists are
split into several ids), `Fn::Split`, `!Ref` to a list parameter or `Fn::ImportValue`, and empty
lists (VPC005 reports those).

Why: Lambda runs a VPC function only in the Availability Zones of its subnets. With one subnet, an
outage of that zone stops the function, and AWS Config's `lambda-vpc-multi-az-check` fails.

Example:
    vpc:
      securityGroupIds: [sg-0123456789abcdef0]
      subnetIds:
        - subnet-0123456789abcdef0

Use instead:
    vpc:
      securityGroupIds: [sg-0123456789abcdef0]
      subnetIds:
        - subnet-0123456789abcdef0   # us-east-1a
        - subnet-0fedcba9876543210   # us-east-1b

References: AWS Lambda, "Giving Lambda functions access to resources in an Amazon VPC" (use subnets
in several Availability Zones); AWS Config, "lambda-vpc-multi-az-check".
"""
from lintkit.model.diagnostics import Finding
from lintkit.model.nodes import Intrinsic, Mapping, Sequence, intrinsic_name, is_dynamic, path_get, text

CODE = "VPC003"
NAME = "single-subnet-vpc"
SEVERITY = "warning"
SUMMARY = "A VPC configuration lists a single subnet: the function runs in one Availability Zone."


def check(service, context):
    subnets = {r.logical_id for r in service.resources_of_type("AWS::EC2::Subnet")}
    seen = set()
    for list_node, owner in _subnet_lists(service):
        if not _single_subnet(list_node, subnets) or list_node.span in seen:
            continue
        seen.add(list_node.span)
        shared = "`Globals.Function` `VpcConfig`" if service.format == "sam" else "`provider.vpc`"
        who = f"`{owner}`" if owner else f"every function that uses {shared}"
        yield Finding.at(
            list_node, f"Only one subnet is listed, so {who} runs in a single Availability Zone "
            "and stops when that zone has an outage: add a subnet in a second Availability Zone.",
            function=owner)


def _subnet_lists(service):
    """(subnet list node, function name or None) for every VPC block of the service."""
    provider_vpc = service.provider.get("vpc") if service.provider else None
    if isinstance(provider_vpc, Mapping):
        yield provider_vpc.get("subnetIds"), None
    globals_vpc = service.sam_globals.get("VpcConfig") if service.sam_globals is not None else None
    if isinstance(globals_vpc, Mapping):  # what every SAM function inherits, once
        yield globals_vpc.get("SubnetIds"), None
    for function in service.functions:
        if function.inherited("VpcConfig"):
            continue
        present, vpc = function.own_setting("vpc")
        key = "SubnetIds" if function.kind == "resource" else "subnetIds"
        if present and isinstance(vpc, Mapping):
            yield vpc.get(key), function.name


def _single_subnet(node, subnets: set[str]) -> bool:
    if not isinstance(node, Sequence) or is_dynamic(node) or len(node.items) != 1:
        return False
    item = node.items[0]
    if intrinsic_name(item) == "Ref":
        target = text(item.value) if isinstance(item, Intrinsic) else text(path_get(item, "Ref"))
        return target in subnets
    value = text(item)
    return bool(value) and not is_dynamic(item) and "," not in value and "${" not in value

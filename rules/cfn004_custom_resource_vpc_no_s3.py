"""A custom resource's function runs in a VPC with no way out to S3 for its response.

What: a function behind a `Custom::*` or `AWS::CloudFormation::CustomResource` resource (linked
through its `ServiceToken`) that runs in a VPC (`VpcConfig`, or `vpc` for a `functions:` entry,
inherited from `provider.vpc` too), while the stack declares no `AWS::EC2::NatGateway` and no S3
`AWS::EC2::VPCEndpoint`. Only info when the VPC comes from another stack (its subnets are not
resources of this one), which may have them. Not flagged: functions outside a VPC, endpoints whose
service name is a deploy-time value, and services using `serverless-vpc-plugin` (it creates them).

Why: the response goes to a presigned S3 URL (`event.ResponseURL`). From private subnets without a
NAT gateway or an S3 gateway endpoint the PUT times out, so CloudFormation never hears back: the
stack hangs for up to an hour and fails.

Example:
    SeedFunction:
      Type: AWS::Lambda::Function
      Properties:
        VpcConfig:
          SubnetIds: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]
          SecurityGroupIds: [!Ref LambdaSecurityGroup]

Use instead:
    S3Endpoint:
      Type: AWS::EC2::VPCEndpoint
      Properties:
        ServiceName: !Sub com.amazonaws.${AWS::Region}.s3
        VpcId: !Ref Vpc
        RouteTableIds: [!Ref PrivateRouteTable]

References: AWS CloudFormation, "Custom resources" and "Custom resource request objects"
(`ResponseURL`); Amazon VPC, "Gateway endpoints for Amazon S3"; AWS Lambda, "Enable internet access
for VPC-connected Lambda functions".
"""
from lintkit.analysis.cfn import (
    custom_resource_functions, has_vpc, own_vpc_key, stack_reaches_s3, vpc_declared_here,
)
from lintkit.model.diagnostics import Finding

CODE = "CFN004"
NAME = "custom-resource-vpc-no-s3"
SEVERITY = "warning"
SUMMARY = "A custom resource's function runs in a VPC with no NAT gateway or S3 endpoint."


def check(service, context):
    if stack_reaches_s3(service):
        return
    for custom in custom_resource_functions(service):
        function = custom.function
        if not has_vpc(function):
            continue
        here = vpc_declared_here(service, function)
        where = own_vpc_key(function) or function.key
        maybe = "" if here else (" If the VPC's own stack has a NAT gateway or an S3 endpoint, "
                                 "this is fine.")
        yield Finding.at(
            where, f"`{function.name}` backs custom resource `{custom.resource.logical_id}` and "
            "runs in a VPC, but this stack declares no NAT gateway or S3 VPC endpoint: its "
            "response PUT to the presigned S3 URL cannot leave the VPC and the stack hangs. Remove "
            "the VPC settings from this function, or add an S3 gateway endpoint (or a NAT gateway)."
            f"{maybe}",
            function=function.name, severity=None if here else "info")

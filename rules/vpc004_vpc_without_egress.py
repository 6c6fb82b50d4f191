"""A function in a VPC calls AWS services, but the stack has no NAT gateway or VPC endpoint.

What: a function whose effective `vpc` (or `VpcConfig`) places it in a VPC and whose handler graph
imports Secrets Manager or SSM clients (`@aws-sdk/client-secrets-manager`, `@aws-sdk/client-ssm`,
their SDK v2 and middy/Powertools equivalents), or that backs a custom resource (its response goes
to S3), while the stack declares no `AWS::EC2::NatGateway` and no `AWS::EC2::VPCEndpoint`. Always
info: the VPC may be built in another stack that has them. Not flagged: functions outside a VPC,
stacks that declare either resource, services using `serverless-vpc-plugin` (it creates them).

Why: a function in private subnets has no route to the internet. Without a NAT gateway or an
interface endpoint, calls to Secrets Manager or SSM hang until the function times out, usually
while fetching the database password on a cold start.

Example:
    provider:
      vpc: ${file(./vpc.yml)}
    functions:
      users:
        handler: src/users.handler   # GetSecretValue from @aws-sdk/client-secrets-manager

Use instead:
    resources:
      Resources:
        SecretsManagerEndpoint:
          Type: AWS::EC2::VPCEndpoint
          Properties:
            ServiceName: !Sub com.amazonaws.${AWS::Region}.secretsmanager
            VpcEndpointType: Interface
            PrivateDnsEnabled: true
            VpcId: ...

References: AWS Lambda, "Enable internet access for VPC-connected Lambda functions"; AWS Secrets
Manager, "Using an AWS Secrets Manager VPC endpoint"; AWS CloudFormation, "Custom resources".
"""
from lintkit.analysis.cfn import custom_resource_functions, has_vpc, stack_has_nat_or_endpoint
from lintkit.model.diagnostics import Finding
from lintkit.read.handlers import module_matches

CODE = "VPC004"
NAME = "vpc-without-egress"
SEVERITY = "info"
SUMMARY = "A VPC function calls Secrets Manager, SSM or S3; the stack has no NAT or VPC endpoint."

# Module → the VPC endpoint service its calls need.
AWS_API_MODULES = {
    "@aws-sdk/client-secrets-manager": "secretsmanager",
    "aws-sdk/clients/secretsmanager": "secretsmanager",
    "@middy/secrets-manager": "secretsmanager",
    "@aws-sdk/client-ssm": "ssm",
    "aws-sdk/clients/ssm": "ssm",
    "@middy/ssm": "ssm",
    "@aws-lambda-powertools/parameters": "ssm or secretsmanager",
}
NO_EGRESS = "this stack declares no NAT gateway or VPC endpoint"
OTHER_STACK = "This is fine if the VPC's own stack provides a NAT gateway or that endpoint"


def check(service, context):
    if stack_has_nat_or_endpoint(service):
        return
    custom_resources = {id(c.function.node): c for c in custom_resource_functions(service)}
    for function in service.functions:
        if not has_vpc(function):
            continue
        module = _aws_api_import(service, function)
        if module is not None:
            yield Finding.at(
                function.key, f"`{function.name}` runs in a VPC and imports `{module}`, but "
                f"{NO_EGRESS}, so those calls cannot leave the VPC and time out. {OTHER_STACK}; "
                f"otherwise add an interface VPC endpoint for `{AWS_API_MODULES[module]}` (or a "
                "NAT gateway).", function=function.name)
        elif id(function.node) in custom_resources:
            resource = custom_resources[id(function.node)].resource.logical_id
            yield Finding.at(
                function.key, f"`{function.name}` runs in a VPC and backs custom resource "
                f"`{resource}`, whose response goes to S3, but {NO_EGRESS}, so the response cannot "
                f"leave the VPC. {OTHER_STACK}; otherwise add an S3 gateway endpoint (or a NAT "
                "gateway).", function=function.name)


def _aws_api_import(service, function) -> str | None:
    graph = service.graph(function)
    found = next(graph.find_imports(*AWS_API_MODULES), None) if graph is not None else None
    if found is None:
        return None
    return next(module for module in AWS_API_MODULES if module_matches(found[1].module, module))

"""An `AWS::Lambda::Permission` lets any account, or any account's resources, invoke the function.

What: an `AWS::Lambda::Permission` under `resources.Resources` whose `Principal` is
- `'*'` without `SourceArn`, `SourceAccount`, `PrincipalOrgID` or `EventSourceToken`: any AWS
  account may call the function (error);
- an AWS service principal (`s3.amazonaws.com`, `sns.amazonaws.com`, `events.amazonaws.com`,
  `apigateway.amazonaws.com`, `logs.amazonaws.com`, ...) without `SourceArn` or `SourceAccount`
  (or, for Alexa, `EventSourceToken`): the service may invoke it for a resource in any account, the
  confused deputy AWS warns about (warning).
Reported at the `Principal` value. Not flagged: a public function URL, which is public by design
(`FunctionUrlAuthType: NONE`, or `InvokedViaFunctionUrl: true`, the `lambda:InvokeFunction`
statement such a URL also needs); an account ID, an account or role ARN; principals given by a
CloudFormation function or a deploy-time variable; the permissions Serverless generates for
`events:` (it sets `SourceArn` itself). Account IDs written into `SourceArn` or `SourceAccount`
are not flagged either (the issue also asked about them): a topic or bucket in another account is
a legitimate source, and lintkit cannot tell it from the service's own account.

Why: the permission is a statement in the function's resource policy. With `'*'`, anyone with AWS
credentials can invoke the function directly, outside every authorizer in front of it. With a
service principal and no source, "other accounts could potentially configure resources in their
account to invoke your Lambda function" (AWS): a bucket, topic or rule in someone else's account
triggers your function with events you did not expect, and an S3 bucket name freed by deletion can
be re-created by another account.

Example:
    S3InvokePermission:
      Type: AWS::Lambda::Permission
      Properties:
        FunctionName: !GetAtt ImportLambdaFunction.Arn
        Action: lambda:InvokeFunction
        Principal: s3.amazonaws.com

Use instead:
    S3InvokePermission:
      Type: AWS::Lambda::Permission
      Properties:
        FunctionName: !GetAtt ImportLambdaFunction.Arn
        Action: lambda:InvokeFunction
        Principal: s3.amazonaws.com
        SourceArn: !GetAtt UploadBucket.Arn
        SourceAccount: !Ref AWS::AccountId

References: AWS CloudFormation, "AWS::Lambda::Permission" (SourceArn, SourceAccount,
FunctionUrlAuthType, InvokedViaFunctionUrl); AWS Lambda Developer Guide, "Granting Lambda function
access to AWS services" and "Security and auth model for Lambda function URLs"; AWS IAM User Guide,
"The confused deputy problem".
"""

from lintkit.model.diagnostics import Finding
from lintkit.model.lazyre import lazy_compile
from lintkit.model.nodes import Scalar, is_dynamic, text

CODE = "CFN006"
NAME = "lambda-permission-open-principal"
SEVERITY = "error"
SUMMARY = "A Lambda permission for Principal '*', or for a service without SourceArn/SourceAccount."

SERVICE_PRINCIPAL = lazy_compile(r"^[a-z0-9][a-z0-9.-]*\.amazon(?:aws)?\.com(?:\.cn)?$")
SOURCE_KEYS = ("SourceArn", "SourceAccount")
# What the SourceArn names, for the services that invoke functions through a permission.
SOURCE_OF = {
    "s3": "the bucket", "sns": "the topic", "events": "the EventBridge rule",
    "apigateway": "the API (`arn:aws:execute-api:...`)", "logs": "the log group",
    "cognito-idp": "the user pool", "iot": "the IoT rule",
    "elasticloadbalancing": "the target group",
    "secretsmanager": "the secret", "ses": "the SES rule set", "lex": "the bot alias",
    "config": "the Config rule", "cloudformation": "the stack",
}


def check(service, context):
    for resource in service.resources_of_type("AWS::Lambda::Permission"):
        properties = resource.properties
        principal = properties.get("Principal") if properties is not None else None
        if not isinstance(principal, Scalar) or is_dynamic(principal):
            continue
        value = (text(principal) or "").strip()
        if value == "*":
            if not _restricted(properties, "PrincipalOrgID") and not _public_url(properties):
                yield Finding.at(principal, _open_message(properties, resource.logical_id))
        elif SERVICE_PRINCIPAL.match(value) and not _restricted(properties):
            yield Finding.at(principal, _service_message(resource.logical_id, value),
                             severity="warning")


def _restricted(properties, *more_keys: str) -> bool:
    """A source condition narrows who may invoke: any of these keys set to a value."""
    keys = SOURCE_KEYS + ("EventSourceToken",) + more_keys
    return any(_is_set(properties.get(key)) for key in keys)


def _is_set(node) -> bool:
    return node is not None and not (isinstance(node, Scalar) and node.value in (None, ""))


def _public_url(properties) -> bool:
    """The statements of a public function URL: `lambda:InvokeFunctionUrl` with auth type NONE,
    and the `lambda:InvokeFunction` one marked `InvokedViaFunctionUrl: true`."""
    return (text(properties.get("FunctionUrlAuthType")) == "NONE"
            or text(properties.get("InvokedViaFunctionUrl")) == "true")


def _open_message(properties, logical_id: str) -> str:
    if _is_set(properties.get("FunctionUrlAuthType")):  # AWS_IAM: signed requests of any account
        return (f"`{logical_id}` grants `Principal: '*'` on an `AWS_IAM` function URL, so IAM "
                "principals of any AWS account can call it: name the account that calls it.")
    return (f"`{logical_id}` grants `Principal: '*'`, so any AWS account can invoke the function "
            "directly: name the caller (an account ID, or a service principal with `SourceArn`).")


def _service_message(logical_id: str, principal: str) -> str:
    service = principal.split(".", 1)[0]
    source = SOURCE_OF.get(service, "the resource that invokes it")
    fix = f"add `SourceArn` with the ARN of {source}"
    if service == "s3":  # bucket ARNs hold no account: AWS asks for both
        fix += " and `SourceAccount: !Ref AWS::AccountId`"
    return (f"`{logical_id}` lets `{principal}` invoke the function with no `SourceArn` or "
            "`SourceAccount`, so a resource in any other account can trigger it (confused "
            f"deputy): {fix}.")

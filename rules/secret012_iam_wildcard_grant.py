"""An IAM statement of the service grants every action, all of a data service, or writes anywhere.

What: an `Effect: Allow` statement in `provider.iamRoleStatements`, `provider.iam.role.statements`,
a function's `iamRoleStatements` (when the serverless-iam-roles-per-function plugin is listed: the
key deploys nothing without it), or the policy document of an `AWS::IAM::Role` (`Policies`),
`AWS::IAM::Policy` or `AWS::IAM::ManagedPolicy` resource, that has
- `Action: '*'` (or `'*:*'`), or `NotAction` (everything but the listed actions): an error when the
  statement also covers every resource (`Resource: '*'` or `NotResource`), the role is then an
  administrator of the account; a warning otherwise;
- `<service>:*` on a service that holds data or grants access: `dynamodb`, `s3`, `rds`,
  `secretsmanager`, `ssm`, `kms`, `iam`, whatever the resource (it includes deleting the table,
  bucket or key, and rewriting its policy);
- `Resource: '*'` (or an ARN whose every field after the service is a wildcard,
  `arn:aws:s3:::*`, `arn:aws:dynamodb:*:*:*`; or `NotResource`) with a write action: any action
  whose name does not start with a read verb (`Get`, `List`, `Describe`, `Query`, `Scan`,
  `BatchGet`, `Select`, `Head`, `Lookup`, `Search`, `Decrypt`...) nor a stateless one (`Detect`, `Analyze`,
  `Translate`, `Synthesize`, `Compare`, `Recognize`); `s3:Put*` and `sns:*` are writes.
Reported at the wildcard value (the `NotAction`/`NotResource` value), once per statement.
Not flagged: `Effect: Deny` (or an effect known only at deploy time); read-only actions on `'*'`
(`kms:Decrypt` included: it reads); the write actions AWS documents for `'*'` because they name no
resource or the resource does not exist yet: `xray:PutTraceSegments`, `xray:PutTelemetryRecords`,
`cloudwatch:PutMetricData`, the VPC network-interface actions (`ec2:CreateNetworkInterface`,
`DescribeNetworkInterfaces`, `DeleteNetworkInterface`, `AssignPrivateIpAddresses`,
`UnassignPrivateIpAddresses`) and the logging actions of `AWSLambdaBasicExecutionRole`
(`logs:CreateLogGroup`, `CreateLogStream`, `PutLogEvents`); `sns:Publish` (SMS to a phone number
has no ARN, and lintkit cannot tell which the code sends), `states:SendTaskSuccess`/`Failure`/
`Heartbeat` (task tokens name no resource), `mobileanalytics:PutEvents`; actions that start a job
named at call time (`transcribe:StartTranscriptionJob`, `textract:StartDocumentAnalysis`);
`logs:*` scoped to the service's own log groups (it is not a data service: deleting one's own logs
is a smaller risk than the noise of flagging it; `logs:*` on `'*'` is flagged as a write on every
log group of the account); a role's `AssumeRolePolicyDocument` (it says who may assume, not what); a
`Resource: '*'` write in a statement with a `Condition` (tag and VPC conditions scope it; lintkit
does not judge them); values that are CloudFormation functions or deploy-time variables;
`provider.iamManagedPolicies` and `iam.role` given as an existing role's ARN.

Why: the function's role is what an attacker gets when any part of the function is exploited, a
server-side request forgery, an injection into a shell or query, a compromised dependency. With a
wildcard grant that is the whole account, or every table and bucket in it, instead of the one
table the function writes to. Peers (checkov CKV_AWS_1/CKV_AWS_49, KICS, the Serverless safeguards)
flag the same statements; checkov reads only the legacy `iamRoleStatements` key.

Example:
    provider:
      iam:
        role:
          statements:
            - Effect: Allow
              Action: dynamodb:*
              Resource: '*'

Use instead:
    provider:
      iam:
        role:
          statements:
            - Effect: Allow
              Action: [dynamodb:GetItem, dynamodb:PutItem, dynamodb:Query]
              Resource: !GetAtt OrdersTable.Arn

References: AWS IAM User Guide, "Security best practices in IAM" (apply least-privilege
permissions) and "IAM JSON policy elements: NotAction" / "NotResource"; AWS Lambda Developer Guide,
"Lambda execution role" (AWSLambdaBasicExecutionRole, AWSLambdaVPCAccessExecutionRole); AWS X-Ray,
"AWSXRayDaemonWriteAccess"; Amazon CloudWatch, "PutMetricData" (resource `*` only); Serverless
Framework, "IAM Permissions For Functions"; checkov CKV_AWS_1 and CKV_AWS_49.
"""

from lintkit.analysis.iam import statements, values
from lintkit.model.diagnostics import Finding
from lintkit.model.lazyre import lazy_compile
from lintkit.model.nodes import Sequence
from ._common import once_per_place

CODE = "SECRET012"
NAME = "iam-wildcard-grant"
SEVERITY = "warning"
SUMMARY = "An IAM statement allows `Action: '*'`, all of a data service, or writes on `Resource: '*'`."

# What `<service>:*` adds beyond what a function needs, for the message.
DATA_SERVICES = {
    "dynamodb": "`dynamodb:DeleteTable`",
    "s3": "`s3:DeleteBucket` and `s3:PutBucketPolicy`",
    "rds": "`rds:DeleteDBInstance` and `rds:ModifyDBInstance`",
    "secretsmanager": "`secretsmanager:DeleteSecret` and `secretsmanager:PutResourcePolicy`",
    "ssm": "`ssm:DeleteParameter` and `ssm:SendCommand`",
    "kms": "`kms:ScheduleKeyDeletion` and `kms:PutKeyPolicy`",
    "iam": "`iam:CreateAccessKey` and `iam:AttachRolePolicy` (a way to any permission)",
}
READ_VERBS = lazy_compile(
    r"(?i)^(get|list|describe|query|scan|batchget|select|head|lookup|search|view|read|check|"
    r"validate|test|filter|estimate|preview|detect|analyze|translate|synthesize|compare|"
    r"recognize|decrypt)")
# Write actions AWS documents with `Resource: '*'` (they take no resource, or create it).
STAR_ONLY_ACTIONS = frozenset(action.lower() for action in (
    "xray:PutTraceSegments", "xray:PutTelemetryRecords", "cloudwatch:PutMetricData",
    "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses",
    "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents",
    "mobileanalytics:PutEvents", "sns:Publish",  # SMS to a phone number has no ARN
    "states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat",
))
# Actions that start a job named at call time (`transcribe:StartTranscriptionJob`,
# `textract:StartDocumentAnalysis`): nothing existing is changed.
NEW_JOB = lazy_compile(r"^Start\w*(Job|Detection|Analysis)$")
S3_OBJECT_ACTIONS = "`s3:DeleteObjectVersion` and `s3:PutObjectAcl`"
FULL_WILDCARDS = ("*", "*:*")
# `arn:aws:s3:::*`, `arn:aws:dynamodb:*:*:*`: every field after the service a wildcard or empty.
EVERY_RESOURCE_ARN = lazy_compile(r"^arn:[^:]*:[^:]+(:[*/]*)+$")


def check(service, context):
    findings = []
    for statement in statements(service):
        if statement.allows:
            finding = _finding(statement)
            if finding is not None:
                findings.append(finding)
    yield from once_per_place(findings)


def _finding(statement):
    node = statement.node
    actions = values(node.get("Action"))
    not_action = node.get("NotAction")
    every_resource = _every_resource(node)
    where, function = statement.where, statement.function
    full = [action for action in actions if action.value.strip() in FULL_WILDCARDS]
    if full or not_action is not None:
        target = full[0] if full else _first_value(not_action)
        admin = every_resource is not None
        return Finding.at(target, _full_message(where, bool(full), admin), function=function,
                          severity="error" if admin else None)
    for action in actions:
        service_name, _, verb = action.value.strip().partition(":")
        if verb == "*" and service_name.lower() in DATA_SERVICES:
            return Finding.at(action, _service_message(where, action.value.strip(),
                                                       service_name.lower(), node),
                              function=function)
    if every_resource is None or node.get("Condition") is not None:
        return None
    writes = [action.value.strip() for action in actions if _is_write(action.value.strip())]
    if writes:
        return Finding.at(every_resource, _resource_message(where, writes, _label(node)),
                          function=function)
    return None


def _every_resource(node):
    """The value that makes a statement cover every resource: `'*'`, an all-wildcard ARN, or
    `NotResource`; None when its resources are named (or unknown)."""
    not_resource = node.get("NotResource")
    if not_resource is not None:
        return _first_value(not_resource)
    for resource in values(node.get("Resource")):
        value = resource.value.strip()
        if value == "*" or EVERY_RESOURCE_ARN.match(value):
            return resource
    return None


def _first_value(node):
    listed = values(node)
    return listed[0] if listed else node


def _is_write(action: str) -> bool:
    service_name, _, verb = action.partition(":")
    if not verb or action.lower() in STAR_ONLY_ACTIONS or NEW_JOB.match(verb):
        return False
    return not READ_VERBS.match(verb)


def _full_message(where: str, star: bool, admin: bool) -> str:
    if star:
        grant = "`Action: '*'`"
        scope = ("on every resource makes the role an administrator of the account" if admin
                 else "allows every action of every AWS service on these resources")
    else:
        grant = "`NotAction` with `Effect: Allow`"
        scope = "allows every action but the listed ones" + (
            " on every resource of the account" if admin else "")
    return (f"{grant} in {where} {scope}: whoever runs code with this role (an exploited "
            "function, a compromised dependency) gets that. List the actions the code calls under "
            "`Action`, on the ARNs of the service's own resources.")


def _service_message(where: str, action: str, service_name: str, statement) -> str:
    scope = " on every resource of the account" if _every_resource(statement) is not None else ""
    examples = DATA_SERVICES[service_name]
    if service_name == "s3" and not scope:
        examples = _s3_examples(statement.get("Resource"))
    return (f"`{action}` in {where} allows every {service_name} action{scope}, including "
            f"{examples}: list the actions the code calls "
            f"(`{service_name}:Get...`, `{service_name}:Put...`) instead.")


def _s3_examples(resource) -> str:
    """Bucket actions apply to bucket ARNs, object actions to `bucket/key` ARNs."""
    arns = values(resource)
    if len(arns) != (len(resource) if isinstance(resource, Sequence) else 1):  # some ARN known only at deploy time
        return "its delete and permission-changing actions"
    if all("/" in arn.value for arn in arns):
        return S3_OBJECT_ACTIONS
    return DATA_SERVICES["s3"]


def _label(statement) -> str:
    if statement.get("NotResource") is not None:
        return "`NotResource`"
    return f"`Resource: '{_every_resource(statement).value.strip()}'`"


def _resource_message(where: str, writes: list[str], label: str) -> str:
    shown = ", ".join(f"`{action}`" for action in writes[:3])
    more = f" and {len(writes) - 3} more" if len(writes) > 3 else ""
    scope = ("every resource but the listed ones" if label == "`NotResource`"
             else "every matching resource of the account")
    return (f"{label} in {where} lets {shown}{more} act on {scope}, not only the service's "
            "own: name the ARNs of the resources the code "
            "uses (`!GetAtt Queue.Arn`, `arn:aws:...`).")

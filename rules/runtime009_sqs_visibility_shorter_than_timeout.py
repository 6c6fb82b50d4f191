"""An SQS queue of this stack hides its messages for less time than the function that reads it runs.

What: a function with an `sqs` event whose `arn` names a queue declared in `resources.Resources`
(`!GetAtt Queue.Arn`, `Fn::GetAtt: [Queue, Arn]`, `!Sub ${Queue.Arn}`, or an ARN in the stack's
own account and region, `arn:aws:sqs:${aws:region}:${aws:accountId}:<name>` or the same with
`#{AWS::AccountId}` or `!Sub ${AWS::AccountId}`, whose name is a queue's literal `QueueName`),
where the queue's `VisibilityTimeout` (30 s when absent) is shorter than the function's effective
`timeout` (the function's, else `provider.timeout`, else the Serverless default of 6 s). Reported at the queue's
`VisibilityTimeout`, or at its `Properties` (its `Type` when it has none) when the default applies,
naming every function that reads it. Not flagged: a visibility timeout equal to or longer than the
function timeout, even when shorter than the six times AWS advises (the deploy works; the message of
a finding gives that advice only); queues of other stacks, ARNs with a literal account ID (lintkit
cannot tell whether a queue of the same name in another account is meant), `Fn::ImportValue`,
`${cf:...}`; a visibility timeout or function timeout known only at deploy time.
An `AWS::Lambda::EventSourceMapping` resource whose `EventSourceArn` names such a queue and whose
`FunctionName` is `!Ref`/`!GetAtt` of a function of the service counts as an `sqs` event (a raw
`AWS::Lambda::Function` without `Timeout` runs 3 s, the CloudFormation default).

Why: Lambda refuses to create the event source mapping ("Invalid request provided: Queue visibility
timeout: 30 seconds is less than Function timeout: 60 seconds"), so the deploy fails and rolls back.
Were it allowed, a message would become visible again while the first invocation still works on it,
and a second invocation would process it twice.

Example:
    functions:
      worker:
        handler: src/worker.handler
        timeout: 60
        events:
          - sqs:
              arn: !GetAtt JobsQueue.Arn
    resources:
      Resources:
        JobsQueue:
          Type: AWS::SQS::Queue      # VisibilityTimeout defaults to 30 s

Use instead:
    resources:
      Resources:
        JobsQueue:
          Type: AWS::SQS::Queue
          Properties:
            VisibilityTimeout: 360   # six times the function timeout, plus the batch window

References: AWS Lambda Developer Guide, "Using Lambda with Amazon SQS" (configuring a queue:
visibility timeout at least six times the function timeout plus MaximumBatchingWindowInSeconds);
AWS CloudFormation, "AWS::SQS::Queue" (VisibilityTimeout, default 30 seconds); Serverless Framework,
"Functions" (default timeout 6 seconds) and "SQS Queues" events.
"""

from lintkit.analysis.cfn import functions_by_logical_id, token_logical_id
from lintkit.analysis.facts import number
from lintkit.model.diagnostics import Finding
from lintkit.model.lazyre import lazy_compile
from lintkit.model.nodes import (
    Intrinsic, Mapping, Scalar, intrinsic_name, is_dynamic, path_get, string_like, text,
)

CODE = "RUNTIME009"
NAME = "sqs-visibility-shorter-than-timeout"
SEVERITY = "error"
SUMMARY = "An SQS queue's VisibilityTimeout is shorter than the timeout of a function it triggers."

DEFAULT_VISIBILITY = 30  # seconds, AWS::SQS::Queue
DEFAULT_TIMEOUT = 6  # seconds, Serverless Framework
DEFAULT_RESOURCE_TIMEOUT = 3  # seconds, AWS::Lambda::Function
ADVISED_FACTOR = 6  # AWS: six times the function timeout plus the batching window
# `arn:aws:sqs:<region>:<account>:<name>`; region and account may be this stack's own, written
# as variables that themselves contain colons.
QUEUE_ARN = lazy_compile(
    r"^arn:aws[a-z-]*:sqs:(?P<region>\$\{aws:region\}|[#$]\{AWS::Region\}|[a-z0-9-]+):"
    r"(?P<account>\$\{aws:accountId\}|[#$]\{AWS::AccountId\}|\d{12}):(?P<name>[\w.-]+)$")
OWN_ACCOUNT = ("${aws:accountId}", "#{AWS::AccountId}", "${AWS::AccountId}")
OWN_REGION = ("${aws:region}", "#{AWS::Region}", "${AWS::Region}")


def check(service, context):
    queues = {queue.logical_id: queue for queue in service.resources_of_type("AWS::SQS::Queue")}
    names = _queues_by_name(queues.values())
    region = service.provider.get("region") if service.provider is not None else None
    by_logical_id = functions_by_logical_id(service)
    readers = {}  # logical id -> [(function name, timeout, batching window)]
    for function in service.functions:
        if function.kind != "function" and not function.is_sam:
            continue
        for kind, event in function.events:
            queue_id = _queue_logical_id(event, names, region) if kind == "sqs" else None
            if queue_id not in queues:
                continue
            _add_reader(readers, queue_id, function, _batching_window(event))
    for mapping in service.resources_of_type("AWS::Lambda::EventSourceMapping"):
        properties = mapping.properties
        queue_id = _arn_logical_id(path_get(properties, "EventSourceArn"), names, region)
        function = by_logical_id.get(_function_logical_id(path_get(properties, "FunctionName")))
        if queue_id in queues and function is not None:
            window = number(path_get(properties, "MaximumBatchingWindowInSeconds")) or 0
            _add_reader(readers, queue_id, function, window)
    for queue_id, functions in readers.items():
        queue = queues[queue_id]
        node, visibility = _visibility(queue)
        if visibility is None:
            continue
        too_long = [entry for entry in functions if entry[1] > visibility]
        if too_long:
            yield Finding.at(node, _message(queue_id, visibility, node is _visibility_node(queue),
                                            too_long, functions),
                             function=too_long[0][0] if len(too_long) == 1 else None)


def _add_reader(readers: dict, queue_id: str, function, window: float) -> None:
    entries = readers.setdefault(queue_id, [])
    timeout = _timeout(function)
    if timeout is not None and all(name != function.name for name, _, _ in entries):
        entries.append((function.name, timeout, window))


def _function_logical_id(node) -> str | None:
    """The function an event source mapping's `FunctionName` names: `!Ref F` or `!GetAtt F.Arn`."""
    if intrinsic_name(node) == "Ref":
        return text(node.value) if isinstance(node, Intrinsic) else text(node.get("Ref"))
    return token_logical_id(node)


def _queue_logical_id(event, names: dict, region) -> str | None:
    arn = event.get("arn") if isinstance(event, Mapping) else event
    if isinstance(event, Mapping) and arn is None:  # a SAM `SQS` event's `Queue`
        arn = event.get("Queue")
    return _arn_logical_id(arn, names, region)


def _arn_logical_id(arn, names: dict, region) -> str | None:
    """The queue resource an ARN names: a `GetAtt` of it, or an ARN in this stack's own account
    (`${aws:accountId}`, `#{AWS::AccountId}`, `${AWS::AccountId}` in `!Sub`) and region whose
    queue name is the literal `QueueName` of one."""
    logical_id = token_logical_id(arn)
    if logical_id is not None:
        return logical_id
    if intrinsic_name(arn) == "Fn::Sub":
        arn = arn.value if isinstance(arn, Intrinsic) else arn.get("Fn::Sub")
    match = QUEUE_ARN.match(string_like(arn) or "")
    if match is None or match["account"] not in OWN_ACCOUNT:
        return None
    own_region = match["region"] in OWN_REGION or (
        isinstance(region, Scalar) and match["region"] == text(region))
    return names.get(match["name"]) if own_region else None


def _queues_by_name(queues) -> dict:
    found = {}
    for queue in queues:
        name = path_get(queue.properties, "QueueName")
        if isinstance(name, Scalar) and isinstance(name.value, str):
            found[name.value] = queue.logical_id
    return found


def _timeout(function) -> float | None:
    node = function.setting("timeout")
    if node is None:
        return DEFAULT_TIMEOUT if function.kind == "function" else DEFAULT_RESOURCE_TIMEOUT
    return number(node)


def _batching_window(event) -> float:
    """The event's `maximumBatchingWindow` in seconds, 0 when absent or unknown (it only changes
    the advice in the message)."""
    node = event.get("maximumBatchingWindow") if isinstance(event, Mapping) else None
    if node is None and isinstance(event, Mapping):  # a SAM `SQS` event
        node = event.get("MaximumBatchingWindowInSeconds")
    return number(node) or 0


def _visibility_node(queue):
    properties = queue.properties
    return properties.get("VisibilityTimeout") if properties is not None else None


def _visibility(queue):
    """(node to report, seconds) of the queue's visibility timeout; seconds is None when it is
    known only at deploy time."""
    node = _visibility_node(queue)
    if node is not None:
        return node, (None if is_dynamic(node) else number(node))
    if queue.properties is not None:
        return queue.node.key_node("Properties"), DEFAULT_VISIBILITY
    return queue.node.get("Type") or queue.key, DEFAULT_VISIBILITY


def _message(queue_id, visibility, written, too_long, functions) -> str:
    longest = max(timeout for _, timeout, _ in too_long)
    names = ", ".join(f"{name} ({timeout:g} s)" for name, timeout, _ in too_long)
    advised = max(ADVISED_FACTOR * timeout + window for _, timeout, window in functions)
    source = "" if written else " (the default)"
    return (f"`{queue_id}` has a visibility timeout of {visibility:g} s{source}, shorter than the "
            f"timeout of {names}, so Lambda refuses to create the SQS event source mapping and "
            f"the deploy fails: set `VisibilityTimeout` to at least {longest:g} (AWS advises "
            f"{advised:g}: six times the function timeout plus the batching window).")

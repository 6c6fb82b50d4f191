"""A custom resource's function can end without sending its response to CloudFormation.

What: a function behind a `Custom::*` or `AWS::CloudFormation::CustomResource` resource (its
`ServiceToken` is `!GetAtt X.Arn`, `Fn::GetAtt: [X, Arn]`, `!Sub ${X.Arn}` or a `function:${X}` ARN,
where X is a Lambda resource or the logical id of a `functions:` entry, e.g. `FooLambdaFunction`)
whose handler never sends the response (`cfn-response` `send`, or a PUT to `event.ResponseURL`),
or can end without it: a `return` before it, an `await` that may throw with no catch that responds,
or a path that reaches the end of the handler. Not flagged: the CDK provider framework (`onEvent` /
`isComplete` handlers, `aws-cdk-lib` code), Serverless's own custom resources, handlers wrapped by
a helper (`wrap(async () => ...)`) or built on custom-resource libraries, and calls we cannot see
that receive the event or have a responding name (`sendResponse`): they may respond themselves.
The path analysis is deliberately simple: only `await` and `throw` count as throwing, a response
inside a callback (`.then(() => send(...))`) counts as sent, and a helper that responds somewhere
counts as responding.

Why: CloudFormation waits for the response on the presigned `ResponseURL`. Without it the stack
hangs for up to an hour, fails, and then waits again on the rollback's Delete request.

Example:
    exports.handler = async (event, context) => {
      await s3.send(new PutObjectCommand(params))   // throws: no response is ever sent
      await response.send(event, context, response.SUCCESS)
    }

Use instead:
    exports.handler = async (event, context) => {
      try {
        await s3.send(new PutObjectCommand(params))
        await response.send(event, context, response.SUCCESS)
      } catch (error) {
        await response.send(event, context, response.FAILED, { Error: String(error) })
      }
    }

References: AWS CloudFormation, "Custom resources", "cfn-response module" and "Custom resource
response objects"; Serverless Framework, "AWS - Resources".
"""
from lintkit.analysis.cfn import custom_resource_functions, inline_graph, response_gap
from lintkit.model.diagnostics import Finding

CODE = "CFN003"
NAME = "custom-resource-no-response"
SEVERITY = "error"
SUMMARY = "A custom resource's function can end without sending its response to CloudFormation."

CONSEQUENCE = "CloudFormation then waits up to an hour for the response and fails the stack"
ADVICE = {
    "never": "never sends the response (cfn-response `send`, or a PUT to `event.ResponseURL`): "
             f"{CONSEQUENCE}. Send SUCCESS or FAILED on every path, catch included.",
    "return": "returns here without sending the response: "
              f"{CONSEQUENCE}. Send SUCCESS (or FAILED) before returning.",
    "throw": "sends no response if this throws, and no catch sends FAILED: "
             f"{CONSEQUENCE}. Wrap the handler body in try/catch and send FAILED in the catch.",
    "end": "can reach the end of its handler without sending the response: "
           f"{CONSEQUENCE}. Send SUCCESS or FAILED on every path.",
}


def check(service, context):
    for custom in custom_resource_functions(service):
        function = custom.function
        inline = function.kind == "resource"
        graph = inline_graph(service, function) if inline else service.graph(function)
        gap = response_gap(graph)
        if gap is None:
            continue
        yield Finding.at(
            gap.file.span(gap.node), f"`{function.name}` backs custom resource "
            f"`{custom.resource.logical_id}` but {ADVICE[gap.kind]}", function=function.name)

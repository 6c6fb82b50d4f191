"""A function's environment sets a name Lambda reserves, or is larger than Lambda's 4 KB limit.

What: (1) an environment variable whose name Lambda sets itself and reserves (`AWS_REGION`,
`AWS_DEFAULT_REGION`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `_HANDLER`,
`LAMBDA_TASK_ROOT`, `AWS_LAMBDA_FUNCTION_NAME`, ...; listed in lintkit/data/lambda_environment.json)
in `provider.environment`, a function's `environment` or a raw resource's `Environment.Variables`,
reported at the name; (2) a function whose environment (provider and function merged) is larger
than 4,096 bytes as Lambda measures it, the compact JSON of every name and value, reported at the
function's `environment` key (at `provider.environment` when that alone is too large, once).
Values known only at deploy time (`${ssm:...}`, `!Ref`) count as empty strings, so the size is a
lower bound and a finding is certain. Not flagged: names the evidence disagrees on, `TZ` and
`_X_AMZN_TRACE_ID` (listed by AWS, but functions set `TZ` in practice), `AWS_ACCESS_KEY`,
`AWS_SECRET_KEY` and `AWS_SECURITY_TOKEN` (reserved in some versions of AWS's table only);
unreserved names Lambda lets you extend (`PATH`, `NODE_PATH`, `NODE_OPTIONS`, `LANG`,
`AWS_LAMBDA_EXEC_WRAPPER`, ...); environments that reach 4 KB only with values lintkit cannot
know; variables a plugin adds at deploy time (serverless-dotenv-plugin).

Why: both make CloudFormation's create or update of the function fail, and the whole deployment
roll back: "Lambda was unable to configure your environment variables because the environment
variables you have provided contains reserved keys that are currently not supported for
modification", or "... exceeded the 4KB limit".

Example:
    provider:
      environment:
        AWS_REGION: eu-west-1
        AWS_ACCESS_KEY_ID: ${env:AWS_ACCESS_KEY_ID}

Use instead:
    provider:
      environment:
        APP_REGION: eu-west-1        # Lambda sets AWS_REGION to the function's region itself
      iam:
        role:
          statements: [...]          # the function's role gives it credentials

References: AWS Lambda Developer Guide, "Defined runtime environment variables" and "Lambda
quotas" (environment variables: 4 KB, in aggregate); Serverless Framework, "Environment variables".
"""
import json
from functools import lru_cache
from importlib import resources

from lintkit.analysis.secretscan import environment_blocks
from lintkit.model.diagnostics import Finding
from lintkit.model.nodes import Mapping, Scalar, is_dynamic, path_get, text

from ._common import once_per_place

CODE = "RUNTIME008"
NAME = "lambda-environment-limits"
SEVERITY = "error"
SUMMARY = "An environment variable that Lambda reserves, or more than 4 KB of them in a function."

ADVICE = {
    "credentials": "remove it: the function gets credentials from its execution role, so grant the "
                   "permissions there (`provider.iam.role.statements`)",
    "region": "remove it (the AWS SDK reads the function's own region from it), or use another "
              "name such as `APP_REGION` for a different region",
    "runtime": "remove it, or use another name",
}


@lru_cache(maxsize=1)
def _limits() -> dict:
    return json.loads(
        resources.files("lintkit.data").joinpath("lambda_environment.json").read_text())


def check(service, context):
    yield from _reserved_names(service)
    yield from once_per_place(_oversized(service))


def _advice(service, group: str) -> str:
    advice = ADVICE[group]
    if service.format == "sam":  # a SAM function's permissions are its `Policies`
        advice = advice.replace("(`provider.iam.role.statements`)", "(the function's `Policies`)")
    return advice


def _reserved_names(service):
    groups = {name: group for group, names in _limits()["reserved"].items() for name in names}
    for block, function in environment_blocks(service):
        for key, _ in block.pairs:
            group = groups.get(str(key.value))
            if group is not None:
                yield Finding.at(key, f"`{key.value}` is reserved: Lambda sets it itself and "
                                 "refuses to deploy a function whose environment sets it "
                                 "(\"reserved keys that are currently not supported for "
                                 f"modification\"); {_advice(service, group)}.", function=function)


def _oversized(service):
    limit = _limits()["max_bytes"]
    provider = service.provider
    shared = path_get(provider, "environment")
    if isinstance(shared, Mapping):
        values, partial = _values({str(k.value): (k, v) for k, v in shared.pairs})
        if _size(values) > limit:
            yield Finding.at(provider.key_node("environment"), _message(
                "`provider.environment`, which every function inherits,", values, partial, limit))
            return
    for function in service.functions:
        where = _environment_key(function)
        if where is None:  # the provider's environment alone, measured above
            continue
        values, partial = _values(function.environment)
        if _size(values) > limit:
            yield Finding.at(where, _message(f"the environment of `{function.name}` (provider and "
                                             "function merged)", values, partial, limit),
                             function=function.name)


def _environment_key(function):
    if function.kind == "resource":
        environment = path_get(function.node, "Environment")
        return environment.key_node("Variables") if isinstance(environment, Mapping) else None
    return function.node.key_node("environment")


def _values(environment: dict) -> tuple[dict, bool]:
    """Each name's value as Lambda receives it, deploy-time values as empty strings (so sizes are
    lower bounds), and whether there were any."""
    values, partial = {}, False
    for name, (_, node) in environment.items():
        known = isinstance(node, Scalar) and not is_dynamic(node)
        values[name] = (text(node) or "") if known else ""
        partial = partial or not known
    return values, partial


def _size(values: dict) -> int:
    """Bytes of the compact JSON object Lambda measures."""
    measured = json.dumps(values, separators=(",", ":"), ensure_ascii=False)
    return len(measured.encode("utf-8", "surrogatepass"))  # a lone surrogate from serverless.ts


def _message(what: str, values: dict, partial: bool, limit: int) -> str:
    size = _size(values)
    amount = f"{'at least ' if partial else ''}{size:,} bytes"
    to_move, freed = [], 0
    for name in sorted(values, key=lambda name: _size({name: values[name]}), reverse=True):
        if size - freed <= limit or not values[name]:  # the fewest moves that bring it under
            break
        to_move.append(f"`{name}`")
        freed += _size({name: values[name]}) - 1
    moved = ", ".join(to_move) if to_move else "some variables"
    read = "them" if len(to_move) != 1 else "it"
    return (f"{what} is {amount} as Lambda measures it (the JSON of every name and value), over "
            f"its limit of {limit:,} bytes, so the deploy fails: move {moved} to SSM Parameter "
            f"Store or Secrets Manager and read {read} at run time.")

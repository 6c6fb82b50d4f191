"""A function runs on a Node.js runtime that AWS has deprecated, or soon will.

What: `provider.runtime`, a function's `runtime`, or a raw `AWS::Lambda::Function` resource's
`Runtime` names a Node.js runtime past its deprecation date (error) or within 180 days of it
(warning), compared with the as-of date (today, or `--as-of YYYY-MM-DD`). The message says which
stage of AWS's lifecycle the runtime is in (deprecated, function creation blocked, function updates
blocked) and when the next one comes. The three dates per runtime live in
`lintkit/data/runtimes.json`, each with its source.
A zip function with no runtime at all (neither its own nor `provider.runtime`) deploys the
framework's default runtime, which is judged the same way and reported at `provider:`: nodejs20.x
for Serverless v4, nodejs14.x (3.0-3.38) or nodejs16.x (3.39-3.40) for v3, as `frameworkVersion`
and package.json's `serverless` dependency say. When they do not say which major runs, or osls
(the open-source fork) runs the service, or a range allows majors with different defaults that are
not all deprecated, one info finding says lintkit could not tell, instead of guessing.
Not flagged: container-image functions, runtimes that are variables, runtimes without a date
(not Node.js), a service whose only functions are raw CloudFormation resources (they have no
framework default).

Why: after the deprecation date AWS stops applying security patches to the runtime; some months later
it blocks creating and then updating functions that use it, so a routine deploy starts to fail. A
runtime nobody wrote down changes with the framework's default and ages unnoticed.

Example:
    provider:
      runtime: nodejs18.x

Use instead:
    provider:
      runtime: nodejs22.x      # or nodejs24.x

Fix (unsafe): a `runtime` written in the file is set to the newest supported runtime. Unsafe: the
code, its dependencies and the framework version must work on the new Node.js major, which lintkit
cannot know, and Prisma's Lambda engine target may change with it (RUNTIME002 and PACKAGE001 then
say what else to change; `--fix` applies RUNTIME002's in its next round). An implicit runtime (none
written) and one a variable computes get no fix.

References: AWS Lambda Developer Guide, "Lambda runtimes" (deprecation, block function create,
block function update); aws-cloudformation/cfn-lint
src/cfnlint/data/AdditionalSpecs/LmbdRuntimeLifecycle.json (the dates lintkit uses);
serverless/serverless packages/serverless/lib/plugins/aws/provider.js `getRuntime()` (v4 default
nodejs20.x) and lib/plugins/aws/provider.js at tags v3.38.0 (nodejs14.x) and v3.39.0 (nodejs16.x).
"""
from datetime import timedelta

from lintkit.analysis.facts import (
    framework_default_runtimes, newest_runtimes, runtime_lifecycle, runtime_table,
)
from lintkit.analysis.framework import framework
from lintkit.analysis.packaging import function_names
from lintkit.model.diagnostics import Finding
from lintkit.model.nodes import text

from ._common import scalar_fix

CODE = "RUNTIME001"
NAME = "deprecated-runtime"
SEVERITY = "error"
SUMMARY = "A Node.js runtime past (or within 180 days of) its AWS deprecation date."
FIXES = ("unsafe",)


def check(service, context):
    provider_runtime = service.provider.get("runtime") if service.provider else None
    provider_users = []
    for function in service.functions:
        if function.image is not None:
            continue
        present, own = function.own_setting("runtime")
        if present:
            yield from _judge(own, text(own), context, function.name, fixable=True)
        elif function.kind == "function":
            provider_users.append(function)
    if provider_runtime is not None and (provider_users or not service.functions):
        function = provider_users[0].name if len(provider_users) == 1 else None
        yield from _judge(provider_runtime, text(provider_runtime), context, function, fixable=True)
    elif provider_runtime is None and provider_users:
        yield from _implicit_runtime(service, provider_users, context)


def _judge(node, runtime, context, function, preface="", fix="change the runtime to", fixable=False):
    lifecycle = runtime_lifecycle(runtime) if runtime else None
    if lifecycle is None:
        return
    newest = newest_runtimes(context.as_of)
    upgrade = " or ".join(newest)
    stage = _stage_sentence(lifecycle, context.as_of)
    edit = None
    if fixable and newest:
        edit = scalar_fix(node, newest[0], f"Set `runtime` to {newest[0]}", "unsafe")
    if stage is not None:
        yield Finding.at(node, f"{preface}{stage}; {fix} {upgrade}.", function=function, fix=edit)
    elif lifecycle.deprecation - context.as_of <= timedelta(days=runtime_table()["warning_window_days"]):
        days = (lifecycle.deprecation - context.as_of).days
        yield Finding.at(node, f"{preface}{runtime} is deprecated on {lifecycle.deprecation} (in {days} "
                         f"days), AWS blocks creating functions on it from {lifecycle.block_function_create} "
                         f"and updating them from {lifecycle.block_function_update}; plan the move to "
                         f"{upgrade}.", function=function, severity="warning", fix=edit)


def _stage_sentence(lifecycle, as_of) -> str | None:
    """What AWS does with the runtime on the date, and what comes next; None before deprecation."""
    runtime, stage = lifecycle.runtime, lifecycle.stage(as_of)
    if stage == "update-blocked":
        return (f"{runtime} was deprecated on {lifecycle.deprecation} and since "
                f"{lifecycle.block_function_update} AWS blocks creating and updating functions on it, "
                f"so every deploy fails")
    if stage == "create-blocked":
        return (f"{runtime} was deprecated on {lifecycle.deprecation}; since "
                f"{lifecycle.block_function_create} AWS blocks creating functions on it and from "
                f"{lifecycle.block_function_update} it blocks updating them")
    if stage == "deprecated":
        return (f"{runtime} was deprecated on {lifecycle.deprecation}: AWS no longer patches it, blocks "
                f"creating functions on it from {lifecycle.block_function_create} and updating them from "
                f"{lifecycle.block_function_update}")
    return None


def _implicit_runtime(service, functions, context):
    where = service.document.key_node("provider") or functions[0].key
    names = function_names(functions)
    setting = f"runtime set on {names} or under provider"
    found = framework(service)
    defaults = framework_default_runtimes(found.flavour, found.majors)
    upgrade = " or ".join(newest_runtimes(context.as_of))
    if defaults is None:
        yield Finding.at(where, f"No {setting}, so the framework's default runtime is deployed, and "
                         f"lintkit cannot tell which one ({_unknown_reason(found)}) to check its "
                         f"date: set `runtime: {upgrade}` under provider.", severity="info")
        return
    runtimes = sorted({runtime for runtime, _ in defaults})
    version = f"Serverless {'/'.join(str(major) for major in sorted(found.majors))} ({found.source})"
    if len(runtimes) == 1:
        yield from _judge(where, runtimes[0], context, None,
                          preface=f"With no {setting}, {version} deploys its AWS provider's default "
                                  f"runtime, {runtimes[0]}, and ",
                          fix="set `runtime:` under provider to")
        return
    choices = " or ".join(f"{runtime} ({releases})" for runtime, releases in defaults)
    lifecycles = [runtime_lifecycle(runtime) for runtime in runtimes]
    latest = max(lifecycles, key=lambda lifecycle: lifecycle.deprecation)
    if latest.deprecation <= context.as_of:
        yield Finding.at(where, f"With no {setting}, {version} deploys its AWS provider's default "
                         f"runtime, {choices}, all past their deprecation date (the "
                         f"latest, {latest.runtime}, on {latest.deprecation}): set `runtime: {upgrade}` "
                         "under provider.")
    else:
        yield Finding.at(where, f"With no {setting}, {version} deploys its default runtime, {choices} "
                         f"depending on the release, so lintkit cannot tell its date: set "
                         f"`runtime: {upgrade}` under provider.", severity="info")


def _unknown_reason(found) -> str:
    if found.flavour == "osls":
        return "osls's default runtime is not in lintkit's table"
    if found.flavour == "unknown" and found.majors:
        return "package.json installs both serverless and osls"
    if found.source and found.majors is None:
        return f"{found.source} allow no Serverless major in common"
    if found.majors:
        return f"{found.source} allows Serverless {'/'.join(map(str, sorted(found.majors)))}"
    return "neither frameworkVersion nor a package.json `serverless` dependency says which version"

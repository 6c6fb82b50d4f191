"""lintkit stopped following a handler's calls at its depth bound, so code below that call is not checked.

What: the per-invocation analysis (CLIENT, MIGRATE and the other rules that ask what runs on every
invocation) follows calls from the handler across files, up to 200 calls deep (`MAX_CALL_DEPTH` in
`lintkit.read.handlers`). When a chain goes deeper and the call at the bound leads to code of the
service, this info says so once per function, at that call, naming the handler. Not reported: calls
into packages, or calls lintkit cannot resolve (those are never followed, at any depth).

Why: lintkit says when it could not look rather than staying silent: a client built or a migration
run below that call is not reported, however many invocations it costs.

Example:
    export const handler = (event) => step1(event)   // step1 → ... → step205 → new PrismaClient()

Use instead:
    Nothing to change in the service. Build the client at module scope (CLIENT001), or report the
    chain to lintkit's maintainers if it is ordinary code.

References: lintkit README, "What lintkit reads".
"""
from lintkit.model.diagnostics import Finding
from lintkit.read.handlers import MAX_CALL_DEPTH
from ._common import once_per_place

CODE = "LINT002"
NAME = "call-chain-not-followed"
SEVERITY = "info"
SUMMARY = "A handler's calls go deeper than lintkit follows; code below that call is not checked."


def check(service, context):
    yield from once_per_place(_findings(service))


def _findings(service):
    for function in service.functions:
        graph = service.graph(function)
        if graph is None:
            continue
        for _ in graph.per_invocation():  # worked out once per graph, shared with the other rules
            pass
        if graph.depth_cut is None:
            continue
        file, call, steps = graph.depth_cut
        yield Finding.at(file.span(call), f"lintkit follows calls {MAX_CALL_DEPTH} deep from "
                         f"`{function.name}`'s handler, and this call is deeper: the code it runs "
                         "(and what that calls) is not checked for per-invocation clients, "
                         "migrations and the other handler-code rules.", function=function.name)

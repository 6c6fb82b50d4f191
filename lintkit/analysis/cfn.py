"""CloudFormation facts shared by the VPC and CFN rules: custom resources and the functions behind
them, NAT gateways and VPC endpoints, where a function's database lives, inline `Code.ZipFile` code,
and whether a custom-resource handler sends its response on every path."""
from __future__ import annotations

import re

from ..model.fieldclasses import field, fieldclass
from ..model.lazyre import lazy_compile
from ..model.nodes import (
    Intrinsic, Mapping, Node, Scalar, Sequence, Unknown, intrinsic_name, is_dynamic, path_get,
    string_like, text,
)
from ..model.nodes import walk as walk_nodes
from ..read.dburl import parse_db_url
from ..read.handlers import (
    CALL_TYPES, FUNCTION_TYPES, HandlerGraph, callee_name, named_children,
    unwrap, walk,
)
from .facts import database_url_node, node_version


# -- functions and logical ids ---------------------------------------------------------------------
def lambda_logical_id(function_name: str) -> str:
    """The logical id Serverless gives a `functions:` entry: `fooBar` → `FooBarLambdaFunction`,
    with `-` → `Dash` and `_` → `Underscore`."""
    name = function_name.replace("-", "Dash").replace("_", "Underscore")
    return name[:1].upper() + name[1:] + "LambdaFunction"


def functions_by_logical_id(service) -> dict:
    found = {}
    for function in service.functions:
        resource = function.kind == "resource"
        found[function.name if resource else lambda_logical_id(function.name)] = function
    return found


def nodejs_major(function) -> int | None:
    """The Node.js major version of a function's literal runtime, None for other or unknown ones."""
    version = node_version(text(function.runtime))
    return version[0] if version else None


# -- custom resources ------------------------------------------------------------------------------
CUSTOM_RESOURCE_TYPE = "AWS::CloudFormation::CustomResource"
# The functions Serverless deploys for its own custom resources (existing S3 buckets, Cognito...).
SERVERLESS_CUSTOM_RESOURCE = lazy_compile(r"^CustomDashresource")
_SUB_REFERENCE = lazy_compile(r"^\$\{([A-Za-z0-9]+)\.Arn\}$|:function:\$\{([A-Za-z0-9]+)\}$")


@fieldclass
class CustomResource:
    resource: object  # lintkit.model.service.Resource
    token: Node  # its ServiceToken
    function: object  # the lintkit.model.service.Function the token names


def custom_resources(service) -> list[CustomResource]:
    """Custom resources whose ServiceToken names a function of this service."""
    functions = functions_by_logical_id(service)
    found = []
    for resource in service.resources:
        if not is_custom_resource_type(resource.type) or resource.properties is None:
            continue
        token = resource.properties.get("ServiceToken")
        logical_id = token_logical_id(token)
        if logical_id in functions and not SERVERLESS_CUSTOM_RESOURCE.match(logical_id):
            found.append(CustomResource(resource, token, functions[logical_id]))
    return found


def custom_resource_functions(service) -> list[CustomResource]:
    """One entry per function that backs a custom resource (the first resource that uses it)."""
    seen, found = set(), []
    for custom in custom_resources(service):
        if id(custom.function.node) not in seen:
            seen.add(id(custom.function.node))
            found.append(custom)
    return found


def is_custom_resource_type(kind: str | None) -> bool:
    return bool(kind) and (kind.startswith("Custom::") or kind == CUSTOM_RESOURCE_TYPE)


def token_logical_id(token: Node | None) -> str | None:
    """The Lambda logical id a ServiceToken names: `!GetAtt X.Arn`, `Fn::GetAtt: [X, Arn]`,
    `!Sub ${X.Arn}` or `!Sub arn:...:function:${X}`; None for anything else."""
    function = intrinsic_name(token)
    value = token.value if isinstance(token, Intrinsic) else path_get(token, function or "")
    if function == "Fn::GetAtt":
        parts = [text(item) for item in value] if isinstance(value, Sequence) else \
            (text(value) or "").split(".", 1)
        if len(parts) == 2 and parts[1] == "Arn":
            return parts[0]
    elif function == "Fn::Sub" and isinstance(value, Scalar):
        match = _SUB_REFERENCE.search(text(value) or "")
        if match:
            return match.group(1) or match.group(2)
    return None


# -- VPC and egress --------------------------------------------------------------------------------
NAT_TYPES = ("AWS::EC2::NatGateway",)
ENDPOINT_TYPE = "AWS::EC2::VPCEndpoint"
# Plugins that build the VPC with its NAT gateways and endpoints at deploy time.
VPC_PLUGINS = ("serverless-vpc-plugin",)


def has_vpc(function) -> bool:
    """True when the function's effective VPC setting places it in a VPC (a variable counts)."""
    vpc = function.setting("vpc")
    return is_dynamic(vpc) or (isinstance(vpc, Mapping) and bool(vpc.pairs)) or \
        (isinstance(vpc, Scalar) and bool(text(vpc)))


def vpc_removed(function) -> bool:
    """True for a `functions:` entry with `vpc: ~` or `vpc: {}` while `provider.vpc` is set."""
    present, own = function.own_setting("vpc")
    provider_vpc = function.service.provider.get("vpc") if function.service.provider else None
    return (function.kind == "function" and present and _is_set(provider_vpc)
            and not _is_set(own))


def _is_set(vpc: Node | None) -> bool:
    return is_dynamic(vpc) or (isinstance(vpc, Mapping) and bool(vpc.pairs))


def own_vpc_key(function) -> Scalar | None:
    """The `vpc` (or `VpcConfig`) key written on the function itself, if any."""
    return function.node.key_node("VpcConfig" if function.kind == "resource" else "vpc")


def has_egress_plugin(service) -> bool:
    return any(plugin in VPC_PLUGINS for plugin in service.plugins)


def stack_has_nat_or_endpoint(service) -> bool:
    return has_egress_plugin(service) or bool(service.resources_of_type(*NAT_TYPES, ENDPOINT_TYPE))


def stack_reaches_s3(service) -> bool:
    """A NAT gateway, or a VPC endpoint whose service may be S3 (a deploy-time name counts)."""
    if has_egress_plugin(service) or service.resources_of_type(*NAT_TYPES):
        return True
    for endpoint in service.resources_of_type(ENDPOINT_TYPE):
        name = path_get(endpoint.properties, "ServiceName")
        if _may_name_s3(name):
            return True
    return False


def _may_name_s3(name: Node | None) -> bool:
    """True unless the endpoint's service name is known and is not S3 (`com.amazonaws.<region>.s3`,
    also inside `!Sub`/`!Join`)."""
    pieces = [text(node).lower() for _, node in walk_nodes(name) if text(node)]
    if any(piece.endswith(".s3") or piece == "s3" for piece in pieces):
        return True
    return not (pieces and re.search(r"\.[a-z][a-z0-9-]*$", pieces[-1]))


def vpc_declared_here(service, function) -> bool:
    """True when the function's subnets are resources of this stack (`!Ref` to an
    `AWS::EC2::Subnet`), or the stack declares its own `AWS::EC2::VPC`."""
    if service.resources_of_type("AWS::EC2::VPC"):
        return True
    subnets = {r.logical_id for r in service.resources_of_type("AWS::EC2::Subnet")}
    vpc = function.setting("vpc")
    key = "SubnetIds" if function.kind == "resource" else "subnetIds"
    for _, node in walk_nodes(path_get(vpc, key)):
        if intrinsic_name(node) == "Ref" and _ref_target(node) in subnets:
            return True
    return False


def _ref_target(node: Node) -> str | None:
    return text(node.value) if isinstance(node, Intrinsic) else text(path_get(node, "Ref"))


# -- where the database lives ----------------------------------------------------------------------
def database_url_text(service, function) -> str | None:
    """The function's database URL as far as it is known: its environment's, else the literal
    `url` of schema.prisma's datasource."""
    node = database_url_node(service, function)
    if node is not None:
        return string_like(node)
    schema = service.prisma_schema
    value = schema.url.value if schema is not None and schema.url is not None else None
    return value if isinstance(value, str) else None


def database_host(service, function) -> str:
    """'rds', 'external' (outside AWS: Neon, Supabase, PlanetScale, Prisma Accelerate / Postgres),
    'local', 'other' (a known host that is none of those) or 'unknown'."""
    value = database_url_text(service, function)
    url = parse_db_url(value) if value else None
    if url is None:
        return "unknown"
    if url.family == "prisma":
        return "external"
    if url.family == "sqlite":
        return "local"  # a file inside the package: no network at all (RUNTIME007's business)
    if not url.host or "${" in url.host or "{{" in url.host:
        return "unknown"
    if url.is_rds:
        return "rds"
    if url.is_managed_external:
        return "external"
    if url.is_local:
        return "local"
    return "other"


# Names of stack outputs and exports that are a database's endpoint or URL (`DatabaseEndpoint`,
# `rds-host`, `AuroraClusterUrl`, `PgProxyEndpoint`).
_DATABASE_NAME = lazy_compile(r"(?i)rds|aurora|database|db|postgres|pg|mysql|sql|endpoint")
_CF_VARIABLE = lazy_compile(r"\$\{cf(?:\.[\w-]+)?:([^}]*)\}")
# `${Logical.Attribute}` in a `Fn::Sub` string: `${Database.Endpoint.Address}`.
_SUB_ATTRIBUTE = lazy_compile(r"\$\{[\w]+\.([\w.]+)\}")


def stack_endpoint_source(url: Node | None) -> str | None:
    """How a database URL value takes its host from CloudFormation, as written (`${cf:...}`,
    `Fn::ImportValue`, `Fn::GetAtt`, `${X.Endpoint.Address}` in `Fn::Sub`), when the output, export
    or attribute it reads is named like a database endpoint; else None."""
    for _, node in walk_nodes(url):
        name = intrinsic_name(node)
        if isinstance(node, Unknown):
            for match in _CF_VARIABLE.finditer(node.text):
                if _DATABASE_NAME.search(match.group(1)):
                    return f"`${{cf:{match.group(1)}}}`"
        elif name == "Fn::ImportValue":
            names = [string_like(piece) or "" for _, piece in walk_nodes(node)]
            if any(_DATABASE_NAME.search(piece) for piece in names):
                return "`Fn::ImportValue`"
        elif name == "Fn::GetAtt":
            target = ".".join(text(piece) or "" for _, piece in walk_nodes(node) if text(piece))
            if _DATABASE_NAME.search(target.partition(".")[2]):
                return f"`Fn::GetAtt {target}`"
        elif isinstance(node, Scalar) and isinstance(node.value, str):
            for match in _SUB_ATTRIBUTE.finditer(node.value):
                if _DATABASE_NAME.search(match.group(1)):
                    return f"`{match.group()}`"
    return None


# -- inline code -----------------------------------------------------------------------------------
def inline_code_scalar(function) -> Scalar | None:
    """The code of an `AWS::Lambda::Function` resource: `Code.ZipFile` as a string, or the string of
    a `!Sub` around it; a SAM function's `InlineCode`, which SAM makes its `Code.ZipFile`."""
    if function.kind != "resource" or (function.resource.type != "AWS::Lambda::Function"
                                       and not function.is_sam):
        return None
    return function.service.inline_code(function)


def inline_graph(service, function) -> HandlerGraph | None:
    """The one-file handler graph of a resource's inline code (positions in serverless.yml)."""
    return service.graph(function) if inline_code_scalar(function) is not None else None


# -- does a custom-resource handler always respond? ------------------------------------------------
@fieldclass
class Gap:
    """A place where a custom-resource handler can end without sending its response."""

    file: object  # SourceFile
    node: object
    kind: str  # "never" | "return" | "throw" | "end"


# Modules whose helpers send the response themselves, or frameworks that send it for the handler.
RESPONDER_MODULE = "cfn-response"  # cfn-response, cfn-response-async, cfn-response-promise
FRAMEWORK_MODULES = ("aws-cdk-lib", "@aws-cdk/", "cfn-lambda", "cfn-custom-resource",
                     "aws-cloudformation-custom-resource", "custom-resource-helper")
FRAMEWORK_EXPORTS = frozenset({"onEvent", "isComplete"})  # CDK provider framework handlers
_RESPONSE_SEND = lazy_compile(r"(?i)response\.send$")  # response.send, cfnResponse.send
# Names of helpers we cannot see that probably send the response (not SDK `client.send`).
_RESPONDER_NAME = lazy_compile(
    r"(?i)respon|reply|signal|^send_?(success|fail|result|status|cfn|custom)")
_HTTP_CALLS = frozenset({"request", "fetch", "put", "axios", "got", "needle"})
# Globals and Node.js modules that never send a response, even when handed the event.
_INERT_ROOTS = frozenset({
    "JSON", "console", "Object", "Array", "Math", "Promise", "String", "Number", "Boolean", "Date",
    "Buffer", "process", "Reflect", "Error", "Map", "Set", "URL", "structuredClone", "setTimeout",
    "setImmediate", "parseInt", "parseFloat", "encodeURIComponent", "decodeURIComponent",
})
_INERT_MODULES = frozenset({"util", "assert", "crypto", "zlib", "querystring", "url", "path", "fs",
                            "events", "os", "buffer", "stream"})
_CLEANUP_CALLS = frozenset({"$disconnect", "end", "close", "quit", "release", "destroy"})
MAX_HELPER_DEPTH = 6


def response_gap(graph: HandlerGraph) -> Gap | None:
    """The first path on which the handler ends without sending its custom-resource response, or
    None when every path sends (or the handler cannot be analysed: wrapped, framework-based).

    The approximation, chosen to stay silent when unsure:
    - a response is a `cfn-response` call (or `response.send`), an HTTP call in code that reads
      `event.ResponseURL`, a call to a local helper that contains one, a call into code we cannot
      see that is given the event or has a responding name (`sendResponse`), and any of these
      inside a callback (`.then(() => send(...))` counts as sending);
    - only `await` and `throw` can throw: an await that is not covered by a catch that sends is a
      gap; a catch is reachable only when its try block can throw;
    - a `finally` that sends covers every path of its try."""
    if graph is None or graph.handler is None or _is_framework_handler(graph):
        return None
    try:
        return _ResponseFlow(graph, graph.handler_file, graph.handler).first_gap()
    except RecursionError:  # statements nested hundreds deep: not worth a guess
        return None


def _is_framework_handler(graph: HandlerGraph) -> bool:
    export = graph.export_definition
    wrapped = export is not None and unwrap(export[1]) is not None and \
        unwrap(export[1]).type == "call_expression"
    return (wrapped or graph.export_name in FRAMEWORK_EXPORTS
            or graph.imports_module(*FRAMEWORK_MODULES))


@fieldclass
class _Flow:
    """What running some statements does: `falls` is the sent state when control reaches the next
    statement (None when it never does), `breaks` the same at `break`/`continue`, `gaps` the
    places where the handler ends without a response, `throws` the unsent spots that may throw."""

    falls: bool | None
    breaks: bool | None = None
    gaps: list = field(default_factory=list)
    throws: list = field(default_factory=list)


def _merge(a: bool | None, b: bool | None) -> bool | None:
    if a is None:
        return b
    if b is None:
        return a
    return a and b


class _ResponseFlow:
    def __init__(self, graph: HandlerGraph, file, handler):
        self.graph = graph
        self.file = file
        self.handler = handler
        self.event = _first_parameter(file, handler)
        self.reads_response_url = "ResponseURL" in file.node_text(handler)
        self._helpers: dict = {}

    def first_gap(self) -> Gap | None:
        if not self._sends(self.handler):
            return Gap(self.file, self.handler, "never")
        body = self.handler.child_by_field_name("body")
        if body is None:
            return None
        if body.type != "statement_block":  # `async (event) => expression`
            flow = self._simple(body, False)
            if flow.falls:
                return None
            return Gap(self.file, flow.throws[0], "throw") if flow.throws else \
                Gap(self.file, body, "end")
        flow = self._statements(named_children(body), False)
        gaps = flow.gaps + [Gap(self.file, node, "throw") for node in flow.throws]
        if flow.falls is False:
            gaps.append(Gap(self.file, body.children[-1], "end"))
        return min(gaps, key=lambda gap: gap.node.start_byte) if gaps else None

    # -- statements ---------------------------------------------------------------------------
    def _statements(self, statements, sent: bool) -> _Flow:
        result = _Flow(sent)
        for statement in statements:
            if result.falls is None:
                break
            flow = self._statement(statement, result.falls)
            result = _Flow(flow.falls, _merge(result.breaks, flow.breaks),
                           result.gaps + flow.gaps, result.throws + flow.throws)
        return result

    def _statement(self, node, sent: bool) -> _Flow:
        if node is None:  # a part missing from code with syntax errors
            return _Flow(sent)
        kind = node.type
        if kind == "statement_block":
            return self._statements(named_children(node), sent)
        if kind == "return_statement":
            return self._return(node, sent)
        if kind == "throw_statement":
            return _Flow(None, throws=[] if sent else [node])
        if kind in ("break_statement", "continue_statement"):
            return _Flow(None, breaks=sent)
        if kind == "if_statement":
            return self._if(node, sent)
        if kind == "try_statement":
            return self._try(node, sent)
        if kind == "switch_statement":
            return self._switch(node, sent)
        if kind in ("for_statement", "for_in_statement", "while_statement", "do_statement"):
            return self._loop(node, sent)
        if kind == "labeled_statement":
            return self._statement(node.child_by_field_name("body"), sent)
        if kind in FUNCTION_TYPES or kind.endswith("_declaration") and kind not in (
                "lexical_declaration", "variable_declaration"):
            return _Flow(sent)  # declarations run nothing
        return self._simple(node, sent)

    def _simple(self, node, sent: bool) -> _Flow:
        if node is None:
            return _Flow(sent)
        if sent or self._sends(node):
            return _Flow(True)
        awaited = _first_await(node)
        return _Flow(False, throws=[awaited] if awaited is not None else [])

    def _return(self, node, sent: bool) -> _Flow:
        value = next(iter(named_children(node)), None)
        if sent or (value is not None and self._sends(value)):
            return _Flow(None)
        return _Flow(None, gaps=[Gap(self.file, node, "return")])

    def _if(self, node, sent: bool) -> _Flow:
        condition = self._simple(node.child_by_field_name("condition"), sent)
        sent = bool(condition.falls)
        then = self._statement(node.child_by_field_name("consequence"), sent)
        alternative = node.child_by_field_name("alternative")
        if alternative is not None:
            otherwise = self._statements(named_children(alternative), sent)
        else:
            otherwise = _Flow(sent)
        return _Flow(_merge(then.falls, otherwise.falls), _merge(then.breaks, otherwise.breaks),
                     then.gaps + otherwise.gaps, condition.throws + then.throws + otherwise.throws)

    def _try(self, node, sent: bool) -> _Flow:
        body = self._statement(node.child_by_field_name("body"), sent)
        result = body
        handler = node.child_by_field_name("handler")
        if handler is not None:
            caught = _Flow(None)
            if body.throws:  # the catch runs only when something in the try can throw
                caught = self._statement(handler.child_by_field_name("body"), sent)
            result = _Flow(_merge(body.falls, caught.falls), _merge(body.breaks, caught.breaks),
                           body.gaps + caught.gaps, caught.throws)
        finalizer = node.child_by_field_name("finalizer")
        if finalizer is not None:
            final = self._statement(finalizer.child_by_field_name("body"), False)
            if final.falls:  # a finally that always sends covers every path of the try
                return _Flow(None if result.falls is None else True,
                             None if result.breaks is None else True)
            result.gaps += final.gaps
            result.throws += final.throws
        return result

    def _switch(self, node, sent: bool) -> _Flow:
        body = node.child_by_field_name("body")
        cases = named_children(body) if body is not None else []
        bodies = [case.children_by_field_name("body") for case in cases]
        flows = []
        for index, body in enumerate(bodies):
            if body:  # run this case, falling through the next ones until a break
                flows.append(self._statements([s for rest in bodies[index:] for s in rest], sent))
        result = _Flow(None if any(c.type == "switch_default" for c in cases) else sent)
        for flow in flows:
            result.falls = _merge(_merge(result.falls, flow.falls), flow.breaks)
            result.gaps += flow.gaps
            result.throws += flow.throws
        return result

    def _loop(self, node, sent: bool) -> _Flow:
        body = self._statement(node.child_by_field_name("body"), sent)
        entry = None if node.type == "do_statement" else sent  # the body may never run
        falls = _merge(_merge(entry, body.falls), body.breaks)
        return _Flow(falls, None, body.gaps, body.throws)

    # -- response calls -----------------------------------------------------------------------
    def _sends(self, node) -> bool:
        return self._contains_response(self.file, node, 0)

    def _contains_response(self, file, node, depth: int) -> bool:
        if node.type in FUNCTION_TYPES:
            node = node.child_by_field_name("body")
        for inner in walk(node, _runs_inline) if node is not None else ():
            if inner.type in CALL_TYPES and self._is_response(file, inner, depth):
                return True
        return False

    def _is_response(self, file, call, depth: int) -> bool:
        name = callee_name(call)
        last = name.rsplit(".", 1)[-1]
        root = file.bindings.get(name.split(".", 1)[0])
        if _RESPONSE_SEND.search(name):
            return True
        if root is not None and root.module.startswith(RESPONDER_MODULE):
            return True
        if last in _HTTP_CALLS and (self.reads_response_url and file is self.file
                                    or "ResponseURL" in file.node_text(call)):
            return True
        if call.type != "call_expression":
            return False
        if "ResponseURL" in file.node_text(call) and not _is_inert(file, call):
            return True  # the URL handed to a helper: `await put(event.ResponseURL, body)`
        target = self.graph.resolve_callee(file, call)
        if target is not None:
            return self._helper_responds(target, depth)
        return bool(_RESPONDER_NAME.search(last)) or self._given_event(file, call)

    def _given_event(self, file, call) -> bool:
        """Code we cannot see that is handed the whole event may send the response itself."""
        if self.event is None or file is not self.file or _is_inert(file, call):
            return False
        arguments = call.child_by_field_name("arguments")
        for argument in named_children(arguments) if arguments is not None else []:
            argument = unwrap(argument)
            if argument is not None and argument.type == "identifier" \
                    and file.node_text(argument) == self.event:
                return True
        return False

    def _helper_responds(self, target, depth: int) -> bool:
        file, function = target
        key = (id(file), function.id)
        if key not in self._helpers:
            self._helpers[key] = False  # recursion guard
            self._helpers[key] = depth < MAX_HELPER_DEPTH and (
                "ResponseURL" in file.node_text(function)
                or self._contains_response(file, function, depth + 1))
        return self._helpers[key]


def _is_inert(file, call) -> bool:
    root = callee_name(call).split(".", 1)[0]
    imp = file.bindings.get(root)
    if imp is None:
        return root in _INERT_ROOTS
    return imp.module.removeprefix("node:").split("/")[0] in _INERT_MODULES


def _runs_inline(node) -> bool:
    """Descend into nested functions only when they are callbacks (call arguments)."""
    if node.type not in FUNCTION_TYPES:
        return True
    return node.parent is not None and node.parent.type == "arguments"


def _first_await(node):
    """The first `await` that may throw. Not counted: `await p.catch(...)`, `await p.then(ok,
    failed)`, and closing a connection (`prisma.$disconnect()`, `pool.end()`), which in practice
    does not throw."""
    for inner in walk(node, lambda n: n.type not in FUNCTION_TYPES):
        if inner.type == "await_expression" and not _cannot_reject(unwrap(inner)):
            return inner
    return None


def _cannot_reject(call) -> bool:
    if call is None or call.type != "call_expression":
        return False
    method = callee_name(call).rsplit(".", 1)[-1]
    arguments = call.child_by_field_name("arguments")
    count = len(named_children(arguments)) if arguments is not None else 0
    return method in _CLEANUP_CALLS or method == "catch" or (method == "then" and count == 2)


def _first_parameter(file, function) -> str | None:
    params = function.child_by_field_name("parameters") or function.child_by_field_name("parameter")
    if params is None:
        return None
    if params.type == "identifier":
        return file.node_text(params)
    first = next(iter(named_children(params)), None)
    if first is not None and first.type in ("required_parameter", "optional_parameter"):
        first = first.child_by_field_name("pattern")
    return file.node_text(first) if first is not None and first.type == "identifier" else None

"""TLS to the database: where certificate verification is switched off, where it is on, and whether
the code names the CA to verify with (SECRET015, RUNTIME010).

- `tls_settings(clients)`: the `ssl` option of each database client built in a handler graph —
  pg `Pool`/`Client`, `PrismaPg`, mysql2 and mariadb `createPool`/`createConnection`,
  `PrismaMariaDb` — classified as `"unverified"` (`rejectUnauthorized: false`), `"ca"` (an object
  with `ca`), `"verified"` (`ssl: true`, or an object that verifies against the default CAs),
  `"off"` (`ssl: false`) or `"unknown"` (anything lintkit cannot read). Options given as a
  variable are followed to a local object literal.
- `url_tls(url)`: what a PostgreSQL URL's `sslmode` means to node-postgres (pg-connection-string):
  `no-verify` does not verify; with `uselibpqcompat=true`, `prefer` and `require` (without
  `sslrootcert`) do not verify either; otherwise `prefer`/`require`/`verify-ca`/`verify-full` and
  `ssl=true` verify against the default CAs (`sslrootcert` names the CA).
- `tls_check_disabled_in_code(graph)`: `process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'`.
"""
from __future__ import annotations

import weakref

from ..model.fieldclasses import fieldclass
from ..model.lazyre import lazy_compile
from ..model.nodes import Scalar, Unknown, intrinsic_name, text, walk
from ..read.dburl import is_rds_proxy_host
from ..read.sources import SourceFile, callee_name, named_children, string_value, unwrap
from ..read.staticjs import env_member

TLS_ENV_VAR = "NODE_TLS_REJECT_UNAUTHORIZED"
EXTRA_CA_ENV_VAR = "NODE_EXTRA_CA_CERTS"
# (module, export, built with `new`) → label; the first argument is the options object.
CLIENT_FACTORIES = {
    ("pg", "Pool", True): "pg `Pool`",
    ("pg", "Client", True): "pg `Client`",
    ("@prisma/adapter-pg", "PrismaPg", True): "`PrismaPg`",
    ("@prisma/adapter-mariadb", "PrismaMariaDb", True): "`PrismaMariaDb`",
    ("mysql2", "createPool", False): "mysql2 `createPool`",
    ("mysql2", "createConnection", False): "mysql2 `createConnection`",
    ("mysql2/promise", "createPool", False): "mysql2 `createPool`",
    ("mysql2/promise", "createConnection", False): "mysql2 `createConnection`",
    ("mariadb", "createPool", False): "mariadb `createPool`",
    ("mariadb", "createConnection", False): "mariadb `createConnection`",
}
PG_MODULES = ("pg", "@prisma/adapter-pg")
_FACTORY_NAMES = frozenset(export for _, export, _ in CLIENT_FACTORIES)
_GRAPH_RESULTS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


@fieldclass(frozen=True, eq=False)
class TlsSetting:
    """The `ssl` option of one client construction."""

    file: SourceFile
    call: object  # the new_expression / call_expression
    module: str  # "pg", "@prisma/adapter-pg", ...
    label: str  # "pg `Pool`"
    state: str  # "unverified" | "ca" | "verified" | "off" | "unknown"
    node: object  # what to point at: the `rejectUnauthorized` pair, the `ssl` pair

    @property
    def span(self):
        return self.file.span(self.node)

    @property
    def is_pg(self) -> bool:
        return self.module in PG_MODULES


def tls_settings(clients) -> list[TlsSetting]:
    """The `ssl` options of the database clients built in the analysis's handler graph (a
    construction without an `ssl` option has none). Computed once per graph: functions that share
    a handler share it."""
    return _per_graph(clients.graph, "settings", lambda: _tls_settings(clients))


def _per_graph(graph, name: str, compute) -> list:
    entry = _GRAPH_RESULTS.setdefault(graph, {})
    if name not in entry:
        entry[name] = compute()
    return entry[name]


def _tls_settings(clients) -> list[TlsSetting]:
    files = clients.graph.files
    if not any(b"ssl" in file.text for file in files):
        return []
    found = []
    for file in files:
        for call in file.nodes_of({"new_expression", "call_expression"}):
            if callee_name(call).rsplit(".", 1)[-1] not in _FACTORY_NAMES:
                continue
            setting = _setting(clients, file, call)
            if setting is not None:
                found.append(setting)
    return found


def _setting(clients, file: SourceFile, call) -> TlsSetting | None:
    is_new = call.type == "new_expression"
    callee = call.child_by_field_name("constructor" if is_new else "function")
    origin = clients.origin(file, callee, call) if callee is not None else None
    label = CLIENT_FACTORIES.get((*origin, is_new)) if isinstance(origin, tuple) else None
    if label is None:
        return None
    arguments = call.child_by_field_name("arguments")
    values = named_children(arguments) if arguments is not None else []
    options = _object(clients.graph, file, values[0]) if values else None
    if options is None:
        return None
    options_file, options_node = options
    ssl = _pair(options_file, options_node, "ssl")
    if ssl is None:
        return None
    state, node = _classify(clients.graph, options_file, ssl)
    return TlsSetting(options_file, call, origin[0], label, state, node)


def _classify(graph, file: SourceFile, ssl_pair) -> tuple[str, object]:
    value = unwrap(ssl_pair.child_by_field_name("value")) if ssl_pair.type == "pair" else None
    if value is None:
        return "unknown", ssl_pair
    if value.type in ("true", "false"):
        return ("verified" if value.type == "true" else "off"), ssl_pair
    resolved = _object(graph, file, value)
    if resolved is None:
        return "unknown", ssl_pair
    ssl_file, ssl_object = resolved
    if any(member.type == "spread_element" for member in named_children(ssl_object)):
        return "unknown", ssl_pair
    reject = _pair(ssl_file, ssl_object, "rejectUnauthorized")
    reject_value = unwrap(reject.child_by_field_name("value")) if reject is not None \
        and reject.type == "pair" else None
    if reject_value is not None and reject_value.type == "false":
        return "unverified", reject if ssl_file is file else ssl_pair
    if reject is not None and (reject_value is None or reject_value.type != "true"):
        return "unknown", ssl_pair
    if _pair(ssl_file, ssl_object, "ca") is not None:
        return "ca", ssl_pair
    return "verified", ssl_pair


def _object(graph, file: SourceFile, node):
    """(file, object literal) for an expression that is one, or names a local one; else None."""
    node = unwrap(node)
    if node is None:
        return None
    if node.type == "object":
        return file, node
    if node.type in ("identifier", "member_expression"):
        target = graph.resolve_value(file, node)
        if target is not None and unwrap(target[1]) is not None and unwrap(target[1]).type == "object":
            return target[0], unwrap(target[1])
    return None


def _pair(file: SourceFile, obj, key: str):
    for member in named_children(obj):
        if member.type == "pair":
            name = member.child_by_field_name("key")
            if name is not None and file.node_text(name).strip("'\"") == key:
                return member
        elif member.type == "shorthand_property_identifier" and file.node_text(member) == key:
            return member
    return None


# -- connection URLs -----------------------------------------------------------------------------
VERIFYING_SSLMODES = frozenset({"prefer", "require", "verify-ca", "verify-full"})


def url_tls(url) -> str:
    """"unverified", "ca", "verified", "off" or "none" (the URL says nothing about TLS) for a
    PostgreSQL URL as node-postgres reads it."""
    mode = (url.param("sslmode") or "").lower()
    libpq = (url.param("uselibpqcompat") or "").lower() == "true"
    root_cert = bool(url.param("sslrootcert"))
    if mode == "disable":
        return "off"
    if mode == "no-verify" or (libpq and (mode == "prefer" or (mode == "require" and not root_cert))):
        return "unverified"
    if mode in VERIFYING_SSLMODES or (url.param("ssl") or "").lower() in ("true", "1"):
        return "ca" if root_cert else "verified"
    return "none"


def sslmode_span(site):
    """The span of `sslmode=...` in a URL site (the whole URL when it has none)."""
    url = site.url
    for index in range(len(url.params) - 1, -1, -1):
        if url.params[index][0].lower() in ("sslmode", "ssl"):
            key, value = url.param_spans[index]
            return site.span_of((key[0], value[1]))
    return site.span


# -- NODE_TLS_REJECT_UNAUTHORIZED in code ----------------------------------------------------------
@fieldclass(frozen=True, eq=False)
class EnvAssignment:
    file: SourceFile
    node: object

    @property
    def span(self):
        return self.file.span(self.node)


def tls_check_disabled_in_code(graph) -> list[EnvAssignment]:
    """`process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'` (or `= 0`) in the graph's files."""
    return _per_graph(graph, "env assignments", lambda: _tls_check_disabled_in_code(graph))


def _tls_check_disabled_in_code(graph) -> list[EnvAssignment]:
    found = []
    for file in graph.files:
        if TLS_ENV_VAR.encode() not in file.text:
            continue
        for node in file.nodes_of({"assignment_expression"}):
            if env_member(file, node.child_by_field_name("left")) != TLS_ENV_VAR:
                continue
            right = unwrap(node.child_by_field_name("right"))
            value = string_value(file, right) if right is not None and right.type == "string" \
                else file.node_text(right) if right is not None and right.type == "number" else None
            if value == "0":
                found.append(EnvAssignment(file, node))
    return found


# -- RDS endpoints in a function's environment -----------------------------------------------------
RDS_CA_RESOURCE_TYPES = ("AWS::RDS::DBInstance", "AWS::RDS::DBCluster")  # not DBProxy: ACM certificates
_RDS_HOST = lazy_compile(r"(?i)\b((?:[a-z0-9-]+\.)+rds\.amazonaws\.com(?:\.cn)?)\b")
_SUB_ENDPOINT = lazy_compile(r"\$\{([\w]+)\.Endpoint\.Address\}")


def rds_endpoint_in_environment(service, function) -> str | None:
    """How the function's environment names an RDS instance or cluster (for messages): a literal
    `*.rds.amazonaws.com` host (RDS Proxy hosts left out) or `Fn::GetAtt X.Endpoint.Address` (also
    `${X.Endpoint.Address}` in `Fn::Sub`) of an `AWS::RDS::DBInstance`/`DBCluster` of the stack."""
    databases = {resource.logical_id for resource in service.resources_of_type(*RDS_CA_RESOURCE_TYPES)}
    for name, (_, value) in function.environment.items():
        for _, node in walk(value):
            found = _rds_reference(node, databases)
            if found is not None:
                return f"`{name}` is {found}"
    return None


def _rds_reference(node, databases: set[str]) -> str | None:
    if intrinsic_name(node) == "Fn::GetAtt":
        target = ".".join(text(piece) or "" for _, piece in walk(node) if text(piece))
        logical_id, _, attribute = target.partition(".")
        if logical_id in databases and attribute == "Endpoint.Address":
            return f"`Fn::GetAtt {target}`"
        return None
    value = node.text if isinstance(node, Unknown) else node.value if isinstance(node, Scalar) else None
    if not isinstance(value, str):
        return None
    for match in _SUB_ENDPOINT.finditer(value):
        if match.group(1) in databases:
            return f"`{match.group()}`"
    for match in _RDS_HOST.finditer(value):
        if not is_rds_proxy_host(match.group(1)):
            return f"the RDS host `{match.group(1)}`"
    return None

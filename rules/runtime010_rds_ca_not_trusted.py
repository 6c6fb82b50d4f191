"""Prisma 7 connects to RDS over verified TLS on a Node.js 20+ runtime that does not trust the RDS CA.

What: with Prisma 7 or newer in package.json and a handler graph that imports `pg` or
`@prisma/adapter-pg`, a function on `nodejs20.x` or newer that connects to an RDS instance or
cluster — its database URL's host is `*.rds.amazonaws.com` (not an RDS Proxy endpoint), or its
environment holds such a host or `Fn::GetAtt X.Endpoint.Address` of an `AWS::RDS::DBInstance`/
`DBCluster` — with TLS on and verifying against the default CAs, and no CA given: TLS is on when
the `ssl` option of a pg `Pool`/`Client` or `PrismaPg` is `true` or an object without `ca`, or the
database URL has `sslmode=prefer|require|verify-ca|verify-full` (or `ssl=true`) without
`sslrootcert` (node-postgres verifies all of those unless `uselibpqcompat=true`); and
`NODE_EXTRA_CA_CERTS` is set neither for the function nor the provider. Reported once per place
that turns TLS on. Not flagged: `nodejs18.x` and older (they load the RDS CA), runtimes that are
variables or not written (see RUNTIME001), image functions, RDS Proxy (its certificates come from
ACM, which Node.js trusts), a connection with TLS off or unread options, `ssl.ca` or `sslrootcert`
given, `rejectUnauthorized: false` (SECRET015), `NODE_OPTIONS` choosing another CA store
(`--use-openssl-ca`, `--use-system-ca`) or set at deploy time, Prisma 6 and unknown versions.

Why: Lambda's Node.js 20 and newer runtimes no longer load the Amazon-specific CA certificates at
start-up, the Amazon RDS CAs among them (Node.js 18 and older did, through
`NODE_EXTRA_CA_CERTS=/var/runtime/ca-cert.pem`). Prisma 7 connects through node-postgres, which
verifies the server certificate, where Prisma 6's engine accepted any: the first connection fails
with "self-signed certificate in certificate chain" (Prisma: P1010), and the tempting fix,
`rejectUnauthorized: false`, turns verification off.

Example:
    # provider.runtime: nodejs22.x
    DATABASE_URL: postgresql://app:${ssm:/pw}@orders.cluster-abc.eu-west-1.rds.amazonaws.com/orders?sslmode=verify-full

Use instead:
    environment:
      NODE_EXTRA_CA_CERTS: /var/task/global-bundle.pem  # the RDS global bundle, shipped with the code
    # or in code: new PrismaPg({ connectionString, ssl: { ca: readFileSync('global-bundle.pem', 'utf8') } })

References: AWS Lambda, "Building Lambda functions with Node.js", "CA certificate loading"
(Node.js 20+ runtimes do not load Amazon CA certificates by default; set NODE_EXTRA_CA_CERTS),
summarised with the AWS Compute Blog post on the Node.js 20.x runtime in dev.classmethod.jp,
"環境変数NODE_EXTRA_CA_CERTSがコールドスタートに与える影響を確認してみた"; AWS RDS, "Using SSL/TLS to
encrypt a connection to a DB instance" (global-bundle.pem) and "Rotating your SSL/TLS certificate"
(RDS Proxy uses ACM certificates); Prisma, "Upgrade to Prisma ORM 7", "SSL certificate validation
changes"; node-postgres, pg-connection-string index.js (sslmode semantics).
"""
from lintkit.analysis.clients import client_analysis
from lintkit.analysis.facts import node_version
from lintkit.analysis.pooling import function_database_urls
from lintkit.analysis.prismaengine import prisma_major
from lintkit.analysis.tls import (
    EXTRA_CA_ENV_VAR, PG_MODULES, rds_endpoint_in_environment, sslmode_span, tls_settings, url_tls,
)
from lintkit.model.diagnostics import Finding
from lintkit.model.nodes import is_dynamic, text

CODE = "RUNTIME010"
NAME = "rds-ca-not-trusted"
SEVERITY = "info"
SUMMARY = "Node.js 20+ on Lambda does not trust the RDS CA, so Prisma 7's verified TLS to RDS fails."

OTHER_CA_STORE_FLAGS = ("--use-openssl-ca", "--use-system-ca")


def check(service, context):
    major = prisma_major(service)
    if major is None or major < 7:
        return
    places: dict[tuple, list] = {}
    for function in service.functions:
        runtime = _node_runtime(function)
        if runtime is None or _trusts_other_cas(function):
            continue
        graph = service.graph(function)
        if graph is None or not graph.imports_module(*PG_MODULES):
            continue
        sites = function_database_urls(service, function) or []
        rds = _rds_evidence(service, function, sites)
        if rds is None:
            continue
        for span in _verifying_tls_places(service, function, sites):
            key = (span.path, span.line, span.column)
            place = places.setdefault(key, [span, {}, rds, []])
            place[1][runtime] = None
            place[3].append(function.name)
    for span, runtimes, rds, functions in places.values():
        yield Finding.at(span, _message(" or ".join(runtimes), rds, functions, service.format),
                         function=functions[0] if len(functions) == 1 else None)


def _trusts_other_cas(function) -> bool:
    """NODE_EXTRA_CA_CERTS, or NODE_OPTIONS choosing another CA store (or one lintkit cannot read)."""
    if EXTRA_CA_ENV_VAR in function.environment:
        return True
    options = function.environment.get("NODE_OPTIONS")
    value = options[1] if options is not None else None
    return value is not None and (is_dynamic(value) or any(
        flag in (text(value) or "") for flag in OTHER_CA_STORE_FLAGS))


def _node_runtime(function) -> str | None:
    """`nodejs20.x` or newer as written, None otherwise (older, unknown, a variable, an image)."""
    runtime = function.runtime
    if runtime is None or is_dynamic(runtime) or function.image is not None:
        return None
    version = node_version(text(runtime))
    return text(runtime) if version is not None and version[0] >= 20 else None


def _rds_evidence(service, function, sites) -> str | None:
    for site in sites:
        url = site.url
        if site.host_known and url.is_rds and not url.is_rds_proxy:
            return f"the database URL's host `{url.host}` is an RDS endpoint"
    return rds_endpoint_in_environment(service, function)


def _verifying_tls_places(service, function, sites) -> list:
    """Where TLS is turned on with verification against the default CAs; nothing when the code or
    the URL gives a CA, or turns verification off (then the CA question does not arise)."""
    clients = client_analysis(service, function)
    settings = [s for s in tls_settings(clients) if s.is_pg] if clients is not None else []
    url_states = [(site, url_tls(site.url)) for site in sites if site.url.family == "postgresql"]
    states = {s.state for s in settings} | {state for _, state in url_states}
    if states & {"ca", "unverified"}:
        return []
    return [s.span for s in settings if s.state == "verified"] + \
        [sslmode_span(site) for site, state in url_states if state == "verified"]


def _message(runtime: str, rds: str, functions: list[str], format: str = "serverless") -> str:
    names = [f"`{name}`" for name in functions]
    who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    shared = "`Globals.Function` `Environment.Variables`" if format == "sam" else "`provider.environment`"
    verb, where = ("runs", "the function's environment") if len(names) == 1 \
        else ("run", f"their environment ({shared})")
    return (f"{who} {verb} on {runtime}, whose Lambda runtime no longer loads the Amazon RDS CA "
            f"certificates, and this TLS connection to RDS ({rds}) verifies the server's "
            f"certificate: Prisma 7's pg driver will reject it (P1010). Set `{EXTRA_CA_ENV_VAR}` "
            f"in {where} to the RDS global bundle shipped with the code (global-bundle.pem), or "
            f"pass that bundle as `ssl: {{ ca }}`.")

"""Connection-pool facts shared by the POOL rules and CONFIG005.

- `database_urls(service)`: every database URL lintkit can see, once each (deduplicated by span):
  serverless.yml `environment` values (provider, functions, raw resources' `Environment.Variables`;
  after variable resolution, so `custom:` values that feed them keep their own span), every string
  under `custom:`, schema.prisma `url`/`directUrl`, `.env*` files and string literals in handler
  graphs. Each `UrlSite` maps offsets inside its URL back to the file (`site.span_of(offsets)`).
- Prisma facts: whether Prisma is used at all, and whether its Rust engine pool applies.
- `pool_constructions(graph)`: `new Pool()` (pg), `new PrismaPg()`, mysql2 `createPool()`.
- `migration_runs(service)`: `prisma migrate` / `prisma db push` run by handler code (as
  `lintkit.analysis.migrations` finds them) or a package.json script.
- What supplies a function's database URL at deploy time or at run time (CONFIG005).
"""
from __future__ import annotations

import weakref
from typing import Callable

from ..model.fieldclasses import field, fieldclass
from ..model.lazyre import lazy_compile
from ..model.nodes import Intrinsic, Mapping, Node, Scalar, Sequence, Span, Unknown, intrinsic_name, text, walk
from ..read.dburl import DbUrl, find_db_urls, is_placeholder_credential, parse_db_url
from ..read.positions import scalar_sub_span
from ..read.prisma_schema import EnvRef
from ..read.sources import callee_name, iter_nodes, named_children, string_value, unwrap
from ..read.staticjs import env_member
from .execcalls import local_assignment
from .facts import database_env_var, database_url_node
from .migrations import migration_runs as function_migrations
from .prismaengine import prisma_engine

POOLED_FAMILIES = ("postgresql", "mysql")
SERVERLESS_DRIVER_HOSTS = (".psdb.cloud",)
# Env vars and fields that hold the URL Prisma Migrate uses, not the one the runtime pools.
DIRECT_NAME = lazy_compile(r"(?i)direct|shadow|migrat|unpooled|non_?pool")
_VARIABLE = lazy_compile(r"\$\{|\{\{")
# Lambda's default regional concurrency quota: the worst case without reservedConcurrency.
DEFAULT_ACCOUNT_CONCURRENCY = 1000
PRISMA_DEFAULT_POOL = "2 × vCPUs + 1"  # num_physical_cpus * 2 + 1: at least 3

_CACHE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _cached(service, name: str, compute):
    entry = _CACHE.setdefault(service, {})
    if name not in entry:
        entry[name] = compute()
    return entry[name]


# -- URL sites ---------------------------------------------------------------------------------
@fieldclass(eq=False)
class UrlSite:
    """One database URL and where it is written."""

    url: DbUrl
    origin: str  # "serverless.yml", "schema.prisma", ".env", "source", or prisma.config.ts's name
    name: str | None  # the env var, schema field or custom key that holds it
    locate: Callable[[int, int], Span] = field(repr=False)  # URL offsets -> span in the file
    template: bool = False  # a `.env.example`-style file: documentation, not configuration
    runtime_built: bool = False  # a source literal completed at run time (`${...}`, `+`, `new URL`)
    function: str | None = None  # the function, when the URL belongs to one only

    @property
    def span(self) -> Span:
        return self.locate(0, len(self.url.text))

    def span_of(self, offsets) -> Span:
        return self.locate(*offsets) if offsets else self.span

    @property
    def is_direct(self) -> bool:
        """The URL Prisma Migrate uses (`directUrl`, `DIRECT_URL`, ...), not the pooled one."""
        return bool(self.name and DIRECT_NAME.search(self.name))

    @property
    def is_example(self) -> bool:
        """Documentation text such as `postgresql://USER:PASSWORD@host/db`, not a real URL."""
        url = self.url
        return bool(url.password) and not url.has_variable_password \
            and is_placeholder_credential(url.user, url.password)

    @property
    def host_known(self) -> bool:
        return bool(self.url.host) and not self.url.has_variable_host and not self.runtime_built

    @property
    def tail_known(self) -> bool:
        """Nothing after the host (database, query) is a variable."""
        end = self.url.host_span[1] if self.url.host_span else 0
        return not _VARIABLE.search(self.url.text[end:])

    @property
    def is_pooled(self) -> bool:
        """Connections are pooled in front of the database (see `dburl.DbUrl.is_pooler`), or the
        host is PlanetScale, whose edge accepts connections by the hundred thousand."""
        url = self.url
        return url.is_pooler or any(host.lower().endswith(SERVERLESS_DRIVER_HOSTS) for host in url.hosts)

    @property
    def query_or_url_span(self) -> Span:
        """Where a query parameter is added: the query when there is one, else the whole URL."""
        return self.span_of(self.url.query_span) if self.url.query_raw else self.span


def database_urls(service) -> list[UrlSite]:
    return _cached(service, "urls", lambda: _dedupe([*yaml_urls(service), *schema_urls(service),
                                                     *dotenv_urls(service), *source_urls(service)]))


def _dedupe(sites: list[UrlSite]) -> list[UrlSite]:
    seen, kept = set(), []
    for site in sites:
        span = site.span
        key = (span.path, span.line, span.column, span.end_line, span.end_column)
        if key not in seen:
            seen.add(key)
            kept.append(site)
    return kept


def _sites_in_text(value: str, locate, **kwargs) -> list[UrlSite]:
    sites = []
    for start, end in find_db_urls(value) if "://" in value or "file:" in value else ():
        url = parse_db_url(value[start:end])
        if url is not None:
            sites.append(UrlSite(url, locate=_shifted(locate, start), **kwargs))
    return sites


def _shifted(locate, base: int):
    return lambda start, end: locate(base + start, base + end)


# serverless.yml
def yaml_urls(service) -> list[UrlSite]:
    sites = []
    for function in service.functions:
        own = _own_environment_names(function)
        for name, (_, value) in function.environment.items():
            owner = function.name if name in own else None
            sites += _yaml_value_sites(value, name, owner)
    for path, node in walk(service.custom):
        name = str(path[-1]) if path else None
        if isinstance(node, (Scalar, Unknown)):
            sites += _yaml_value_sites(node, name, None)
    return sites


def _own_environment_names(function) -> set[str]:
    if function.kind == "resource":
        return set(function.environment)
    own = function.node.get("environment")
    return set(own.keys()) if isinstance(own, Mapping) else set()


def _yaml_value_sites(node: Node | None, name: str | None, function: str | None) -> list[UrlSite]:
    if intrinsic_name(node) == "Fn::Sub":  # `!Sub 'postgresql://u:${Pw}@host/db'`
        body = node.value if isinstance(node, Intrinsic) else node.pairs[0][1]
        node = body.items[0] if isinstance(body, Sequence) and body.items else body
    if isinstance(node, Unknown):
        return _sites_in_text(node.text, _unknown_locator(node), origin="serverless.yml", name=name,
                              function=function)
    if isinstance(node, Scalar) and isinstance(node.value, str):
        return _sites_in_text(node.value, lambda s, e: scalar_sub_span(node, s, e),
                              origin="serverless.yml", name=name, function=function)
    return []


def _unknown_locator(node: Unknown):
    """Sub-spans of an Unknown's text: exact when its span has the text's width (plain or quoted on
    one line), else the whole value."""
    span = node.span
    width = span.end_column - span.column
    if span.line != span.end_line or width not in (len(node.text), len(node.text) + 2):
        return lambda start, end: span
    first = span.column + (width - len(node.text)) // 2
    return lambda start, end: Span(span.path, span.line, first + start, span.line, first + end)


# prisma.config.ts
def config_urls(service) -> list[UrlSite]:
    """The literal URLs of prisma.config.ts's `datasource`: what the Prisma CLI connects with (the
    client at run time takes its URL from its adapter or schema.prisma, never from this file)."""
    config = service.prisma_config
    sites = []
    for name, value in config.datasource_fields if config is not None else []:
        if value.kind == "literal":
            sites += _sites_in_text(value.text, value.string_span, origin=config.path.name, name=name)
    return sites


# schema.prisma
def schema_urls(service) -> list[UrlSite]:
    schema = service.prisma_schema
    sites = []
    for block in schema.datasources if schema is not None else []:
        for name in ("url", "directUrl", "shadowDatabaseUrl"):
            found = block.fields.get(name)
            if found is not None and isinstance(found.value, str):
                sites += _sites_in_text(found.value, found.string_span, origin="schema.prisma",
                                        name=name)
    return sites


def schema_direct_env_vars(service) -> set[str]:
    """The variables that hold the URL Prisma Migrate uses (`directUrl`, `shadowDatabaseUrl`), in
    prisma.config.ts and schema.prisma."""
    config = service.prisma_config
    names = {value.env_name for name, value in (config.datasource_fields if config else [])
             if name != "url" and value.env_name}
    schema = service.prisma_schema
    for block in schema.datasources if schema is not None else []:
        for name in ("directUrl", "shadowDatabaseUrl"):
            value = block.value(name)
            if isinstance(value, EnvRef):
                names.add(value.name)
    return names


# .env files
def dotenv_urls(service) -> list[UrlSite]:
    direct = schema_direct_env_vars(service)
    sites = []
    for env in service.env_files:
        for entry in env.entries:
            name = "DIRECT_URL" if entry.key in direct else entry.key
            sites += _sites_in_text(entry.value, _entry_locator(entry), origin=".env", name=name,
                                    template=env.is_template)
    return sites


def _entry_locator(entry):
    span = entry.value_span
    if span.line != span.end_line or span.end_column - span.column != len(entry.value):
        return lambda start, end: span
    return lambda start, end: Span(span.path, span.line, span.column + start, span.line,
                                   span.column + end)


# handler code
_URL_HINT = lazy_compile(
    rb"(?i)(postgres(ql)?|mysql|mariadb|sqlserver|mongodb(\+srv)?|prisma(\+postgres)?)://")


def source_urls(service) -> list[UrlSite]:
    sites = []
    for function in service.functions:
        graph = service.graph(function)
        for source in graph.files if graph is not None else []:
            sites += file_url_sites(source)
    return sites


def file_url_sites(source) -> list[UrlSite]:
    cached = getattr(source, "_lintkit_url_sites", None)
    if cached is None:
        cached = []
        if _URL_HINT.search(source.text):
            for node in source.nodes_of({"string", "template_string"}):
                value = string_value(source, node)
                if value:
                    cached += _sites_in_text(value, _literal_locator(source, node, value),
                                             origin="source", name=_holder_name(source, node),
                                             runtime_built=_runtime_built(node))
        source._lintkit_url_sites = cached
    return cached


def _literal_locator(source, node, value: str):
    span = source.span(node)
    exact = span.line == span.end_line and len(source.node_text(node)) == len(value) + 2
    if not exact:
        return lambda start, end: span
    first = span.column + 1
    return lambda start, end: Span(span.path, span.line, first + start, span.line, first + end)


def _runtime_built(node) -> bool:
    """A literal that is only part of the URL the code uses: it has `${...}` substitutions, is
    concatenated, or is handed to `new URL()` (whose search params are then set)."""
    if any(child.type == "template_substitution" for child in node.named_children):
        return True
    parent = node.parent
    while parent is not None and parent.type in ("parenthesized_expression", "as_expression"):
        parent = parent.parent
    if parent is None:
        return False
    if parent.type == "binary_expression":
        return True
    if parent.type == "arguments" and parent.parent is not None:
        return callee_name(parent.parent).rsplit(".", 1)[-1] == "URL"
    return False


def _holder_name(source, node) -> str | None:
    """The variable or property a literal is assigned to: `const DIRECT_URL = '...'` → DIRECT_URL."""
    parent = node.parent
    if parent is not None and parent.type in ("variable_declarator", "pair"):
        key = parent.child_by_field_name("name") or parent.child_by_field_name("key")
        return source.node_text(key) if key is not None else None
    return None


# -- the URL a function connects with ---------------------------------------------------------
def function_database_urls(service, function) -> list[UrlSite] | None:
    """The URLs a function connects with: its environment's database variable; else schema.prisma's
    literal `url`, the `.env` value when a dotenv plugin or import loads it, and URL literals in its
    handler graph. None when the URL is a deploy-time value or cannot be found."""
    env_var = database_env_var(service)
    value = database_url_node(service, function)
    if value is not None:
        return _yaml_value_sites(value, env_var, function.name) or None
    if function.environment_unknown:
        return None
    graph = service.graph(function)
    dotenv_loaded = DOTENV_PLUGIN in service.plugins or (
        graph is not None and graph.imports_module(*DOTENV_MODULES))
    sites = [site for site in configured_database_urls(service)
             if site.origin == "schema.prisma" or (site.origin == ".env" and dotenv_loaded)]
    if graph is not None:
        sites += [site for source in graph.files for site in file_url_sites(source)
                  if not site.is_direct]
    return sites or None


def configured_database_urls(service) -> list[UrlSite]:
    """The database URL of `.env` files (not templates), prisma.config.ts's and schema.prisma's
    literal `url`: what the Prisma CLI (and, but for the config's, the client) uses when the
    environment does not set it."""
    env_var = database_env_var(service)
    return [site for site in [*dotenv_urls(service), *config_urls(service), *schema_urls(service)]
            if not site.template and site.name in (env_var, "url")]


# -- Prisma ------------------------------------------------------------------------------------
def uses_prisma(service) -> bool:
    """schema.prisma or prisma.config.ts, a Prisma package in package.json, or a handler importing
    the client."""
    def compute():
        package = service.package_json
        if service.prisma_schema is not None or service.prisma_config is not None:
            return True
        if package is not None and (package.dependency("prisma") or package.dependency("@prisma/client")):
            return True
        return any(graph is not None and graph.imports_prisma_client() for graph in _graphs(service))
    return _cached(service, "uses_prisma", compute)


def prisma_at_most_6(service) -> bool:
    """Prisma ≤ 6, or a version lintkit cannot tell (the catalogue treats unknown as ≤ 6)."""
    package = service.package_json
    major = package.prisma_major() if package is not None else None
    return major is None or major <= 6


def rust_engine_pool(service) -> bool:
    """True when the Rust query engine's pool (and its URL parameters) applies: a Prisma service
    whose client loads the Rust engine and connects without a driver adapter (prismaengine)."""
    def compute():
        if not uses_prisma(service):
            return False
        engine = prisma_engine(service)
        return not engine.rust_free and not engine.pools_in_adapter
    return _cached(service, "rust_engine_pool", compute)


def _graphs(service):
    return [service.graph(function) for function in service.functions]


# -- pools built in code --------------------------------------------------------------------------
@fieldclass
class PoolConstruction:
    source: object  # SourceFile
    call: object  # new_expression / call_expression
    client: str  # "pg Pool", "PrismaPg", "mysql2 createPool"
    limit_key: str  # max / connectionLimit
    config: object | None  # the object literal, None without arguments
    limit: object | None  # the limit's value node, None when missing
    module: str = ""  # the module the constructor comes from: "pg", "@prisma/adapter-pg", ...

    @property
    def span(self) -> Span:
        return self.source.span(self.config if self.config is not None else self.call)

    @property
    def limit_value(self) -> int | None:
        value = self.source.node_text(self.limit) if self.limit is not None else ""
        return int(value) if value.isascii() and value.isdigit() else None

    def option(self, path: str):
        """The value node of an option (`max`, or `pool.max` inside a nested literal), None when the
        options do not set it."""
        node, keys = self.config, path.split(".")
        for depth, key in enumerate(keys):
            value = _property(self.source, node, key) if node is not None else None
            if value is None or depth == len(keys) - 1:
                return value
            node = unwrap(value)
            if node is None or node.type != "object":
                return None
        return None


# (module, export, limit key, label, constructed with `new`)
POOL_FACTORIES = (
    ("pg", "Pool", "max", "pg `Pool`", True),
    ("@prisma/adapter-pg", "PrismaPg", "max", "`PrismaPg` adapter", True),
    ("mysql2", "createPool", "connectionLimit", "mysql2 pool (`createPool`)", False),
    ("mysql2/promise", "createPool", "connectionLimit", "mysql2 pool (`createPool`)", False),
)


# pg-pool: `this.options.max = this.options.max || this.options.poolSize || 10`.
LIMIT_ALIASES = {"max": "poolSize"}
# Driver adapters whose pools POOL002 does not size-check, read for the options they set (POOL007).
ADAPTER_FACTORIES = (
    ("@prisma/adapter-mariadb", "PrismaMariaDb", "connectionLimit", "`PrismaMariaDb` adapter", True),
    ("@prisma/adapter-mssql", "PrismaMssql", "pool.max", "`PrismaMssql` adapter", True),
)


def pool_constructions(graph) -> list[PoolConstruction]:
    """pg `Pool`, `PrismaPg` and mysql2 pools built with literal options (or none)."""
    return _constructions(graph, POOL_FACTORIES, "_lintkit_pools")


def adapter_pool_constructions(graph) -> list[PoolConstruction]:
    """`pool_constructions` and the other driver adapters' (`PrismaMariaDb`, `PrismaMssql`)."""
    return _constructions(graph, POOL_FACTORIES + ADAPTER_FACTORIES, "_lintkit_adapter_pools")


def _constructions(graph, factories, slot: str) -> list[PoolConstruction]:
    found = []
    for source in graph.files:
        cached = getattr(source, slot, None)
        if cached is None:
            cached = list(_scan_pools(source, factories))
            setattr(source, slot, cached)
        found += cached
    return found


def _scan_pools(source, factories):
    if not any(imp.module in {f[0] for f in factories} for imp in source.imports):
        return
    for call in source.nodes_of({"new_expression", "call_expression"}):
        factory = _factory(source, call, factories)
        if factory is None:
            continue
        module, _, key, label, _ = factory
        arguments = call.child_by_field_name("arguments")
        args = named_children(arguments) if arguments is not None else []
        config = _object_argument(source, args[0]) if args else None
        if args and config is None:
            continue  # a pool instance, a URI string or a config built elsewhere: not ours to judge
        if config is not None and any(c.type == "spread_element" for c in config.named_children):
            continue
        construction = PoolConstruction(source, call, label, key, config, None, module)
        construction.limit = construction.option(key) if config is not None else None
        if construction.limit is None and config is not None and key in LIMIT_ALIASES:
            construction.limit = construction.option(LIMIT_ALIASES[key])
        yield construction


def _factory(source, call, factories):
    name = callee_name(call)
    parts = name.split(".")
    is_new = call.type == "new_expression"
    if len(parts) > 2:
        return None
    module, imported = _imported_as(source, parts[0])
    if module is None:
        return None
    if len(parts) == 2:
        if imported not in ("*", "default"):
            return None
        imported = parts[1]
    for factory in factories:
        if factory[0] == module and factory[1] == imported and factory[4] == is_new:
            return factory
    return None


def _imported_as(source, local: str) -> tuple[str | None, str | None]:
    """(module, imported name) a local name is bound to, also through `const { Pool } = pg`."""
    imp = source.bindings.get(local)
    if imp is not None:
        return imp.module, imp.bindings[local]
    for statement in named_children(source.root):
        if statement.type not in ("lexical_declaration", "variable_declaration"):
            continue
        for declarator in named_children(statement):
            pattern = declarator.child_by_field_name("name")
            value = declarator.child_by_field_name("value")
            if pattern is None or pattern.type != "object_pattern" or value is None:
                continue
            value = unwrap(value)
            if value.type != "identifier" or source.node_text(value) not in source.bindings:
                continue
            imported = _pattern_key(source, pattern, local)
            outer = source.bindings[source.node_text(value)]
            if imported and outer.bindings[source.node_text(value)] in ("*", "default"):
                return outer.module, imported
    return None, None


def _pattern_key(source, pattern, local: str) -> str | None:
    for part in named_children(pattern):
        if part.type == "shorthand_property_identifier_pattern" and source.node_text(part) == local:
            return local
        if part.type == "pair_pattern":
            value = part.child_by_field_name("value")
            if value is not None and source.node_text(value) == local:
                return source.node_text(part.child_by_field_name("key"))
    return None


def _object_argument(source, node):
    node = unwrap(node)
    if node is not None and node.type == "identifier":
        node = unwrap(local_assignment(source, node))
    return node if node is not None and node.type == "object" else None


def _property(source, obj, key: str):
    for member in named_children(obj):
        if member.type == "pair":
            name = member.child_by_field_name("key")
            if name is not None and source.node_text(name).strip("'\"") == key:
                return member.child_by_field_name("value")
        elif member.type == "shorthand_property_identifier" and source.node_text(member) == key:
            return member
    return None


# -- migrations ----------------------------------------------------------------------------------
MIGRATION_SCRIPT = lazy_compile(r"\bprisma\s+migrate\s+deploy\b")


@fieldclass
class MigrationRun:
    span: Span
    description: str  # for messages: "the `migrate` function" / "package.json script `deploy`"
    function: object | None  # the Function that runs it, None for package.json scripts


def migration_runs(service) -> list[MigrationRun]:
    return _cached(service, "migrations", lambda: [*_exec_migrations(service),
                                                   *_script_migrations(service)])


def _exec_migrations(service):
    for function in service.functions:
        calls = dict.fromkeys(run.command.exec.span for run in function_migrations(service, function))
        for span in calls:  # `prisma migrate deploy && prisma db push` is one call
            yield MigrationRun(span, f"the `{function.name}` function", function)


def _script_migrations(service):
    package = service.package_json
    for name, (command, span) in (package.scripts.items() if package is not None else []):
        if MIGRATION_SCRIPT.search(command):
            yield MigrationRun(span, f"the package.json script `{name}`", None)


def runs_migrations(service, function) -> bool:
    return any(run.function is function for run in migration_runs(service))


# -- what supplies the database URL (CONFIG005) ----------------------------------------------------
# Plugins that add variables to every function's environment at deploy time.
ENV_INJECTING_PLUGINS = frozenset({
    "serverless-doppler", "serverless-plugin-secrets", "serverless-secrets-plugin",
    "serverless-ssm-fetch", "serverless-env-generator", "serverless-plugin-ssm-env",
    "@infisical/serverless-plugin",
})
DOTENV_PLUGIN = "serverless-dotenv-plugin"
# Modules that load variables or secrets into the process at run time.
DOTENV_MODULES = ("dotenv", "dotenv-flow", "dotenv-safe", "@dotenvx/dotenvx")
RUNTIME_LOADERS = (*DOTENV_MODULES, "@aws-sdk/client-secrets-manager", "@aws-sdk/client-ssm",
                   "aws-sdk/clients/secretsmanager", "aws-sdk/clients/ssm",
                   "@aws-lambda-powertools/parameters", "@middy/secrets-manager", "@middy/ssm",
                   "@nestjs/config")  # NestJS's ConfigModule loads .env files with dotenv
# PrismaClient options that give the URL in code instead of the schema's env().
PRISMA_URL_OPTIONS = frozenset({"datasources", "datasourceUrl", "adapter", "accelerateUrl"})


def plugin_supplies_env(service, env_var: str) -> str | None:
    """The plugin (or `useDotenv`) that puts `env_var` in the functions' environment, or None."""
    plugins = set(service.plugins)
    injecting = sorted(plugins & ENV_INJECTING_PLUGINS)
    if injecting:
        return f"plugin `{injecting[0]}`"
    env_files = [env for env in service.env_files if not env.is_template]
    defined = any(env.get(env_var) is not None for env in env_files)
    if DOTENV_PLUGIN in plugins and _dotenv_plugin_includes(service, env_var):
        if defined or not env_files:  # no .env in the repository: it is written at deploy time
            return f"plugin `{DOTENV_PLUGIN}`"
    use_dotenv = service.document.get("useDotenv") if service.document else None
    if defined and text(use_dotenv) == "true":
        return "`useDotenv: true` with a .env file"
    return None


def _dotenv_plugin_includes(service, env_var: str) -> bool:
    settings = service.custom.get("dotenv") if service.custom is not None else None
    if not isinstance(settings, Mapping):
        return True
    include, exclude = settings.get("include"), settings.get("exclude")
    if isinstance(include, Sequence) and env_var not in {text(item) for item in include}:
        return False
    return not (isinstance(exclude, Sequence) and env_var in {text(item) for item in exclude})


def code_supplies_env(graph, env_var: str) -> str | None:
    """How the handler graph loads the URL itself at run time, or None."""
    for module in RUNTIME_LOADERS:
        if graph.imports_module(module):
            return f"it imports `{module}`"
    for source in graph.files:
        if _aws_sdk_v2_secret_fetch(source):
            return "it fetches a secret with `aws-sdk`"
        if _assigns_env(source, env_var):
            return f"it sets `process.env.{env_var}`"
    return None


def unfollowed_code_may_supply_env(service, env_var: str) -> bool:
    """Code lintkit did not follow might load the URL itself: package.json depends on a module
    that loads variables or secrets at run time, or a handler lintkit did follow does (another
    function's code likely shares that database module)."""
    package = service.package_json
    loaders = {_package_name(module) for module in (*RUNTIME_LOADERS, "aws-sdk")}
    if package is not None and any(package.dependency(name) for name in loaders):
        return True
    graphs = [graph for graph in _graphs(service) if graph is not None]
    return any(code_supplies_env(graph, env_var) or prisma_client_url_in_code(graph) for graph in graphs)


def _package_name(module: str) -> str:
    """The npm package a module specifier names: `@scope/name` or `name`."""
    parts = module.split("/")
    return "/".join(parts[:2]) if module.startswith("@") else parts[0]


def _aws_sdk_v2_secret_fetch(source) -> bool:
    if not any(imp.module == "aws-sdk" for imp in source.imports):
        return False
    return any(source.node_text(node) in ("SecretsManager", "SSM")
               for node in iter_nodes(source.root, {"property_identifier", "identifier"}))


def _assigns_env(source, env_var: str) -> bool:
    for node in source.nodes_of({"assignment_expression", "augmented_assignment_expression",
                                 "call_expression"}):
        if node.type == "call_expression":
            arguments = node.child_by_field_name("arguments")
            args = named_children(arguments) if arguments is not None else []
            if callee_name(node) == "Object.assign" and args \
                    and source.node_text(args[0]) == "process.env":
                return True
            continue
        left = node.child_by_field_name("left")
        if left is not None and env_member(source, left) in (env_var, "*"):
            return True
    return False


def reads_env_without_fallback(graph, env_var: str) -> bool:
    """The code reads `process.env.X` (or destructures X from `process.env`) with no `??`/`||`
    fallback."""
    for source in graph.files:
        if env_var.encode() not in source.text:
            continue
        for node in source.nodes_of({"member_expression", "subscript_expression",
                                     "variable_declarator"}):
            if node.type == "variable_declarator":
                if _destructures_env(source, node, env_var):
                    return True
            elif env_member(source, node) == env_var and not _has_fallback(node) \
                    and not _is_assignment_target(node):
                return True
    return False


def _destructures_env(source, declarator, env_var: str) -> bool:
    pattern, value = declarator.child_by_field_name("name"), declarator.child_by_field_name("value")
    if pattern is None or value is None or pattern.type != "object_pattern":
        return False
    if source.node_text(unwrap(value)) != "process.env":
        return False
    for part in named_children(pattern):
        if part.type == "shorthand_property_identifier_pattern" and source.node_text(part) == env_var:
            return True
        if part.type == "pair_pattern" and source.node_text(part.child_by_field_name("key")) == env_var:
            inner = part.child_by_field_name("value")
            return inner is None or inner.type != "assignment_pattern"
    return False


def _has_fallback(node) -> bool:
    parent = node.parent
    while parent is not None and parent.type in ("parenthesized_expression", "non_null_expression",
                                                 "as_expression"):
        node, parent = parent, parent.parent
    if parent is None or parent.type != "binary_expression":
        return False
    operator = parent.child_by_field_name("operator")
    return operator is not None and operator.type in ("??", "||") \
        and parent.child_by_field_name("left") == node


def _is_assignment_target(node) -> bool:
    parent = node.parent
    return parent is not None and parent.child_by_field_name("left") == node \
        and parent.type in ("assignment_expression", "augmented_assignment_expression")


def prisma_client_url_in_code(graph) -> bool:
    """A `new PrismaClient({...})` in the graph that gets its URL in code (`datasources`,
    `datasourceUrl`, `adapter`, `accelerateUrl`), or whose options lintkit cannot read."""
    for source in graph.files:
        if b"PrismaClient" not in source.text:
            continue
        for call in source.nodes_of({"new_expression"}):
            if callee_name(call).rsplit(".", 1)[-1] != "PrismaClient":
                continue
            arguments = call.child_by_field_name("arguments")
            args = named_children(arguments) if arguments is not None else []
            if not args:
                continue
            options = _object_argument(source, args[0])
            if options is None or any(c.type == "spread_element" for c in options.named_children):
                return True
            if any(_property(source, options, key) is not None for key in PRISMA_URL_OPTIONS):
                return True
    return False

"""Facts about a service that several rules share: runtimes, database use, timeouts."""
from __future__ import annotations

import json
import os
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..model.fieldclasses import fieldclass
from ..model.lazyre import lazy_compile
from ..model.nodes import Node, Scalar, Span, is_dynamic, text

NODE_RUNTIME = lazy_compile(r"^nodejs(\d+)(?:\.(\d+))?(?:\.x)?$")


@lru_cache(maxsize=1)
def runtime_table() -> dict:
    return json.loads(resources.files("lintkit.data").joinpath("runtimes.json").read_text())


LIFECYCLE_STAGES = ("deprecation", "block_function_create", "block_function_update")


@fieldclass(frozen=True)
class Lifecycle:
    """AWS's three dates for a runtime, and where they come from."""

    runtime: str
    deprecation: date
    block_function_create: date
    block_function_update: date
    source: str

    def stage(self, as_of: date) -> str:
        """"supported", "deprecated", "create-blocked" or "update-blocked" on the date."""
        if as_of >= self.block_function_update:
            return "update-blocked"
        if as_of >= self.block_function_create:
            return "create-blocked"
        return "deprecated" if as_of >= self.deprecation else "supported"


@lru_cache(maxsize=64)
def runtime_lifecycle(runtime: str) -> Lifecycle | None:
    """The runtime's lifecycle dates; None for runtimes not in the table (not Node.js)."""
    entry = runtime_table()["nodejs"].get(runtime)
    if not entry:
        return None
    days = {stage: date.fromisoformat(entry[stage]) for stage in LIFECYCLE_STAGES}
    return Lifecycle(runtime, source=entry["source"], **days)


@lru_cache(maxsize=8)
def _newest_runtimes(as_of: date, count: int) -> tuple[str, ...]:
    """newest_runtimes, worked out once per date (rules ask for every finding)."""
    horizon = as_of + timedelta(days=runtime_table()["warning_window_days"])
    current = [name for name in runtime_table()["nodejs"] if runtime_lifecycle(name).deprecation > horizon]
    current.sort(key=lambda n: node_version(n) or (0, 0), reverse=True)
    return tuple(current[:count])


def newest_runtimes(as_of: date, count: int = 2) -> list[str]:
    """The newest Node.js runtimes not deprecated within the warning window of the date, newest
    first: the ones worth moving to."""
    return list(_newest_runtimes(as_of, count))


def framework_default_runtimes(flavour: str, majors) -> list[tuple[str, str]] | None:
    """[(runtime, releases)] the framework deploys a zip function with when no runtime is written,
    for every major allowed; None when one of them is not in the table."""
    table = runtime_table()["framework_default_runtime"].get(flavour)
    if table is None or not majors:
        return None
    defaults = []
    for major in sorted(majors):
        entries = table.get(str(major))
        if entries is None:
            return None
        defaults += [(entry["runtime"], entry["releases"]) for entry in entries]
    return defaults


def node_version(runtime: str | None) -> tuple[int, int] | None:
    """(major, minor) of a `nodejsNN.x` runtime; minor is 0 for `.x`."""
    match = NODE_RUNTIME.match(runtime or "")
    if not match:
        return None
    return int(match.group(1)), int(match.group(2) or 0)


def is_node_function(function) -> bool:
    """The function's runtime is a Node.js one, or unset (the Serverless Framework's default);
    not a runtime that is a variable."""
    runtime = function.runtime
    if runtime is None:
        return True
    return not is_dynamic(runtime) and node_version(text(runtime)) is not None


OTHER_LANGUAGE_SUFFIXES = (".py", ".go", ".java", ".rb", ".cs", ".rs", ".php", ".sh")


def other_language_module(module_path) -> bool:
    """A handler's module path names a source file of another language (`app.py` for `app`)."""
    from ..read.handlers import path_exists

    base = str(module_path.with_name(module_path.name))  # a ValueError for an empty name, as before
    return any(path_exists(base + suffix) for suffix in OTHER_LANGUAGE_SUFFIXES)


def number(node: Node | None) -> float | None:
    """A numeric scalar (YAML int/float or a numeric string), else None."""
    if not isinstance(node, Scalar) or isinstance(node.value, bool):
        return None
    if isinstance(node.value, (int, float)):
        return node.value
    try:
        return float(text(node) or "")
    except ValueError:
        return None


DB_CLIENT_MODULES = ("@prisma/client", "pg", "mysql2", "@prisma/adapter-")
RDS_RESOURCE_TYPES = ("AWS::RDS::DBInstance", "AWS::RDS::DBCluster", "AWS::RDS::DBProxy")


@fieldclass(frozen=True, slots=True)
class UrlDeclaration:
    """Where the Prisma CLI finds the database URL: prisma.config.ts's `datasource.url`, which it
    reads first, else schema.prisma's `url`. `kind` is "env" (`env_var` holds the name), "literal"
    or "unknown" (built at run time)."""

    origin: str  # "schema.prisma", or the config's path from the service: "prisma.config.ts" ...
    kind: str
    env_var: str | None
    span: Span  # the value
    key_span: Span

    @property
    def from_config(self) -> bool:
        return self.origin != "schema.prisma"

    @property
    def place(self) -> str:
        """"`datasource.url` in prisma.config.ts:7", for messages."""
        field = "`datasource.url`" if self.from_config else "`url`"
        return f"{field} in {self.origin}:{self.key_span.line}"


def database_url_declaration(service) -> UrlDeclaration | None:
    """prisma.config.ts's `datasource.url` when the config sets one, else schema.prisma's `url`."""
    config = service.prisma_config
    if config is not None and config.url is not None:
        value = config.url
        origin = Path(os.path.relpath(config.path, service.root)).as_posix()
        return UrlDeclaration(origin, value.kind, value.env_name, value.span, value.key_span)
    schema = service.prisma_schema
    url = schema.url if schema is not None else None
    if url is None:
        return None
    name = getattr(url.value, "name", None)
    kind = "env" if name else ("literal" if isinstance(url.value, str) else "unknown")
    return UrlDeclaration("schema.prisma", kind, name, getattr(url.value, "span", None) or url.span,
                          url.key_span)


def database_env_var(service) -> str:
    """The variable that holds the database URL: the one prisma.config.ts's `datasource.url` reads
    (`env("X")`, `process.env.X`), else schema.prisma's `url = env("X")`, DATABASE_URL by
    default."""
    config = service.prisma_config
    if config is not None and config.url is not None and config.url.env_name:
        return config.url.env_name
    schema = service.prisma_schema
    name = getattr(schema, "url_env_var", None) if schema is not None else None
    return name or "DATABASE_URL"


def database_url_node(service, function):
    """The effective database URL value of a function (a Node), or None."""
    entry = function.environment.get(database_env_var(service))
    return entry[1] if entry else None

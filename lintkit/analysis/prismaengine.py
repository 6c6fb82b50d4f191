"""Which Prisma Client engine a service runs, and whether it connects through a driver adapter.

One answer for every rule that depends on the engine (engine packaging, binary targets, pool
parameters, client options), taken from what Prisma itself reads:

- No Rust query engine: Prisma 7 or newer (package.json), `engineType = "client"` on the client
  generator (GA in 6.16, preview from 6.15), or the `queryCompiler` preview feature (6.7 to 6.15).
  Queries are compiled in TypeScript and a driver adapter is required to connect
  (`new PrismaClient({ adapter })`), except for Accelerate (`accelerateUrl`, `prisma://`).
  An Accelerate build (`prisma generate --no-engine`, a `prisma://` URL) ships no engine either.
- Otherwise the Rust engine (which one: `packaging.rust_engine`). `provider = "prisma-client"` alone
  does not remove it on Prisma 6: that generator copies the engine into its `output` folder.
- A driver adapter is in use where the code imports `@prisma/adapter-*` (the `driverAdapters`
  preview feature of Prisma 5.4 to 6.15 only allows one). Then the adapter's pool, not the Rust
  engine's, holds the connections, and the URL's pool parameters do nothing.

Sources: Prisma docs, "No Rust engine" (orm/v6/prisma-client/setup-and-configuration/no-rust-engine:
"engineType needs to be set to "client"", "required usage of driver adapters"), "Generators"
(v6.7.0 `queryCompiler` preview), "Upgrade to Prisma ORM 7" (Rust-free by default, adapters
required). The version bounds live in `lintkit/data/prisma.json`.
"""
from __future__ import annotations

import json
import re
import weakref
from functools import lru_cache
from importlib import resources

from ..model.fieldclasses import fieldclass
from ..model.lazyre import lazy_compile
from ..model.nodes import text
from .facts import database_url_node

ADAPTER_MODULES = ("@prisma/adapter-",)
NO_RUST_PREVIEW_FEATURES = ("queryCompiler",)
NO_ENGINE_FLAGS = lazy_compile(r"prisma\s+generate\b[^&|;]*--(?:no-engine|accelerate|data-proxy)\b")
NO_ENGINE_URL = lazy_compile(r"^\s*prisma(?:\+postgres)?://", re.IGNORECASE)

_ENGINES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


@lru_cache(maxsize=1)
def prisma_table() -> dict:
    return json.loads(resources.files("lintkit.data").joinpath("prisma.json").read_text())


@fieldclass(frozen=True)
class PrismaEngine:
    major: int | None  # the Prisma major package.json allows, None when it does not say
    no_rust_reason: str | None  # why the client loads no Rust engine, for messages: "Prisma 7"
    adapter_required: bool  # the client cannot connect without a driver adapter
    adapter_in_code: bool  # a handler graph imports `@prisma/adapter-*`

    @property
    def rust_free(self) -> bool:
        return self.no_rust_reason is not None

    @property
    def pools_in_adapter(self) -> bool:
        """The connections are the driver adapter's: its pool options count, URL parameters do not."""
        return self.adapter_required or self.adapter_in_code


def prisma_engine(service) -> PrismaEngine:
    if service not in _ENGINES:
        _ENGINES[service] = _compute(service)
    return _ENGINES[service]


def prisma_major(service) -> int | None:
    return service.package_json.prisma_major() if service.package_json is not None else None


def _compute(service) -> PrismaEngine:
    major = prisma_major(service)
    reason = _compiled_in_typescript(service, major)
    accelerate = accelerate_build(service)
    required = reason is not None and not accelerate
    if reason is None and accelerate:
        reason = "an Accelerate build without an engine"
    return PrismaEngine(major=major, no_rust_reason=reason, adapter_required=required,
                        adapter_in_code=_adapter_in_code(service))


def _compiled_in_typescript(service, major: int | None) -> str | None:
    """Why queries are compiled in TypeScript (no Rust engine, an adapter required), or None."""
    schema = service.prisma_schema
    if schema is not None and schema.engine_type == "client":
        return '`engineType = "client"`'
    if schema is not None and any(feature in schema.preview_features for feature in NO_RUST_PREVIEW_FEATURES):
        return "the `queryCompiler` preview feature"
    if major is not None and major > prisma_table()["rust_engine_until"]:
        return f"Prisma {major}"
    if major is None and schema is not None and schema.error is None and schema.datasource is not None \
            and schema.url is None:
        return "a datasource without `url` (Prisma 7; Prisma 6 requires it)"
    return None


def accelerate_build(service) -> bool:
    """A client generated without an engine for Prisma Accelerate (`--no-engine`, a `prisma://` URL)."""
    package = service.package_json
    if package is not None:
        if package.in_dependencies("@prisma/extension-accelerate"):
            return True
        if any(NO_ENGINE_FLAGS.search(script) for script, _ in package.scripts.values()):
            return True
    schema = service.prisma_schema
    url = schema.url.value if schema is not None and schema.url is not None else None
    if isinstance(url, str) and NO_ENGINE_URL.match(url):
        return True
    for function in service.functions:
        value = text(database_url_node(service, function))
        if value and NO_ENGINE_URL.match(value):
            return True
    return False


def _adapter_in_code(service) -> bool:
    return any(graph is not None and graph.imports_module(*ADAPTER_MODULES)
               for graph in (service.graph(function) for function in service.functions))

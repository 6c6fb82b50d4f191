"""Driver adapter pools: which adapter a service connects through, the pool options it replaces
Prisma's URL parameters with, and whether a connect timeout is bounded (POOL007, POOL008).

The table lives in `lintkit/data/adapter_pools.json` with its sources (Prisma's "Connection pool"
page, node-postgres' pg-pool).
"""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from ..model.fieldclasses import fieldclass
from .packaging import imports_prisma
from .pooling import adapter_pool_constructions, uses_prisma
from .prismaengine import ADAPTER_MODULES, prisma_engine

# Database clients that read URL parameters of their own: a URL they may receive is not judged.
# (`pg` and `mariadb` are the drivers under Prisma's adapters and read none of Prisma's.)
OTHER_URL_CLIENTS = ("postgres", "knex", "mysql", "mysql2", "mysql2/promise", "sequelize", "typeorm",
                     "kysely", "slonik", "pg-promise", "mssql", "tedious", "drizzle-orm")


@lru_cache(maxsize=1)
def adapter_table() -> dict:
    return json.loads(resources.files("lintkit.data").joinpath("adapter_pools.json").read_text())


@fieldclass(frozen=True)
class AdapterOption:
    option: str  # `max`, `connectionTimeoutMillis`, `pool.max`
    unit: str  # "count", "ms" or "s"
    default: str  # the driver's default, for messages: "10", "0, no timeout"

    def assignment(self, url_value: str | None) -> str:
        """`max: 1` from `connection_limit=1`; `connectionTimeoutMillis: 5000` from
        `connect_timeout=5` (Prisma's URL timeouts are seconds)."""
        value = url_value if url_value and url_value.isascii() and url_value.isdigit() else None
        if value is None:
            return f"`{self.option}`"
        if self.unit == "ms":
            value = str(int(value) * 1000)
        return f"`{self.option}: {value}`"


def url_parameters() -> tuple[str, ...]:
    return tuple(adapter_table()["url_parameters"])


def adapter_option(adapter: str, parameter: str) -> AdapterOption | None:
    row = adapter_table()["adapters"].get(adapter, {}).get("options", {}).get(parameter)
    return AdapterOption(row["option"], row["unit"], row["default"]) if row else None


def adapter_class(adapter: str) -> str | None:
    return adapter_table()["adapters"].get(adapter, {}).get("class")


def _graphs(service):
    return [graph for graph in (service.graph(function) for function in service.functions)
            if graph is not None]


def imported_adapters(service) -> list[str]:
    """The `@prisma/adapter-*` modules the handler graphs import, in first-seen order."""
    found: dict[str, None] = {}
    for graph in _graphs(service):
        for _, imp in graph.find_imports(*ADAPTER_MODULES):
            found.setdefault(imp.module, None)
    return list(found)


def adapter_for(service, family: str) -> tuple[str | None, bool]:
    """(the adapter module a URL of this family goes through, whether the code shows it). An
    imported adapter of the family wins; else, when lintkit saw none, the one Prisma documents for
    the family; None when the imported adapters are of other kinds (neon, planetscale, libsql)."""
    default = adapter_table()["url_families"].get(family)
    imported = imported_adapters(service)
    if default in imported:
        return default, True
    if imported:
        return (imported[0], True) if len(imported) == 1 else (None, True)
    return default, False


def url_parameters_ignored(service) -> str | None:
    """Why the client connects through a driver adapter that ignores Prisma's URL parameters, for
    messages; None when the Rust engine's pool may still read them. An adapter required (Prisma 7,
    `engineType = "client"`) counts for every function; an adapter in code on the Rust engine (the
    `driverAdapters` preview) only when every handler that loads the client imports one."""
    if not uses_prisma(service):
        return None
    engine = prisma_engine(service)
    if engine.adapter_required:
        return engine.no_rust_reason
    if not engine.adapter_in_code:
        return None
    prisma_graphs = [graph for graph in _graphs(service) if imports_prisma(service, graph)]
    if prisma_graphs and all(graph.imports_module(*ADAPTER_MODULES) for graph in prisma_graphs):
        schema = service.prisma_schema
        preview = schema is not None and schema.uses_driver_adapters
        return "the `driverAdapters` preview feature" if preview else "a driver adapter in the code"
    return None


def other_url_clients(service) -> bool:
    """A handler imports a database client that may read URL parameters of its own."""
    return any(graph.imports_module(*OTHER_URL_CLIENTS) for graph in _graphs(service))


def option_set_in_code(service, adapter: str, option: str) -> bool:
    """Some adapter (or, for `@prisma/adapter-pg`, pg `Pool`) construction in the handler graphs
    sets this option: the URL parameter is then only left over, and the code decides."""
    modules = {adapter, *(["pg"] if adapter == "@prisma/adapter-pg" else [])}
    return any(pool.module in modules and _sets(pool, option)
               for graph in _graphs(service) for pool in adapter_pool_constructions(graph))


def options_owner(service, adapter: str) -> str:
    """Where the adapter's pool options are written, for messages: the pg `Pool` the code hands to
    `new PrismaPg(pool)`, else the adapter's own options."""
    driver = adapter_table()["adapters"].get(adapter, {}).get("driver")
    if driver == "pg" and any(pool.module == "pg" for graph in _graphs(service)
                              for pool in adapter_pool_constructions(graph)):
        return "the pg `Pool` options"
    return f"the `{adapter_class(adapter)}` options"


def _sets(pool, option: str) -> bool:
    if option == pool.limit_key:
        return pool.limit is not None  # also pg's `poolSize`, the old name of `max`
    return pool.option(option) is not None


def unbounded_connect_option(pool) -> str | None:
    """The option that bounds connecting for a pool whose driver waits forever by default (pg:
    `connectionTimeoutMillis` 0), None for drivers with a bounded default (mariadb 1 s, mssql 15 s)
    and pools the table does not know."""
    table = adapter_table()["adapters"]
    for module, row in table.items():
        if pool.module in (module, row["driver"]) and row["connect_timeout_default_ms"] == 0:
            return row["connect_timeout_option"]
    return None

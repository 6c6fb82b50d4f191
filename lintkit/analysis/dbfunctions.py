"""Which functions are database functions (RULES.md's "DB function"), and why: the handler graph
imports a database client, the environment sets the database URL, or the function runs Prisma
migrations. Above `facts` and `migrations`, which it combines (facts stays below migrations and
packaging, so that they can use it)."""
from __future__ import annotations

from .facts import DB_CLIENT_MODULES, database_env_var
from .migrations import migration_runs


def database_use(service, function) -> str | None:
    """Why a function counts as a DB function (for messages), or None when it does not."""
    graph = service.graph(function)
    if graph is not None:
        if graph.imports_prisma_client():
            return "its handler imports the Prisma client"
        for module in DB_CLIENT_MODULES[1:]:
            if graph.imports_module(module):
                return f"its handler imports `{module.rstrip('-')}`"
    env_var = database_env_var(service)
    if env_var in function.environment:
        return f"its environment sets `{env_var}`"
    if graph is not None:
        if migration_runs(service, function):
            return "it runs Prisma migrations"
    return None

"""Prisma Client APIs and settings that Prisma 7 removed, as a project still uses them (CLIENT007).

- `removed_api_uses(clients)`: `client.$use(...)` (middleware) and `client.$metrics` in a handler
  graph, where `client` is a Prisma client as `lintkit.analysis.clients` knows one: a value built
  by `new PrismaClient()` (also through local modules and global caches), or `this` inside a class
  that extends `PrismaClient` (a NestJS `PrismaService`). The same call on anything else, or on a
  value lintkit cannot follow (a parameter), is not a use.
- `removed_environment_variables()`: the Prisma variables v7 no longer reads
  (`lintkit/data/prisma7_removed.json`, from the upgrade guide).
"""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from ..model.fieldclasses import fieldclass
from ..read.handlers import enclosing_class
from ..read.sources import SourceFile, unwrap
from .clients import PRISMA_CLIENT, superclass

REMOVED_MEMBERS = ("$use", "$metrics")


@lru_cache(maxsize=1)
def removed_environment_variables() -> tuple[str, ...]:
    table = json.loads(resources.files("lintkit.data").joinpath("prisma7_removed.json").read_text())
    return tuple(table["environment_variables"])


@fieldclass(frozen=True, eq=False)
class RemovedApiUse:
    file: SourceFile
    node: object  # the member expression `prisma.$use`
    member: str  # "$use" | "$metrics"

    @property
    def span(self):
        return self.file.span(self.node)

    @property
    def text(self) -> str:
        return self.file.node_text(self.node)


def removed_api_uses(clients) -> list[RemovedApiUse]:
    """The `$use`/`$metrics` members read on a Prisma client in the analysis's handler graph."""
    found = []
    for file in clients.graph.files:
        if not any(member.encode() in file.text for member in REMOVED_MEMBERS):
            continue
        for node in file.nodes_of({"member_expression"}):
            member = file.node_text(node.child_by_field_name("property"))
            if member in REMOVED_MEMBERS and _is_prisma_client(clients, file, node):
                found.append(RemovedApiUse(file, node, member))
    return found


def _is_prisma_client(clients, file: SourceFile, member) -> bool:
    owner = unwrap(member.child_by_field_name("object"))
    if owner is None:
        return False
    if owner.type == "this":
        return _extends_prisma_client(clients, file, owner)
    value = clients.client_value(file, owner)
    return value is not None and value.kind == "prisma"


def _extends_prisma_client(clients, file: SourceFile, this) -> bool:
    cls = enclosing_class(this, file)
    parent = superclass(cls) if cls is not None else None
    origin = clients.origin(file, parent, parent) if parent is not None else None
    return origin == (PRISMA_CLIENT, "PrismaClient")

"""lintkit.analysis.adapterpools: the adapter options that replace Prisma's URL parameters, and which
pools connect without a bound (POOL007, POOL008)."""
from pathlib import Path
from textwrap import dedent

import pytest

from lintkit.analysis.adapterpools import (AdapterOption, adapter_for, adapter_option, adapter_table,
                                           unbounded_connect_option, url_parameters_ignored)
from lintkit.analysis.pooling import adapter_pool_constructions, pool_constructions
from lintkit.formats import load_service

SLS = "service: app\nprovider: {name: aws, runtime: nodejs22.x}\nfunctions:\n  users: {handler: src/users.handler}\n"
SCHEMA_7 = 'generator client {\n  provider = "prisma-client"\n  output = "../src/generated/prisma"\n}\n' \
           'datasource db {\n  provider = "postgresql"\n}\n'


def service(root: Path, handler: str, client: str = "^7.0.0", schema: str = SCHEMA_7):
    files = {"serverless.yml": SLS, "prisma/schema.prisma": schema, "src/users.ts": handler,
             "package.json": f'{{"dependencies": {{"@prisma/client": "{client}"}}}}'}
    for name, body in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(dedent(body))
    return load_service(root / "serverless.yml", root)


def constructions(svc, scan=adapter_pool_constructions):
    return [pool for function in svc.functions for pool in scan(svc.graph(function))]


@pytest.mark.parametrize("option, value, expected", [
    (AdapterOption("max", "count", "10"), "1", "`max: 1`"),
    (AdapterOption("connectionTimeoutMillis", "ms", "0"), "5", "`connectionTimeoutMillis: 5000`"),
    (AdapterOption("idleTimeout", "s", "1800 s"), "300", "`idleTimeout: 300`"),
    (AdapterOption("max", "count", "10"), "${LIMIT}", "`max`"),  # not a number: name the option only
])
def test_assignment_converts_prisma_seconds(option, value, expected):
    assert option.assignment(value) == expected


def test_every_adapter_option_has_a_unit_and_default():
    for adapter in adapter_table()["adapters"].values():
        for parameter, row in adapter["options"].items():
            assert parameter in adapter_table()["url_parameters"]
            assert row["unit"] in ("count", "ms", "s") and row["default"]


def test_adapter_option_per_adapter():
    assert adapter_option("@prisma/adapter-pg", "connection_limit").option == "max"
    assert adapter_option("@prisma/adapter-mariadb", "pool_timeout").option == "acquireTimeout"
    assert adapter_option("@prisma/adapter-mssql", "connection_limit").option == "pool.max"
    assert adapter_option("@prisma/adapter-pg", "pgbouncer") is None
    assert adapter_option("@prisma/adapter-neon", "connection_limit") is None


def test_nested_option_and_bounded_defaults(tmp_path):
    svc = service(tmp_path, """
        import { PrismaMssql } from '@prisma/adapter-mssql'
        import { PrismaPg } from '@prisma/adapter-pg'
        export const a = new PrismaMssql({ server: 'db', pool: { max: 1 } })
        export const b = new PrismaPg({ connectionString: process.env.DATABASE_URL })
        export const handler = async () => 1
    """)
    mssql, pg = constructions(svc)
    assert mssql.option("pool.max") is not None and mssql.option("pool.idleTimeoutMillis") is None
    assert mssql.limit is not None  # its size key is nested
    assert unbounded_connect_option(mssql) is None  # mssql connects within 15 s by default
    assert unbounded_connect_option(pg) == "connectionTimeoutMillis"
    assert [pool.client for pool in constructions(svc, pool_constructions)] == ["`PrismaPg` adapter"]


def test_adapter_for_prefers_the_imported_adapter(tmp_path):
    svc = service(tmp_path, """
        import { PrismaNeon } from '@prisma/adapter-neon'
        export const handler = async () => new PrismaNeon({ connectionString: process.env.DATABASE_URL })
    """)
    assert adapter_for(svc, "postgresql") == ("@prisma/adapter-neon", True)


def test_adapter_guessed_from_family_when_the_code_shows_none(tmp_path):
    svc = service(tmp_path, "export const handler = async () => 1\n")
    assert adapter_for(svc, "mysql") == ("@prisma/adapter-mariadb", False)
    assert url_parameters_ignored(svc) == "Prisma 7"


@pytest.mark.parametrize("client, generator, handler, expected", [
    ("^6.10.0", 'provider = "prisma-client-js"', "import { PrismaClient } from '@prisma/client'\n", None),
    ("^6.10.0", 'provider = "prisma-client-js"\n  previewFeatures = ["driverAdapters"]',
     "import { PrismaClient } from '@prisma/client'\nimport { PrismaPg } from '@prisma/adapter-pg'\n",
     "the `driverAdapters` preview feature"),
    ("^6.16.0", 'provider = "prisma-client-js"\n  engineType = "client"',
     "import { PrismaClient } from '@prisma/client'\n", '`engineType = "client"`'),
])
def test_url_parameters_ignored_follows_the_engine(tmp_path, client, generator, handler, expected):
    schema = f'generator client {{\n  {generator}\n}}\ndatasource db {{\n  provider = "postgresql"\n' \
             '  url = env("DATABASE_URL")\n}\n'
    svc = service(tmp_path, handler + "export const handler = async () => PrismaClient\n", client, schema)
    assert url_parameters_ignored(svc) == expected


def test_pool_size_alias_counts_as_the_limit(tmp_path):
    svc = service(tmp_path, """
        import { PrismaPg } from '@prisma/adapter-pg'
        export const a = new PrismaPg({ connectionString: process.env.DATABASE_URL, poolSize: 1 })
        export const handler = async () => 1
    """)
    pool, = constructions(svc, pool_constructions)
    assert pool.limit is not None and pool.limit_value == 1

"""lintkit.analysis.pooling: where database URLs are found, pools built in code, migrations, env suppliers."""
from pathlib import Path
from textwrap import dedent

import pytest

from lintkit.model.nodes import Span, Unknown
from lintkit.analysis.pooling import (_unknown_locator, code_supplies_env, database_urls,
                             function_database_urls, migration_runs, plugin_supplies_env,
                             pool_constructions, reads_env_without_fallback, rust_engine_pool)
from lintkit.formats import load_service
from lintkit.model.service import Service

PRISMA_HANDLER = "import { PrismaClient } from '@prisma/client'\nexport const handler = () => new PrismaClient()\n"


def make_service(root: Path, files: dict[str, str]) -> Service:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(content))
    return load_service(root / "serverless.yml", root)


def serverless(environment: str = "", extra: str = "") -> str:
    return ("service: app\nprovider:\n  name: aws\n  runtime: nodejs22.x\n"
            + (f"  environment:\n{environment}" if environment else "")
            + "functions:\n  users:\n    handler: src/users.handler\n" + extra)


def spans(sites):
    return [(s.origin, s.span.line, s.span.column) for s in sites]


# -- URL sites ---------------------------------------------------------------------------------
def test_env_value_fed_by_custom_is_reported_once_at_the_custom_value(tmp_path):
    service = make_service(tmp_path, {
        "serverless.yml": serverless("    DATABASE_URL: ${self:custom.url}\n",
                                     "custom:\n  url: postgresql://app@db.example.com/app\n"),
    })
    sites = database_urls(service)
    assert spans(sites) == [("serverless.yml", 11, 8)]
    assert sites[0].name == "DATABASE_URL"


def test_every_stage_of_a_custom_map_is_read(tmp_path):
    service = make_service(tmp_path, {"serverless.yml": serverless(extra=dedent("""\
        custom:
          url:
            dev: postgresql://app@dev.example.com/app
            prod: postgresql://app@prod.example.com/app
        """))})
    assert [s.url.host for s in database_urls(service)] == ["dev.example.com", "prod.example.com"]


def test_partly_unknown_url_keeps_its_literal_host_and_exact_columns(tmp_path):
    service = make_service(tmp_path, {
        "serverless.yml": serverless('    DATABASE_URL: "postgresql://u:${ssm:/pw}@h.example.com/db?x=1"\n'),
    })
    (site,) = database_urls(service)
    assert site.host_known and site.tail_known
    assert site.span_of(site.url.query_span) == Span(tmp_path / "serverless.yml", 6, 63, 6, 66)


def test_unknown_locator_falls_back_to_the_whole_value_when_widths_differ():
    span = Span(Path("s.yml"), 3, 5, 3, 20)
    node = Unknown("postgresql://x", frozenset({"ssm"}), span)
    assert _unknown_locator(node)(0, 3) == span


@pytest.mark.parametrize("code, built", [
    ("const u = 'postgresql://app@db.example.com/app'", False),
    ("const u = `postgresql://app@${host}/app`", True),
    ("const u = 'postgresql://app@db.example.com/app' + params", True),
    ("const u = new URL('postgresql://app@db.example.com/app')", True),
])
def test_source_literals_built_at_run_time(tmp_path, code, built):
    service = make_service(tmp_path, {"serverless.yml": serverless(), "src/users.ts":
                                      code + "\nexport const handler = () => u\n"})
    (site,) = database_urls(service)
    assert site.origin == "source" and site.runtime_built is built


def test_direct_urls_are_told_apart_by_name(tmp_path):
    service = make_service(tmp_path, {
        "serverless.yml": serverless("    DIRECT_URL: postgresql://a@h.example.com/d\n"
                                     "    POSTGRES_URL_NON_POOLING: postgresql://a@h.example.com/e\n"
                                     "    DATABASE_URL: postgresql://a@h.example.com/f\n"),
    })
    assert [s.is_direct for s in database_urls(service)] == [True, True, False]


def test_function_url_falls_back_to_the_schema_literal(tmp_path):
    service = make_service(tmp_path, {
        "serverless.yml": serverless(),
        "prisma/schema.prisma": 'datasource db {\n  provider = "postgresql"\n  url = "postgresql://a@h.example.com/d"\n}\n',
        ".env": "DATABASE_URL=postgresql://a@other.example.com/d\n",
    })
    (site,) = function_database_urls(service, service.functions[0])
    assert site.origin == "schema.prisma"


def test_deploy_time_function_url_is_unknown(tmp_path):
    service = make_service(tmp_path, {"serverless.yml": serverless("    DATABASE_URL: ${ssm:/url}\n")})
    assert function_database_urls(service, service.functions[0]) is None


# -- Prisma engine ---------------------------------------------------------------------------------
@pytest.mark.parametrize("package, generator, expected", [
    ('{"dependencies": {"@prisma/client": "^6.1.0"}}', 'provider = "prisma-client-js"', True),
    ('{"dependencies": {"@prisma/client": "^7.0.0"}}', 'provider = "prisma-client-js"', False),
    ('{"dependencies": {"@prisma/client": "^6.16.0"}}', 'provider = "prisma-client-js"\n  engineType = "client"', False),
    ('{"dependencies": {"@prisma/client": "^6.16.0"}}', 'provider = "prisma-client"', True),
    ('{"dependencies": {"@prisma/client": "^6.10.0"}}', 'previewFeatures = ["queryCompiler"]', False),
])
def test_rust_engine_pool(tmp_path, package, generator, expected):
    service = make_service(tmp_path, {
        "serverless.yml": serverless(), "package.json": package,
        "prisma/schema.prisma": f"generator client {{\n  {generator}\n}}\n",
    })
    assert rust_engine_pool(service) is expected


def test_no_prisma_anywhere_means_no_engine_pool(tmp_path):
    service = make_service(tmp_path, {"serverless.yml": serverless(),
                                      "package.json": '{"dependencies": {"pg": "^8.0.0"}}'})
    assert not rust_engine_pool(service)


# -- pools in code -----------------------------------------------------------------------------------
@pytest.mark.parametrize("code, limit", [
    ("import { Pool } from 'pg'\nconst p = new Pool({ max: 2 })", "2"),
    ("import pg from 'pg'\nconst p = new pg.Pool({ host: 'x' })", None),
    ("import pg from 'pg'\nconst { Pool } = pg\nconst p = new Pool()", None),
    ("const { Pool: PgPool } = require('pg')\nconst p = new PgPool({ max })", "max"),
    ("import * as mysql from 'mysql2/promise'\nconst p = mysql.createPool({ connectionLimit: 1 })", "1"),
    ("import { PrismaPg } from '@prisma/adapter-pg'\nconst p = new PrismaPg({ connectionString: u })", None),
])
def test_pool_constructions(tmp_path, code, limit):
    service = make_service(tmp_path, {"serverless.yml": serverless(),
                                      "src/users.ts": code + "\nexport const handler = () => p\n"})
    graph = service.graph(service.functions[0])
    (pool,) = pool_constructions(graph)
    found = graph.entry.node_text(pool.limit) if pool.limit is not None else None
    assert found == limit


@pytest.mark.parametrize("code", [
    "import { Pool } from '@neondatabase/serverless'\nconst p = new Pool({})",
    "import { Pool } from 'pg'\nimport { config } from './config'\nconst p = new Pool(config)",
    "import { Pool } from 'pg'\nconst p = new Pool({ ...base })",
    "import { PrismaPg } from '@prisma/adapter-pg'\nconst p = new PrismaPg(pool)",
])
def test_pools_lintkit_cannot_judge_are_skipped(tmp_path, code):
    service = make_service(tmp_path, {"serverless.yml": serverless(),
                                      "src/users.ts": code + "\nexport const handler = () => p\n"})
    assert pool_constructions(service.graph(service.functions[0])) == []


# -- migrations --------------------------------------------------------------------------------------
def test_migrations_from_exec_and_package_scripts(tmp_path):
    service = make_service(tmp_path, {
        "serverless.yml": serverless(),
        "src/users.ts": "import { execSync } from 'child_process'\n"
                        "export const handler = () => execSync('npx prisma migrate deploy')\n",
        "package.json": '{"scripts": {"deploy": "prisma migrate deploy && sls deploy",'
                        ' "dev": "prisma migrate dev"}}',
    })
    runs = migration_runs(service)
    assert [run.description for run in runs] == ["the `users` function", "the package.json script `deploy`"]


# -- what supplies DATABASE_URL ------------------------------------------------------------------------
@pytest.mark.parametrize("extra, files, supplied", [
    ("plugins:\n  - serverless-doppler\n", {}, True),
    ("plugins:\n  - serverless-dotenv-plugin\n", {}, True),  # .env written at deploy time
    ("plugins:\n  - serverless-dotenv-plugin\n", {".env": "OTHER=1\n"}, False),
    ("plugins:\n  - serverless-dotenv-plugin\ncustom:\n  dotenv:\n    include: [OTHER]\n",
     {".env": "DATABASE_URL=x\n"}, False),
    ("useDotenv: true\n", {".env": "DATABASE_URL=x\n"}, True),
    ("useDotenv: true\n", {}, False),
])
def test_plugin_supplies_env(tmp_path, extra, files, supplied):
    service = make_service(tmp_path, {"serverless.yml": serverless(extra=extra), **files})
    assert bool(plugin_supplies_env(service, "DATABASE_URL")) is supplied


@pytest.mark.parametrize("code, reads", [
    ("const u = process.env.DATABASE_URL", True),
    ("const u = process.env['DATABASE_URL']!", True),
    ("const { DATABASE_URL } = process.env", True),
    ("const u = process.env.DATABASE_URL ?? 'postgresql://localhost/dev'", False),
    ("const u = (process.env.DATABASE_URL) || build()", False),
    ("const u = process.env.OTHER_URL", False),
])
def test_reads_env_without_fallback(tmp_path, code, reads):
    service = make_service(tmp_path, {"serverless.yml": serverless(),
                                      "src/users.ts": code + "\nexport const handler = () => u\n"})
    assert reads_env_without_fallback(service.graph(service.functions[0]), "DATABASE_URL") is reads


@pytest.mark.parametrize("code, supplied", [
    ("import 'dotenv/config'", True),
    ("require('dotenv').config()", True),
    ("import { SSMClient } from '@aws-sdk/client-ssm'", True),
    ("import AWS from 'aws-sdk'\nconst sm = new AWS.SecretsManager()", True),
    ("import AWS from 'aws-sdk'\nconst s3 = new AWS.S3()", False),
    ("process.env.DATABASE_URL = build()", True),
    ("Object.assign(process.env, loaded)", True),
    ("process.env.OTHER = build()", False),
])
def test_code_supplies_env(tmp_path, code, supplied):
    service = make_service(tmp_path, {"serverless.yml": serverless(),
                                      "src/users.ts": code + "\n" + PRISMA_HANDLER})
    assert bool(code_supplies_env(service.graph(service.functions[0]), "DATABASE_URL")) is supplied

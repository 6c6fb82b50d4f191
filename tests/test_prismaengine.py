"""Which engine a Prisma service runs (lintkit.analysis.prismaengine): the one answer the engine,
binary-target, pool and client-option rules share."""
import textwrap

import pytest

from lintkit.analysis.prismaengine import prisma_engine
from lintkit.formats import load_service

SLS = """
service: app
provider: {name: aws, runtime: nodejs20.x}
functions:
  users: {handler: src/users.handler}
"""
PLAIN_HANDLER = "import { PrismaClient } from '@prisma/client'\nconst prisma = new PrismaClient()\n" \
                "export const handler = async () => prisma.user.findMany()\n"
ADAPTER_HANDLER = "import { PrismaClient } from '@prisma/client'\nimport { PrismaPg } from '@prisma/adapter-pg'\n" \
                  "const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL }) })\n" \
                  "export const handler = async () => prisma.user.findMany()\n"


def service_with(tmp_path, client, generator, datasource='provider = "postgresql"\n  url = env("DATABASE_URL")',
                 handler=PLAIN_HANDLER, extra_dependencies=""):
    files = {
        "serverless.yml": SLS,
        "package.json": f'{{"dependencies": {{"@prisma/client": "{client}"{extra_dependencies}}}}}',
        "prisma/schema.prisma": f"generator client {{\n  {generator}\n}}\ndatasource db {{\n  {datasource}\n}}\n",
        "src/users.ts": handler,
    }
    for name, body in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(body).lstrip())
    return load_service(tmp_path / "serverless.yml", tmp_path)


@pytest.mark.parametrize("client, generator, reason", [
    ("^5.22.0", 'provider = "prisma-client-js"', None),
    ("^6.10.0", 'provider = "prisma-client"\n  output = "../src/generated"', None),
    ("^6.10.0", 'provider = "prisma-client-js"\n  previewFeatures = ["driverAdapters"]', None),
    ("^6.16.0", 'provider = "prisma-client"\n  engineType = "client"', '`engineType = "client"`'),
    ("^6.10.0", 'provider = "prisma-client-js"\n  previewFeatures = ["queryCompiler", "driverAdapters"]',
     "the `queryCompiler` preview feature"),
    ("^7.0.0", 'provider = "prisma-client"\n  output = "../src/generated"', "Prisma 7"),
])
def test_the_rust_engine_goes_only_where_prisma_says(tmp_path, client, generator, reason):
    engine = prisma_engine(service_with(tmp_path, client, generator))
    assert engine.no_rust_reason == reason
    assert engine.adapter_required is (reason is not None)


def test_a_datasource_without_url_is_prisma_7_when_the_version_is_unknown(tmp_path):
    engine = prisma_engine(service_with(tmp_path, "latest", 'provider = "prisma-client"',
                                        datasource='provider = "postgresql"'))
    assert engine.rust_free and engine.adapter_required
    known = prisma_engine(service_with(tmp_path / "six", "^6.10.0", 'provider = "prisma-client"',
                                       datasource='provider = "postgresql"'))
    assert not known.rust_free  # the version says 6: the schema is broken, not Prisma 7


def test_an_adapter_in_the_code_pools_even_with_the_rust_engine(tmp_path):
    engine = prisma_engine(service_with(tmp_path, "^6.10.0", 'provider = "prisma-client-js"\n'
                                        '  previewFeatures = ["driverAdapters"]', handler=ADAPTER_HANDLER))
    assert not engine.rust_free and not engine.adapter_required
    assert engine.pools_in_adapter
    assert not prisma_engine(service_with(tmp_path / "plain", "^6.10.0", 'provider = "prisma-client-js"')
                             ).pools_in_adapter


def test_accelerate_needs_no_adapter(tmp_path):
    engine = prisma_engine(service_with(tmp_path, "^7.0.0", 'provider = "prisma-client"',
                                        extra_dependencies=', "@prisma/extension-accelerate": "^2.0.0"'))
    assert engine.rust_free and not engine.adapter_required

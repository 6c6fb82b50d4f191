from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lintkit.model.nodes import Span
from lintkit.read.files import confined_to
from lintkit.read.prisma_config import (
    find_prisma_config,
    load_prisma_config,
    parse_prisma_config_text,
)
from lintkit.read.prisma_schema import find_prisma_schema
from lintkit.read.sources import SourceCache

P = Path("/project/prisma.config.ts")


def parse(text: str, path: Path = P):
    return parse_prisma_config_text(text, path)


def test_define_config_with_env_helper_and_dotenv():
    config = parse('''\
import "dotenv/config";
import { defineConfig, env } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "db/migrations", seed: "tsx prisma/seed.ts" },
  datasource: {
    url: env("DATABASE_URL"),
    shadowDatabaseUrl: env<Env>('SHADOW_DATABASE_URL'),
  },
});
''')
    assert config.export_found and config.loads_dotenv and config.error is None
    assert (config.schema.kind, config.schema.text) == ("literal", "prisma/schema.prisma")
    assert config.migrations_path.text == "db/migrations"
    assert config.migrations_seed.text == "tsx prisma/seed.ts"
    assert (config.url.kind, config.url.env_name, config.url.fallback) == ("env", "DATABASE_URL", False)
    assert config.url.key_span == Span(P, 8, 5, 8, 8)
    assert config.url.span == Span(P, 8, 14, 8, 28)  # the argument naming the variable
    assert config.shadow_database_url.env_name == "SHADOW_DATABASE_URL"
    assert config.direct_url is None
    assert config.schema_path() == Path("/project/prisma/schema.prisma")
    assert config.migrations_folder() == Path("/project/db/migrations")


def test_satisfies_prisma_config_with_process_env_fallback_and_path_join():
    config = parse('''\
import type { PrismaConfig } from "prisma";
import path from "node:path";

export default {
  schema: path.join("db", "schema.prisma"),
  datasource: { url: process.env.DB_URL ?? '', directUrl: process.env["DIRECT_URL"]! },
} satisfies PrismaConfig;
''')
    assert not config.loads_dotenv
    assert config.schema.text == "db/schema.prisma"
    assert (config.url.kind, config.url.env_name, config.url.fallback) == ("env", "DB_URL", True)
    assert (config.direct_url.kind, config.direct_url.env_name) == ("env", "DIRECT_URL")


def test_export_default_of_a_const_and_a_literal_url_through_a_const():
    config = parse('''\
import { defineConfig } from "prisma/config";
const url = "postgresql://app:s3cret-pw@db.example.com:5432/app";
const config = defineConfig({ datasource: { url } });
export default config;
''')
    assert config.url.kind == "literal"
    assert config.url.text == "postgresql://app:s3cret-pw@db.example.com:5432/app"
    start = config.url.text.index("s3cret-pw")
    assert config.url.string_span(start, start + 9) == Span(P, 2, 31, 2, 40)


def test_plain_object_export_and_commonjs():
    assert parse('export default { schema: "a.prisma" }').schema.text == "a.prisma"
    config = parse('''\
require('dotenv').config();
module.exports = { datasource: { url: process.env.DATABASE_URL } };
''', Path("/project/prisma.config.cjs"))
    assert config.loads_dotenv and config.url.env_name == "DATABASE_URL"


@pytest.mark.parametrize("loader", [
    "import { config } from 'dotenv'; config();",
    "import dotenv from 'dotenv'; dotenv.config({ path: '.env.local' });",
    "import 'dotenv/config';",
])
def test_dotenv_loaders(loader):
    assert parse(loader + "\nexport default {}").loads_dotenv


def test_dotenv_type_import_or_unrelated_config_call_is_not_loading():
    assert not parse("import type { DotenvConfigOptions } from 'dotenv';\nexport default {}").loads_dotenv
    assert not parse("const config = () => 1; config();\nexport default {}").loads_dotenv


def test_urls_built_at_run_time_are_unknown():
    config = parse('''\
import { defineConfig, env } from "prisma/config";
export default defineConfig({
  datasource: {
    url: `postgresql://${process.env.USER}:${process.env.PW}@db/app`,
    directUrl: buildUrl(),
    shadowDatabaseUrl: env(name),
  },
});
''')
    assert config.url.kind == "unknown" and config.url.text is None
    assert config.direct_url.kind == "unknown"
    assert config.shadow_database_url.kind == "unknown"


def test_template_without_substitution_is_a_literal():
    config = parse("export default { datasource: { url: `postgresql://u:p@h/db` } }")
    assert (config.url.kind, config.url.text) == ("literal", "postgresql://u:p@h/db")


def test_env_not_from_prisma_config_is_unknown():
    config = parse("const env = (n) => n;\nexport default { datasource: { url: env('X') } }")
    assert config.url.kind == "unknown"


def test_datasource_built_elsewhere_or_spread_is_unknown_not_absent():
    config = parse("export default { datasource: makeDatasource() }")
    assert config.url is not None and config.url.kind == "unknown"
    config = parse("const base = {};\nexport default { ...base, schema: 'x.prisma' }")
    assert config.url.kind == "unknown" and config.schema.text == "x.prisma"


def test_no_default_export():
    config = parse("import { defineConfig } from 'prisma/config';\nconst c = defineConfig({});")
    assert not config.export_found and config.url is None and config.error is None


def test_syntax_error_is_reported_and_the_rest_still_read():
    config = parse('''\
import { defineConfig, env } from "prisma/config";
export default defineConfig({
  datasource: { url: env("DATABASE_URL") },
  schema: "prisma/schema.prisma" +,
});
''')
    assert config.error == "syntax error"
    assert config.error_span is not None and config.error_span.line == 4
    assert config.url.env_name == "DATABASE_URL"


@pytest.mark.parametrize("name", ["prisma.config.mts", "prisma.config.js", "prisma.config.mjs",
                                  ".config/prisma.ts"])
def test_other_names_prisma_loads(tmp_path, name):
    path = tmp_path / name
    path.parent.mkdir(exist_ok=True)
    path.write_text("export default { datasource: { url: process.env.DB } }")
    with confined_to(tmp_path):
        assert find_prisma_config(tmp_path) == path
        config = load_prisma_config(SourceCache(), tmp_path)
    assert config.url.env_name == "DB"


def test_js_is_tried_before_ts_and_the_root_before_dot_config(tmp_path):
    (tmp_path / ".config").mkdir()
    for name in ("prisma.config.ts", "prisma.config.js", ".config/prisma.ts"):
        (tmp_path / name).write_text("export default {}")
    with confined_to(tmp_path):
        assert find_prisma_config(tmp_path) == tmp_path / "prisma.config.js"
        assert find_prisma_config(tmp_path / "missing", tmp_path) == tmp_path / "prisma.config.js"


def test_no_config(tmp_path):
    with confined_to(tmp_path):
        assert load_prisma_config(SourceCache(), tmp_path) is None


def test_schema_named_by_the_config_wins_relative_to_the_config(tmp_path):
    (tmp_path / "prisma").mkdir()
    (tmp_path / "prisma" / "schema.prisma").write_text("")
    (tmp_path / ".config").mkdir()
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "schema").mkdir()
    (tmp_path / "db" / "schema" / "main.prisma").write_text("")
    (tmp_path / ".config" / "prisma.ts").write_text('export default { schema: "../db/schema" }')
    with confined_to(tmp_path):
        config = load_prisma_config(SourceCache(), tmp_path)
        assert find_prisma_schema(tmp_path, None, config).resolve() == (tmp_path / "db" / "schema").resolve()


def test_schema_outside_the_project_is_refused(tmp_path):
    project = tmp_path / "project"
    (project / "prisma").mkdir(parents=True)
    (project / "prisma" / "schema.prisma").write_text("")
    (tmp_path / "outside.prisma").write_text("")
    (project / "prisma.config.ts").write_text('export default { schema: "../outside.prisma" }')
    with confined_to(project) as confinement:
        config = load_prisma_config(SourceCache(), project)
        assert find_prisma_schema(project, None, config) == project / "prisma" / "schema.prisma"
    assert any(path.name == "outside.prisma" for path in confinement.refused)


def test_config_linking_outside_the_project_is_not_read(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    secret = tmp_path / "secret.ts"
    secret.write_text("export default { datasource: { url: 'postgresql://u:pw@h/db' } }")
    (project / "prisma.config.ts").symlink_to(secret)
    with confined_to(project) as confinement:
        config = load_prisma_config(SourceCache(), project)
    assert config.url is None and config.error
    assert project / "prisma.config.ts" in confinement.refused


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_never_raises(text):
    parse(text)
    parse("export default defineConfig({ datasource: { url: " + text + " } })")


# -- the service: the config is asked first, as the Prisma CLI does -----------------------------
def _service(tmp_path: Path, files: dict[str, str]):
    from lintkit.formats import load_service

    (tmp_path / "serverless.yml").write_text("service: app\nprovider:\n  name: aws\n")
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return load_service(tmp_path / "serverless.yml", tmp_path)


SCHEMA_ENV = 'datasource db {\n  provider = "postgresql"\n  url      = env("SCHEMA_URL")\n}\n'


def test_database_url_is_asked_of_the_config_first(tmp_path):
    from lintkit.analysis.facts import database_env_var, database_url_declaration

    service = _service(tmp_path, {
        "prisma/schema.prisma": SCHEMA_ENV,
        ".config/prisma.ts": "import { env } from 'prisma/config'\n"
                             "export default { datasource: { url: env('CONFIG_URL') } }\n",
    })
    assert database_env_var(service) == "CONFIG_URL"
    declared = database_url_declaration(service)
    assert (declared.origin, declared.kind, declared.env_var) == (".config/prisma.ts", "env", "CONFIG_URL")
    assert declared.place == "`datasource.url` in .config/prisma.ts:2"


def test_schema_url_when_the_config_has_no_datasource(tmp_path):
    from lintkit.analysis.facts import database_env_var, database_url_declaration

    service = _service(tmp_path, {"prisma/schema.prisma": SCHEMA_ENV,
                                  "prisma.config.ts": "export default { schema: 'prisma/schema.prisma' }\n"})
    assert database_env_var(service) == "SCHEMA_URL"
    declared = database_url_declaration(service)
    assert (declared.origin, declared.kind, declared.key_span.line) == ("schema.prisma", "env", 3)


def test_literal_config_url_keeps_the_schema_variable_for_the_client(tmp_path):
    from lintkit.analysis.facts import database_env_var, database_url_declaration

    service = _service(tmp_path, {
        "prisma/schema.prisma": SCHEMA_ENV,
        "prisma.config.ts": "export default { datasource: { url: 'postgresql://localhost/app' } }\n",
    })
    assert database_env_var(service) == "SCHEMA_URL"
    assert database_url_declaration(service).kind == "literal"


def test_a_fallback_to_another_variable_is_unknown():
    config = parse("export default { datasource: { url: process.env.DIRECT_URL ?? "
                   "process.env.DATABASE_URL ?? '' } }")
    assert config.url.kind == "unknown"
    config = parse("export default { datasource: { url: process.env.DIRECT_URL || 'a' || \"\" } }")
    assert (config.url.kind, config.url.env_name) == ("env", "DIRECT_URL")


def test_deeply_nested_fallbacks_do_not_recurse():
    config = parse("export default { datasource: { url: process.env.X" + " ?? ''" * 3000 + " } }")
    assert config.url.env_name == "X"

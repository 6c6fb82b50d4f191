from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from lintkit.model.nodes import Span
from lintkit.read.packagejson import parse_package_json
from lintkit.read.prisma_schema import (
    EnvRef,
    find_prisma_schema,
    load_prisma_schema,
    parse_prisma_folder,
    parse_prisma_schema,
)

P = Path("schema.prisma")

SCHEMA = '''\
// This is your Prisma schema file
/// doc comment { with a brace
generator client {
  provider      = "prisma-client-js" // trailing comment
  binaryTargets = [
    "native", // the developer's machine
    "rhel-openssl-3.0.x"
  ]
  previewFeatures = ["driverAdapters", "metrics"]
  engineType    = "library"
  output        = "../generated/client"
}

/* a block comment
   model Fake { }
*/
model User {
  id    Int     @id @default(autoincrement())
  name  String  @default("}{ not a brace")
  /// }
  posts Post[]
}

enum Role {
  USER
  ADMIN
}

datasource db {
  provider  = "postgresql"
  url       = env("DATABASE_URL")
  directUrl = "postgresql://admin:hunter2@db.example.com:5432/app"
}
'''


def at(line, column, end_line, end_column, path=P):
    return Span(path, line, column, end_line, end_column)


def test_blocks_fields_and_positions():
    schema = parse_prisma_schema(P, SCHEMA)
    assert schema.error is None and schema.paths == [P]
    [generator] = schema.generators
    [datasource] = schema.datasources
    assert (generator.kind, generator.name, generator.span) == ("generator", "client", at(3, 11, 3, 17))
    assert (datasource.kind, datasource.name, datasource.span) == ("datasource", "db", at(29, 12, 29, 14))
    provider = generator.get("provider")
    assert provider.value == "prisma-client-js" and provider.raw == '"prisma-client-js"'
    assert provider.key_span == at(4, 3, 4, 11)
    assert provider.span == at(4, 19, 4, 37)
    assert generator.end_span == at(12, 1, 12, 2)


def test_multiline_array_items():
    targets = parse_prisma_schema(P, SCHEMA).binary_targets_field
    assert targets.value == ["native", "rhel-openssl-3.0.x"]
    assert targets.span == at(5, 19, 8, 4)
    assert targets.items == [("native", at(6, 5, 6, 13)), ("rhel-openssl-3.0.x", at(7, 5, 7, 25))]


def test_convenience_properties():
    schema = parse_prisma_schema(P, SCHEMA)
    assert schema.client_generator.name == "client"
    assert schema.client_provider == "prisma-client-js"
    assert schema.datasource.name == "db"
    assert schema.provider == "postgresql"
    assert schema.url.value == EnvRef("DATABASE_URL")
    assert schema.url.value.span == at(31, 19, 31, 33)
    assert schema.url_env_var == "DATABASE_URL"
    assert schema.direct_url.value.startswith("postgresql://admin:")
    assert schema.engine_type == "library"
    assert schema.binary_targets == ["native", "rhel-openssl-3.0.x"]
    assert schema.output == "../generated/client"
    assert schema.preview_features == ["driverAdapters", "metrics"]
    assert schema.uses_driver_adapters


def test_string_span_maps_offsets_inside_a_string():
    direct = parse_prisma_schema(P, SCHEMA).direct_url
    start = direct.value.index("hunter2")
    assert direct.string_span(start, start + 7) == at(32, 15 + 1 + start, 32, 15 + 1 + start + 7)


def test_models_and_enums_are_skipped():
    schema = parse_prisma_schema(P, SCHEMA)
    assert [b.name for b in schema.generators + schema.datasources] == ["client", "db"]


def test_prisma7_schema_without_url():
    text = '''generator client {
  provider = "prisma-client"
  output   = "../src/generated/prisma"
}

datasource db {
  provider = "postgresql"
}
'''
    schema = parse_prisma_schema(P, text)
    assert schema.client_provider == "prisma-client"
    assert schema.url is None and schema.url_env_var is None and schema.direct_url is None
    assert schema.binary_targets is None and schema.engine_type is None
    assert not schema.uses_driver_adapters


def test_client_generator_choice():
    text = '''generator erd { provider = "prisma-erd-generator" }
generator js {
  provider = "prisma-client-js"
}
'''
    assert parse_prisma_schema(P, text).client_generator.name == "js"
    only_named = 'generator client {\n  provider = env("GEN")\n}\n'
    schema = parse_prisma_schema(P, only_named)
    assert schema.client_generator.name == "client"
    assert schema.client_provider is None
    assert parse_prisma_schema(P, 'generator erd {\n provider = "x"\n}').client_generator is None


def test_one_line_block_and_env_binary_targets():
    text = 'generator client { provider = "prisma-client-js" binaryTargets = env("TARGETS") }\n'
    schema = parse_prisma_schema(P, text)
    assert schema.client_provider == "prisma-client-js"
    assert schema.binary_targets == EnvRef("TARGETS")


def test_values_of_other_kinds():
    text = '''datasource db {
  provider     = "mysql"
  relationMode = prisma
  extensions   = [pgcrypto, postgis(version: "2.1")]
  shadowDatabaseUrl = env( "SHADOW" )
  weird = "esc\\"aped \\\\ \\n"
  flag = true
  number = 42
  empty =
  call = foo("x")
}
'''
    ds = parse_prisma_schema(P, text).datasource
    assert ds.value("relationMode") == "prisma"
    assert ds.value("extensions") == ["pgcrypto", 'postgis(version: "2.1")']
    assert ds.value("shadowDatabaseUrl") == EnvRef("SHADOW")
    assert ds.value("weird") == 'esc"aped \\ \n'
    assert ds.value("flag") == "true" and ds.value("number") == "42"
    assert ds.value("empty") == "" and ds.value("call") == 'foo("x")'


def test_crlf_and_bom():
    text = '\ufeffdatasource db {\r\n  provider = "sqlite"\r\n  url = "file:./dev.db"\r\n}\r\n'
    schema = parse_prisma_schema(P, text)
    assert schema.provider == "sqlite"
    assert schema.url.value == "file:./dev.db"
    assert schema.datasource.span == at(1, 12, 1, 14)
    assert schema.url.span == at(3, 9, 3, 24)


def test_unterminated_input_gives_partial_results():
    schema = parse_prisma_schema(P, 'generator client {\n  provider = "prisma-client-js\n  binaryTargets = ["native",')
    assert schema.client_provider == "prisma-client-js"
    assert schema.binary_targets == ["native"]
    assert schema.generators[0].end_span is None
    assert parse_prisma_schema(P, "model User {\n  id Int\n").generators == []


def test_braces_in_strings_and_comments_do_not_end_a_model():
    text = '''model A {
  x String @default("}")
  // }
  /* } */
}
generator client {
  provider = "prisma-client-js"
}
'''
    assert parse_prisma_schema(P, text).client_provider == "prisma-client-js"


def test_read_errors(tmp_path):
    binary = tmp_path / "schema.prisma"
    binary.write_bytes(b"\x00\x01generator")
    schema = parse_prisma_schema(binary)
    assert schema.error and schema.generators == []
    assert parse_prisma_schema(tmp_path / "missing.prisma").error


# -- finding the schema ----------------------------------------------------------------------------
def write(path: Path, text: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_find_default_locations(tmp_path):
    assert find_prisma_schema(tmp_path, None) is None
    folder = tmp_path / "prisma" / "schema"
    write(folder / "models.prisma", "model A { id Int @id }")
    assert find_prisma_schema(tmp_path, None) == folder
    default = write(tmp_path / "prisma" / "schema.prisma")
    assert find_prisma_schema(tmp_path, None) == default
    root_schema = write(tmp_path / "schema.prisma")  # the CLI looks here before prisma/
    assert find_prisma_schema(tmp_path, None) == root_schema


def test_find_from_package_json_relative_to_it(tmp_path):
    service = tmp_path / "services" / "api"
    write(service / "prisma" / "schema.prisma")
    custom = write(tmp_path / "db" / "main.prisma")
    package = parse_package_json(write(tmp_path / "package.json", '{"prisma": {"schema": "db/main.prisma"}}'))
    assert find_prisma_schema(service, package) == custom
    missing = parse_package_json(write(tmp_path / "package.json", '{"prisma": {"schema": "nope.prisma"}}'))
    assert find_prisma_schema(service, missing) == service / "prisma" / "schema.prisma"


def test_multi_file_schema_merges_blocks(tmp_path):
    folder = tmp_path / "prisma" / "schema"
    write(folder / "schema.prisma", 'generator client {\n  provider = "prisma-client-js"\n}\n'
                                    'datasource db {\n  provider = "postgresql"\n  url = env("DB")\n}\n')
    write(folder / "models" / "user.prisma", "model User {\n  id Int @id\n}\n")
    write(folder / "extra.prisma", 'generator docs {\n  provider = "x"\n}\n')
    schema = parse_prisma_folder(folder)
    assert schema.path == folder
    assert [b.name for b in schema.generators] == ["docs", "client"]
    assert schema.generators[0].span.path == folder / "extra.prisma"
    assert schema.url_env_var == "DB" and schema.client_generator.name == "client"
    assert sorted(p.name for p in schema.paths) == ["extra.prisma", "schema.prisma", "user.prisma"]
    loaded = load_prisma_schema(tmp_path)
    assert loaded.url_env_var == "DB"


_PIECES = ['generator', 'datasource', 'model', ' ', '\n', '\r\n', '{', '}', '[', ']', '"', '\\', '=',
           ',', '//', '/*', '*/', 'env(', ')', 'client', 'provider', 'x', '\ufeff']


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=60).map("".join) | st.text(max_size=300))
def test_parser_never_raises_and_spans_are_inside(text):
    schema = parse_prisma_schema(P, text)
    body = text[1:] if text.startswith("\ufeff") else text
    lines = body.split("\n")

    def inside(span):
        assert 1 <= span.line <= span.end_line <= len(lines)
        assert 1 <= span.column <= len(lines[span.line - 1]) + 1
        assert 1 <= span.end_column <= len(lines[span.end_line - 1]) + 1

    for block in schema.generators + schema.datasources:
        inside(block.span)
        for found in block.fields.values():
            inside(found.span)
            inside(found.key_span)
            for _, span in found.items or []:
                inside(span)
    _ = (schema.client_generator, schema.provider, schema.url_env_var, schema.binary_targets,
         schema.uses_driver_adapters, schema.output, schema.engine_type)

"""Second schema.prisma files and what names them (lintkit.analysis.prismaschemas, CONFIG008)."""
import json
import textwrap

from lintkit.analysis.prismaschemas import unused_schemas
from lintkit.formats import load_service

SCHEMA = 'generator client {\n  provider = "prisma-client-js"\n}\n'


def service(tmp_path, files):
    files = {"serverless.yml": "service: app\nprovider: {name: aws}\nfunctions:\n  a: {handler: a.handler}\n",
             "a.js": "exports.handler = async () => 1\n", **files}
    for name, body in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(body))
    return load_service(tmp_path / "serverless.yml", tmp_path)


def names(tmp_path, found):
    return sorted(schema.path.relative_to(tmp_path).as_posix() for schema in found)


def test_a_path_that_only_ends_like_the_schema_does_not_name_it(tmp_path):
    scripts = {"scripts": {"gen": "prisma generate --schema packages/api/db/schema.prisma"}}
    found = unused_schemas(service(tmp_path, {"schema.prisma": SCHEMA, "db/schema.prisma": SCHEMA,
                                              "package.json": json.dumps(scripts)}))
    assert names(tmp_path, found) == ["db/schema.prisma"]


def test_the_schema_named_with_dot_slash_or_by_its_folder_is_used(tmp_path):
    for script in ("prisma generate --schema ./db/schema.prisma", "prisma migrate deploy --schema=db"):
        folder = tmp_path / str(abs(hash(script)))
        found = unused_schemas(service(folder, {"schema.prisma": SCHEMA, "db/schema.prisma": SCHEMA,
                                                "package.json": json.dumps({"scripts": {"x": script}})}))
        assert found == [], script


def test_deep_and_dependency_folders_are_not_searched(tmp_path):
    found = unused_schemas(service(tmp_path, {"schema.prisma": SCHEMA,
                                              "node_modules/pkg/schema.prisma": SCHEMA,
                                              "dist/schema.prisma": SCHEMA,
                                              "a/b/c/d/e/schema.prisma": SCHEMA}))
    assert found == []


def test_no_active_schema_means_nothing_to_compare(tmp_path):
    assert unused_schemas(service(tmp_path, {"db/schema.prisma": SCHEMA})) == []

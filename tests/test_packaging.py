"""lintkit.analysis.packaging: the Serverless pattern matcher, the Prisma tables and the engine facts."""
import re
import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lintkit.analysis.packaging import (
    engine_dir,
    engine_file,
    glob_matches,
    lambda_engine_targets,
    lambda_target,
    minimum_node,
    no_engine_reason,
    package_patterns,
    packaged,
    rust_engine,
    target_runtimes,
)
from lintkit.formats import load_service

ENGINE = "node_modules/.prisma/client/libquery_engine-rhel-openssl-3.0.x.so.node"


def make_service(tmp_path, serverless, files=None):
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "serverless.yml").write_text(textwrap.dedent(serverless).lstrip())
    for name, body in (files or {}).items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(body).lstrip())
    return load_service(tmp_path / "serverless.yml", tmp_path)


def package_json(client):
    return f'{{"dependencies": {{"@prisma/client": "{client}"}}}}'


# -- globs ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("pattern, path, expected", [
    ("node_modules/.prisma/client/libquery_engine-*", ENGINE, True),
    ("node_modules/.prisma/**", ENGINE, True),
    ("**/*.node", ENGINE, True),
    ("*.node", ENGINE, False),  # no basename matching: `*` stays in the top folder
    ("node_modules/.prisma", ENGINE, False),  # a folder name matches no file
    ("node_modules/**", ENGINE, True),
    ("**", ENGINE, True),
    ("./node_modules/.prisma/**", ENGINE, True),
    ("node_modules/{.prisma,@prisma}/**", ENGINE, True),
    ("node_modules/.prisma/client/libquery_engine-rhel-openssl-[13].0.x.so.node", ENGINE, True),
    ("node_modules/.prisma/client/libquery_engine-linux-arm64-*", ENGINE, False),
    ("node_modules/.prisma/client/query-engine-*", ENGINE, False),
    ("node_modules/**/libquery_engine-*", ENGINE, True),
    ("a/**/b", "a/b", True),
    ("a/**/b", "a/x/y/b", True),
    ("src/*.ts", "src/a/b.ts", False),
    ("src/?.ts", "src/a.ts", True),
    (".env*", ".env.production", True),
    ("node_modules/+(a|b)/**", "node_modules/a/x", False),  # extglobs are not supported
])
def test_glob_matches_like_micromatch(pattern, path, expected):
    assert glob_matches(pattern, path) is expected


SEGMENT = st.text(alphabet="abcXYZ019._-@", min_size=1, max_size=8).filter(lambda s: s not in (".", ".."))


@given(st.lists(SEGMENT, min_size=1, max_size=4))
def test_a_literal_path_matches_itself_and_its_folder_glob(segments):
    path = "/".join(segments)
    assert glob_matches(path, path)
    if len(segments) > 1:
        assert glob_matches(segments[0] + "/**", path)
        assert not glob_matches(segments[0] + "/*", path) or len(segments) == 2


# -- the tables -------------------------------------------------------------------------------------
def test_prisma_tables_come_from_data():
    assert minimum_node(5) == (16, 13) and minimum_node(6) == (18, 18) and minimum_node(7) == (20, 19)
    assert minimum_node(4) is None
    assert lambda_target("x86_64", 18) == "rhel-openssl-1.0.x"
    assert lambda_target("x86_64", 20) == "rhel-openssl-3.0.x"
    assert lambda_target("arm64", 16) == "linux-arm64-openssl-1.0.x"
    assert lambda_target("arm64", 24) == "linux-arm64-openssl-3.0.x"
    assert engine_file("library", "rhel-openssl-3.0.x") == "libquery_engine-rhel-openssl-3.0.x.so.node"
    assert engine_file("binary", "rhel-openssl-3.0.x") == "query-engine-rhel-openssl-3.0.x"
    assert target_runtimes("rhel-openssl-3.0.x") == "nodejs20.x and newer"
    assert target_runtimes("linux-arm64-openssl-1.0.x") == "nodejs18.x and older"


def test_function_targets_follow_runtime_and_architecture(tmp_path):
    service = make_service(tmp_path, """
        service: app
        provider:
          name: aws
          runtime: nodejs20.x
          architecture: arm64
        functions:
          a:
            handler: a.handler
          b:
            handler: b.handler
            runtime: nodejs18.x
            architecture: x86_64
          c:
            handler: c.handler
            runtime: ${opt:runtime}
          d:
            handler: d.handler
            runtime: python3.12
    """)
    targets = {function.name: lambda_engine_targets(function) for function in service.functions}
    assert targets == {
        "a": ("linux-arm64-openssl-3.0.x",),
        "b": ("rhel-openssl-1.0.x",),
        "c": ("linux-arm64-openssl-1.0.x", "linux-arm64-openssl-3.0.x"),
        "d": (),
    }


# -- patterns ---------------------------------------------------------------------------------------
def test_patterns_apply_in_serverless_order(tmp_path):
    service = make_service(tmp_path, """
        service: app
        provider:
          name: aws
        package:
          individually: true
          exclude:
            - node_modules/.prisma/**
            - '!node_modules/.prisma/client/libquery_engine-rhel-*'
          patterns:
            - '!node_modules/.prisma/client/libquery_engine-*'
        functions:
          users:
            handler: users.handler
            package:
              patterns:
                - node_modules/.prisma/client/libquery_engine-rhel-openssl-3.0.x.so.node
    """)
    entries = package_patterns(service, service.functions[0])
    assert [(entry.text, entry.removes) for entry in entries] == [
        ("node_modules/.prisma/**", True),
        ("!node_modules/.prisma/client/libquery_engine-rhel-*", False),
        ("!node_modules/.prisma/client/libquery_engine-*", True),
        ("node_modules/.prisma/client/libquery_engine-rhel-openssl-3.0.x.so.node", False),
    ]
    assert packaged(entries, ENGINE) == (True, entries[3])
    assert packaged(entries, ENGINE.replace("3.0.x", "1.0.x")) == (False, entries[2])
    assert packaged(entries, "src/users.js") == (True, None)


def test_function_patterns_need_individual_packaging(tmp_path):
    service = make_service(tmp_path, """
        service: app
        provider:
          name: aws
        functions:
          users:
            handler: users.handler
            package:
              patterns:
                - '!node_modules/**'
    """)
    assert package_patterns(service, service.functions[0]) == []


def test_variable_patterns_are_unknown(tmp_path):
    service = make_service(tmp_path, """
        service: app
        provider:
          name: aws
        package:
          patterns:
            - ${ssm:/app/pattern}
        functions:
          users:
            handler: users.handler
    """)
    assert package_patterns(service, service.functions[0]) is None


# -- the engine -------------------------------------------------------------------------------------
SLS = """
    service: app
    provider:
      name: aws
    functions:
      users:
        handler: users.handler
"""


@pytest.mark.parametrize("client, generator, expected", [
    ("^5.22.0", 'provider = "prisma-client-js"', "library"),
    ("^2.30.0", 'provider = "prisma-client-js"', "binary"),
    ("^5.22.0", 'provider = "prisma-client-js"\n  engineType = "binary"', "binary"),
    ("^6.16.0", 'provider = "prisma-client-js"\n  engineType = "client"', None),
    # Prisma 6's new generator still copies the Rust engine into its output folder
    ("^6.10.0", 'provider = "prisma-client"\n  output = "../src/generated"', "library"),
    ("^6.10.0", 'provider = "prisma-client"\n  previewFeatures = ["queryCompiler", "driverAdapters"]', None),
    ("^6.10.0", 'provider = "prisma-client-js"\n  previewFeatures = ["driverAdapters"]', "library"),
    ("^7.0.0", 'provider = "prisma-client-js"', None),
    ("latest", 'provider = "prisma-client-js"', None),  # unknown version, no evidence
    ("latest", 'provider = "prisma-client-js"\n  binaryTargets = ["native"]', "library"),
])
def test_rust_engine(tmp_path, client, generator, expected):
    service = make_service(tmp_path, SLS, {
        "package.json": package_json(client),
        "prisma/schema.prisma": f"generator client {{\n  {generator}\n}}\n",
    })
    assert rust_engine(service) == expected


def test_accelerate_builds_have_no_engine(tmp_path):
    service = make_service(tmp_path, SLS, {
        "package.json": '{"scripts": {"build": "prisma generate --no-engine && tsc"},'
                        ' "dependencies": {"@prisma/client": "^5.22.0"}}',
    })
    assert no_engine_reason(service) == "an Accelerate build without an engine"


def test_engine_dir_follows_the_generator_output(tmp_path):
    service = make_service(tmp_path, SLS, {
        "prisma/schema.prisma": 'generator client {\n  provider = "prisma-client-js"\n'
                                '  output = "../src/generated/client"\n}\n',
    })
    assert engine_dir(service) == "src/generated/client"
    outside = make_service(tmp_path / "svc", SLS, {
        "prisma/schema.prisma": 'generator client {\n  provider = "prisma-client-js"\n'
                                '  output = "../../../elsewhere"\n}\n',
    })
    assert engine_dir(outside) is None
    assert re.fullmatch(r"node_modules/\.prisma/client", engine_dir(make_service(tmp_path / "d", SLS)))


SCHEMA = ('generator client {\n  provider = "prisma-client-js"\n}\n'
          'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n')


def test_prisma_use_counts_code_lintkit_could_not_follow_by_the_service(tmp_path):
    """A handler graph that reaches a file lintkit does not analyse (here one over 2 MB) stops
    short: the service's @prisma/client and schema.prisma count it; a complete graph without
    Prisma never does, and without schema.prisma nothing counts."""
    from lintkit.analysis.packaging import prisma_use

    files = {"package.json": package_json("^5.22.0"), "prisma/schema.prisma": SCHEMA,
             "src/big.ts": "export const rows = [\n" + "  'x',\n" * 400_000 + "]\n",
             "src/report.ts": "import { rows } from './big'\n"
                              "export const handler = async () => rows.length\n",
             "src/health.ts": "import type { Row } from '../dist/types'\n"  # no code: still followed
                              "export const handler = async (): Promise<Row[]> => []\n",
             "tsconfig.json": '{"compilerOptions": {"outDir": "dist", "rootDir": "src"}}',
             "src/users.ts": "import { PrismaClient } from '@prisma/client'\n"
                             "const prisma = new PrismaClient()\n"
                             "export const handler = () => prisma.user.findMany()\n"}
    service = make_service(tmp_path / "with-schema", """
        service: app
        provider: {name: aws, runtime: nodejs20.x}
        functions:
          report: {handler: src/report.handler}
          health: {handler: src/health.handler}
          users: {handler: src/users.handler}
          missing: {handler: src/missing.handler}
        """, files)
    uses = {function.name: prisma_use(service, function) for function in service.functions}
    assert uses == {"report": "service", "health": None, "users": "code", "missing": "service"}
    del files["prisma/schema.prisma"]
    service = make_service(tmp_path / "without-schema", """
        service: app
        provider: {name: aws, runtime: nodejs20.x}
        functions:
          report: {handler: src/report.handler}
          missing: {handler: src/missing.handler}
        """, files)
    assert [prisma_use(service, function) for function in service.functions] == [None, None]

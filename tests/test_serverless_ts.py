"""serverless.ts / serverless.js read statically: what becomes a known value, what stays Unknown,
and where each node points."""
from __future__ import annotations

from pathlib import Path

import pytest

from lintkit.formats import CONFIG_NAMES, load_service
from lintkit.model.nodes import Mapping, Scalar, Sequence, Unknown, to_plain


def service(tmp_path: Path, text: str, name: str = "serverless.ts", files: dict[str, str] | None = None):
    (tmp_path / ".git").mkdir(parents=True, exist_ok=True)
    for relative, content in (files or {}).items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(content)
    (tmp_path / name).write_text(text)
    return load_service(tmp_path / name, tmp_path)


@pytest.mark.parametrize("text", [
    "module.exports = { service: 'a', provider: { name: 'aws' } }\n",
    "export default { service: 'a', provider: { name: 'aws' } }\n",
    "const config = { service: 'a', provider: { name: 'aws' } }\nexport = config\n",
    "import type { AWS } from '@serverless/typescript'\n"
    "const serverlessConfiguration: AWS = { service: 'a', provider: { name: 'aws' } }\n"
    "module.exports = serverlessConfiguration\n",
    "const config = { service: 'a', provider: { name: 'aws' } } satisfies AWS\nexport default config\n",
])
def test_the_exported_value_in_each_form(tmp_path, text):
    loaded = service(tmp_path, text)
    assert loaded.load_findings == []
    assert to_plain(loaded.document) == {"service": "a", "provider": {"name": "aws"}}


def test_literals_consts_spreads_and_what_stays_unknown(tmp_path):
    loaded = service(tmp_path, """\
const base = { timeout: 10, memorySize: 1_024 }
let mutable = 'x'
const stage = 'dev'
export default {
  service: `api-${stage}`,
  provider: { name: 'aws', ...base, timeout: 20, tracing: true, role: null },
  custom: {
    fromEnv: process.env.X, fromCall: make(), mapped: [1, 2].map(String), mutable,
    conditional: stage === 'prod' ? 'a' : 'b', template: `${process.env.STAGE}-x`,
    list: ['a', ...['b', 'c']], selfRef: '${self:service}',
  },
}
""")
    provider = to_plain(loaded.document.get("provider"))
    assert provider == {"name": "aws", "memorySize": 1024, "timeout": 20, "tracing": True, "role": None}
    custom = loaded.document.get("custom")
    assert loaded.document.get("service").value == "api-dev"
    for key in ("fromEnv", "fromCall", "mapped", "mutable", "conditional", "template"):
        assert isinstance(custom.get(key), Unknown), key
    assert to_plain(custom.get("list")) == ["a", "b", "c"]
    assert custom.get("selfRef").value == "api-dev"  # Serverless variables resolve as in YAML


def test_values_imported_from_local_modules_keep_their_own_positions(tmp_path):
    loaded = service(tmp_path, """\
import { hello } from './src/functions'
import shared from './src/shared'
export default { service: 'a', provider: { name: 'aws', ...shared }, functions: { hello } }
""", files={
        "src/functions/index.ts": "export { default as hello } from './hello'\n",
        "src/functions/hello/index.ts": "import { handlerPath } from '../../libs'\n"
                                        "export default {\n"
                                        "  handler: `${handlerPath(__dirname)}/handler.main`,\n"
                                        "  timeout: 40,\n}\n",
        "src/shared.ts": "export default { runtime: 'nodejs20.x' }\n",
    })
    (function,) = loaded.functions
    assert function.name == "hello"
    handler = function.handler
    assert handler.value == "src/functions/hello/handler.main"
    assert (handler.span.path.name, handler.span.line, handler.span.column) == ("index.ts", 3, 12)
    runtime = loaded.provider.get("runtime")
    assert runtime.value == "nodejs20.x" and runtime.span.path.name == "shared.ts"


def test_a_module_outside_the_project_or_a_package_is_unknown(tmp_path):
    project = tmp_path / "project"
    (tmp_path / "outside.ts").write_text("export default { runtime: 'nodejs20.x' }\n")
    loaded = service(project, "import x from '../outside'\nimport y from 'some-package'\n"
                              "export default { service: 'a', provider: { name: 'aws', x, y } }\n")
    assert isinstance(loaded.provider.get("x"), Unknown)
    assert isinstance(loaded.provider.get("y"), Unknown)


def test_no_export_or_not_an_object_is_parse001(tmp_path):
    (finding,) = service(tmp_path, "const config = { service: 'a' }\n").load_findings
    assert finding.code == "PARSE001" and "exports no configuration" in finding.message
    (finding,) = service(tmp_path, "export default ['a']\n").load_findings
    assert finding.code == "PARSE001" and "must export an object" in finding.message
    assert service(tmp_path, "export default makeConfig()\n").load_findings == []  # unknown: quiet


def test_deep_nesting_is_bounded(tmp_path):
    text = "export default { service: 'a', provider: { name: 'aws' }, custom: " + "{ a: " * 300 \
        + "1" + " }" * 300 + " }\n"
    loaded = service(tmp_path, text)
    node = loaded.document.get("custom")
    depth = 0
    while isinstance(node, Mapping):
        node, depth = node.get("a"), depth + 1
    assert isinstance(node, Unknown) and depth < 300


def test_yaml_is_preferred_when_a_folder_has_both():
    assert CONFIG_NAMES.index("serverless.yml") < CONFIG_NAMES.index("serverless.ts")


def test_javascript_configuration(tmp_path):
    loaded = service(tmp_path, "'use strict'\nmodule.exports = {\n  service: 'js',\n"
                               "  provider: { name: 'aws', runtime: 'nodejs18.x' },\n}\n",
                     name="serverless.js")
    runtime = loaded.provider.get("runtime")
    assert runtime.value == "nodejs18.x" and (runtime.span.line, runtime.span.column) == (4, 37)
    assert isinstance(loaded.document, Mapping) and isinstance(loaded.document.get("service"), Scalar)
    assert not isinstance(loaded.provider, Sequence)


def test_yaml_and_json_files_the_configuration_loads_are_part_of_it(tmp_path):
    loaded = service(tmp_path, """\
import { readFileSync } from 'fs'
import * as path from 'path'
import * as yaml from 'js-yaml'
import { parse } from 'yaml'
import custom from './config/custom.json'

const resources = yaml.load(readFileSync('config/resources.yml', 'utf8'))
const functions = require('./config/functions.json')
const envText = readFileSync(path.resolve(process.cwd(), 'config/env.yml'), 'utf8')

export default {
  service: 'a',
  provider: { name: 'aws', environment: parse(envText) },
  custom,
  functions,
  resources: resources as any,
  layers: JSON.parse(readFileSync(`${__dirname}/config/layers.json`, 'utf8')),
  package: yaml.load(readFileSync(path.join(__dirname, 'config', 'package.yml'), 'utf8')),
}
""", files={
        "config/custom.json": '{"stage": "${opt:stage, \'dev\'}", "vpc": "${file(./config/vpc.yml)}"}\n',
        "config/vpc.yml": "subnets: [s-1]\n",
        "config/functions.json":
            '{\n  "hello": {"handler": "src/hello.handler", "runtime": "nodejs14.x"}\n}\n',
        "config/resources.yml": "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n",
        "config/env.yml": "NODE_ENV: production\n",
        "config/layers.json": '{"prisma": {"path": "layers/prisma"}}\n',
        "config/package.yml": "individually: true\n",
    })
    assert loaded.load_findings == []
    document = to_plain(loaded.document)
    # custom.json's file() is read from the service folder
    assert document["custom"] == {"stage": "dev", "vpc": {"subnets": ["s-1"]}}
    assert document["provider"]["environment"] == {"NODE_ENV": "production"}
    assert document["resources"] == {"Resources": {"Bucket": {"Type": "AWS::S3::Bucket"}}}
    assert document["layers"] == {"prisma": {"path": "layers/prisma"}}
    assert document["package"] == {"individually": True}
    runtime = loaded.functions[0].runtime
    assert (runtime.value, runtime.span.path, runtime.span.line) == (
        "nodejs14.x", tmp_path / "config" / "functions.json", 2)
    assert set(loaded.raw_includes) >= {tmp_path / "config" / name for name in (
        "custom.json", "functions.json", "resources.yml", "env.yml", "layers.json", "vpc.yml")}


@pytest.mark.parametrize("expression", [
    "yaml.load(readFileSync('missing.yml', 'utf8'))",          # not in the repository: maybe generated
    "yaml.load(readFileSync('../outside.yml', 'utf8'))",       # outside the project: never read
    "yaml.load(readFileSync(process.env.CONFIG, 'utf8'))",     # a path only running the code gives
    "other.load(readFileSync('config.yml', 'utf8'))",          # not a YAML parser lintkit knows
    "require('./config.yml')",                                 # Node.js cannot require YAML
])
def test_loaded_files_lintkit_cannot_know_stay_unknown(tmp_path, expression):
    root = tmp_path / "project"
    (tmp_path / "outside.yml").write_text("secret: x\n")
    loaded = service(root, "import * as yaml from 'js-yaml'\nimport { readFileSync } from 'fs'\n"
                     "export default { service: 'a', provider: { name: 'aws' },\n"
                     f"  custom: {expression} }}\n",
                     files={"config.yml": "a: 1\n"})
    assert loaded.load_findings == []
    assert isinstance(loaded.document.get("custom"), Unknown)


def test_a_loaded_file_with_a_syntax_error_is_reported_there(tmp_path):
    loaded = service(tmp_path, "const custom = require('./custom.json')\n"
                     "module.exports = { service: 'a', provider: { name: 'aws' }, custom }\n",
                     files={"custom.json": '{"a": [1,\n'})
    assert [(f.code, f.span.path.name) for f in loaded.load_findings] == [("PARSE001", "custom.json")]
    assert isinstance(loaded.document.get("custom"), Unknown)

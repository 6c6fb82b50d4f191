import itertools
import os
import shutil
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lintkit.formats import variables
from lintkit.model.nodes import Mapping, Scalar, Sequence, Span, Unknown, to_plain, walk
from lintkit.formats.variables import (ResolveResult, find_variables, is_variable, resolve, split_default,
                               source_name)
from lintkit.read.yamlload import load_json_or_yaml, load_yaml

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def run(tmp_path: Path, text: str, files: dict[str, str] | None = None, **kwargs) -> ResolveResult:
    write(tmp_path, {"serverless.yml": text, **(files or {})})
    config = tmp_path / "serverless.yml"
    loaded = load_yaml(config)
    assert loaded.findings == []
    return resolve(loaded.node, config_path=config, project_root=tmp_path, **kwargs)


def value(tmp_path, text, *keys, files=None, **kwargs):
    """The resolved node at `keys` when the document resolves without findings."""
    result = run(tmp_path, text, files, **kwargs)
    assert result.findings == []
    node = result.document
    for key in keys:
        node = node.get(key) if isinstance(node, Mapping) else node.items[key]
    return node


def codes(result: ResolveResult) -> list[str]:
    return [finding.code for finding in result.findings]


# -- helpers ---------------------------------------------------------------------------------------

def test_find_variables_outermost_and_nested():
    text = "a-${self:x.${opt:stage, 'dev'}}-${sls:stage}"
    assert find_variables(text) == [(2, 31, "self:x.${opt:stage, 'dev'}"), (32, 44, "sls:stage")]


def test_find_variables_skips_cloudformation_placeholders():
    assert find_variables("${AWS::Region}-${Bucket.Arn}-${Stage}-${!Literal}") == []
    text = "${AWS::StackName}-${self:service}"
    assert find_variables(text) == [(18, 33, "self:service")]
    assert find_variables("${Foo${self:a}}") == [(5, 14, "self:a")]


def test_find_variables_handles_unclosed_and_stray_braces():
    assert find_variables("${self:a") == []
    assert find_variables("}{${self:a}}{") == [(2, 11, "self:a")]
    assert find_variables("${opt:a, {x}}") == [(0, 13, "opt:a, {x}")]
    assert find_variables("${" * 50_000) == []


def test_find_variables_with_custom_syntax():
    syntax = r"\${([ ~:a-zA-Z0-9._@'\",\-\/\(\)*?]+?)}"
    assert find_variables("${self:a.${opt:b}}", syntax) == [(9, 17, "opt:b")]
    assert find_variables("${self:a}", "([") == [(0, 9, "self:a")]  # invalid regex: default syntax


def test_is_variable_and_source_name():
    assert is_variable("self:a") and is_variable(" file(./x.yml)") and is_variable("cf.us-east-1:x")
    assert not is_variable("AWS::Region") and not is_variable("Bucket.Arn") and not is_variable("x")
    assert source_name("cf(us-east-1):stack.out") == "cf"
    assert source_name("cf.us-east-1:stack.out") == "cf"


@pytest.mark.parametrize("inner, expected", [
    ("opt:stage", ("opt:stage", None)),
    ("opt:stage, 'dev'", ("opt:stage", "'dev'")),
    ("opt:stage, self:provider.stage, 'dev'", ("opt:stage", "self:provider.stage, 'dev'")),
    ("opt:stage, 'a,b'", ("opt:stage", "'a,b'")),
    ("self:a.${opt:b, 'x'}, ${env:C, 'y,z'}", ("self:a.${opt:b, 'x'}", "${env:C, 'y,z'}")),
    ("file(./a,b.yml):k, 1", ("file(./a,b.yml):k", "1")),
    (" env:X ,  \"y\" ", ("env:X", '"y"')),
])
def test_split_default(inner, expected):
    assert split_default(inner) == expected


# -- sources and defaults --------------------------------------------------------------------------

def test_self_references(tmp_path):
    text = ("service: users\ncustom:\n  table: ${self:service}-table\n  list: [a, b]\n"
            "  second: ${self:custom.list.1}\n  whole: ${self:custom.list}\n")
    result = run(tmp_path, text)
    assert result.findings == []
    custom = to_plain(result.document)["custom"]
    assert custom["table"] == "users-table"
    assert custom["second"] == "b"
    assert custom["whole"] == ["a", "b"]


def test_whole_variable_keeps_the_referenced_span(tmp_path):
    result = run(tmp_path, "custom:\n  host: db.example.com\nprovider:\n  host: ${self:custom.host}\n")
    host = result.document.get("provider").get("host")
    assert host.value == "db.example.com"
    assert host.span.line == 2


def test_interpolated_string_has_the_original_span(tmp_path):
    result = run(tmp_path, "service: users\nprovider:\n  name: ${self:service}-${sls:stage}-x\n")
    name = result.document.get("provider").get("name")
    assert name.value == "users-dev-x"
    assert name.span == Span(tmp_path / "serverless.yml", 3, 9, 3, 39)


def test_opt_source(tmp_path):
    text = "a: ${opt:stage}\nb: ${opt:stage, 'dev'}\nc: ${opt:region, eu-west-1}\nd: ${opt:n, 3}\n"
    result = run(tmp_path, text)
    assert result.findings == []
    plain = to_plain(result.document)
    assert plain["b"] == "dev" and plain["c"] == "eu-west-1" and plain["d"] == 3
    a = result.document.get("a")
    assert isinstance(a, Unknown) and a.sources == {"opt"} and a.text == "${opt:stage}"
    assert value(tmp_path, text, "a", options={"stage": "prod"}).value == "prod"
    assert value(tmp_path, text, "b", options={"stage": "prod"}).value == "prod"


def test_env_source_never_reads_the_machine_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("LINTKIT_TEST_VAR", "from-machine")
    text = "a: ${env:LINTKIT_TEST_VAR}\nb: ${env:LINTKIT_TEST_VAR, \"fallback\"}\n"
    result = run(tmp_path, text)
    assert result.findings == []
    assert isinstance(result.document.get("a"), Unknown)
    assert result.document.get("a").sources == {"env"}
    assert result.document.get("b").value == "fallback"
    assert value(tmp_path, text, "a", env={"LINTKIT_TEST_VAR": "given"}).value == "given"


def test_sls_stage(tmp_path):
    assert value(tmp_path, "a: ${sls:stage}\n", "a").value == "dev"
    assert value(tmp_path, "a: ${sls:stage}\n", "a", options={"stage": "prod"}).value == "prod"
    assert value(tmp_path, "provider:\n  stage: qa\na: ${sls:stage}\n", "a").value == "qa"
    text = "provider:\n  stage: ${opt:stage, 'test'}\na: ${sls:stage}\n"
    assert value(tmp_path, text, "a").value == "test"
    instance = value(tmp_path, "a: ${sls:instanceId}\n", "a")
    assert isinstance(instance, Unknown) and instance.sources == {"sls"}


def test_nested_variable_in_address(tmp_path):
    text = ("custom:\n  vpc:\n    dev: vpc-dev\n    prod: vpc-prod\n"
            "  chosen: ${self:custom.vpc.${opt:stage, 'dev'}}\n")
    assert value(tmp_path, text, "custom", "chosen").value == "vpc-dev"
    assert value(tmp_path, text, "custom", "chosen", options={"stage": "prod"}).value == "vpc-prod"


@pytest.mark.parametrize("expression, expected", [
    ("${opt:stage, self:provider.stage}", "qa"),
    ("${opt:stage, ${self:provider.stage}}", "qa"),
    ("${opt:stage, self:custom.nothing, 'last'}", "last"),
    ("${opt:stage, env:NOPE, ${self:custom.nothing}, \"q\"}", "q"),
    ("${opt:stage, 'a ${self:provider.stage} b'}", "a qa b"),
    ("${opt:n, 1.5}", 1.5),
    ("${opt:n, -2}", -2),
    ("${opt:n, true}", True),
    ("${opt:n, null}", None),
    ("${opt:n, ~}", None),
    ("${self:custom.empty, 'fallback'}", "fallback"),
    ("${opt:n, dev-${self:provider.stage}}", "dev-qa"),
])
def test_defaults(tmp_path, expression, expected):
    text = f"provider:\n  stage: qa\ncustom:\n  empty: null\na: |-\n  {expression}\n"
    assert value(tmp_path, text, "a").value == expected


def test_default_does_not_override_deploy_time_sources(tmp_path):
    node = value(tmp_path, "a: ${ssm:/x, 'fallback'}\n", "a")
    assert isinstance(node, Unknown) and node.sources == {"ssm"}


@pytest.mark.parametrize("expression, source", [
    ("${ssm:/app/db-url}", "ssm"), ("${ssm(raw):/x}", "ssm"), ("${cf:stack.Output}", "cf"),
    ("${cf(us-east-1):stack.Output}", "cf"), ("${cf.us-east-1:stack.Output}", "cf"),
    ("${aws:accountId}", "aws"), ("${param:dbUrl}", "param"), ("${s3:bucket/key}", "s3"),
    ("${secrets:x}", "secrets"), ("${terraform:outputs:x}", "terraform"), ("${vault:x}", "vault"),
    ("${doppler:x}", "doppler"), ("${custom_resolver:x}", "custom_resolver"),
    ("${file(./handler.js):fn}", "file"), ("${file(./handler.js)}", "file"),
    ("${ssm:/app/${opt:stage}/x}", "ssm"),
])
def test_deploy_time_sources_are_unknown(tmp_path, expression, source):
    result = run(tmp_path, f"a: \"{expression}\"\n")
    assert result.findings == []
    node = result.document.get("a")
    assert isinstance(node, Unknown)
    assert source in node.sources
    assert node.text == expression


def test_unknown_text_keeps_unknown_parts(tmp_path):
    text = "custom:\n  host: db.example.com\nurl: postgres://app:${ssm:/pw}@${self:custom.host}/app\n"
    node = value(tmp_path, text, "url")
    assert isinstance(node, Unknown)
    assert node.text == "postgres://app:${ssm:/pw}@db.example.com/app"
    assert node.sources == {"ssm"}
    assert node.span.line == 3


def test_referenced_unknown_keeps_its_place(tmp_path):
    text = "custom:\n  url: ${ssm:/db}\nenv:\n  A: ${self:custom.url}\n  B: x-${self:custom.url}\n"
    result = run(tmp_path, text)
    a, b = result.document.get("env").get("A"), result.document.get("env").get("B")
    assert isinstance(a, Unknown) and a.span.line == 2
    assert isinstance(b, Unknown) and b.text == "x-${ssm:/db}" and b.span.line == 5


def test_str_to_bool(tmp_path):
    text = "custom:\n  flag: 'true'\na: ${strToBool(${self:custom.flag})}\nb: ${strToBool(0)}\n"
    result = run(tmp_path, text)
    assert to_plain(result.document)["a"] is True and to_plain(result.document)["b"] is False


def test_numbers_and_booleans_interpolate_like_javascript(tmp_path):
    text = "custom:\n  n: 512\n  f: 1.0\n  t: true\na: ${self:custom.n}-${self:custom.f}-${self:custom.t}\n"
    assert value(tmp_path, text, "a").value == "512-1-true"


def test_structure_inside_a_string_is_reported(tmp_path):
    result = run(tmp_path, "custom:\n  m: {a: 1}\nx: a-${self:custom.m}\n")
    assert codes(result) == ["PARSE002"]
    assert "mapping" in result.findings[0].message
    assert isinstance(result.document.get("x"), Unknown)


def test_keys_with_variables(tmp_path):
    text = "custom:\n  ${opt:stage, 'dev'}-table: x\n  ${self:custom.name}: y\n  name: n\n"
    custom = value(tmp_path, text, "custom")
    assert custom.keys() == ["dev-table", "n", "name"]
    assert custom.key_node("dev-table").span.line == 2
    assert isinstance(custom.key_node("dev-table"), Scalar)


def test_self_reference_through_variable_keys(tmp_path):
    text = "custom:\n  ${opt:stage, 'dev'}: {size: 3}\n  size: ${self:custom.dev.size}\n"
    assert value(tmp_path, text, "custom", "size").value == 3


# -- missing values --------------------------------------------------------------------------------

def test_missing_self_path(tmp_path):
    result = run(tmp_path, "custom:\n  a: 1\nx: ${self:custom.missing}\n")
    (finding,) = result.findings
    assert finding.code == "PARSE002" and finding.span.line == 3
    assert finding.message == (
        "`${self:custom.missing}` cannot be resolved: `custom.missing` does not exist in "
        "serverless.yml; define it or give a default (`${self:custom.missing, 'value'}`)")
    assert isinstance(result.document.get("x"), Unknown)
    assert result.document.get("x").sources == {"self"}


def test_framework_defaults_for_self(tmp_path):
    text = "service: svc\na: ${self:provider.stage}\nb: ${self:provider.region}\nc: ${self:service.name}\n"
    assert to_plain(value(tmp_path, text)) == {"service": "svc", "a": "dev", "b": "us-east-1", "c": "svc"}
    node = value(tmp_path, text, options={"stage": "prod", "region": "eu-west-1"})
    assert to_plain(node)["a"] == "prod" and to_plain(node)["b"] == "eu-west-1"
    text = "service:\n  name: svc\nprovider:\n  stage: qa\na: ${self:service.name}-${self:provider.stage}\n"
    assert value(tmp_path, text, "a").value == "svc-qa"


def test_missing_with_fallback_chain_reports_nothing(tmp_path):
    result = run(tmp_path, "x: ${self:a, self:b, 'c'}\n")
    assert result.findings == [] and result.document.get("x").value == "c"


def test_walking_into_a_scalar_is_missing(tmp_path):
    result = run(tmp_path, "custom:\n  a: text\nx: ${self:custom.a.b}\n")
    assert codes(result) == ["PARSE002"]
    assert "`custom.a` is a string, so it has no `b`" in result.findings[0].message


def test_walking_into_unknown_is_unknown(tmp_path):
    result = run(tmp_path, "custom: ${ssm:/cfg}\nx: ${self:custom.a.b}\n")
    assert result.findings == []
    assert result.document.get("x").sources == {"ssm"}


# -- file includes ---------------------------------------------------------------------------------

def test_file_include_whole_and_subkey(tmp_path):
    files = {"config/vpc.yml": "subnets: [s-1, s-2]\nname: vpc-${self:service}\n"
                               "inner: ${file(./config/inner.json):a}\n",
             "config/inner.json": '{"a": {"b": 1}}'}
    text = ("service: svc\ncustom:\n  vpc: ${file(./config/vpc.yml)}\n"
            "  first: ${file(./config/vpc.yml):subnets.0}\n  name: ${self:custom.vpc.name}\n")
    result = run(tmp_path, text, files)
    assert result.findings == []
    custom = result.document.get("custom")
    assert to_plain(custom) == {"vpc": {"subnets": ["s-1", "s-2"], "name": "vpc-svc", "inner": {"b": 1}},
                                "first": "s-1", "name": "vpc-svc"}
    assert custom.get("vpc").span.path == tmp_path / "config" / "vpc.yml"
    assert custom.get("first").span.path == tmp_path / "config" / "vpc.yml"
    assert custom.get("vpc").get("inner").span.path == tmp_path / "config" / "inner.json"


def test_nested_include_paths_resolve_from_the_service_folder(tmp_path):
    """As Serverless does (`path.resolve(serviceDir, path)` in its file source), not from the
    including file: `./inner.json` inside config/vpc.yml names the service's inner.json."""
    files = {"config/vpc.yml": "here: ${file(./inner.json):a}\nbeside: ${file(./sibling.json):a}\n",
             "inner.json": '{"a": "from the service folder"}',
             "config/sibling.json": '{"a": "beside the included file"}'}
    result = run(tmp_path, "service: svc\ncustom: ${file(./config/vpc.yml)}\n", files)
    custom = result.document.get("custom")
    assert custom.get("here").value == "from the service folder"
    assert custom.get("here").span.path == tmp_path / "inner.json"
    assert [(f.code, f.span.path.name, f.span.line) for f in result.findings] == [("PARSE002", "vpc.yml", 2)]
    assert "`./sibling.json` does not exist in the service folder" in result.findings[0].message
    assert "write it as `./config/sibling.json`" in result.findings[0].message


def test_each_include_is_loaded_once(tmp_path):
    calls = []

    def loader(path):
        calls.append(path)
        return load_json_or_yaml(path)

    text = "a: ${file(./x.yml)}\nb: ${file(./x.yml):k}\nc: ${file(x.yml):k}\nd: ${file(./x.yml)}\n"
    write(tmp_path, {"serverless.yml": text, "x.yml": "k: v\n"})
    config = tmp_path / "serverless.yml"
    result = resolve(load_yaml(config).node, config_path=config, project_root=tmp_path, loader=loader)
    assert result.findings == [] and len(calls) == 1
    assert result.document.get("a") is result.document.get("d")


def test_included_self_refers_to_main_document(tmp_path):
    files = {"sub/a.yml": "stage: ${self:provider.stage}\nnext: ${file(./sub/b.yml):v}\n",
             "sub/b.yml": "v: from-b\n"}
    result = run(tmp_path, "provider:\n  stage: qa\ncustom: ${file(./sub/a.yml)}\n", files)
    assert to_plain(result.document)["custom"] == {"stage": "qa", "next": "from-b"}


def test_include_referring_back_into_its_own_mount_point_is_no_cycle(tmp_path):
    files = {"custom.yml": "stage: dev\nname: app-${self:custom.stage}\n"}
    result = run(tmp_path, "custom: ${file(./custom.yml)}\n", files)
    assert result.findings == []
    assert to_plain(result.document)["custom"] == {"stage": "dev", "name": "app-dev"}


def test_missing_include_and_subkey(tmp_path):
    result = run(tmp_path, "a: ${file(./nope.yml)}\nb: ${file(./x.yml):missing}\nc: ${file(./nope.yml), 1}\n",
                 {"x.yml": "k: v\n"})
    assert codes(result) == ["PARSE002", "PARSE002"]
    assert "`./nope.yml` does not exist" in result.findings[0].message
    assert "`missing` does not exist in ./x.yml" in result.findings[1].message
    assert isinstance(result.document.get("a"), Unknown)
    assert result.document.get("c").value == 1


def test_include_with_parse_error_propagates(tmp_path):
    result = run(tmp_path, "a: ${file(./bad.yml)}\n", {"bad.yml": "k: [1,\n"})
    (finding,) = result.findings
    assert finding.code == "PARSE001"
    assert finding.span.path == tmp_path / "bad.yml"
    assert isinstance(result.document.get("a"), Unknown)


def test_empty_include_is_missing(tmp_path):
    result = run(tmp_path, "a: ${file(./empty.yml)}\n", {"empty.yml": "# nothing\n"})
    assert codes(result) == ["PARSE002"] and "empty" in result.findings[0].message


def test_text_include(tmp_path):
    node = value(tmp_path, "key: ${file(./id_rsa.pub)}\n", "key", files={"id_rsa.pub": "ssh-rsa ${x:y}\n"})
    assert node.value == "ssh-rsa ${x:y}\n"
    assert node.span.path == tmp_path / "id_rsa.pub"


@pytest.mark.parametrize("target", ["../outside.yml", "~/secrets.yml", "/dev/zero", "/etc/hostname",
                                    "./link.yml"])
def test_include_outside_project(tmp_path, target):
    project = tmp_path / "project"
    project.mkdir()
    (tmp_path / "outside.yml").write_text("k: v\n")
    os.symlink(tmp_path / "outside.yml", project / "link.yml")
    started = time.perf_counter()
    result = run(project, f"a: ${{file({target})}}\n")
    assert time.perf_counter() - started < 1
    (finding,) = result.findings
    assert finding.code == "PARSE005" and finding.span.line == 1
    assert "outside the project" in finding.message
    assert isinstance(result.document.get("a"), Unknown)


def test_absolute_path_inside_project_is_read(tmp_path):
    assert value(tmp_path, f"a: ${{file({tmp_path}/x.yml):k}}\n", "a", files={"x.yml": "k: v\n"}).value == "v"


def test_include_of_directory_and_fifo(tmp_path):
    (tmp_path / "folder.yml").mkdir()
    os.mkfifo(tmp_path / "pipe.yml")
    started = time.perf_counter()
    result = run(tmp_path, "a: ${file(./folder.yml)}\nb: ${file(./pipe.yml)}\n")
    assert time.perf_counter() - started < 1
    assert codes(result) == ["PARSE002", "PARSE002"]
    assert "directory" in result.findings[0].message
    assert "not a regular file" in result.findings[1].message


def test_include_with_variable_in_path(tmp_path):
    files = {"config.dev.yml": "v: dev\n", "config.prod.yml": "v: prod\n"}
    text = "a: ${file(./config.${opt:stage, 'dev'}.yml):v}\nb: ${file(./config.${opt:nope}.yml)}\n"
    result = run(tmp_path, text, files, options={"stage": "prod"})
    assert result.findings == []
    assert result.document.get("a").value == "prod"
    assert result.document.get("b").sources == {"file", "opt"}


# -- cycles ----------------------------------------------------------------------------------------

def test_self_cycle(tmp_path):
    result = run(tmp_path, "custom:\n  a: ${self:custom.b}\n  b: ${self:custom.a}\n")
    (finding,) = result.findings
    assert finding.code == "PARSE003"
    assert "`${self:custom.b}` → `${self:custom.a}`" in finding.message
    assert isinstance(result.document.get("custom").get("a"), Unknown)
    assert isinstance(result.document.get("custom").get("b"), Unknown)


@pytest.mark.parametrize("text", [
    "a: ${self:a}\n",
    "a: ${self:}\n",
    "a: ${self:a.b}\n",
    "a:\n  b: ${self:a}\n",
    "a: x-${self:a}\n",
    "a: ${self:b.c}\nb: ${self:a}\n",
    "provider:\n  stage: ${sls:stage}\n",
    "a: ${self:a}\nb: ${self:a.x}\n",
    "a: ${self:b}\nb: ${self:a}\nc: ${self:a.x}\n",
    "a: x-${self:a}\nb: ${self:a.x}\n",
])
def test_other_cycles(tmp_path, text):
    started = time.perf_counter()
    result = run(tmp_path, text)
    assert "PARSE003" in codes(result)
    assert time.perf_counter() - started < 1


def test_file_including_itself(tmp_path):
    result = run(tmp_path, "a: ${file(./loop.yml)}\n", {"loop.yml": "x: ${file(./loop.yml)}\n"})
    assert codes(result) == ["PARSE003"]
    assert result.findings[0].span.path == tmp_path / "loop.yml"
    result = run(tmp_path, "a: ${file(./serverless.yml)}\n")
    assert codes(result) == ["PARSE003"]


def test_repeated_references_are_not_cycles(tmp_path):
    text = ("custom:\n  base: x\n  a: ${self:custom.base}-${self:custom.base}\n  b: ${self:custom.a}\n"
            "  c: ['${self:custom.b}', '${self:custom.b}']\n  d:\n    e: ${self:custom.d.f}\n    f: 1\n"
            "  g: ${file(./serverless.yml):custom.base}\n")
    result = run(tmp_path, text)
    assert result.findings == []
    assert to_plain(result.document)["custom"]["c"] == ["x-x", "x-x"]


# -- variableSyntax and Fn::Sub --------------------------------------------------------------------

def test_custom_variable_syntax(tmp_path):
    syntax = r"\\${((?!AWS)[ ~:a-zA-Z0-9._@'\",\\-\\/\\(\\)]+?)}"  # as written in a YAML "..." string
    text = (f"provider:\n  stage: dev\n  variableSyntax: \"{syntax}\"\n"
            "custom:\n  v:\n    dev: 1\n  a: ${self:custom.v.${self:provider.stage}}\n  b: ${AWS::Region}\n"
            "  c: pre-${self:provider.stage}\n")
    result = run(tmp_path, text)
    assert result.findings == []
    custom = to_plain(result.document)["custom"]
    assert custom == {"v": {"dev": 1}, "a": 1, "b": "${AWS::Region}", "c": "pre-dev"}
    assert to_plain(result.document)["provider"]["variableSyntax"].startswith("\\${")


def test_custom_syntax_replaces_the_default(tmp_path):
    text = ("provider:\n  variableSyntax: '\\$\\{\\{([ ~:a-zA-Z0-9._,\\-\\(\\)]+?)\\}\\}'\n"
            "custom:\n  x: 1\n  a: ${{self:custom.x}}\n  b: ${self:custom.x}\n  c: v${{opt:y, 2}}\n")
    custom = to_plain(value(tmp_path, text, "custom"))
    assert custom == {"x": 1, "a": 1, "b": "${self:custom.x}", "c": "v2"}


def test_invalid_variable_syntax_falls_back(tmp_path):
    text = "provider:\n  variableSyntax: '(['\n  stage: ${opt:stage, 'dev'}\n"
    assert value(tmp_path, text, "provider", "stage").value == "dev"


def test_sub_placeholders_are_untouched(tmp_path):
    text = ("service: svc\nresources:\n  A: !Sub 'arn:${AWS::Partition}:s3:::${Bucket}/${Bucket.Arn}'\n"
            "  B:\n    Fn::Sub: '${AWS::StackName}-${self:service}-${Stage}'\n"
            "  C: !Sub ['${Name}-${AWS::Region}', {Name: '${self:service}'}]\n")
    plain = to_plain(value(tmp_path, text, "resources"))
    assert plain == {"A": {"Fn::Sub": "arn:${AWS::Partition}:s3:::${Bucket}/${Bucket.Arn}"},
                     "B": {"Fn::Sub": "${AWS::StackName}-svc-${Stage}"},
                     "C": {"Fn::Sub": ["${Name}-${AWS::Region}", {"Name": "svc"}]}}


# -- bounds ----------------------------------------------------------------------------------------

def test_doubling_strings_stop_quickly(tmp_path):
    lines = ["a0: x"] + [f"a{i}: ${{self:a{i - 1}}}${{self:a{i - 1}}}" for i in range(1, 61)]
    started = time.perf_counter()
    result = run(tmp_path, "\n".join(lines) + "\n")
    assert time.perf_counter() - started < 3
    assert any("variable expansion too large" in f.message for f in result.findings)
    assert all(len(n.value) <= variables.MAX_STRING for _, n in walk(result.document)
               if isinstance(n, Scalar) and isinstance(n.value, str))
    assert isinstance(result.document.get("a60"), Unknown)


def test_doubling_structures_stop_quickly(tmp_path):
    lines = ["a0: [x]"] + [f"a{i}: ['${{self:a{i - 1}}}', '${{self:a{i - 1}}}']" for i in range(1, 61)]
    started = time.perf_counter()
    result = run(tmp_path, "\n".join(lines) + "\n")
    assert time.perf_counter() - started < 3
    assert any("variable expansion too large" in f.message for f in result.findings)


def test_long_reference_chain_is_bounded(tmp_path):
    lines = [f"a{i}: ${{self:a{i + 1}}}" for i in range(200)] + ["a200: end"]
    result = run(tmp_path, "\n".join(lines) + "\n")
    assert any("levels deep" in f.message for f in result.findings)
    assert isinstance(result.document.get("a0"), Unknown)
    assert result.document.get("a200").value == "end"
    assert all("internal error" not in f.message for f in result.findings)


def test_step_budget(tmp_path, monkeypatch):
    monkeypatch.setattr(variables, "MAX_STEPS", 10)
    result = run(tmp_path, "".join(f"a{i}: ${{opt:x, {i}}}\n" for i in range(20)))
    assert sum("stopped after" in f.message for f in result.findings) == 1
    assert isinstance(result.document.get("a19"), Unknown)


def test_nested_expression_depth(tmp_path):
    text = "a: " + "${opt:a, " * 10_000 + "'x'" + "}" * 10_000 + "\n"
    started = time.perf_counter()
    result = run(tmp_path, text)
    assert time.perf_counter() - started < 10  # a hang detector, not a speed test
    assert [f.code for f in result.findings] == ["PARSE002"]
    assert "levels deep" in result.findings[0].message
    assert isinstance(result.document.get("a"), Unknown)


# -- tree handling ---------------------------------------------------------------------------------

def test_input_is_untouched_and_output_is_new(tmp_path):
    text = ("service: s\nprovider:\n  stage: ${opt:stage, 'dev'}\nlist: ['${self:service}', 2]\n"
            "x: !Ref ${self:service}\n")
    write(tmp_path, {"serverless.yml": text})
    config = tmp_path / "serverless.yml"
    document = load_yaml(config).node
    before = to_plain(document)
    result = resolve(document, config_path=config, project_root=tmp_path)
    assert to_plain(document) == before
    assert result.document is not document
    assert result.document.get("provider") is not document.get("provider")
    assert to_plain(result.document) == {"service": "s", "provider": {"stage": "dev"},
                                         "list": ["s", 2], "x": {"Ref": "s"}}


def test_aliases_resolve_once(tmp_path):
    text = "base: &b {stage: '${opt:stage, \"dev\"}'}\none: *b\ntwo: {<<: *b, x: 1}\n"
    result = run(tmp_path, text)
    assert to_plain(result.document) == {"base": {"stage": "dev"}, "one": {"stage": "dev"},
                                         "two": {"stage": "dev", "x": 1}}


def test_deep_document_does_not_recurse(tmp_path):
    text = "a: " + "[" * 99 + "'${opt:x, 1}'" + "]" * 99 + "\n"
    node = value(tmp_path, text, "a")
    for _ in range(98):
        node = node.items[0]
    assert node.items[0].value == 1


def test_non_mapping_document_is_returned():
    node = Sequence([], Span.point(Path("x")))
    assert resolve(node, config_path=Path("x"), project_root=Path(".")).document is node


def test_custom_loader_errors_become_findings(tmp_path):
    def broken(path):
        raise RuntimeError("boom")

    write(tmp_path, {"serverless.yml": "a: ${file(./x.yml)}\n", "x.yml": "k: v\n"})
    config = tmp_path / "serverless.yml"
    result = resolve(load_yaml(config).node, config_path=config, project_root=tmp_path, loader=broken)
    assert codes(result) == ["PARSE001"] and "boom" in result.findings[0].message


# -- properties ------------------------------------------------------------------------------------

VARIABLE_PARTS = [
    "${self:a}", "${self:b.c}", "${self:a.${opt:stage}}", "${opt:stage}", "${opt:stage, 'dev'}",
    "${env:X, 1}", "${env:X}", "${ssm:/x}", "${sls:stage}", "${file(./inc.yml)}", "${file(./inc.yml):k}",
    "${file(./missing.yml):k, 'd'}", "${file(../x.yml)}", "${file(./x.js):f}", "${AWS::Region}",
    "${self:", "}", "${", "text", "-", "${self:b}", "${self:c.0}", "${strToBool(true)}", "${self:a, self:b}",
    "${opt:x, ${self:b.c}}", "${foo:bar}", "${self:}",
]
texts = st.lists(st.sampled_from(VARIABLE_PARTS), min_size=1, max_size=4).map("".join)
keys = st.sampled_from(["a", "b", "c", "0", "k", "${opt:stage, 'a'}"])
trees = st.recursive(
    texts | st.integers(-5, 5) | st.none(),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(keys, children, max_size=3),
    max_leaves=12)


def to_nodes(value, path: Path):
    span = Span.point(path)
    if isinstance(value, dict):
        return Mapping([(Scalar(k, span), to_nodes(v, path)) for k, v in value.items()], span)
    if isinstance(value, list):
        return Sequence([to_nodes(v, path) for v in value], span)
    return Scalar(value, span)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    folder = tmp_path_factory.mktemp("project")
    write(folder, {"inc.yml": "k: v\nself: ${self:a}\nagain: ${file(./inc.yml):k}\n"})
    return folder


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(keys, trees, max_size=4), st.sampled_from([None, {"stage": "a"}]))
def test_resolver_never_raises_and_is_deterministic(project, document, options):
    config = project / "serverless.yml"
    first = resolve(to_nodes(document, config), config_path=config, project_root=project, options=options)
    second = resolve(to_nodes(document, config), config_path=config, project_root=project, options=options)
    assert isinstance(first.document, Mapping)
    assert to_plain(first.document) == to_plain(second.document)
    assert first.findings == second.findings
    for finding in first.findings:
        assert finding.code in ("PARSE001", "PARSE002", "PARSE003", "PARSE005")
        assert "internal error" not in finding.message


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_helpers_never_raise(text):
    for start, end, inner in find_variables(text):
        assert text[start:end] == "${" + inner + "}"
        split_default(inner)
    find_variables(text, r"\${([^}]+)}")


# -- corpus ----------------------------------------------------------------------------------------

def test_corpus_resolves(tmp_path):
    corpus = SHARED / "corpus" / "serverless"
    if not corpus.is_dir():
        pytest.skip("../shared corpus is not present")
    started = time.perf_counter()
    for source in sorted(corpus.iterdir()):
        folder = tmp_path / source.name
        folder.mkdir()
        config = folder / "serverless.yml"
        shutil.copyfile(source, config)
        loaded = load_yaml(config)
        if not isinstance(loaded.node, Mapping):
            continue
        result = resolve(loaded.node, config_path=config, project_root=folder,
                         options={"stage": "dev"})
        assert isinstance(result.document, Mapping)
        assert all("internal error" not in f.message for f in result.findings), source.name
    assert time.perf_counter() - started < 20


# -- subtrees without variables: returned as they are, without a walk ------------------------------

def without_sizes(node):
    """The loaded tree with every variable-free size forgotten: resolution then walks it all."""
    for _, current in walk(node):
        if hasattr(current, "variable_free_size"):
            current.variable_free_size = None
    return node


def shape(node, limit: int = 20_000) -> list:
    """Everything a resolved tree says: types, values, tags, styles, spans, keys, unknown parts
    (of its first `limit` nodes: shared subtrees can make a big tree)."""
    described = []
    for path, current in itertools.islice(walk(node), limit):
        entry = [path, type(current).__name__, current.span]
        if isinstance(current, Scalar):
            entry += [current.value, current.tag, current.style]
        elif isinstance(current, Mapping):
            entry += [(key.value, key.tag, key.span) for key, _ in current.pairs]
        elif isinstance(current, Unknown):
            entry += [current.text, sorted(current.sources)]
        else:
            entry.append(getattr(current, "function", None))
        described.append(entry)
    return described


def resolve_both_ways(tmp_path, text, files=None, **kwargs) -> tuple[ResolveResult, ResolveResult]:
    """The document resolved as lintkit does, and with the loader's sizes forgotten (every
    subtree walked), includes too."""
    write(tmp_path, {"serverless.yml": text, **(files or {})})
    config = tmp_path / "serverless.yml"
    assert load_yaml(config).findings == []
    fast = resolve(load_yaml(config).node, config_path=config, project_root=tmp_path, **kwargs)
    walked = resolve(without_sizes(load_yaml(config).node), config_path=config, project_root=tmp_path,
                     loader=lambda path: _forgetting(load_json_or_yaml(path)), **kwargs)
    return fast, walked


def _forgetting(loaded):
    without_sizes(loaded.node)
    return loaded


STATIC_AND_DYNAMIC = (
    "service: app\nprovider:\n  name: aws\n  stage: ${opt:stage, 'dev'}\n"
    "custom:\n  static: &s {a: [1, 2, {b: c}], d: !GetAtt R.Arn}\n  copy: *s\n"
    "  merged: {<<: *s, e: '${self:custom.static.a.2.b}'}\n  dynamic: {x: '${self:service}-${sls:stage}'}\n"
    "  whole: ${self:custom.static}\n  inside: ${self:custom.static.a}\n  inc: ${file(./inc.yml)}\n"
    "  part: ${file(./inc.yml):plain}\n"
    "functions:\n  f:\n    handler: h.main\n    events: [{http: {path: /x, method: get}}]\n"
    "    env: ${file(./inc.yml):env}\n")
INC = {"inc.yml": "plain: {k: [v, w]}\nenv: {A: '${self:service}', B: {c: d}}\n"}


def test_a_subtree_without_variables_is_returned_unwalked(tmp_path, monkeypatch):
    opened = []
    original_open = variables._Resolver._open
    monkeypatch.setattr(variables._Resolver, "_open",
                        lambda self, node: opened.append(node) or original_open(self, node))
    write(tmp_path, {"serverless.yml": STATIC_AND_DYNAMIC, **INC})
    config = tmp_path / "serverless.yml"
    loaded = load_yaml(config)
    assert loaded.findings == []
    raw = loaded.node
    result = resolve(raw, config_path=config, project_root=tmp_path)
    assert result.findings == []
    custom, raw_custom = result.document.get("custom"), raw.get("custom")
    static = raw_custom.get("static")
    assert custom.get("static") is static and custom.get("copy") is static
    assert custom.get("whole") is static and custom.get("inside") is static.get("a")
    assert not any(node is static or node is static.get("a") for node in opened)
    assert to_plain(custom.get("merged")) == {"a": [1, 2, {"b": "c"}], "d": {"Fn::GetAtt": ["R", "Arn"]},
                                              "e": "c"}
    assert custom.get("dynamic").get("x").value == "app-dev"
    assert to_plain(result.document.get("functions").get("f").get("env")) == {"A": "app", "B": {"c": "d"}}
    assert custom.get("part") is result.included[tmp_path / "inc.yml"].get("plain")


@pytest.mark.parametrize("text, files", [
    (STATIC_AND_DYNAMIC, INC),
    ("a: &x {b: [1, 2]}\nc: ${self:a}\nd: {e: '${self:c.b}', f: *x}\ng: ${self:d}\nh: ${self:h}\n", {}),
    ("a: {b: {c: '${self:a}'}}\nd: ['${self:missing}', '${opt:x}', {e: 1}]\n", {}),
    ("${opt:key, 'k'}: {v: 1}\nlist: [[1], [2, [3]], '${self:list.0}']\nsub: !Sub ['${AWS::Region}', {}]\n", {}),
])
def test_resolving_without_walking_unchanged_subtrees_changes_nothing(tmp_path, text, files):
    fast, walked = resolve_both_ways(tmp_path, text, files)
    assert shape(fast.document) == shape(walked.document)
    assert [(f.code, f.span, f.message) for f in fast.findings] == \
        [(f.code, f.span, f.message) for f in walked.findings]


@pytest.mark.parametrize("rest", ["", "ref: ${self:small}\n"])
def test_a_large_list_without_variables_is_still_cut_at_the_bound(tmp_path, monkeypatch, rest):
    monkeypatch.setattr(variables, "MAX_NODES", 50)
    text = "big: [" + ", ".join(["1"] * 60) + "]\nsmall: {a: [1, 2]}\n" + rest
    fast, walked = resolve_both_ways(tmp_path, text)
    assert "too large" in fast.findings[0].message
    assert shape(fast.document) == shape(walked.document)
    assert [f.message for f in fast.findings] == [f.message for f in walked.findings]


def test_a_custom_variable_syntax_walks_every_subtree(tmp_path):
    text = ("provider:\n  name: aws\n  variableSyntax: \"\\\\$\\\\[([^\\\\[\\\\]]+?)\\\\]\"\n"
            "a: x\nb: {c: '$[self:a]'}\n")
    assert value(tmp_path, text, "b", "c").value == "x"

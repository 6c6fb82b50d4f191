"""AWS SAM templates (lintkit/formats/sam.py): discovery, parameters, Globals, events, handlers, bad
input, and the seed's mistakes rewritten as a SAM project (fixtures/VPC001/bad-sam-seed)."""
from pathlib import Path

import pytest

from lintkit.discovery import DiscoveryError, discover, services_of
from lintkit.formats import load_service
from lintkit.formats.sam import ENVIRONMENT_OPTION, claims, parse_overrides
from lintkit.model.nodes import Intrinsic, Scalar, Sequence, text

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SAM_SEED = FIXTURES / "VPC001" / "bad-sam-seed"
SAM_CORRECT = FIXTURES / "VPC001" / "good-sam-correct-project"
AS_OF = "2026-11-27"
HEADER = "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n"


def project(tmp_path: Path, template: str, name: str = "template.yaml", files: dict | None = None) -> Path:
    """A repository holding a template (and `files`: relative path -> text)."""
    (tmp_path / ".git").mkdir(exist_ok=True)
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(template)
    for relative, content in (files or {}).items():
        target = tmp_path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content)
    return path


def load(path: Path, **options: str):
    return load_service(path, path.parent, options)


def function(service, name):
    return next(f for f in service.functions if f.name == name)


def lint(run_lintkit, cwd: Path, *args: str) -> tuple[int, list[str]]:
    code, out, err = run_lintkit("check", ".", "--format", "concise", "--as-of", AS_OF, *args, cwd=cwd)
    assert code in (0, 1), err
    return code, out.splitlines()


# -- the seed and a correct project ----------------------------------------------------------------

@pytest.mark.parametrize("location, code", [
    ("template.yaml:7:14", "RUNTIME001"),    # Globals.Function.Runtime nodejs20.x
    ("template.yaml:50:16", "RUNTIME001"),   # MigrateDB Runtime nodejs20.x
    ("template.yaml:9:14", "RUNTIME003"),    # Globals Timeout 30 with Api events
    ("template.yaml:12:11", "VPC005"),       # sg-xxxxxxxx
    ("template.yaml:14:11", "VPC005"),       # subnet-xxxxxxxx
    ("template.yaml:15:11", "VPC005"),       # subnet-yyyyyyyy
    ("template.yaml:38:16", "CONFIG002"),    # CodeUri src/handlers/ + create-user.handler: no file
    ("template.yaml:46:3", "VPC001"),        # the raw MigrateDB does not inherit Globals' VpcConfig
    ("template.yaml:48:5", "CFN002"),        # a raw AWS::Lambda::Function without Role
    ("template.yaml:48:5", "MIGRATE006"),    # ... nor Globals' DATABASE_URL
    ("template.yaml:56:22", "MIGRATE002"),   # npx inside the inline ZipFile code
    ("src/handlers/users.ts:48:37", "SECRET009"),
])
def test_the_seed_as_a_sam_project_is_reported_where_the_serverless_seed_is(run_lintkit, location, code):
    _, lines = lint(run_lintkit, SAM_SEED)
    assert any(line.startswith(f"{location}: {code} [") for line in lines), "\n".join(lines)


def test_the_sam_seed_says_what_to_edit_in_sam_terms(run_lintkit):
    _, lines = lint(run_lintkit, SAM_SEED)
    report = "\n".join(lines)
    assert "provider" not in report and "functions:" not in report and "${ssm" not in report
    assert "do not inherit Globals.Function" in report
    assert not any(" CLIENT001 [" in line or " SECRET001 [" in line for line in lines)
    assert not any(" CONFIG004 [" in line for line in lines)  # logRetentionInDays is serverless.yml's


def test_a_correct_sam_project_is_quiet_on_every_rule(run_lintkit):
    code, lines = lint(run_lintkit, SAM_CORRECT)
    assert (code, lines) == (0, [])


def test_the_correct_project_is_followed_into_its_code(run_lintkit):
    service = load(SAM_CORRECT / "template.yaml")
    users = function(service, "UsersFunction")
    path, export = service.handler_path(users)
    assert path == SAM_CORRECT / "src" / "handlers" / "users.ts" and export == "handler"
    assert service.graph(users) is not None


# -- discovery -------------------------------------------------------------------------------------

def test_a_template_with_the_sam_transform_is_a_service(tmp_path):
    path = project(tmp_path, HEADER + "Resources: {}\n")
    assert [t.config_path for t in discover([str(tmp_path)])] == [path]
    assert load(path).format == "sam"


def test_the_transform_may_be_a_list(tmp_path):
    path = project(tmp_path, "Transform:\n  - AWS::LanguageExtensions\n  - AWS::Serverless-2016-10-31\n"
                   "Resources: {}\n", name="template.yml")
    assert claims(path)
    assert [t.config_path for t in discover([str(tmp_path)])] == [path]


def test_a_plain_cloudformation_template_is_not_claimed(tmp_path):
    project(tmp_path, "AWSTemplateFormatVersion: '2010-09-09'\n"
            "Description: mentions AWS::Serverless-2016-10-31 but has no transform\nResources: {}\n")
    with pytest.raises(DiscoveryError):
        discover([str(tmp_path)])
    assert services_of([str(tmp_path)]) == []


def test_a_plain_template_below_a_sam_project_is_not_a_service(tmp_path):
    path = project(tmp_path, HEADER + "Resources: {}\n",
                   files={"infra/template.yaml": "Resources:\n  F: {Type: AWS::Lambda::Function}\n"})
    assert [t.config_path for t in discover([str(tmp_path)])] == [path]


def test_a_template_of_another_name_is_claimed_when_named_explicitly(tmp_path):
    path = project(tmp_path, HEADER + "Resources: {}\n", name="infra/app.yaml")
    assert [t.config_path for t in discover([str(path)])] == [path]
    assert load(path).format == "sam"


def test_the_pre_commit_hook_maps_handlers_and_samconfig_to_the_template(tmp_path):
    path = project(tmp_path, HEADER + "Resources: {}\n", files={
        "src/app.ts": "export const handler = 1\n", "samconfig.toml": "version = 0.1\n"})
    for changed in ("src/app.ts", "samconfig.toml", "template.yaml"):
        assert [t.config_path for t in services_of([str(tmp_path / changed)])] == [path], changed


# -- parameters ------------------------------------------------------------------------------------

PARAMETERS = HEADER + """Parameters:
  NodeRuntime:
    Type: String
    Default: nodejs24.x
  Seconds:
    Type: Number
    Default: "20"
  Subnets:
    Type: CommaDelimitedList
    Default: subnet-0123456789abcdef0, subnet-0fedcba9876543210
  Deployed:
    Type: String
Resources:
  F:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: !Ref NodeRuntime
      Timeout: {Ref: Seconds}
      Handler: !Ref Deployed
      Role: !Ref AWS::Region
      VpcConfig:
        SubnetIds: !Ref Subnets
      Description: !Sub "${NodeRuntime} function"
"""


def test_a_parameter_resolves_to_its_default_where_the_default_is_written(tmp_path):
    service = load(project(tmp_path, PARAMETERS))
    f = function(service, "F")
    runtime = f.setting("runtime")
    assert isinstance(runtime, Scalar) and runtime.value == "nodejs24.x"
    assert (runtime.span.line, runtime.span.column) == (6, 14)  # the Default
    assert f.setting("timeout").value == 20  # a Number parameter is a number
    subnets = f.setting("vpc").get("SubnetIds")
    assert isinstance(subnets, Sequence) and [text(s) for s in subnets] == [
        "subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]


def test_parameters_without_a_value_pseudo_parameters_and_sub_stay_intrinsics(tmp_path):
    service = load(project(tmp_path, PARAMETERS))
    f = function(service, "F")
    assert isinstance(f.handler, Intrinsic) and text(f.handler.value) == "Deployed"
    assert isinstance(f.node.get("Role"), Intrinsic)
    assert isinstance(f.node.get("Description"), Intrinsic)


def test_samconfig_overrides_the_default_and_the_command_line_overrides_samconfig(tmp_path):
    samconfig = ('version = 0.1\n[default.global.parameters]\nparameter_overrides = "Seconds=40"\n'
                 '[default.deploy.parameters]\nparameter_overrides = "NodeRuntime=nodejs20.x"\n'
                 '[prod.deploy.parameters]\nparameter_overrides = ["NodeRuntime=nodejs22.x", '
                 '"Deployed=app.handler"]\n')
    path = project(tmp_path, PARAMETERS, files={"samconfig.toml": samconfig})
    service = load(path)
    f = function(service, "F")
    assert text(f.runtime) == "nodejs20.x" and f.setting("timeout").value == 40
    runtime = f.runtime.span  # where the value is written, the place to edit
    assert (runtime.path.name, runtime.line, runtime.column, runtime.end_column) == (
        "samconfig.toml", 5, 36, 46)
    prod_service = load(path, **{ENVIRONMENT_OPTION: "prod"})
    prod = function(prod_service, "F")
    assert text(prod.runtime) == "nodejs22.x" and text(prod.handler) == "app.handler"
    assert (prod.runtime.span.line, prod.runtime.span.column) == (7, 37)  # in the list form
    given_service = load(path, NodeRuntime="nodejs24.x")
    given = function(given_service, "F").runtime
    assert text(given) == "nodejs24.x" and (given.span.path.name, given.span.line) == ("template.yaml", 19)


def test_samconfig_is_read_through_the_files_door_and_recorded(tmp_path):
    from lintkit.read.files import recording

    path = project(tmp_path, PARAMETERS, files={"samconfig.toml": "version = 0.1\n"})
    with recording() as reads:
        load(path)
    assert str(tmp_path / "samconfig.toml") in reads.absolute_files()


@pytest.mark.parametrize("written, parsed", [
    ("A=1 B=2", {"A": "1", "B": "2"}),
    ("Name='two words' Empty=", {"Name": "two words", "Empty": ""}),
    (["A=1", "B=x=y"], {"A": "1", "B": "x=y"}),
    ("ParameterKey=A,ParameterValue=1 ParameterKey=B,ParameterValue=2", {"A": "1", "B": "2"}),
    ("Unclosed='quote B=2", {"Unclosed": "'quote", "B": "2"}),
    (7, {}),
])
def test_parameter_overrides_forms(written, parsed):
    assert parse_overrides(written) == parsed


def test_invalid_samconfig_is_a_parse_finding_at_its_position(tmp_path, run_lintkit):
    project(tmp_path, PARAMETERS, files={"samconfig.toml": "version = 0.1\n[default.deploy.parameters\n"})
    _, lines = lint(run_lintkit, tmp_path, "--select", "PARSE")
    assert lines == ["samconfig.toml:2:27: PARSE001 [yaml-syntax-error] samconfig.toml is not valid TOML "
                     "(Expected ']' at the end of a table declaration); its parameter values are not "
                     "used: fix the file."]


def test_sam_env_chooses_the_samconfig_environment_on_the_command_line(tmp_path, run_lintkit):
    samconfig = ('[default.deploy.parameters]\nparameter_overrides = "NodeRuntime=nodejs20.x"\n'
                 '[prod.deploy.parameters]\nparameter_overrides = "NodeRuntime=nodejs24.x"\n')
    project(tmp_path, PARAMETERS, files={"samconfig.toml": samconfig})
    assert any(" RUNTIME001 [" in line for line in lint(run_lintkit, tmp_path, "--select", "RUNTIME001")[1])
    assert lint(run_lintkit, tmp_path, "--select", "RUNTIME001", "--sam-env", "prod") == (0, [])
    assert lint(run_lintkit, tmp_path, "--select", "RUNTIME001", "--opt", "NodeRuntime=nodejs24.x") == (0, [])


# -- Globals ---------------------------------------------------------------------------------------

GLOBALS = HEADER + """Globals:
  Function:
    Runtime: nodejs20.x
    Timeout: 30
    Layers: [arn:aws:lambda:us-east-1:123456789012:layer:prisma:1]
    Environment:
      Variables:
        DATABASE_URL: '{{resolve:ssm:/app/db}}'
        LOG_LEVEL: info
    Events: {Ignored: {Type: Api}}
Resources:
  Inherits:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
  Overrides:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs24.x
      Environment:
        Variables:
          LOG_LEVEL: debug
  Raw:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
"""


def test_a_function_inherits_globals_where_they_are_written(tmp_path):
    service = load(project(tmp_path, GLOBALS))
    inherits = function(service, "Inherits")
    assert inherits.is_sam and inherits.kind == "resource"
    assert text(inherits.runtime) == "nodejs20.x" and inherits.runtime.span.line == 5
    assert inherits.inherited("Runtime") and inherits.inherited("Layers")
    assert inherits.setting("timeout").value == 30
    assert inherits.events == []  # Events is no Globals property


def test_the_function_wins_and_environment_merges_key_by_key(tmp_path):
    service = load(project(tmp_path, GLOBALS))
    overrides = function(service, "Overrides")
    assert text(overrides.runtime) == "nodejs24.x" and not overrides.inherited("Runtime")
    environment = {name: text(value) for name, (_, value) in overrides.environment.items()}
    assert environment == {"DATABASE_URL": "{{resolve:ssm:/app/db}}", "LOG_LEVEL": "debug"}
    key, _ = overrides.environment["DATABASE_URL"]
    assert key.span.line == 10  # in Globals


def test_raw_lambda_functions_inherit_nothing_from_globals(tmp_path):
    service = load(project(tmp_path, GLOBALS))
    raw = function(service, "Raw")
    assert not raw.is_sam and raw.runtime is None and raw.environment == {}


# -- events and handlers ---------------------------------------------------------------------------

def test_sam_events_map_to_the_event_kinds_rules_know(tmp_path):
    events = "".join(f"        E{i}:\n          Type: {kind}\n          Properties: {{}}\n"
                     for i, kind in enumerate(["Api", "HttpApi", "SQS", "Schedule", "ScheduleV2",
                                               "DynamoDB", "EventBridgeRule", "MQ"]))
    path = project(tmp_path, HEADER + "Resources:\n  F:\n    Type: AWS::Serverless::Function\n"
                   "    Properties:\n      Handler: index.handler\n      Events:\n" + events)
    service = load(path)
    f = function(service, "F")
    assert [kind for kind, _ in f.events] == ["http", "httpApi", "sqs", "schedule", "schedule", "stream",
                                               "eventBridge", "mq"]
    assert f.event_types() == {"http", "httpApi", "sqs", "schedule", "stream", "eventBridge", "mq"}


@pytest.mark.parametrize("properties, metadata, expected", [
    ("CodeUri: src/\n      Handler: app.handler", "", "src/app.js"),
    ("CodeUri: ./src\n      Handler: app.handler", "", "src/app.js"),
    ("Handler: src/app.handler", "", "src/app.js"),
    ("CodeUri: src/\n      Handler: app.handler",
     "    Metadata:\n      BuildMethod: esbuild\n      BuildProperties:\n"
     "        EntryPoints: [handlers/app.ts]\n",
     "src/handlers/app.ts"),
])
def test_codeuri_handler_and_esbuild_entry_points_name_the_source(tmp_path, properties, metadata, expected):
    path = project(tmp_path, HEADER + "Resources:\n  F:\n    Type: AWS::Serverless::Function\n"
                   f"    Properties:\n      {properties}\n{metadata}",
                   files={"src/app.js": "exports.handler = async () => 1\n",
                          "src/handlers/app.ts": "export const handler = async () => 1\n"})
    service = load(path)
    assert service.handler_path(function(service, "F")) == (tmp_path / expected, "handler")


def test_inline_code_is_the_functions_code(tmp_path):
    path = project(tmp_path, HEADER + "Resources:\n  F:\n    Type: AWS::Serverless::Function\n"
                   "    Properties:\n      Handler: index.handler\n      InlineCode: |\n"
                   "        exports.handler = async () => 1\n")
    service = load(path)
    f = function(service, "F")
    assert service.inline_code(f) is not None and service.graph(f) is not None


# -- bad input: findings, never a traceback --------------------------------------------------------

@pytest.mark.parametrize("template, expected", [
    (HEADER + "Resources:\n  - Type: AWS::Serverless::Function\n",
     "template.yaml:4:3: PARSE001 [yaml-syntax-error] `Resources` must be a mapping"),
    (HEADER + "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties: [Handler]\n",
     "template.yaml:6:17: PARSE001 [yaml-syntax-error] The `Properties` of `F` must be a mapping"),
    (HEADER + "Globals:\n  Function: [Runtime]\nResources: {}\n",
     "template.yaml:4:13: PARSE001 [yaml-syntax-error] `Globals.Function` must be a mapping"),
    (HEADER + "Resources:\n  F: [\n", "template.yaml:5:1: PARSE001 [yaml-syntax-error] invalid YAML"),
    (HEADER + "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n"
     "      CodeUri: ../../elsewhere/\n      Handler: app.handler\n      Runtime: nodejs24.x\n",
     "template.yaml:7:16: PARSE005 [include-outside-project] `CodeUri: ../../elsewhere/` of `F` points "
     "outside the project"),
])
def test_broken_templates_are_parse_findings(tmp_path, run_lintkit, template, expected):
    project(tmp_path, template)
    _, lines = lint(run_lintkit, tmp_path)
    assert any(line.startswith(expected) for line in lines), "\n".join(lines)
    assert not any(" CONFIG002 [" in line for line in lines)


def test_odd_shapes_inside_functions_are_not_a_crash(tmp_path, run_lintkit):
    project(tmp_path, HEADER + """Parameters:
  P: [1]
  Q: {Type: Number, Default: abc}
Globals:
  Function:
    Runtime: !Ref P
    Timeout: !Ref Q
    Environment: !Ref P
Resources:
  F:
    Type: AWS::Serverless::Function
    Properties:
      Handler: 5
      Events: [a, b]
      Environment: [x]
    Metadata: esbuild
  G:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Events: {E: 5, F: {Type: [1]}}
    Metadata:
      BuildMethod: esbuild
      BuildProperties: {EntryPoints: app.ts, External: 7}
  H:
    Type: AWS::Serverless::Function
""")
    code, out, err = run_lintkit("check", ".", "--format", "concise", "--as-of", AS_OF, cwd=tmp_path)
    assert code in (0, 1) and "internal error" not in err and "Traceback" not in err


def test_a_codeuri_in_build_output_of_the_functions_own_package_is_its_source(tmp_path, run_lintkit):
    """A public SAM project's layout: each function a package of its own that `node esbuild.js`
    builds into dist/ (git-ignored), CodeUri naming dist/: CONFIG002 must not say no source."""
    package = '{"scripts": {"build": "rm -rf dist && node esbuild.js"}}'
    path = project(tmp_path, HEADER + "Resources:\n  F:\n    Type: AWS::Serverless::Function\n"
                   "    Properties:\n      CodeUri: functions/users/dist/\n      Handler: handler.default\n"
                   "      Runtime: nodejs24.x\n",
                   files={"functions/users/package.json": package,
                          "functions/users/src/handler.ts": "export default async () => ({})\n"})
    service = load(path)
    assert service.handler_path(function(service, "F")) == (
        tmp_path / "functions/users/src/handler.ts", "default")
    assert lint(run_lintkit, tmp_path, "--select", "CONFIG002") == (0, [])


def test_a_nested_handler_is_split_at_the_first_dot_of_its_file_name(tmp_path):
    """Lambda's Node.js runtime loads handlers/users.js for `handlers/users.UsersHandler.list` and
    calls `UsersHandler.list` (a public SAM project's static methods): no CONFIG002."""
    path = project(tmp_path, HEADER + "Resources:\n  F:\n    Type: AWS::Serverless::Function\n"
                   "    Properties:\n      CodeUri: src/\n      Handler: handlers/users.UsersHandler.list\n"
                   "      Runtime: nodejs24.x\n",
                   files={"src/handlers/users.ts": "export class UsersHandler {\n"
                                                   "  static async list() { return [] }\n}\n"})
    service = load(path)
    assert service.handler_path(function(service, "F")) == (
        tmp_path / "src/handlers/users.ts", "UsersHandler.list")
    graph = service.graph(function(service, "F"))
    assert graph is not None and graph.handler is not None and graph.handler.type == "method_definition"


# -- the result cache and the language server ------------------------------------------------------

def test_a_samconfig_change_is_seen_by_the_result_cache(tmp_path, run_lintkit):
    samconfig = '[default.deploy.parameters]\nparameter_overrides = "NodeRuntime={}"\n'
    project(tmp_path, PARAMETERS, files={"samconfig.toml": samconfig.format("nodejs24.x")})
    assert lint(run_lintkit, tmp_path, "--select", "RUNTIME001") == (0, [])
    (tmp_path / "samconfig.toml").write_text(samconfig.format("nodejs20.x"))
    code, lines = lint(run_lintkit, tmp_path, "--select", "RUNTIME001")
    assert code == 1 and " RUNTIME001 [" in lines[0]


def test_the_language_server_lints_a_template_and_maps_its_files(tmp_path):
    pytest.importorskip("pygls")
    from lintkit.lsp import Settings, is_linted_file, lint_service, service_of

    path = project(tmp_path, HEADER + "Resources: {}\n", files={"src/app.ts": "export const h = 1\n"})
    unsaved = HEADER + ("Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n"
                        "      Handler: index.handler\n      Runtime: nodejs20.x\n"
                        "      InlineCode: 'exports.handler = async () => 1'\n")
    outcome = lint_service(path, {path: unsaved}, Settings(as_of=None), "utf-16")
    assert any(d.code == "RUNTIME001" for d in outcome.diagnostics.get(path, [])), outcome
    assert service_of(path) == path and service_of(tmp_path / "src" / "app.ts") == path
    assert is_linted_file(tmp_path / "samconfig.toml")
    assert service_of(tmp_path / "samconfig.toml") == path
    settings, problems = Settings().updated({"samEnv": "prod"})
    assert not problems and settings.opt == {ENVIRONMENT_OPTION: "prod"}


# -- any template, any samconfig.toml: findings, never a traceback ---------------------------------

from hypothesis import given, settings, strategies as st  # noqa: E402

PROPERTY_NAMES = ["Runtime", "Timeout", "Handler", "CodeUri", "InlineCode", "Environment", "Variables",
                  "VpcConfig", "SubnetIds", "Events", "Type", "Properties", "Queue", "Layers",
                  "Metadata", "BuildMethod", "BuildProperties", "EntryPoints", "External", "Loader",
                  "Ref", "Fn::Sub", "P"]
LEAVES = st.one_of(st.none(), st.booleans(), st.integers(-5, 100), st.sampled_from(
    ["nodejs20.x", "app.handler", "src/", "../x/", "esbuild", "Api", "SQS", "P", "AWS::Region",
     "s3://b/k", "a.b.c.d", "", "${P}", ".prisma=file", "@prisma/client"]))
TREES = st.recursive(LEAVES, lambda children: st.lists(children, max_size=3)
                     | st.dictionaries(st.sampled_from(PROPERTY_NAMES), children, max_size=4),
                     max_leaves=12)


@settings(max_examples=40, deadline=None)
@given(globals_=TREES, properties=TREES, parameters=st.dictionaries(st.sampled_from(["P", "Q"]), TREES,
                                                                   max_size=2),
       samconfig=st.sampled_from(["", "version = 0.1\n", "[default.deploy.parameters]\n"
                                  "parameter_overrides = \"P=nodejs20.x Q=\"\n", "[x\n", "a = [1,\n"]))
def test_any_template_loads_into_functions_rules_can_read(tmp_path_factory, globals_, properties,
                                                          parameters, samconfig):
    import yaml

    root = tmp_path_factory.mktemp("sam")
    (root / "samconfig.toml").write_text(samconfig)
    document = {"Transform": TRANSFORM_NAME, "Parameters": parameters, "Globals": {"Function": globals_},
                "Resources": {"F": {"Type": "AWS::Serverless::Function", "Properties": properties},
                              "R": {"Type": "AWS::Lambda::Function", "Properties": properties}}}
    path = root / "template.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    service = load_service(path, root, {})
    for finding in service.load_findings:
        assert finding.code in ("PARSE001", "PARSE005") and "internal error" not in finding.message
    for f in service.functions:
        f.events, f.environment, f.environment_unknown, f.handler, f.image
        for name in ("vpc", "runtime", "timeout", "memorySize", "architecture", "handler", "Layers"):
            f.setting(name)
        service.handler_path(f), service.inline_code(f), service.graph(f)


TRANSFORM_NAME = "AWS::Serverless-2016-10-31"

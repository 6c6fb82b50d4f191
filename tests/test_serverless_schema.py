"""schemas/serverless.schema.json and CONFIG001's validation (lintkit/schema_check.py).

The schema is valid Draft 2020-12, knows every runtime lintkit's runtime table knows, and accepts the
real serverless.yml files of ../shared/corpus except the ones in EXPECTED_VIOLATIONS, each of which
has a real error. Every reason starts with a backticked token that one of the file's messages must
mention, so a listed file that starts failing for another reason fails the test too.
"""
import re
import subprocess
import sys

import pytest

from conftest import SHARED
from lintkit.analysis.facts import runtime_table
from lintkit.analysis.schema_check import _coerce, schema, validator, violations
from lintkit.formats import load_service

CORPUS = SHARED / "corpus" / "serverless"
CORPUS_FILES = sorted(CORPUS.iterdir()) if CORPUS.is_dir() else []
CHECKOV_FIXTURES = "bridgecrewio__checkov__tests__"  # test inputs of a scanner, not deployable services
_CHECKOV_AWS = "bridgecrewio__checkov__tests__serverless__checks__aws__example_"
_TAG = ("`tag`: checkov fixture; `provider.tag` is not a Serverless setting (only `tags` is), so "
        "Serverless warns about it and ignores it")
_SERVICE_OBJECT = ("`service`: `service: {name: ...}` object notation, which Framework v3 removed "
                   "(it throws SERVICE_OBJECT_NOTATION) while the file pins frameworkVersion 3")
_BARE_ALEXA = ("`alexaSkill`: a bare `- alexaSkill` event without a skill id; the schema rejects it "
               "and the compiler only reads `event.alexaSkill`, so no Alexa permission is created")

EXPECTED_VIOLATIONS = {
    f"{_CHECKOV_AWS}AWSCredentials__AWSCredentials-FAILED-func_level__serverless.yml": _TAG,
    f"{_CHECKOV_AWS}AWSCredentials__AWSCredentials-FAILED-provider_level__serverless.yml": _TAG,
    f"{_CHECKOV_AWS}AWSCredentials__AWSCredentials-PASSED__serverless.yml": _TAG,
    f"{_CHECKOV_AWS}AdminPolicyDocument__AdminPolicyDocument-FAILED-func_level__serverless.yml": _TAG,
    f"{_CHECKOV_AWS}AdminPolicyDocument__AdminPolicyDocument-FAILED-provider_level__serverless.yml":
        _TAG,
    f"{_CHECKOV_AWS}AdminPolicyDocument__AdminPolicyDocument-FAILED-provider_level_with_env_var__"
    "serverless.yml": _TAG,
    f"{_CHECKOV_AWS}AdminPolicyDocument__AdminPolicyDocument-FAILED-provider_level_with_ext_json_var__"
    "serverless.yml": _TAG,
    f"{_CHECKOV_AWS}AdminPolicyDocument__AdminPolicyDocument-FAILED-provider_level_with_ext_yaml_var__"
    "serverless.yml": _TAG,
    f"{_CHECKOV_AWS}AdminPolicyDocument__AdminPolicyDocument-FAILED-provider_level_with_var__"
    "serverless.yml": _TAG,
    f"{_CHECKOV_AWS}AdminPolicyDocument__AdminPolicyDocument-PASSED__serverless.yml":
        "`custom:`: checkov fixture keeping its own value in `provider.tag` and reading it back with "
        "`${self:provider.tag}`; Serverless warns about the unknown provider setting",
    f"{_CHECKOV_AWS}StarActionPolicyDocument__StarActionPolicyDocument-FAILED-func_level__"
    "serverless.yml": _TAG,
    f"{_CHECKOV_AWS}StarActionPolicyDocument__StarActionPolicyDocument-FAILED-provider_level__"
    "serverless.yml": _TAG,
    f"{_CHECKOV_AWS}StarActionPolicyDocument__StarActionPolicyDocument-PASSED-2__serverless.yml": _TAG,
    f"{_CHECKOV_AWS}StarActionPolicyDocument__StarActionPolicyDocument-PASSED__serverless.yml": _TAG,
    "bridgecrewio__checkov__tests__serverless__checks__example_CheckTypes__serverless.yml":
        "`service`: checkov fixture in `service: {name: ...}` object notation, removed in Framework v3",
    "bridgecrewio__checkov__tests__serverless__graph_builder__resources__serverless.yml":
        "`service`: checkov fixture in `service: {name: ...}` object notation, removed in Framework v3",
    "serverless__examples__aws-dotnet-rest-api-with-dynamodb__src__DotNetServerless.Lambda__"
    "serverless.yml": "`accountId`: `provider.accountId` is not a Serverless setting; it is ignored",
    "serverless__examples__aws-node-alexa-skill__serverless.yml": _BARE_ALEXA,
    "serverless__examples__aws-python-alexa-skill__serverless.yml": _BARE_ALEXA,
    "serverless__examples__aws-node-dynamic-image-resizer__serverless.yml": _SERVICE_OBJECT,
    "serverless__examples__aws-node-typescript-apollo-lambda__serverless.yml": _SERVICE_OBJECT,
    "serverless__examples__aws-node-typescript-kinesis__serverless.yml": _SERVICE_OBJECT,
    "serverless__examples__aws-node-typescript-nest__serverless.yml": _SERVICE_OBJECT,
    "serverless__examples__aws-node-typescript-sqs-standard__serverless.yml": _SERVICE_OBJECT,
    "serverless__examples__legacy__aws-nodejs-ecma-script__serverless.yml": _SERVICE_OBJECT,
    "serverless__examples__aws-node-puppeteer__serverless.yml":
        "`1536MB`: `memorySize: 1536MB`; Lambda's MemorySize is an integer number of MB, so "
        "CloudFormation rejects the text",
    "serverless__examples__aws-python-auth0-custom-authorizers-api__serverless.yml":
        "`cors`: `cors: true` written on the function instead of its http event; Serverless ignores it",
}


def test_schema_is_valid_draft_2020_12():
    import jsonschema

    assert schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema())


def test_runtime_enum_knows_every_runtime_of_the_runtime_table():
    runtimes = set(schema()["$defs"]["runtime"]["enum"])
    assert set(runtime_table()["nodejs"]) <= runtimes


def test_validator_is_built_once():
    assert validator() is validator()


def test_jsonschema_is_imported_only_when_config001_runs():
    code = ("import sys\nfrom lintkit.registry import all_rules\nall_rules()\n"
            "assert 'jsonschema' not in sys.modules, 'jsonschema imported by loading the rules'")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("value, subschema, coerced", [
    ("512", {"type": "integer"}, 512),
    ("512MB", {"type": "integer"}, "512MB"),
    (3, {"type": "string"}, "3"),
    (True, {"type": "string"}, "true"),
    ("false", {"type": "boolean"}, False),
    ("s3:GetObject", {"type": "array"}, ["s3:GetObject"]),
    (["nodejs22.x"], {"type": "string"}, "nodejs22.x"),
    ({"a": 1}, {"type": "array"}, {"a": 1}),
    ("x", {"enum": ["x"]}, "x"),
])
def test_types_are_coerced_like_serverless_does(value, subschema, coerced):
    assert _coerce(value, subschema) == coerced


@pytest.fixture(scope="module")
def corpus_results():
    if not CORPUS_FILES:
        pytest.skip("../shared/corpus is not present")
    results = {}
    for path in CORPUS_FILES:
        service = load_service(path, CORPUS)
        if service.is_aws:
            results[path.name] = [v.message for v in violations(service)]
    return results


def test_exactly_the_listed_corpus_files_have_violations(corpus_results):
    flagged = {name for name, messages in corpus_results.items() if messages}
    details = "\n".join(f"{name}: {corpus_results[name]}" for name in sorted(flagged - set(EXPECTED_VIOLATIONS)))
    assert flagged == set(EXPECTED_VIOLATIONS), f"unexpected:\n{details}\nmissing: " \
        f"{sorted(set(EXPECTED_VIOLATIONS) - flagged)}"


@pytest.mark.parametrize("name", sorted(EXPECTED_VIOLATIONS), ids=lambda n: n[:80])
def test_listed_files_fail_for_the_listed_reason(corpus_results, name):
    token = re.match(r"`([^`]+)`", EXPECTED_VIOLATIONS[name]).group(1)
    assert any(token in message for message in corpus_results[name]), corpus_results[name]


def test_nearly_every_deployable_aws_file_passes(corpus_results):
    deployable = [name for name in corpus_results if not name.startswith(CHECKOV_FIXTURES)]
    clean = [name for name in deployable if not corpus_results[name]]
    assert len(clean) >= 0.95 * len(deployable), f"{len(clean)} of {len(deployable)} clean"

"""The compiled schema check (schema_compile) and jsonschema, the validator of record, agree on
whether a document is valid: on every corpus file, the seed, the real projects, and mutations of
them. CONFIG001 trusts the compiled answer to skip jsonschema on valid documents."""
from __future__ import annotations

import copy
import functools
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from lintkit.analysis.schema_check import fast_check, validator
from lintkit.analysis.schema_compile import Unsupported, compile_schema
from lintkit.formats import load_service
from lintkit.model.nodes import to_plain

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = sorted((SHARED / "corpus" / "serverless").glob("*.y*ml"))
PROJECTS = [SHARED / "seed" / "project", *sorted(p for p in (SHARED / "realworld").glob("*/") if p.is_dir())]


def _configs():
    configs = [(path.name, path, path.parent) for path in CORPUS]
    for project in PROJECTS:
        configs += [(project.name, project / name, project)
                    for name in ("serverless.yml", "serverless.yaml") if (project / name).is_file()]
    return configs


CONFIGS = _configs()  # loaded when a test asks, not when pytest collects


@functools.cache
def plain_document(config: Path, root: Path):
    service = load_service(config, root)
    return None if service.document is None else to_plain(service.document)


@functools.cache
def documents() -> list:
    loaded = [plain_document(config, root) for _, config, root in CONFIGS]
    return [plain for plain in loaded if plain is not None]


def jsonschema_valid(plain) -> bool:
    return next(iter(validator().iter_errors(plain)), None) is None


def test_the_schema_compiles():
    assert fast_check() is not None


@pytest.mark.parametrize("config,root", [(config, root) for _, config, root in CONFIGS],
                         ids=[name for name, _, _ in CONFIGS])
def test_agrees_with_jsonschema_on_real_documents(config, root):
    plain = plain_document(config, root)
    if plain is None:
        pytest.skip("no resolved document to validate")
    assert fast_check()(plain) == jsonschema_valid(plain)


def test_real_documents_hold_both_answers():
    answers = {fast_check()(plain) for plain in documents()}
    assert answers == {True, False}


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


REPLACEMENTS = st.one_of(st.none(), st.booleans(), st.integers(-5, 100_000), st.text(max_size=12),
                         st.sampled_from(["nodejs20.x", "python3.12", "arm64", "x86_64", "${env:X}",
                                          "true", "3", ""]),
                         st.lists(st.text(max_size=4), max_size=2),
                         st.dictionaries(st.sampled_from(["handler", "name", "x", "events"]),
                                         st.text(max_size=4), max_size=2))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_agrees_with_jsonschema_on_mutated_documents(data):
    plain = data.draw(st.sampled_from(documents()))
    mutated = copy.deepcopy(plain)
    paths = [path for path in _paths(mutated) if path]
    for _ in range(data.draw(st.integers(1, 3))):
        if not paths:
            break
        path = data.draw(st.sampled_from(paths))
        parent = mutated
        for step in path[:-1]:
            parent = parent[step]
        if isinstance(parent, dict) and data.draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = data.draw(REPLACEMENTS)
        paths = [p for p in _paths(mutated) if p]
    assert fast_check()(mutated) == jsonschema_valid(mutated)


def test_an_unknown_keyword_refuses_to_compile():
    with pytest.raises(Unsupported):
        compile_schema({"type": "object", "dependentSchemas": {}}, lambda instance, subschema: instance)


def test_a_valid_document_does_not_import_jsonschema(tmp_path):
    (tmp_path / "serverless.yml").write_text(
        "service: app\nprovider:\n  name: aws\n  runtime: nodejs20.x\n"
        "functions:\n  hello:\n    handler: handler.hello\n")
    (tmp_path / "handler.js").write_text("exports.hello = async () => ({ statusCode: 200 });\n")
    runner = ("import sys\nfrom lintkit.cli import main\n"
              "try:\n    main(['check', '.', '--format', 'json', '--select', 'CONFIG001'])\n"
              "except SystemExit:\n    pass\n"
              "print('jsonschema' in sys.modules, file=sys.stderr)\n")
    result = subprocess.run([sys.executable, "-c", runner], cwd=tmp_path, capture_output=True, text=True)
    assert result.stderr.strip().splitlines()[-1] == "False"

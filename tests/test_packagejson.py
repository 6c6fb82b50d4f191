import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lintkit.model.nodes import Mapping, Scalar, Sequence, Span, to_plain
from lintkit.read.packagejson import (
    MAX_DEPTH,
    find_package_json,
    load_package_json,
    major_of_range,
    parse_json,
    parse_package_json,
)

P = Path("package.json")

PACKAGE = '''{
  "name": "api",
  "type": "module",
  "scripts": {
    "deploy": "prisma migrate deploy && sls deploy",
    "build": "tsc"
  },
  "prisma": { "schema": "db/schema.prisma", "seed": "tsx prisma/seed.ts" },
  "dependencies": {
    "@prisma/client": "^5.22.0",
    "pg": "8.11.3"
  },
  "devDependencies": {
    "prisma": "~5.22.0",
    "typescript": "latest"
  },
  "optionalDependencies": { "fsevents": "*" }
}
'''


def at(line, column, end_line, end_column, path=P):
    return Span(path, line, column, end_line, end_column)


# -- JSON ------------------------------------------------------------------------------------------
def test_json_values_and_spans():
    root, error = parse_json('{"a": [1, -2.5e3, true, null, "x\\n\\u00e9\\ud83d\\ude00"],\n "b": {}}', P)
    assert error is None
    assert to_plain(root) == {"a": [1, -2500.0, True, None, "x\né😀"], "b": {}}
    assert root.span == at(1, 1, 2, 10)
    key = root.key_node("b")
    assert key.span == at(2, 2, 2, 5) and key.style == '"'
    array = root.get("a")
    assert isinstance(array, Sequence) and array.span == at(1, 7, 1, 55)
    assert [item.span.column for item in array.items] == [8, 11, 19, 25, 31]
    assert array.items[0].tag == "tag:yaml.org,2002:int"
    assert array.items[2].tag == "tag:yaml.org,2002:bool"


def test_json_comments_and_trailing_commas_are_tolerated():
    root, error = parse_json('// c\n{"a": 1, /* x */ "b": [1, 2,],}', P)
    assert error is None and to_plain(root) == {"a": 1, "b": [1, 2]}


def test_json_duplicate_keys_last_wins():
    root, _ = parse_json('{"a": 1, "a": 2}')
    assert root.get("a").value == 2 and len(root.pairs) == 2


@pytest.mark.parametrize("text, plain, line, column", [
    ('{"a": {"b": [1, 2', {"a": {"b": [1, 2]}}, 1, 18),
    ('{"a": 1 "b": 2}', {"a": 1}, 1, 9),
    ('{"a": tru}', {}, 1, 7),
    ('{"a": "open\n}', {"a": "open"}, 1, 7),
    ('[1, 2]]', [1, 2], 1, 7),
    ('{"a": 1, 2}', {"a": 1}, 1, 10),
    ('{"a" 1}', {}, 1, 6),
    ('{"a": [1}', {"a": [1]}, 1, 9),
])
def test_json_errors_give_partial_results(text, plain, line, column):
    root, error = parse_json(text, P)
    assert to_plain(root) == plain
    assert (error.span.line, error.span.column) == (line, column)


def test_json_empty_and_garbage():
    assert parse_json("")[0] is None and parse_json("")[1] is not None
    assert parse_json("nope")[0] is None


def test_json_deep_nesting_is_cut_off_without_recursion():
    root, error = parse_json("[" * 10_000 + "]" * 10_000)
    assert error is not None and "deeper" in error.message
    depth, node = 0, root
    while isinstance(node, Sequence) and node.items:
        node, depth = node.items[0], depth + 1
    assert depth == MAX_DEPTH - 1
    assert parse_json('{"a":' * 10_000)[1] is not None


def test_json_bom():
    root, error = parse_json('\ufeff{"a": 1}', P)
    assert error is None and root.key_node("a").span == at(1, 2, 1, 5)


# -- package.json ----------------------------------------------------------------------------------
def test_package_json_facts():
    package = parse_package_json(P, PACKAGE)
    assert package.error is None and isinstance(package.node, Mapping)
    assert package.name == "api" and package.type == "module" and package.is_module
    assert package.dependencies["@prisma/client"] == ("^5.22.0", at(10, 23, 10, 32))
    assert package.dev_dependencies["prisma"] == ("~5.22.0", at(14, 15, 14, 24))
    assert package.version_of("pg") == "8.11.3" and package.version_of("prisma") == "~5.22.0"
    assert package.version_of("missing") is None
    assert package.in_dependencies("@prisma/client") and not package.in_dependencies("prisma")
    assert package.in_dev_dependencies("prisma") and package.in_dependencies("fsevents")
    assert package.prisma_major() == 5
    assert package.scripts["deploy"][0] == "prisma migrate deploy && sls deploy"
    assert package.scripts["build"][1] == at(6, 14, 6, 19)
    assert package.prisma_config["schema"][0] == "db/schema.prisma"
    assert package.prisma_config["seed"][0] == "tsx prisma/seed.ts"


def test_prisma_major_prefers_client_then_cli():
    def major(deps, dev=None):
        text = json.dumps({"dependencies": deps, "devDependencies": dev or {}})
        return parse_package_json(P, text).prisma_major()

    assert major({"@prisma/client": "7.0.0"}, {"prisma": "^6.0.0"}) == 7
    assert major({"@prisma/client": "latest"}, {"prisma": "^6.1.0"}) == 6
    assert major({}, {"prisma": "npm:prisma@^6.2.0"}) == 6
    assert major({"@prisma/client": "workspace:*"}) is None
    assert major({}) is None


def test_odd_shapes_do_not_break_the_facts():
    package = parse_package_json(P, '{"dependencies": ["x"], "scripts": {"a": 1, "b": "ok"}, "type": 3}')
    assert package.dependencies == {} and package.scripts == {"b": ("ok", package.scripts["b"][1])}
    assert package.type is None
    array = parse_package_json(P, "[1]")
    assert array.node is None and array.error
    broken = parse_package_json(P, '{"dependencies": {"prisma": "^6.0.0", ')
    assert broken.error and broken.prisma_major() == 6 and broken.error_span.line == 1


@pytest.mark.parametrize("spec, major", [
    ("^5.22.0", 5), ("~6.1.0", 6), ("7.0.0", 7), (">=6 <7", 6), (">= 6.1.0 < 7", 6), ("6.x", 6),
    ("6", 6), ("v5.1.0", 5), ("=6.0.0", 6), ("6.0.0-dev.12", 6), ("1.2.3 - 2.3.4", 1),
    ("^5 || ^6", 6), ("npm:@prisma/client@^5.1.0", 5), ("workspace:^6.2.0", 6), (" ^6.0.0 ", 6),
    ("latest", None), ("*", None), ("x", None), ("", None), ("next", None), ("<7", None),
    ("workspace:*", None), ("npm:@prisma/client", None), ("git+https://github.com/prisma/prisma.git", None),
    ("github:prisma/prisma", None), ("prisma/prisma#v5", None), ("file:../prisma", None),
    ("https://example.com/prisma.tgz", None), ("link:../x", None), (None, None),
])
def test_major_of_range(spec, major):
    assert major_of_range(spec) == major


# -- finding package.json --------------------------------------------------------------------------
def test_load_from_service_folder_or_nearest_parent(tmp_path):
    service = tmp_path / "services" / "api"
    service.mkdir(parents=True)
    assert load_package_json(service, tmp_path) is None
    (tmp_path / "package.json").write_text('{"name": "root"}')
    assert load_package_json(service, tmp_path).name == "root"
    assert load_package_json(service) is None  # no project root: only the service folder
    assert load_package_json(service, tmp_path / "elsewhere") is None  # not above the service
    (service / "package.json").write_text('{"name": "api"}')
    package = load_package_json(service, tmp_path)
    assert package.name == "api" and package.path == (service / "package.json").absolute()


def test_find_package_json_stops_at_project_root(tmp_path):
    (tmp_path / "package.json").write_text("{}")
    project = tmp_path / "project"
    service = project / "svc"
    service.mkdir(parents=True)
    assert find_package_json(service, project) is None


def test_unreadable_package_json(tmp_path):
    path = tmp_path / "package.json"
    path.write_bytes(b"\x00\x01")
    package = load_package_json(tmp_path)
    assert package is not None and package.error and package.node is None


# -- properties ------------------------------------------------------------------------------------
_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(_JSON_VALUES, st.booleans())
def test_valid_json_round_trips(value, indent):
    text = json.dumps(value, indent=2 if indent else None, ensure_ascii=False)
    root, error = parse_json(text)
    assert error is None
    assert to_plain(root) == value or (value != value)


_PIECES = list('{}[]:,"\\ \n') + ["true", "null", "-1.5e3", '"k"', "//", "/*", "*/", "\\u12", "\ufeff"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=80).map("".join) | st.text(max_size=200))
def test_parse_never_raises_and_spans_are_inside(text):
    root, error = parse_json(text, P)
    body = text[1:] if text.startswith("\ufeff") else text
    lines = body.split("\n")
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        span = node.span
        assert 1 <= span.line <= span.end_line <= len(lines)
        assert 1 <= span.column <= len(lines[span.line - 1]) + 1
        if isinstance(node, Mapping):
            for key, value in node.pairs:
                assert isinstance(key, Scalar) and isinstance(key.value, str)
                stack += [key, value]
        elif isinstance(node, Sequence):
            stack += node.items
    parse_package_json(P, text).prisma_major()

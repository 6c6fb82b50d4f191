import os
import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lintkit.read import yamlload
from lintkit.model.nodes import Intrinsic, Mapping, Scalar, Sequence, Span, to_plain, walk
from lintkit.read.yamlload import (MAX_BYTES, MAX_DEPTH, LoadResult, load_json_or_yaml, load_yaml,
                              read_source)

PATH = Path("serverless.yml")
SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def load(text: str | bytes) -> LoadResult:
    return load_yaml(PATH, text.encode() if isinstance(text, str) else text)


def plain(text: str):
    result = load(text)
    assert result.findings == []
    return to_plain(result.node)


def only_finding(text: str | bytes):
    result = load(text)
    assert result.node is None
    assert len(result.findings) == 1
    finding = result.findings[0]
    assert finding.code == "PARSE001"
    return finding


# -- values ----------------------------------------------------------------------------------------

def test_plain_scalars_are_typed_like_js_yaml():
    assert plain(
        "a: 1\nb: -2\nc: 0x1F\nd: 0o17\ne: 017\nf: 1_000\ng: 1.5\nh: 1e3\ni: .inf\nj: -.inf\n"
        "k: true\nl: False\nm: yes\nn: on\no: ~\np: null\nq:\nr: '1'\ns: \"true\"\nt: 2024-01-31\n"
        "u: 0b101\nv: text\nw: 1.2.3\n"
    ) == {"a": 1, "b": -2, "c": 31, "d": 15, "e": 17, "f": 1000, "g": 1.5, "h": 1000.0,
          "i": float("inf"), "j": float("-inf"), "k": True, "l": False, "m": "yes", "n": "on",
          "o": None, "p": None, "q": None, "r": "1", "s": "true", "t": "2024-01-31", "u": 5,
          "v": "text", "w": "1.2.3"}


def test_nan_and_tags():
    node = load("a: .nan\nb: 2024-01-31\nc: !!str 12\nd: !!int '7'\ne: !!int nope\nf: !!float 2\n").node
    assert node.get("a").value != node.get("a").value
    assert node.get("a").tag == "tag:yaml.org,2002:float"
    assert node.get("b").tag == "tag:yaml.org,2002:timestamp"
    assert node.get("c").value == "12" and node.get("c").tag == "tag:yaml.org,2002:str"
    assert node.get("d").value == 7
    assert node.get("e").value == "nope"  # a value that does not fit its tag stays text
    assert node.get("f").value == 2.0


def test_huge_integer_does_not_crash():
    value = load("a: " + "9" * 5000 + "\n").node.get("a").value
    assert value == float("inf")


def test_styles():
    node = load("a: plain\nb: 'single'\nc: \"double\"\nd: |\n  lit\ne: >\n  fold\n").node
    assert [node.get(k).style for k in "abcde"] == [None, "'", '"', "|", ">"]
    assert node.get("d").value == "lit\n"


def test_spans_are_one_based_with_exclusive_end():
    node = load("key: value\nlist:\n  - 'é x'\n").node
    key = node.key_node("key")
    assert key.span == Span(PATH, 1, 1, 1, 4)
    assert node.get("key").span == Span(PATH, 1, 6, 1, 11)
    item = node.get("list").items[0]
    assert (item.span.line, item.span.column, item.span.end_column) == (3, 5, 10)  # characters
    assert node.span.line == 1 and node.span.column == 1


def test_crlf_and_bom_keep_positions():
    crlf = b"a: 1\r\nb:\r\n  c: [1,\r\n    2]\r\n"
    for data in (crlf, b"\xef\xbb\xbf" + crlf):
        node = load(data).node
        two = node.get("b").get("c").items[1]
        assert two.value == 2
        assert (two.span.line, two.span.column) == (4, 5)
        assert node.key_node("a").span.column == 1


def test_utf16_with_bom():
    assert to_plain(load("a: é\n".encode("utf-16")).node) == {"a": "é"}
    assert to_plain(load("a: é\n".encode("utf-32")).node) == {"a": "é"}


def test_duplicate_keys_are_kept():
    node = load("a: 1\nb: 2\na: 3\n").node
    assert [k.value for k, _ in node.pairs] == ["a", "b", "a"]
    assert node.get("a").value == 3


def test_non_mapping_top_level_is_returned():
    assert isinstance(load("- a\n- b\n").node, Sequence)
    assert load("just text\n").node.value == "just text"


def test_empty_file_gives_no_node_and_no_finding():
    for text in ("", "# only a comment\n", "\n\n"):
        assert load(text) == LoadResult(None, [], text)


def test_explicit_empty_document_is_null():
    node = load("---\n").node
    assert isinstance(node, Scalar) and node.value is None


def test_complex_keys_become_strings():
    assert plain("? [a, b]\n: 1\n? {x: 1}\n: 2\n") == {"a,b": 1, "[object Object]": 2}


# -- CloudFormation tags ---------------------------------------------------------------------------

CFN = {"Ref": "Ref", "Condition": "Condition"} | {
    name: f"Fn::{name}" for name in "GetAtt Sub Join If Equals Not And Or Select Split Base64 GetAZs "
    "ImportValue FindInMap Cidr Length ToJsonString Transform".split()}


@pytest.mark.parametrize("short, long", sorted(CFN.items()))
def test_short_tags_become_intrinsics(short, long):
    node = load(f"a: !{short} x\nb: !{short} [x, y]\nc: !{short} {{k: v}}\n").node
    for key in "abc":
        assert isinstance(node.get(key), Intrinsic)
        assert node.get(key).function == long


def test_intrinsic_values():
    node = load("a: !Ref Bucket\nb: !If [Cond, !Ref A, !Ref AWS::NoValue]\n"
                "c: !Sub 'arn:${AWS::Partition}:s3:::${Bucket}'\nd: !GetAZs ''\n").node
    assert to_plain(node) == {
        "a": {"Ref": "Bucket"},
        "b": {"Fn::If": ["Cond", {"Ref": "A"}, {"Ref": "AWS::NoValue"}]},
        "c": {"Fn::Sub": "arn:${AWS::Partition}:s3:::${Bucket}"},
        "d": {"Fn::GetAZs": ""},
    }
    ref = node.get("a")
    assert ref.span == Span(PATH, 1, 4, 1, 15)
    assert ref.value.span == Span(PATH, 1, 9, 1, 15)  # the text after the tag


def test_getatt_scalar_is_split_at_first_dot():
    node = load("a: !GetAtt Db.Endpoint.Address\nb: !GetAtt [Db, Arn]\nc: !GetAtt NoDot\n").node
    value = node.get("a").value
    assert isinstance(value, Sequence)
    assert [item.value for item in value] == ["Db", "Endpoint.Address"]
    assert value.items[0].span == Span(PATH, 1, 12, 1, 14)
    assert value.items[1].span == Span(PATH, 1, 15, 1, 31)
    assert to_plain(node.get("b")) == {"Fn::GetAtt": ["Db", "Arn"]}
    assert to_plain(node.get("c")) == {"Fn::GetAtt": "NoDot"}


def test_unknown_tags_keep_their_node():
    node = load("a: !Foo bar\nb: !Bar [1, 2]\nc: !Baz {x: 1}\n").node
    assert node.get("a").value == "bar" and node.get("a").tag == "!Foo"
    assert to_plain(node.get("b")) == [1, 2]
    assert to_plain(node.get("c")) == {"x": 1}


# -- anchors, aliases, merge keys ------------------------------------------------------------------

def test_alias_is_the_anchored_node():
    node = load("a: &x {k: v}\nb: *x\n").node
    assert node.get("b") is node.get("a")
    assert node.get("b").span.line == 1


def test_merge_keys():
    text = ("base: &base {x: 1, y: 2}\nother: &other {y: 20, z: 30}\n"
            "one:\n  <<: *base\n  y: 3\n"
            "two:\n  <<: [*base, *other]\n"
            "three:\n  x: 0\n  <<: *base\n  w: 4\n")
    assert plain(text)["one"] == {"x": 1, "y": 3}
    assert plain(text)["two"] == {"x": 1, "y": 2, "z": 30}
    assert plain(text)["three"] == {"x": 0, "y": 2, "w": 4}
    node = load(text).node
    assert node.get("one").keys() == ["x", "y"]
    assert node.get("one").get("y").value == 3


def test_nested_merges_and_inline_merge():
    assert plain("a: &a {x: 1}\nb: &b {<<: *a, y: 2}\nc: {<<: *b, z: 3}\nd: {<<: {q: 1}}\n") == {
        "a": {"x": 1}, "b": {"x": 1, "y": 2}, "c": {"x": 1, "y": 2, "z": 3}, "d": {"q": 1}}


def test_bad_merge_value_is_reported_and_ignored():
    result = load("a: 1\nb:\n  <<: 5\n  c: 2\n")
    assert to_plain(result.node) == {"a": 1, "b": {"c": 2}}
    assert result.findings[0].span.line == 3
    assert "merge" in result.findings[0].message


def test_quoted_merge_key_is_a_plain_key():
    assert plain("a: {'<<': 1}\n") == {"a": {"<<": 1}}


def test_alias_bomb_is_stopped_quickly():
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for index in range(1, 10):
        name, previous = chr(97 + index), chr(96 + index)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 10) + "]")
    started = time.perf_counter()
    finding = only_finding("\n".join(lines) + "\n")
    assert time.perf_counter() - started < 1
    assert "alias expansion too large (possible alias bomb)" in finding.message


def test_many_small_aliases_are_fine():
    text = "base: &b {x: 1}\n" + "".join(f"k{i}: *b\n" for i in range(5000))
    assert len(load(text).node) == 5001


def test_recursive_and_unknown_aliases():
    assert "recursive alias" in only_finding("a: &a [1, *a]\n").message
    assert "recursive alias" in only_finding("a: &a {b: *a}\n").message
    finding = only_finding("a: 1\nb: *nope\n")
    assert "unknown alias" in finding.message and finding.span.line == 2


def test_anchor_can_be_redefined():
    assert plain("a: &x 1\nb: *x\nc: &x 2\nd: *x\n") == {"a": 1, "b": 1, "c": 2, "d": 2}


# -- nesting ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "[" * 10_000 + "]" * 10_000,
    "{a: " * 10_000 + "1" + "}" * 10_000,
    "".join(" " * i + "k:\n" for i in range(2_000)),  # 10,000 levels would be 47 MB
    "- " * 10_000 + "x\n",
])
def test_deep_nesting_is_reported_not_raised(text):
    started = time.perf_counter()
    finding = only_finding(text)
    assert "nesting too deep" in finding.message
    assert time.perf_counter() - started < 2


def test_nesting_up_to_the_limit_is_accepted():
    node = load("[" * MAX_DEPTH + "]" * MAX_DEPTH).node
    assert isinstance(node, Sequence)
    assert "nesting too deep" in only_finding("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)).message


# -- bad input -------------------------------------------------------------------------------------

def test_syntax_error_points_at_problem():
    finding = only_finding("a: 1\nb: [1,\n  2, x: y\n")
    assert finding.span.line == 4 and finding.span.column == 1
    assert finding.message.startswith("invalid YAML:")
    finding = only_finding("a: b: c\n")
    assert (finding.span.line, finding.span.column) == (1, 5)


def test_unclosed_quote():
    finding = only_finding("a: 'x\nb: 1\n")
    assert "invalid YAML" in finding.message


def test_tabs_for_indentation():
    for text, line, column in (("a:\n\tb: 1\n", 2, 1), ("a:\n  b: 1\n\t c: 2\n", 3, 1),
                               ("a:\n  b:\n  \t- 1\n", 3, 3), ("\tkey: 1\n", 1, 1)):
        finding = only_finding(text)
        assert finding.message == "tabs are not allowed for indentation in YAML; use spaces"
        assert (finding.span.line, finding.span.column) == (line, column)


def test_tab_inside_flow_is_fine():
    assert plain("a: [1,\n\t2]\n") == {"a": [1, 2]}


def test_invalid_utf8_points_at_first_bad_byte():
    finding = only_finding("a: 1\nbé: x\xff\n".encode("utf-8").replace(b"\xc3\xbf", b"\xff"))
    assert (finding.span.line, finding.span.column) == (2, 6)
    assert "invalid UTF-8" in finding.message and "0xff" in finding.message


def test_nul_and_control_characters():
    finding = only_finding(b"a: 1\nb: \x00\x01\x02")
    assert (finding.span.line, finding.span.column) == (2, 4)
    assert "NUL" in finding.message
    finding = only_finding("a: \x1b[0m\n")
    assert "U+001B" in finding.message


def test_binary_file():
    assert only_finding(bytes(range(256)) * 4).code == "PARSE001"


def test_file_larger_than_limit():
    finding = only_finding(b"a: 1\n" + b"#" * MAX_BYTES)
    assert "5.0 MB" in finding.message and "5 MB" in finding.message
    assert finding.span.line == 1


def test_multiple_documents_use_first_and_report():
    result = load("a: 1\n---\nb: 2\n")
    assert to_plain(result.node) == {"a": 1}
    assert len(result.findings) == 1
    assert result.findings[0].span.line == 2
    assert "second YAML document" in result.findings[0].message
    assert load("---\na: 1\n").findings == []


# -- reading files ---------------------------------------------------------------------------------

def test_reads_file_and_keeps_path(tmp_path):
    path = tmp_path / "serverless.yml"
    path.write_text("service: x\n")
    result = load_yaml(path)
    assert result.findings == [] and result.node.get("service").span.path == path
    assert result.text == "service: x\n"


@pytest.mark.parametrize("make, words", [
    (lambda p: p, "does not exist"),
    (lambda p: (p.mkdir(), p)[1], "directory"),
    (lambda p: (os.symlink(p, p), p)[1], "symbolic link loop"),
    (lambda p: (os.mkfifo(p), p)[1], "not a regular file"),
])
def test_unreadable_paths(tmp_path, make, words):
    path = make(tmp_path / "serverless.yml")
    started = time.perf_counter()
    result = load_yaml(path)
    assert time.perf_counter() - started < 1  # a FIFO must not block
    assert result.node is None
    (finding,) = result.findings
    assert finding.code == "PARSE001" and words in finding.message
    assert (finding.span.line, finding.span.column) == (1, 1)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads everything")
def test_permission_denied(tmp_path):
    path = tmp_path / "serverless.yml"
    path.write_text("a: 1\n")
    path.chmod(0)
    try:
        assert "permission denied" in load_yaml(path).findings[0].message
    finally:
        path.chmod(0o644)


def test_device_is_not_read():
    data, problem = read_source(Path("/dev/zero"))
    assert data is None and "system folder" in problem.message


# -- JSON includes ---------------------------------------------------------------------------------

def test_json_parses_with_positions():
    result = load_json_or_yaml(Path("x.json"), b'{\n  "a": {"b": [1, 2.5, true, null]}\n}')
    assert to_plain(result.node) == {"a": {"b": [1, 2.5, True, None]}}
    assert result.node.get("a").span.line == 2


def test_json_that_yaml_rejects_falls_back_to_line_one():
    data = b'\t{"a": {"b": [1, {}], "c": [], "d": "x"},\n\t"a": 2\n}'  # a tab before `{`
    result = load_json_or_yaml(Path("x.json"), data)
    assert result.findings == []
    assert [k.value for k, _ in result.node.pairs] == ["a", "a"]
    assert to_plain(result.node.pairs[0][1]) == {"b": [1, {}], "c": [], "d": "x"}
    assert all(node.span == Span.point(Path("x.json")) for _, node in walk(result.node))


def test_invalid_json_reports_yaml_error():
    result = load_json_or_yaml(Path("x.json"), b'{"a": ')
    assert result.node is None and result.findings[0].code == "PARSE001"


def test_load_json_or_yaml_reads_files(tmp_path):
    (tmp_path / "a.yml").write_text("a: [1]\n")
    assert to_plain(load_json_or_yaml(tmp_path / "a.yml").node) == {"a": [1]}
    assert load_json_or_yaml(tmp_path / "missing.json").findings[0].code == "PARSE001"


# -- properties ------------------------------------------------------------------------------------

_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def assert_well_located(result: LoadResult, text: str) -> None:
    last_line = len(_BREAKS.findall(text)) + 2  # lines + 1
    spans = [finding.span for finding in result.findings]
    spans += [node.span for _, node in walk(result.node)]
    spans += [key.span for _, node in walk(result.node) if isinstance(node, Mapping)
              for key, _ in node.pairs]
    for span in spans:
        assert 1 <= span.line <= span.end_line <= last_line, span
        assert span.column >= 1 and span.end_column >= 1
        assert (span.end_line, span.end_column) >= (span.line, span.column)
    for finding in result.findings:
        assert finding.code == "PARSE001"
        assert "internal error" not in finding.message


yaml_like = st.lists(st.sampled_from(
    ["a", "b", ":", ": ", " ", "  ", "\n", "\r\n", "\t", "- ", "[", "]", "{", "}", ",", "&x ", "*x",
     "<<: ", "!Ref ", "!GetAtt a.b", "'", '"', "#", "---\n", "|\n", "? ", "1", "é", "\x00", "${self:a}"]),
    max_size=40).map("".join)


@settings(max_examples=200, deadline=None)
@given(st.one_of(yaml_like, st.text(max_size=200)))
def test_any_text_loads_without_raising(text):
    result = load_yaml(PATH, text.encode("utf-8", errors="surrogatepass"))
    if result.text is not None:
        assert_well_located(result, result.text)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_load_without_raising(data):
    result = load_yaml(PATH, data)
    assert isinstance(result, LoadResult)
    if result.text is not None:
        assert_well_located(result, result.text)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=10),
                    lambda children: st.lists(children, max_size=4)
                    | st.dictionaries(st.text(max_size=5), children, max_size=4), max_leaves=20))
def test_json_round_trips(value):
    import json

    result = load_json_or_yaml(Path("x.json"), json.dumps(value).encode())
    assert result.findings == []
    assert to_plain(result.node) == value


# -- corpus ----------------------------------------------------------------------------------------

def test_corpus_loads_quickly():
    folders = [SHARED / "corpus" / "serverless", SHARED / "corpus" / "serverless_includes"]
    files = [f for folder in folders if folder.is_dir() for f in sorted(folder.iterdir())]
    if not files:
        pytest.skip("../shared corpus is not present")
    started = time.perf_counter()
    for path in files:
        result = load_yaml(path)
        assert all("internal error" not in f.message for f in result.findings)
        if result.text is not None:
            assert_well_located(result, result.text)
    assert time.perf_counter() - started < 10


def test_loader_uses_libyaml_when_available():
    import yaml

    if getattr(yaml, "__with_libyaml__", False):
        assert yamlload._EventParser is yaml.CBaseLoader


# -- variable-free subtrees (what variable resolution returns without a walk) ----------------------

def nodes_under(node) -> int:
    """How variable resolution counts a subtree: every node and every key, aliases in full."""
    return sum(1 + (len(current.pairs) if isinstance(current, Mapping) else 0)
               for _, current in walk(node))


def holds_variables(node) -> bool:
    for _, current in walk(node):
        strings = [current] + ([key for key, _ in current.pairs] if isinstance(current, Mapping) else [])
        if any(isinstance(s, Scalar) and isinstance(s.value, str) and "${" in s.value for s in strings):
            return True
    return False


def assert_counted(root) -> None:
    """Every mapping, list and intrinsic without `${` under it knows its size; the others do not."""
    for _, node in walk(root):
        if isinstance(node, (Mapping, Sequence, Intrinsic)):
            expected = None if holds_variables(node) else nodes_under(node)
            assert node.variable_free_size == expected, (node, expected)


@pytest.mark.parametrize("text", [
    "a: 1\nb: {c: [x, y, ~, true, 0x1F], d: !Ref R}\n",
    "a: ${self:b}\nb: {c: [x, '${opt:s}'], d: {e: f}}\n",
    "base: &b {x: 1, y: [1, 2]}\none:\n  <<: *b\n  z: 3\ntwo: *b\nthree: {<<: [*b, {q: '${opt:x}'}]}\n",
    "? [a, b]\n: 1\n? {k: v}\n: 2\nm: {? [c, d]\n: 3}\nn: {? ['${opt:x}', b]\n: 4}\n",
    "a: !GetAtt R.Arn\nb: !Sub ['${AWS::Region}-x', {}]\nc: !Join ['', [a, b]]\nd: !If [C, 1, 2]\n"
    "e: !Foo {k: v}\nf: !!str 5\ng: !Sub '${x}'\nh: [!Ref A, !GetAtt B.C]\ni: !!null '${x}'\n",
    "${opt:k}: 1\nplain: {x: 1}\nnested: {'${opt:k}': {y: 2}}\n",
    "a: {b: c, d: [e]}\nf: \"x\\x85y\"\ng: {h: '${opt:s}'}\n",  # a NEL: marks recomputed
    "a: &s ${x}\nb: {c: *s}\nd: &t plain\ne: [*t, {f: *t}]\ng: &m {k: [1]}\nh: [*m, *m]\n",
    "- [1, [2, [3, {a: b}]]]\n- '${opt:x}'\n",
])
def test_variable_free_subtrees_know_their_size(text):
    result = load(text)
    assert result.findings == []
    assert_counted(result.node)


def test_a_document_without_variables_is_counted_whole():
    node = load("a: {b: [1, 2]}\nc: !Ref D\n").node
    # root, 2 keys, {b: ...} with its key and list of 2, the intrinsic and its string
    assert node.variable_free_size == 1 + 2 + (1 + 1 + 3) + 2


def test_nodes_in_is_walk_without_the_paths():
    from lintkit.model.nodes import nodes_in

    node = load("a: &x {b: [1, !GetAtt R.Arn, {c: !Sub ['${AWS::Region}', {}]}]}\nd: *x\n"
                "e: {<<: *x, f: ~}\n").node
    assert [id(n) for n in nodes_in(node)] == [id(n) for _, n in walk(node)]
    deep = Scalar("leaf", Span.point(PATH))
    for _ in range(10_000):  # far deeper than Python's recursion limit
        deep = Sequence([deep], Span.point(PATH))
    assert len(nodes_in(deep)) == 10_001 and nodes_in(None) == []

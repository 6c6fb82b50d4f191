"""Property tests: the YAML loader, the variable resolver, the handler graph and every reporter take
generated input without an exception escaping, and what they give back keeps its contract.

Example counts come from the hypothesis profile chosen in tests/conftest.py: modest by default, so
the suite stays fast, and thousands per property with `HYPOTHESIS_PROFILE=slow pytest
tests/test_fuzz.py`.
"""
from __future__ import annotations

import io
import json
import os
import re
import shutil
import warnings
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lintkit.formats import variables
from lintkit.read import globs
from lintkit.model.diagnostics import SEVERITIES, Diagnostic
from lintkit.read.handlers import HandlerGraph
from lintkit.read.lines import LineIndex, split_lines
from lintkit.model.nodes import Mapping, Node, Scalar, Span, Unknown, walk
from lintkit.reporters import FORMATS, ReportContext, RuleInfo, render
from lintkit.reporters import statistics
from lintkit.read.sources import CALL_TYPES, SourceCache, iter_nodes
from lintkit.formats.variables import resolve
from lintkit.read.yamlload import LoadResult, load_json_or_yaml, load_yaml
from test_variables import resolve_both_ways, shape
from test_yamlload import assert_counted

SLOW = os.environ.get("HYPOTHESIS_PROFILE") == "slow"
FIXTURE_SCOPED = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


def examples(ci: int):
    """Settings for an expensive property: `ci` examples by default, the slow profile's thousands
    under HYPOTHESIS_PROFILE=slow."""
    count = settings.default.max_examples if SLOW else min(ci, settings.default.max_examples)
    return settings(max_examples=count, suppress_health_check=FIXTURE_SCOPED)


# == YAML loader ==================================================================================
YAML_TOKENS = [
    "a", "key", "provider", "1", "1e3", "0x1F", "0o17", "~", "null", "true", "yes", ":", ": ", " ",
    "  ", "    ", "\n", "\r\n", "\r", "\t", "- ", "-", "[", "]", "{", "}", ",", "? ", "&a ", "&b ",
    "*a", "*b", "<<: ", "<<: *a", "!Ref ", "!GetAtt a.b", "!Sub ", "!!str ", "!!int ", "!!binary ",
    "!Foo ", "!", "'", '"', "\\", "\\x4", "\\u12", "#", "# c\n", "---\n", "...\n", "%YAML 1.2\n",
    "|\n", "|-\n", ">+\n", "|2\n", "${self:a}", "${file(./x.yml)}", "é", "😀", "\u2028", "\x85",
    "\ufeff", "\x00", "\x07", "\x1b[31m", "\ud800",
]
yaml_ish = st.lists(st.sampled_from(YAML_TOKENS), max_size=60).map("".join)
plain_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=25)


@st.composite
def mutated_yaml(draw) -> str:
    """Valid YAML (a dumped structure, in block or flow style), then damaged in a few places."""
    text = yaml.safe_dump(draw(plain_values), allow_unicode=True,
                          default_flow_style=draw(st.sampled_from([False, True, None])))
    for _ in range(draw(st.integers(0, 4))):
        index = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 3))
        text = text[:index] + draw(st.sampled_from(YAML_TOKENS)) + text[index + cut:]
    return text


def encoded(text: str, encoding: str) -> bytes:
    if encoding == "utf-8-surrogates":  # lone surrogates become invalid UTF-8
        return text.encode("utf-8", errors="surrogatepass")
    return text.encode(encoding, errors="surrogatepass" if encoding.startswith("utf") else "replace")


def assert_well_formed(result: LoadResult, path: Path) -> None:
    assert isinstance(result, LoadResult)
    lines = None if result.text is None else len(re.split("\r\n|[\r\n\x85\u2028\u2029]", result.text))
    for finding in result.findings:
        assert finding.code == "PARSE001"
        assert "internal error" not in finding.message, finding.message
        span = finding.span
        assert span.path == path and span.line >= 1 and span.column >= 1
        assert (span.end_line, span.end_column) >= (span.line, span.column)
        if lines is not None:
            assert span.line <= lines + 1
    if result.node is not None:
        assert result.text is not None
        for count, (_, node) in enumerate(walk(result.node)):
            assert isinstance(node, Node) and node.span.line >= 1 and node.span.column >= 1
            assert node.span.line <= lines + 1
            if count > 10_000:  # aliases can make a small document a big tree: sample it
                break


@given(st.one_of(yaml_ish, mutated_yaml(), st.text()),
       st.sampled_from(["utf-8", "utf-8-surrogates", "utf-8-sig", "utf-16", "utf-32", "latin-1"]))
def test_load_yaml_takes_any_text(text, encoding):
    path = Path("serverless.yml")
    assert_well_formed(load_yaml(path, encoded(text, encoding)), path)


@given(st.binary(max_size=400))
def test_load_yaml_takes_any_bytes(data):
    for path in (Path("serverless.yml"), Path("config.json")):
        assert_well_formed(load_yaml(path, data), path)
        assert_well_formed(load_json_or_yaml(path, data), path)


@given(st.one_of(yaml_ish, mutated_yaml()))
def test_loader_knows_which_subtrees_hold_no_variables(text):
    """What variable resolution skips: a mapping, list or intrinsic knows its size exactly when no
    string under it holds `${` (aliases, merge keys, tags, complex keys included)."""
    result = load_yaml(Path("serverless.yml"), text.encode("utf-8", errors="surrogatepass"))
    if result.node is not None and sum(1 for _ in zip(range(2001), walk(result.node))) <= 2000:
        assert_counted(result.node)


@given(plain_values)
def test_yaml_of_plain_data_loads_without_findings(value):
    from lintkit.model.nodes import to_plain

    text = yaml.safe_dump({"root": value}, allow_unicode=True)
    result = load_yaml(Path("serverless.yml"), text.encode())
    assert result.findings == [] and isinstance(result.node, Mapping)
    assert to_plain(result.node).keys() == {"root"}


# == variable resolver ============================================================================
KEYS = ["a", "b", "c", "stage", "0", "list", "${opt:stage, 'a'}"]
VARIABLE_PARTS = [
    "text", "-", "/", ":", "${self:a}", "${self:b}", "${self:c.a}", "${self:list.0}", "${self:a.b.c}",
    "${self:custom.a}", "${self:${self:a}}", "${self:a}${self:a}", "${self:b}${self:b}",
    "${opt:stage}", "${opt:stage, 'dev'}", "${opt:stage, ${self:a}}", "${opt:a, ${opt:b, ${opt:c, 1}}}",
    "${env:HOME}", "${env:X, 'fallback'}", "${ssm:/db/password}", "${cf:stack.Output}",
    "${aws:region}", "${sls:stage}", "${sls:instanceId}", "${param:x}", "${strToBool(true)}",
    "${strToBool(${opt:flag})}", "${self:provider.stage}", "${file(./inc.yml)}",
    "${file(./inc.yml):k}", "${file(./inc.yml):self}", "${file(./missing.yml):k, 'd'}",
    "${file(./cycle-a.yml)}", "${file(./bad.yml)}", "${file(./empty.yml)}", "${file(./folder)}",
    "${file(./loop.yml)}", "${file(./text.txt)}", "${file(./code.js):f}", "${file(./data.json):k}",
    "${file(../outside.yml)}", "${file(/dev/zero)}", "${file(~/x.yml)}", "${file()}",
    "${file(./${opt:stage, 'inc'}.yml)}", "${AWS::Region}", "${Bucket.Arn}", "${", "}", "${self:",
    "${self:}", "${foo:bar}", "${self:a, self:b, 'c'}", "${self:a, ${self:b}}", "'", ",", " ",
]
variable_text = st.lists(st.sampled_from(VARIABLE_PARTS), min_size=1, max_size=5).map("".join)
leaves = variable_text | st.integers(-3, 3) | st.booleans() | st.none()


@st.composite
def documents(draw) -> dict:
    """A serverless.yml-like mapping whose values hold variables; some subtrees are one object used
    twice, which yaml.safe_dump writes as an anchor and an alias."""
    trees = st.recursive(leaves, lambda children: st.lists(children, max_size=3)
                         | st.dictionaries(st.sampled_from(KEYS), children, max_size=3), max_leaves=10)
    document = draw(st.dictionaries(st.sampled_from(KEYS), trees, max_size=5))
    shared = draw(st.one_of(st.none(), st.dictionaries(st.sampled_from(KEYS), leaves, min_size=1,
                                                       max_size=3)))
    if shared is not None:
        document["custom"] = {"first": shared, "second": shared}
    if draw(st.booleans()):
        provider = {"name": "aws", "stage": draw(leaves)}
        if draw(st.integers(0, 9)) == 0:
            provider["variableSyntax"] = draw(st.sampled_from(
                ["\\${([^{}]+?)}", "\\${{([^{}]+?)}}", "(", "\\${(.*)}"]))
        document["provider"] = provider
    return document


INCLUDES = {
    "inc.yml": "k: v\nself: ${self:a}\nagain: ${file(./inc.yml):k}\nlist: [1, 2]\n",
    "cycle-a.yml": "x: ${file(./cycle-b.yml)}\n",
    "cycle-b.yml": "y: ${file(./cycle-a.yml)}\n",
    "bad.yml": "a: [unclosed\n",
    "empty.yml": "",
    "text.txt": "plain text ${self:a}\n",
    "code.js": "module.exports.f = () => 1\n",
    "data.json": '{"k": "v", "n": [1, 2, {"deep": "${self:a}"}]}',
    "dev.yml": "stage: dev\n",
}


@pytest.fixture(scope="module")
def variables_project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("outer") / "project"
    root.mkdir()
    for name, text in INCLUDES.items():
        (root / name).write_text(text)
    (root / "folder").mkdir()
    os.symlink("loop.yml", root / "loop.yml")
    (root.parent / "outside.yml").write_text("secret: x\n")
    return root


@examples(ci=100)
@given(documents(), st.sampled_from([None, {"stage": "prod"}, {"stage": "${self:a}", "flag": "1"}]))
def test_resolver_takes_any_document(variables_project, document, options):
    config = variables_project / "serverless.yml"
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    loaded = load_yaml(config, text.encode())
    assert loaded.findings == [] and isinstance(loaded.node, Mapping), text
    first = resolve(loaded.node, config_path=config, project_root=variables_project, options=options)
    assert isinstance(first.document, Mapping)
    for finding in first.findings:
        assert finding.code in ("PARSE001", "PARSE002", "PARSE003", "PARSE005"), finding
        assert "internal error" not in finding.message, (finding.message, text)
        assert finding.span.line >= 1 and finding.span.column >= 1
    for count, (_, node) in enumerate(walk(first.document)):
        if count > 20_000:  # shared subtrees can make a big tree: sample it
            break
        if isinstance(node, Scalar) and isinstance(node.value, str):
            assert len(node.value) <= variables.MAX_STRING
        if isinstance(node, Unknown):
            assert node.sources and len(node.text) <= 2 * variables.MAX_STRING
    again = resolve(loaded.node, config_path=config, project_root=variables_project, options=options)
    assert again.findings == first.findings  # deterministic


@examples(ci=100)
@given(documents(), st.sampled_from([None, {"stage": "prod"}]))
def test_resolving_without_walking_unchanged_subtrees_changes_nothing(variables_project, document,
                                                                       options):
    """The resolver returns a subtree the loader found without `${` as it is: the same tree and
    findings as walking every subtree."""
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    fast, walked = resolve_both_ways(variables_project, text, options=options)
    assert shape(fast.document) == shape(walked.document), text
    assert [(f.code, f.span, f.message) for f in fast.findings] == \
        [(f.code, f.span, f.message) for f in walked.findings], text


@examples(ci=50)
@given(st.integers(1, 70), st.integers(1, 4), st.sampled_from(["${self:s%d}", "${opt:x, ${self:s%d}}"]))
def test_resolver_bounds_expansion_chains(variables_project, steps, width, reference):
    """`sN: ${self:sN-1}${self:sN-1}...`: strings that double (or more) at each step stop at the
    size bound with a finding, in bounded time."""
    lines = ["s0: lol"] + [f"s{i}: " + (reference % (i - 1)) * width for i in range(1, steps + 1)]
    config = variables_project / "serverless.yml"
    loaded = load_yaml(config, ("\n".join(lines) + "\n").encode())
    result = resolve(loaded.node, config_path=config, project_root=variables_project)
    last = result.document.get(f"s{steps}")
    if 3 * width ** steps <= variables.MAX_STRING:
        assert isinstance(last, Scalar) and len(last.value) == 3 * width ** steps
    else:
        assert isinstance(last, Unknown)
        assert any("too large" in f.message for f in result.findings)


# == handler graph ================================================================================
NAMES = ["handler", "a", "b", "db", "client", "run", "exec", "main", "helper", "Repo", "x"]
MODULES = ["./a", "./b", "./c", "./a.js", "../outside", "./missing", "@prisma/client", "pg",
           "child_process", "util", "fs", "./big", "./deep", "."]
name = st.sampled_from(NAMES)
module = st.sampled_from(MODULES)


def _expression(children):
    return st.one_of(
        st.builds("{}({})".format, name, children),
        st.builds("new {}({})".format, st.sampled_from(["PrismaClient", "Pool", "Repo", "X"]), children),
        st.builds("{}.{}({})".format, name, name, children),
        st.builds("(async ({}) => {{ {} }})".format, name, children),
        st.builds("function {}() {{ return {} }}".format, name, children),
        st.builds("{} ? {} : {}".format, name, children, children),
        st.builds("await {}".format, children),
        st.builds("{} + {}".format, children, children),
        st.builds("require({!r})".format, module),
        st.builds("import({!r})".format, module),
        st.builds("promisify({})".format, name),
        st.builds("`${{{}}}`".format, children),
    )


expressions = st.recursive(
    st.one_of(name, st.sampled_from(["1", "'s'", "'npx prisma migrate deploy'", "process.env.X",
                                     "event", "this", "null", "{}", "[]"])),
    _expression, max_leaves=8)

statement = st.one_of(
    st.builds("import {} from {!r}".format, name, module),
    st.builds("import {{ {}, {} as {} }} from {!r}".format, name, name, name, module),
    st.builds("import * as {} from {!r}".format, name, module),
    st.builds("import type {{ {} }} from {!r}".format, name, module),
    st.builds("const {} = require({!r})".format, name, module),
    st.builds("const {{ {} }} = require({!r})".format, name, module),
    st.builds("export const {} = {}".format, name, expressions),
    st.builds("export default {}".format, expressions),
    st.builds("export {{ {} as {} }}".format, name, name),
    st.builds("export * from {!r}".format, module),
    st.builds("export {{ {} }} from {!r}".format, name, module),
    st.builds("module.exports = {{ {}, {}: {} }}".format, name, name, expressions),
    st.builds("exports.{} = {}".format, name, expressions),
    st.builds("const {} = {}".format, name, expressions),
    st.builds("let {}".format, name),
    st.builds("{}".format, expressions),
    st.builds("function {}({}) {{ {} }}".format, name, name, expressions),
    st.builds("class {} extends {} {{ constructor() {{ super(); this.{} = {} }} {}() {{ return {} }} }}".format,
              name, name, name, expressions, name, expressions),
    st.builds("if ({}) {{ {} }} else {{ {} }}".format, expressions, expressions, expressions),
    st.builds("try {{ {} }} catch ({}) {{ {} }}".format, expressions, name, expressions),
    st.builds("for (const {} of {}) {{ {} }}".format, name, expressions, expressions),
    st.text(max_size=30),  # raw text: anything at all
)
source_text = st.lists(statement, max_size=12).map("\n".join)


@pytest.fixture(scope="module")
def graph_project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("graph") / "project"
    (root / "c").mkdir(parents=True)
    (root.parent / "outside.ts").write_text("export const handler = () => 1\n")
    (root / "big.js").write_bytes(b"var x = 1;\n" * 2000)  # larger than the test cache's limit
    (root / "deep.ts").write_text("export const d = " + "f(" * 400 + ")" * 400 + "\n")
    return root


GRAPH_FILES = ["handler.ts", "a.ts", "b.js", "c/index.ts", "index.tsx"]


@examples(ci=60)
@given(st.dictionaries(st.sampled_from(GRAPH_FILES), source_text, min_size=1), name)
def test_handler_graph_takes_any_source(graph_project, files, export):
    for relative in GRAPH_FILES:
        (graph_project / relative).unlink(missing_ok=True)
    for relative, text in files.items():
        (graph_project / relative).write_text(text, errors="surrogatepass")
    cache = SourceCache(max_bytes=10_000, max_depth=300)  # big.js and deep.ts are refused
    entry = cache.parse(graph_project / next(iter(files)))
    if entry is None:
        assert cache.reason(graph_project / next(iter(files)))
        return
    graph = HandlerGraph(entry, export, cache, None, graph_project)
    assert graph.files[0] is entry and len(graph.files) <= 6
    for path, reason in graph.unparsed:
        assert reason and path.name in ("big.js", "deep.ts") or path.exists()
    for file, node, steps in graph.per_invocation():
        file.span(node)
        for step in steps:
            step.label(), step.span
    exercise_files(graph)


def exercise_files(graph: HandlerGraph) -> None:
    """The per-file API rules use, on every file and every call of the graph."""
    for file in graph.files:
        file.imports, file.exports, file.top_level_definitions, file.is_esm, file.first_error_span()
        for export in list(file.exports):
            file.function_for_export(export)
            graph.resolve_export(file, export)
        for call in iter_nodes(file.root, CALL_TYPES):
            target = graph.resolve_callee(file, call)
            if target is not None:
                target[0].span(target[1])
            span = file.span(call)
            assert span.line >= 1 and span.column >= 1


@examples(ci=100)
@given(source_text, st.sampled_from(["typescript", "tsx", "javascript"]), st.integers(0, 20),
       st.integers(0, 20))
def test_inline_code_graph_takes_any_source(text, language, line_base, column_base):
    """Code embedded in YAML (`Code.ZipFile`): one file, no neighbours, positions shifted."""
    cache = SourceCache()
    entry = cache.parse_text(text, Path("serverless.yml"), language, line_base, column_base)
    graph = HandlerGraph(entry, "handler", cache)
    assert graph.files == [entry]
    for file, node, _ in graph.per_invocation():
        assert file.span(node).line > line_base
    exercise_files(graph)


@examples(ci=30)
@given(st.dictionaries(st.sampled_from(["handler.ts", "a.ts", "b.js"]), source_text, min_size=1),
       st.sampled_from(["nodejs20.x", "nodejs24.x"]))
def test_every_rule_takes_any_handler(tmp_path_factory, files, runtime):
    """The whole engine on a service whose handler sources are generated: no rule fails."""
    from datetime import date

    from lintkit.discovery import Target
    from lintkit.engine import Engine, Options

    root = tmp_path_factory.mktemp("service")
    (root / ".git").mkdir()
    (root / "prisma").mkdir()
    (root / "prisma" / "schema.prisma").write_text(
        'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n'
        'generator client {\n  provider = "prisma-client-js"\n}\n')
    (root / "serverless.yml").write_text(
        f"service: fuzz\nprovider:\n  name: aws\n  runtime: {runtime}\n  environment:\n"
        "    DATABASE_URL: ${ssm:/db/url}\nfunctions:\n"
        + "".join(f"  f{i}:\n    handler: {Path(name).with_suffix('')}.{export}\n"
                  for i, name in enumerate(files) for export in ("handler", "default", "a")))
    for relative, text in files.items():
        (root / relative).write_text(text, errors="surrogatepass")
    result = Engine(Options(as_of=date(2026, 11, 27))).run([Target(root / "serverless.yml", root)])
    assert result.internal_errors == [], result.internal_errors[0]
    shutil.rmtree(root)


# == reporters ====================================================================================
CWD = Path("/work/project")
CODES = ["PARSE001", "RUNTIME001", "SECRET001", "CLIENT001", "SUPPRESS001"]
unicode_text = st.text(st.characters(codec="utf-8"), max_size=60) | st.text(max_size=60)
path_parts = st.text(st.characters(codec="utf-8", exclude_characters="/\x00"), min_size=1, max_size=12)
paths = st.one_of(
    st.lists(path_parts, min_size=1, max_size=3).map(lambda parts: CWD.joinpath(*parts)),
    st.lists(path_parts, min_size=1, max_size=3).map(lambda parts: Path("/elsewhere").joinpath(*parts)),
    st.sampled_from([CWD / "serverless.yml", CWD / "svc" / "src" / "api.ts", CWD,
                     CWD / "a b" / "%20,:;.yml", Path("/"), CWD / "svc\udcff" / "serverless.yml",
                     CWD / "line\nbreak.ts", CWD / "carriage\rreturn" / "x.yml"]),
)
lines = st.integers(-3, 10**9) | st.integers(0, 12)
spans = st.builds(Span, paths, lines, lines, lines, lines)
# Codes and names come from rule modules (the registry checks them); everything else is arbitrary.
diagnostic = st.builds(
    Diagnostic, code=st.sampled_from(CODES) | st.from_regex(r"[A-Z]{1,8}[0-9]{0,3}", fullmatch=True),
    name=st.from_regex(r"[a-z][a-z0-9-]{0,30}", fullmatch=True),
    severity=st.sampled_from(SEVERITIES), message=unicode_text | st.text(), path=paths, line=lines,
    column=lines, end_line=lines, end_column=lines, function=st.none() | unicode_text,
    related=st.lists(spans, max_size=2))
source_lines = st.none() | st.lists(unicode_text, max_size=15)


@examples(ci=100)
@given(st.lists(diagnostic, max_size=8), st.dictionaries(paths, source_lines, max_size=4),
       st.booleans(), st.lists(paths, max_size=3), st.integers(0, 3))
def test_every_reporter_takes_any_diagnostics(diagnostics, sources, color, checked, baselined):
    rules = [RuleInfo("RUNTIME001", "deprecated-runtime", "warning", "Deprecated runtime.", "Doc.\nMore.")]
    report = ReportContext(cwd=CWD, files_checked=len(checked), rules=rules, tool_version="9.9.9",
                           read_source=sources.get, color=color, services=1, checked=checked,
                           baselined=baselined)
    for format in FORMATS:
        stream = io.StringIO()
        render(format, diagnostics, report, stream)
        text = stream.getvalue()
        text.encode("utf-8", errors="surrogateescape")  # what the CLI writes to stdout
        if format == "json":
            document = json.loads(text)
            assert len(document["diagnostics"]) == len(diagnostics)
        elif format == "sarif":
            document = json.loads(text)
            results = document["runs"][0]["results"]
            assert len(results) == len(diagnostics)
            fingerprints = [r["partialFingerprints"]["lintkitFingerprint/v1"] for r in results]
            assert len(set(fingerprints)) == len(fingerprints)
        elif format == "gitlab":
            issues = json.loads(text)
            assert len({issue["fingerprint"] for issue in issues}) == len(diagnostics)
        elif format == "junit":
            root = ElementTree.fromstring(text.encode("ascii"))
            failures = sum(int(suite.get("failures")) for suite in root.iter("testsuite"))
            assert failures == len({(d.path, d.code) for d in diagnostics})
        elif format in ("concise", "github"):  # one record per line, whatever the message holds
            records = text.split("\n")
            assert records[-1] == "" and len(records) - 1 == len(diagnostics), text
            assert format == "concise" or all(record.startswith("::") for record in records[:-1])
    for format in statistics.FORMATS:
        stream = io.StringIO()
        statistics.render(format, diagnostics, stream)
        if format == "json":
            assert sum(row["count"] for row in json.loads(stream.getvalue())) == len(diagnostics)


# == secrets in every spelling a YAML file allows (issue 9) =======================================
# The secret's characters come from an alphabet the scaffolding around it does not use (upper case,
# digits, é and the characters quoting must escape), so any of them in a shown line is a leak.
SECRET_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789é\"'\\"
_SCAFFOLD = "custom:\n  signing: {value}\n  next: plain\nafter: done\n"


@st.composite
def spelled_secrets(draw):
    """(secret, its spelling as a YAML scalar after `signing: `)."""
    # With a letter and 6 characters or more: numbers and keywords are shown as they are
    # (`TIMEOUT: 30`, `ENABLED: TRUE`), whatever the key.
    secret = draw(st.text(SECRET_ALPHABET, min_size=6, max_size=24).filter(
        lambda s: any(c.isalpha() for c in s)))
    style = draw(st.sampled_from(["double", "single", "literal", "plain"]))
    if style == "plain" or style == "literal":
        secret = ("Q" + "".join(c for c in secret if c.isalnum() and c != "é") + "Z9X7W")[:max(6, len(secret))]
    pieces = []
    for char in secret:
        if style == "double":
            form = draw(st.sampled_from(["raw", "u", "x"])) if char not in "\"\\" else "u"
            piece = {"raw": char, "u": f"\\u{ord(char):04x}", "x": f"\\x{ord(char):02x}"}[form]
        elif style == "single":
            piece = "''" if char == "'" else char
        else:
            piece = char
        pieces.append(piece)
    breaks = draw(st.sets(st.integers(1, max(1, len(pieces) - 1)), max_size=3))
    if style == "literal":
        lines = ["".join(pieces[i:j]) for i, j in zip([0, *sorted(breaks)], [*sorted(breaks), len(pieces)])]
        return secret, "|\n" + "".join(f"      {line}\n" for line in lines if line).rstrip("\n")
    text = ""
    for index, piece in enumerate(pieces):
        if index in breaks:  # `\` + line break in double quotes joins; elsewhere a break folds
            text += ("\\" if style == "double" else "") + "\n      "
        text += piece
    quote = {"double": '"', "single": "'"}.get(style, "")
    return secret, f"{quote}{text}{quote}"


@examples(ci=200)
@given(spelled_secrets())
def test_a_registered_secret_shows_no_character_in_any_source_line(case):
    from lintkit.redact import MASK, Redactor

    _, spelled = case
    path = Path("serverless.yml")
    text = _SCAFFOLD.format(value=spelled)
    result = load_yaml(path, text.encode())
    assert result.node is not None, (text, result.findings)
    scalar = dict((key.value, value) for key, value in result.node.pairs)["custom"]
    scalar = next(value for key, value in scalar.pairs if key.value == "signing")
    redactor = Redactor()
    redactor.add(scalar.value, scalar.span)
    lines = text.splitlines()
    for number in range(1, len(lines) + 1):
        shown = redactor.source_line(path, lines, number).replace(MASK, "")
        assert not set(shown) & set(SECRET_ALPHABET) - {"'", '"'}, (text, number, shown)


@examples(ci=200)
@given(spelled_secrets(), st.sampled_from(["", " junk", '" junk', "\n  bad: [", "\n\t- x"]))
def test_a_secret_named_value_shows_no_character_even_when_the_file_does_not_parse(case, junk):
    """What a PARSE001 frame may show: no rule named the secret, the patterns and the lines that
    continue a secret-named key's value must mask it in every spelling."""
    from lintkit.redact import MASK, Redactor

    _, spelled = case
    path = Path("serverless.yml")
    text = f"provider:\n  environment:\n    db_password: {spelled}{junk}\n    stage: prod\n"
    lines = text.splitlines()
    for number in range(1, len(lines) + 1):
        shown = Redactor().source_line(path, lines, number).replace(MASK, "")
        assert not set(shown) & set(SECRET_ALPHABET) - {"'", '"'}, (text, number, shown)


# -- issue 9: lone surrogates -------------------------------------------------------------------------
# Messages and function names as JSON includes, LSP clients and file names can make them: any text,
# lone surrogates (U+D800..U+DFFF) included.
any_text = st.lists(st.characters() | st.characters(categories=["Cs"]), max_size=30).map("".join)
clean_paths = st.lists(path_parts, min_size=1, max_size=3).map(lambda parts: CWD.joinpath(*parts))
surrogate_diagnostic = st.builds(
    Diagnostic, code=st.sampled_from(CODES), name=st.just("deprecated-runtime"),
    severity=st.sampled_from(SEVERITIES), message=any_text, path=clean_paths, line=lines, column=lines,
    end_line=lines, end_column=lines, function=st.none() | any_text)


def _strings(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


@given(st.lists(surrogate_diagnostic, min_size=1, max_size=6))
def test_every_report_is_valid_unicode_whatever_the_messages_hold(diagnostics):
    """Every reporter's output is valid Unicode when file names are (a lone surrogate in a message
    or function name is U+FFFD), and no JSON string holds one, not even as a `\\ud800` escape."""
    report = ReportContext(cwd=CWD, files_checked=1, tool_version="9.9.9", services=1)
    for format in FORMATS:
        stream = io.StringIO()
        render(format, diagnostics, report, stream)
        text = stream.getvalue()
        text.encode("utf-8")  # strictly
        if format in ("json", "sarif", "gitlab"):
            for string in _strings(json.loads(text)):
                string.encode("utf-8")


# -- issue 9: numbers of any length ---------------------------------------------------------------
from hypothesis import example  # noqa: E402  (here, not at the top: parallel sections merge cleanly)


@given(st.sampled_from(["", "!!int ", "!!float "]), st.sampled_from(["", "-", "+"]),
       st.sampled_from(["", "0x", "0o", "0b", "1:"]), st.text("0123456789abcdefABCDEF_.", min_size=1,
                                                              max_size=3),
       st.sampled_from([1, 2, 999, 1_000, 1_001, 4_301, 5_000]))
@example("!!int ", "", "0x", "f", 5_000)
@example("!!int ", "-", "0o", "7", 5_000)
def test_numbers_of_any_length_load_and_print(tag, sign, prefix, digits, length):
    """Plain or tagged, in any base and of any length (Python refuses to print an int of over
    4,300 digits, and hexadecimal parses past that): the loader never raises, and every value it
    gives can be printed, as messages and fingerprints do."""
    number = f"{sign}{prefix}{(digits * length)[:length]}"
    result = load_yaml(Path("serverless.yml"), f"a: {tag}{number}\n".encode())
    assert all("internal error" not in finding.message for finding in result.findings)
    if result.node is not None:
        for _, node in walk(result.node):
            if isinstance(node, Scalar):
                str(node.value)


# -- issue 9: globs that backtrack ----------------------------------------------------------------
def _regex_translation(glob: str, flavour: str) -> str:
    """The backtracking regex translation the glob automaton replaced, kept as the reference."""
    out, i = [], 0
    while i < len(glob):
        globstar = flavour == "lintkit" or i == 0 or glob[i - 1] == "/"
        if flavour == "gitignore" and globstar and glob.startswith("***", i):
            end = i  # git reads a run of stars that fills a segment as `**` (test_gitignore_git.py)
            while glob.startswith("*", end):
                end += 1
            if end == len(glob) or glob[end] == "/":
                glob = glob[:i] + glob[end - 2:]
        if glob.startswith("**/", i) and globstar:
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("**", i) and globstar and (flavour == "lintkit" or i + 2 == len(glob)):
            out.append(".*")
            i += 2
        elif flavour == "micromatch" and glob.startswith("/**", i) and i + 3 == len(glob):
            out.append("(?:/.*)?")
            i += 3
        elif glob[i] == "*":
            while glob.startswith("*", i + 1):
                i += 1
            out.append("[^/]*")
            i += 1
        elif glob[i] == "?":
            out.append("[^/]")
            i += 1
        elif glob[i] == "[" and 0 < glob.find("]", i + 2) and "/" not in glob[i:glob.find("]", i + 2)]:
            close = glob.find("]", i + 2)
            body = glob[i + 1:close]
            body = "^" + body[1:] if body[:1] in ("!", "^") else body
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = close + 1
        elif glob[i] == "\\" and i + 1 < len(glob):
            out.append(re.escape(glob[i + 1]))
            i += 2
        else:
            out.append(re.escape(glob[i]))
            i += 1
    return "".join(out)


def _recursive_brace_expansion(pattern: str) -> list[str]:
    """The recursive brace expansion the one-pass one replaced (quadratic, and deep recursion)."""
    i = 0
    while i < len(pattern):
        if pattern[i] == "\\":
            i += 2
            continue
        if pattern[i] == "{":
            depth, parts, last = 0, [], i + 1
            for j in range(i, len(pattern)):
                depth += {"{": 1, "}": -1}.get(pattern[j], 0)
                if pattern[j] == "," and depth == 1:
                    parts.append(pattern[last:j])
                    last = j + 1
                elif pattern[j] == "}" and depth == 0:
                    if parts:
                        expanded = []
                        for option in parts + [pattern[last:j]]:
                            expanded += _recursive_brace_expansion(pattern[:i] + option + pattern[j + 1:])
                            if len(expanded) >= 64:
                                break
                        return expanded[:64]
                    break
        i += 1
    return [pattern]


GLOB_PIECES = ["a", "b", ".", "/", "*", "**", "**/", "?", "[ab]", "[!a]", "[a-c]", "\\*", "-", "]", "["]
small_globs = st.lists(st.sampled_from(GLOB_PIECES), max_size=7).map("".join)
small_paths = st.lists(st.sampled_from(["a", "b", "c", ".", "/", "*", "-"]), max_size=8).map("".join)


@given(small_globs, small_paths, st.sampled_from(globs.FLAVOURS))
def test_glob_automaton_agrees_with_the_regex_translation(pattern, path, flavour):
    if flavour == "micromatch":
        pattern = pattern.removeprefix("./")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # "possible nested set" in `[[`
            reference = re.compile(_regex_translation(pattern, flavour))
    except re.error:  # the regex translation failed on it: the automaton takes it, nothing to compare
        return
    assert globs.glob_matches(pattern, path, flavour) is (reference.fullmatch(path) is not None)


@given(st.lists(st.sampled_from(["a", "b", ",", "{", "}", "{a,b}", "/"]), max_size=12).map("".join))
def test_one_pass_brace_expansion_agrees_with_the_recursive_one(pattern):
    assert globs._expand_braces(pattern) == _recursive_brace_expansion(pattern)


# -- issue 9: line numbers that shift -------------------------------------------------------------
LINE_PIECES = ["a", "é", "😀", "\n", "\r\n", "\r", "\f", "\v", "\x1c", "\x1d", "\x1e", "\x85",
               "\u2028", "\u2029", " ", "\t"]


@given(st.lists(st.sampled_from(LINE_PIECES), max_size=40).map("".join))
def test_line_index_and_split_lines_agree_on_every_character(text):
    lines, index = split_lines(text), LineIndex(text)
    for offset, character in enumerate(text):
        line, column = index.position(offset)
        if character not in "\r\n":
            assert lines[line - 1][column - 1] == character


# == issue 9: the one door to the file system =======================================================
# A project of a few names, each a file, a folder, a FIFO or a symbolic link (relative or absolute,
# to a name in the project, to one outside it, to /dev/zero or /proc/self/environ): whatever the
# links make of it, reading a name gives the bytes of a regular file inside the project, or refuses.
LINK_NAMES = ["a", "b", "d/c", "d/e", "../out", "../outdir/x", "/dev/zero", "/proc/self/environ"]
project_entries = st.dictionaries(
    st.sampled_from(["a", "b", "d/c", "d/e"]),
    st.one_of(st.just(("file",)), st.just(("fifo",)), st.just(("dir",)),
              st.tuples(st.just("link"), st.sampled_from(LINK_NAMES), st.booleans())),
    max_size=4)


@examples(60)
@given(entries=project_entries)
def test_reads_through_any_links_stay_inside_the_project(tmp_path_factory, entries):
    from lintkit.read.files import Refused, confined_to, read_bytes

    base = tmp_path_factory.mktemp("links")
    project = base / "project"
    (project / "d").mkdir(parents=True)
    (base / "out").write_text("OUTSIDE")
    (base / "outdir").mkdir()
    (base / "outdir" / "x").write_text("OUTSIDE")
    for name, (kind, *link) in entries.items():
        path = project / name
        if kind == "file":
            path.write_text(f"inside {name}")
        elif kind == "fifo":
            os.mkfifo(path)
        elif kind == "dir":
            path.mkdir()
        else:
            target, absolute = link
            if target.startswith("/"):
                destination = target
            else:
                destination = str((project / target) if absolute else os.path.relpath(
                    project / target, path.parent))
            os.symlink(destination, path)
    with confined_to(project):
        for name in entries:
            try:
                data = read_bytes(project / name)
            except Refused as refusal:
                assert "OUTSIDE" not in refusal.reason
                continue
            assert data.startswith(b"inside ")
            real = os.path.realpath(project / name)
            assert real.startswith(os.path.realpath(project) + os.sep)

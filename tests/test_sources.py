"""lintkit.read.sources: parsing, spans, imports, exports and the source cache."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from lintkit.read.sources import (
    MAX_SOURCE_BYTES, SourceCache, SourceFile, callee_name, iter_nodes, language_for,
    string_value, walk,
)

DATA = Path(__file__).parent / "data" / "handlers"
EXPORTS = DATA / "exports"


def parse(code: str, name: str = "x.ts", **kwargs) -> SourceFile:
    language = kwargs.pop("language", language_for(name))
    return SourceCache().parse_text(code, Path(name), language, **kwargs)


def first(source: SourceFile, *types: str):
    return next(iter_nodes(source.root, set(types)))


def imports_of(code: str, name: str = "x.ts"):
    return [(i.module, i.kind, i.bindings, i.type_only) for i in parse(code, name).imports]


# -- languages and lazy loading --------------------------------------------------------------------
@pytest.mark.parametrize("name, language", [
    ("a.ts", "typescript"), ("a.mts", "typescript"), ("a.cts", "typescript"), ("a.tsx", "tsx"),
    ("a.js", "javascript"), ("a.mjs", "javascript"), ("a.cjs", "javascript"),
    ("a.jsx", "javascript"), ("a.TS", "typescript"), ("Makefile", "javascript"),
])
def test_language_by_extension(name, language):
    assert language_for(name) == language


def test_grammars_load_only_when_a_file_is_parsed():
    code = ("import sys, lintkit.read.sources as s, lintkit.read.handlers, lintkit.read.tsconfig\n"
            "before = 'tree_sitter' in sys.modules\n"
            "s.SourceCache().parse_text('x()', 'a.js')\n"
            "print(before, 'tree_sitter' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=Path(__file__).parent.parent, check=True).stdout
    assert out.split() == ["False", "True"]


def test_tsx_and_jsx_parse_without_errors():
    cache = SourceCache()
    for name in ("component.tsx", "jsx_module.jsx"):
        source = cache.parse(EXPORTS / name)
        assert not source.has_errors, name


# -- spans -----------------------------------------------------------------------------------------
def test_span_is_one_based_with_exclusive_end():
    source = parse("const a = 1\nfoo(bar)\n")
    call = first(source, "call_expression")
    span = source.span(call)
    assert (span.line, span.column, span.end_line, span.end_column) == (2, 1, 2, 9)
    assert source.node_text(call) == "foo(bar)"


def test_span_columns_count_characters_not_bytes():
    path = DATA / "unicode.ts"
    source = SourceCache().parse(path)
    new = first(source, "new_expression")
    line = path.read_text(encoding="utf-8").splitlines()[1]
    column = line.index("new PrismaClient()") + 1
    assert len(line.encode()) > len(line)
    span = source.span(new)
    assert (span.line, span.column) == (2, column)
    assert span.end_column == column + len("new PrismaClient()")
    assert source.node_text(new) == "new PrismaClient()"


def test_span_of_node_spanning_lines_after_non_ascii():
    source = parse("const s = 'é'; f(\n  'ü', x)\n")
    call = first(source, "call_expression")
    span = source.span(call)
    assert (span.line, span.column, span.end_line, span.end_column) == (1, 16, 2, 10)


def test_byte_order_mark_is_not_a_column():
    source = SourceFile.from_bytes(Path("bom.js"), "\ufefffoo()".encode("utf-8"))
    span = source.span(first(source, "call_expression"))
    assert (span.line, span.column) == (1, 1)


def test_bases_shift_every_position():
    source = parse("a()\n  b()\n", "inline.js", line_base=10, column_base=4)
    calls = list(iter_nodes(source.root, {"call_expression"}))
    assert [(source.span(c).line, source.span(c).column) for c in calls] == [(11, 5), (12, 7)]
    assert source.embedded


# -- syntax errors --------------------------------------------------------------------------------
def test_syntax_errors_are_reported_with_a_position():
    source = SourceCache().parse(DATA / "broken" / "broken.ts")
    assert source.has_errors
    span = source.first_error_span()
    assert span is not None and span.path == DATA / "broken" / "broken.ts"
    assert (span.line, span.column) == (1, 1)  # the unclosed handler: the whole export
    assert span.end_line == span.line and span.end_column > span.column


def test_clean_file_has_no_errors():
    source = SourceCache().parse(EXPORTS / "esm_const.ts")
    assert not source.has_errors
    assert source.first_error_span() is None


def test_missing_node_counts_as_error():
    source = parse("foo(1, 2")
    assert source.has_errors
    assert source.first_error_span().line == 1


# -- imports --------------------------------------------------------------------------------------
def test_esm_imports():
    code = """
import def from 'a'
import { x, y as z } from 'b'
import * as ns from 'c'
import type { T } from 'd'
import { type U, v } from 'e'
import def2, * as ns2 from 'f'
import 'side-effect'
import g = require('g')
"""
    source = parse(code)
    found = [(i.module, i.kind, i.bindings, i.type_only) for i in source.imports]
    assert found == [
        ("a", "esm", {"def": "default"}, False),
        ("b", "esm", {"x": "x", "z": "y"}, False),
        ("c", "esm", {"ns": "*"}, False),
        ("d", "esm", {"T": "T"}, True),
        ("e", "esm", {"U": "U", "v": "v"}, False),
        ("f", "esm", {"def2": "default", "ns2": "*"}, False),
        ("side-effect", "esm", {}, False),
        ("g", "cjs", {"g": "*"}, False),
    ]
    assert source.imports[4].type_names == {"U"}
    assert "U" not in source.bindings and "v" in source.bindings and "T" not in source.bindings


def test_reexports_are_imports():
    found = imports_of("export { a as b } from './x'\nexport * from './y'\n"
                       "export * as ns from './z'\nexport type { T } from './t'\n")
    assert found == [("./x", "esm", {}, False), ("./y", "esm", {}, False),
                     ("./z", "esm", {}, False), ("./t", "esm", {}, True)]


def test_commonjs_and_dynamic_imports():
    code = """
const whole = require('a')
const { b, c: d, e = 1 } = require('b')
const f = require('c').foo
require('d')
require('e').bar()
const g = require(`f`)
const h = require(`./x/${name}`)
async function load() {
  const mod = await import('g')
  const { k } = await import('h')
  const def = (await import('i')).default
  import('j').then((m) => m)
}
"""
    found = imports_of(code, "x.js")
    assert found == [
        ("a", "cjs", {"whole": "*"}, False),
        ("b", "cjs", {"b": "b", "d": "c", "e": "e"}, False),
        ("c", "cjs", {"f": "foo"}, False),
        ("d", "cjs", {}, False),
        ("e", "cjs", {}, False),
        ("f", "cjs", {"g": "*"}, False),
        ("g", "dynamic", {"mod": "*"}, False),
        ("h", "dynamic", {"k": "k"}, False),
        ("i", "dynamic", {"def": "default"}, False),
        ("j", "dynamic", {}, False),
    ]


def test_import_nodes_point_at_statement_or_call():
    source = parse("import a from 'a'\nconst b = require('b')\n")
    esm, cjs = source.imports
    assert esm.node.type == "import_statement"
    assert cjs.node.type == "call_expression" and source.node_text(cjs.node) == "require('b')"
    assert source.node_text(cjs.source) == "'b'"


# -- exports --------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, export, kind", [
    ("esm_const.ts", "handler", "arrow_function"),
    ("esm_function.ts", "handler", "function_declaration"),
    ("esm_async_function.ts", "handler", "function_declaration"),
    ("esm_alias.ts", "handler", "arrow_function"),
    ("esm_specifier.ts", "handler", "function_declaration"),
    ("esm_default.ts", "default", "function_expression"),
    ("esm_default_ident.ts", "default", "arrow_function"),
    ("esm_module.mjs", "handler", "function_declaration"),
    ("cjs_exports.js", "handler", "arrow_function"),
    ("cjs_module_exports_member.js", "handler", "function_expression"),
    ("cjs_shorthand.js", "handler", "function_declaration"),
    ("cjs_pair.js", "handler", "arrow_function"),
    ("cjs_method.js", "handler", "method_definition"),
    ("cjs_whole.js", "module.exports", "function_expression"),
    ("ts_export_assign.ts", "handler", "function_declaration"),
    ("middy.ts", "handler", "arrow_function"),
    ("wrap_inline.ts", "handler", "arrow_function"),
    ("component.tsx", "handler", "arrow_function"),
])
def test_local_export_forms(name, export, kind):
    source = SourceCache().parse(EXPORTS / name)
    assert source.has_export(export)
    function = source.function_for_export(export)
    assert function is not None and function.type == kind


def test_export_class_is_an_export_but_not_a_function():
    source = SourceCache().parse(EXPORTS / "esm_class.ts")
    assert source.has_export("Handler")
    assert source.definition("Handler").type == "class_declaration"
    assert source.function_for_export("Handler") is None


def test_alias_definition_follows_to_local_function():
    source = SourceCache().parse(EXPORTS / "esm_alias.ts")
    assert source.export_local("handler") == "impl"
    assert source.definition("handler").type == "arrow_function"
    assert "impl" not in source.exports


def test_wrapper_keeps_value_but_unwraps_function():
    source = SourceCache().parse(EXPORTS / "middy.ts")
    assert source.definition("handler").type == "call_expression"
    function = source.function_for_export("handler")
    assert source.span(function).line == 4  # baseHandler


def test_reexports_are_recorded():
    cache = SourceCache()
    reexport = cache.parse(EXPORTS / "reexport_alias.ts")
    assert reexport.has_export("handler")
    imp, imported = reexport.reexports["handler"]
    assert (imp.module, imported) == ("./impl/real", "main")
    star = cache.parse(EXPORTS / "star.ts")
    assert not star.has_export("handler")
    assert [imp.module for imp in star.star_reexports] == ["./impl/real"]


def test_imported_alias_stays_for_the_graph():
    source = SourceCache().parse(EXPORTS / "imported_alias.ts")
    assert source.has_export("handler")
    assert source.definition("handler").type == "export_specifier"
    assert source.function_for_export("handler") is None


def test_missing_export():
    source = SourceCache().parse(EXPORTS / "esm_const.ts")
    assert not source.has_export("main")
    assert source.definition("main") is None
    assert source.function_for_export("main") is None


def test_commonjs_object_exports_list_every_property():
    source = SourceCache().parse(EXPORTS / "cjs_pair.js")
    assert {"handler", "other", "module.exports"} <= set(source.exports)
    assert not source.is_esm


def test_chained_commonjs_assignment():
    source = parse("exports.a = exports.b = function () {}\nmodule.exports = exports = { c }\n"
                   "function c() {}\n", "x.js")
    assert {"a", "b", "c", "module.exports"} <= set(source.exports)
    assert source.function_for_export("c").type == "function_declaration"


def test_top_level_definitions():
    source = parse("""
import { x } from 'x'
function f() {}
class C {}
const arrow = () => 1, value = 2
let pending
export const exported = async () => {}
export default function named() {}
export class D {}
if (x) { const hidden = 1 }
""")
    defs = source.top_level_definitions
    assert {"f", "C", "arrow", "value", "pending", "exported", "named", "D"} == set(defs)
    assert defs["arrow"].type == "arrow_function"
    assert defs["pending"].type == "variable_declarator"
    assert defs["C"].type == "class_declaration"


# -- helpers --------------------------------------------------------------------------------------
def test_string_value():
    source = parse("""
a('plain', "dq\\n\\u0041\\x42", `tpl`, `cmd ${x} --flag`, 'a' + "b" + `c`, x + 'y', 42)
""")
    args = first(source, "arguments").named_children
    assert [string_value(source, a) for a in args] == [
        "plain", "dq\nAB", "tpl", "cmd ${x} --flag", "abc", None, None]


def test_callee_name():
    source = parse("""
execSync('x'); child_process.execSync('y'); fs.promises.writeFile(p); this.connect()
require('child_process').execSync('z'); new PrismaClient(); new pg.Pool(); a?.b!()
fs['writeFileSync'](x)
factory()(); (await import('x')).run()
""")
    calls = [n for n in iter_nodes(source.root, {"call_expression", "new_expression"})]
    names = [callee_name(c) for c in calls]
    assert names[:10] == [
        "execSync", "child_process.execSync", "fs.promises.writeFile", "this.connect",
        "require(...).execSync", "require", "PrismaClient", "pg.Pool", "a.b", "fs.writeFileSync"]
    assert "factory(...)" in names and "(...).run" in names


def test_walk_is_document_order_and_can_skip_subtrees():
    source = parse("function f() { g() }\nh()\n")
    names = [source.node_text(n) for n in walk(source.root) if n.type == "identifier"]
    assert names == ["f", "g", "h"]
    shallow = [source.node_text(n) for n in
               walk(source.root, lambda n: n.type != "function_declaration")
               if n.type == "identifier"]
    assert shallow == ["h"]


def test_ancestors_and_contains():
    source = parse("function f() { return () => g() }")
    call = first(source, "call_expression")
    types = [a.type for a in source.ancestors(call)]
    assert types[0] == "program" and types[-1] == "arrow_function"
    assert source.parent(call).type == "arrow_function"
    assert source.contains(call)
    assert not parse("g()").contains(call)


# -- the cache -------------------------------------------------------------------------------------
def test_cache_parses_each_file_once(tmp_path):
    path = tmp_path / "a.ts"
    path.write_text("export const handler = 1\n")
    link = tmp_path / "link.ts"
    link.symlink_to(path)
    cache = SourceCache()
    source = cache.parse(path)
    assert cache.parse(path) is source
    assert cache.parse(link) is source


def test_cache_skips_unusable_files(tmp_path):
    cache = SourceCache(max_bytes=100)
    big = tmp_path / "big.js"
    big.write_text("x();\n" * 100)
    binary = tmp_path / "bin.js"
    binary.write_bytes(b"\x00\x01\x02 binary")
    loop = tmp_path / "loop.ts"
    loop.symlink_to(tmp_path / "loop2.ts")
    (tmp_path / "loop2.ts").symlink_to(loop)
    folder = tmp_path / "folder.ts"
    folder.mkdir()
    for path in (big, binary, loop, folder, tmp_path / "missing.ts"):
        assert cache.parse(path) is None
        assert cache.reason(path)
    assert "too large" in cache.reason(big)
    assert "binary" in cache.reason(binary)


def test_default_size_limit():
    assert MAX_SOURCE_BYTES >= 1_000_000


def test_parse_text_is_cached_per_position():
    cache = SourceCache()
    a = cache.parse_text("x()", Path("s.yml"), line_base=3)
    assert cache.parse_text("x()", Path("s.yml"), line_base=3) is a
    assert cache.parse_text("x()", Path("s.yml"), line_base=9) is not a


# -- robustness ------------------------------------------------------------------------------------
def test_deep_nesting_does_not_recurse():
    depth = 10_000
    code = "export const handler = async () => " + "cb(() => " * depth + "new X()" + ")" * depth
    source = parse(code)
    assert not source.has_errors
    calls = list(iter_nodes(source.root, {"call_expression"}))
    assert len(calls) == depth
    new = first(source, "new_expression")
    assert len(source.ancestors(new)) > depth
    assert source.span(new).line == 1
    chain = "a" + ".b" * 5000
    long = parse(f"{chain}(); const s = " + " + ".join(["'x'"] * 5000))
    assert callee_name(first(long, "call_expression")) == chain
    value = first(long, "variable_declarator").child_by_field_name("value")
    assert string_value(long, value) == "x" * 5000


def test_large_minified_bundle_is_fast():
    parts = [f"function f{i}(a,b){{var c=require('m{i % 50}');if(a>b){{return c.x(a,b,[1,2,3],"
             f"{{k:'v{i}'}})}}else{{return (x)=>x*{i}+f{i}(b,a)}}}}" for i in range(40_000)]
    text = ";".join(parts).encode()
    assert len(text) > 4_500_000
    start = time.perf_counter()
    source = SourceFile.from_bytes(Path("bundle.js"), text)
    assert len(source.imports) == 40_000
    assert len(source.exports) == 0 and len(source.top_level_definitions) == 40_000
    news = sum(1 for _ in iter_nodes(source.root, {"call_expression", "new_expression"}))
    assert news > 100_000
    # seconds, even on a loaded machine; quadratic code would take minutes
    assert time.perf_counter() - start < 60


# The query `_loader_calls` replaced (a tree-sitter query costs 3-10 ms a grammar to compile): the
# oracle its answers are held to.
LOADER_QUERY = """
((call_expression function: (identifier) @fn
   arguments: (arguments . [(string) (template_string)] @source)) @call
 (#eq? @fn "require"))
((call_expression function: (import)
   arguments: (arguments . [(string) (template_string)] @source)) @call)
"""
LOADER_SAMPLES = [
    "const a = require('a'); const b = require(`b`); const { c } = require(\"c\").x;",
    "async function f() { const m = await import('m'); return import(`./${name}`); }",
    "obj.require('no'); $require('no'); requireAll('no'); require(name); import(name);",
    "// require('in a comment')\nconst s = \"require('in a string')\"; require(/* c */ 'x');",
    "import def from 'esm'; export * from 'again'; const lazy = () => import('lazy');",
    "const t: Type = require('typed') as Type; import type { X } from 'types';",
]


def _query_loader_calls(language: str, root) -> list[tuple[int, int]]:
    from tree_sitter import Query, QueryCursor

    from lintkit.read.sources import _language

    matches = QueryCursor(Query(_language(language), LOADER_QUERY)).matches(root)
    return sorted((c["call"][0].start_byte, c["source"][0].start_byte) for _, c in matches)


def _loader_call_offsets(text: bytes, root) -> list[tuple[int, int]]:
    from lintkit.read.sources import _loader_calls

    return [(call.start_byte, source.start_byte) for call, source in _loader_calls(text, root)]


@pytest.mark.parametrize("language", ["javascript", "typescript", "tsx"])
@pytest.mark.parametrize("sample", LOADER_SAMPLES)
def test_loader_calls_are_the_calls_the_query_finds(language, sample):
    from lintkit.read.sources import _parser

    text = sample.encode()
    root = _parser(language).parse(text).root_node
    assert _loader_call_offsets(text, root) == _query_loader_calls(language, root)


SOURCE_SUFFIXES = {".js", ".cjs", ".mjs", ".jsx", ".ts", ".cts", ".mts", ".tsx"}


def test_loader_calls_agree_with_the_query_on_real_projects(shared):
    from lintkit.read.sources import _parser, language_for

    checked = 0
    for path in sorted((shared / "realworld").rglob("*")):
        if path.suffix not in SOURCE_SUFFIXES or not path.is_file() or path.stat().st_size > 1_000_000:
            continue
        language = language_for(path)
        text = path.read_bytes()
        root = _parser(language).parse(text).root_node
        assert _loader_call_offsets(text, root) == _query_loader_calls(language, root), path
        checked += 1
    assert checked > 50

"""lintkit.read.lines: one definition of a line (\\n, \\r\\n or a lone \\r) for positions, frames and
suppressions, and the loaders that convert their parsers' positions to it."""
from pathlib import Path

import pytest

from lintkit.engine import SourceLines
from lintkit.read.lines import LineIndex, has_lone_cr, line_end, split_lines
from lintkit.read.sources import SourceFile, iter_nodes
from lintkit.suppress import parse_suppressions
from lintkit.read.yamlload import load_yaml

NOT_BREAKS = ["\f", "\v", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


@pytest.mark.parametrize("text, lines", [
    ("a\nb\r\nc\rd", ["a", "b", "c", "d"]),
    ("a\n", ["a"]),
    ("a\n\n", ["a", ""]),
    ("", []),
    ("\r\r\n", ["", ""]),
    ("".join(NOT_BREAKS) + "\n", ["".join(NOT_BREAKS)]),
])
def test_split_lines(text, lines):
    assert split_lines(text) == lines


def test_line_index_counts_the_same_breaks_in_text_and_bytes():
    text = "a\u2028b\rc\r\nd\x85e\n"
    index = LineIndex(text)
    assert [index.position(text.index(ch)) for ch in "abcde"] == [(1, 1), (1, 3), (2, 1), (3, 1), (3, 3)]
    data = text.encode()
    assert LineIndex(data).position(data.index(b"d")) == (3, 1)
    assert line_end(text, 0) == text.index("\r") and line_end("ab", 1) == 2
    assert has_lone_cr("a\rb") and not has_lone_cr("a\r\nb") and has_lone_cr(b"\r\n\r")


@pytest.mark.parametrize("separator", ["\x85", "\u2028", "\u2029"])
def test_yaml_positions_do_not_count_unicode_line_separators(tmp_path, separator):
    path = tmp_path / "serverless.yml"
    path.write_text(f'a: "x{separator}y"\nb: 1\n', newline="")
    node = load_yaml(path).node
    key, value = node.pairs[1]
    assert (key.span.line, key.span.column, value.span.column) == (2, 1, 4)


def test_yaml_syntax_error_after_a_separator_is_on_its_line(tmp_path):
    path = tmp_path / "serverless.yml"
    path.write_text('a: "x\u2028y"\nb: [\n', newline="")
    finding = load_yaml(path).findings[0]
    assert finding.span.line == 3


def test_tree_sitter_rows_count_a_lone_carriage_return():
    source = SourceFile.from_bytes(Path("a.ts"), "const a = 1;\rconst b = '\u2028é'; f()\n".encode())
    call = next(iter_nodes(source.root, {"call_expression"}))
    span = source.span(call)
    assert (span.line, span.column, span.end_column) == (2, 17, 20)


def test_source_lines_and_suppressions_use_the_same_lines(tmp_path):
    path = tmp_path / "a.ts"
    path.write_text("x('\f\u2028\x85')\r// lintkit: ignore[CLIENT001]\ny()\n", newline="")
    source_lines = SourceLines()
    source_lines.add_root(tmp_path)  # only files inside the run's projects are shown
    lines = source_lines(path)
    assert lines == ["x('\f\u2028\x85')", "// lintkit: ignore[CLIENT001]", "y()"]
    suppression, = parse_suppressions(path, lines, ("//",))
    assert suppression.line == 2 and suppression.applies_to_lines == {2, 3}

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lintkit.read.dotenv import find_env_files, is_template_env, parse_dotenv
from lintkit.read.lines import LINE_BREAK, LineIndex
from lintkit.model.nodes import Span

P = Path(".env")


def at(line, column, end_line, end_column):
    return Span(P, line, column, end_line, end_column)


def test_simple_entries_with_positions():
    env = parse_dotenv(P, "A=1\n# comment\n\nexport B = two\nC: three\n")
    assert [(e.key, e.value, e.exported) for e in env.entries] == [
        ("A", "1", False), ("B", "two", True), ("C", "three", False)]
    a, b, c = env.entries
    assert (a.key_span, a.value_span) == (at(1, 1, 1, 2), at(1, 3, 1, 4))
    assert (b.key_span, b.value_span) == (at(4, 8, 4, 9), at(4, 12, 4, 15))
    assert c.value_span == at(5, 4, 5, 9)
    assert env.error is None and env.skipped == []


def test_inline_comments_only_after_whitespace():
    env = parse_dotenv(P, "A=value # note\nB=pa#ss\nC=#x\nD=  spaced  \n")
    assert env.as_dict() == {"A": "value", "B": "pa#ss", "C": "", "D": "spaced"}
    assert env.get("A").value_span == at(1, 3, 1, 8)
    assert env.get("D").value_span == at(4, 5, 4, 11)


def test_quoted_values():
    text = "A='single # not comment'\nB=\"dq \\n esc \\\" q\" # c\nC=`tick`\nD=\"\"\n"
    env = parse_dotenv(P, text)
    assert env.as_dict() == {"A": "single # not comment", "B": 'dq \n esc " q', "C": "tick", "D": ""}
    assert [e.quoted for e in env.entries] == ["'", '"', "`", '"']
    assert env.get("A").value_span == at(1, 4, 1, 24)
    assert env.get("B").value_span == at(2, 4, 2, 18)
    assert env.get("D").value_span == at(4, 4, 4, 4)


def test_single_quotes_keep_backslashes():
    assert parse_dotenv(P, r"A='a\nb'").get("A").value == r"a\nb"


def test_multiline_double_quoted_value():
    text = 'KEY="-----BEGIN KEY-----\nabc\n-----END KEY-----"\nNEXT=1\n'
    env = parse_dotenv(P, text)
    assert env.get("KEY").value == "-----BEGIN KEY-----\nabc\n-----END KEY-----"
    assert env.get("KEY").value_span == at(1, 6, 3, 18)
    assert env.get("NEXT").key_span == at(4, 1, 4, 5)


def test_crlf_and_bom():
    env = parse_dotenv(P, '\ufeffA=1\r\nB="x\r\ny"\r\nC=3 # c\r\n')
    assert env.as_dict() == {"A": "1", "B": "x\ny", "C": "3"}
    assert env.get("A").key_span == at(1, 1, 1, 2)
    assert env.get("C").value_span == at(4, 3, 4, 4)


def test_unterminated_quote_reads_the_rest_of_the_line():
    env = parse_dotenv(P, 'A="open value\nB=2\n')
    assert env.get("A").value == "open value"
    assert env.get("A").value_span == at(1, 4, 1, 14)
    assert env.get("B").value == "2"


def test_bad_lines_are_skipped_and_last_definition_wins():
    env = parse_dotenv(P, "not a line\n=x\nA=1\nA=2\n1BAD=3\n")
    assert env.skipped == [1, 2, 5]
    assert env.get("A").value == "2" and env.as_dict() == {"A": "2"}
    assert len(env.entries) == 2


def test_database_url_value_span_points_at_the_url():
    text = 'DATABASE_URL="postgresql://admin:hunter2@db.example.com:5432/app"\n'
    entry = parse_dotenv(P, text).get("DATABASE_URL")
    assert entry.value.startswith("postgresql://")
    assert entry.value_span.column == 15
    assert entry.value_span.end_column == 15 + len(entry.value)


def test_read_from_disk_and_errors(tmp_path):
    good = tmp_path / ".env"
    good.write_text("A=1\n", encoding="utf-8")
    assert parse_dotenv(good).as_dict() == {"A": "1"}
    binary = tmp_path / ".env.bin"
    binary.write_bytes(b"A=\x00\x01")
    assert parse_dotenv(binary).error and parse_dotenv(binary).entries == []
    latin = tmp_path / ".env.latin"
    latin.write_bytes(b"A=caf\xe9")
    assert parse_dotenv(latin).error
    assert parse_dotenv(tmp_path / ".env.missing").error


def test_find_env_files(tmp_path):
    for name in [".env.production", ".env", ".env.example", ".envrc", "env", ".env.local"]:
        (tmp_path / name).write_text("A=1\n")
    (tmp_path / ".env.d").mkdir()
    assert [p.name for p in find_env_files(tmp_path)] == [".env", ".env.example", ".env.local", ".env.production"]
    assert find_env_files(tmp_path / "missing") == []


@pytest.mark.parametrize("name, template", [
    (".env.example", True), (".env.sample", True), (".env.template", True), (".env.dist", True),
    (".env.local.example", True), (".env.EXAMPLE", True), (".env", False), (".env.production", False),
    (".env.local", False), (".env.test", False),
])
def test_is_template_env(name, template):
    assert is_template_env(Path(name)) is template


def test_line_index():
    index = LineIndex("ab\r\ncd\n", P)
    assert index.position(0) == (1, 1)
    assert index.position(4) == (2, 1)
    assert index.span(4, 6) == at(2, 1, 2, 3)
    assert index.position(999) == (3, 1)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(list("AB_=:'\"`#\\ \t\r\nxé") + ["export "]), max_size=80).map("".join)
       | st.text(max_size=200))
def test_parse_never_raises_and_spans_are_inside(text):
    env = parse_dotenv(P, text)
    body = text[1:] if text.startswith("\ufeff") else text
    lines = LINE_BREAK.split(body)  # lintkit's lines: a lone \r ends one too
    for entry in env.entries:
        for span in (entry.key_span, entry.value_span):
            assert 1 <= span.line <= span.end_line <= len(lines)
            assert 1 <= span.column <= len(lines[span.line - 1]) + 1
            assert 1 <= span.end_column <= len(lines[span.end_line - 1]) + 1
        key_line = lines[entry.key_span.line - 1]
        assert key_line[entry.key_span.column - 1:entry.key_span.end_column - 1] == entry.key

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lintkit.model.diagnostics import Diagnostic
from lintkit.suppress import apply_suppressions, matches, parse_suppressions, unused_finding

YAML = Path("serverless.yml")


def parse(text, path=YAML, prefixes=("#",)):
    return parse_suppressions(path, text.splitlines(), prefixes)


def diagnostic(line, code="SECRET001", name="plaintext-database-password", path=YAML):
    return Diagnostic(code, name, "error", "m", path, line, 1, line, 2)


def test_trailing_comment_applies_to_its_own_line():
    (s,) = parse("a: 1\nDATABASE_URL: x  # lintkit: ignore[SECRET001] local docker db\nb: 2\n")
    assert (s.line, s.applies_to_lines, s.file_wide) == (2, {2}, False)
    assert s.selectors == ["SECRET001"]
    assert s.reason == "local docker db"


def test_standalone_comment_applies_to_next_code_line():
    text = "a: 1\n  # lintkit: ignore[SECRET001, VPC001] -- reason\n\n  # another comment\n  b: 2\n"
    (s,) = parse(text)
    assert s.applies_to_lines == {2, 5}
    assert s.selectors == ["SECRET001", "VPC001"]
    assert s.reason == "reason"


def test_span_covers_the_directive():
    line = "x: 1 # lintkit: ignore[SECRET] why"
    (s,) = parse(line)
    assert line[s.span.column - 1 : s.span.end_column - 1] == "lintkit: ignore[SECRET] why"
    assert s.span.line == s.span.end_line == 1


def test_file_wide():
    (s,) = parse("a: 1\n# lintkit: ignore-file[CONFIG004, missing-log-retention]\n")
    assert s.file_wide and s.applies_to_lines == set()
    assert s.selectors == ["CONFIG004", "missing-log-retention"]


@pytest.mark.parametrize("comment", ["# lintkit: ignore", "# lintkit: ignore[]", "# lintkit: ignore [ , ]"])
def test_ignore_without_codes_is_malformed(comment):
    (s,) = parse(f"{comment}\na: 1\n")
    assert s.malformed and s.selectors == []
    kept, unused = apply_suppressions([diagnostic(2)], {YAML: [s]})
    assert len(kept) == 1 and unused == [s]
    assert "names no rule" in s.unused_message()


@pytest.mark.parametrize(
    "line",
    [
        'x: "# lintkit: ignore[SECRET001]"',
        "x: a#lintkit: ignore[SECRET001]",
        "x: 'quoted # lintkit: ignore[SECRET001]'",
    ],
)
def test_not_a_comment(line):
    assert parse(line) == []


def test_apostrophe_does_not_open_a_string():
    (s,) = parse("description: it's fine # lintkit: ignore[CONFIG001]")
    assert s.selectors == ["CONFIG001"]


def test_typescript_comments():
    text = (
        "const a = new PrismaClient() // lintkit: ignore[CLIENT001] migration\n"
        "/* lintkit: ignore[client-per-invocation] */\n"
        "const b = new PrismaClient()\n"
        "/**\n"
        " * lintkit: ignore[CLIENT002] one-shot job\n"
        " */\n"
        "await prisma.$disconnect()\n"
        "const url = 'https://x.example.com' // not a directive\n"
        "/* lintkit: ignore[CLIENT004] */ const c = 1\n"
    )
    s1, s2, s3, s4 = parse(text, Path("h.ts"), ("//", "/*"))
    assert (s1.line, s1.applies_to_lines, s1.reason) == (1, {1}, "migration")
    assert (s2.selectors, s2.applies_to_lines) == (["client-per-invocation"], {2, 3})
    assert (s3.line, s3.applies_to_lines, s3.reason) == (5, {5, 7}, "one-shot job")
    assert s4.applies_to_lines == {9}  # code follows the comment: not a standalone comment


def test_prisma_double_slash():
    text = 'datasource db {\n  // lintkit: ignore[SECRET001]\n  url = "postgres://u:p@h/db"\n}\n'
    (s,) = parse(text, Path("schema.prisma"), ("//",))
    assert s.applies_to_lines == {2, 3}


@pytest.mark.parametrize(
    "selector, expected",
    [
        ("SECRET001", True), ("secret001", True), ("SECRET", True), ("plaintext-database-password", True),
        ("SECRET002", False), ("SECRET00", True), ("SECRET01", False), ("SEC", False), ("VPC", False), ("other-name", False),
    ],
)
def test_matches(selector, expected):
    assert matches(selector, "SECRET001", "plaintext-database-password") is expected


def test_apply_marks_used_and_reports_unused():
    text = (
        "a: 1  # lintkit: ignore[SECRET001, VPC001]\n"
        "b: 2  # lintkit: ignore[RUNTIME001]\n"
        "c: 3  # lintkit: ignore[plaintext-database-password]\n"
    )
    first, second, third = parse(text)
    kept, unused = apply_suppressions(
        [diagnostic(1), diagnostic(3), diagnostic(4)], {YAML: [first, second, third]}
    )
    assert [d.line for d in kept] == [4]
    assert unused == [first, second]
    assert first.used and first.unused_selectors == ["VPC001"]
    assert not second.used
    assert "VPC001" in first.unused_message() and "selector" in first.unused_message()
    finding = unused_finding(second)
    assert finding.code == "SUPPRESS001" and finding.span == second.span
    assert "RUNTIME001" in finding.message


def test_suppressions_only_apply_to_their_file():
    (s,) = parse("a: 1  # lintkit: ignore[SECRET001]\n")
    kept, unused = apply_suppressions([diagnostic(1, path=Path("other.yml"))], {YAML: [s]})
    assert len(kept) == 1 and unused == [s]


def test_unused_suppression_report_can_be_suppressed_by_another_comment():
    text = "# lintkit: ignore-file[SUPPRESS001]\na: 1  # lintkit: ignore[VPC001]\n"
    file_wide, line = parse(text)
    kept, unused = apply_suppressions([], {YAML: [file_wide, line]})
    assert unused == [] and file_wide.used


def test_unused_suppression_is_not_silenced_by_its_own_selector():
    (s,) = parse("a: 1  # lintkit: ignore[VPC001, SUPPRESS001]\n")
    kept, unused = apply_suppressions([], {YAML: [s]})
    assert unused == [s]


pieces = st.sampled_from(list("ab #/*[]:,'\"\t\\\r") + ["lintkit: ignore", "-file", "SECRET001", "*/"])
line_text = st.one_of(st.lists(pieces, max_size=20).map("".join), st.text(max_size=40))


@settings(max_examples=300, deadline=None)
@given(st.lists(line_text.map(lambda t: t[:120]), max_size=8),
       st.sampled_from([("#",), ("//", "/*"), ("#", "//", "/*")]))
def test_parse_never_raises_and_spans_stay_inside(lines, prefixes):
    for s in parse_suppressions(YAML, lines, prefixes):
        assert 1 <= s.line <= len(lines)
        text = lines[s.line - 1]
        assert s.span.line == s.span.end_line == s.line
        assert 1 <= s.span.column < s.span.end_column <= len(text) + 1
        assert all(1 <= n <= len(lines) for n in s.applies_to_lines)

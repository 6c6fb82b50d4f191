import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lintkit.redact import Redactor, is_secret_name, redact, redact_value


@pytest.mark.parametrize(
    "text, expected",
    [
        ("DATABASE_URL: postgresql://admin:s3cr3t@db.example.com:5432/app",
         "DATABASE_URL: postgresql://admin:****@db.example.com:5432/app"),
        ("postgres://u:p@ss@host:5432/db", "postgres://u:****@host:5432/db"),
        ("postgres://u:pa/ss?x@host/db", "postgres://u:****@host/db"),
        ("mysql://root:toor@127.0.0.1/db", "mysql://root:****@127.0.0.1/db"),
        ("mongodb+srv://user:pa55@cluster0.mongodb.net/db?retryWrites=true",
         "mongodb+srv://user:****@cluster0.mongodb.net/db?retryWrites=true"),
        ("redis://:hunter2@cache:6379", "redis://:****@cache:6379"),
        ("amqps://guest:guest1@mq:5671", "amqps://guest:****@mq:5671"),
        ("sqlserver://db:1433;database=app;user=sa;password=Secret123;encrypt=true",
         "sqlserver://db:1433;database=app;user=sa;password=****;encrypt=true"),
        ("Server=x;User Id=sa;Pwd=abc123;", "Server=x;User Id=sa;Pwd=****;"),
        ("AWS_ACCESS_KEY_ID: AKIAABCDEFGHIJKLWXYZ", "AWS_ACCESS_KEY_ID: ****"),
        ("id ASIAABCDEFGHIJKLWXYZ here", "id **** here"),
        ("aws_secret_access_key = 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",
         "aws_secret_access_key = ****"),
        ("--aws-secret-access-key wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzzzzzzz",
         "--aws-secret-access-key ****"),
        ("    DB_PASSWORD: correct horse battery staple # rotate",
         "    DB_PASSWORD: **** # rotate"),
        ('  "apiKey": "abcdef123",', '  "apiKey": "****",'),
        ('{"password":"x1","user":"bob"}', '{"password":"****","user":"bob"}'),
        ("export GITHUB_TOKEN=ghp_abcdefghijklmnop1234", "export GITHUB_TOKEN=****"),
        ("run PGPASSWORD=abc psql -h db", "run PGPASSWORD=**** psql -h db"),
        ("PASSWORD='abc def'", "PASSWORD='****'"),
        ("  - JWT_SECRET=hunter22", "  - JWT_SECRET=****"),
        ("new Client({ user: 'a', password: 'b2c3', host })",
         "new Client({ user: 'a', password: '****', host })"),
        ("prisma://accelerate.prisma-data.net/?api_key=eyJhbGciOi.xyz&x=1",
         "prisma://accelerate.prisma-data.net/?api_key=****&x=1"),
        ("    DB_PASSWORD: ${ssm:/x, 'hunter2'}", "    DB_PASSWORD: ${ssm:/x, '****'}"),
        ("    DB_PASSWORD: ${env:X, hunter2}", "    DB_PASSWORD: ${env:X, ****}"),
        ("-----BEGIN RSA PRIVATE KEY-----\nMIIEabc\n-----END RSA PRIVATE KEY-----",
         "-----BEGIN RSA PRIVATE KEY-----****-----END RSA PRIVATE KEY-----"),
        ("key: -----BEGIN PRIVATE KEY-----MIIEabc", "key: -----BEGIN PRIVATE KEY-----****"),
    ],
)
def test_masks_secrets(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "postgres://app:${ssm:/db/pw}@db.example.com/app",
        "postgres://app:${env:PW}@db.example.com/app",
        "const url = `postgresql://${user}:${pw}@host/db`",
        "    DB_SECRET_ARN: arn:aws:secretsmanager:us-east-1:1:secret:x",
        "    jwtSecretName: prod/jwt",
        "    TOKEN_TTL: 3600",
        "    AUTH_TOKEN_URL: https://auth.example.com/token",
        "    API_KEY: 12345",
        "    ENABLE_TOKEN: true",
        "    DB_PASSWORD: ${ssm:/prod/db-password}",
        "    DB_PASSWORD: ${env:X, ${self:custom.pw}}",
        "    SECRET: !Ref MySecret",
        "    password: process.env.DB_PASSWORD,",
        "    secrets:",
        "key AKIAIOSFODNN7EXAMPLE",
        "The database URL holds a plaintext password: move it to SSM.",
        "https://example.com/path?page=2",
        "",
    ],
)
def test_leaves_non_secrets_visible(text):
    assert redact(text) == text


def test_multiline_text():
    text = "provider:\n  environment:\n    DB_PASSWORD: hunter2\n    STAGE: prod\n"
    assert redact(text) == "provider:\n  environment:\n    DB_PASSWORD: ****\n    STAGE: prod\n"


@pytest.mark.parametrize(
    "name, secret",
    [
        ("DB_PASSWORD", True), ("PGPASSWORD", True), ("apiKey", True), ("x-api-key", True),
        ("GITHUB_TOKEN", True), ("secretAccessKey", True), ("PRIVATE_KEY", True),
        ("DB_SECRET_ARN", False), ("DB_SECRET_ID", False), ("DB_SECRET_NAME", False),
        ("TOKEN_TTL", False), ("AUTH_TOKEN_URL", False), ("passwordSecretId", False),
        ("STAGE", False), ("DATABASE_URL", False),
    ],
)
def test_is_secret_name(name, secret):
    assert is_secret_name(name) is secret


def test_redact_value():
    assert redact_value("AKIAABCDEFGHIJKLWXYZ") == "****"  # not one character of it
    assert redact_value("hunter2") == "****"
    assert redact_value("") == "****"
    assert redact_value("****") == "****"


def test_redactor_masks_registered_values():
    redactor = Redactor()
    redactor.add("hunter2hunter2")
    redactor.add("ab")  # too short to mask safely
    redactor.add("wJalrXUtnFEMI/K7MDENG+bPxRfiCYzzzzzzzzzz")
    out = redactor("pw hunter2hunter2, key wJalrXUtnFEMI/K7MDENG+bPxRfiCYzzzzzzzzzz, ab")
    assert out == "pw ****, key ****, ab"
    assert redactor(out) == out
    assert redactor("DB_PASSWORD: other") == "DB_PASSWORD: ****"  # patterns still apply


fragments = st.sampled_from([
    "postgres://", "admin", ":", "@", "s3cr3t", "host", "/", " ", "\n", "DB_PASSWORD", "=", ": ",
    '"', "'", "${ssm:/x}", "${env:X, 'pw'}", "AKIA", "ABCDEFGHIJKLWXYZ", "-----BEGIN PRIVATE KEY-----",
    "-----END PRIVATE KEY-----", "aws_secret_access_key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzzzzzzz",
    "token", "#", ",", "&", ";", "{", "}", "****", "true", "42", "x",
])


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.lists(fragments, max_size=12).map("".join), st.text(max_size=80)))
def test_redact_is_idempotent(text):
    once = redact(text)
    assert redact(once) == once


def test_fast_on_large_input():
    line = "x = a.b(c, d); " * 20000 + "postgres://u:hunter2pass@h/db"
    started = time.perf_counter()
    out = redact(line)
    assert "hunter2pass" not in out
    assert time.perf_counter() - started < 2


# -- secrets that span or escape lines (issue 9) ----------------------------------------------------
from pathlib import Path  # noqa: E402

from lintkit.model.nodes import Span  # noqa: E402
from lintkit.redact import continued_values, raw_forms  # noqa: E402

SECRET = "Zq7vK2mP9xR4tW8n"


@pytest.mark.parametrize("text, expected", [
    # a PARSE001 frame shows the raw line: a quote left open, or a typo after the closing quote
    (f'    DB_PASSWORD: "{SECRET}', "    DB_PASSWORD: ****"),
    (f'    DB_PASSWORD: "{SECRET}" x', "    DB_PASSWORD: ****"),
    (f"    DB_PASSWORD: '{SECRET} # not a comment inside quotes", "    DB_PASSWORD: ****"),
    (f'{{"password": "{SECRET}\\', '{"password": ****'),
    (f"const url = {{ password: '{SECRET[:6]}\\", "const url = { password: ****"),
    # the other line breaks start a line too
    (f"x\u2028DB_PASSWORD: {SECRET}\u2029y", "x\u2028DB_PASSWORD: ****\u2029y"),
    (f"x\x0cDB_PASSWORD: {SECRET}", "x\x0cDB_PASSWORD: ****"),
    (f"x\x85API_TOKEN={SECRET}\x85", "x\x85API_TOKEN=****\x85"),
])
def test_masks_values_left_open_or_next_to_any_line_break(text, expected):
    assert redact(text) == expected
    assert redact(expected) == expected


def test_continued_values_marks_the_lines_a_secret_value_goes_on_over():
    lines = [
        "provider:",
        "  environment:",
        f'    JWT_SECRET: "{SECRET[:6]}',          # 3: a double-quoted scalar over two lines
        f'      {SECRET[6:]}"',                     # 4
        f'    DB_PASSWORD: "{SECRET[:6]}\\',       # 5: a backslash continuation
        f'      {SECRET[6:]}" # c',                 # 6
        "    API_TOKEN: >",                         # 7: a folded block scalar
        f"      {SECRET[:6]}",                      # 8
        "",
        f"      {SECRET[6:]}",                      # 10
        "    STAGE: prod",                          # 11
        "    password:",                            # 12: the value on the next line
        f"      {SECRET}",                          # 13
        "    secrets:  # a mapping, not a value",   # 14
        "      DB_HOST: db.example.com",            # 15
        "    token: 'it''s",                        # 16: YAML's doubled single quote
        f"      {SECRET}'",                         # 17
    ]
    assert continued_values(lines, yaml=True) == {
        4: [(6, 16)], 6: [(6, 16)], 8: [(6, 12)], 10: [(6, 16)], 13: [(6, 22)], 17: [(6, 22)]}


def test_continued_values_in_code_follow_open_quotes_only():
    lines = [f"const apiKey = '{SECRET[:6]}\\", f"{SECRET[6:]}'; call()", "  indented = 1"]
    assert continued_values(lines, yaml=False) == {2: [(0, 10)]}


def test_redactor_masks_the_span_of_a_secret_however_it_is_spelled():
    path = Path("serverless.yml")
    lines = ["custom:", '  signing: "\\u005a' + SECRET[1:6] + "\\", f'    {SECRET[6:]}"  # rotate', "x: 1"]
    redactor = Redactor()
    redactor.add(SECRET, Span(path, 2, 12, 3, len(lines[2].split("#")[0].rstrip()) + 1))
    shown = [redactor.source_line(path, lines, number) for number in range(1, len(lines) + 1)]
    assert shown == ["custom:", '  signing: ****', '    ****  # rotate', "x: 1"]
    assert redactor(f"got {SECRET}.") == "got ****."
    # other files, other lines: the value's spellings, not the span
    assert redactor.source_line(Path("other.yml"), lines, 2) == lines[2 - 1]


@pytest.mark.parametrize("secret, spelled", [
    ("pa'ss-Word9", "pa''ss-Word9"),         # YAML single-quoted
    ('pa"ss-Word9', 'pa\\"ss-Word9'),        # JSON, YAML double-quoted, JS
    ("pässWord9x", "p\\u00e4ssWord9x"),      # JSON \u escape
    ("pässWord9x", "p\\xe4ssWord9x"),        # YAML \x escape
    ("first9Part\u2028second9Part", "second9Part"),  # a piece after a line break
])
def test_redactor_masks_the_raw_forms_of_a_secret(secret, spelled):
    assert spelled in raw_forms(secret)
    redactor = Redactor([secret])
    assert redactor(f"value: {spelled}!") == "value: ****!"


@pytest.mark.parametrize("message, expected", [
    ("found undefined alias 'Zq7vK2mP'", "found undefined alias ..."),
    ("found unknown escape character 'q'", "found unknown escape character ..."),
    ('found character "\\t" that cannot start any token', "found character ... that cannot start any token"),
    ("expected ',' or ']', but got '<scalar>'", "expected ',' or ']', but got '<scalar>'"),
])
def test_parser_messages_lose_the_text_they_quote_from_the_file(message, expected):
    from lintkit.read.yamlload import without_found_text

    assert without_found_text(message) == expected


def test_continued_values_leave_a_quote_opened_in_a_comment_alone():
    yaml_lines = ['# DB_PASSWORD: "rotated last week', "provider:", '  name: "aws"', "  stage: dev"]
    code_lines = ["// apiKey = 'see the wiki", "export const handler = () => 'ok'", "call()"]
    assert continued_values(yaml_lines, yaml=True) == {}
    assert continued_values(code_lines, yaml=False) == {}


def test_message_masks_a_secret_a_message_cut_short():
    """Messages shorten long values (`text[:60] + "…"`): what is left of a secret is masked."""
    secret = "Tr5eW3qA1zX9cV7bN5mK3jH1gF8dS6aP4oI2uY0"
    redactor = Redactor([secret])
    assert redactor.message(f"must be an integer, not `{secret[:20]}…`.") == "must be an integer, not `****…`."
    assert redactor.message(f"in `${{env:X, 'abc…{secret[-12:]}'}}`") == "in `${env:X, 'abc…****'}`"
    assert redactor.message("see lines 3...5 and `x…`") == "see lines 3...5 and `x…`"


@pytest.mark.parametrize("text", ["DB_PASSWORD", "pwd", "x-Api.Key", "PRIVATE_KEY", "tokens", "pas",
                                  "paſs", "api_\u212aey", "passw\u00f6rd", "", "no secret here"])
def test_has_secret_word_is_the_case_insensitive_search(text):
    from lintkit.redact import _SECRET_WORD, has_secret_word

    assert has_secret_word(text) == (_SECRET_WORD.search(text) is not None)


@given(st.text(alphabet="pasSwordPWDecrtTkoNnyiIK_.-\u017f\u212a\u0130\u0131 é", max_size=30))
def test_has_secret_word_agrees_with_the_regex_on_any_text(text):
    from lintkit.redact import _SECRET_WORD, has_secret_word

    assert has_secret_word(text) == (_SECRET_WORD.search(text) is not None)


@given(st.text(alphabet="ASIAKCpasSwordPWDecrtTkoNnyiIK_.-:/ 3\u017f\u212a\u0130\u0131é", max_size=30))
def test_the_redaction_trigger_is_the_case_insensitive_search(text):
    """redact's pre-scan searches lowered ASCII text: it triggers exactly where the IGNORECASE
    pattern does."""
    from lintkit.redact import _TRIGGER, _TRIGGER_LOWER

    fast = _TRIGGER_LOWER.search(text.lower()) if text.isascii() else _TRIGGER.search(text)
    assert (fast is not None) == (_TRIGGER.search(text) is not None)

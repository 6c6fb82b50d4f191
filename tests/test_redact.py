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
        ("AWS_ACCESS_KEY_ID: AKIAABCDEFGHIJKLWXYZ", "AWS_ACCESS_KEY_ID: AKIA****WXYZ"),
        ("id ASIAABCDEFGHIJKLWXYZ here", "id ASIA****WXYZ here"),
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
    assert redact_value("AKIAABCDEFGHIJKLWXYZ") == "AKIA****WXYZ"
    assert redact_value("hunter2") == "****"
    assert redact_value("") == "****"
    assert redact_value("AKIA****WXYZ") == "AKIA****WXYZ"


def test_redactor_masks_registered_values():
    redactor = Redactor()
    redactor.add("hunter2hunter2")
    redactor.add("ab")  # too short to mask safely
    redactor.add("wJalrXUtnFEMI/K7MDENG+bPxRfiCYzzzzzzzzzz")
    out = redactor("pw hunter2hunter2, key wJalrXUtnFEMI/K7MDENG+bPxRfiCYzzzzzzzzzz, ab")
    assert out == "pw ****, key wJal****zzzz, ab"
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

"""No planted secret ever leaves lintkit: random passwords, access keys and secret values are
written into a project (serverless.yml environment, `custom:` and a variable fallback,
prisma.config.ts, schema.prisma, .env, handler code), lintkit runs on it with every output format, and none of them
may appear in the output (messages, code frames, SARIF snippets and fingerprints, GitHub
annotations). Also in the raw forms a secret can take in a file: escaped, continued or folded over
lines, as a function's or a handler file's name, and on the raw line a PARSE001 frame shows."""
import contextlib
import io
import string
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from lintkit.cli import FORMATS, main
from lintkit.analysis.secrets import looks_like_access_key
from lintkit.analysis.secretscan import is_secret_literal

ALPHABET = string.ascii_letters + string.digits + "-_.~"  # safe in URLs, YAML, .env and JS


def _realistic(value: str) -> bool:
    """Mixed case and digits, several distinct characters: like a real secret, and unlike any text
    lintkit prints by itself (rule codes, messages, documentation)."""
    return (len(set(value)) >= 6 and any(c.islower() for c in value)
            and any(c.isupper() for c in value) and any(c.isdigit() for c in value)
            and value[0].isalnum() and is_secret_literal(value))


secret_values = st.tuples(
    st.sampled_from(string.ascii_lowercase), st.sampled_from(string.ascii_uppercase),
    st.sampled_from(string.digits), st.text(ALPHABET, min_size=5, max_size=29),
).map("".join).filter(_realistic)
access_keys = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", min_size=16, max_size=16).map(
    lambda body: "AKIA" + body).filter(looks_like_access_key)

SERVERLESS = """\
service: app
frameworkVersion: '3'
provider:
  name: aws
  runtime: nodejs22.x
  environment:
    DATABASE_URL: postgresql://app:{db_password}@db.example.com:5432/app
    JWT_SECRET: {jwt_secret}
    AWS_ACCESS_KEY_ID: {access_key}
    SIGNING_SECRET: ${{self:custom.auth.signingSecret}}
    STRIPE_API_KEY: ${{env:STRIPE_API_KEY, '{fallback}'}}
    ESCAPED_SECRET: ${{self:custom.escaped}}
    MULTI_LINE_TOKEN: "{two_lines_a}
      {two_lines_b}"
    CONTINUED_TOKEN: ${{self:custom.continued}}
    FOLDED_SECRET: >
      {folded_a}
      {folded_b}
    DEPLOY_TOKEN: {function_name}
    FILE_API_KEY: {file_name}
functions:
  api:
    handler: src/api.handler
  {function_name}:
    handler: src/{file_name}.handler
custom:
  auth:
    signingSecret: {custom_secret}
  replica: mysql://reader:{replica_password}@replica.example.com/app
  escaped: "{escaped}"
  continued: "{continued_a}\\
    {continued_b}"
"""
BROKEN = """\
service: broken
provider:
  name: aws
  environment:
    DB_PASSWORD: "{parse_typo}" junk
"""
SCHEMA = """\
datasource db {{
  provider = "postgresql"
  url      = "postgresql://app:{schema_password}@db.example.com:5432/app"
}}
"""
PRISMA_CONFIG = """\
import {{ defineConfig }} from 'prisma/config'

const shadow = 'postgresql://app:{config_shadow}@shadow.example.com/app'

export default defineConfig({{
  datasource: {{ url: "postgresql://app:{config_password}@db.example.com/app", shadowDatabaseUrl: shadow }},
}})
"""
DOTENV = """\
GITHUB_TOKEN={env_token}
DIRECT_URL=postgresql://app:{env_password}@db.example.com:5432/app
"""
HANDLER = """\
import {{ PrismaClient }} from '@prisma/client'

const url = 'postgresql://app:{source_password}@db.example.com/app'
const other = 'postgresql://app:{js_a}\\
{js_b}@db.example.com/app'
const prisma = new PrismaClient({{ datasourceUrl: url }})
const credentials = {{ accessKeyId: '{source_key}' }}

export const handler = async () => ({{ statusCode: 200, body: String(await prisma.user.count()) }})
"""


def _write_project(root: Path, secrets: dict) -> None:
    escaped = "\\u{:04x}".format(ord(secrets["escaped"][0])) + secrets["escaped"][1:]
    (root / "serverless.yml").write_text(SERVERLESS.format(**{**secrets, "escaped": escaped}))
    (root / "broken").mkdir()
    (root / "broken" / "serverless.yml").write_text(BROKEN.format(**secrets))
    (root / "prisma").mkdir()
    (root / "prisma" / "schema.prisma").write_text(SCHEMA.format(**secrets))
    (root / "prisma.config.ts").write_text(PRISMA_CONFIG.format(**secrets))
    (root / ".env").write_text(DOTENV.format(**secrets))
    (root / "src").mkdir()
    (root / "src" / "api.ts").write_text(HANDLER.format(**secrets))
    (root / "src" / f"{secrets['file_name']}.ts").write_text(HANDLER.format(**secrets))


def _outputs(root: Path):
    for output_format in FORMATS:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["check", str(root), "--format", output_format, "--as-of", "2026-11-27",
                         "--color", "never"])
        yield output_format, code, out.getvalue() + err.getvalue()


SECRET_SLOTS = ("db_password", "replica_password", "schema_password", "env_password",
                "source_password", "jwt_secret", "custom_secret", "fallback", "env_token",
                "two_lines_a", "two_lines_b", "continued_a", "continued_b", "folded_a", "folded_b",
                "function_name", "file_name", "parse_typo", "js_a", "js_b", "escaped",
                "config_password", "config_shadow")
KEY_SLOTS = ("access_key", "source_key")


@settings(max_examples=25, deadline=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.lists(secret_values, min_size=len(SECRET_SLOTS), max_size=len(SECRET_SLOTS), unique=True),
       st.lists(access_keys, min_size=len(KEY_SLOTS), max_size=len(KEY_SLOTS), unique=True))
def test_planted_secrets_never_appear_in_any_output(secret_list, key_list):
    secrets = dict(zip(SECRET_SLOTS + KEY_SLOTS, secret_list + key_list))
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        _write_project(root, secrets)
        leaks = {}
        for output_format, code, output in _outputs(root):
            assert code == 1, f"{output_format}: lintkit exited {code}:\n{output}"
            shown = {**secrets, "escaped": secrets["escaped"][1:]}  # as written: "\\u005a..."
            leaked = sorted(name for name, value in shown.items() if value in output)
            if leaked:
                leaks[output_format] = leaked
        assert not leaks, leaks


# Redaction by pattern cannot know that `signing: x` holds a secret: the engine masks the values
# rules name in `Finding.secret` (see `lintkit.analysis.secretscan.secret_finding`).
@pytest.mark.parametrize("yaml", [
    "    SIGNING_SECRET: ${self:custom.signing}\ncustom:\n  signing: @@\n",
    "    AUTH: ${env:JWT_SECRET, '@@'}\n",
], ids=["custom-value", "variable-fallback"])
def test_secret_under_a_neutral_key_is_masked(yaml):
    secret = "Zq7vK2mP9xR4tW8n"
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "serverless.yml").write_text(
            "service: app\nprovider:\n  name: aws\n  environment:\n" + yaml.replace("@@", secret))
        leaked = [name for name, _, output in _outputs(root) if secret in output]
        assert not leaked, leaked


def test_prisma_config_password_is_reported_and_masked():
    secret = "Zq7vK2mP9xR4tW8n"
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "serverless.yml").write_text("service: app\nprovider:\n  name: aws\n")
        (root / "prisma.config.ts").write_text(PRISMA_CONFIG.format(
            config_password=secret, config_shadow="Wm4tY8qL2vN6pR1s"))
        outputs = list(_outputs(root))
        concise = next(output for name, _, output in outputs if name == "concise")
        assert "prisma.config.ts:3:34: SECRET001" in concise
        assert "prisma.config.ts:6:40: SECRET001" in concise
        leaked = [name for name, _, output in outputs if secret in output or "Wm4tY8qL2vN6pR1s" in output]
        assert not leaked, leaked

"""Secret redaction for every string that leaves lintkit (messages, code frames, fingerprints).

`redact(text)` masks what looks like a secret: passwords in URLs (`postgresql://admin:****@host`),
AWS access key ids (`AKIA****WXYZ`), AWS secret keys, values of secret-named keys
(`DB_PASSWORD: ****`, `api_key=****`, `"token": "****"`) and private key blocks. It is idempotent,
and fast on text without secrets (one pre-scan). `Redactor` also masks secret values the engine
registers explicitly.
"""
from __future__ import annotations

import re

from .dburl import redact_url
from .secrets import AWS_ACCESS_KEY, REFERENCE_SUFFIXES, is_secret_key, key_words

MASK = "****"

# Secret words found anywhere in a key name, also run together (PGPASSWORD, DBPASS): wider than
# `secrets.is_secret_key`, because redaction must hide at least everything the SECRET rules flag.
_SECRET_WORD = re.compile(r"pass(?:word)?|pwd|secret|token|api[_.-]?key|private[_.-]?key", re.I)

# Values shown as they are: references resolved elsewhere, numbers, booleans, YAML block indicators.
_VISIBLE_VALUE = re.compile(
    r"""(?:\$\{|\{\{resolve:|!\w|process\.env\b|import\.meta\.env\b|env\(|os\.environ)
      |[-+]?\d+(?:\.\d+)?\Z
      |(?i:true|false|yes|no|on|off|null|none|~)\Z
      |[|>][-+0-9]*\Z
      |[{\[]\Z""",
    re.X,
)
# A fallback literal inside `${source:x, 'fallback'}` under a secret-named key.
_VARIABLE_FALLBACK = re.compile(r"""(,\s*)(?:(["'])(.*?)\2|([^\s,'"{}$][^,}]*?))(?=\s*\})""")

# Cheap pre-scan: text without any of these cannot contain something to mask.
_TRIGGER = re.compile(
    r"://|A3T|AKIA|ASIA|ABIA|ACCA|PRIVATE KEY|pass|pwd|secret|token|api[_.-]?key|private[_.-]?key",
    re.I,
)

_PRIVATE_KEY = re.compile(
    r"(-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----)(.*?)(-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|\Z)",
    re.S,
)
# scheme://user:password@host for schemes `redact_url` does not know (redis, amqp, https...); the
# password may itself contain `@` (the last one ends it).
_URL_CREDENTIALS = re.compile(
    r"""(?P<head>\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s:/@'"`]*:)(?P<password>[^\s/'"`]*)(?=@)"""
)
_AWS_SECRET_KEY = re.compile(
    r"""(?i:(aws.{0,20}?secret.{0,20}?[\s=:"',]{1,5}))([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"""
)

_KEY = r"""(?P<q>["']?)(?P<key>[A-Za-z_][\w.-]*)(?P=q)"""
_SEP = r"""(?P<sep>[ \t]*(?::(?:[ \t]+|(?=["']))|=)[ \t]*)"""
_QUOTED = r""""(?:[^"\\\n]|\\.)*"|'[^'\n]*'"""
# `KEY: value` at the start of a line (YAML, .env, JS object literals): the value runs to the end of
# the line or a trailing comment, so multi-word passwords are masked whole.
_LINE_ASSIGN = re.compile(
    rf"""^(?P<lead>[ \t]*(?:-[ \t]+)?(?:export[ \t]+)?){_KEY}{_SEP}
    (?P<value>{_QUOTED}|[^\s'"\#][^\n]*?)(?=[ \t]+\#|[ \t]*,?[ \t]*$)""",
    re.M | re.X,
)
# `key=value` anywhere (query strings, connection strings, shell), `"key": "value"` and `{key: value}`.
_INLINE_ASSIGN = re.compile(
    rf"""(?<![\w.]){_KEY}{_SEP}(?P<value>{_QUOTED}|[^\s'"&;,)}}\]]+)""", re.X
)


def is_secret_name(name: str) -> bool:
    """True for key names that hold secrets: DB_PASSWORD, PGPASSWORD, apiKey, GITHUB_TOKEN; false for
    names that only refer to one: DB_SECRET_ARN, jwtSecretName, TOKEN_TTL, AUTH_TOKEN_URL."""
    if is_secret_key(name):
        return True
    if not _SECRET_WORD.search(name):
        return False
    words = key_words(name)
    return not words or words[-1] not in REFERENCE_SUFFIXES


def is_masked(value: str) -> bool:
    return MASK in value


def redact_value(value: str) -> str:
    """Mask a known secret: long values keep their first and last 4 characters (enough to tell two
    keys apart, as AWS does), shorter ones become `****`."""
    if is_masked(value):
        return value
    if len(value) >= 20:
        return f"{value[:4]}{MASK}{value[-4:]}"
    return MASK


def _mask_assigned(value: str) -> str:
    """The masked form of a value assigned to a secret-named key (quotes kept)."""
    quote = value[:1] if value[:1] in "\"'" and len(value) >= 2 and value[-1] == value[0] else ""
    inner = value[1:-1] if quote else value
    if not inner or is_masked(inner):
        return value
    if _VISIBLE_VALUE.match(inner):
        if inner.startswith("${"):
            inner = _VARIABLE_FALLBACK.sub(_mask_fallback, inner)
        return f"{quote}{inner}{quote}"
    return f"{quote}{MASK}{quote}"


def _mask_fallback(match: re.Match) -> str:
    quote = match.group(2) or ""
    literal = match.group(3) if quote else match.group(4)
    if not literal or is_masked(literal) or _VISIBLE_VALUE.match(literal):
        return match.group(0)
    return f"{match.group(1)}{quote}{MASK}{quote}"


def _line_assign(match: re.Match) -> str:
    if not is_secret_name(match.group("key")):
        return match.group(0)
    start = match.start("value") - match.start()
    return match.group(0)[:start] + _mask_assigned(match.group("value"))


def _inline_assign(match: re.Match) -> str:
    if not is_secret_name(match.group("key")):
        return match.group(0)
    if ":" in match.group("sep") and not match.group("q"):
        # An unquoted `key: value` mid-line is prose ("password: use SSM") unless it is inside a
        # flow mapping.
        before = match.string[: match.start()].rstrip()
        if not before.endswith(("{", ",")):
            return match.group(0)
    start = match.start("value") - match.start()
    return match.group(0)[:start] + _mask_assigned(match.group("value"))


def _url_credentials(match: re.Match) -> str:
    password = match.group("password")
    if not password or is_masked(password) or password.startswith(("${", "{{")):
        return match.group(0)
    return match.group("head") + MASK


def _access_key_id(match: re.Match) -> str:
    key = match.group(1)
    return key if key.endswith("EXAMPLE") else redact_value(key)


def redact(text: str) -> str:
    """Mask every secret-looking value in `text`. Idempotent: redact(redact(t)) == redact(t)."""
    if not text or not _TRIGGER.search(text):
        return text
    text = _PRIVATE_KEY.sub(lambda m: m.group(1) + MASK + m.group(3), text)
    text = redact_url(text)
    text = _URL_CREDENTIALS.sub(_url_credentials, text)
    text = AWS_ACCESS_KEY.sub(_access_key_id, text)
    text = _AWS_SECRET_KEY.sub(lambda m: m.group(1) + MASK, text)
    text = _LINE_ASSIGN.sub(_line_assign, text)
    return _INLINE_ASSIGN.sub(_inline_assign, text)


class Redactor:
    """`redact` plus explicit secret values (e.g. passwords a rule found): `Redactor.add(secret)`.

    Values shorter than 4 characters are not registered: masking every "pw" in the output would
    garble it, and the pattern rules still mask them where they are assigned.
    """

    MIN_LENGTH = 4

    def __init__(self, secrets: list[str] | tuple[str, ...] = ()):
        self._secrets: set[str] = set()
        self._pattern: re.Pattern | None = None
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str) -> None:
        secret = secret.strip()
        if len(secret) >= self.MIN_LENGTH and not is_masked(secret) and secret not in self._secrets:
            self._secrets.add(secret)
            self._pattern = None

    def __call__(self, text: str) -> str:
        text = redact(text)
        if not self._secrets or not text:
            return text
        if self._pattern is None:
            # Longest first, so a secret that contains another is masked whole.
            ordered = sorted(self._secrets, key=len, reverse=True)
            self._pattern = re.compile("|".join(map(re.escape, ordered)))
        return self._pattern.sub(lambda m: redact_value(m.group(0)), text)

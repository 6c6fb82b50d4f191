"""What looks like a secret: key names, AWS access keys, and values that are only placeholders."""
from __future__ import annotations

import re

from ..model.lazyre import lazy_compile

AWS_ACCESS_KEY = lazy_compile(r"\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})\b")
AWS_SECRET_KEY_VALUE = lazy_compile(r"^[A-Za-z0-9/+]{40}$")
AWS_SECRET_KEY_NAME = lazy_compile(r"(?i)aws_?secret(_?access)?_?key|^aws_?secret")

_WORDS = lazy_compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
SECRET_WORDS = frozenset({"pass", "password", "passwd", "passphrase", "pwd", "secret", "secrets",
                          "token", "tokens", "apikey", "privatekey"})
SECRET_PAIRS = frozenset({("api", "key"), ("private", "key")})
# A key ending in one of these names the secret (for a runtime fetch) or describes it, but does
# not hold it: DB_SECRET_ARN, JWT_SECRET_NAME, TOKEN_TTL, AUTH_TOKEN_URL.
REFERENCE_SUFFIXES = frozenset({
    "arn", "id", "name", "ttl", "url", "uri", "endpoint", "path", "param", "parameter", "region",
    "expiry", "expiration", "expires", "length", "header", "table", "version", "type", "enabled",
    "duration", "lifetime", "audience", "issuer", "prefix", "file", "location", "ref", "key_id",
    "policy", "rotation", "stage", "env", "mode", "algorithm", "alg",
})
SSM_PATH = lazy_compile(r"^/[\w.\-/]+$")


def key_words(key: str) -> list[str]:
    """`dbPassword` -> ['db', 'password'], `STRIPE_API_KEY` -> ['stripe', 'api', 'key']."""
    words = []
    for part in re.split(r"[_\-.\s/:]+", key):
        words.extend(word.lower() for word in _WORDS.findall(part))
    return words


def is_secret_key(key: str) -> bool:
    """True for names like DB_PASSWORD, jwtSecret, GITHUB_TOKEN, STRIPE_API_KEY, PRIVATE_KEY;
    False for names that point at a secret (DB_SECRET_ARN) or describe one (TOKEN_TTL)."""
    words = key_words(key)
    if not words or words[-1] in REFERENCE_SUFFIXES:
        return False
    if any(word in SECRET_WORDS for word in words):
        return True
    return any(pair in SECRET_PAIRS for pair in zip(words, words[1:]))


def looks_like_access_key(candidate: str) -> bool:
    """An access key id with some entropy, not AWS's documentation example."""
    if candidate.endswith("EXAMPLE"):
        return False
    body = candidate[4:]
    return len(set(body)) >= 6 and not re.fullmatch(r"[A-Z]+|X+|0+", body)


def is_reference_value(value: str) -> bool:
    """Values that name where a secret lives instead of holding it."""
    return value.startswith(("arn:aws", "arn:${", "{{resolve:")) or bool(SSM_PATH.match(value))


PLACEHOLDER_MARKERS = ("example", "replace", "change", "your", "xxxx", "placeholder", "dummy",
                       "todo", "fixme", "insert", "<", ">", "...", "***", "redacted", "fake")
PLACEHOLDER_VALUES = frozenset({"password", "secret", "token", "apikey", "api_key", "key", "test",
                                "pass", "pwd", "none", "null", "empty", "tbd"})
MIN_SECRET_LENGTH = 8


def looks_like_placeholder(value: str) -> bool:
    """Documentation and template values that are not real secrets: `REPLACE-WITH-YOUR-SECRET`,
    `<api-key>`, `AIzaXXXX`, `KEYEXAMPLE1234`, `password`, and values too short to be a real
    credential (`abc123`)."""
    lowered = value.strip().lower()
    if len(lowered) < MIN_SECRET_LENGTH or lowered in PLACEHOLDER_VALUES:
        return True
    return any(marker in lowered for marker in PLACEHOLDER_MARKERS)

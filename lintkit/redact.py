"""Secret redaction for every string that leaves lintkit (messages, code frames, paths, function
names, logs, fingerprints).

`redact(text)` masks what looks like a secret: passwords in URLs (`postgresql://admin:****@host`),
AWS access key ids and secret keys, values of secret-named keys (`DB_PASSWORD: ****`,
`api_key=****`, `"token": "****"`, also when a quote is left open) and private key blocks. A mask
is always `****`: no character of a secret is shown. It is idempotent, and fast on text without
secrets (one pre-scan).

`Redactor` also masks the secrets the rules found (`add(secret, span)`): the value wherever it
appears, in the raw forms it can take in a file (escaped, quotes doubled), and in the source lines
shown from a file (`source_line`, `secret_ranges`) every character of the secret's span, however it
is spelled there (escapes, continuation lines, block scalars). Source lines are also masked where
they continue a secret-named key's value from a line above, which patterns on one line cannot see.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Callable

from .analysis.secrets import AWS_ACCESS_KEY, REFERENCE_SUFFIXES, is_secret_key, key_words
from .model.lazyre import lazy_compile
from .read.dburl import redact_url

MASK = "****"
# Every character some tool may take for the end of a line (Python's str.splitlines, YAML, editors):
# a secret next to one of these is masked like one at the end of a line.
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_LINE_START = rf"(?:^|(?<=[{LINE_BREAKS}]))"
_LINE_END = rf"(?=[{LINE_BREAKS}]|\Z)"
_NOT_BREAK = rf"[^{LINE_BREAKS}]"

# Secret words found anywhere in a key name, also run together (PGPASSWORD, DBPASS): wider than
# `secrets.is_secret_key`, because redaction must hide at least everything the SECRET rules flag.
_SECRET_WORD = lazy_compile(r"pass(?:word)?|pwd|secret|token|api[_.-]?key|private[_.-]?key", re.I)
# The same words in lower case, without IGNORECASE (which makes Python's regex engine try each
# alternative at every character, ~8 times slower): what `has_secret_word` searches ASCII text with.
_SECRET_WORD_LOWER = lazy_compile(r"pass|pwd|secret|token|api[_.-]?key|private[_.-]?key")

# Values shown as they are: references resolved elsewhere, numbers, booleans, YAML block indicators.
_VISIBLE_VALUE = lazy_compile(
    r"""(?:\$\{|\{\{resolve:|!\w|process\.env\b|import\.meta\.env\b|env\(|os\.environ)
      |[-+]?\d+(?:\.\d+)?\Z
      |(?i:true|false|yes|no|on|off|null|none|~)\Z
      |[|>][-+0-9]*\Z
      |[{\[]\Z""",
    re.X,
)
# A fallback literal inside `${source:x, 'fallback'}` under a secret-named key.
_VARIABLE_FALLBACK = lazy_compile(r"""(,\s*)(?:(["'])(.*?)\2|([^\s,'"{}$][^,}]*?))(?=\s*\})""")

# Cheap pre-scan: text without any of these cannot contain something to mask.
_TRIGGER = lazy_compile(
    r"://|A3T|AKIA|ASIA|ABIA|ACCA|PRIVATE KEY|pass|pwd|secret|token|api[_.-]?key|private[_.-]?key",
    re.I,
)
_TRIGGER_LOWER = lazy_compile(_TRIGGER.pattern.lower())  # for ASCII text: see `has_secret_word`

_PRIVATE_KEY = lazy_compile(
    r"(-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----)(.*?)(-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|\Z)",
    re.S,
)
# scheme://user:password@host for schemes `redact_url` does not know (redis, amqp, https...); the
# password may itself contain `@` (the last one ends it).
_URL_CREDENTIALS = lazy_compile(
    r"""(?P<head>\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s:/@'"`]*:)(?P<password>[^\s/'"`]*)(?=@)"""
)
_AWS_SECRET_KEY = lazy_compile(
    r"""(?i:(aws.{0,20}?secret.{0,20}?[\s=:"',]{1,5}))([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"""
)

_KEY = r"""(?P<q>["']?)(?P<key>[A-Za-z_][\w.-]*)(?P=q)"""
_SEP = r"""(?P<sep>[ \t]*(?::(?:[ \t]+|(?=["']))|=)[ \t]*)"""
_QUOTED = rf""""(?:[^"\\{LINE_BREAKS}]|\\.)*"|'[^'{LINE_BREAKS}]*'"""
# A quote that is not closed where it should be (a typo after it, or the value goes on below): the
# rest of the line is the value.
_OPEN_QUOTE = rf"""["'`]{_NOT_BREAK}*"""
# `KEY: value` at the start of a line (YAML, .env, JS object literals): the value runs to the end of
# the line or a trailing comment, so multi-word passwords are masked whole.
_LINE_ASSIGN = lazy_compile(
    rf"""{_LINE_START}(?P<lead>[ \t]*(?:-[ \t]+)?(?:export[ \t]+)?){_KEY}{_SEP}
    (?P<value>(?:{_QUOTED}|[^\s'"\#]{_NOT_BREAK}*?)(?=[ \t]+\#|[ \t]*,?[ \t]*{_LINE_END})
      |{_OPEN_QUOTE})""",
    re.M | re.X,
)
# `key=value` anywhere (query strings, connection strings, shell), `"key": "value"` and `{key: value}`.
_INLINE_ASSIGN = lazy_compile(
    rf"""(?<![\w.]){_KEY}{_SEP}(?P<value>{_QUOTED}|[^\s'"&;,)}}\]]+|{_OPEN_QUOTE})""", re.X
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
    """Mask a known secret whole: not even its first or last characters are shown."""
    return value if is_masked(value) else MASK


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
    return key if key.endswith("EXAMPLE") else MASK


def redact(text: str) -> str:
    """Mask every secret-looking value in `text`. Idempotent: redact(redact(t)) == redact(t)."""
    if not text or not (_TRIGGER_LOWER.search(text.lower()) if text.isascii() else _TRIGGER.search(text)):
        return text
    text = _PRIVATE_KEY.sub(lambda m: m.group(1) + MASK + m.group(3), text)
    text = redact_url(text)
    text = _URL_CREDENTIALS.sub(_url_credentials, text)
    text = AWS_ACCESS_KEY.sub(_access_key_id, text)
    text = _AWS_SECRET_KEY.sub(lambda m: m.group(1) + MASK, text)
    text = _LINE_ASSIGN.sub(_line_assign, text)
    return _INLINE_ASSIGN.sub(_inline_assign, text)


# Where a message shortened a value, and what ends the value around it (`Redactor.message`).
_ELLIPSIS = lazy_compile(r"…|\.\.\.")
_CUT_STOP = frozenset(" \t\n`'\"")
_CUT_LONGEST = 200  # the most of a value a message keeps on one side of an ellipsis

Ranges = list[tuple[int, int]]  # [start, end) character ranges of one line


class Redactor:
    """`redact` plus the secrets the rules found: `Redactor.add(secret, span)`.

    The value is masked wherever it appears, and so are the raw forms it takes in a file (`\\uXXXX`
    escapes, doubled quotes, its pieces between line breaks). In source lines (`source_line`), every
    character of `span` is masked too, however the secret is spelled there. Values shorter than 4
    characters are not masked wherever they appear (masking every "pw" in the output would garble
    it), but still at their span and by the patterns where they are assigned.
    """

    MIN_LENGTH = 4

    def __init__(self, secrets: list[str] | tuple[str, ...] = ()):
        self._secrets: set[str] = set()
        self._pattern: re.Pattern | None = None
        self._cut_parts: tuple[set[str], set[str], int] | None = None  # for `_mask_cut_secrets`
        self._spans: dict[tuple[Path, int], Ranges] = {}  # (path, line) -> masked ranges
        self._continued: dict[Path, dict[int, Ranges]] = {}
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str, span=None) -> None:
        """Masks `secret` from now on, and the characters of `span` (a nodes.Span: where the secret
        is written) in source lines."""
        if span is not None:
            self._add_span(span)
        for form in raw_forms(str(secret)):
            form = form.strip()
            if len(form) >= self.MIN_LENGTH and not is_masked(form) and form not in self._secrets:
                self._secrets.add(form)
                self._pattern = self._cut_parts = None

    def _add_span(self, span) -> None:
        path = Path(span.path)
        for line in range(span.line, max(span.end_line, span.line) + 1):
            start = span.column - 1 if line == span.line else None  # None: the line's indentation
            end = span.end_column - 1 if line == span.end_line else None  # None: the line's end
            self._spans.setdefault((path, line), []).append((start, end))

    def __call__(self, text: str) -> str:
        text = redact(text)
        if not self._secrets or not text:
            return text
        return self._secrets_pattern().sub(MASK, text)

    def names_a_secret(self, text: str) -> bool:
        """Whether `text` holds one of the secrets added (the patterns aside)."""
        return bool(self._secrets) and self._secrets_pattern().search(text) is not None

    def _secrets_pattern(self) -> re.Pattern:
        if self._pattern is None:
            # Longest first, so a secret that contains another is masked whole.
            ordered = sorted(self._secrets, key=len, reverse=True)
            self._pattern = re.compile("|".join(map(re.escape, ordered)))
        return self._pattern

    def message(self, text: str) -> str:
        """A finding's message, redacted. Messages shorten long values with an ellipsis
        (`text[:40] + "..."`), which can cut a secret: the end of what comes before an ellipsis
        that begins a secret, and the start of what follows it that ends one, are masked too."""
        text = self(text)
        if self._secrets and ("…" in text or "..." in text):
            text = self._mask_cut_secrets(text)
        return text

    def _mask_cut_secrets(self, text: str) -> str:
        if self._cut_parts is None:
            cuts = [(secret, n) for secret in self._secrets
                    for n in range(self.MIN_LENGTH, min(len(secret), _CUT_LONGEST + 1))]
            heads, tails = {secret[:n] for secret, n in cuts}, {secret[-n:] for secret, n in cuts}
            self._cut_parts = (heads, tails, min(_CUT_LONGEST, max(map(len, self._secrets))))
        heads, tails, longest = self._cut_parts
        pieces, last = [], 0
        for match in _ELLIPSIS.finditer(text):
            first = match.start()
            while first > max(last, match.start() - longest) and text[first - 1] not in _CUT_STOP:
                first -= 1
            end = match.end()
            while end < min(len(text), match.end() + longest) and text[end] not in _CUT_STOP:
                end += 1
            before, after = text[first:match.start()], text[match.end():end]
            head = next((n for n in range(len(before), self.MIN_LENGTH - 1, -1)
                         if before[len(before) - n:] in heads), 0)
            tail = next((n for n in range(len(after), self.MIN_LENGTH - 1, -1) if after[:n] in tails), 0)
            pieces += [text[last:match.start() - head], MASK if head else "", match.group(0),
                       MASK if tail else ""]
            last = match.end() + tail
        pieces.append(text[last:])
        return "".join(pieces)

    def secret_ranges(self, path: Path, lines: list[str], number: int) -> Ranges:
        """The ranges of line `number` (1-based) of `lines`, the text of `path`, that hold a secret:
        the parts of the spans `add` was given, and the parts that continue a secret-named key's
        value from a line above."""
        path = Path(path)
        ranges = []
        for start, end in self._spans.get((path, number), ()):
            text = lines[number - 1]
            if start is None:
                start = len(text) - len(text.lstrip())
            ranges.append((start, len(text) if end is None else end))
        if path not in self._continued:
            self._continued[path] = continued_values(lines, path.name.endswith((".yml", ".yaml")))
        return ranges + self._continued[path].get(number, [])

    def source_line(self, path: Path, lines: list[str], number: int) -> str:
        """Line `number` (1-based) of `lines`, the text of `path`, as it may be shown."""
        return self(mask_ranges(lines[number - 1], self.secret_ranges(path, lines, number)))


def source_line_ranges(redact: Callable[[str], str], path: Path, lines: list[str], number: int) -> Ranges:
    """`Redactor.secret_ranges` for a redactor; none for a plain function (patterns only)."""
    finder = getattr(redact, "secret_ranges", None)
    return finder(path, lines, number) if finder is not None else []


def redact_source_line(redact: Callable[[str], str], path: Path, lines: list[str], number: int) -> str:
    """Line `number` of `lines` (the text of `path`) as it may be shown, by a Redactor or `redact`."""
    return redact(mask_ranges(lines[number - 1], source_line_ranges(redact, path, lines, number)))


def raw_forms(secret: str) -> set[str]:
    """`secret` and the ways a file can spell it: JSON/YAML/JS escapes (`\\u00e9`, `\\xe9`, `\\"`),
    quotes doubled (YAML single-quoted) or escaped, and its pieces where a line break splits it."""
    forms = {secret, json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1],
             secret.replace("'", "''"), secret.replace("'", "\\'"),
             "".join(f"\\x{ord(c):02x}" if 0x7F < ord(c) < 0x100 else c for c in secret)}
    for form in list(forms):
        forms.update(re.split(f"[{LINE_BREAKS}]", form))
    return forms


def mask_ranges(text: str, ranges: Ranges) -> str:
    """`text` with each of `ranges` (clipped to it) replaced by `****`; a range that is a whole quoted
    string keeps its quotes (`"****"`), as `redact` writes it."""
    if not ranges:
        return text
    pieces, last = [], 0
    for start, end in sorted(ranges):
        start, end = max(start, last), min(end, len(text))
        if start >= end:
            continue
        value = text[start:end]
        quote = value[0] if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'`" else ""
        pieces += [text[last:start], quote, MASK, quote]
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


# An assignment whose value may go on below its line: a secret-named key (as in `_LINE_ASSIGN` and
# `_INLINE_ASSIGN`), its separator, and what follows on the line.
_OPENER = lazy_compile(
    rf"""(?<![\w.]){_KEY}[ \t]*(?::(?=[ \t"']|\Z)|=)(?P<rest>{_NOT_BREAK}*)""", re.X)
_COMMENT = lazy_compile(r"(?:^|[ \t])(?:#|//)")  # a quote opened in a comment leaves the value alone
_YAML_KEY_LINE = lazy_compile(
    r"""[ \t]*(?:-[ \t]+)*(?:"[^"]*"|'[^']*'|[^\s#'"][^:#]*?)[ \t]*:(?:[ \t]|\Z)""")


def has_secret_word(text: str) -> bool:
    """Whether `_SECRET_WORD` occurs in `text`. In ASCII text IGNORECASE matches what lower case
    does; elsewhere it also matches a few other letters (`ſ` for s, the Kelvin sign for k), so
    such text is searched with `_SECRET_WORD` itself."""
    if text.isascii():
        return _SECRET_WORD_LOWER.search(text.lower()) is not None
    return _SECRET_WORD.search(text) is not None


def continued_values(lines: list[str], yaml: bool) -> dict[int, Ranges]:
    """Line number (1-based) -> ranges of the lines that continue the value of a secret-named key from
    a line above: a quoted string left open on the key's line (in YAML, .env and JS files alike),
    and, in YAML, a block scalar (`password: |`) or a plain or quoted scalar folded over the more
    indented lines below the key. The key's own line is masked by `redact`."""
    found: dict[int, Ranges] = {}
    if not has_secret_word("\n".join(lines)):  # most files: one search, not one a line
        return found
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not has_secret_word(line):
            continue
        for match in _OPENER.finditer(line):
            if not is_secret_name(match.group("key")) or _COMMENT.search(line, 0, match.start()):
                continue
            rest = match.group("rest").strip()
            if rest.startswith("#"):
                rest = ""  # a comment, in YAML and .env files
            quote = rest[:1] if rest[:1] in "\"'`" else ""
            if quote and _closing_quote(rest, 1, quote) is None:
                index = _mark_quoted(lines, index, quote, found)
                break
            at_line_start = not line[:match.start()].strip(" \t-")
            if yaml and at_line_start and not quote and not rest.startswith(("{", "[", "&", "*")):
                index = _mark_indented(lines, index, match.start("key"), bool(rest), found)
                break
    return found


def _closing_quote(text: str, start: int, quote: str) -> int | None:
    """The index of the quote that closes a string opened before `start`, or None."""
    position = start
    while True:
        position = text.find(quote, position)
        if position < 0:
            return None
        if quote == "'" and text.startswith("''", position):  # YAML's escaped single quote
            position += 2
            continue
        backslashes = len(text[:position]) - len(text[:position].rstrip("\\"))
        if quote != "'" and backslashes % 2:
            position += 1
            continue
        return position


def _mark_quoted(lines: list[str], index: int, quote: str, found: dict[int, Ranges]) -> int:
    """Marks lines from `index` (0-based) up to the one that closes `quote`; returns the next index."""
    while index < len(lines):
        text = lines[index]
        start = len(text) - len(text.lstrip())
        close = _closing_quote(text, start, quote)
        found.setdefault(index + 1, []).append((start, len(text) if close is None else close))
        index += 1
        if close is not None:
            break
    return index


def _mark_indented(lines: list[str], index: int, key_column: int, has_value: bool,
                   found: dict[int, Ranges]) -> int:
    """Marks the lines from `index` (0-based) indented deeper than `key_column` (blank lines
    included): a block or folded scalar. Under a key with nothing after it, only when the first
    such line is a scalar, not a nested key or sequence item."""
    first = True
    while index < len(lines):
        text = lines[index]
        stripped = text.strip()
        indent = len(text) - len(text.lstrip())
        if stripped and indent <= key_column:
            break
        if stripped and first:
            first = False
            if not has_value and (stripped.startswith(("-", "#")) or _YAML_KEY_LINE.match(text)):
                break
        if stripped:
            found.setdefault(index + 1, []).append((indent, len(text)))
        index += 1
    return index

"""Database connection URLs: parsing with offsets, classification, placeholders and redaction.

Understood schemes: `postgres://`, `postgresql://`, `mysql://`, `mariadb://`, `sqlserver://` (Prisma's
`sqlserver://host:port;database=x;user=y;password=z` form, `{...}` escaping included), `mongodb://`,
`mongodb+srv://`, `prisma://`, `prisma+postgres://` and `file:` (SQLite).

Offsets (`password_span`, `host_span`, ...) are `(start, end)` character offsets into the text given
to `parse_db_url`, end exclusive. `user` and `password` are the text as written (percent-encoded);
`password_decoded` gives the decoded value.

Passwords often contain `@`, `/`, `?` or `:` without percent-encoding. The userinfo ends at the last
`@` that is followed by something that looks like a host, so `u:p@ss/w?rd@host/db` gives the password
`p@ss/w?rd`. When in doubt the parser prefers reading a secret (over-redaction is harmless, a leak is
not). Serverless/CloudFormation/template variables (`${...}`, `{{...}}`) are skipped as a whole when
looking for separators, so `${ssm:/db/password}` stays one piece.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from ..model.fieldclasses import field, fieldclass
from ..model.lazyre import lazy_compile
from functools import lru_cache
from urllib.parse import unquote

Offsets = tuple[int, int]

_SCHEMES = r"(postgresql|postgres|mysql|mariadb|sqlserver|mongodb\+srv|mongodb|prisma\+postgres|prisma)://"
_SCHEME = lazy_compile(_SCHEMES, re.IGNORECASE)
_FILE_SCHEME = lazy_compile(r"file:", re.IGNORECASE)
# In free text a `file:` URL must look like a SQLite path, or prose like "file: x" would match.
_SQLITE_IN_TEXT = r"file:(?:\.{0,2}/|[\w.\-]+\.(?:db|sqlite3?|db3)\b)"
_URL_START = lazy_compile(rf"(?<![\w+.\-])(?:{_SCHEMES}|{_SQLITE_IN_TEXT})", re.IGNORECASE)
_URL_STOP = frozenset(" \t\r\n\"'`")
_TRAILING_PUNCTUATION = ".,;:!"
_HOST_CHARS = lazy_compile(r"[A-Za-z0-9._\-:\[\],%~]*")
_VARIABLE = lazy_compile(r"\$\{|\{\{")
# A whole value like `$DB_PASSWORD` (dotenv-expand); `pa$word` is a literal password.
_SHELL_VARIABLE = lazy_compile(r"^\$[A-Z_][A-Z0-9_]*$")

SECRET_PARAMS = frozenset({"password", "pwd", "sslpassword", "api_key", "apikey", "secret", "token",
                           "access_token", "auth_token"})
_SQLSERVER_KEYS = {
    "user": "user", "username": "user", "uid": "user", "userid": "user", "user id": "user",
    "password": "password", "pwd": "password",
    "database": "database", "initial catalog": "database",
}

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0"})
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0", "host.docker.internal",
                         "docker.for.mac.localhost", "host.containers.internal"})
# Hosted databases outside AWS (no VPC needed to reach them).
MANAGED_HOST_SUFFIXES = (
    ".neon.tech", ".supabase.co", ".supabase.com", ".psdb.cloud", ".prisma-data.net", ".prisma.io",
    ".render.com", ".railway.app", ".railway.internal", ".rlwy.net", ".aivencloud.com",
    ".cockroachlabs.cloud", ".mongodb.net", ".ondigitalocean.com", ".timescale.com", ".tsdb.cloud",
    ".xata.sh", ".turso.io", ".upstash.io", ".database.azure.com", ".database.windows.net",
    ".nhost.run", ".tembo.io", ".crunchybridge.com", ".elephantsql.com", ".filess.io",
)
POOLER_HOST_MARKERS = ("-pooler.",)
POOLER_HOST_SUFFIXES = (".pooler.supabase.com",)  # Supavisor
_RDS_SUFFIX = lazy_compile(r"(?i)\.rds\.amazonaws\.com(\.cn)?$")
_RDS_PROXY = lazy_compile(r"(?i)(^|\.)proxy-[a-z0-9]+\.[a-z0-9-]+\.rds\.amazonaws\.com(\.cn)?$")
_IPV4_LOOPBACK = lazy_compile(r"^127(\.\d{1,3}){3}$")
_SINGLE_LABEL = lazy_compile(r"^[A-Za-z0-9_][A-Za-z0-9_\-]*$")


def is_rds_host(host: str) -> bool:
    """An Amazon RDS endpoint (instance, cluster or proxy)."""
    return bool(_RDS_SUFFIX.search(host))


def is_rds_proxy_host(host: str) -> bool:
    return bool(_RDS_PROXY.search(host))


@fieldclass(slots=True, repr=False)
class DbUrl:
    text: str
    scheme: str  # lowercased, e.g. "postgresql", "mongodb+srv", "file"
    user: str | None = None
    password: str | None = None
    host: str | None = None  # the first host, without brackets or port
    port: int | None = None
    database: str | None = None
    params: list[tuple[str, str]] = field(default_factory=list)  # decoded, in order, duplicates kept
    query_raw: str | None = None  # after `?` (after the first `;` for sqlserver)
    extra_question_marks: bool = False
    hosts: list[str] = field(default_factory=list)
    user_span: Offsets | None = None
    password_span: Offsets | None = None
    host_span: Offsets | None = None  # the whole host list for multi-host URLs
    port_span: Offsets | None = None
    database_span: Offsets | None = None
    query_span: Offsets | None = None
    param_spans: list[tuple[Offsets, Offsets]] = field(default_factory=list)  # (key, value) per param

    def __repr__(self) -> str:  # never print the password, even in a traceback
        return f"DbUrl({redact_url(self.text)!r})"

    @property
    def family(self) -> str:
        """postgresql, mysql, sqlserver, mongodb, sqlite or prisma (Accelerate / Prisma Postgres)."""
        return {"postgres": "postgresql", "mariadb": "mysql", "mongodb+srv": "mongodb", "file": "sqlite",
                "prisma+postgres": "prisma"}.get(self.scheme, self.scheme)

    @property
    def password_decoded(self) -> str | None:
        return None if self.password is None else unquote(self.password)

    def param(self, name: str) -> str | None:
        """The last value of a query parameter (case-insensitive name), as the drivers read it."""
        for key, value in reversed(self.params):
            if key.lower() == name.lower():
                return value
        return None

    def has_param(self, name: str) -> bool:
        return any(key.lower() == name.lower() for key, _ in self.params)

    @property
    def connection_limit(self) -> str | None:
        return self.param("connection_limit")

    @property
    def has_variable_password(self) -> bool:
        return self.password is not None and is_variable_text(self.password)

    @property
    def has_variable_host(self) -> bool:
        return self.host is not None and is_variable_text(self.host)

    @property
    def has_literal_password(self) -> bool:
        return bool(self.password) and not self.has_variable_password

    @property
    def is_pooler(self) -> bool:
        if self.family == "prisma" or (self.param("pgbouncer") or "").lower() == "true":
            return True
        return any(self._host_is_pooler(host) for host in self.hosts)

    @staticmethod
    def _host_is_pooler(host: str) -> bool:
        host = host.lower()
        return (any(marker in host for marker in POOLER_HOST_MARKERS)
                or host.endswith(POOLER_HOST_SUFFIXES) or is_rds_proxy_host(host))

    @property
    def is_rds(self) -> bool:
        return any(is_rds_host(host) for host in self.hosts)

    @property
    def is_rds_proxy(self) -> bool:
        return any(is_rds_proxy_host(host) for host in self.hosts)

    @property
    def is_local(self) -> bool:
        """localhost, loopback addresses, Docker host names and single-label names such as `db` or
        `postgres` (docker-compose services). An empty host is a local Unix socket. SQLite files
        have no host and are not "local" in this sense."""
        if self.family == "sqlite":
            return False
        if not self.hosts:
            return self.host_span is not None
        return all(_is_local_host(host) for host in self.hosts)

    @property
    def is_managed_external(self) -> bool:
        """A hosted database outside AWS: Neon, Supabase, PlanetScale, Prisma Accelerate / Postgres,
        Render, Railway, MongoDB Atlas, ..."""
        if self.is_local:
            return False
        if self.family == "prisma":
            return True
        return bool(self.hosts) and all(host.lower().endswith(MANAGED_HOST_SUFFIXES) for host in self.hosts)

    @property
    def secret_spans(self) -> list[Offsets]:
        """Offsets of every literal secret: the password and secret-named query parameters."""
        spans = []
        if self.password_span and self.password and not is_variable_only(self.password):
            spans.append(self.password_span)
        for (key, value), (_, value_span) in zip(self.params, self.param_spans):
            if key.lower() in SECRET_PARAMS and value and self.password_span != value_span:
                if not is_variable_only(self.text[value_span[0]:value_span[1]]):
                    spans.append(value_span)
        return spans

    @property
    def is_placeholder(self) -> bool:
        return is_placeholder_credential(self.user, self.password)


def is_variable_text(text: str) -> bool:
    """True when text contains a deploy-time or template variable (`${...}`, `{{...}}`) or is a
    whole `$VAR` reference."""
    return bool(_VARIABLE.search(text) or _SHELL_VARIABLE.match(text))


def is_variable_only(text: str) -> bool:
    """True when text is nothing but variables (nothing literal left to hide)."""
    if not text or _SHELL_VARIABLE.match(text):
        return bool(text)
    i = 0
    while i < len(text):
        if not (text.startswith("${", i) or text.startswith("{{", i)):
            return False
        end = _variable_end(text, i)
        if end == i + 1:
            return False
        i = end
    return True


def _is_local_host(host: str) -> bool:
    host = host.lower().strip("[]")
    if is_variable_text(host) or not host:
        return False
    if is_this_machine(host):
        return True
    return bool(_SINGLE_LABEL.match(host)) and not host.isdigit()


def is_this_machine(host: str) -> bool:
    """localhost, a loopback address, 0.0.0.0 or a Docker name for the host machine: a database
    there is on the developer's computer (a single-label name may be a compose service or a VPC's
    DNS name, so it is not one of these)."""
    return host.lower().strip("[]") in LOCAL_HOSTS or is_loopback(host)


def is_loopback(host: str) -> bool:
    """localhost, `*.localhost`, 127.0.0.0/8, ::1 or 0.0.0.0: the machine the client runs on."""
    host = host.lower().strip("[]")
    return host in LOOPBACK_HOSTS or host.endswith(".localhost") or bool(_IPV4_LOOPBACK.match(host))


# -- scanning helpers ------------------------------------------------------------------------------
def _variable_end(text: str, start: int) -> int:
    """End of the `${...}` (nesting counted) or `{{...}}` that starts at `start`. An unclosed one is
    not a variable: only its first character is skipped."""
    pairs, double_closes = _braces(text)
    if text.startswith("{{", start):
        i = bisect_left(double_closes, start + 2)
        return start + 1 if i == len(double_closes) else double_closes[i] + 2
    close = pairs.get(start + 1)
    return start + 1 if close is None else close + 1


@lru_cache(maxsize=64)
def _braces(text: str) -> tuple[dict[int, int], list[int]]:
    """(offset of each `{` -> offset of its matching `}`, offsets of every `}}`), computed once per
    text so that scanning stays linear on hostile input."""
    pairs, open_braces = {}, []
    for match in re.finditer(r"[{}]", text):
        if match.group() == "{":
            open_braces.append(match.start())
        elif open_braces:
            pairs[open_braces.pop()] = match.start()
    double_closes = [match.start() for match in re.finditer(r"(?=\}\})", text)]
    return pairs, double_closes


def _find(text: str, chars: str, start: int, end: int) -> int:
    """First index in [start, end) of one of `chars` outside variables, else `end`."""
    i = start
    while i < end:
        if text.startswith("${", i) or text.startswith("{{", i):
            i = _variable_end(text, i)
            continue
        if text[i] in chars:
            return i
        i += 1
    return end


def _find_all(text: str, char: str, start: int, end: int) -> list[int]:
    found = []
    i = _find(text, char, start, end)
    while i < end:
        found.append(i)
        i = _find(text, char, i + 1, end)
    return found


# -- parsing ---------------------------------------------------------------------------------------
def parse_db_url(text: str) -> DbUrl | None:
    """Parse a database URL (leading/trailing whitespace allowed); None when `text` does not start
    with a known scheme. Never raises."""
    try:
        return _parse(text)
    except Exception:  # a tolerant parser: odd input gives no result rather than a crash
        return None


def _parse(text: str) -> DbUrl | None:
    start = len(text) - len(text.lstrip())
    end = len(text.rstrip())
    match = _SCHEME.match(text, start)
    if match is None:
        if _FILE_SCHEME.match(text, start):
            return _parse_file(text, start + 5, end)
        return None
    url = DbUrl(text, match.group(1).lower())
    if url.scheme == "sqlserver":
        _parse_sqlserver(url, match.end(), end)
    else:
        _parse_standard(url, match.end(), end)
    return url


def _parse_file(text: str, start: int, end: int) -> DbUrl:
    url = DbUrl(text, "file")
    query = _find(text, "?", start, end)
    if query > start:
        url.database, url.database_span = text[start:query], (start, query)
    if query < end:
        _parse_query(url, query + 1, end)
    return url


def _parse_standard(url: DbUrl, start: int, end: int) -> None:
    text = url.text
    host_start = start
    at = _userinfo_end(text, start, end)
    if at is not None:
        _set_userinfo(url, start, at, ":")
        host_start = at + 1
    host_end = _find(text, "/?", host_start, end)
    _set_hosts(url, host_start, host_end)
    if host_end < end and text[host_end] == "/":
        query = _find(text, "?", host_end + 1, end)
        if query > host_end + 1:
            url.database = unquote(text[host_end + 1:query])
            url.database_span = (host_end + 1, query)
        host_end = query
    if host_end < end and text[host_end] == "?":
        _parse_query(url, host_end + 1, end)


def _userinfo_end(text: str, start: int, end: int) -> int | None:
    """The `@` that ends the userinfo: the last one followed by a plausible host, provided the text
    before it can be `user[:password]` (its user part has no `/` or `?`, which would mean the `@` is
    in a path or query)."""
    ats = _find_all(text, "@", start, end)
    for at, next_at in reversed(list(zip(ats, ats[1:] + [end]))):
        host_end = _find(text, "/?;", at + 1, next_at)  # a host never contains "@"
        if (host_end == next_at < end) or not _plausible_host(text[at + 1:host_end]):
            continue
        colon = _find(text, ":", start, at)
        user_part = text[start:colon]
        if "/" in user_part or "?" in user_part:
            return None
        return at
    return None


def _plausible_host(host: str) -> bool:
    host = re.sub(r"\$\{[^}]*\}?|\{\{.*?(\}\}|$)", "", host)
    return bool(_HOST_CHARS.fullmatch(host))


def _set_userinfo(url: DbUrl, start: int, end: int, separator: str) -> None:
    text = url.text
    colon = _find(text, separator, start, end)
    url.user, url.user_span = text[start:colon], (start, colon)
    if colon < end:
        url.password, url.password_span = text[colon + 1:end], (colon + 1, end)


def _set_hosts(url: DbUrl, start: int, end: int) -> None:
    url.host_span = (start, end)
    first = True
    for piece_start, piece_end in _split(url.text, ",", start, end):
        host, port, port_span = _host_port(url.text, piece_start, piece_end)
        if host:
            url.hosts.append(host)
        if first:
            url.host, url.port, url.port_span = host or None, port, port_span
            first = False


def _split(text: str, char: str, start: int, end: int) -> list[Offsets]:
    pieces = []
    for cut in _find_all(text, char, start, end) + [end]:
        pieces.append((start, cut))
        start = cut + 1
    return pieces


def _host_port(text: str, start: int, end: int) -> tuple[str, int | None, Offsets | None]:
    piece = text[start:end]
    if piece.startswith("["):  # IPv6 literal
        close = piece.find("]")
        if close < 0:
            return piece[1:], None, None
        host, rest, rest_start = piece[1:close], piece[close + 1:], start + close + 1
    else:
        colon = _find(text, ":", start, end) - start
        host, rest, rest_start = piece[:colon], piece[colon:], start + colon
    if not rest.startswith(":"):
        return host, None, None
    port_text = rest[1:]
    port = int(port_text) if port_text.isascii() and port_text.isdigit() else None
    return host, port, (rest_start + 1, rest_start + len(rest))


def _parse_query(url: DbUrl, start: int, end: int) -> None:
    text = url.text
    url.query_raw, url.query_span = text[start:end], (start, end)
    url.extra_question_marks = _find(text, "?", start, end) < end
    for piece_start, piece_end in _split(text, "&", start, end):
        if piece_end > piece_start:
            _add_param(url, piece_start, piece_end, decode=True)


def _add_param(url: DbUrl, start: int, end: int, decode: bool) -> None:
    text = url.text
    eq = _find(text, "=", start, end)
    key, value = text[start:eq], text[eq + 1:end] if eq < end else ""
    value_span = (eq + 1, end) if eq < end else (end, end)
    if decode:
        key, value = unquote(key.replace("+", " ")), unquote(value)
    url.params.append((key, value))
    url.param_spans.append(((start, eq), value_span))


def _parse_sqlserver(url: DbUrl, start: int, end: int) -> None:
    """`sqlserver://host[\\instance][:port];key=value;...`, values optionally wrapped in `{}`."""
    text = url.text
    authority_end = _find(text, ";", start, end)
    host_start = start
    at = _userinfo_end(text, start, authority_end)
    if at is not None:  # URL-style credentials are not Prisma's format, but read them anyway
        _set_userinfo(url, start, at, ":")
        host_start = at + 1
    _set_hosts(url, host_start, authority_end)
    if authority_end >= end:
        return
    url.query_raw, url.query_span = text[authority_end + 1:end], (authority_end + 1, end)
    for piece_start, piece_end in _sqlserver_pieces(text, authority_end + 1, end):
        _add_param(url, piece_start, piece_end, decode=False)
        key, value = url.params[-1]
        (key_start, _), (value_start, value_end) = url.param_spans[-1]
        if value.startswith("{") and value.endswith("}") and len(value) >= 2:
            value, value_start, value_end = value[1:-1], value_start + 1, value_end - 1
            url.params[-1] = (key, value)
            url.param_spans[-1] = ((key_start, key_start + len(key)), (value_start, value_end))
        role = _SQLSERVER_KEYS.get(key.strip().lower())
        if role == "user":
            url.user, url.user_span = value, (value_start, value_end)
        elif role == "password":
            url.password, url.password_span = value, (value_start, value_end)
        elif role == "database":
            url.database, url.database_span = value, (value_start, value_end)


def _sqlserver_pieces(text: str, start: int, end: int) -> list[Offsets]:
    """Split on `;`, except inside `{...}` (how SQL Server escapes `;` in values)."""
    pieces = []
    i = piece_start = start
    while i < end:
        if text[i] == "{":
            close = text.find("}", i + 1, end)
            i = end if close < 0 else close + 1
            continue
        if text[i] == ";":
            if i > piece_start:
                pieces.append((piece_start, i))
            piece_start = i + 1
        i += 1
    if end > piece_start:
        pieces.append((piece_start, end))
    return pieces


# -- finding URLs in text --------------------------------------------------------------------------
def find_db_urls(text: str) -> list[Offsets]:
    """(start, end) offsets of every database URL in free text (a YAML value, a source literal, a
    line of a .env file). A URL ends at whitespace or a quote outside variables; trailing
    punctuation and unbalanced closing brackets are left out."""
    found = []
    pos = 0
    while True:
        match = _URL_START.search(text, pos)
        if match is None:
            return found
        end = _url_end(text, match.end())
        found.append((match.start(), end))
        pos = max(end, match.end())


def _url_end(text: str, start: int) -> int:
    i = start
    while i < len(text):
        if text.startswith("${", i) or text.startswith("{{", i):
            i = _variable_end(text, i)
            continue
        if text[i] in _URL_STOP:
            break
        i += 1
    return _trim_end(text, start, i)


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start:
        last = text[end - 1]
        if last in _TRAILING_PUNCTUATION:
            end -= 1
        elif last in ")]}" and _unbalanced_close(text[start:end], last):
            end -= 1
        else:
            break
    return end


def _unbalanced_close(piece: str, close: str) -> bool:
    opening = {")": "(", "]": "[", "}": "{"}[close]
    return piece.count(close) > piece.count(opening)


def redact_url(text: str) -> str:
    """`text` with the password (and secret query parameters such as `api_key`) of every database URL
    replaced by `****`: `postgresql://admin:****@host/db`. Variables such as `${ssm:...}` are kept."""
    pieces = []
    last = 0
    for start, end in find_db_urls(text):
        url = parse_db_url(text[start:end])
        if url is None:
            continue
        for secret_start, secret_end in sorted(url.secret_spans):
            if start + secret_start < last:
                continue
            pieces.append(text[last:start + secret_start])
            pieces.append("****")
            last = start + secret_end
    pieces.append(text[last:])
    return "".join(pieces)


# -- placeholders ----------------------------------------------------------------------------------
# Passwords that are documentation or template text, not a secret. Compared after lowercasing and
# removing `-`, `_`, `.` and spaces, so `your-password`, `YOUR_PASSWORD` and `yourpassword` match.
PLACEHOLDER_PASSWORDS = frozenset({
    "yourpassword", "mypassword", "dbpassword", "changeme", "changethis", "changeit", "replaceme",
    "randompassword", "examplepassword", "passwordhere", "placeholder", "redacted", "todo", "tbd",
    "fixme", "mysecretpassword", "secretpassword", "supersecret", "supersecretpassword", "example",
    "dummy", "dummypassword", "fakepassword", "testpassword",
})
# Words that are a placeholder when the user is one too (`user:password`, `username:pass`), but a
# real, weak password otherwise (`admin:password`, `postgres:secret` deserve a finding).
WEAK_PASSWORDS = frozenset({"password", "pass", "passwd", "pwd", "pw", "secret"})
PLACEHOLDER_USERS = frozenset({
    "user", "username", "usr", "youruser", "yourusername", "dbuser", "dbusername", "myuser",
    "myusername", "johndoe", "janedoe", "login", "name", "userid",
})
# The documented list: every pair here is a placeholder (tests check it). The rules above generalize
# it (any `<...>`, `__...__`, `DB_PASSWORD`-style name, `your...password`, masks like `xxxx`).
# Not placeholders, on purpose: `postgres:postgres`, `root:root`, `admin:password`, `postgres:secret`
# are real (default or weak) credentials that get deployed; a local host makes them info anyway.
# `secret` and `password` count as placeholders only next to a placeholder user (`user:secret`).
PLACEHOLDER_CREDENTIALS = (
    ("USER", "PASSWORD"), ("user", "password"), ("user", "pass"), ("username", "password"),
    ("<user>", "<password>"), ("user", "<password>"), ("user", "__PASSWORD__"),
    ("johndoe", "randompassword"), ("user", "xxx"), ("user", "***"), ("user", "changeme"),
    ("user", "CHANGEME"), ("user", "your-password"), ("user", "yourpassword"), ("user", "[password]"),
    ("user", "{password}"), ("user", "PASSWORD"), ("user", "mypassword"), ("user", "secret"),
    ("DB_USER", "DB_PASSWORD"), ("user", "mysecretpassword"),
)
_WRAPPED = lazy_compile(r"^(<.*>|\[.*\]|\{.*\}|__.*__|%.*%)$", re.S)
_MASK = lazy_compile(r"^[xX*.#•\-_?]+$")
_ENV_STYLE_PASSWORD = lazy_compile(r"^([A-Z]+_)*(PASSWORD|PASSWD|PASS|PWD|SECRET)(_[A-Z]+)*$")
_ENV_STYLE_USER = lazy_compile(r"^([A-Z]+_)*(USER|USERNAME|LOGIN)(_[A-Z]+)*$")
_TEMPLATE_PREFIXES = ("your", "my", "enter", "insert", "put", "some", "strong", "secure", "super")


def _normalize(word: str) -> str:
    return re.sub(r"[\s\-_.]", "", word.lower())


def is_placeholder_credential(user: str | None, password: str | None) -> bool:
    """True when a URL's credentials are not a real secret: no password, or template/documentation
    text (`USER:PASSWORD`, `<user>:<password>`, `__PASSWORD__`, `johndoe:randompassword`,
    `user:pass`, `xxx`, `***`, `changeme`, `your-password`, `DB_PASSWORD`, ...).

    Variables (`${...}`) are a separate question: see `DbUrl.has_variable_password`.
    """
    if not password:
        return True
    password = unquote(password)
    user = unquote(user or "")
    normalized = _normalize(password)
    if _WRAPPED.match(password) or _MASK.match(password) or _ENV_STYLE_PASSWORD.match(password):
        return True
    if normalized in PLACEHOLDER_PASSWORDS:
        return True
    # `your-password`, `YourStrongPassword`, `my_secret_pwd`: letters only, so `MyPassword2024!` is
    # treated as the real password it probably is.
    if (normalized.isalpha() and normalized.startswith(_TEMPLATE_PREFIXES)
            and re.search("pass|pwd|secret", normalized)):
        return True
    if normalized in WEAK_PASSWORDS:
        return _is_placeholder_user(user)
    return False


# Credentials that docker-compose files and framework docs give a local database (the postgres and
# mysql images' examples, Prisma's and Laravel's samples): on a local host they guard nothing.
DEFAULT_LOCAL_USERS = frozenset({"postgres", "root", "mysql", "admin", "prisma", "sa"})
DEFAULT_LOCAL_PASSWORDS = WEAK_PASSWORDS | {"postgres", "root", "mysql", "admin", "prisma"}


def is_default_local_credential(user: str | None, password: str | None) -> bool:
    """`postgres:postgres`, `root:root`, `root:password`, `prisma:prisma` ...: what a local database
    is created with, not a secret once the URL points at localhost or a compose service."""
    user, password = unquote(user or "").lower(), unquote(password or "").lower()
    return bool(password) and (password == user or (user in DEFAULT_LOCAL_USERS
                                                    and password in DEFAULT_LOCAL_PASSWORDS))


def _is_placeholder_user(user: str) -> bool:
    if not user:
        return False
    if _WRAPPED.match(user) or _MASK.match(user) or _ENV_STYLE_USER.match(user):
        return True
    normalized = _normalize(user)
    return normalized in PLACEHOLDER_USERS or (normalized.isalpha() and normalized.startswith("your"))

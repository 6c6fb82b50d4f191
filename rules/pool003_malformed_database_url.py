"""A database URL whose query has a second `?` or a non-numeric `connection_limit`.

What: a database URL (serverless.yml `environment` and `custom:`, prisma.config.ts's `datasource`,
schema.prisma `url`/`directUrl`, `.env` files including templates, string literals in handler
code) whose query contains a second `?` (`?schema=public?connection_limit=1`), reported at that
`?`; or whose `connection_limit` is not a whole number (`connection_limit=one`,
`connection_limit=`), reported at the value. Not flagged: an encoded `%3F`; `?` inside a variable
(`${...}`); a `connection_limit` that is a variable; a `connection_limit` where a driver adapter
holds the connections (Prisma 7, `engineType = "client"`: the client never reads it, POOL007 says
so).

Why: only the first `?` starts the query. Everything after a second one is read as part of the
previous parameter's value (`schema` becomes `public?connection_limit=1`), so the later parameters
are silently ignored: the pool keeps its default size, or the schema name is wrong. Prisma rejects
a non-numeric `connection_limit` when the client connects.

Example:
    DATABASE_URL=postgresql://app:pw@db.example.com:5432/app?schema=public?connection_limit=1

Use instead:
    DATABASE_URL=postgresql://app:pw@db.example.com:5432/app?schema=public&connection_limit=1

Fix (safe) for the second `?`: it becomes `&`, so the parameters after it are read as the URL's
author wrote them; where the URL is written with escapes the position is not exact, and no fix is
made. A non-numeric `connection_limit` gets none: only its author knows the number.

References: RFC 3986, section 3.4 (query); Prisma, "Connection URLs" and "Connection pool".
"""

from lintkit.analysis.adapterpools import url_parameters_ignored
from lintkit.analysis.pooling import config_urls, database_urls
from lintkit.model.diagnostics import Finding, Fix
from lintkit.model.lazyre import lazy_compile

CODE = "POOL003"
NAME = "malformed-database-url"
SEVERITY = "error"
SUMMARY = "A database URL with a second `?` in its query, or a non-numeric `connection_limit`."
FIXES = ("safe",)

_VARIABLE = lazy_compile(r"\$\{[^}]*\}|\{\{.*?\}\}")
_PARAM_NAME = lazy_compile(r"(?:^|[?&])([A-Za-z_][\w.\-]*)=")


def check(service, context):
    prisma_reads_limit = url_parameters_ignored(service) is None
    for site in [*database_urls(service), *config_urls(service)]:
        url = site.url
        if url.extra_question_marks and url.query_span:
            yield from _second_question_mark(site)
        if prisma_reads_limit:
            yield from _bad_connection_limits(site)


def _bad_connection_limits(site):
    url = site.url
    for (key, value), (key_span, value_span) in zip(url.params, url.param_spans):
        raw = url.text[value_span[0]:value_span[1]]
        if key.lower() == "connection_limit" and not _is_count(raw):
            where = site.span_of(value_span if value else key_span)
            yield Finding.at(where, "`connection_limit` must be a whole number of connections "
                             "(e.g. `connection_limit=1`); Prisma rejects this value.",
                             function=site.function)


def _is_count(raw: str) -> bool:
    return (raw.isascii() and raw.isdigit()) or bool(_VARIABLE.search(raw))


def _second_question_mark(site):
    url = site.url
    start, end = url.query_span
    masked = _VARIABLE.sub(lambda m: "x" * len(m.group()), url.text[start:end])
    if "?" not in masked:
        return  # the `?` dburl saw sits in a variable this simpler mask covers
    at = start + masked.index("?")
    swallowed = masked[at - start:].split("&", 1)[0]
    found = _PARAM_NAME.findall(swallowed)
    names = ", ".join(f"`{name}`" for name in found) or "what follows it"
    verb = "they are" if len(found) > 1 else "it is"
    owner = _param_holding(url, at)
    into = f"the value of `{owner}`" if owner else "the previous parameter"
    where = site.span_of((at, at + 1))
    yield Finding.at(where,
                     f"A second `?` in this URL's query makes {names} part of {into}, so {verb} "
                     "silently ignored: replace this `?` with `&`.", function=site.function,
                     fix=Fix.replace(where, "?", "&", "Replace the second `?` with `&`"))


def _param_holding(url, offset: int) -> str | None:
    for (key, _), (key_span, value_span) in zip(url.params, url.param_spans):
        if value_span[0] <= offset < value_span[1] and "?" not in key:
            return key
    return None

"""Glob patterns as regular expressions, for Serverless package patterns, .gitignore lines and the
globs of .lintkit.yml.

Every flavour matches `/`-separated relative paths, dotfiles included (micromatch's `dot: true`,
as git does): `*` and `?` stay within a path segment, `[abc]` / `[!abc]` / `[^abc]` is a character
class, `\\x` is a literal `x`. Where the three syntaxes differ:

- "micromatch" (Serverless `package.patterns`, the default): `**` spans folders only as a whole
  segment (`**/x`, `x/**/y`, `x/**`), elsewhere it is `*`; `x/**` also matches `x` itself; a
  leading `./` is dropped; `{a,b}` braces expand; extglobs (`+(a|b)`, `!(x)`) are not supported:
  such a pattern gets no regex and matches nothing.
- "gitignore": `**` as in micromatch, but `x/**` matches only what is inside `x`; braces are
  literal text.
- "lintkit" (.lintkit.yml): as "gitignore", except that `**` spans folders wherever it stands
  (`src/**.ts` matches `src/a/b.ts`).

Anchoring (a pattern without `/` that matches a name at any depth) is the caller's business.
"""
from __future__ import annotations

import re
from functools import lru_cache

FLAVOURS = ("micromatch", "gitignore", "lintkit")
BRACE_LIMIT = 64  # alternatives one pattern may expand to
_EXTGLOB = re.compile(r"[@!+*?]\(")


def glob_matches(pattern: str, path: str, flavour: str = "micromatch") -> bool:
    regex = glob_regex(pattern, flavour)
    return regex is not None and regex.fullmatch(path) is not None


@lru_cache(maxsize=1024)
def glob_regex(pattern: str, flavour: str = "micromatch") -> re.Pattern | None:
    """The glob as a regex to `fullmatch` relative paths with; None for a micromatch extglob."""
    if flavour not in FLAVOURS:
        raise ValueError(f"unknown glob flavour {flavour!r}")
    if flavour != "micromatch":
        return re.compile(_translate(pattern, flavour))
    if _EXTGLOB.search(pattern):
        return None
    while pattern.startswith("./"):
        pattern = pattern[2:]
    return re.compile("|".join(f"(?:{_translate(alternative, flavour)})"
                               for alternative in _expand_braces(pattern)))


def _translate(glob: str, flavour: str) -> str:
    out, i = [], 0
    while i < len(glob):
        globstar = flavour == "lintkit" or i == 0 or glob[i - 1] == "/"  # `**` may span folders
        if glob.startswith("**/", i) and globstar:
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("**", i) and globstar and (flavour == "lintkit" or i + 2 == len(glob)):
            out.append(".*")
            i += 2
        elif flavour == "micromatch" and glob.startswith("/**", i) and i + 3 == len(glob):
            out.append("(?:/.*)?")  # `x/**` matches `x` too
            i += 3
        elif glob[i] == "*":
            while glob.startswith("*", i + 1):
                i += 1
            out.append("[^/]*")
            i += 1
        elif glob[i] == "?":
            out.append("[^/]")
            i += 1
        elif glob[i] == "[" and _class_end(glob, i) > 0:
            close = _class_end(glob, i)
            body = glob[i + 1:close]
            body = "^" + body[1:] if body[:1] in ("!", "^") else body
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = close + 1
        elif glob[i] == "\\" and i + 1 < len(glob):
            out.append(re.escape(glob[i + 1]))
            i += 2
        else:
            out.append(re.escape(glob[i]))
            i += 1
    return "".join(out)


def _class_end(glob: str, start: int) -> int:
    """The `]` closing the class that opens at `start` (a class holds at least one character and
    stays within its path segment), or -1."""
    close = glob.find("]", start + 2)
    return close if close > 0 and "/" not in glob[start:close] else -1


def _expand_braces(pattern: str) -> list[str]:
    start, end, options = _first_brace_group(pattern)
    if start < 0:
        return [pattern]
    expanded = []
    for option in options:
        expanded += _expand_braces(pattern[:start] + option + pattern[end + 1:])
        if len(expanded) >= BRACE_LIMIT:
            break
    return expanded[:BRACE_LIMIT]


def _first_brace_group(pattern: str) -> tuple[int, int, list[str]]:
    """(start, end, options) of the first `{a,b}` group with a top-level comma; (-1, -1, [])."""
    i = 0
    while i < len(pattern):
        if pattern[i] == "\\":
            i += 2
            continue
        if pattern[i] == "{":
            depth, parts, last = 0, [], i + 1
            for j in range(i, len(pattern)):
                ch = pattern[j]
                depth += {"{": 1, "}": -1}.get(ch, 0)
                if ch == "," and depth == 1:
                    parts.append(pattern[last:j])
                    last = j + 1
                elif ch == "}" and depth == 0:
                    if parts:
                        return i, j, parts + [pattern[last:j]]
                    break
        i += 1
    return -1, -1, []

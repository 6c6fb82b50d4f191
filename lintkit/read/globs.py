"""Glob patterns for Serverless package patterns, .gitignore lines and the globs of .lintkit.yml.

Every flavour matches `/`-separated relative paths, dotfiles included (micromatch's `dot: true`,
as git does): `*` and `?` stay within a path segment, `[abc]` / `[!abc]` / `[^abc]` is a character
class, `\\x` is a literal `x`. Where the three syntaxes differ:

- "micromatch" (Serverless `package.patterns`, the default): `**` spans folders only as a whole
  segment (`**/x`, `x/**/y`, `x/**`), elsewhere it is `*`; `x/**` also matches `x` itself; a
  leading `./` is dropped; `{a,b}` braces expand; extglobs (`+(a|b)`, `!(x)`) are not supported:
  such a pattern matches nothing.
- "gitignore": `**` as in micromatch, but `x/**` matches only what is inside `x`; braces are
  literal text.
- "lintkit" (.lintkit.yml): as "gitignore", except that `**` spans folders wherever it stands
  (`src/**.ts` matches `src/a/b.ts`).

Anchoring (a pattern without `/` that matches a name at any depth) is the caller's business. A
pattern longer than GLOB_LIMIT characters matches nothing (a path has at most 4,096 bytes).

A glob is matched by running its automaton over the path with a set of states (Thompson's
construction), never by a backtracking regex: patterns come from pull requests, and a regex of
`*a*a*a...b` or `*?*?*?...` takes exponential time on a 40-character name. A match takes time
proportional to pattern × path at worst; the state sets met are cached per glob, so matching a
path is a dictionary lookup per character.
"""
from __future__ import annotations

from functools import lru_cache

from ..model.lazyre import lazy_compile

FLAVOURS = ("micromatch", "gitignore", "lintkit")
GLOB_LIMIT = 10_000  # characters
BRACE_LIMIT = 64  # alternatives one pattern may expand to
STEP_CACHE_LIMIT = 512  # cached (state set, character) steps per glob
_EXTGLOB = lazy_compile(r"[@!+*?]\(")


def _any_character(character: str) -> bool:
    return True


_NOT_SLASH = "/".__ne__


class Glob:
    """A compiled glob; `fullmatch(path)` says whether it matches the whole path."""

    def __init__(self, alternatives: list[list[tuple]]):
        self._edges: list[list[tuple]] = []  # per state: (character test, next state)
        self._skips: list[list[int]] = []  # per state: states reached without a character
        start, self._accept = self._state(), self._state()
        for tokens in alternatives:
            state = self._state()
            self._skips[start].append(state)
            for token in tokens:
                state = self._add(state, token)
            self._skips[state].append(self._accept)
        self._start = self._closure([start])
        self._steps: dict[tuple[frozenset, str], frozenset] = {}

    def fullmatch(self, path: str) -> bool:
        states, steps = self._start, self._steps
        for character in path:
            following = steps.get((states, character))
            if following is None:
                following = self._step(states, character)
                if len(steps) >= STEP_CACHE_LIMIT:
                    steps.clear()
                steps[(states, character)] = following
            if not following:
                return False
            states = following
        return self._accept in states

    def _state(self) -> int:
        self._edges.append([])
        self._skips.append([])
        return len(self._edges) - 1

    def _add(self, state: int, token: tuple) -> int:
        """Wire `token` from `state`; the state after it."""
        kind, test = token
        after = self._state()
        if kind == "one":
            self._edges[state].append((test, after))
        elif kind == "many":  # test*
            self._edges[state].append((test, state))
            self._skips[state].append(after)
        elif kind == "folders":  # (?:.*/)?  nothing, or anything that ends with `/`
            inner = self._state()
            self._skips[state] += [after, inner]
            self._edges[inner] += [(_any_character, inner), ("/".__eq__, after)]
        else:  # "tail", (?:/.*)?  nothing, or `/` and anything
            inner = self._state()
            self._skips[state].append(after)
            self._edges[state].append(("/".__eq__, inner))
            self._edges[inner].append((_any_character, inner))
            self._skips[inner].append(after)
        return after

    def _step(self, states: frozenset, character: str) -> frozenset:
        return self._closure([target for state in states
                              for test, target in self._edges[state] if test(character)])

    def _closure(self, states: list[int]) -> frozenset:
        reached, stack = set(states), list(states)
        while stack:
            for state in self._skips[stack.pop()]:
                if state not in reached:
                    reached.add(state)
                    stack.append(state)
        return frozenset(reached)


def glob_matches(pattern: str, path: str, flavour: str = "micromatch") -> bool:
    return compile_glob(pattern, flavour).fullmatch(path)


@lru_cache(maxsize=1024)
def compile_glob(pattern: str, flavour: str = "micromatch") -> Glob:
    """The glob to `fullmatch` relative paths with."""
    if flavour not in FLAVOURS:
        raise ValueError(f"unknown glob flavour {flavour!r}")
    if len(pattern) > GLOB_LIMIT:
        return Glob([])
    if flavour != "micromatch":
        return Glob([_tokens(pattern, flavour)])
    if _EXTGLOB.search(pattern):
        return Glob([])
    while pattern.startswith("./"):
        pattern = pattern[2:]
    return Glob([_tokens(alternative, flavour) for alternative in _expand_braces(pattern)])


def _tokens(glob: str, flavour: str) -> list[tuple]:
    """The glob as ("one" | "many", character test) tokens, and ("folders" | "tail", None) for
    `**` that spans folders."""
    out, i = [], 0
    while i < len(glob):
        globstar = flavour == "lintkit" or i == 0 or glob[i - 1] == "/"  # `**` may span folders
        if flavour == "gitignore" and globstar and glob.startswith("***", i):
            # git's wildmatch reads any run of stars that fills a segment as `**`
            end = i
            while glob.startswith("*", end):
                end += 1
            if end == len(glob) or glob[end] == "/":
                glob, i = glob[:i] + glob[end - 2:], i
        if glob.startswith("**/", i) and globstar:
            out.append(("folders", None))  # `**/` is any number of folders
            i += 3
        elif glob.startswith("**", i) and globstar and (flavour == "lintkit" or i + 2 == len(glob)):
            out.append(("many", _any_character))
            i += 2
        elif flavour == "micromatch" and glob.startswith("/**", i) and i + 3 == len(glob):
            out.append(("tail", None))  # `x/**` matches `x` too
            i += 3
        elif glob[i] == "*":
            while glob.startswith("*", i + 1):
                i += 1
            out.append(("many", _NOT_SLASH))
            i += 1
        elif glob[i] == "?":
            out.append(("one", _NOT_SLASH))
            i += 1
        elif glob[i] == "[" and _class_end(glob, i) > 0:
            close = _class_end(glob, i)
            out.append(("one", _class_test(glob[i + 1:close])))
            i = close + 1
        elif glob[i] == "\\" and i + 1 < len(glob):
            out.append(("one", glob[i + 1].__eq__))
            i += 2
        else:
            out.append(("one", glob[i].__eq__))
            i += 1
    return out


def _class_end(glob: str, start: int) -> int:
    """The `]` closing the class that opens at `start` (a class holds at least one character, so a
    `]` right after `[` or `[!` is one of them, and stays within its path segment), or -1."""
    first = start + 2 if glob[start + 1:start + 2] in ("!", "^") else start + 1
    close = glob.find("]", first + 1)
    return close if close > 0 and "/" not in glob[start:close] else -1


def _class_test(body: str):
    """The test of a class body such as `a-z_` or `!0-9`: single characters and ranges."""
    negated = body[:1] in ("!", "^")
    body = body[1:] if negated else body
    singles, ranges, i = set(), [], 0
    while i < len(body):
        if i + 2 < len(body) and body[i + 1] == "-":
            ranges.append((body[i], body[i + 2]))
            i += 3
        else:
            singles.add(body[i])
            i += 1

    def test(character: str) -> bool:
        inside = character in singles or any(low <= character <= high for low, high in ranges)
        return inside is not negated
    return test


def _expand_braces(pattern: str) -> list[str]:
    """The pattern with each `{a,b}` group (one with a top-level comma) expanded, first group
    first, at most BRACE_LIMIT alternatives; one pass over the pattern, however many groups."""
    groups = _brace_groups(pattern)
    frames = [([], [""])]  # per open group: (alternatives of its finished options, of the current one)
    last = 0
    for index in sorted(groups):
        done, current = frames[-1]
        current[:] = [alternative + pattern[last:index] for alternative in current]
        last = index + 1
        if groups[index] == "{":
            frames.append(([], [""]))
        elif groups[index] == ",":
            done += current
            current[:] = [""]
        else:
            done, current = frames.pop()
            options = (done + current)[:BRACE_LIMIT]
            outer = frames[-1][1]
            outer[:] = [a + b for a in outer[:BRACE_LIMIT] for b in options][:BRACE_LIMIT]
    return [alternative + pattern[last:] for alternative in frames[0][1]]


def _brace_groups(pattern: str) -> dict[int, str]:
    """Index → `{`, `,` or `}` for the braces and top-level commas of each group that expands: a
    `{` that is not escaped, with its `}` and at least one comma between them at its own depth."""
    escaped, i = set(), 0
    while i < len(pattern):
        if pattern[i] == "\\":
            escaped.add(i + 1)
            i += 1
        i += 1
    opened: list[tuple[int, list[int]]] = []  # (index of `{`, its top-level commas)
    groups: dict[int, str] = {}
    for i, character in enumerate(pattern):
        if character == "{":
            opened.append((i, []))
        elif character == "," and opened:
            opened[-1][1].append(i)
        elif character == "}" and opened:
            start, commas = opened.pop()
            if commas and start not in escaped:
                groups.update({start: "{", i: "}"} | dict.fromkeys(commas, ","))
    return groups

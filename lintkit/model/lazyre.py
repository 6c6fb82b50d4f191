"""`lazy_compile`: `re.compile` deferred to the pattern's first use.

lintkit's modules declare ~120 patterns at import and a run of one service uses about a third of
them; `re` parses and compiles in Python, so compiling them all up front was ~15 ms of every run
(half of it for patterns the run never used).
"""
from __future__ import annotations

import re


class LazyPattern:
    """Stands in for the `re.Pattern` of `(source, flags)`: the methods lintkit calls, and any other
    attribute through the compiled pattern."""

    __slots__ = ("_source", "_flags", "_compiled")

    def __init__(self, source: str, flags: int = 0):
        self._source = source
        self._flags = flags
        self._compiled: re.Pattern | None = None

    @property
    def compiled(self) -> re.Pattern:
        if self._compiled is None:
            self._compiled = re.compile(self._source, self._flags)
        return self._compiled

    def search(self, string, *bounds):
        return (self._compiled or self.compiled).search(string, *bounds)

    def match(self, string, *bounds):
        return (self._compiled or self.compiled).match(string, *bounds)

    def fullmatch(self, string, *bounds):
        return (self._compiled or self.compiled).fullmatch(string, *bounds)

    def finditer(self, string, *bounds):
        return (self._compiled or self.compiled).finditer(string, *bounds)

    def findall(self, string, *bounds):
        return (self._compiled or self.compiled).findall(string, *bounds)

    def sub(self, replacement, string, count=0):
        return (self._compiled or self.compiled).sub(replacement, string, count)

    def subn(self, replacement, string, count=0):
        return (self._compiled or self.compiled).subn(replacement, string, count)

    def split(self, string, maxsplit=0):
        return (self._compiled or self.compiled).split(string, maxsplit)

    @property
    def pattern(self) -> str:
        return self._source

    def __getattr__(self, name: str):  # flags, groups, groupindex: rare, so not spelt out above
        return getattr(self.compiled, name)

    def __repr__(self) -> str:
        return f"lazy_compile({self._source!r}, {self._flags!r})"


def lazy_compile(source: str, flags: int = 0) -> LazyPattern:
    return LazyPattern(source, flags)

"""A lazily compiled pattern answers as the compiled one does, and compiles only when first used."""
from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lintkit.model.lazyre import lazy_compile

PATTERNS = [(r"(?P<word>[a-z]+)-(\d*)", 0), (r"^ab+c$", re.MULTILINE), (r"x|y", re.IGNORECASE)]


@pytest.mark.parametrize(("source", "flags"), PATTERNS)
@given(text=st.text(alphabet="abcxyXY-19\n ", max_size=20))
def test_answers_as_the_compiled_pattern(source, flags, text):
    lazy, compiled = lazy_compile(source, flags), re.compile(source, flags)
    for method in ("search", "match", "fullmatch", "findall", "split"):
        ours, theirs = getattr(lazy, method)(text), getattr(compiled, method)(text)
        assert (ours.span() if isinstance(ours, re.Match) else ours) == \
            (theirs.span() if isinstance(theirs, re.Match) else theirs)
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in compiled.finditer(text)]
    assert lazy.sub("_", text) == compiled.sub("_", text)
    assert lazy.subn("_", text, 1) == compiled.subn("_", text, 1)
    assert (lazy.pattern, lazy.flags, lazy.groupindex) == (compiled.pattern, compiled.flags,
                                                           compiled.groupindex)


def test_compiles_on_first_use_only():
    lazy = lazy_compile("[unclosed")  # an invalid pattern: compiling it raises
    with pytest.raises(re.error):
        lazy.search("x")
    assert lazy_compile(rb"\r\n|\n").split(b"a\r\nb\nc") == [b"a", b"b", b"c"]

"""Unsaved editor buffers that stand in for files on disk (`--stdin-filename`, the language server).

Loaders ask `buffer(path)` before reading a file; `buffers({...})` installs the buffers for one run.
A buffer given as text is encoded as UTF-8 the way an editor saves it: a lone surrogate (an LSP
client can send `"\ud800"`) becomes U+FFFD, as JavaScript's TextEncoder writes it, one character for
one, so that positions in the buffer and in the linted text agree.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

from .surrogates import replace_lone_surrogates

_buffers: dict[str, bytes] = {}


def _key(path) -> str:
    return os.path.normpath(os.path.abspath(path))


def buffer(path) -> bytes | None:
    """The unsaved content standing in for `path`, or None to read the file from disk."""
    if not _buffers:
        return None
    return _buffers.get(_key(path))


def _encoded(text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return replace_lone_surrogates(text).encode("utf-8")


@contextmanager
def buffers(contents: dict[Path, bytes | str]):
    previous = dict(_buffers)
    _buffers.update({_key(path): _encoded(data) if isinstance(data, str) else data
                     for path, data in contents.items()})
    try:
        yield
    finally:
        _buffers.clear()
        _buffers.update(previous)

"""Unsaved editor buffers that stand in for files on disk (`--stdin-filename`, the language server).

Loaders ask `buffer(path)` before reading a file; `buffers({...})` installs the buffers for one run.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

_buffers: dict[str, bytes] = {}


def _key(path) -> str:
    return os.path.normpath(os.path.abspath(path))


def buffer(path) -> bytes | None:
    """The unsaved content standing in for `path`, or None to read the file from disk."""
    if not _buffers:
        return None
    return _buffers.get(_key(path))


@contextmanager
def buffers(contents: dict[Path, bytes | str]):
    previous = dict(_buffers)
    _buffers.update({_key(path): data.encode("utf-8") if isinstance(data, str) else data
                     for path, data in contents.items()})
    try:
        yield
    finally:
        _buffers.clear()
        _buffers.update(previous)

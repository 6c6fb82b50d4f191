"""Parsed files kept from one run to the next (the language server lints a service again after
every edit): a file whose bytes did not change is not parsed again. For a handler source, what was
worked out from its tree alone comes with it (imports, exports, definitions, the per-file scans
that analyses attach to a SourceFile); for serverless.yml and its includes, the loaded YAML
(formats/serverless.py, language "yaml").

An entry is keyed by the path the file was asked for, its language and a hash of its bytes, so an
edited buffer, a file changed on disk and a deleted file (never read, so never asked for) all miss.
Module resolution, which depends on what else exists on disk, stays in each run's SourceCache.
`sweep()` after a run forgets every entry that run did not use, so the store holds one version of
each file of the service at most. `graphs` keeps the service's handler graphs the same way
(lintkit.read.keptgraphs): a graph is taken again only when its files are the very SourceFiles of
this store and its module resolutions are unchanged. `result()` keeps what an analysis worked out
from the service under a key of everything it read.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from .files import content_digest
from .keptgraphs import KeptGraphs


def content_key(path: Path, language: str, data: bytes) -> tuple[str, str, str]:
    return str(path), language, content_digest(data)


class SourceStore:
    def __init__(self):
        self._kept: dict[tuple, object] = {}
        self._used: set[tuple] = set()
        self.parses = 0  # files parsed through this store (the tests count them)
        self.graphs = KeptGraphs()
        self._results: dict[object, tuple] = {}  # name -> (key, result)
        self._results_used: set = set()
        self.computed: dict[object, int] = {}  # name -> results worked out (the tests count them)

    def parsed(self, path: Path, language: str, data: bytes, parse: Callable[[], object]):
        """The SourceFile of `data` at `path`: the kept one, or `parse()` kept from now on."""
        key = content_key(path, language, data)
        self._used.add(key)
        if key not in self._kept:
            self._kept[key] = parse()
            self.parses += 1
        return self._kept[key]

    def result(self, name, key, compute: Callable[[], object]):
        """`compute()`, or what it gave in an earlier lint of the service with an equal `key`: the
        caller makes `key` hold everything `compute` reads. One result is kept per name."""
        self._results_used.add(name)
        kept = self._results.get(name)
        if kept is None or kept[0] != key:
            kept = self._results[name] = (key, compute())
            self.computed[name] = self.computed.get(name, 0) + 1
        return kept[1]

    def sweep(self) -> None:
        """Forgets what was not used since the last sweep."""
        self._kept = {key: source for key, source in self._kept.items() if key in self._used}
        self._used = set()
        self._results = {name: kept for name, kept in self._results.items() if name in self._results_used}
        self._results_used = set()
        self.graphs.sweep()

    def __len__(self) -> int:
        return len(self._kept)

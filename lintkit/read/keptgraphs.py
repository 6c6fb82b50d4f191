"""Handler graphs kept from one lint of a service to the next (the language server, with a
SourceStore): a graph whose files and module resolutions did not change is not built and followed
again.

A HandlerGraph is worked out from its constructor's arguments and from what it asks the source
cache: the files it parses (`parse`, and `reason` for those it cannot), the modules imports resolve
to (`resolutions`, which probe the disk) and real paths. Built through a `RecordingCache`, a graph
leaves the list of those questions with their answers. The next lint with the same key (handler
file, export, middleware, project root, build layout, source limits) and an equal tsconfig asks
each question again of its own cache, in order; when every answer is the same (the very
SourceFile object the store kept, the same resolved path), a fresh graph would ask and get exactly
what the kept one did, so its state is the kept one's: the lint takes a copy of it (files, export,
entry points, `per_invocation()`), which goes on asking the new cache and recording. A file
edited, created (a new candidate for an import) or deleted changes an answer: the graph is built
again.

The copy is a new object with an empty `memo` (what it holds, web apps and Nest applications,
refers to the graph it was made for). `kept_results` goes with the copy: what an analysis worked
out from the graph and kept there, under a key of whatever else it read (the client analysis keys
its results by the generated client folders). An analysis that uses what another graph worked
out (the client analysis shares per-file facts between the graphs of a lint) notes the questions
that other graph asked for it (`replay`), so the log of each graph holds every question its
kept results depend on. Analyses keyed by the graph object (per-graph TLS and wipe results) are
worked out again in each lint. A graph whose `missing_output` or `unparsed` grew after it was built
(an import resolved lazily, from a file outside its `files`) is not taken again: a fresh graph
would have those entries only once the same question is asked again.
"""
from __future__ import annotations

import copy
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .sources import SourceCache


class RecordingCache:
    """The part of a SourceCache a HandlerGraph uses, noting each question and its answer in `log`
    (question -> answer, in the order first asked: within one run the cache answers a question
    alike each time)."""

    def __init__(self, cache: SourceCache, log: dict | None = None):
        self.cache = cache
        self.log = log if log is not None else {}
        self.resolutions = _RecordedResolutions(self)
        self.frames: list[dict] = []  # open captures (`capture`), innermost last

    def _note(self, question: tuple, answer):
        self.log.setdefault(question, answer)
        for frame in self.frames:
            frame.setdefault(question, answer)
        return answer

    def capture(self) -> dict:
        """Starts noting the questions asked from now on in a dict of their own as well (until
        `release` of it), for what another graph may take instead of asking them itself."""
        frame: dict = {}
        self.frames.append(frame)
        return frame

    def release(self, frame: dict) -> None:
        self.frames.remove(frame)

    def replay(self, questions: dict | None) -> None:
        """Notes the questions another graph asked to work out something this one takes. None: they
        were not recorded, so the graph is not taken again in the next lint."""
        if questions is None:
            questions = {("unrecorded", len(self.log)): None}
        for question, answer in questions.items():
            self._note(question, answer)

    def parse(self, path):
        return self._note(("parse", str(path)), self.cache.parse(path))

    def reason(self, path):
        return self._note(("reason", str(path)), self.cache.reason(path))

    def real_path(self, path) -> str:
        return self._note(("real path", str(path)), self.cache.real_path(path))


class _RecordedResolutions:
    """`SourceCache.resolutions` (the module resolution memo, keyed as HandlerGraph.resolve_import
    keys it), noting each resolution read."""

    def __init__(self, recording: RecordingCache):
        self._recording = recording

    def __contains__(self, key) -> bool:
        return key in self._recording.cache.resolutions

    def __setitem__(self, key, value) -> None:
        self._recording.cache.resolutions[key] = value

    def __getitem__(self, key):
        return self._recording._note(("resolution", key), self._recording.cache.resolutions[key])


class _Kept:
    __slots__ = ("graph", "log", "tsconfig", "built_sizes")

    def __init__(self, graph, log: dict, tsconfig):
        self.graph = graph
        self.log = log
        self.tsconfig = tsconfig
        self.built_sizes = _lazy_sizes(graph)

    def reusable(self, cache: SourceCache, tsconfig) -> bool:
        return self.tsconfig == tsconfig and _lazy_sizes(self.graph) == self.built_sizes \
            and _answered_alike(self.log, cache, self.graph)


def _lazy_sizes(graph) -> tuple[int, int] | None:
    """The sizes of what a graph's lazy resolutions may add to after it is built."""
    return (len(graph.missing_output), len(graph.unparsed)) if graph is not None else None


class KeptGraphs:
    """The handler graphs of a service's last lint. `sweep()` after a lint forgets those it did not
    ask for."""

    def __init__(self):
        self._kept: dict[tuple, _Kept] = {}
        self._used: set[tuple] = set()
        self.built = 0  # graphs built and taken again (the tests count them)
        self.reused = 0

    def graph(self, cache: SourceCache, path: Path, export: str, middleware: list[tuple[Path, str]],
              tsconfig, project_root: Path | None, layout):
        """The HandlerGraph of `path`'s `export` (with the middleware (file, export) before it),
        kept or built through `cache`; None when the handler file cannot be parsed."""
        key = (str(path), export, tuple((str(file), name) for file, name in middleware),
               str(project_root), layout.key if layout is not None else None,
               cache.max_bytes, cache.max_depth)
        self._used.add(key)
        kept = self._kept.get(key)
        if kept is not None and kept.reusable(cache, tsconfig):
            self.reused += 1
            graph = _continued(kept.graph, RecordingCache(cache, kept.log))
        else:
            self.built += 1
            recording = RecordingCache(cache)
            graph = build_handler_graph(recording, path, export, middleware, tsconfig, project_root,
                                        layout)
            kept = _Kept(graph, recording.log, copy.deepcopy(tsconfig))
        if graph is None:
            self._kept.pop(key, None)
            return None
        kept.graph = graph
        self._kept[key] = kept
        return graph

    def sweep(self) -> None:
        self._kept = {key: kept for key, kept in self._kept.items() if key in self._used}
        self._used = set()

    def __len__(self) -> int:
        return len(self._kept)


def _continued(graph, cache: RecordingCache):
    """A copy of a kept graph asking `cache` from now on: what it worked out from its questions stays
    (files, export, lookups, entry points, per_invocation), the lists it may add to are its own."""
    graph = copy.copy(graph)  # kept_results stays shared with the kept graph: it is kept with it
    graph.cache = cache
    graph.memo = {}
    graph._imports_memo = {}  # imports_prisma_client() takes the real path of generated_dirs itself
    graph.missing_output = list(graph.missing_output)
    graph.unparsed = list(graph.unparsed)
    if graph._per_invocation is None:
        graph.depth_cut = None  # set by a per_invocation() not run to its end: a fresh one sets it again
    return graph


def build_handler_graph(cache, path: Path, export: str, middleware: list[tuple[Path, str]],
                        tsconfig, project_root: Path | None, layout):
    """The HandlerGraph of a handler file's export, or None when the file cannot be parsed."""
    from .handlers import HandlerGraph

    entry = cache.parse(path)
    if entry is None:
        return None
    sources = [(cache.parse(file), name) for file, name in middleware]
    return HandlerGraph(entry, export, cache, tsconfig, project_root, layout,
                        middleware=[(source, name) for source, name in sources if source is not None])


def _answered_alike(log: dict, cache: SourceCache, graph) -> bool:
    """Whether `cache` answers every question of `log` as it was answered (files: the same object)."""
    from .handlers import resolve_module

    for (kind, asked), answer in log.items():
        if kind == "parse":
            if cache.parse(asked) is not answer:
                return False
        elif kind == "reason":
            if cache.reason(asked) != answer:
                return False
        elif kind == "real path":
            if cache.real_path(asked) != answer:
                return False
        elif kind == "unrecorded":
            return False
        else:  # a resolution, keyed (folder of the importing file, specifier, tsconfig, root, layout)
            if asked not in cache.resolutions:
                # resolve_module reads only the folder of the importing file: any name in it will do
                cache.resolutions[asked] = resolve_module(
                    Path(asked[0]) / "-", asked[1], graph.tsconfig, graph.project_root, graph.layout,
                    cache.real_path)
            if cache.resolutions[asked] != answer:
                return False
    return True

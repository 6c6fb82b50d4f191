"""Prisma's Rust query engine on Lambda: which engine a function needs, and whether Serverless
packs it.

Engine facts (RUNTIME002, RUNTIME006, PACKAGE*). A project loads Prisma's Rust query engine unless
`lintkit.analysis.prismaengine` says it does not (Prisma 7, `engineType = "client"`, the
`queryCompiler` preview feature, an Accelerate build without an engine). When package.json gives no Prisma version,
the Rust engine is assumed only on explicit evidence (a `binaryTargets` or `engineType` in the schema,
or package patterns naming engine files): unknown means "not proven", never "≤ 6".

Packaging (PACKAGE001/002/004/005, MIGRATE003) follows Serverless v3
(`lib/plugins/package/lib/package-service.js`): every file of the service folder starts included;
`exclude` entries are applied first, inverted (`x` removes, `!x` puts back), then `include`,
`package.patterns` (service level, then the function's when it is packaged individually), in order,
each matching file taking the pattern's state: later patterns win. Patterns are micromatch globs
with `dot: true` (`lintkit.read.globs`), matched against the path relative to the service folder.
Projects built by a bundler plugin, shipped as an `artifact` or as a container image are not judged
by patterns.

The version and target tables live in `lintkit/data/prisma.json`.
"""
from __future__ import annotations

import os
from pathlib import Path

from ..model.fieldclasses import fieldclass
from ..model.nodes import Mapping, Node, Scalar, Sequence, is_dynamic, path_get, text, walk
from ..read.files import read_bytes
from ..read.globs import glob_matches
from ..read.prisma_schema import EnvRef
from .facts import database_env_var, database_url_node, node_version
from .framework import builtin_builds, framework
from .prismaengine import prisma_engine, prisma_major, prisma_table
from .prismaservice import prisma_by_service, prisma_evidence

ARCHITECTURES = ("x86_64", "arm64")
ENGINE_TYPES = ("library", "binary")
BUNDLERS = {"serverless-esbuild": "esbuild", "serverless-webpack": "webpack", "serverless-bundle": "bundle"}
# `native` is the machine that runs `prisma generate`; deploys usually run on Linux CI, so its engine
# file is matched against patterns under this name.
NATIVE_STAND_IN = "debian-openssl-3.0.x"


# -- the data table ---------------------------------------------------------------------------------
def minimum_node(prisma_major: int) -> tuple[int, int] | None:
    """(major, minor) of the oldest Node.js a Prisma major supports, None when the table has no row."""
    value = prisma_table()["minimum_node"].get(str(prisma_major))
    if value is None:
        return None
    major, _, minor = value.partition(".")
    return int(major), int(minor or 0)


def lambda_target(architecture: str, node_major: int) -> str | None:
    for row in prisma_table()["lambda_binary_targets"].get(architecture, []):
        if row["node_min"] <= node_major and (row["node_max"] is None or node_major <= row["node_max"]):
            return row["target"]
    return None


def target_runtimes(target: str) -> str:
    """The runtimes a target serves, for messages: `nodejs20.x and newer`."""
    for rows in prisma_table()["lambda_binary_targets"].values():
        for row in rows:
            if row["target"] == target:
                if row["node_max"] is None:
                    return f"nodejs{row['node_min']}.x and newer"
                return f"nodejs{row['node_max']}.x and older"
    return "other runtimes"


def architecture_targets(architecture: str) -> tuple[str, ...]:
    return tuple(row["target"] for row in prisma_table()["lambda_binary_targets"].get(architecture, []))


def engine_file(engine: str, target: str) -> str:
    """`libquery_engine-rhel-openssl-3.0.x.so.node` (library) or `query-engine-rhel-openssl-3.0.x`."""
    return prisma_table()["engine_files"][engine].format(target=target)


# -- what a function runs on ------------------------------------------------------------------------
def architecture(function) -> str | None:
    """The effective architecture (x86_64 by default), None when it is a deploy-time value."""
    node = function.setting("architecture")
    if function.kind == "resource" and isinstance(node, Sequence):
        node = node.items[0] if node.items else None
    if node is None:
        return "x86_64"
    value = text(node)
    return value if value in ARCHITECTURES and not is_dynamic(node) else None


def runtime_label(function) -> str:
    runtime = text(function.runtime) if not is_dynamic(function.runtime) else None
    return f"{runtime or 'runtime not set'}, {architecture(function) or 'architecture unknown'}"


def lambda_engine_targets(function) -> tuple[str, ...]:
    """The binaryTargets that can serve the function on Lambda: one when its Node.js version is
    known, both of its architecture's when the runtime is unset or a deploy-time value; () for
    runtimes that are not Node.js and unknown architectures."""
    arch = architecture(function)
    if arch is None:
        return ()
    runtime = function.runtime
    name = text(runtime)
    if name is None or is_dynamic(runtime):
        return architecture_targets(arch)
    version = node_version(name)
    target = lambda_target(arch, version[0]) if version else None
    return (target,) if target else ()


# -- Prisma's engine --------------------------------------------------------------------------------
def no_engine_reason(service) -> str | None:
    """Why the functions load no Rust query engine, or None when nothing says so."""
    return prisma_engine(service).no_rust_reason


def rust_engine(service) -> str | None:
    """'library' or 'binary': the Rust query engine the functions load; None when they load none,
    or when the project does not show that it uses one."""
    if no_engine_reason(service) is not None:
        return None
    schema = service.prisma_schema
    declared = schema.engine_type if schema is not None else None
    if declared in ENGINE_TYPES:
        return declared
    major = prisma_major(service)
    if major is not None:
        return "library" if major >= prisma_table()["library_engine_since"] else "binary"
    if schema is not None and schema.binary_targets_field is not None:
        return "library"
    return _engine_named_in_patterns(service)


def _engine_named_in_patterns(service) -> str | None:
    named = [entry.text for block in package_blocks(service) for key in ("patterns", "include", "exclude")
             for entry in _entries(block, key) or []]
    if any("libquery_engine" in pattern for pattern in named):
        return "library"
    if any("query-engine" in pattern for pattern in named):
        return "binary"
    return None


def engine_dir(service) -> str | None:
    """Where the generated client (and its engine) lives, relative to the service folder; None when
    the generator `output` is a variable or outside the folder."""
    schema = service.prisma_schema
    generator = schema.client_generator if schema is not None else None
    output = generator.value("output") if generator is not None else None
    if output is None:
        return prisma_table()["default_client_output"]
    if not isinstance(output, str):
        return None
    folder = _absolute(generator.span.path.parent / output)
    try:
        return folder.relative_to(_absolute(service.root)).as_posix()
    except ValueError:
        return None


def _absolute(path: Path) -> Path:
    return Path(os.path.normpath(Path(path).absolute()))


def generated_client_dirs(service) -> list[Path]:
    relative = engine_dir(service)
    return [service.root / relative] if relative else []


def uses_prisma(service, function) -> bool:
    return prisma_use(service, function) is not None


def prisma_use(service, function) -> str | None:
    """How the function is known to load the Prisma client: "code" (its handler graph imports it;
    a generated client counts even when it has not been generated yet), "environment" (its code is
    not available, a raw resource's say, and its environment carries the schema's database URL) or
    "service" (lintkit could not follow its code, and the service depends on Prisma:
    `prismaservice`). None when it does not."""
    if function.image is not None:
        return None
    graph = service.graph(function)
    if graph is not None and imports_prisma(service, graph):
        return "code"
    if graph is None and database_env_var(service) in function.environment:
        return "environment"
    return "service" if prisma_by_service(service, function) is not None else None


def not_followed_note(service, functions) -> str:
    """A sentence for a finding's message naming the functions it counts only by the service's
    evidence (`prisma_use` "service"); "" when there are none."""
    names = [f"`{function.name}`" for function in functions if prisma_use(service, function) == "service"]
    if not names:
        return ""
    whose = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    counted = "it is" if len(names) == 1 else "they are"
    return (f" lintkit could not follow all the code of {whose}; {counted} counted as using Prisma "
            f"because {prisma_evidence(service)}.")


def imports_prisma(service, graph) -> bool:
    """The handler graph imports `@prisma/client` or the schema's generated client."""
    dirs = generated_client_dirs(service)
    return graph.imports_prisma_client(dirs) or _imports_folder(graph, [_absolute(d) for d in dirs])


def _imports_folder(graph, folders: list[Path]) -> bool:
    """Some relative import of the graph names a path inside one of the folders."""
    for file in graph.files:
        for imp in file.imports:
            if imp.type_only or not imp.module.startswith("."):
                continue
            target = _absolute(file.path.parent / imp.module)
            if any(target == folder or folder in target.parents for folder in folders):
                return True
    return False


# -- package patterns -------------------------------------------------------------------------------
@fieldclass(frozen=True)
class PatternEntry:
    """One entry of `package.patterns`, `package.include` or `package.exclude`."""

    text: str  # as written
    node: Node
    origin: str  # "patterns", "include" or "exclude"
    removes: bool  # the effect once Serverless has applied it

    @property
    def pattern(self) -> str:
        """The glob, without its `!`."""
        return self.text[1:] if self.text.startswith("!") else self.text

    @property
    def include(self) -> bool:
        return not self.removes


def package_block(node: Node | None) -> Mapping | None:
    """The `package:` mapping of the service document or of a `functions:` entry."""
    block = node.get("package") if isinstance(node, Mapping) else None
    return block if isinstance(block, Mapping) else None


def service_package(service) -> Mapping | None:
    return package_block(service.document)


def function_package(function) -> Mapping | None:
    """The function's own `package:` (raw Lambda resources have none)."""
    return package_block(function.node) if function.kind == "function" else None


def package_blocks(service) -> list[Mapping]:
    """The service's `package:` and every function's, as mappings."""
    blocks = [service_package(service), *(function_package(function) for function in service.functions)]
    return [block for block in blocks if block is not None]


def _entries(block: Node | None, key: str) -> list[PatternEntry] | None:
    """The entries of `package.<key>`; None when the list or an entry is not a literal string."""
    items = block.get(key) if isinstance(block, Mapping) else None
    if items is None:
        return []
    if not isinstance(items, Sequence):
        return None
    found = []
    for item in items:
        if not isinstance(item, Scalar) or not isinstance(item.value, str) or is_dynamic(item):
            return None
        removes = item.value.startswith("!") != (key == "exclude")  # `exclude` entries are inverted
        found.append(PatternEntry(item.value, item, key, removes))
    return found


def packed_individually(service, function) -> bool:
    """`individually: true` at the service or the function level."""
    blocks = (service_package(service), function_package(function))
    return any(text(path_get(block, "individually")) == "true" for block in blocks)


def keeps_dev_dependencies(service) -> bool:
    """`package.excludeDevDependencies: false`: devDependencies stay in the package."""
    return text(path_get(service_package(service), "excludeDevDependencies")) == "false"


def package_patterns(service, function) -> list[PatternEntry] | None:
    """The patterns Serverless applies to the function's package, in order; None when some are
    deploy-time values."""
    blocks = [service_package(service)]
    if packed_individually(service, function):
        blocks.append(function_package(function))
    excludes, includes = [], []
    for block in blocks:
        parts = [_entries(block, key) for key in ("exclude", "include", "patterns")]
        if any(part is None for part in parts):
            return None
        excludes += parts[0]
        includes += parts[1] + parts[2]
    ordered, seen = [], set()
    for entry in excludes + includes:  # lodash `union`: the first of equal patterns stays
        if (entry.origin == "exclude", entry.text) not in seen:
            seen.add((entry.origin == "exclude", entry.text))
            ordered.append(entry)
    return ordered


def packaged(entries: list[PatternEntry], path: str, start_included: bool = True
             ) -> tuple[bool, PatternEntry | None]:
    """(in the package, the last pattern that decided it) for a path relative to the service.
    Serverless starts from every file of the service folder; v4's built-in esbuild starts from the
    bundle (`start_included=False`: only what patterns add)."""
    included, decisive = start_included, None
    for entry in entries:
        if glob_matches(entry.pattern, path):
            included, decisive = entry.include, entry
    return included, decisive


def packs_with_patterns(service, function) -> bool:
    """Serverless itself zips this function from the service folder, so patterns decide its files."""
    if function.kind != "function" or function.image is not None or bundler(service) is not None:
        return False
    if framework(service).is_v4 and builtin_builds(service, function) is not False:
        return False  # v4's built-in esbuild zips its build folder (PACKAGE009 judges that)
    own = function_package(function)
    if any(path_get(own, key) is not None for key in ("artifact", "disable")):
        return False
    service_artifact = path_get(service_package(service), "artifact") is not None
    return not (service_artifact and text(path_get(own, "individually")) != "true")


def has_layers(service, function) -> bool:
    """Lambda layers, which may ship what the function's own package lacks, are attached: a raw
    resource's `Layers`; else the function's `layers`, or the provider's when it sets none."""
    if function.kind == "resource":
        return function.node.get("Layers") is not None
    layers = function.node.get("layers")
    if _unset(layers) and service.provider is not None:
        layers = service.provider.get("layers")
    return not _unset(layers) and not (isinstance(layers, Sequence) and not layers.items)


def _unset(node: Node | None) -> bool:
    return node is None or (isinstance(node, Scalar) and node.value is None)


def bundler(service) -> str | None:
    """The bundler plugin the service uses, if any."""
    return next((plugin for plugin in service.plugins if plugin in BUNDLERS), None)


# -- the engine in the package ----------------------------------------------------------------------
@fieldclass
class EngineGap:
    """A function whose Lambda engine file does not end up in its package."""

    function: object
    engine: str
    targets: tuple[str, ...]
    paths: tuple[str, ...]  # the engine files that could serve it, relative to the service
    remover: PatternEntry  # the last pattern that removed the first of them
    misdirected: PatternEntry | None = None  # a pattern that puts back some other engine file
    why: str | None = None  # "arm64", "engine-type" or "output"

    @property
    def reinclude(self) -> str:
        """The pattern to add so the function's engine is packed again: its file, or a glob over
        its architecture's files when the runtime is not known."""
        if len(self.targets) == 1:
            return self.paths[0]
        directory = self.paths[0].rsplit("/", 1)[0]
        return f"{directory}/{engine_file(self.engine, os.path.commonprefix(self.targets) + '*')}"


def engine_gaps(service) -> list[EngineGap]:
    engine, directory = rust_engine(service), engine_dir(service)
    if engine is None or directory is None:
        return []
    gaps = []
    for function in service.functions:
        if not packs_with_patterns(service, function) or has_layers(service, function):
            continue
        targets = lambda_engine_targets(function)
        entries = package_patterns(service, function) if targets else None
        if entries is None or not uses_prisma(service, function):
            continue
        paths = tuple(f"{directory}/{engine_file(engine, target)}" for target in targets)
        states = [packaged(entries, path) for path in paths]
        if any(included for included, _ in states) or states[0][1] is None:
            continue
        gap = EngineGap(function, engine, targets, paths, states[0][1])
        gap.misdirected, gap.why = _misdirected(entries, gap, directory)
        gaps.append(gap)
    return gaps


def _misdirected(entries, gap: EngineGap, directory: str) -> tuple[PatternEntry | None, str | None]:
    """The last pattern after the remover that puts back an engine file other than the one the
    function loads."""
    other = "binary" if gap.engine == "library" else "library"
    default_dir = prisma_table()["default_client_output"]
    arch = architecture(gap.function)
    decoys = []
    if arch == "arm64":
        decoys += [(f"{directory}/{engine_file(gap.engine, t)}", "arm64")
                   for t in architecture_targets("x86_64")]
    decoys += [(f"{directory}/{engine_file(other, t)}", "engine-type") for t in gap.targets]
    if directory != default_dir:
        decoys += [(f"{default_dir}/{engine_file(gap.engine, t)}", "output") for t in gap.targets]
    found = (None, None)
    for entry in entries[entries.index(gap.remover) + 1:]:
        if entry.removes:
            continue
        for path, why in decoys:
            if glob_matches(entry.pattern, path):
                found = (entry, why)
                break
    return found


def function_names(functions) -> str:
    return ", ".join(f"`{function.name}`" for function in functions)


def group_by_node(items, node_of) -> list[tuple[Node, list]]:
    """Items grouped by the node a finding points at (one finding per node), in first-seen order."""
    groups: dict[tuple, tuple[Node, list]] = {}
    for item in items:
        node = node_of(item)
        span = node.span
        groups.setdefault((str(span.path), span.line, span.column), (node, []))[1].append(item)
    return list(groups.values())


def strings_with_paths(node: Node | None, skip_keys: tuple[str, ...] = ()) -> list[tuple[tuple, str]]:
    """(key path, value) of every string scalar under a node, leaving out the subtrees of some keys."""
    found = []
    for path, value in walk(node):
        if any(key in skip_keys for key in path if isinstance(key, str)):
            continue
        if isinstance(value, Scalar) and isinstance(value.value, str):
            found.append((path, value.value))
    return found


WEBPACK_CONFIG_MAX_BYTES = 1 << 20


def webpack_config(service) -> tuple[str, str | None]:
    """(the file name, its text) of serverless-webpack's config (`custom.webpack.webpackConfig`,
    `webpack.config.js` by default); the text is None when the file cannot be read or the name
    is a variable."""
    settings = service.custom.get("webpack") if service.custom else None
    name = text(path_get(settings, "webpackConfig")) if isinstance(settings, Mapping) else None
    name = name or "webpack.config.js"
    if "${" in name:
        return name, None
    try:
        return name, read_bytes(service.root / name, WEBPACK_CONFIG_MAX_BYTES).decode("utf-8", "replace")
    except OSError:
        return name, None


def binary_target_list(schema) -> list[str] | None:
    """The literal binaryTargets (`["native"]` when unset); None when some are `env(...)`."""
    value = schema.binary_targets
    if value is None:
        return ["native"]
    if isinstance(value, EnvRef):
        return None
    values = value if isinstance(value, list) else [value]
    if any(not isinstance(item, str) for item in values):
        return None
    return values

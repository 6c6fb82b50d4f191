"""Which functions run which Prisma CLI commands: the detection the MIGRATE rules share (and
CLIENT002, PACKAGE004, POOL005 with them).

A Prisma command is an exec-style call (`lintkit.analysis.execcalls`) whose command line invokes the CLI in
command position, however it is spelled: `prisma`, `npx prisma@5`, `yarn prisma`,
`./node_modules/.bin/prisma`, `node node_modules/prisma/build/index.js`, or `process.execPath` with
a local constant holding a path to `prisma/build/index.js`. `cp -r prisma /tmp/prisma` is not one.

A `PrismaRun` ties a command to each function whose handler graph contains it. `reached` says the
function really runs it: at module load (module scope of a graph file) or through the calls its
handler makes (`HandlerGraph.per_invocation`). Per-function rules (events, environment, packaging)
only count reached runs, so a helper module that an HTTP handler imports for something else does
not make that handler a migration function.

Test files, jest/vitest setup and `scripts/` files are dev tooling (`dev_tooling`): they only count
when a handler graph imports them and its code actually runs the command (reached). CI files and
package.json scripts are never part of a handler graph. Calls inside `if (process.env.IS_OFFLINE)`
(or `IS_LOCAL`, `AWS_SAM_LOCAL`) only run on a developer's machine and are left out.
"""
from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from ..model.fieldclasses import field, fieldclass
from ..model.lazyre import lazy_compile
from ..model.nodes import is_dynamic, path_get
from ..read.files import is_folder
from ..read.globs import glob_matches  # noqa: F401  (re-exported: the package patterns' globs)
from ..read.handlers import is_module_scope
from .execcalls import DYNAMIC, ExecCommand, Piece, file_exec_commands, local_only
from .packaging import (function_package, keeps_dev_dependencies, package_patterns, packaged,
                        service_package)

DESTRUCTIVE = {("migrate", "dev"), ("migrate", "reset"), ("db", "push")}
CLI_FILE = "node_modules/prisma/build/index.js"

# Words that may come before the CLI in a command: package runners, shells, options, `X=y`.
_RUNNERS = frozenset({
    "npx", "bunx", "pnpx", "yarn", "pnpm", "npm", "bun", "exec", "dlx", "x", "run", "node", "sh",
    "bash", "env", "--", "cross-env",
})
_ENV_ASSIGNMENT = lazy_compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_PRISMA_CLI = lazy_compile(
    r"^(?:.*/)?prisma(?:@[^/]*)?$|prisma/build/index\.js$|^@prisma/cli(?:@.*)?$")
_TOKEN = lazy_compile(r"(\s+)|(&&|\|\||[;&|()])|([^\s;&|()]+)")

_DEV_FOLDERS = frozenset({"scripts", "script", "test", "tests", "__tests__", "__mocks__", "e2e",
                          "cypress", ".github", ".circleci", ".gitlab"})
_DEV_FILE = lazy_compile(
    r"\.(?:test|spec|e2e)\.[cm]?[jt]sx?$"
    r"|^(?:jest|vitest)\.[\w.-]+$"
    r"|^(?:setup-?tests|global-?setup|global-?teardown|test-?setup)(?:\.[\w-]+)*\.[cm]?[jt]sx?$",
    re.IGNORECASE)


# -- command lines --------------------------------------------------------------------------------
@fieldclass(eq=False)
class Word:
    """One shell word of a command, with the pieces (and so the source nodes) it is made of."""

    text: str = ""
    pieces: list[Piece] = field(default_factory=list)
    separator: bool = False

    @property
    def literal(self) -> bool:
        return all(piece.literal for piece in self.pieces)

    @property
    def node(self):
        return next((p.node for p in self.pieces if p.literal), self.pieces[0].node)

    def add(self, piece: Piece, text: str) -> None:
        self.text += text
        if not any(p is piece for p in self.pieces):
            self.pieces.append(piece)


def words(command: ExecCommand) -> list[Word]:
    """The command's shell words; each argument of an argument array ends a word."""
    found: list[Word] = []
    for argument in command.argv:
        current = None
        for piece in argument:
            if not piece.literal:
                current = current or _new_word(found)
                current.add(piece, DYNAMIC)
                continue
            for space, separator, chunk in _TOKEN.findall(piece.text):
                if space:
                    current = None
                elif separator:
                    found.append(Word(separator, [piece], separator=True))
                    current = None
                else:
                    current = current or _new_word(found)
                    current.add(piece, chunk.replace('"', "").replace("'", ""))
    return found


def _new_word(found: list[Word]) -> Word:
    found.append(Word())
    return found[-1]


@fieldclass(eq=False)
class PrismaCommand:
    """One Prisma CLI invocation inside an exec-style call."""

    exec: ExecCommand
    cli: Word
    args: list[Word]

    @property
    def subcommand(self) -> list[Word]:
        """The words naming the command (`migrate deploy`), before the first option."""
        leading = []
        for word in self.args:
            if word.text.startswith("-") or len(leading) == 2:
                break
            leading.append(word)
        return leading

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(word.text if word.literal else DYNAMIC for word in self.subcommand)

    @property
    def is_migration(self) -> bool:
        """`migrate deploy|dev|reset|resolve` (or a migrate subcommand known only at run time) and
        `db push`: the commands that change the schema."""
        names = self.names
        if names[:1] == ("migrate",):
            return names[1:2] not in (("status",), ("diff",))
        return names[:2] == ("db", "push")

    @property
    def is_destructive(self) -> bool:
        return self.names[:2] in DESTRUCTIVE

    @property
    def flags(self) -> list[str]:
        return [word.text for word in self.args if word.literal and word.text.startswith("-")]

    @property
    def label(self) -> str:
        return " ".join(("prisma", *self.names))


def prisma_commands(command: ExecCommand) -> list[PrismaCommand]:
    """Every Prisma CLI invocation in a command line (`a && b` may hold several)."""
    found, segment = [], []
    for word in [*words(command), Word(";", separator=True)]:
        if not word.separator:
            segment.append(word)
            continue
        cli = _cli_position(segment)
        if cli is not None:
            found.append(PrismaCommand(command, segment[cli], segment[cli + 1:]))
        segment = []
    return found


def _cli_position(segment: list[Word]) -> int | None:
    for index, word in enumerate(segment):
        if _PRISMA_CLI.search(word.text.rstrip("/")):
            return index
        if not word.literal or not _is_prefix(word.text):
            return None
    return None


def _is_prefix(word: str) -> bool:
    name = word.rsplit("/", 1)[-1]
    return (word in _RUNNERS or name in ("node", "sh", "bash", "npx") or word.startswith("-")
            or bool(_ENV_ASSIGNMENT.match(word)))


# -- runs: which function runs which command ------------------------------------------------------
@fieldclass(eq=False)
class PrismaRun:
    command: PrismaCommand
    function: object  # lintkit.model.service.Function
    graph: object  # lintkit.read.handlers.HandlerGraph
    reached: bool  # the function runs it (module load, or calls from its handler)
    module_scope: bool  # it runs when the module loads: every cold start
    dev_tooling: bool  # it is written in a test, jest/vitest setup or scripts/ file
    chain: list | None = None  # the calls from the handler to it (HandlerGraph CallSteps)

    @property
    def source(self):
        return self.command.exec.source

    @property
    def call(self):
        return self.command.exec.call

    @property
    def counts(self) -> bool:
        """Whether a rule about the code itself should look at it (see the module docstring)."""
        return self.reached or not self.dev_tooling


def prisma_runs(service) -> list[PrismaRun]:
    """Every (function, Prisma command) pair of the service, computed once."""
    cached = getattr(service, "_lintkit_prisma_runs", None)
    if cached is None:
        cached = [run for function in service.functions
                  for run in _function_runs(service, function)]
        service._lintkit_prisma_runs = cached
    return cached


def migration_runs(service, function) -> list[PrismaRun]:
    """The migration commands (see `PrismaCommand.is_migration`) a function really runs."""
    return [run for run in prisma_runs(service)
            if run.function is function and run.reached and run.command.is_migration]


def cli_runs(service, function) -> list[PrismaRun]:
    """Every Prisma CLI command a function really runs."""
    return [run for run in prisma_runs(service) if run.function is function and run.reached]


def _function_runs(service, function):
    graph = service.graph(function)
    if graph is None:
        return
    chains = None
    for source in graph.files:
        for command in file_exec_commands(source):
            if local_only(source, command.call):
                continue
            for prisma in prisma_commands(command):
                if chains is None:
                    chains = _calls_per_invocation(graph)
                module_scope = is_module_scope(command.call, source)
                chain = chains.get((id(source), command.call.id))
                yield PrismaRun(prisma, function, graph, module_scope or chain is not None,
                                module_scope, is_dev_tooling(service, source.path), chain)


def _calls_per_invocation(graph) -> dict[tuple[int, int], list]:
    """Each call the handler makes on an invocation → the shortest chain of calls to it."""
    chains = {}
    for file, node, chain in graph.per_invocation():
        if node.type == "call_expression":
            chains.setdefault((id(file), node.id), chain)
    return chains


def is_dev_tooling(service, path: Path) -> bool:
    """Tests, jest/vitest setup files and `scripts/` folders, relative to the service (or the
    project, for files outside the service folder)."""
    parts = _relative_parts(Path(path), service.root) or _relative_parts(Path(path),
                                                                          service.project_root)
    if parts is None:
        parts = Path(path).parts[-1:]
    return bool(_DEV_FOLDERS.intersection(parts[:-1])) or bool(_DEV_FILE.search(parts[-1]))


def _relative_parts(path: Path, root: Path | None):
    try:
        return path.resolve().relative_to(Path(root).resolve()).parts if root else None
    except ValueError:
        return None


# -- packaging ------------------------------------------------------------------------------------
def package_excludes(service, function, path: str, dev_dependency: bool = False):
    """(True, the deciding `PatternEntry` or None) when `path` (relative to the service folder) is
    left out of the function's package; (False, None) when it is packaged or when that cannot be
    known: a prebuilt `artifact`, or patterns or `individually` known only at deploy time.

    The patterns apply as Serverless applies them (`lintkit.analysis.packaging.package_patterns`);
    devDependencies (`dev_dependency`: the file belongs to one) are dropped after them."""
    if dev_dependency and not keeps_dev_dependencies(service):
        return True, None
    for block in (service_package(service), function_package(function)):
        if path_get(block, "artifact") is not None or is_dynamic(path_get(block, "individually")):
            return False, None  # a prebuilt artifact, or an `individually` set at deploy time
    entries = package_patterns(service, function)
    if entries is None:
        return False, None
    included, deciding = packaged(entries, path)
    return (False, None) if included else (True, deciding)


def migrations_file(service) -> str | None:
    """A file inside the migrations folder (prisma.config.ts's `migrations.path`, else next to
    schema.prisma), relative to the service folder, to test packaging patterns with; None when the
    folder lies outside the service."""
    config = service.prisma_config
    folder = config.migrations_folder() if config is not None else None
    if folder is None:
        schema = service.prisma_schema
        folder = Path(service.root) / "prisma"
        if schema is not None and getattr(schema, "path", None) is not None:
            folder = Path(schema.path) if is_folder(schema.path) else Path(schema.path).parent
        folder = folder / "migrations"
    parts = _relative_parts(folder, service.root)
    if parts is None:
        return None
    return str(PurePosixPath(*parts, "20240101000000_init", "migration.sql"))


def schema_file(service) -> str | None:
    """The schema file the Prisma CLI loads (one of a schema folder's), relative to the service
    folder; None without a schema inside the service."""
    schema = service.prisma_schema
    paths = getattr(schema, "paths", None) or []
    parts = _relative_parts(Path(paths[0]), service.root) if paths else None
    return str(PurePosixPath(*parts)) if parts else None


def config_file(service) -> str | None:
    """prisma.config.ts relative to the service folder, when the Prisma CLI needs it to migrate:
    schema.prisma has no `url`, so the config's `datasource.url` is the only one (Prisma 7)."""
    config = service.prisma_config
    schema = service.prisma_schema
    if config is None or config.url is None or (schema is not None and schema.url is not None):
        return None
    parts = _relative_parts(config.path, service.root)
    return str(PurePosixPath(*parts)) if parts else None

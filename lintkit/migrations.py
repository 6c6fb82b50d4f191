"""Which functions run which Prisma CLI commands: the detection the MIGRATE rules share.

A Prisma command is an exec-style call (`lintkit.execcalls`) whose command line invokes the CLI in
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
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath

from .execcalls import DYNAMIC, ExecCommand, Piece, file_exec_commands, local_only
from .handlers import is_module_scope
from .nodes import Mapping, Node, Scalar, Sequence, is_dynamic, text

DESTRUCTIVE = {("migrate", "dev"), ("migrate", "reset"), ("db", "push")}
CLI_FILE = "node_modules/prisma/build/index.js"

# Words that may come before the CLI in a command: package runners, shells, options, `X=y`.
_RUNNERS = frozenset({
    "npx", "bunx", "pnpx", "yarn", "pnpm", "npm", "bun", "exec", "dlx", "x", "run", "node", "sh",
    "bash", "env", "--", "cross-env",
})
_ENV_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_PRISMA_CLI = re.compile(
    r"^(?:.*/)?prisma(?:@[^/]*)?$|prisma/build/index\.js$|^@prisma/cli(?:@.*)?$")
_TOKEN = re.compile(r"(\s+)|(&&|\|\||[;&|()])|([^\s;&|()]+)")

_DEV_FOLDERS = frozenset({"scripts", "script", "test", "tests", "__tests__", "__mocks__", "e2e",
                          "cypress", ".github", ".circleci", ".gitlab"})
_DEV_FILE = re.compile(
    r"\.(?:test|spec|e2e)\.[cm]?[jt]sx?$"
    r"|^(?:jest|vitest)\.[\w.-]+$"
    r"|^(?:setup-?tests|global-?setup|global-?teardown|test-?setup)(?:\.[\w-]+)*\.[cm]?[jt]sx?$",
    re.IGNORECASE)


# -- command lines --------------------------------------------------------------------------------
@dataclass(eq=False)
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


@dataclass(eq=False)
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
@dataclass(eq=False)
class PrismaRun:
    command: PrismaCommand
    function: object  # lintkit.service.Function
    graph: object  # lintkit.handlers.HandlerGraph
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
@dataclass
class PackagePattern:
    pattern: str  # without its `!`
    node: Node
    include: bool
    key: str  # the list it is written in: "exclude", "include" or "patterns"

    def fix(self, folder: str) -> str:
        """How to put `folder` back into the package."""
        if self.key == "exclude":
            return (f"remove it from the deprecated `package.exclude`, or add `{folder}/**` to "
                    "`package.patterns`")
        return f"remove the pattern or add `{folder}/**` after it"


def package_excludes(service, function, path: str, dev_dependency: bool = False):
    """(True, deciding pattern or None) when `path` (relative to the service folder) is left out
    of the function's package; (False, None) when it is packaged or when that cannot be known.

    As Serverless does: `package.exclude` entries (negated), then `package.include` and
    `package.patterns`, service level before function level, each match deciding again;
    function-level settings only when packaging individually; devDependencies dropped last."""
    if dev_dependency and not _keeps_dev_dependencies(service):
        return True, None
    patterns = package_patterns(service, function)
    if patterns is None:
        return False, None
    excluded, deciding = False, None
    for pattern in patterns:
        if glob_matches(pattern.pattern, path):
            excluded, deciding = not pattern.include, pattern
    return excluded, deciding if excluded else None


def package_patterns(service, function) -> list[PackagePattern] | None:
    """The packaging patterns for a function in Serverless's order; None when the package is a
    prebuilt artifact or a setting is known only at deploy time."""
    service_package = _package(service.document)
    own = _package(function.node) if function.kind == "function" else None
    flags = [_flag(service_package, "individually"), _flag(own, "individually")]
    if None in flags or any(block is not None and "artifact" in block
                            for block in (service_package, own)):
        return None  # a prebuilt artifact's content is unknown
    individually = any(flags)
    blocks = [service_package, own] if individually else [service_package]
    ordered = []
    for block in blocks:
        ordered += _entries(block, "exclude", include=False)
    for block in blocks:
        ordered += [*_entries(block, "include", include=True),
                    *_entries(block, "patterns", include=True)]
    return None if any(entry is None for entry in ordered) else ordered


def _entries(block: Mapping | None, key: str, include: bool) -> list[PackagePattern | None]:
    """The patterns of one list; a None entry marks a value that cannot be read."""
    entries = block.get(key) if block is not None else None
    if entries is None:
        return []
    if not isinstance(entries, Sequence):
        return [None]
    found = []
    for entry in entries:
        value = text(entry)
        if value is None or is_dynamic(entry) or "${" in value:
            found.append(None)
            continue
        negated = value.startswith("!")
        pattern = value[1:] if negated else value
        found.append(PackagePattern(pattern, entry, include != negated, key))
    return found


def _package(node) -> Mapping | None:
    package = node.get("package") if isinstance(node, Mapping) else None
    return package if isinstance(package, Mapping) else None


def _flag(package: Mapping | None, key: str) -> bool | None:
    """A boolean package setting: False when absent, None when it is a deploy-time value."""
    node = package.get(key) if package is not None else None
    if node is not None and is_dynamic(node):
        return None
    return isinstance(node, Scalar) and node.value is True


def _keeps_dev_dependencies(service) -> bool:
    package = _package(service.document)
    flag = package.get("excludeDevDependencies") if package is not None else None
    return isinstance(flag, Scalar) and flag.value is False


def glob_matches(pattern: str, path: str) -> bool:
    return _glob_regex(pattern).fullmatch(path) is not None


@lru_cache(maxsize=512)
def _glob_regex(pattern: str) -> re.Pattern:
    """A micromatch-style glob (`**`, `*`, `?`, `{a,b}`, `[...]`, dotfiles matched) as a regex."""
    while pattern.startswith("./"):
        pattern = pattern[2:]
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "{" and (close := pattern.find("}", i)) > 0:
            choices = pattern[i + 1:close].split(",")
            out.append("(?:" + "|".join(_glob_regex(c).pattern for c in choices) + ")")
            i = close + 1
        elif pattern[i] == "[" and (close := pattern.find("]", i + 2)) > 0:
            body = pattern[i + 1:close]
            body = "^" + body[1:] if body.startswith("!") else body
            out.append(f"[{body.replace(chr(92), chr(92) * 2)}]")
            i = close + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out))


def migrations_file(service) -> str | None:
    """A file inside the migrations folder (next to schema.prisma), relative to the service
    folder, to test packaging patterns with; None when the schema lies outside the service."""
    schema = service.prisma_schema
    folder = Path(service.root) / "prisma"
    if schema is not None and getattr(schema, "path", None) is not None:
        folder = Path(schema.path) if Path(schema.path).is_dir() else Path(schema.path).parent
    parts = _relative_parts(folder / "migrations", service.root)
    if parts is None:
        return None
    return str(PurePosixPath(*parts, "20240101000000_init", "migration.sql"))


def has_layers(service, function) -> bool:
    """The function has Lambda layers (which may carry the CLI): its own, or the provider's."""
    if function.kind == "resource":
        return function.node.get("Layers") is not None
    own = function.node.get("layers")
    provider = service.provider.get("layers") if service.provider is not None else None
    return any(is_dynamic(node) or (isinstance(node, Sequence) and len(node) > 0)
               for node in (own, provider))

"""prisma.config.ts (Prisma >= 6.x, the home of the database URL in Prisma 7), read statically.

The file is parsed with tree-sitter like any source and never executed. Its default export
(`export default defineConfig({...})`, `export default {...} satisfies PrismaConfig`, `export default
config` of a module-scope const, `module.exports = ...`) is read for `schema`, `migrations.path`,
`migrations.seed` and `datasource.url` / `directUrl` / `shadowDatabaseUrl`. Each of those
is a `ConfigValue`: a literal string, an environment variable (`env('X')` from "prisma/config",
`process.env.X`, `process.env.X ?? '...'`), or unknown (built at run time; lintkit does not guess).
`loads_dotenv` says whether the file loads `.env` (`import 'dotenv/config'`, `config()` from
dotenv): Prisma 7 no longer does by itself.

Where Prisma looks (c12 with name "prisma", prisma/prisma packages/config loadConfigFromFile.ts):
`prisma.config.<ext>`, then `.config/prisma.<ext>`, then `.config/prisma.config.<ext>` in the folder
the CLI runs in, with the extensions tried in jiti's order `.js .ts .mjs .cjs .mts .cts`.
"""
from __future__ import annotations

from pathlib import Path

from ..model.fieldclasses import field, fieldclass
from ..model.nodes import Span
from .files import Refused, admit, is_file, is_present
from .overlay import buffer
from .sources import SourceFile, named_children, string_value, unwrap
from .staticjs import call_arguments, env_member, package_origin, static_path

CONFIG_EXTENSIONS = (".js", ".ts", ".mjs", ".cjs", ".mts", ".cts")
CONFIG_CANDIDATES = tuple(
    [f"prisma.config{ext}" for ext in CONFIG_EXTENSIONS]
    + [f".config/prisma{ext}" for ext in CONFIG_EXTENSIONS]
    + [f".config/prisma.config{ext}" for ext in CONFIG_EXTENSIONS])
CONFIG_MODULES = frozenset({"prisma/config", "@prisma/config"})
DOTENV_MODULES = frozenset({"dotenv", "dotenv-flow", "@dotenvx/dotenvx"})
DOTENV_SIDE_EFFECT_MODULES = frozenset({"dotenv/config", "dotenv-flow/config", "@dotenvx/dotenvx/config"})
_FALLBACK_OPERATORS = ("??", "||")
_MAX_FOLLOW = 20


@fieldclass(frozen=True, slots=True)
class ConfigValue:
    """One setting of the config: `kind` is "literal" (`text` holds it), "env" (`env_name`; with
    `fallback` when `?? '...'` / `|| '...'` follows) or "unknown"."""

    kind: str
    key_span: Span
    span: Span  # of the value expression
    text: str | None = None
    env_name: str | None = None
    fallback: bool = False
    exact: bool = field(default=False, compare=False)  # `span` is a one-line literal without escapes

    def string_span(self, start: int, end: int) -> Span:
        """The span of characters start..end of a literal (the password inside a URL); the whole
        literal when its characters do not map one to one onto the file."""
        if self.kind != "literal" or not self.exact:
            return self.span
        first = self.span.column + 1
        return Span(self.span.path, self.span.line, first + start, self.span.line, first + end)


@fieldclass(slots=True)
class PrismaConfig:
    path: Path
    schema: ConfigValue | None = None
    migrations_path: ConfigValue | None = None
    migrations_seed: ConfigValue | None = None
    url: ConfigValue | None = None
    direct_url: ConfigValue | None = None
    shadow_database_url: ConfigValue | None = None
    datasource_span: Span | None = None  # the `datasource` key, when the config has one
    loads_dotenv: bool = False
    export_found: bool = False  # a default export whose object lintkit could read
    error: str | None = None  # the file could not be read or parsed (see `error_span`)
    error_span: Span | None = None  # where parsing stopped
    refused: bool = False  # the file leads outside the project or is no regular file (PARSE006)

    @property
    def datasource_fields(self) -> list[tuple[str, ConfigValue]]:
        found = [("url", self.url), ("directUrl", self.direct_url),
                 ("shadowDatabaseUrl", self.shadow_database_url)]
        return [(name, value) for name, value in found if value is not None]

    def schema_path(self) -> Path | None:
        """The schema file or folder `schema` names, relative to this file; None when unset or
        not a literal."""
        if self.schema is None or self.schema.kind != "literal" or not self.schema.text:
            return None
        return self.path.parent / self.schema.text

    def migrations_folder(self) -> Path | None:
        value = self.migrations_path
        if value is None or value.kind != "literal" or not value.text:
            return None
        return self.path.parent / value.text


# -- finding the file --------------------------------------------------------------------------
def find_prisma_config(*folders: Path) -> Path | None:
    """The config file Prisma's CLI loads when run in the first of `folders` that has one."""
    seen = set()
    for folder in folders:
        if folder is None or str(folder) in seen:
            continue
        seen.add(str(folder))
        for name in CONFIG_CANDIDATES:
            candidate = Path(folder) / name
            if is_present(candidate):
                return candidate
    return None


def load_prisma_config(sources, *folders: Path) -> PrismaConfig | None:
    path = find_prisma_config(*folders)
    return None if path is None else read_prisma_config(sources, path)


# -- reading it --------------------------------------------------------------------------------
def read_prisma_config(sources, path: Path) -> PrismaConfig:
    """The config at `path`, parsed through `sources` (a SourceCache: confined, size-bounded). Never
    raises: an unreadable file gives `error`, a syntax error `error` and `error_span` besides what
    the parts that parse say."""
    config = PrismaConfig(Path(path))
    source = sources.parse(path)
    if source is None:
        config.error = sources.reason(path) or "not read"
        config.refused = _refused(path)
        return config
    return parse_config_source(source, config)


def _refused(path: Path) -> bool:
    if buffer(path) is not None:
        return False
    try:
        admit(path)
    except Refused:
        return True
    return not is_file(path)


def parse_prisma_config_text(text: str, path: Path) -> PrismaConfig:
    """For tests and editors: the config in `text`, as if read from `path`."""
    return parse_config_source(SourceFile.from_bytes(Path(path), text.encode("utf-8")),
                               PrismaConfig(Path(path)))


def parse_config_source(source: SourceFile, config: PrismaConfig) -> PrismaConfig:
    if source.has_errors:
        config.error = "syntax error"
        config.error_span = source.first_error_span()
    config.loads_dotenv = _loads_dotenv(source)
    obj = _exported_object(source)
    if obj is None:
        return config
    config.export_found = True
    reader = _Reader(source)
    config.schema = reader.member_value(obj, "schema")
    migrations = reader.member_object(obj, "migrations")
    if migrations is not None:
        config.migrations_path = reader.member_value(migrations, "path")
        config.migrations_seed = reader.member_value(migrations, "seed")
    datasource_key = reader.member_key(obj, "datasource")
    if datasource_key is not None:
        config.datasource_span = source.span(datasource_key)
    datasource = reader.member_object(obj, "datasource")
    if datasource is not None:
        config.url = reader.member_value(datasource, "url")
        config.direct_url = reader.member_value(datasource, "directUrl")
        config.shadow_database_url = reader.member_value(datasource, "shadowDatabaseUrl")
    elif datasource_key is not None:  # `datasource: makeDatasource()`: its URL is unknown
        config.url = ConfigValue("unknown", config.datasource_span, config.datasource_span)
    return config


def _exported_object(source: SourceFile):
    """The object literal the file exports, through `defineConfig(...)` (any callee from
    prisma/config, or named defineConfig), wrappers and module-scope consts."""
    node = source.exports.get("default")
    if node is None:
        node = source.exports.get("module.exports")
    for _ in range(_MAX_FOLLOW):
        node = source.follow_local(unwrap(node)) if node is not None else None
        if node is None:
            return None
        if node.type == "object":
            return node
        if node.type != "call_expression" or not _is_define_config(source, node):
            return None
        arguments = call_arguments(node)
        node = arguments[0] if arguments else None
    return None


def _is_define_config(source: SourceFile, call) -> bool:
    function = call.child_by_field_name("function")
    origin = package_origin(source, function)
    if origin is not None:
        return origin[0] in CONFIG_MODULES
    return function is not None and source.node_text(function) == "defineConfig"


def _loads_dotenv(source: SourceFile) -> bool:
    for imp in source.imports:
        if imp.module in DOTENV_SIDE_EFFECT_MODULES and not imp.type_only:
            return True
    if not any(module.encode() in source.text for module in DOTENV_MODULES):
        return False
    for call in source.nodes_of({"call_expression"}):
        origin = package_origin(source, call.child_by_field_name("function"))
        if origin is not None and origin[0] in DOTENV_MODULES and origin[1] == "config":
            return True
    return False


class _Reader:
    """Object members and their values, within one file."""

    def __init__(self, source: SourceFile):
        self.source = source

    def _members(self, obj):
        """(key node, value node) per member, the last one of a name winning; a spread makes
        names it may set unknown (None as the value)."""
        found = {}
        for member in named_children(obj):
            if member.type == "pair":
                key = member.child_by_field_name("key")
                if key is None or key.type == "computed_property_name":
                    continue
                name = string_value(self.source, key) if key.type == "string" else self.source.node_text(key)
                found[name] = (key, member.child_by_field_name("value"))
            elif member.type == "shorthand_property_identifier":
                found[self.source.node_text(member)] = (member, member)
            elif member.type == "spread_element":
                found = {name: (key, None) for name, (key, _) in found.items()}
                found["..."] = (member, None)
        return found

    def member_key(self, obj, name: str):
        members = self._members(obj)
        entry = members.get(name) or members.get("...")
        return entry[0] if entry else None

    def member_object(self, obj, name: str):
        entry = self._members(obj).get(name)
        if entry is None or entry[1] is None:
            return None
        node = self._follow(entry[1])
        return node if node is not None and node.type == "object" else None

    def member_value(self, obj, name: str) -> ConfigValue | None:
        members = self._members(obj)
        entry = members.get(name)
        if entry is None:
            spread = members.get("...")
            if spread is None:
                return None
            span = self.source.span(spread[0])
            return ConfigValue("unknown", span, span)
        key, value = entry
        key_span = self.source.span(key)
        if value is None:
            return ConfigValue("unknown", key_span, key_span)
        return self.value(value, key_span)

    def value(self, node, key_span: Span) -> ConfigValue:
        source = self.source
        span = source.span(node)
        target = self._follow(node)
        if target is None:
            return ConfigValue("unknown", key_span, span)
        text = string_value(source, target)  # a literal, or a `+` of literals
        if text is not None:
            if "${" in text:  # built at run time from what the substitutions hold
                return ConfigValue("unknown", key_span, source.span(target))
            literal_span = source.span(target)
            exact = target.type in ("string", "template_string") and \
                literal_span.line == literal_span.end_line and \
                len(source.node_text(target)) == len(text) + 2
            return ConfigValue("literal", key_span, literal_span, text=text, exact=exact)
        if _is_fallback(target):
            return self._fallback_value(target, key_span)
        name = env_member(source, target)
        if name not in (None, "*"):
            return ConfigValue("env", key_span, source.span(target), env_name=name)
        if target.type == "call_expression":
            return self._call_value(target, key_span)
        return ConfigValue("unknown", key_span, source.span(target))

    def _call_value(self, call, key_span: Span) -> ConfigValue:
        source = self.source
        function = call.child_by_field_name("function")
        origin = package_origin(source, function)
        arguments = call_arguments(call)
        if origin is not None and origin[0] in CONFIG_MODULES and origin[1] == "env" and arguments:
            name = string_value(source, arguments[0])
            if name and "${" not in name:
                return ConfigValue("env", key_span, source.span(arguments[0]), env_name=name)
        path = static_path(source, call)  # `path.join('prisma', 'schema.prisma')`
        if path is not None:
            return ConfigValue("literal", key_span, source.span(call), text=path)
        return ConfigValue("unknown", key_span, source.span(call))

    def _fallback_value(self, node, key_span: Span) -> ConfigValue:
        """`process.env.X ?? ''` (or `||`): the variable X, with a fallback. Unknown when another
        variable may stand in for it (`process.env.A ?? process.env.B`) or X is not a variable."""
        operands = []
        while _is_fallback(node):  # `a ?? b ?? c` nests to the left
            operands.append(node.child_by_field_name("right"))
            node = unwrap(node.child_by_field_name("left"))
        first = self.value(node, key_span) if node is not None and not _is_fallback(node) else None
        if first is None or first.kind != "env" or \
                any(self.value(operand, key_span).kind != "literal" for operand in operands):
            return ConfigValue("unknown", key_span, self.source.span(node) if node else key_span)
        return ConfigValue("env", key_span, first.span, env_name=first.env_name, fallback=True)

    def _follow(self, node):
        """Through wrappers (`x as T`, `x!`) and module-scope consts to the value."""
        for _ in range(_MAX_FOLLOW):
            node = unwrap(node)
            if node is None or node.type not in ("identifier", "shorthand_property_identifier"):
                return node
            followed = self.source.follow_local(node)
            if followed is None or followed is node:
                return node  # bound to nothing of this file: an import, a global
            node = followed
        return None


def _is_fallback(node) -> bool:
    if node is None or node.type != "binary_expression":
        return False
    operator = node.child_by_field_name("operator")
    return operator is not None and operator.type in _FALLBACK_OPERATORS

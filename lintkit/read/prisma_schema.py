"""schema.prisma: located `generator` and `datasource` blocks.

Only those two block kinds are read field by field; `model`, `enum`, `view` and `type` bodies are
skipped (braces inside strings and comments are ignored). Handles `//`, `///` and `/* */` comments,
multi-line arrays, escaped strings, CRLF, a BOM, and multi-file schemas (`prisma/schema/*.prisma`,
Prisma >= 5.15). The parser never raises: unknown text is skipped.

Field values: a string literal is a `str`, `env("X")` an `EnvRef`, an array a list of those, anything
else (identifiers, booleans, numbers, other calls) its source text.
"""
from __future__ import annotations

from pathlib import Path
from typing import Union

from ..model.fieldclasses import field, fieldclass
from ..model.nodes import Span
from .dotenv import BOM, read_text, skip_blank
from .files import Refused, admit, is_dir, is_file, is_present, record, walk
from .lines import LineIndex

CLIENT_PROVIDERS = ("prisma-client-js", "prisma-client")
_IDENT_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_IDENT_CHARS = _IDENT_START | frozenset("0123456789-")
_STRING_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


@fieldclass(frozen=True, slots=True)
class EnvRef:
    """`env("NAME")`: the value comes from an environment variable."""

    name: str
    span: Span | None = field(default=None, compare=False)


Value = Union[str, EnvRef, list]


@fieldclass(slots=True)
class Field:
    name: str
    value: Value
    raw: str
    span: Span
    key_span: Span
    items: list[tuple[Union[str, EnvRef], Span]] | None = None  # for arrays

    def string_span(self, start: int, end: int) -> Span:
        """The span of characters start..end of a string value (e.g. the password inside a `url`
        string, from `dburl` offsets). Exact when the literal has no escapes; otherwise clamped
        into the literal."""
        if not isinstance(self.value, str) or not self.raw.startswith('"'):
            return self.span
        if "\\" in self.raw:
            start, end = 0, len(self.raw) - 2
        column = self.span.column + 1
        return Span(self.span.path, self.span.line, column + start, self.span.line, column + max(start, end))


@fieldclass(slots=True)
class Block:
    kind: str  # "generator" or "datasource"
    name: str
    span: Span  # of the name after the keyword
    fields: dict[str, Field] = field(default_factory=dict)
    end_span: Span | None = None  # the closing brace; None when the block is never closed

    def get(self, name: str) -> Field | None:
        return self.fields.get(name)

    def value(self, name: str):
        found = self.fields.get(name)
        return None if found is None else found.value


@fieldclass(slots=True)
class PrismaSchema:
    path: Path
    generators: list[Block] = field(default_factory=list)
    datasources: list[Block] = field(default_factory=list)
    error: str | None = None
    paths: list[Path] = field(default_factory=list)  # every file read (one, or a schema folder's)

    @property
    def client_generator(self) -> Block | None:
        for block in self.generators:
            if block.value("provider") in CLIENT_PROVIDERS:
                return block
        return next((block for block in self.generators if block.name == "client"), None)

    @property
    def datasource(self) -> Block | None:
        return self.datasources[0] if self.datasources else None

    @property
    def provider(self) -> str | None:
        """The datasource provider: postgresql, mysql, sqlite, sqlserver, mongodb, cockroachdb."""
        return _string(self.datasource, "provider")

    @property
    def client_provider(self) -> str | None:
        """The client generator's provider: `prisma-client-js` or `prisma-client` (Prisma 7)."""
        return _string(self.client_generator, "provider")

    @property
    def url(self) -> Field | None:
        return self.datasource.get("url") if self.datasource else None

    @property
    def direct_url(self) -> Field | None:
        return self.datasource.get("directUrl") if self.datasource else None

    @property
    def url_env_var(self) -> str | None:
        """X of `url = env("X")`."""
        value = self.url.value if self.url else None
        return value.name if isinstance(value, EnvRef) else None

    @property
    def engine_type(self) -> str | None:
        return _string(self.client_generator, "engineType")

    @property
    def binary_targets_field(self) -> Field | None:
        return self.client_generator.get("binaryTargets") if self.client_generator else None

    @property
    def binary_targets(self) -> Value | None:
        """A list of targets (str or EnvRef), an EnvRef for `env(...)`, or None when not set."""
        found = self.binary_targets_field
        return None if found is None else found.value

    @property
    def output(self) -> Value | None:
        return self.client_generator.value("output") if self.client_generator else None

    @property
    def preview_features(self) -> list[str]:
        value = self.client_generator.value("previewFeatures") if self.client_generator else None
        return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []

    @property
    def uses_driver_adapters(self) -> bool:
        return "driverAdapters" in self.preview_features


def _string(block: Block | None, name: str) -> str | None:
    value = block.value(name) if block else None
    return value if isinstance(value, str) else None


# -- finding the schema ----------------------------------------------------------------------------
def find_prisma_schema(service_root: Path, package_json=None, config=None) -> Path | None:
    """The schema file (or multi-file schema folder) Prisma would use for this service:
    prisma.config.ts's `schema` (relative to that file), else package.json `prisma.schema`
    (relative to that package.json), else `schema.prisma`, `prisma/schema.prisma`, then a
    `prisma/schema/` folder. The order of the default locations is the CLI's
    (prisma/prisma packages/internals/src/cli/getSchema.ts, `getDefaultSchema`: `schema.prisma`
    first), not the order the docs list them in."""
    service_root = Path(service_root)
    for configured in (_config_schema(config), _configured_schema(package_json)):
        if configured is not None and _exists(configured):
            return configured
    for candidate in (service_root / "schema.prisma", service_root / "prisma" / "schema.prisma"):
        if is_present(candidate):
            return candidate
    folder = service_root / "prisma" / "schema"
    if is_dir(folder) and _prisma_files(folder):
        return folder
    return None


def _configured_schema(package_json) -> Path | None:
    """package.json's `prisma.schema` path; one that leads out of the project is refused (and
    reported at the setting) rather than read."""
    config = getattr(package_json, "prisma_config", None) or {}
    entry = config.get("schema")
    value = entry[0] if isinstance(entry, tuple) else entry
    if not isinstance(value, str) or not value.strip():
        return None
    path = Path(package_json.path).parent / value.strip()
    try:
        admit(path)
    except Refused as refusal:
        record(refusal, where=entry[1] if isinstance(entry, tuple) else None)
        return None
    return path


def _config_schema(config) -> Path | None:
    """prisma.config.ts's literal `schema`; one that leads out of the project is refused (and
    reported at the setting) rather than read."""
    path = config.schema_path() if config is not None else None
    if path is None:
        return None
    try:
        admit(path)
    except Refused as refusal:
        record(refusal, where=config.schema.span)
        return None
    return path


def _exists(path: Path) -> bool:
    return is_file(path) or (is_dir(path) and bool(_prisma_files(path)))


def _prisma_files(folder: Path) -> list[Path]:
    """The `*.prisma` files of a multi-file schema folder (node_modules left out)."""
    return [Path(parent) / name
            for parent, _, names in walk(folder, skip=lambda name: name == "node_modules")
            for name in names if name.endswith(".prisma") and is_file(Path(parent) / name)]


def load_prisma_schema(service_root: Path, package_json=None, config=None) -> PrismaSchema | None:
    path = find_prisma_schema(service_root, package_json, config)
    if path is None:
        return None
    return parse_prisma_folder(path) if is_dir(path) else parse_prisma_schema(path)


# -- parsing ---------------------------------------------------------------------------------------
def parse_prisma_folder(folder: Path) -> PrismaSchema:
    """A multi-file schema: every `*.prisma` under `folder`, blocks merged in file name order."""
    folder = Path(folder)
    merged = PrismaSchema(folder)
    for path in _prisma_files(folder):
        part = parse_prisma_schema(path)
        merged.generators += part.generators
        merged.datasources += part.datasources
        merged.paths.append(path)
        if part.error and not merged.error:
            merged.error = part.error
    return merged


def parse_prisma_schema(path: Path, text: str | None = None) -> PrismaSchema:
    path = Path(path)
    schema = PrismaSchema(path, paths=[path])
    if text is None:
        text, schema.error = read_text(path)
        if schema.error:
            return schema
    if text.startswith(BOM):
        text = text[1:]
    _Parser(text, path, schema).run()
    return schema


class _Parser:
    def __init__(self, text: str, path: Path, schema: PrismaSchema):
        self.text = text
        self.index = LineIndex(text, path)
        self.schema = schema
        self.pos = 0

    # -- low-level scanning
    def peek(self, offset: int = 0) -> str:
        i = self.pos + offset
        return self.text[i] if i < len(self.text) else ""

    def span(self, start: int, end: int) -> Span:
        return self.index.span(start, end)

    def skip_space(self, newlines: bool = True) -> None:
        """Skip whitespace and comments (a `//` comment stops before its line break)."""
        self.pos = skip_blank(self.text, self.pos, newlines)

    def identifier(self) -> str:
        start = self.pos
        if self.peek() in _IDENT_START:
            self.pos += 1
            while self.peek() in _IDENT_CHARS and self.peek():
                self.pos += 1
        return self.text[start:self.pos]

    def skip_line(self) -> None:
        end = self.text.find("\n", self.pos)
        self.pos = len(self.text) if end < 0 else end + 1

    def skip_string(self) -> bool:
        """Skip a string literal starting at the quote; an open string ends at its line's end.
        Returns whether the closing quote was found."""
        text = self.text
        self.pos += 1
        while self.pos < len(text):
            ch = text[self.pos]
            if ch == "\\" and self.pos + 1 < len(text) and text[self.pos + 1] != "\n":
                self.pos += 2
            elif ch == '"':
                self.pos += 1
                return True
            elif ch == "\n":
                return False
            else:
                self.pos += 1
        return False

    # -- top level
    def run(self) -> None:
        while self.pos < len(self.text):
            self.skip_space()
            if self.pos >= len(self.text):
                return
            if self.peek() not in _IDENT_START:
                self.pos += 1
                continue
            keyword = self.identifier()
            if keyword in ("generator", "datasource"):
                self.block(keyword)
            else:
                self.skip_declaration()

    def skip_declaration(self) -> None:
        """Skip a model/enum/view/type (or unknown) declaration: its name and `{...}` body."""
        self.skip_space(newlines=False)
        self.identifier()
        self.skip_space(newlines=False)
        if self.peek() == "{":
            self.skip_braces()
        else:
            self.skip_line()  # e.g. the old `type Alias = String` form

    def skip_braces(self) -> None:
        depth = 0
        text = self.text
        while self.pos < len(text):
            ch = text[self.pos]
            if ch == '"':
                self.skip_string()
                continue
            if text.startswith("//", self.pos) or text.startswith("/*", self.pos):
                self.skip_space()
                continue
            self.pos += 1
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 0:
                    return

    def block(self, kind: str) -> None:
        self.skip_space(newlines=False)
        start = self.pos
        name = self.identifier()
        if not name:
            self.skip_line()
            return
        block = Block(kind, name, self.span(start, self.pos))
        (self.schema.generators if kind == "generator" else self.schema.datasources).append(block)
        self.skip_space()
        if self.peek() != "{":
            return
        self.pos += 1
        self.block_body(block)

    def block_body(self, block: Block) -> None:
        while True:
            self.skip_space()
            ch = self.peek()
            if ch == "" or ch == "}":
                if ch == "}":
                    block.end_span = self.span(self.pos, self.pos + 1)
                    self.pos += 1
                return
            if ch in _IDENT_START:
                self.field(block)
            elif ch == '"':
                self.skip_string()
            else:
                self.pos += 1

    def field(self, block: Block) -> None:
        key_start = self.pos
        name = self.identifier()
        key_span = self.span(key_start, self.pos)
        self.skip_space(newlines=False)
        if self.peek() != "=":
            return
        self.pos += 1
        self.skip_space(newlines=False)
        start = self.pos
        value, items = self.value(allow_array=True)
        if self.pos == start:
            value = ""
        block.fields[name] = Field(name, value, self.text[start:self.pos], self.span(start, self.pos),
                                   key_span, items)

    # -- values
    def value(self, allow_array: bool):
        ch = self.peek()
        if ch == '"':
            return self.string(), None
        if ch == "[" and allow_array:
            return self.array()
        if ch in _IDENT_START:
            return self.word_or_call(), None
        return self.bare(), None

    def string(self) -> str:
        start = self.pos
        closed = self.skip_string()
        end = self.pos - 1 if closed else self.pos
        return _unescape(self.text[start + 1:end].rstrip("\r"))

    def array(self):
        self.pos += 1
        values, items = [], []
        while True:
            self.skip_space()
            ch = self.peek()
            if ch == "]":
                self.pos += 1
                break
            if ch in ("", "}"):  # unterminated array: stop before the block's closing brace
                break
            if ch == ",":
                self.pos += 1
                continue
            start = self.pos
            item, _ = self.value(allow_array=False)
            if self.pos == start:
                self.pos += 1
                continue
            values.append(item)
            items.append((item, self.span(start, self.pos)))
        return values, items

    def word_or_call(self):
        start = self.pos
        word = self.identifier()
        if self.peek() != "(":
            return word
        self.pos += 1
        self.skip_space(newlines=False)
        argument = None
        if self.peek() == '"':
            arg_start = self.pos
            argument = self.string()
            arg_span = self.span(arg_start, self.pos)
        close = self.text.find(")", self.pos, self._line_end())
        self.pos = self._line_end() if close < 0 else close + 1
        if word == "env" and argument is not None:
            return EnvRef(argument, arg_span)
        return self.text[start:self.pos]

    def bare(self) -> str:
        start = self.pos
        while self.peek() and self.peek() not in " \t\r\n,]}" and not self.text.startswith("//", self.pos):
            self.pos += 1
        return self.text[start:self.pos]

    def _line_end(self) -> int:
        end = self.text.find("\n", self.pos)
        return len(self.text) if end < 0 else end


def _unescape(raw: str) -> str:
    if "\\" not in raw:
        return raw
    out, i = [], 0
    while i < len(raw):
        if raw[i] == "\\" and i + 1 < len(raw):
            out.append(_STRING_ESCAPES.get(raw[i + 1], raw[i + 1]))
            i += 2
        else:
            out.append(raw[i])
            i += 1
    return "".join(out)

"""`.env` files: located KEY=value entries, parsed the way the `dotenv` npm package reads them.

Supported: `export KEY=...`, `KEY: value`, comments and blank lines, single/double/backtick quotes
(quoted values may span lines; `\\n`, `\\r`, `\\t`, `\\"` and `\\\\` are expanded inside double quotes),
inline `# comment` after unquoted values (only after whitespace, so `pa#ss` stays one value), CRLF line
endings and a BOM. The parser never raises: lines it cannot read are skipped and listed in `skipped`.

Lines end where `lintkit.read.lines` says (`\n`, `\r\n` or a lone `\r`, as the dotenv package reads them).
"""
from __future__ import annotations

import re
from pathlib import Path

from ..model.fieldclasses import field, fieldclass
from ..model.lazyre import lazy_compile
from ..model.nodes import Span
from .files import is_present, list_folder, read_bytes, refusal_reason
from .lines import LineIndex, line_end

BOM = "\ufeff"
TEMPLATE_SUFFIXES = frozenset({"example", "examples", "sample", "samples", "template", "tmpl", "tpl", "dist"})

_KEY_LINE = lazy_compile(r"[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.\-]*)[ \t]*(=|:(?=[ \t]))[ \t]*")
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def skip_blank(text: str, pos: int, newlines: bool = True) -> int:
    """The position after whitespace and `//` or `/* */` comments from `pos` (a `//` comment stops
    before its line break); with `newlines=False` a line break ends the blank. Shared by the
    package.json and schema.prisma parsers."""
    while pos < len(text):
        ch = text[pos]
        if ch in " \t\r\f\v\ufeff" or (newlines and ch == "\n"):
            pos += 1
        elif text.startswith("//", pos):
            pos = line_end(text, pos)
        elif text.startswith("/*", pos):
            end = text.find("*/", pos + 2)
            pos = len(text) if end < 0 else end + 2
        else:
            break
    return pos


@fieldclass(slots=True)
class EnvEntry:
    key: str
    value: str
    key_span: Span
    value_span: Span
    quoted: str | None = None  # the quote character, or None for an unquoted value
    exported: bool = False

    def value_sub_span(self, start: int, end: int) -> Span:
        """The span of value[start:end]; the whole value's span when the written text is not the
        value character for character (escapes, a multi-line value)."""
        span = self.value_span
        if span.line != span.end_line or span.end_column - span.column != len(self.value):
            return span
        return Span(span.path, span.line, span.column + start, span.line, span.column + end)


@fieldclass(slots=True)
class EnvFile:
    path: Path
    entries: list[EnvEntry] = field(default_factory=list)
    error: str | None = None
    skipped: list[int] = field(default_factory=list)  # line numbers that are not KEY=value

    def get(self, key: str) -> EnvEntry | None:
        """The entry that wins for a key: the last definition in the file, as dotenv reads it."""
        for entry in reversed(self.entries):
            if entry.key == key:
                return entry
        return None

    def as_dict(self) -> dict[str, str]:
        return {entry.key: entry.value for entry in self.entries}

    @property
    def is_template(self) -> bool:
        return is_template_env(self.path)


def parse_dotenv(path: Path, text: str | None = None) -> EnvFile:
    """Parse a `.env` file (read from `path` when `text` is None)."""
    path = Path(path)
    if text is None:
        text, error = read_text(path)
        if error:
            return EnvFile(path, error=error)
    if text.startswith(BOM):
        text = text[1:]
    env = EnvFile(path)
    index = LineIndex(text, path)
    pos = 0
    while pos < len(text):
        pos = _parse_line(text, pos, index, env)
    return env


def read_text(path: Path) -> tuple[str, str | None]:
    """(text, None), or ("", reason) for a file that is unreadable, refused (lintkit.read.files),
    binary or not UTF-8."""
    try:
        data = read_bytes(path)
    except OSError as error:
        return "", f"cannot read {path.name}: {refusal_reason(error)}"
    if b"\x00" in data:
        return "", f"{path.name} is a binary file"
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        return "", f"{path.name} is not UTF-8 text"


def _parse_line(text: str, pos: int, index: LineIndex, env: EnvFile) -> int:
    """Read the entry that starts at `pos`; return where the next line starts."""
    end = line_end(text, pos)
    line = text[pos:end].rstrip("\r")
    stripped = line.strip()
    if not stripped or stripped.startswith("#"):
        return end + 1
    match = _KEY_LINE.match(text, pos, pos + len(line))
    if not match:
        env.skipped.append(index.position(pos)[0])
        return end + 1
    key_span = index.span(match.start(1), match.end(1))
    exported = bool(re.match(r"[ \t]*export[ \t]", line))
    value_start = match.end()
    quote = text[value_start] if value_start < pos + len(line) else ""
    if quote in ("'", '"', "`"):
        close = _closing_quote(text, value_start + 1, quote)
        if close is not None:
            raw = text[value_start + 1:close]
            value = _unescape(raw) if quote == '"' else raw
            env.entries.append(EnvEntry(match.group(1), value.replace("\r\n", "\n"), key_span,
                                        index.span(value_start + 1, close), quote, exported))
            return line_end(text, close) + 1
        value_start += 1  # unterminated quote: read the rest of the line as a plain value
    value_end = _unquoted_end(text, value_start, pos + len(line))
    env.entries.append(EnvEntry(match.group(1), text[value_start:value_end], key_span,
                                index.span(value_start, value_end), None, exported))
    return end + 1


def _closing_quote(text: str, start: int, quote: str) -> int | None:
    i = start
    while i < len(text):
        ch = text[i]
        if ch == "\\" and quote != "'":
            i += 2
            continue
        if ch == quote:
            return i
        i += 1
    return None


def _unquoted_end(text: str, start: int, end: int) -> int:
    comment = re.search(r"[ \t]#", text[start:end])
    if comment:
        end = start + comment.start()
    elif text.startswith("#", start):
        end = start
    while end > start and text[end - 1] in " \t":
        end -= 1
    return end


def _unescape(raw: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), raw, flags=re.S)


def find_env_files(service_root: Path) -> list[Path]:
    """`.env` and `.env.*` files directly in the service folder, `.env` first, then by name.
    Templates (`.env.example`, ...) are included; tell them apart with `is_template_env`."""
    found = [child for child in list_folder(service_root)
             if (child.name == ".env" or child.name.startswith(".env.")) and is_present(child)]
    return sorted(found, key=lambda p: (p.name != ".env", p.name))


def is_template_env(path: Path) -> bool:
    """True for `.env.example`, `.env.sample`, `.env.template`, `.env.dist` (also combined, e.g.
    `.env.local.example`): files meant to be committed with placeholder values."""
    parts = Path(path).name.lower().split(".")
    return any(part in TEMPLATE_SUFFIXES for part in parts[2:])

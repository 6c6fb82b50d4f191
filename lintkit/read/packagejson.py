"""package.json: a located JSON parser and the few facts rules need (dependencies, Prisma version,
scripts, the `prisma` key, the module type).

`parse_json` builds `lintkit.model.nodes` Mapping/Sequence/Scalar nodes with spans. It is iterative and
tolerant: comments and trailing commas are accepted, and on a syntax error it returns what it read so
far (open containers closed at the error) with an error message. Nesting deeper than `MAX_DEPTH`
stops the parse the same way, so no caller ever recurses into a hostile document.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..model.fieldclasses import field, fieldclass
from ..model.lazyre import lazy_compile
from ..model.nodes import Mapping, Node, Scalar, Sequence, Span
from .dotenv import BOM, read_text, skip_blank
from .files import is_present
from .lines import LineIndex

MAX_DEPTH = 256
PRISMA_PACKAGES = ("@prisma/client", "prisma")

_NUMBER = lazy_compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")
_LITERALS = {"true": True, "false": False, "null": None}
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


@fieldclass(slots=True)
class JsonError:
    message: str
    span: Span


# -- JSON ------------------------------------------------------------------------------------------
class _Frame:
    __slots__ = ("kind", "start", "entries", "key")

    def __init__(self, kind: str, start: int):
        self.kind = kind  # "{" or "["
        self.start = start
        self.entries: list = []
        self.key: Scalar | None = None


class _JsonParser:
    def __init__(self, text: str, path: Path | None):
        self.text = text
        self.path = path
        self.index = LineIndex(text, path)
        self.pos = 0
        self.stack: list[_Frame] = []
        self.root: Node | None = None
        self.error: JsonError | None = None

    def fail(self, message: str, at: int | None = None) -> None:
        at = self.pos if at is None else at
        if self.error is None:
            self.error = JsonError(message, self.index.span(at, at + 1))

    def span(self, start: int, end: int) -> Span:
        return self.index.span(start, end)

    def skip_space(self) -> None:
        self.pos = skip_blank(self.text, self.pos)

    def parse(self) -> None:
        expect = "value"
        while self.error is None:
            self.skip_space()
            ch = self.text[self.pos] if self.pos < len(self.text) else ""
            if expect == "done":
                if ch:
                    self.fail("extra text after the JSON value")
                return
            if ch == "":
                self.fail("unexpected end of JSON")
                break
            frame = self.stack[-1] if self.stack else None
            if expect == "after":  # after a value inside a container
                if ch == ",":
                    self.pos += 1
                    expect = "key" if frame.kind == "{" else "value"
                elif ch in "}]":
                    expect = self.close(ch)
                else:
                    self.fail("expected ',' or a closing bracket")
            elif expect == "key":
                if ch == "}":  # empty object, or a trailing comma
                    expect = self.close(ch)
                elif ch == '"':
                    frame.key = self.string()
                    self.skip_space()
                    if self.text.startswith(":", self.pos):
                        self.pos += 1
                        expect = "value"
                    else:
                        self.fail("expected ':' after an object key")
                else:
                    self.fail("expected a string key")
            else:  # a value
                if ch == "]" and frame is not None and frame.kind == "[":
                    expect = self.close(ch)
                elif ch in "{[":
                    if len(self.stack) >= MAX_DEPTH:
                        self.fail(f"JSON nested deeper than {MAX_DEPTH} levels")
                        break
                    self.stack.append(_Frame(ch, self.pos))
                    self.pos += 1
                    expect = "key" if ch == "{" else "value"
                else:
                    node = self.scalar()
                    if node is None:
                        break
                    expect = self.attach(node)
        self.close_all()

    def close(self, ch: str) -> str:
        frame = self.stack[-1]
        if (frame.kind == "{") != (ch == "}"):
            self.fail(f"mismatched '{ch}'")
            return "after"
        self.stack.pop()
        self.pos += 1
        return self.attach(self.build(frame, self.pos))

    def build(self, frame: _Frame, end: int) -> Node:
        span = self.span(frame.start, end)
        return Mapping(frame.entries, span) if frame.kind == "{" else Sequence(frame.entries, span)

    def attach(self, node: Node) -> str:
        if not self.stack:
            self.root = node
            return "done"
        frame = self.stack[-1]
        if frame.kind == "{":
            if frame.key is not None:  # None only when the parse stopped before a key was read
                frame.entries.append((frame.key, node))
            frame.key = None
        else:
            frame.entries.append(node)
        return "after"

    def close_all(self) -> None:
        """After an error: close every open container where the parse stopped."""
        while self.stack:
            frame = self.stack.pop()
            self.attach(self.build(frame, self.pos))

    def scalar(self) -> Scalar | None:
        ch = self.text[self.pos]
        if ch == '"':
            return self.string()
        match = _NUMBER.match(self.text, self.pos)
        if match and match.end() > self.pos:
            start, self.pos = self.pos, match.end()
            raw = match.group()
            # Long integers become the float JavaScript reads (Python refuses int() past 4,300 digits).
            value = float(raw) if any(c in raw for c in ".eE") or len(raw) > 300 else int(raw)
            return Scalar(value, self.span(start, self.pos), _tag(value))
        for word, value in _LITERALS.items():
            if self.text.startswith(word, self.pos):
                start, self.pos = self.pos, self.pos + len(word)
                return Scalar(value, self.span(start, self.pos), _tag(value))
        self.fail(f"unexpected character {ch!r}")
        return None

    def string(self) -> Scalar:
        start = self.pos
        text = self.text
        out: list[str] = []
        i = start + 1
        while i < len(text):
            ch = text[i]
            if ch == '"':
                self.pos = i + 1
                return Scalar("".join(out), self.span(start, self.pos), _tag(""), '"')
            if ch == "\\":
                decoded, i = self.escape(i)
                out.append(decoded)
                continue
            if ch == "\n":
                break
            out.append(ch)
            i += 1
        self.pos = i
        self.fail("unterminated string", start)
        return Scalar("".join(out), self.span(start, i), _tag(""), '"')

    def escape(self, i: int) -> tuple[str, int]:
        code = self.text[i + 1:i + 2]
        if code != "u":
            return _ESCAPES.get(code, code), i + 2
        first = _hex4(self.text, i + 2)
        if first is None:
            return "\ufffd", i + 2
        if 0xD800 <= first < 0xDC00 and self.text.startswith("\\u", i + 6):
            second = _hex4(self.text, i + 8)
            if second is not None and 0xDC00 <= second < 0xE000:
                return chr(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)), i + 12
        return chr(first), i + 6


def _tag(value) -> str:
    """The YAML core-schema tag of a JSON value, as the YAML loader would give it."""
    name = {bool: "bool", int: "int", float: "float", str: "str"}.get(type(value), "null")
    return "tag:yaml.org,2002:" + name


def _hex4(text: str, i: int) -> int | None:
    digits = text[i:i + 4]
    if len(digits) == 4 and all(c in "0123456789abcdefABCDEF" for c in digits):
        return int(digits, 16)
    return None


def parse_json(text: str, path: Path | None = None) -> tuple[Node | None, JsonError | None]:
    """Parse JSON into located nodes: (root or None, error or None). Never raises."""
    if text.startswith(BOM):
        text = text[1:]
    parser = _JsonParser(text, path)
    try:
        parser.parse()
    except Exception as exc:  # defensive: a tolerant parser reports, it does not crash
        parser.fail(f"cannot parse JSON: {exc}")
        parser.close_all()
    return parser.root, parser.error


# -- package.json ----------------------------------------------------------------------------------
Located = tuple[str, Span]


@fieldclass(slots=True)
class PackageJson:
    path: Path
    node: Mapping | None = None
    error: str | None = None
    error_span: Span | None = None
    dependencies: dict[str, Located] = field(default_factory=dict)
    dev_dependencies: dict[str, Located] = field(default_factory=dict)
    optional_dependencies: dict[str, Located] = field(default_factory=dict)
    peer_dependencies: dict[str, Located] = field(default_factory=dict)
    scripts: dict[str, Located] = field(default_factory=dict)
    prisma_config: dict[str, Located] = field(default_factory=dict)  # the "prisma" key: schema, seed
    type: str | None = None  # "module" / "commonjs", None when absent
    name: str | None = None

    def in_dependencies(self, name: str) -> bool:
        """Installed in production: `dependencies` or `optionalDependencies` (Serverless packages
        both, and drops devDependencies)."""
        return name in self.dependencies or name in self.optional_dependencies

    def in_dev_dependencies(self, name: str) -> bool:
        return name in self.dev_dependencies

    def dependency(self, name: str) -> Located | None:
        """(version, span) from dependencies, devDependencies or optionalDependencies."""
        for table in (self.dependencies, self.dev_dependencies, self.optional_dependencies):
            if name in table:
                return table[name]
        return None

    def version_of(self, name: str) -> str | None:
        found = self.dependency(name)
        return found[0] if found else None

    def prisma_major(self) -> int | None:
        """The Prisma major version the ranges allow: `@prisma/client` first, then `prisma`."""
        for package in PRISMA_PACKAGES:
            major = major_of_range(self.version_of(package))
            if major is not None:
                return major
        return None

    @property
    def is_module(self) -> bool:
        return self.type == "module"


def load_package_json(service_root: Path, project_root: Path | None = None) -> PackageJson | None:
    """The package.json of a service: in its folder, else the nearest one above it up to
    `project_root` (monorepos keep dependencies at the root). None when there is none."""
    path = find_package_json(service_root, project_root)
    return None if path is None else parse_package_json(path)


def find_package_json(service_root: Path, project_root: Path | None = None) -> Path | None:
    folder = Path(service_root).absolute()
    stop = Path(project_root).absolute() if project_root is not None else folder
    if folder != stop and stop not in folder.parents:
        stop = folder
    while True:
        candidate = folder / "package.json"
        if is_present(candidate):
            return candidate
        if folder == stop or folder.parent == folder:
            return None
        folder = folder.parent


def parse_package_json(path: Path, text: str | None = None) -> PackageJson:
    path = Path(path)
    package = PackageJson(path)
    if text is None:
        text, package.error = read_text(path)
        if package.error:
            return package
    root, error = parse_json(text, path)
    if error is not None:
        package.error, package.error_span = error.message, error.span
    if not isinstance(root, Mapping):
        if package.error is None:
            package.error = "package.json is not a JSON object"
        return package
    package.node = root
    package.dependencies = _string_table(root.get("dependencies"))
    package.dev_dependencies = _string_table(root.get("devDependencies"))
    package.optional_dependencies = _string_table(root.get("optionalDependencies"))
    package.peer_dependencies = _string_table(root.get("peerDependencies"))
    package.scripts = _string_table(root.get("scripts"))
    package.prisma_config = _string_table(root.get("prisma"))
    package.type = _string_value(root.get("type"))
    package.name = _string_value(root.get("name"))
    return package


def _string_table(node: Node | None) -> dict[str, Located]:
    if not isinstance(node, Mapping):
        return {}
    return {str(key.value): (value.value, value.span) for key, value in node.pairs
            if isinstance(value, Scalar) and isinstance(value.value, str)}


def _string_value(node: Node | None) -> str | None:
    return node.value if isinstance(node, Scalar) and isinstance(node.value, str) else None


# -- version ranges --------------------------------------------------------------------------------
_VERSION = lazy_compile(r"^v?(\d+)(?:\.(?:\d+|[xX*]))?(?:\.(?:\d+|[xX*]))?(?:[-+][0-9A-Za-z.\-+]*)?$")
_OPERATOR_SPACE = lazy_compile(r"(\^|~>?|>=|<=|>|<|=)\s+")
_COMPARATOR = lazy_compile(r"^(\^|~>?|>=|<=|>|<|=)?\s*(.*)$")
_NOT_A_RANGE = lazy_compile(r"^(git\+|git:|github:|gitlab:|bitbucket:|https?:|file:|link:|portal:|patch:|catalog:)"
                          r"|^[\w.\-]+/[\w.\-]+(#.*)?$")


def major_of_range(spec: str | None) -> int | None:
    """The major version an npm range resolves to: `^5.22.0` → 5, `~6.1.0` → 6, `7.0.0` → 7,
    `>=6 <7` → 6, `6.x` → 6, `^5 || ^6` → 6 (npm installs the highest match). None for `latest`, `*`,
    tags, `workspace:*`, git/file/URL specs. `npm:pkg@range` aliases and `workspace:^6.1.0` are read
    through."""
    if not isinstance(spec, str):
        return None
    spec = spec.strip()
    if spec.startswith("npm:"):
        at = spec.rfind("@")
        spec = spec[at + 1:] if at > 4 else ""
    if spec.startswith("workspace:"):
        spec = spec[len("workspace:"):]
    if not spec or _NOT_A_RANGE.match(spec):
        return None
    majors = [_major_of_set(part) for part in spec.split("||")]
    known = [major for major in majors if major is not None]
    return max(known) if known else None


def _major_of_set(comparator_set: str) -> int | None:
    """Major of a space-separated comparator set (`>=6 <7`) or hyphen range (`6.1 - 6.4`): its lower
    bound. A set with only upper bounds (`<7`) says nothing certain."""
    text = _joined_operators(comparator_set)
    for part in text.split():
        if part == "-":
            continue
        operator, version = _COMPARATOR.match(part).groups()
        if operator in ("<", "<="):
            continue
        match = _VERSION.match(version)
        if match:
            return int(match.group(1))
    return None


def _joined_operators(comparator_set: str) -> str:
    """`>= 6 < 7` as `>=6 <7`: each operator joined to its version."""
    return _OPERATOR_SPACE.sub(r"\1", comparator_set.strip())


def allowed_majors(spec: str | None, known: tuple[int, ...]) -> frozenset[int] | None:
    """The majors among `known` that an npm range allows: `^3` → {3}, `>=3` → {3, 4} of (1..4),
    `2 || 3` → {2, 3}, `>3.0.0 <4` → {3}. None when the spec says nothing (`*`, `latest`, a tag, a
    git/file/URL spec) or a comparator is not a version."""
    if not isinstance(spec, str):
        return None
    spec = spec.strip()
    if not spec or spec in ("*", "x", "X") or _NOT_A_RANGE.match(spec):
        return None
    allowed: set[int] = set()
    for comparator_set in spec.split("||"):
        bounds = _major_bounds(comparator_set)
        if bounds is None:
            return None
        low, high = bounds
        allowed.update(major for major in known if low <= major <= high)
    return frozenset(allowed)


def _major_bounds(comparator_set: str) -> tuple[float, float] | None:
    """(lowest, highest) major a comparator set allows; None when a part is not a version."""
    text = _joined_operators(comparator_set)
    parts = [part for part in text.split() if part != "-"]
    if " - " in text and len(parts) == 2:  # hyphen range: `3.1 - 4`
        parts = [">=" + parts[0], "<=" + parts[1]]
    low, high = 0.0, float("inf")
    for part in parts:
        operator, version = _COMPARATOR.match(part).groups()
        if version in ("*", "x", "X"):
            continue
        match = _VERSION.match(version)
        if not match:
            return None
        major = int(match.group(1))
        exact_major = re.fullmatch(r"v?\d+(?:\.(?:0|[xX*]))?(?:\.(?:0|[xX*]))?", version) is not None
        if operator in (None, "=", "^", "~", "~>"):
            low, high = max(low, major), min(high, major)
        elif operator == ">=":
            low = max(low, major)
        elif operator == ">":
            low = max(low, major + 1 if re.fullmatch(r"v?\d+(?:\.[xX*])*", version) else major)
        elif operator == "<":
            high = min(high, major - 1 if exact_major else major)
        elif operator == "<=":
            high = min(high, major)
    return low, high

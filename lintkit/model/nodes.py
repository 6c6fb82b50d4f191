"""Located document nodes: every value of a loaded YAML/JSON file knows where it came from.

Positions are 1-based lines and columns counted in characters; `end_column` is exclusive (the column
just after the last character), as in SARIF regions.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator, Union


class Span:
    """Where a value is written. Immutable by convention: a plain class, because a file's every
    value gets one and a frozen dataclass takes five times as long to build (bench/RESULTS.md)."""

    __slots__ = ("path", "line", "column", "end_line", "end_column")

    def __init__(self, path: Path, line: int, column: int, end_line: int, end_column: int):
        self.path = path
        self.line = line
        self.column = column
        self.end_line = end_line
        self.end_column = end_column

    def _key(self) -> tuple:
        return (self.path, self.line, self.column, self.end_line, self.end_column)

    def __eq__(self, other) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (f"Span(path={self.path!r}, line={self.line}, column={self.column}, "
                f"end_line={self.end_line}, end_column={self.end_column})")

    @classmethod
    def point(cls, path: Path, line: int = 1, column: int = 1) -> "Span":
        return cls(path, line, column, line, column + 1)


class Node:
    """Base of every located value."""

    __slots__ = ("span",)

    def __init__(self, span: Span):
        self.span = span


class Scalar(Node):
    """A plain value: str, int, float, bool or None.

    `style` is the YAML scalar style (None for plain, "|", ">", "'", '"'), which tells where the text of
    a block scalar starts. `tag` is the resolved YAML tag, e.g. "tag:yaml.org,2002:str".
    """

    __slots__ = ("value", "tag", "style")

    def __init__(self, value, span: Span, tag: str | None = None, style: str | None = None):
        self.span = span  # not super().__init__: a file builds one Scalar per value
        self.value = value
        self.tag = tag
        self.style = style

    def __repr__(self) -> str:
        return f"Scalar({self.value!r})"


class Mapping(Node):
    """An ordered mapping whose keys are located scalars. Keys compare by their string value.

    `variable_free_size` (also on Sequence and Intrinsic) is set by the YAML loader when no string
    under the node, keys included, holds `${`: the number of nodes under it, itself and each key
    included, an alias counted in full each time. Variable resolution returns such a node as it is
    without walking it. None when a string holds `${` or nobody counted (JSON, built nodes)."""

    __slots__ = ("pairs", "variable_free_size")

    def __init__(self, pairs: list[tuple[Scalar, Node]], span: Span):
        self.span = span
        self.pairs = pairs
        self.variable_free_size: int | None = None

    def get(self, key: str, default: Node | None = None) -> Node | None:
        for k, v in reversed(self.pairs):  # last duplicate wins, as in YAML loaders
            name = k.value
            if name == key or (type(name) is not str and str(name) == key):
                return v
        return default

    def key_node(self, key: str) -> Scalar | None:
        for k, _ in reversed(self.pairs):
            name = k.value
            if name == key or (type(name) is not str and str(name) == key):
                return k
        return None

    def keys(self) -> list[str]:
        return [str(k.value) for k, _ in self.pairs]

    def items(self) -> Iterator[tuple[str, Node]]:
        for k, v in self.pairs:
            yield str(k.value), v

    def __contains__(self, key: str) -> bool:
        return self.key_node(key) is not None

    def __len__(self) -> int:
        return len(self.pairs)

    def __repr__(self) -> str:
        return f"Mapping({self.keys()!r})"


class Sequence(Node):
    __slots__ = ("items", "variable_free_size")

    def __init__(self, items: list[Node], span: Span):
        self.span = span
        self.items = items
        self.variable_free_size: int | None = None  # see Mapping

    def __iter__(self) -> Iterator[Node]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __repr__(self) -> str:
        return f"Sequence(len={len(self.items)})"


class Intrinsic(Node):
    """A CloudFormation function: `!Ref X` or `{Ref: X}` -> Intrinsic("Ref", Scalar("X")).

    `function` is the long-form name: "Ref", "Condition" or "Fn::GetAtt", "Fn::Sub", ...
    The loader builds these from short tags; long-form mappings stay Mappings (see `intrinsic_name`).
    """

    __slots__ = ("function", "value", "variable_free_size")

    def __init__(self, function: str, value: Node, span: Span):
        self.span = span
        self.function = function
        self.value = value
        self.variable_free_size: int | None = None  # see Mapping

    def __repr__(self) -> str:
        return f"Intrinsic({self.function})"


class Unknown(Node):
    """A value that exists only at deploy time (`${ssm:...}`, `${env:X}` without default, ...).

    `text` is the string as far as it could be resolved, with each unresolvable variable left as its
    original `${...}` text, e.g. "postgres://app:${ssm:/db/pw}@db.example.com/app".
    `sources` names the variable sources that made it unknown, e.g. {"ssm"}.
    """

    __slots__ = ("text", "sources")

    def __init__(self, text: str, sources: frozenset[str], span: Span):
        super().__init__(span)
        self.text = text
        self.sources = sources

    def __repr__(self) -> str:
        return f"Unknown({self.text!r})"


AnyNode = Union[Scalar, Mapping, Sequence, Intrinsic, Unknown]

INTRINSIC_KEYS = frozenset(
    {"Ref", "Condition"}
    | {
        f"Fn::{name}"
        for name in (
            "GetAtt Sub Join If Equals Not And Or Select Split Base64 GetAZs ImportValue "
            "FindInMap Cidr Length ToJsonString Transform"
        ).split()
    }
)


def intrinsic_name(node: Node | None) -> str | None:
    """The CloudFormation function a node is, in short (`!Ref`) or long (`{Ref: x}`) form."""
    if isinstance(node, Intrinsic):
        return node.function
    if isinstance(node, Mapping) and len(node.pairs) == 1:
        key = str(node.pairs[0][0].value)
        if key in INTRINSIC_KEYS:
            return key
    return None


def is_dynamic(node: Node | None) -> bool:
    """True for values decided at deploy time: unknown variables, CloudFormation functions, and
    `{{resolve:...}}` dynamic references. Rules never guess these."""
    if isinstance(node, Unknown) or intrinsic_name(node) is not None:
        return True
    return isinstance(node, Scalar) and isinstance(node.value, str) and "{{resolve:" in node.value


def text(node: Node | None) -> str | None:
    """The string value of a scalar (numbers and booleans as YAML would print them), else None."""
    if isinstance(node, Scalar) and node.value is not None:
        if isinstance(node.value, bool):
            return "true" if node.value else "false"
        return str(node.value)
    return None


def string_like(node: Node | None) -> str | None:
    """Like `text`, but also gives the partially resolved text of an Unknown."""
    if isinstance(node, Unknown):
        return node.text
    return text(node)


def path_get(node: Node | None, *keys: str | int) -> Node | None:
    """Walk mappings by key and sequences by index: path_get(doc, "provider", "vpc")."""
    for key in keys:
        if isinstance(node, Mapping) and isinstance(key, str):
            node = node.get(key)
        elif isinstance(node, Sequence) and isinstance(key, int) and -len(node) <= key < len(node):
            node = node.items[key]
        else:
            return None
    return node


class _UnknownValue:
    """Stands for an Unknown in plain Python data (see `to_plain`)."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _UnknownValue()


def to_plain(node: Node | None):
    """Plain Python data (dict/list/scalars) for a node; Unknown becomes UNKNOWN, an Intrinsic the
    long-form `{function: value}` mapping."""
    if node is None:
        return None
    if isinstance(node, Scalar):
        return node.value
    if isinstance(node, Mapping):
        return {str(k.value): to_plain(v) for k, v in node.pairs}
    if isinstance(node, Sequence):
        return [to_plain(item) for item in node.items]
    if isinstance(node, Intrinsic):
        return {node.function: to_plain(node.value)}
    return UNKNOWN


def nodes_in(node: Node | None) -> list[Node]:
    """Every node under `node` (itself included), in `walk`'s order, without the key paths."""
    found: list[Node] = []
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        found.append(current)
        kind = type(current)
        if kind is Mapping:
            stack.extend([value for _, value in reversed(current.pairs)])
        elif kind is Sequence:
            stack.extend(reversed(current.items))
        elif kind is Intrinsic:
            stack.append(current.value)
    return found


def walk(node: Node | None, path: tuple = ()) -> Iterator[tuple[tuple, Node]]:
    """Every node under `node` (itself included) with its key path, depth first, without recursion
    limits (documents can be deeply nested)."""
    if node is None:
        return
    stack: list[tuple[tuple, Node]] = [(path, node)]
    while stack:
        here, current = stack.pop()
        yield here, current
        if isinstance(current, Mapping):
            for k, v in reversed(current.pairs):
                stack.append((here + (str(k.value),), v))
        elif isinstance(current, Sequence):
            for i in range(len(current.items) - 1, -1, -1):
                stack.append((here + (i,), current.items[i]))
        elif isinstance(current, Intrinsic):
            stack.append((here + (current.function,), current.value))

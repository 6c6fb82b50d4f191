"""YAML text -> located nodes (lintkit.model.nodes), with PARSE001 findings instead of exceptions.

The parser is libyaml's (through PyYAML's C binding) when available. Nodes are built from the parser's
event stream by a small iterative composer, so nesting never recurses in Python, and aliases are
shared (not copied) while their expanded size is counted against `MAX_ALIAS_NODES`.

Decisions:
- Plain scalars are typed like js-yaml 4 does (the YAML 1.2 core schema that the Serverless Framework
  uses): only `true/false` (3 spellings) are booleans, `yes/no/on/off` stay strings, `0o17`/`0x1F`/
  `0b11` are integers and `017` is decimal 17. Timestamps stay strings (tag `...:timestamp`). Tags are
  the standard `tag:yaml.org,2002:*` ones.
- An explicit `!!int`/`!!float` whose text is not a number in that schema (`!!int 1:30`: js-yaml 4
  has no sexagesimal numbers; `!!int nope`) stays a string, where js-yaml refuses the file. So does
  an integer written with 1,000 characters or more, plain or `!!int`: js-yaml reads it as an
  imprecise or infinite float, and Python refuses to print integers of over 4,300 digits.
- CloudFormation short tags become `Intrinsic` nodes; any other local tag (`!Foo`) keeps its node
  (a scalar records the tag in `Scalar.tag`).
- An alias is the very node its anchor defined (same object, span at the anchor).
- Merge keys (`<<: *base`, `<<: [*a, *b]`) are applied: explicit keys win over merged ones, earlier
  merge sources win over later ones, and merged pairs take the position of the `<<` key.
- Several documents in one file: the first is returned and PARSE001 points at the second, because the
  Serverless Framework refuses such files.
- An empty file (or only comments) gives `node=None` without findings: the caller decides.
"""
from __future__ import annotations

import codecs
import functools
import json
import re
import sys
from pathlib import Path

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from ..model.diagnostics import Finding
from ..model.fieldclasses import field, fieldclass
from ..model.lazyre import lazy_compile
from ..model.nodes import Intrinsic, Mapping, Node, Scalar, Sequence, Span
from .files import read_bytes, refusal_reason
from .lines import LineIndex, split_lines

MAX_BYTES = 5 * 1024 * 1024
"""Larger files are not parsed: no serverless.yml is anywhere near this size."""

MAX_DEPTH = 100
"""Deepest nesting of mappings/sequences accepted. Real configurations stay below 20; the limit keeps
recursive consumers (`to_plain`, JSON Schema validation) far from Python's recursion limit."""

MAX_ALIAS_NODES = 1_000_000
"""How many nodes aliases may add to the document once expanded (a billion-laughs guard)."""

# The C parser only; PyYAML's resolver and constructor are not used (see `_resolve_plain`).
_EventParser = getattr(yaml, "CBaseLoader", None) or yaml.BaseLoader

PARSE001 = "PARSE001"
YAML_TAG = "tag:yaml.org,2002:"
STR_TAG = YAML_TAG + "str"
INT_TAG = YAML_TAG + "int"
FLOAT_TAG = YAML_TAG + "float"
BOOL_TAG = YAML_TAG + "bool"
NULL_TAG = YAML_TAG + "null"
TIMESTAMP_TAG = YAML_TAG + "timestamp"
MERGE_TAG = YAML_TAG + "merge"

CLOUDFORMATION_TAGS = {"!Ref": "Ref", "!Condition": "Condition"} | {
    f"!{name}": f"Fn::{name}"
    for name in (
        "GetAtt Sub Join If Equals Not And Or Select Split Base64 GetAZs ImportValue FindInMap Cidr "
        "Length ToJsonString Transform"
    ).split()
}


@fieldclass
class LoadResult:
    node: Node | None
    findings: list[Finding] = field(default_factory=list)
    text: str | None = None
    """The decoded file text (None when the file could not be read or decoded)."""


def load_yaml(path: Path, data: bytes | None = None) -> LoadResult:
    """Parse a YAML file (read from `path` unless `data` is given) into located nodes."""
    path = Path(path)
    if data is None:
        data, problem = read_source(path)
        if problem is not None:
            return LoadResult(None, [problem])
    if len(data) > MAX_BYTES:
        return LoadResult(None, [_too_large(path, len(data))])
    text, problem = decode(path, data)
    if problem is not None:
        return LoadResult(None, [problem])
    problem = _check_characters(path, text)
    if problem is not None:
        return LoadResult(None, [problem], text)
    findings: list[Finding] = []
    try:
        node = _compose_first_document(_EventParser(text), _Marks(text), path, findings)
    except yaml.MarkedYAMLError as error:
        return LoadResult(None, [_syntax_finding(path, text, error)], text)
    except _LoadProblem as problem_:
        return LoadResult(None, [Finding(problem_.span, problem_.message, code=PARSE001)], text)
    except yaml.YAMLError as error:  # ReaderError: the character checks above should prevent it
        return LoadResult(None, [_finding(path, 1, 1, f"invalid YAML: {error}")], text)
    except Exception as error:  # never let a parser bug become a traceback
        message = f"internal error while parsing ({type(error).__name__}: {error}); please report it"
        return LoadResult(None, [_finding(path, 1, 1, message)], text)
    return LoadResult(node, findings, text)


def load_json_or_yaml(path: Path, data: bytes | None = None) -> LoadResult:
    """Load an included `.json`/`.yml` file. JSON goes through the YAML parser (for positions); JSON
    that YAML rejects (e.g. tab indentation) is parsed with `json` and located at line 1."""
    path = Path(path)
    if data is None:
        data, problem = read_source(path)
        if problem is not None:
            return LoadResult(None, [problem])
    result = load_yaml(path, data)
    if result.node is None and result.findings and result.text is not None \
            and path.suffix.lower() == ".json":
        node = _json_nodes(path, result.text)
        if node is not None:
            return LoadResult(node, [], result.text)
    return result


# -- reading and decoding --------------------------------------------------------------------------

def read_source(path: Path) -> tuple[bytes | None, Finding | None]:
    """The bytes of a regular file of at most MAX_BYTES inside the project, or a PARSE001 finding
    saying why not (lintkit.read.files refuses devices, FIFOs, folders and links out of the project)."""
    try:
        return read_bytes(path, MAX_BYTES), None
    except OSError as error:
        return None, _finding(path, 1, 1, f"cannot read {path.name}: {refusal_reason(error)}")


def _too_large(path: Path, size: int) -> Finding:
    return _finding(path, 1, 1, f"{path.name} is {size / 1048576:.1f} MB, larger than the "
                    f"{MAX_BYTES // 1048576} MB lintkit reads; check that this is the right file")


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),  # before UTF-16: same prefix
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(path: Path, data: bytes) -> tuple[str | None, Finding | None]:
    """Text of UTF-8 data (a BOM is dropped; UTF-16/32 with a BOM are accepted too)."""
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), "utf-8")
    try:
        return data.decode(encoding), None
    except UnicodeDecodeError as error:
        before = data[:error.start].decode(encoding, errors="replace")
        line, column = position(before, len(before))
        bad = data[error.start:error.start + 1].hex()
        shown = "UTF-8" if encoding.startswith("utf-8") else encoding.upper()
        return None, _finding(path, line, column, f"invalid {shown}: byte 0x{bad} cannot be decoded; "
                              "save the file as UTF-8")


# Characters YAML allows in a stream (libyaml's reader refuses everything else).
_ASCII_NOT_PRINTABLE = lazy_compile("[^\t\n\r\x20-\x7e]")


@functools.cache
def _not_printable() -> re.Pattern:
    # Compiled on first use: the astral range takes milliseconds, and most files are ASCII.
    return re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _check_characters(path: Path, text: str) -> Finding | None:
    bad = (_ASCII_NOT_PRINTABLE if text.isascii() else _not_printable()).search(text)
    if bad is None:
        return None
    line, column = position(text, bad.start())
    code = ord(bad.group())
    if code == 0:
        message = "the file contains a NUL byte: it looks binary (or UTF-16 without a BOM), not YAML"
    else:
        message = (f"control character U+{code:04X} is not allowed in YAML; remove it "
                   "(or write it as an escape inside a double-quoted string)")
    return _finding(path, line, column, message)


def position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of character `index` in `text`, in lintkit's lines."""
    return LineIndex(text).position(index)


def _line_text(text: str, line: int) -> str:
    """The text of 1-based line `line` (empty past the end)."""
    lines = split_lines(text)
    return lines[line - 1] if 0 < line <= len(lines) else ""


class _Marks:
    """Positions of libyaml marks in lintkit's lines (`lintkit.read.lines`). libyaml also counts NEL,
    U+2028 and U+2029 as line breaks; in a text that holds one, lines and columns are recomputed
    from the mark's character index."""

    _YAML_ONLY_BREAK = re.compile("[\x85\u2028\u2029]")

    def __init__(self, text: str):
        shifted = not text.isascii() and self._YAML_ONLY_BREAK.search(text) is not None
        self._index = LineIndex(text) if shifted else None
        self.exact = not shifted  # libyaml's lines and columns are lintkit's

    def point(self, mark) -> tuple[int, int]:
        """1-based (line, column) of a mark."""
        if self._index is None:
            return mark.line + 1, mark.column + 1
        return self._index.position(mark.index)

    def span(self, path: Path, start, end) -> Span:
        if self._index is None:
            line = start.line + 1
            end_line = line if end.line == start.line else end.line + 1  # one int object for both
            return Span(path, line, start.column + 1, end_line, end.column + 1)
        return Span(path, *self.point(start), *self.point(end))


# -- errors ----------------------------------------------------------------------------------------

class _LoadProblem(Exception):
    """A document the composer refuses (too deep, alias bomb, bad alias)."""

    def __init__(self, span: Span, message: str):
        super().__init__(message)
        self.span = span
        self.message = message


_TOO_DEEP = (f"nesting too deep: mappings and lists are nested more than {MAX_DEPTH} levels here; "
             "flatten the document")


def _finding(path: Path, line: int, column: int, message: str) -> Finding:
    return Finding(Span.point(path, line, column), message, code=PARSE001)


# PyYAML quotes what it found (`found undefined alias 'x'`, `found unknown escape character 'x'`):
# its own token names (`'<scalar>'`) and YAML's punctuation are kept, the file's text never.
_QUOTED_TEXT = lazy_compile(r"'(?:[^'\\]|\\.)*'" r'|"(?:[^"\\]|\\.)*"')
_YAML_WORDS = lazy_compile(r"""['"](?:<[\w ]+>|[,\[\]{}:?-])['"]""")


def without_found_text(message: str) -> str:
    """A YAML parser's message without the text it quotes from the file (a character of a secret
    value, an alias named like one): `found undefined alias ...`."""
    return _QUOTED_TEXT.sub(lambda m: m.group(0) if _YAML_WORDS.fullmatch(m.group(0)) else "...", message)


def _syntax_finding(path: Path, text: str, error: yaml.MarkedYAMLError) -> Finding:
    mark = error.problem_mark or error.context_mark
    line, column = _Marks(text).point(mark) if mark is not None else (1, 1)
    problem = without_found_text(error.problem or "syntax error")
    if "maximum nesting depth" in problem:
        return _finding(path, line, column, _TOO_DEEP)
    source_line = _line_text(text, line)
    indentation = source_line[:len(source_line) - len(source_line.lstrip(" \t"))]
    if "\t" in indentation:
        return _finding(path, line, indentation.index("\t") + 1,
                        "tabs are not allowed for indentation in YAML; use spaces")
    if source_line[column - 1:column] == "\t" or "tab" in problem:
        return _finding(path, line, column, "a tab character is not allowed here in YAML; use spaces")
    context = f" ({without_found_text(error.context)})" if error.context else ""
    return _finding(path, line, column, f"invalid YAML: {problem}{context}; fix the syntax here "
                    "(check indentation, quotes, brackets and the `:` after each key)")


# -- composing nodes from events -------------------------------------------------------------------

def _compose_first_document(parser, marks: _Marks, path: Path,
                            findings: list[Finding]) -> Node | None:
    parser.get_event()  # StreamStartEvent
    if parser.check_event(StreamEndEvent):
        return None
    parser.get_event()  # DocumentStartEvent
    node = _Composer(parser, marks, path, findings).compose()
    parser.get_event()  # DocumentEndEvent
    if parser.check_event(DocumentStartEvent):
        findings.append(_finding(
            path, *marks.point(parser.peek_event().start_mark),
            "a second YAML document starts here (`---`); the Serverless Framework reads a single "
            "document: remove the separator or move the rest into its own file"))
    return node


VARIABLES = float("inf")
"""The count of a node under which a string holds `${`: added to its parent's count, it marks the
parent too (see `Mapping.variable_free_size`)."""

# Plain scalars that are not strings or need a look (`<<`): the rest of the plain scalars that do
# not start like a number are strings, typed without a call.
_PLAIN_SPECIAL = frozenset({"", "~", "null", "Null", "NULL", "<<",
                            "true", "True", "TRUE", "false", "False", "FALSE"})
_NUMBER_START = frozenset("0123456789+-.")


class _Frame:
    """A mapping or sequence whose children are being composed."""

    __slots__ = ("event", "children", "size", "count")

    def __init__(self, event):
        self.event = event
        self.children: list[Node] = []
        # What the children add beyond one node each (a scalar, the common child, adds nothing):
        # the expanded size of aliases and collections (the alias bound), and the count of
        # nodes variable resolution would walk (`Mapping.variable_free_size`) or VARIABLES.
        self.size = 0
        self.count = 0


class _Composer:
    def __init__(self, parser, marks: _Marks, path: Path, findings: list[Finding]):
        self.parser = parser
        self.marks = marks
        self.path = path
        self.findings = findings
        self.anchors: dict[str, tuple[Node, int, float]] = {}  # anchor -> (node, size, count)
        self.open_anchors: set[str] = set()
        self.alias_nodes = 0

    def compose(self) -> Node:
        """The document's node, built from events without recursion. This loop runs for every
        event of every file, so the common event, a plain scalar without an anchor in a text whose
        lines libyaml counts as lintkit does, is built here with no call but the node's own."""
        stack: list[_Frame] = []
        get_event = self.parser.get_event
        path = self.path
        exact_marks = self.marks.exact
        span_of = self.marks.span
        while True:
            event = get_event()
            kind = type(event)
            if kind is ScalarEvent:
                value = event.value
                if event.tag is None and event.implicit[0] and exact_marks and stack \
                        and event.anchor is None:
                    start, end = event.start_mark, event.end_mark
                    line = start.line + 1
                    end_line = line if end.line == start.line else end.line + 1
                    span = Span(path, line, start.column + 1, end_line, end.column + 1)
                    if value in _PLAIN_SPECIAL or value[0] in _NUMBER_START:
                        tag, resolved = _resolve_plain(value)
                        node = Scalar(resolved, span, tag, None)
                    else:
                        node = Scalar(value, span, STR_TAG, None)
                    frame = stack[-1]
                    frame.children.append(node)
                    if "${" in value:
                        frame.count = VARIABLES
                    continue
                node = self._scalar(event)
                size, count, anchor = 1, _count_of(node), event.anchor
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                if len(stack) >= MAX_DEPTH:
                    span = self.marks.span(path, event.start_mark, event.end_mark)
                    raise _LoadProblem(span, _TOO_DEEP)
                if event.anchor is not None:
                    self.anchors.pop(event.anchor, None)
                    self.open_anchors.add(event.anchor)
                stack.append(_Frame(event))
                continue
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                frame = stack.pop()
                start, children = frame.event, frame.children
                span = span_of(path, start.start_mark, event.end_mark)
                count = frame.count + len(children) + 1
                if kind is SequenceEndEvent:
                    node = Sequence(children, span)
                else:
                    node, count = self._mapping(children, span, count)
                if count < VARIABLES:
                    node.variable_free_size = count
                if start.tag is not None:
                    node, count = _tagged_collection(node, start.tag, count)
                size, anchor = frame.size + len(children) + 1, start.anchor
                if anchor is not None:
                    self.open_anchors.discard(anchor)
            elif kind is AliasEvent:
                node, size, count = self._alias(event)
                anchor = None
            else:
                raise _LoadProblem(self.marks.span(path, event.start_mark, event.end_mark),
                                   f"unexpected YAML event {kind.__name__}")
            if anchor is not None:
                self.anchors[anchor] = (node, size, count)
            if not stack:
                return node
            parent = stack[-1]
            parent.children.append(node)
            parent.size += size - 1
            parent.count += count - 1

    def _alias(self, event) -> tuple[Node, int, float]:
        span = self.marks.span(self.path, event.start_mark, event.end_mark)
        if event.anchor in self.open_anchors:
            raise _LoadProblem(span, f"recursive alias: `*{event.anchor}` is used inside the node "
                               "its anchor defines; a value cannot contain itself")
        target = self.anchors.get(event.anchor)
        if target is None:
            raise _LoadProblem(span, f"unknown alias `*{event.anchor}`: define `&{event.anchor}` "
                               "before using it")
        self.alias_nodes += target[1]
        if self.alias_nodes > MAX_ALIAS_NODES:
            raise _LoadProblem(span, "alias expansion too large (possible alias bomb): aliases would "
                               f"expand to more than {MAX_ALIAS_NODES:,} nodes")
        return target

    def _scalar(self, event) -> Node:
        span = self.marks.span(self.path, event.start_mark, event.end_mark)
        value, tag, style = event.value, event.tag, event.style or None
        if tag is None or tag == "!":
            if tag is None and event.implicit[0]:
                tag, resolved = _resolve_plain(value)
                return Scalar(resolved, span, tag, style)
            return Scalar(value, span, STR_TAG, style)
        if tag.startswith(YAML_TAG):
            tag, resolved = _construct_explicit(tag, value)
            return Scalar(resolved, span, tag, style)
        function = CLOUDFORMATION_TAGS.get(tag)
        if function is None:
            return Scalar(value, span, tag, style)  # an unknown local tag keeps its scalar
        inner = Scalar(value, _tagged_value_span(span, value, style), STR_TAG, style)
        if function == "Fn::GetAtt" and "." in value:
            node = Intrinsic(function, _split_getatt(inner), span)
        else:
            node = Intrinsic(function, inner, span)
        if "${" not in value:
            if type(node.value) is Sequence:
                node.value.variable_free_size = 3  # the list and its two strings
            node.variable_free_size = 2 if type(node.value) is Scalar else 4
        return node

    def _mapping(self, children: list[Node], span: Span, count: float) -> tuple[Mapping, float]:
        """The mapping of a frame's children (keys at even positions), and its count: `count`
        unless a merge key or a mapping or list as a key makes its pairs other than its children."""
        keys = children[0::2]
        for key in keys:
            if type(key) is not Scalar or key.tag == MERGE_TAG:
                pairs = self._irregular_pairs(children)
                return Mapping(pairs, span), _count_of_pairs(pairs)
            if type(key.value) is str:
                key.value = sys.intern(key.value)  # `handler`, `events`... once, not per function
        return Mapping(list(zip(keys, children[1::2])), span), count

    def _irregular_pairs(self, children: list[Node]) -> list[tuple[Scalar, Node]]:
        pairs: list[tuple[Scalar, Node]] = []
        merges: list[tuple[int, Node]] = []  # (position in pairs, merge value)
        for index in range(0, len(children) - 1, 2):
            key, value = children[index], children[index + 1]
            if isinstance(key, Scalar) and key.tag == MERGE_TAG:
                merges.append((len(pairs), value))
                continue
            if isinstance(key, Scalar) and type(key.value) is str:
                key.value = sys.intern(key.value)
            pairs.append((key if isinstance(key, Scalar) else _complex_key(key), value))
        return self._apply_merges(pairs, merges) if merges else pairs

    def _apply_merges(self, pairs, merges) -> list[tuple[Scalar, Node]]:
        taken = {str(key.value) for key, _ in pairs}
        inserts: list[tuple[int, list]] = []
        for position_, value in merges:
            merged = []
            for source in self._merge_sources(value):
                for key, item in _effective_pairs(source):
                    name = str(key.value)
                    if name not in taken:
                        taken.add(name)
                        merged.append((key, item))
            inserts.append((position_, merged))
        for position_, merged in reversed(inserts):
            pairs[position_:position_] = merged
        return pairs

    def _merge_sources(self, value: Node) -> list[Mapping]:
        if isinstance(value, Mapping):
            return [value]
        if isinstance(value, Sequence) and all(isinstance(item, Mapping) for item in value.items):
            return list(value.items)
        self.findings.append(Finding(value.span, "`<<` (merge key) needs a mapping or a list of "
                                     "mappings, e.g. `<<: *defaults`; this value is ignored",
                                     code=PARSE001))
        return []


def _tagged_collection(node: Node, tag: str, count: float) -> tuple[Node, float]:
    """A mapping or list under a tag: a CloudFormation function (`!Sub [...]`) wraps it, any other
    tag leaves it as it is."""
    function = CLOUDFORMATION_TAGS.get(tag)
    if function is None:
        return node, count
    intrinsic = Intrinsic(function, node, node.span)
    if count < VARIABLES:
        intrinsic.variable_free_size = count + 1
    return intrinsic, count + 1


def _effective_pairs(mapping: Mapping) -> list[tuple[Scalar, Node]]:
    """A mapping's pairs with duplicate keys reduced to the last one (what `Mapping.get` sees)."""
    last = {str(key.value): (key, value) for key, value in mapping.pairs}
    return list(last.values())


def _count_of_pairs(pairs: list[tuple[Scalar, Node]]) -> float:
    """A mapping's count, from its pairs (after merges and complex keys)."""
    count = 1
    for key, value in pairs:
        count += _count_of(key) + _count_of(value)
    return count


def _count_of(node: Node) -> float:
    if type(node) is Scalar:
        return VARIABLES if type(node.value) is str and "${" in node.value else 1
    return node.variable_free_size or VARIABLES


def _complex_key(node: Node) -> Scalar:
    """A mapping or list used as a key: JavaScript (and so Serverless) turns it into a string."""
    if isinstance(node, Sequence) and all(isinstance(item, Scalar) for item in node.items):
        text = ",".join("" if item.value is None else str(item.value) for item in node.items)
    else:
        text = "[object Object]"
    return Scalar(text, node.span, STR_TAG)


def _tagged_value_span(span: Span, value: str, style: str | None) -> Span:
    """Where the text after a tag (`!Ref Name`) is: exact for one-line plain or quoted values."""
    width = len(value) + (2 if style in ("'", '"') else 0)
    if span.line != span.end_line or width > span.end_column - span.column:
        return span
    return Span(span.path, span.line, span.end_column - width, span.line, span.end_column)


def _split_getatt(inner: Scalar) -> Sequence:
    """`!GetAtt Resource.Attribute` -> ["Resource", "Attribute"] (split at the first dot)."""
    resource, attribute = inner.value.split(".", 1)
    span = inner.span
    if span.line == span.end_line and span.end_column - span.column >= len(inner.value):
        first = span.end_column - len(inner.value) - (1 if inner.style else 0)
        middle = first + len(resource)
        resource_span = Span(span.path, span.line, first, span.line, middle)
        attribute_span = Span(span.path, span.line, middle + 1, span.line, middle + 1 + len(attribute))
    else:
        resource_span = attribute_span = span
    return Sequence([Scalar(resource, resource_span, STR_TAG),
                     Scalar(attribute, attribute_span, STR_TAG)], span)


# -- scalar typing (js-yaml 4 default schema) ------------------------------------------------------

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = lazy_compile(r"[-+]?(?:0b[01_]*[01]|0x[0-9a-fA-F_]*[0-9a-fA-F]|0o[0-7_]*[0-7]|[0-9](?:[0-9_]*[0-9])?)")
_FLOAT = lazy_compile(r"(?:[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9_]+(?:[eE][-+]?[0-9]+)?"
                    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))")
_TIMESTAMP = lazy_compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}"
                        r"(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?")
MAX_INT_LENGTH = 1000  # characters; 1,000 hexadecimal digits are about 1,200 decimal ones


def _resolve_plain(value: str) -> tuple[str, object]:
    """Tag and Python value of an untagged plain scalar."""
    if value in _NULLS:
        return NULL_TAG, None
    if value in _BOOLS:
        return BOOL_TAG, _BOOLS[value]
    if value[0] in _NUMBER_START:
        if _is_int(value):
            return INT_TAG, _to_int(value)
        if _is_float(value):
            return FLOAT_TAG, _to_float(value)
        if _TIMESTAMP.fullmatch(value):
            return TIMESTAMP_TAG, value
    if value == "<<":
        return MERGE_TAG, value
    return STR_TAG, value


def _is_int(text: str) -> bool:
    return len(text) < MAX_INT_LENGTH and _INT.fullmatch(text) is not None


def _is_float(text: str) -> bool:
    return _FLOAT.fullmatch(text) is not None and not text.endswith("_")


def _to_int(text: str) -> int:
    text = text.replace("_", "")
    sign = -1 if text[0] == "-" else 1
    digits = text.lstrip("+-")
    for prefix, base in (("0b", 2), ("0x", 16), ("0o", 8)):
        if digits.startswith(prefix):
            return sign * int(digits[2:], base)
    return sign * int(digits, 10)


def _to_float(text: str) -> float:
    text = text.replace("_", "").lower()
    if text.endswith(".inf"):
        return float("-inf") if text[0] == "-" else float("inf")
    if text == ".nan":
        return float("nan")
    return float(text)


def _construct_explicit(tag: str, value: str) -> tuple[str, object]:
    """A scalar with an explicit `!!type` tag; a value that does not fit its tag stays a string."""
    try:
        if tag == INT_TAG:
            return (tag, _to_int(value)) if _is_int(value) else (STR_TAG, value)
        if tag == FLOAT_TAG:
            return (tag, _to_float(value)) if _is_float(value) else (STR_TAG, value)
        if tag == BOOL_TAG:
            return tag, {"true": True, "false": False}[value.lower()]
        if tag == NULL_TAG:
            return tag, None
    except (ValueError, KeyError, IndexError):
        return STR_TAG, value
    return tag, value


# -- JSON fallback ---------------------------------------------------------------------------------

class _JsonObject(list):
    """The (key, value) pairs of a JSON object, duplicates kept."""


def _json_nodes(path: Path, text: str) -> Node | None:
    """Nodes for JSON that the YAML parser rejected, all located at line 1 column 1."""
    try:
        data = json.loads(text, object_pairs_hook=_JsonObject)
    except (ValueError, RecursionError):
        return None
    span = Span.point(path)
    root_holder: list[Node] = []
    stack = [(data, root_holder.append, 0)]
    while stack:
        value, attach, depth = stack.pop()
        if depth > MAX_DEPTH:
            return None
        if isinstance(value, _JsonObject):
            node: Node = Mapping([], span)
            for key, item in value:
                node.pairs.append((Scalar(key, span, STR_TAG), None))
            _queue_children(stack, node, [item for _, item in value], depth)
        elif isinstance(value, list):
            node = Sequence([None] * len(value), span)
            _queue_children(stack, node, value, depth)
        else:
            node = Scalar(value, span, tag_of(value))
        attach(node)
    return root_holder[0]


def _queue_children(stack, parent: Node, values: list, depth: int) -> None:
    for index, value in enumerate(values):
        stack.append((value, _setter(parent, index), depth + 1))


def _setter(parent: Node, index: int):
    if isinstance(parent, Mapping):
        def attach(node):
            parent.pairs[index] = (parent.pairs[index][0], node)
    else:
        def attach(node):
            parent.items[index] = node
    return attach


def tag_of(value) -> str:
    """The YAML tag of a plain Python value (JSON's, or one computed from variables)."""
    if value is None:
        return NULL_TAG
    if isinstance(value, bool):
        return BOOL_TAG
    return INT_TAG if isinstance(value, int) else FLOAT_TAG if isinstance(value, float) else STR_TAG

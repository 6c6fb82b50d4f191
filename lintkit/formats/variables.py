"""Serverless Framework variable resolution over located nodes.

`resolve()` returns a new tree in which `${...}` variables are replaced by their values:
- a scalar that is exactly one variable becomes the referenced node itself, with that node's span (a
  value from an included file points into that file);
- a string with several variables or surrounding text becomes a new string Scalar at the original span;
- anything that only exists at deploy time (`ssm`, `cf`, `aws`, `param`, `s3`, `sls:instanceId`,
  `env`/`opt` without a value or default, `${file(x.js)}`, unknown sources ...) becomes an `Unknown`
  whose text keeps the unresolved `${...}` parts.

Only `${...}` whose content starts with a source (`name:` or `name(`) is a variable, so CloudFormation
`Fn::Sub` placeholders (`${AWS::Region}`, `${Bucket.Arn}`, `${Stage}`) are left alone everywhere.
lintkit never reads the machine's environment: `${env:X}` uses its default or is Unknown.

Resolution is lazy and memoized per node: `${self:a.b}` walks the original tree, following variables
it meets on the way (`custom: ${file(x.yml)}`) without resolving whole subtrees, which keeps cycle
detection exact. Every variable is evaluated once per `resolve()` call; each included file is loaded
once. Work is bounded by MAX_STEPS, MAX_NESTING, MAX_STRING, MAX_BUILT and MAX_NODES; problems become findings
(PARSE001/002/003/005), never exceptions.
"""
from __future__ import annotations

import errno
import operator
import os
import re
import stat
from pathlib import Path

from ..model.diagnostics import Finding
from ..model.fieldclasses import field, fieldclass
from ..model.lazyre import lazy_compile
from ..model.nodes import Intrinsic, Mapping, Node, Scalar, Sequence, Span, Unknown
from ..read.files import is_file, is_inside, is_system_path, note
from ..read.yamlload import STR_TAG, LoadResult, load_json_or_yaml, read_source, tag_of

MAX_STRING = 1_000_000
"""Longest string a variable expansion may build."""
MAX_BUILT = 10_000_000
"""Most characters all the strings of one resolve() call may add up to: strings that each grow a
little (`k2: ${self:k1} more`, `k3: ${self:k2} more`, ... 60,000 keys) stay under MAX_STRING one by
one, but not in all (tens of gigabytes)."""
MAX_NODES = 1_000_000
"""Most nodes a resolved mapping or list may hold, counting every shared reference in full."""
MAX_STEPS = 100_000
"""Most variable evaluations per resolve() call (a real serverless.yml needs a few hundred)."""
MAX_NESTING = 50
"""Deepest chain of variables resolving through other variables."""

DEPLOY_TIME_SOURCES = frozenset(
    "ssm cf aws param s3 secrets terraform vault doppler construct git sls env opt".split())
"""Sources whose values only exist at deploy time (any source lintkit does not know is treated so)."""

STRUCTURED_EXTENSIONS = frozenset({".yml", ".yaml", ".json", ".tfstate"})
CODE_EXTENSIONS = frozenset({".js", ".cjs", ".mjs", ".ts", ".cts", ".mts"})  # never executed

# `name:` (but not CloudFormation's `AWS::`) or `name(` starts a variable.
_SOURCE_START = lazy_compile(r"\s*[A-Za-z][A-Za-z0-9_.-]*(?:\(|:(?!:))")
_SOURCE = lazy_compile(r"\s*(?P<name>[A-Za-z][A-Za-z0-9_.-]*)\s*(?:\((?P<params>.*?)\))?\s*"
                     r"(?::(?P<address>.*))?", re.DOTALL)
_NUMBER = lazy_compile(r"-?(?:\d+|\d*\.\d+)")


@fieldclass
class ResolveResult:
    document: Mapping
    findings: list[Finding] = field(default_factory=list)
    included: dict[Path, Node] = field(default_factory=dict)  # path -> root of each file included


# -- finding variables in text ---------------------------------------------------------------------

def is_variable(inner: str) -> bool:
    """Whether the text between `${` and `}` is a Serverless variable (it starts with a source)."""
    return _SOURCE_START.match(inner) is not None


def compile_syntax(syntax) -> re.Pattern | None:
    """A custom `provider.variableSyntax` regex, or None (default syntax) when absent or invalid."""
    if syntax is None or isinstance(syntax, re.Pattern):
        return syntax
    try:
        return re.compile(syntax)
    except (re.error, TypeError, ValueError, OverflowError, RecursionError):
        return None


def find_variables(text: str, syntax=None) -> list[tuple[int, int, str]]:
    """The outermost variables in `text` as (start, end, inner) with `text[start:end] == "${inner}"`.

    Nested variables (`${self:a.${opt:stage}}`) stay inside their outer one. With a custom
    `variableSyntax` (regex string or pattern) its matches are used instead (group 1 is the inner
    text); such patterns usually match the innermost variable first.
    """
    pattern = compile_syntax(syntax)
    if pattern is not None:
        return _regex_variables(text, pattern)
    pairs = _brace_pairs(text)
    found = []
    covered_until = 0
    for start, end in pairs:
        if start < covered_until:
            continue
        inner = text[start + 2:end]
        if is_variable(inner):
            found.append((start, end + 1, inner))
            covered_until = end + 1
    return found


def _brace_pairs(text: str) -> list[tuple[int, int]]:
    """(index of `${`, index of its `}`) for every closed `${`, sorted by start; linear time."""
    if "${" not in text:
        return []
    pairs = []
    open_braces: list[int] = []  # index of `$` for `${`, -1 for a bare `{`
    index = text.find("{")
    while index != -1:
        if text[index] == "{":
            open_braces.append(index - 1 if index > 0 and text[index - 1] == "$" else -1)
        elif open_braces:
            start = open_braces.pop()
            if start >= 0:
                pairs.append((start, index))
        index = _next_brace(text, index + 1)
    pairs.sort()
    return pairs


_BRACE = lazy_compile(r"[{}]")


def _next_brace(text: str, start: int) -> int:
    match = _BRACE.search(text, start)
    return match.start() if match else -1


def _regex_variables(text: str, pattern: re.Pattern) -> list[tuple[int, int, str]]:
    found = []
    for match in pattern.finditer(text):
        if match.end() == match.start():
            continue
        inner = match.group(1) if pattern.groups else text[match.start() + 2:match.end() - 1]
        if inner is not None and is_variable(inner):
            found.append((match.start(), match.end(), inner))
    return found


def split_alternatives(inner: str) -> list[str]:
    """`opt:stage, self:provider.stage, 'dev'` -> the source and its fallbacks, stripped. Commas inside
    quotes, parentheses and nested `${...}` do not split."""
    parts = []
    depth = 0
    start = 0
    at_part_start = True
    index = 0
    while index < len(inner):
        char = inner[index]
        if char in "'\"" and at_part_start:
            close = inner.find(char, index + 1)
            if close != -1:
                index = close + 1
                at_part_start = False
                continue
        if char in "{(":
            depth += 1
        elif char in "})":
            depth = max(depth - 1, 0)
        elif char == "," and depth == 0:
            parts.append(inner[start:index].strip())
            start = index + 1
            at_part_start = True
            index += 1
            continue
        if not char.isspace():
            at_part_start = char == "("
        index += 1
    parts.append(inner[start:].strip())
    return parts


def split_default(inner: str) -> tuple[str, str | None]:
    """(source expression, fallback expression or None): `opt:stage, 'dev'` -> ("opt:stage", "'dev'").
    The fallback may itself hold further fallbacks."""
    parts = split_alternatives(inner)
    if len(parts) == 1:
        return parts[0], None
    first = parts[0]
    rest = inner.strip()[len(first):].lstrip()[1:].strip()  # everything after the first comma
    return first, rest


def source_name(inner: str) -> str:
    """The source of a variable: `cf(us-east-1):x` -> "cf", legacy `cf.us-east-1:x` -> "cf"."""
    match = _SOURCE.match(inner)
    return match.group("name").split(".")[0] if match else "?"


def _literal(text: str):
    """A fallback written as a literal: quoted string, number, boolean, null, or a bare word."""
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    if _NUMBER.fullmatch(text) and len(text) < 100:
        return float(text) if "." in text else int(text)
    if text in ("true", "false"):
        return text == "true"
    if text in ("null", "~"):
        return None
    return text


def _js_string(value) -> str:
    """How JavaScript writes a value into a string, as Serverless does when interpolating."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value:
            return "NaN"
        if value in (float("inf"), float("-inf")):
            return "Infinity" if value > 0 else "-Infinity"
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
    return str(value)


# -- resolution ------------------------------------------------------------------------------------

def resolve(document: Mapping, *, config_path: Path, project_root: Path,
            options: dict[str, str] | None = None, env: dict[str, str] | None = None,
            loader=load_json_or_yaml) -> ResolveResult:
    """Resolve the variables of a loaded serverless.yml. The input tree is not modified."""
    if not isinstance(document, Mapping):
        return ResolveResult(document, [])
    return _Resolver(document, Path(config_path), Path(project_root), options or {}, env, loader).run()


class _Missing:
    """A source that has no value here (a fallback applies, else PARSE002 when `report`)."""

    __slots__ = ("source", "reason", "report", "fix")

    def __init__(self, source: str, reason: str = "", report: bool = False,
                 fix: str = "define it or give a default"):
        self.source, self.reason, self.report, self.fix = source, reason, report, fix


class _Deferred:
    """A value that exists only at deploy time (fallbacks do not apply)."""

    __slots__ = ("sources",)

    def __init__(self, sources):
        self.sources = frozenset(sources)


_CYCLE = object()  # returned by _resolve for a node that is already being resolved


class _Frame:
    """A mapping, list or intrinsic whose children are being resolved."""

    __slots__ = ("node", "todo", "index", "parts", "size")

    def __init__(self, node: Node):
        self.node = node
        if isinstance(node, Mapping):
            self.todo = [part for pair in node.pairs for part in pair]
        elif isinstance(node, Sequence):
            self.todo = node.items
        else:
            self.todo = [node.value]
        self.index = 0
        self.parts: list = []
        self.size = 0


class _Resolver:
    def __init__(self, root: Mapping, config_path: Path, project_root: Path, options, env, loader):
        self.root = root
        self.config_path = config_path
        self.root_real = os.path.realpath(project_root)
        self.options = options
        self.env = env or {}
        self.loader = loader
        self.findings: list[Finding] = []
        self.memo: dict[int, tuple[Node, Node, int]] = {}  # id -> (original, resolved, size)
        self.resolving: dict[int, int] = {}  # id of node being resolved -> len(chain) at start
        self.following: dict[int, int] = {}  # id of scalar being followed -> len(chain) at start
        self.followed: dict[int, tuple[Node, object]] = {}
        self.key_indexes: dict[int, tuple[Mapping, dict[str, Node]]] = {}
        self.chain: list[str] = []  # variable texts being evaluated, outermost first
        self.files: dict[str, object] = {os.path.realpath(config_path): root}
        self.included: dict[Path, Node] = {}
        self.steps = 0
        self.built = 0  # characters of the strings built so far (bounded by MAX_BUILT)
        self.depth = 0  # variables being evaluated inside one another (bounds the recursion)
        self.reported: set[str] = set()
        self.literal_ids: set[int] = set()
        self.syntax = self._custom_syntax()

    def run(self) -> ResolveResult:
        try:
            document = self._resolve(self.root)
        except Exception as error:  # a resolver bug must not stop the lint run
            self.findings.append(Finding(
                Span.point(self.config_path), f"internal error while resolving variables "
                f"({type(error).__name__}: {error}); variables are left unresolved", code="PARSE002"))
            document = self.root
        return ResolveResult(document, _unique(self.findings), self.included)

    def _custom_syntax(self) -> re.Pattern | None:
        provider = self.root.get("provider")
        syntax = provider.get("variableSyntax") if isinstance(provider, Mapping) else None
        if not isinstance(syntax, Scalar) or not isinstance(syntax.value, str):
            return None
        self.literal_ids.add(id(syntax))  # the pattern itself contains `${`
        return compile_syntax(syntax.value)

    # -- findings ----------------------------------------------------------------------------------
    def _report(self, where: Node, code: str, message: str) -> None:
        self.findings.append(Finding(where.span, message, code=code))

    def _report_once(self, where: Node, kind: str, message: str, code: str = "PARSE002") -> None:
        if kind not in self.reported:
            self.reported.add(kind)
            self._report(where, code, message)

    def _too_large(self, where: Node, what: str) -> None:
        self._report_once(where, "too-large", f"variable expansion too large: {what} (possible "
                          "expansion bomb); the value is left unresolved")

    # -- memo --------------------------------------------------------------------------------------
    def _remember(self, original: Node, resolved: Node, size: int) -> None:
        self.memo[id(original)] = (original, resolved, size)
        if resolved is not original:
            self.memo[id(resolved)] = (resolved, resolved, size)

    def _size(self, node: Node) -> int:
        entry = self.memo.get(id(node))
        return entry[2] if entry is not None else 1

    def _final(self, value, site: Node) -> Scalar:
        """A value made by the resolver (option, default, environment): located at the site."""
        node = Scalar(value, site.span, tag_of(value), None)
        self._remember(node, node, 1)
        return node

    # -- resolving nodes ---------------------------------------------------------------------------
    def _has_variables(self, text: str) -> bool:
        if self.syntax is not None:
            return bool(_regex_variables(text, self.syntax))
        return "${" in text and bool(find_variables(text))

    def _resolve(self, node: Node):
        """The resolved form of `node` (memoized), or _CYCLE when it is already being resolved."""
        entry = self.memo.get(id(node))
        if entry is not None:
            return entry[1]
        if id(node) in self.resolving:
            return _CYCLE
        if isinstance(node, (Mapping, Sequence, Intrinsic)):
            size = self._variable_free_size(node)
            if size is not None:
                self._remember(node, node, size)
                return node
            return self._resolve_tree(node)
        if isinstance(node, Scalar):
            return self._resolve_scalar(node)
        self._remember(node, node, 1)
        return node

    def _resolve_scalar(self, node: Scalar) -> Node:
        result: Node = node
        if isinstance(node.value, str) and id(node) not in self.literal_ids \
                and self._has_variables(node.value):
            self.resolving[id(node)] = len(self.chain)
            try:
                result = self._resolve_text(node.value, node)
            finally:
                del self.resolving[id(node)]
        if result is not node:  # a plain scalar is its own value: not remembered, checked again
            self._remember(node, result, self._size(result))
        return result

    def _resolve_tree(self, top: Node) -> Node:
        """Resolve a mapping/list/intrinsic without recursion over its depth."""
        stack = [self._open(top)]
        while True:
            frame = stack[-1]
            if frame.index == len(frame.todo):
                stack.pop()
                del self.resolving[id(frame.node)]
                resolved = _rebuild(frame)
                self._remember(frame.node, resolved, frame.size + 1)
                if not stack:
                    return resolved
                self._attach(stack[-1], frame.node, resolved, frame.size + 1)
                continue
            child = frame.todo[frame.index]
            frame.index += 1
            if isinstance(frame.node, Mapping) and frame.index % 2 == 1:
                frame.parts.append(self._resolve_key(child))
                frame.size += 1
                continue
            entry = self.memo.get(id(child))
            if entry is not None:
                self._attach(frame, child, entry[1], entry[2])
            elif isinstance(child, (Mapping, Sequence, Intrinsic)) and id(child) not in self.resolving:
                size = self._variable_free_size(child)
                if size is None:
                    stack.append(self._open(child))
                else:
                    self._remember(child, child, size)
                    self._attach(frame, child, child, size)
            else:
                resolved = self._resolve(child)
                if resolved is _CYCLE:
                    self._report(child, "PARSE003", "this value contains itself; remove the reference")
                    resolved = Unknown("", frozenset({"self"}), child.span)
                self._attach(frame, child, resolved, self._size(resolved))

    def _variable_free_size(self, node: Node) -> int | None:
        """The size of a mapping, list or intrinsic that resolves to itself without a look inside:
        the loader found no `${` under it (the default syntax needs one), and it is within the
        bound, so no list inside it would be cut either."""
        size = node.variable_free_size
        if size is None or self.syntax is not None or size > MAX_NODES:
            return None
        return size

    def _open(self, node: Node) -> _Frame:
        self.resolving[id(node)] = len(self.chain)
        return _Frame(node)

    def _attach(self, frame: _Frame, original: Node, resolved: Node, size: int) -> None:
        if frame.size + size > MAX_NODES:
            self._too_large(original, f"it would hold more than {MAX_NODES:,} values")
            text = original.value if isinstance(original, Scalar) and isinstance(original.value, str) \
                else ""
            resolved, size = Unknown(text, frozenset({"self"}), original.span), 1
        frame.parts.append(resolved)
        frame.size += size

    def _resolve_key(self, key: Node) -> Scalar:
        if not isinstance(key, Scalar) or not isinstance(key.value, str) or "$" not in key.value:
            return key
        resolved = self._resolve(key)
        if isinstance(resolved, Scalar):
            return resolved if resolved.span is key.span else Scalar(resolved.value, key.span,
                                                                     resolved.tag, key.style)
        if isinstance(resolved, Unknown):
            return Scalar(resolved.text, key.span, STR_TAG, key.style)
        return key

    # -- strings -----------------------------------------------------------------------------------
    def _resolve_text(self, text: str, site: Scalar) -> Node:
        """The value of a string holding variables: the referenced node when the string is exactly one
        variable, else a new string (Unknown when a part is unknown)."""
        current = text
        passes = 1 if self.syntax is None else MAX_NESTING  # a custom syntax matches innermost first
        for _ in range(passes):
            found = find_variables(current, self.syntax)
            if not found:
                break
            start, end, inner = found[0]
            if len(found) == 1 and start == 0 and end == len(current):
                return self._value_of(inner, current, site)
            joined = self._interpolate(current, found, site)
            if isinstance(joined, Unknown):
                return joined
            current = joined
        if current == text:
            return site
        return Scalar(current, site.span, STR_TAG, site.style)

    def _interpolate(self, text: str, found, site: Scalar):
        """`text` with each variable replaced by its string value; an Unknown if any is unknown."""
        pieces = []
        sources: set[str] = set()
        length = 0
        position = 0
        for start, end, inner in found:
            variable = text[start:end]
            value = self._value_of(inner, variable, site)
            if isinstance(value, Unknown):
                piece = value.text
                sources |= value.sources
            elif isinstance(value, Scalar):
                piece = _js_string(value.value)
            else:
                self._report(site, "PARSE002", f"`{_short(variable)}` is a {_kind(value)}, which cannot "
                             "be part of a string; reference a single value instead")
                piece = variable
                sources.add(source_name(inner))
            length += (start - position) + len(piece)
            if length > MAX_STRING:
                self._too_large(site, f"the string would exceed {MAX_STRING:,} characters")
                return Unknown(text, frozenset(sources | {source_name(inner)}), site.span)
            if self.built + length > MAX_BUILT:
                self._too_large(site, f"the strings built would exceed {MAX_BUILT:,} characters in all")
                return Unknown(text, frozenset(sources | {source_name(inner)}), site.span)
            pieces.append(text[position:start])
            pieces.append(piece)
            position = end
        pieces.append(text[position:])
        joined = "".join(pieces)
        self.built += len(joined)
        return Unknown(joined, frozenset(sources), site.span) if sources else joined

    # -- one variable ------------------------------------------------------------------------------
    def _value_of(self, inner: str, variable: str, site: Scalar) -> Node:
        """The resolved value of the variable `variable` (= "${inner}") found in `site`."""
        if self._too_deep(inner, site):
            return Unknown(variable, frozenset({source_name(inner)}), site.span)
        self.chain.append(variable)
        self.depth += 1
        try:
            raw = self._evaluate(inner, site)
            return self._settle(raw, inner, variable, site)
        finally:
            self.chain.pop()
            self.depth -= 1

    def _too_deep(self, inner: str, site: Scalar) -> bool:
        """Whether evaluating one more variable would nest too deeply (reported once)."""
        if self.depth < MAX_NESTING:
            return False
        self._report_once(site, "too-deep", f"`{_short('${' + inner + '}')}`: variables refer to other "
                          f"variables more than {MAX_NESTING} levels deep; simplify the references")
        return True

    def _settle(self, raw, inner: str, variable: str, site: Scalar) -> Node:
        if isinstance(raw, _Missing):
            if raw.report:
                self._report(site, "PARSE002", f"`{_short(variable)}` cannot be resolved: {raw.reason}; "
                             f"{raw.fix} (`{_short(variable[:-1])}, 'value'}}`)")
            return Unknown(variable, frozenset({raw.source}), site.span)
        if isinstance(raw, _Deferred):
            return Unknown(variable, raw.sources, site.span)
        resolved = self._resolve(raw)
        if resolved is _CYCLE:
            self._report_cycle(site, self.resolving.get(id(raw), 0))
            return Unknown(variable, frozenset({source_name(inner)}), site.span)
        return resolved

    def _report_cycle(self, site: Node, chain_start: int) -> None:
        steps = self.chain[chain_start:] or ["this value"]
        if len(steps) == 1:
            message = (f"variable cycle: `{_short(steps[0])}` refers to a value that contains this "
                       "reference; replace it with a value")
        else:
            chain = " → ".join(f"`{_short(variable)}`" for variable in steps)
            message = f"variable cycle: {chain} leads back to itself; replace one of these references " \
                      "with a value"
        self._report(site, "PARSE003", message)

    def _evaluate(self, inner: str, site: Scalar):
        """The unresolved target of a variable: an original node, a final Scalar, _Missing or
        _Deferred. Fallbacks are tried while the value is missing (or null)."""
        self.steps += 1
        if self.steps > MAX_STEPS:
            self._report_once(site, "steps", f"variable resolution stopped after {MAX_STEPS:,} steps "
                              "(possible expansion bomb); the remaining variables are left unresolved")
            return _Deferred({source_name(inner)})
        if self._too_deep(inner, site):
            return _Deferred({source_name(inner)})
        self.depth += 1
        try:
            return self._first_present(inner, site)
        finally:
            self.depth -= 1

    def _first_present(self, inner: str, site: Scalar):
        """The value of the source, else of the first fallback that has one."""
        first_missing = null = None
        for index, alternative in enumerate(split_alternatives(inner)):
            value = self._source(alternative, site) if index == 0 else self._fallback(alternative, site)
            if isinstance(value, _Missing):
                first_missing = first_missing or value
            elif _is_null(value):
                null = null or value
            else:
                return value
        return null or first_missing

    def _fallback(self, text: str, site: Scalar):
        whole = self._whole_variable(text)
        if whole is not None:
            return self._evaluate(whole, site)
        quoted = len(text) >= 2 and text[0] == text[-1] and text[0] in "'\""
        if not quoted and is_variable(text):
            return self._source(text, site)
        body = text[1:-1] if quoted else text
        if self._has_variables(body):  # `'${self:service}-dev'`, `dev-${sls:stage}`
            value = self._resolve_text(body, Scalar(body, site.span, STR_TAG))
            if id(value) not in self.memo:
                self._remember(value, value, self._size(value))
            return value
        return self._final(_literal(text), site)

    def _whole_variable(self, text: str) -> str | None:
        found = find_variables(text, self.syntax)
        if len(found) == 1 and found[0][0] == 0 and found[0][1] == len(text):
            return found[0][2]
        return None

    def _source(self, expression: str, site: Scalar):
        """Evaluate `source:address` (nested variables in it are substituted first)."""
        if self._has_variables(expression):
            outer = source_name(expression)
            expression = self._interpolate(expression, find_variables(expression, self.syntax), site)
            if isinstance(expression, Unknown):
                return _Deferred(expression.sources | {outer})
        match = _SOURCE.fullmatch(expression)
        if match is None or not is_variable(expression):
            return _Missing("?", f"`{_short(expression.strip())}` is not a valid variable source",
                            report=True)
        name = match.group("name").split(".")[0]
        params = (match.group("params") or "").strip()
        address = (match.group("address") or "").strip()
        handler = {
            "self": self._self_source, "file": self._file_source, "opt": self._opt_source,
            "env": self._env_source, "sls": self._sls_source, "strToBool": self._str_to_bool,
        }.get(name)
        if handler is None:
            return _Deferred({name})
        return handler(params, address, site)

    # -- sources -----------------------------------------------------------------------------------
    def _self_source(self, params: str, address: str, site: Scalar):
        found = self._navigate(self.root, address, self.config_path.name, "self")
        if not isinstance(found, _Missing):
            return found
        # Values the framework fills in before `self:` is read (v1/v2 behaviour many files rely on).
        if address == "service.name" and isinstance(self.root.get("service"), Scalar):
            return self.root.get("service")
        if address in ("provider.stage", "provider.region"):
            option = address.split(".")[1]
            default = "dev" if option == "stage" else "us-east-1"
            return self._final(self.options.get(option, default), site)
        return found

    def _opt_source(self, params: str, address: str, site: Scalar):
        if address in self.options:
            return self._final(self.options[address], site)
        return _Missing("opt")

    def _env_source(self, params: str, address: str, site: Scalar):
        if address in self.env:
            return self._final(self.env[address], site)
        return _Missing("env")

    def _sls_source(self, params: str, address: str, site: Scalar):
        if address != "stage":
            return _Deferred({"sls"})
        if "stage" in self.options:
            return self._final(self.options["stage"], site)
        stage = self._navigate(self.root, "provider.stage", self.config_path.name, "self")
        if isinstance(stage, _Missing) or _is_null(stage):
            return self._final("dev", site)
        return stage

    def _str_to_bool(self, params: str, address: str, site: Scalar):
        word = params.strip().strip("'\"").strip()
        if word in ("true", "1", "false", "0"):
            return self._final(word in ("true", "1"), site)
        return _Missing("strToBool", f"strToBool() accepts true, false, 1 or 0, not `{_short(word)}`",
                        report=True)

    def _file_source(self, params: str, address: str, site: Scalar):
        target = params.strip().strip("'\"").strip()
        if not target:
            return _Missing("file", "file() needs a path, e.g. `file(./config.yml)`", report=True)
        if Path(target).suffix.lower() in CODE_EXTENSIONS:
            return _Deferred({"file"})  # JavaScript/TypeScript is never executed
        included = self._include(target, site)
        if not isinstance(included, Node):
            return included
        return self._navigate(included, address, target, "file")

    def _include(self, target: str, site: Scalar):
        """The root node of an included file (loaded once), or _Missing/_Deferred."""
        if target.startswith("~"):
            return self._outside(site, target, "the home directory")
        try:
            # Serverless resolves every `file()` path from the service folder, also inside an
            # included file (lib/configuration/variables/sources/file.js: path.resolve(serviceDir, ..))
            candidate = Path(os.path.normpath(self.config_path.parent / target))
            note(candidate)  # found or not, inside or out: the result cache checks it again
            real = os.path.realpath(candidate)
        except (ValueError, OSError) as error:
            return _Missing("file", f"`{_short(target)}` is not a usable path ({error})", report=True)
        if not is_inside(real, self.root_real) or is_system_path(real):
            return self._outside(site, target, real)
        if real not in self.files:
            self.files[real] = self._load_include(candidate, real, target)
        included = self.files[real]
        if isinstance(included, _Missing):
            return self._beside_including_file(site, target) or included
        return included

    def _beside_including_file(self, site: Scalar, target: str) -> _Missing | None:
        """A missing include written relative to the included file it is in, where the file does
        exist: say that Serverless reads it from the service folder, and how to write it."""
        service_folder = self.config_path.parent
        folder = Path(site.span.path).parent
        if folder == service_folder:
            return None
        beside = Path(os.path.normpath(folder / target))
        note(beside)
        if not is_inside(os.path.realpath(beside), self.root_real) or not is_file(beside):
            return None
        written = os.path.relpath(beside, service_folder).replace(os.sep, "/")
        return _Missing("file", f"`{_short(target)}` does not exist in the service folder, where "
                        "Serverless reads `file()` paths from, also inside an included file",
                        report=True, fix=f"write it as `./{_short(written)}` or give a default")

    def _kept_out_of_git(self, path: Path) -> bool:
        from ..read.gitignore import is_git_ignored

        return is_git_ignored(path, Path(self.root_real))

    def _outside(self, site: Scalar, target: str, where: str) -> _Deferred:
        self._report(site, "PARSE005", f"`{_short(target)}` is outside the project ({where}); lintkit "
                     "does not read it. Keep included files inside the project, next to serverless.yml")
        return _Deferred({"file"})

    def _load_include(self, candidate: Path, real: str, target: str):
        try:
            info = os.stat(real)
        except OSError as error:
            if error.errno == errno.ELOOP:
                return _Missing("file", f"`{_short(target)}` is a symbolic link loop", report=True,
                                fix="fix the link or give a default")
            if isinstance(error, FileNotFoundError) and self._kept_out_of_git(candidate):
                # `env.yml` in .gitignore: each developer and the CI write their own copy, so
                # its values exist at deploy time only (as `${ssm:}`), never a finding.
                return _Deferred({"file"})
            reason = "does not exist" if isinstance(error, FileNotFoundError) else \
                f"cannot be read ({error.strerror})"
            return _Missing("file", f"`{_short(target)}` {reason}", report=True,
                            fix="create the file or give a default")
        if not stat.S_ISREG(info.st_mode):
            kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            return _Missing("file", f"`{_short(target)}` is {kind}", report=True,
                            fix="point at a YAML or JSON file or give a default")
        if candidate.suffix.lower() in STRUCTURED_EXTENSIONS:
            return self._load_structured(candidate, target)
        data, problem = read_source(candidate)  # any other file is included as text
        if problem is not None:
            self.findings.append(problem)
            return _Deferred({"file"})
        text = data.decode("utf-8", errors="replace")
        node = Scalar(text, Span.point(candidate), STR_TAG)
        self.literal_ids.add(id(node))
        return node

    def _load_structured(self, candidate: Path, target: str):
        try:
            loaded = self.loader(candidate)
        except Exception as error:  # a custom loader must not crash resolution either
            loaded = LoadResult(None, [Finding(Span.point(candidate), f"cannot load {target}: {error}",
                                               code="PARSE001")])
        self.findings.extend(loaded.findings)
        if loaded.node is not None:
            self.included[candidate] = loaded.node
            return loaded.node
        if loaded.findings:
            return _Deferred({"file"})
        return _Missing("file", f"`{_short(target)}` is empty", report=True)

    # -- walking addresses -------------------------------------------------------------------------
    def _navigate(self, start: Node, address: str, where: str, source: str):
        """The original node at dotted `address` under `start`, following variables on the way."""
        node = start
        segments = address.split(".") if address else []
        for index, segment in enumerate(segments):
            node = self._follow(node)
            if isinstance(node, _Missing):
                return _Missing(source)  # the variable that is missing reports itself
            if isinstance(node, _Deferred):
                return node
            if isinstance(node, Unknown):
                return _Deferred(node.sources)
            child = self._child(node, segment)
            if child is None:
                return _Missing(source, _missing_reason(node, segments, index, where), report=True)
            node = child
        return node

    def _child(self, node: Node, segment: str) -> Node | None:
        if isinstance(node, Mapping):
            return self._key_index(node).get(segment)
        if isinstance(node, Sequence) and segment.isdigit() and int(segment) < len(node.items):
            return node.items[int(segment)]
        if isinstance(node, Intrinsic) and segment == node.function:
            return node.value
        return None

    def _key_index(self, mapping: Mapping) -> dict[str, Node]:
        """Key text -> value of a mapping (the last duplicate wins), built once per mapping."""
        entry = self.key_indexes.get(id(mapping))
        if entry is None:
            index = {str(self._resolve_key(key).value): value for key, value in mapping.pairs}
            entry = self.key_indexes[id(mapping)] = (mapping, index)
        return entry[1]

    def _follow(self, node):
        """Where a scalar holding variables leads, for walking further into it (`custom:
        ${file(x.yml)}` then `custom.key`). Other nodes are returned as they are."""
        visited: set[int] = set()
        while self._holds_unresolved_variables(node):
            if id(node) in visited or len(visited) >= MAX_NESTING:
                return _Deferred({"self"})  # a loop (reported where its values are resolved)
            visited.add(id(node))
            entry = self.followed.get(id(node))
            node = entry[1] if entry is not None else self._follow_once(node)
        return node

    def _holds_unresolved_variables(self, node) -> bool:
        if not isinstance(node, Scalar) or not isinstance(node.value, str) or id(node) in self.literal_ids:
            return False
        entry = self.memo.get(id(node))
        if entry is not None and entry[1] is node:
            return False  # a final value (its text may still look like a variable)
        return self._has_variables(node.value)

    def _follow_once(self, node: Scalar):
        inner = self._whole_variable(node.value)
        if inner is None:  # text around variables: only its resolved value can be walked into
            result = self._resolve(node)
            if result is _CYCLE:
                self._report_cycle(node, self.resolving[id(node)])
                result = _Deferred({"self"})
        elif id(node) in self.following:
            self._report_cycle(node, self.following[id(node)])
            result = _Deferred({source_name(inner)})
        else:
            self.following[id(node)] = len(self.chain)
            self.chain.append(node.value)
            try:
                result = self._evaluate(inner, node)
            finally:
                self.chain.pop()
                del self.following[id(node)]
        self.followed[id(node)] = (node, result)
        return result


def _rebuild(frame: _Frame) -> Node:
    """The resolved node: the original itself when no part of it changed (most of a document),
    so that resolving does not copy every mapping and list."""
    node, parts = frame.node, frame.parts
    if len(parts) == len(frame.todo) and all(map(operator.is_, parts, frame.todo)):
        return node
    if isinstance(node, Mapping):
        return Mapping([(parts[i], parts[i + 1]) for i in range(0, len(parts), 2)], node.span)
    if isinstance(node, Sequence):
        return Sequence(parts, node.span)
    return Intrinsic(node.function, parts[0], node.span)


def _missing_reason(parent: Node, segments: list[str], index: int, where: str) -> str:
    path = ".".join(segments[:index + 1])
    if isinstance(parent, (Mapping, Sequence)) or index == 0:
        return f"`{path}` does not exist in {where}"
    parent_path = ".".join(segments[:index])
    return f"`{parent_path}` is a {_kind(parent)}, so it has no `{segments[index]}` ({where})"


def _short(text: str, limit: int = 200) -> str:
    """Text for a message, cut in the middle when very long."""
    return text if len(text) <= limit else f"{text[:limit // 2]}…{text[-limit // 2:]}"


def _is_null(value) -> bool:
    return isinstance(value, Scalar) and value.value is None


def _kind(node: Node) -> str:
    if isinstance(node, Mapping):
        return "mapping"
    if isinstance(node, Sequence):
        return "list"
    if isinstance(node, Intrinsic):
        return f"CloudFormation function ({node.function})"
    if isinstance(node, Scalar):
        return "string" if isinstance(node.value, str) else "single value"
    return type(node).__name__


def _unique(findings: list[Finding]) -> list[Finding]:
    seen = set()
    unique = []
    for finding in findings:
        key = (finding.span, finding.code, finding.message)
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique

"""Tree-sitter parsing of TypeScript/JavaScript handler sources.

`SourceCache.parse(path)` reads and parses a file once per run and gives a `SourceFile`: its tree,
located spans (1-based, columns in characters), its imports (ESM, CommonJS, dynamic), its exports
(ESM and CommonJS forms) and its module-scope definitions. Code embedded in YAML (`Code.ZipFile`) is
parsed with `SourceCache.parse_text`, whose `line_base`/`column_base` map positions into the YAML
file.

Everything here walks trees iteratively (tree-sitter cursors), so deeply nested code cannot raise
RecursionError, and the grammars are imported only when the first file is parsed.
"""
from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ..model.fieldclasses import fieldclass
from ..model.lazyre import lazy_compile
from ..model.nodes import Span
from .files import Refused, note, read_bytes
from .lines import LineIndex, has_lone_cr, split_lines
from .overlay import buffer

# Files above this size are not parsed (see SourceCache.reason); PARSE004 reports them.
MAX_SOURCE_BYTES = 2_000_000
# Files whose syntax tree is deeper than this are not analysed either (PARSE004 reports them): much
# of the analysis looks at a node's ancestors, which is quadratic in the depth. 1,000 levels are
# ~150 nested callbacks; real handlers stay below 50.
MAX_SOURCE_DEPTH = 1_000

SOURCE_EXTENSIONS = (".ts", ".mts", ".cts", ".tsx", ".js", ".mjs", ".cjs", ".jsx")
_LANGUAGE_BY_EXTENSION = {
    ".ts": "typescript", ".mts": "typescript", ".cts": "typescript", ".tsx": "tsx",
    ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascript",
}

FUNCTION_TYPES = frozenset({
    "function_declaration", "generator_function_declaration", "function_expression", "function",
    "generator_function", "arrow_function", "method_definition",
})
CLASS_TYPES = frozenset({"class_declaration", "class", "abstract_class_declaration"})
FIELD_TYPES = frozenset({"public_field_definition", "field_definition"})
CALL_TYPES = frozenset({"call_expression", "new_expression"})
# Expressions that only wrap another one: `(x)`, `x as T`, `x satisfies T`, `x!`, `<T>x`, `await x`.
WRAPPER_TYPES = frozenset({
    "parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression",
    "type_assertion", "await_expression",
})
_DECLARATION_TYPES = frozenset({"lexical_declaration", "variable_declaration"})
_NAMED_DECLARATION_TYPES = frozenset({
    "function_declaration", "generator_function_declaration", "class_declaration",
    "abstract_class_declaration", "enum_declaration",
})

def language_for(path: Path | str) -> str:
    """"typescript", "tsx" or "javascript" by file extension (unknown extensions: javascript)."""
    return _LANGUAGE_BY_EXTENSION.get(os.path.splitext(str(path))[1].lower(), "javascript")


# -- grammars (loaded lazily, cached per language) ------------------------------------------------
_LANGUAGES: dict[str, object] = {}
_PARSERS: dict[str, object] = {}


def _language(name: str):
    if name not in _LANGUAGES:
        from tree_sitter import Language

        if name == "javascript":
            import tree_sitter_javascript as grammar

            _LANGUAGES[name] = Language(grammar.language())
        else:
            import tree_sitter_typescript as grammar

            raw = grammar.language_tsx() if name == "tsx" else grammar.language_typescript()
            _LANGUAGES[name] = Language(raw)
    return _LANGUAGES[name]


def _parser(name: str):
    if name not in _PARSERS:
        from tree_sitter import Parser

        _PARSERS[name] = Parser(_language(name))
    return _PARSERS[name]


# `require` and `import` where the bytes say so: the places a `require('m')` or `import('m')` call can
# be. Looking there is faster than walking every node of a large bundle in Python, and than a
# tree-sitter query, whose compilation took 3-10 ms a grammar in every run.
_LOADER_WORDS = lazy_compile(rb"\b(?:require|import)\b")


def _loader_calls(text: bytes, root) -> list[tuple[object, object]]:
    """(call, first argument) of every `require(...)` and `import(...)` call whose first argument
    is a string or a template string, in document order."""
    found = []
    for word in _LOADER_WORDS.finditer(text):
        node = root.named_descendant_for_byte_range(word.start(), word.end())
        if node is None or node.start_byte != word.start() or node.end_byte != word.end():
            continue
        if not (node.type == "import" or (node.type == "identifier" and word.group() == b"require")):
            continue
        call = node.parent
        if call is None or call.type != "call_expression" or call.child_by_field_name("function") != node:
            continue
        arguments = call.child_by_field_name("arguments")
        first = arguments.named_children[0] if arguments is not None and arguments.named_child_count else None
        if first is not None and first.type in ("string", "template_string"):
            found.append((call, first))
    return found


# -- tree walking ----------------------------------------------------------------------------------
def walk(root, descend: Callable[[object], bool] | None = None) -> Iterator:
    """Every named node under `root` (itself included), in document order, without recursion.
    `descend(node)` returning False skips that node's children (the node itself is yielded)."""
    cursor = root.walk()
    while True:
        node = cursor.node
        go_down = True
        if node.is_named:
            yield node
            if descend is not None and not descend(node):
                go_down = False
        if go_down and cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return


def iter_nodes(root, types: Iterable[str]) -> Iterator:
    """Every node under `root` (itself included) whose type is in `types`, in document order."""
    wanted = types if isinstance(types, (set, frozenset)) else frozenset(types)
    cursor = root.walk()
    while True:
        node = cursor.node
        if node.type in wanted:
            yield node
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return


def tree_depth(root, limit: int | None = None) -> int:
    """How many levels below `root` its deepest node is (a leaf: 0). Counting stops, and the depth
    so far is returned, as soon as it passes `limit`."""
    cursor = root.walk()
    depth = deepest = 0
    while True:
        if cursor.goto_first_child():
            depth += 1
            if depth > deepest:
                deepest = depth
                if limit is not None and deepest > limit:
                    return deepest
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return deepest
            depth -= 1


def parents(node) -> list:
    """The ancestors of `node`, outermost first, by `node.parent` (prefer SourceFile.ancestors:
    this is quadratic in the nesting depth)."""
    found = []
    parent = node.parent
    while parent is not None:
        found.append(parent)
        parent = parent.parent
    found.reverse()
    return found


def unwrap(node):
    """`(x)`, `x as T`, `x!`, `await x` ... → x."""
    while node is not None and node.type in WRAPPER_TYPES:
        inner = node.child_by_field_name("expression")
        if inner is None:
            inner = next((c for c in node.named_children if c.type != "comment"), None)
        node = inner
    return node


def named_children(node) -> list:
    return [c for c in node.named_children if c.type != "comment"]


def node_name(node) -> str | None:
    """The text of a declaration's `name` (functions, classes, declarators, methods, fields)."""
    name = node.child_by_field_name("name") or node.child_by_field_name("property")
    if name is None or name.text is None:
        return None
    return name.text.decode("utf-8", "replace")


def is_static(node) -> bool:
    return any(child.type == "static" for child in node.children)


# -- strings and call names -----------------------------------------------------------------------
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def _decode_escape(sequence: str) -> str:
    body = sequence[1:]
    if not body or body[0] in "\r\n\u2028\u2029":
        return ""  # line continuation
    if body in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[body]
    try:
        if body[0] == "x":
            return chr(int(body[1:3], 16))
        if body[0] == "u":
            digits = body[2:-1] if body.startswith("u{") else body[1:5]
            return chr(int(digits, 16))
    except (ValueError, OverflowError):  # `\u{110000}` and beyond: not a character, keep the text
        return sequence
    return body


def _text(node) -> str:
    raw = node.text
    return raw.decode("utf-8", "replace") if raw is not None else ""


def _literal_text(node) -> str | None:
    """The value of one string or template literal; template substitutions stay as `${...}`."""
    parts = []
    for child in node.named_children:
        if child.type == "string_fragment":
            parts.append(_text(child))
        elif child.type == "escape_sequence":
            parts.append(_decode_escape(_text(child)))
        elif child.type == "template_substitution":
            parts.append(_text(child))
        elif child.type == "comment":
            continue
        else:  # html_character_reference in JSX strings and the like
            parts.append(_text(child))
    return "".join(parts)


def string_value(file: "SourceFile | None", node) -> str | None:
    """The value of a string literal, template string (substitutions kept as `${...}` text), or a
    `+` concatenation of those; None for anything else."""
    node = unwrap(node)
    if node is None:
        return None
    if node.type in ("string", "template_string"):
        return _literal_text(node)
    if node.type != "binary_expression":
        return None
    # `'a' + 'b' + 'c'` nests to the left; flatten without recursion.
    operands, stack = [], [node]
    while stack:
        current = unwrap(stack.pop())
        if current is None:
            return None
        operator = current.child_by_field_name("operator")
        if current.type == "binary_expression" and operator is not None and operator.type == "+":
            stack.append(current.child_by_field_name("right"))
            stack.append(current.child_by_field_name("left"))
        elif current.type in ("string", "template_string"):
            operands.append(_literal_text(current))
        else:
            return None
    return "".join(operands)


def has_substitutions(node) -> bool:
    node = unwrap(node)
    return node is not None and node.type == "template_string" and any(
        c.type == "template_substitution" for c in node.named_children)


def callee_name(call) -> str:
    """A readable name for what a call or `new` invokes: "execSync", "child_process.execSync",
    "fs.promises.writeFile", "this.connect", "PrismaClient"; parts that are not plain names show
    as "(...)" (e.g. "require(...).execSync")."""
    if call.type == "new_expression":
        target = call.child_by_field_name("constructor")
    elif call.type == "call_expression":
        target = call.child_by_field_name("function")
    else:
        target = call
    parts = []
    node = unwrap(target)
    while node is not None:
        if node.type == "member_expression":
            parts.append(_text(node.child_by_field_name("property")))
            node = unwrap(node.child_by_field_name("object"))
        elif node.type == "subscript_expression":
            index = node.child_by_field_name("index")
            key = string_value(None, index) if index is not None else None
            parts.append(key if key is not None else "[...]")
            node = unwrap(node.child_by_field_name("object"))
        else:
            if node.type in ("identifier", "this", "super", "import", "property_identifier",
                             "type_identifier"):
                parts.append(_text(node))
            elif node.type == "call_expression":
                parts.append(callee_name(node) + "(...)" if _is_simple_callee(node) else "(...)")
            else:
                parts.append("(...)")
            node = None
    return ".".join(reversed(parts))


def _is_simple_callee(call) -> bool:
    function = unwrap(call.child_by_field_name("function"))
    return function is not None and function.type == "identifier"


# -- imports and exports --------------------------------------------------------------------------
@fieldclass(eq=False)
class Import:
    """One way a file loads a module.

    `bindings` maps each local name to the imported name: "default", "*" (namespace or the whole
    CommonJS module), or an export name. `node` is the statement (ESM) or the call (`require`,
    `import()`); `source` the string literal naming the module. `resolved` is the local file the
    handler graph resolved it to (None for packages and unresolvable paths).
    """

    module: str
    node: object
    bindings: dict[str, str]
    kind: str  # "esm" | "cjs" | "dynamic"
    type_only: bool = False
    source: object = None
    type_names: frozenset[str] = frozenset()  # locals imported with a per-specifier `type`
    resolved: Path | None = None

    @property
    def is_relative(self) -> bool:
        return self.module.startswith(("./", "../")) or self.module in (".", "..")


def _import_statement(stmt) -> Import | None:
    type_only = any(c.type == "type" and not c.is_named for c in stmt.children)
    source = stmt.child_by_field_name("source")
    bindings: dict[str, str] = {}
    type_names: set[str] = set()
    kind = "esm"
    for clause in stmt.named_children:
        if clause.type == "import_require_clause":  # TS: import x = require('m')
            source = clause.child_by_field_name("source")
            name = next((c for c in clause.named_children if c.type == "identifier"), None)
            if name is not None:
                bindings[_text(name)] = "*"
            kind = "cjs"
        elif clause.type == "import_clause":
            for part in clause.named_children:
                if part.type == "identifier":
                    bindings[_text(part)] = "default"
                elif part.type == "namespace_import":
                    name = next((c for c in part.named_children if c.type == "identifier"), None)
                    if name is not None:
                        bindings[_text(name)] = "*"
                elif part.type == "named_imports":
                    for spec in part.named_children:
                        if spec.type != "import_specifier":
                            continue
                        imported = _specifier_name(spec.child_by_field_name("name"))
                        alias = spec.child_by_field_name("alias")
                        local = _text(alias) if alias is not None else imported
                        bindings[local] = imported
                        if any(c.type == "type" and not c.is_named for c in spec.children):
                            type_names.add(local)
    module = string_value(None, source) if source is not None else None
    if module is None:
        return None
    return Import(module, stmt, bindings, kind, type_only, source, frozenset(type_names))


def _specifier_name(node) -> str:
    if node is None:
        return ""
    value = string_value(None, node) if node.type == "string" else None
    return value if value is not None else _text(node)


def _loader_bindings(call) -> dict[str, str]:
    """Local names bound by `const x = require('m')`, `const {a, b: c} = require('m')`,
    `const f = require('m').foo`, `const {a} = await import('m')`."""
    node, parent = call, call.parent
    while parent is not None and parent.type in ("await_expression", "parenthesized_expression"):
        node, parent = parent, parent.parent
    imported = "*"
    if parent is not None and parent.type == "member_expression" \
            and parent.child_by_field_name("object") == node:
        imported = _text(parent.child_by_field_name("property"))
        node, parent = parent, parent.parent
    if parent is None or parent.type != "variable_declarator" \
            or parent.child_by_field_name("value") != node:
        return {}
    name = parent.child_by_field_name("name")
    if name is None:
        return {}
    if name.type == "identifier":
        return {_text(name): imported}
    if name.type == "object_pattern" and imported == "*":
        return _object_pattern_bindings(name)
    return {}


def _object_pattern_bindings(pattern) -> dict[str, str]:
    bindings = {}
    for part in pattern.named_children:
        if part.type == "shorthand_property_identifier_pattern":
            bindings[_text(part)] = _text(part)
        elif part.type == "pair_pattern":
            key, value = part.child_by_field_name("key"), part.child_by_field_name("value")
            if value is not None and value.type == "assignment_pattern":
                value = value.child_by_field_name("left")
            if key is not None and value is not None and value.type == "identifier":
                bindings[_text(value)] = _specifier_name(key)
        elif part.type == "object_assignment_pattern":
            left = part.child_by_field_name("left")
            if left is not None:
                bindings[_text(left)] = _text(left)
    return bindings


def _member_export_name(left) -> tuple[str, str] | None:
    """("exports" | "module.exports", name) for `exports.x`, `module.exports.x`, `exports['x']`;
    ("module", "") for `module.exports` itself."""
    if left.type not in ("member_expression", "subscript_expression"):
        return None
    obj = left.child_by_field_name("object")
    if left.type == "member_expression":
        name = _text(left.child_by_field_name("property"))
    else:
        name = string_value(None, left.child_by_field_name("index"))
        if name is None:
            return None
    if obj is None:
        return None
    if obj.type == "identifier" and _text(obj) == "module" and name == "exports":
        return "module", ""
    if obj.type == "identifier" and _text(obj) == "exports":
        return "exports", name
    if obj.type == "member_expression" and _text(obj) == "module.exports":
        return "exports", name
    return None


# -- source files ---------------------------------------------------------------------------------
class SourceFile:
    """A parsed TS/JS file (or inline code) with located nodes, imports and exports."""

    def __init__(self, path: Path, text: bytes, language: str, tree, line_base: int = 0,
                 column_base: int = 0, embedded: bool = False):
        self.path = path
        self.text = text
        self.language = language
        self.tree = tree
        self.line_base = line_base
        self.column_base = column_base
        self.embedded = embedded  # code inside a YAML file: it has no neighbouring modules
        self._ascii = text.isascii()
        self._bom = text.startswith(b"\xef\xbb\xbf")
        # tree-sitter counts rows at `\n` only; a lone `\r` ends a line too (lintkit.read.lines)
        self._lines = LineIndex(text) if has_lone_cr(text) else None
        self._nodes_of: dict[frozenset, list] = {}

    @classmethod
    def from_bytes(cls, path: Path, text: bytes, language: str | None = None, line_base: int = 0,
                   column_base: int = 0, embedded: bool = False) -> "SourceFile":
        language = language or language_for(path)
        tree = _parser(language).parse(text)
        return cls(path, text, language, tree, line_base, column_base, embedded)

    def __repr__(self) -> str:
        return f"SourceFile({str(self.path)!r}, {self.language})"

    @property
    def root(self):
        return self.tree.root_node

    def nodes_of(self, types: Iterable[str]) -> list:
        """Every node of the file whose type is in `types`, in document order: one walk of the
        tree for all the analyses that scan the whole file for the same types (on 1,000 handler
        files, three walks a file were a tenth of the run)."""
        key = types if isinstance(types, frozenset) else frozenset(types)
        found = self._nodes_of.get(key)
        if found is None:
            found = self._nodes_of[key] = list(iter_nodes(self.root, key))
        return found

    # -- positions ----------------------------------------------------------------------------
    def _column(self, byte_offset: int, row: int, byte_column: int) -> int:
        if self._ascii or byte_column == 0:
            return byte_column
        prefix = self.text[byte_offset - byte_column:byte_offset]
        column = byte_column if prefix.isascii() else len(prefix.decode("utf-8", "replace"))
        if row == 0 and self._bom:
            column -= 1  # editors do not show the byte-order mark
        return column

    def _point(self, byte_offset: int, point: tuple[int, int]) -> tuple[int, int]:
        """(row, byte column) of a byte offset, 0-based, in lintkit's lines."""
        if self._lines is None:
            return point
        line, column = self._lines.position(byte_offset)
        return line - 1, column - 1

    def span(self, node) -> Span:
        """1-based line/column in characters (end column exclusive), shifted by the bases."""
        start_row, start_col = self._point(node.start_byte, node.start_point)
        end_row, end_col = self._point(node.end_byte, node.end_point)
        start = self._column(node.start_byte, start_row, start_col)
        end = self._column(node.end_byte, end_row, end_col)
        if end_row == start_row and end <= start:  # zero-width (MISSING) nodes: one character
            end = start + 1
        return Span(self.path, start_row + 1 + self.line_base, start + 1 + self.column_base,
                    end_row + 1 + self.line_base, end + 1 + self.column_base)

    # -- ancestry ---------------------------------------------------------------------------------
    # tree-sitter's `node.parent` searches down from the root, so walking up a deeply nested tree
    # one parent at a time is quadratic; one descent from the root gives every ancestor at once.
    def _path_to(self, node) -> list | None:
        path, current, target = [], self.tree.root_node, node.id
        while current is not None and current.id != target:
            path.append(current)
            current = current.child_with_descendant(node)
        return path if current is not None else None

    def ancestors(self, node) -> list:
        """The ancestors of `node`, outermost (the program) first, `node` excluded."""
        path = self._path_to(node)
        return path if path is not None else parents(node)

    def parent(self, node):
        path = self.ancestors(node)
        return path[-1] if path else None

    def contains(self, node) -> bool:
        """True when `node` belongs to this file's tree."""
        return self._path_to(node) is not None

    def node_text(self, node) -> str:
        return self.text[node.start_byte:node.end_byte].decode("utf-8", "replace")

    # -- syntax errors ------------------------------------------------------------------------
    @property
    def has_errors(self) -> bool:
        return self.tree.root_node.has_error

    def first_error_node(self):
        """The first ERROR or MISSING node, outermost: tree-sitter wraps the construct it could
        not parse in an ERROR node, whose start is where the broken construct begins."""
        node = self.tree.root_node
        if not node.has_error:
            return None
        while True:
            child = next((c for c in node.children if c.has_error or c.is_missing), None)
            if child is None or child.is_error or child.is_missing:
                return child if child is not None else node
            node = child

    def first_error_span(self) -> Span | None:
        node = self.first_error_node()
        if node is None:
            return None
        span = self.span(node)
        if node.is_missing or span.end_line != span.line:
            return Span(span.path, span.line, span.column, span.line, span.column + 1)
        return span

    # -- imports --------------------------------------------------------------------------------
    @cached_property
    def imports(self) -> list[Import]:
        found: list[Import] = []
        for stmt in named_children(self.root):
            if stmt.type == "import_statement":
                imp = _import_statement(stmt)
                if imp is not None:
                    found.append(imp)
            elif stmt.type == "export_statement" and stmt.child_by_field_name("source") is not None:
                module = string_value(None, stmt.child_by_field_name("source"))
                if module is not None:
                    type_only = any(c.type == "type" and not c.is_named for c in stmt.children)
                    found.append(Import(module, stmt, {}, "esm", type_only,
                                        stmt.child_by_field_name("source")))
        for call, source in _loader_calls(self.text, self.root):
            if has_substitutions(source):
                continue
            function = call.child_by_field_name("function")
            kind = "dynamic" if function is not None and function.type == "import" else "cjs"
            found.append(Import(string_value(None, source), call, _loader_bindings(call), kind,
                                source=source))
        found.sort(key=lambda imp: imp.node.start_byte)
        return found

    @cached_property
    def imports_by_node(self) -> dict[int, Import]:
        """Import by the id of its node (statement or `require`/`import()` call)."""
        return {imp.node.id: imp for imp in self.imports}

    @cached_property
    def bindings(self) -> dict[str, Import]:
        """Local name → the import that binds it (runtime bindings only)."""
        bound: dict[str, Import] = {}
        for imp in self.imports:
            for local in imp.bindings:
                if not imp.type_only and local not in imp.type_names:
                    bound[local] = imp
        return bound

    # -- definitions and exports -----------------------------------------------------------------
    @cached_property
    def top_level_definitions(self) -> dict[str, object]:
        """Module-scope functions and classes (the declaration node) and variables (the value node,
        or the declarator when there is no initialiser). Later declarations win."""
        found: dict[str, object] = {}
        for stmt in named_children(self.root):
            for name, node in _declarations(stmt):
                found[name] = node
        return found

    @cached_property
    def _export_tables(self):
        exports: dict[str, object] = {}
        locals_: dict[str, str] = {}  # export name → local name, for `export { impl as handler }`
        reexports: dict[str, tuple[Import, str]] = {}
        stars: list[Import] = []
        imports_by_node = self.imports_by_node
        for stmt in named_children(self.root):
            if stmt.type == "export_statement":
                imp = imports_by_node.get(stmt.id)
                if imp is not None and imp.kind == "esm":
                    _record_reexport(stmt, imp, exports, reexports, stars)
                else:
                    self._record_export(stmt, exports, locals_)
            elif stmt.type == "expression_statement":
                self._record_cjs_export(stmt, exports)
        return exports, locals_, reexports, stars

    def _record_export(self, stmt, exports: dict, locals_: dict) -> None:
        is_default = any(c.type == "default" and not c.is_named for c in stmt.children)
        is_assign = any(c.type == "=" and not c.is_named for c in stmt.children)
        for child in named_children(stmt):
            if child.type == "export_clause":
                for spec in child.named_children:
                    if spec.type != "export_specifier":
                        continue
                    local = _specifier_name(spec.child_by_field_name("name"))
                    alias = spec.child_by_field_name("alias")
                    name = _specifier_name(alias) if alias is not None else local
                    locals_[name] = local
                    exports[name] = self.top_level_definitions.get(local, spec)
            elif is_assign:  # TS `export = value`
                self._record_module_exports(child, exports)
            elif is_default:
                exports["default"] = child
            else:
                for name, node in _declarations(child):
                    exports[name] = node

    def _record_cjs_export(self, stmt, exports: dict) -> None:
        expr = next(iter(named_children(stmt)), None)
        # `module.exports = exports = {...}` / `exports.a = exports.b = fn`: every left side counts.
        targets = []
        while expr is not None and expr.type == "assignment_expression":
            targets.append(expr.child_by_field_name("left"))
            expr = expr.child_by_field_name("right")
        if expr is None:
            return
        for left in targets:
            kind = _member_export_name(left) if left is not None else None
            if kind is None:
                continue
            if kind[0] == "module":
                self._record_module_exports(expr, exports)
            else:
                exports[kind[1]] = expr

    def _record_module_exports(self, value, exports: dict) -> None:
        exports["module.exports"] = value
        target = unwrap(value)
        if target is not None and target.type == "identifier":
            target = self.top_level_definitions.get(_text(target), target)
        if target is not None and target.type == "object":
            for name, node in _object_members(target):
                exports[name] = node

    @property
    def exports(self) -> dict[str, object]:
        """Export name → definition node. "default" for `export default`, "module.exports" for
        `module.exports = value` (its object properties are exports too). Re-exported names map
        to their `export_specifier` (see `reexports`)."""
        return self._export_tables[0]

    @property
    def reexports(self) -> dict[str, tuple[Import, str]]:
        """`export { a as b } from 'm'` → {"b": (import of 'm', "a")}; `export * as ns from 'm'`
        → {"ns": (import, "*")}."""
        return self._export_tables[2]

    @property
    def star_reexports(self) -> list[Import]:
        """`export * from 'm'` statements."""
        return self._export_tables[3]

    @cached_property
    def is_esm(self) -> bool:
        """True when the file has a top-level `import` or `export` statement."""
        return any(stmt.type in ("import_statement", "export_statement")
                   for stmt in self.root.named_children)

    def export_local(self, name: str) -> str | None:
        """The local name behind `export { local as name }`."""
        return self._export_tables[1].get(name)

    def has_export(self, name: str) -> bool:
        """True when this file itself exports `name` (`export *` re-exports are not followed)."""
        return name in self.exports or name in self.reexports

    def definition(self, name: str):
        """The node an export name stands for, following local aliases (`export { impl as
        handler }`, `export default impl`, `export const handler = impl`) to the local definition.
        An alias of an imported binding stays the identifier/specifier (the graph follows it)."""
        node = self.exports.get(name)
        if node is None or name in self.reexports:
            return node
        return self.follow_local(node)

    def follow_local(self, node):
        """Identifier → its module-scope definition, repeatedly (not through imports)."""
        seen = set()
        while node is not None:
            target = unwrap(node) if node.type in WRAPPER_TYPES else node
            if target is None or target.type not in ("identifier", "shorthand_property_identifier"):
                return target
            name = _text(target)
            if name in seen or name in self.bindings or name not in self.top_level_definitions:
                return target
            seen.add(name)
            node = self.top_level_definitions[name]
        return node

    def function_for_export(self, name: str):
        """The function implementing an export, unwrapping call wrappers (`middy(impl)`,
        `wrap(async (e) => ...)`, `middy(impl).use(...)`) to their first function argument.
        Only this file is searched; HandlerGraph.handler also follows imports."""
        node = self.definition(name)
        if node is None:
            return None
        found = unwrap_function(self, node, _local_resolver)
        return found[1] if found else None


def _local_resolver(file: SourceFile, node):
    if node.type == "identifier":
        target = file.top_level_definitions.get(_text(node))
        if target is not None and target is not node:
            return file, target
    return None


def _declarations(stmt) -> Iterator[tuple[str, object]]:
    """(name, node) for what a top-level statement declares."""
    if stmt.type == "export_statement":
        for child in named_children(stmt):
            if child.type in _NAMED_DECLARATION_TYPES or child.type in _DECLARATION_TYPES \
                    or child.type in ("function_expression", "class", "generator_function"):
                yield from _declarations(child)
        return
    if stmt.type in _NAMED_DECLARATION_TYPES or stmt.type in ("function_expression", "class",
                                                              "generator_function"):
        name = node_name(stmt)
        if name:
            yield name, stmt
    elif stmt.type in _DECLARATION_TYPES:
        for declarator in stmt.named_children:
            if declarator.type != "variable_declarator":
                continue
            name = declarator.child_by_field_name("name")
            if name is not None and name.type == "identifier":
                value = declarator.child_by_field_name("value")
                yield _text(name), value if value is not None else declarator


def _object_members(obj) -> Iterator[tuple[str, object]]:
    """(key, value node) for the members of an object literal: `{ a, b: fn, c() {} }`."""
    for member in obj.named_children:
        if member.type == "pair":
            key = member.child_by_field_name("key")
            value = member.child_by_field_name("value")
            if key is not None and value is not None and key.type != "computed_property_name":
                yield _specifier_name(key), value
        elif member.type == "shorthand_property_identifier":
            yield _text(member), member
        elif member.type == "method_definition":
            name = node_name(member)
            if name:
                yield name, member


def object_member(obj, name: str):
    """The value of property `name` in an object literal (last one wins), or None."""
    found = None
    for key, value in _object_members(obj):
        if key == name:
            found = value
    return found


def _record_reexport(stmt, imp: Import, exports: dict, reexports: dict, stars: list) -> None:
    clause = next((c for c in stmt.named_children if c.type == "export_clause"), None)
    namespace = next((c for c in stmt.named_children if c.type == "namespace_export"), None)
    if clause is not None:
        for spec in clause.named_children:
            if spec.type != "export_specifier":
                continue
            imported = _specifier_name(spec.child_by_field_name("name"))
            alias = spec.child_by_field_name("alias")
            name = _specifier_name(alias) if alias is not None else imported
            reexports[name] = (imp, imported)
            exports[name] = spec
    elif namespace is not None:
        name = next((c for c in namespace.named_children), None)
        if name is not None:
            reexports[_specifier_name(name)] = (imp, "*")
            exports[_specifier_name(name)] = namespace
    elif not imp.type_only:
        stars.append(imp)


def unwrap_function(file: SourceFile, node, resolve, limit: int = 200):
    """The function behind an expression: itself, a wrapped function argument (`middy(impl)`,
    `wrap(opts)(async () => ...)`, `middy(impl).use(x)`, `impl.bind(x)`), or what an identifier
    resolves to. `resolve(file, node)` → (file, node) | None resolves identifiers (and members).
    Returns (file, function node) or None."""
    stack = [(file, node)]
    seen = set()
    while stack and limit > 0:
        limit -= 1
        file, node = stack.pop()
        if node is None or (id(file), node.id) in seen:
            continue
        seen.add((id(file), node.id))
        kind = node.type
        if kind in FUNCTION_TYPES:
            return file, node
        if kind in WRAPPER_TYPES:
            stack.append((file, unwrap(node)))
        elif kind in ("identifier", "member_expression", "shorthand_property_identifier"):
            resolved = resolve(file, node)
            if resolved is not None:
                stack.append(resolved)
        elif kind == "call_expression":
            stack.extend(reversed([(file, n) for n in _wrapped_candidates(node)]))
    return None


def _wrapped_candidates(call) -> list:
    """Where a wrapper call keeps the wrapped function, most likely first."""
    args = call.child_by_field_name("arguments")
    arguments = named_children(args) if args is not None else []
    direct = [a for a in arguments if a.type in FUNCTION_TYPES]
    names = [a for a in arguments if a.type in ("identifier", "member_expression")]
    nested = [a for a in arguments if a.type == "call_expression"]
    inner = []
    function = unwrap(call.child_by_field_name("function"))
    if function is not None and function.type == "call_expression":  # wrap(opts)(impl)
        inner.append(function)
    elif function is not None and function.type == "member_expression":
        obj = unwrap(function.child_by_field_name("object"))
        prop = _text(function.child_by_field_name("property"))
        if obj is not None and (obj.type == "call_expression" or prop == "bind"):
            inner.append(obj)  # middy(impl).use(x), impl.bind(this)
    return direct + names + inner + nested


def returned_expressions(function) -> list:
    """The expressions a function returns (an arrow's expression body included), not those of the
    functions nested in it."""
    body = function.child_by_field_name("body")
    if body is None:
        return []
    if body.type != "statement_block":
        return [body]
    return [r.named_children[0] for r in return_statements(body) if r.named_children]


def return_statements(body) -> list:
    """The `return` statements of a function body, not those of the functions nested in it."""
    return [node for node in walk(body, lambda n: n.type not in FUNCTION_TYPES)
            if node.type == "return_statement"]


# -- the cache ------------------------------------------------------------------------------------
class SourceCache:
    """Parses each file at most once per run. Files that cannot be parsed give None, and
    `reason(path)` says why (too large, unreadable, binary, not a file, nested too deep).
    With a `store` (lintkit.read.sourcestore), a file whose bytes an earlier run parsed is taken
    from it instead of parsed again."""

    def __init__(self, max_bytes: int = MAX_SOURCE_BYTES, max_depth: int = MAX_SOURCE_DEPTH,
                 store=None):
        self.max_bytes = max_bytes
        self.max_depth = max_depth
        self.store = store
        self._files: dict[str, SourceFile | None] = {}
        self._real_paths: dict[str, str] = {}
        self._inline: dict[tuple, SourceFile] = {}
        self.skipped: dict[Path, str] = {}
        self.resolutions: dict[tuple, Path | None] = {}  # module resolution memo (handlers.py)
        self._lines: dict[Path, list[str] | None] = {}

    def real_path(self, path: Path | str) -> str:
        """`os.path.realpath(path)`, resolved once per path: a dozen `lstat`s, and thousands of
        functions ask for the same handler file and project root."""
        text = os.fspath(path)
        real = self._real_paths.get(text)
        if real is None:
            real = self._real_paths[text] = os.path.realpath(text)
        return real

    def parse(self, path: Path | str) -> SourceFile | None:
        key = self.real_path(path)
        if key in self._files:  # asked again and again: no Path built for it
            return self._files[key]
        path = Path(path)
        source = self._load(path)
        self._files[key] = source
        return source

    def reason(self, path: Path) -> str | None:
        return self.skipped.get(Path(path))

    def _load(self, path: Path) -> SourceFile | None:
        note(path)  # for the result cache, also when only its size is looked at
        try:
            if buffer(path) is None and os.path.getsize(path) > self.max_bytes:
                return self._skip(path, f"file too large ({os.path.getsize(path) / 1_000_000:.1f} "
                                        f"MB, limit {self.max_bytes / 1_000_000:.1f} MB), not analysed")
            text = read_bytes(path, self.max_bytes)
        except Refused as refusal:
            return self._skip(path, refusal.reason)
        except (OSError, ValueError) as error:
            return self._skip(path, f"cannot be read ({error.__class__.__name__})")
        if b"\0" in text[:8192]:
            return self._skip(path, "binary file, not analysed")
        language = language_for(path)
        if self.store is None:
            return self._shallow(SourceFile.from_bytes(path, text, language))
        return self._shallow(self.store.parsed(path, language, text,
                                               lambda: SourceFile.from_bytes(path, text, language)))

    def _shallow(self, source: SourceFile) -> SourceFile | None:
        """`source`, or None (skipped) when its syntax tree is nested deeper than max_depth."""
        if self.too_deep(source):
            return self._skip(source.path, self.too_deep_reason)
        return source

    def too_deep(self, source: SourceFile) -> bool:
        """Whether a file's syntax tree is nested deeper than max_depth (not to be analysed)."""
        deep = getattr(source, "_lintkit_too_deep", None)
        if deep is None:
            # A tree of n nodes is at most n - 1 levels deep: most files need no walk to know.
            root = source.root
            deep = source._lintkit_too_deep = root.descendant_count - 1 > self.max_depth \
                and tree_depth(root, self.max_depth) > self.max_depth
        return deep

    @property
    def too_deep_reason(self) -> str:
        return f"nested more than {self.max_depth:,} levels deep, not analysed"

    def _skip(self, path: Path, reason: str) -> None:
        self.skipped[path] = reason
        return None

    def lines(self, path: Path) -> list[str] | None:
        """The lines of a YAML file, read once; None when unreadable."""
        path = Path(path)
        if path not in self._lines:
            try:
                data = read_bytes(path)
                self._lines[path] = split_lines(data.decode("utf-8", errors="replace"))
            except (OSError, ValueError):
                self._lines[path] = None
        return self._lines[path]

    def parse_text(self, text: str, path: Path, language: str = "javascript", line_base: int = 0,
                   column_base: int = 0) -> SourceFile:
        """Code that lives inside another file (inline `Code.ZipFile`): spans point into `path`,
        shifted by `line_base` lines and `column_base` columns. Always parsed: callers check
        `too_deep` before analysing it."""
        key = (str(path), line_base, column_base, language, text)
        if key not in self._inline:
            self._inline[key] = SourceFile.from_bytes(Path(path), text.encode("utf-8"), language,
                                                      line_base, column_base, embedded=True)
        return self._inline[key]

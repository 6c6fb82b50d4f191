"""The serverless.ts / serverless.js front end: the Serverless Framework configuration written as a
TypeScript or JavaScript module, read statically with tree-sitter and never executed.

The exported value (`module.exports = ...`, `export default ...`, `export = ...`, or an identifier
such as `const serverlessConfiguration: AWS = {...}` exported later) becomes located nodes: object
and array literals, strings, template strings, numbers, booleans and null; identifiers bound to a
`const` in the same file or exported by a local module (`functions: { hello }` imported from
`./src/functions`); spreads of objects that are known. The template's `handlerPath(__dirname)` is the
folder of the file that calls it, relative to the service. Everything else (calls, `.map()`,
conditionals, `process.env` reads) is Unknown: never guessed, never a finding. `${self:...}`,
`${file()}` and `${opt:}` strings are then resolved like serverless.yml's (`variables`).

Every node keeps its span in the file it was written in, so a finding points into serverless.ts (or
the module that defined the value).
"""
from __future__ import annotations

from pathlib import Path

from ..model.diagnostics import Finding
from ..model.nodes import Mapping, Node, Scalar, Sequence, Span, Unknown
from ..model.service import LoadedConfig
from ..read.yamlload import BOOL_TAG as BOOL, FLOAT_TAG as FLOAT, INT_TAG as INT, NULL_TAG as NULL
from ..read.yamlload import STR_TAG as STR

NAME = "serverless"  # the same framework and document as serverless.yml's
CONFIG_NAMES = ("serverless.ts", "serverless.js", "serverless.cjs", "serverless.mjs")
MAX_DEPTH = 100  # nesting of literals followed; deeper is Unknown
MAX_MODULES = 200  # local modules a configuration may import values from

UNKNOWN_SOURCE = frozenset({"code"})  # a value only running the code would give


def load(config_path: Path, project_root: Path, options: dict[str, str],
         sources=None) -> LoadedConfig:
    """`sources`: the run's SourceCache, so that modules the handlers import too are parsed once."""
    from ..read.sources import SourceCache

    result = LoadedConfig(NAME)
    sources = sources if sources is not None else SourceCache()
    source = sources.parse(config_path)
    if source is None:
        reason = sources.reason(config_path) or "it cannot be read"
        result.findings.append(Finding(Span.point(config_path), f"cannot read {config_path.name}: "
                                       f"{reason}", code="PARSE001"))
        return result
    if source.has_errors:
        where = source.first_error_span() or Span.point(config_path)
        result.findings.append(Finding(where, f"{config_path.name} has a syntax error here; lintkit "
                                       "reads what parses", code="PARSE001"))
    evaluator = _Evaluator(config_path.parent, project_root, sources)
    exported = _exported_value(source)
    if exported is None:
        result.findings.append(Finding(Span.point(config_path), f"{config_path.name} exports no "
                                       "configuration: end it with `module.exports = ...` or "
                                       "`export default ...`", code="PARSE001"))
        return result
    document = evaluator.value(source, exported, 0)
    result.raw_document = document
    if not isinstance(document, Mapping):
        if not isinstance(document, Unknown):
            result.findings.append(Finding.at(document, f"{config_path.name} must export an object "
                                              "(`service`, `provider`, `functions` ...)",
                                              code="PARSE001"))
        return result
    from .variables import resolve

    resolved = resolve(document, config_path=config_path, project_root=project_root, options=options)
    result.findings.extend(resolved.findings)
    result.document = resolved.document
    result.includes = resolved.included
    return result


def _exported_value(source):
    """The node a configuration module exports as its value."""
    exports = source.exports
    for name in ("module.exports", "default"):
        if name in exports:
            return source.follow_local(exports[name])
    return None


class _Evaluator:
    """Literal values of a module's nodes, following consts and local imports."""

    def __init__(self, service_root: Path, project_root: Path, sources):
        from ..read.tsconfig import load_tsconfig

        self.service_root = service_root
        self.project_root = project_root
        self.sources = sources
        self.tsconfig = load_tsconfig(service_root, project_root)  # `@functions/hello` aliases
        self.modules = 0

    def value(self, file, node, depth: int) -> Node:
        from ..read.sources import unwrap

        span = file.span(node)
        node = unwrap(node)
        if node is None or depth > MAX_DEPTH:
            return self._unknown(file, node, span)
        kind = node.type
        if kind == "object":
            return self._object(file, node, depth)
        if kind == "array":
            items = []
            for child in node.named_children:
                if child.type == "comment":
                    continue
                if child.type == "spread_element":
                    spread = self.value(file, child.named_children[0], depth + 1)
                    if isinstance(spread, Sequence):
                        items.extend(spread.items)
                        continue
                    return self._unknown(file, node, span)
                items.append(self.value(file, child, depth + 1))
            return Sequence(items, span)
        if kind in ("string", "template_string"):
            return self._string(file, node, span)
        if kind == "number":
            return self._number(file.node_text(node), span)
        if kind in ("true", "false"):
            return Scalar(kind == "true", span, BOOL)
        if kind in ("null", "undefined"):
            return Scalar(None, span, NULL)
        if kind in ("identifier", "shorthand_property_identifier"):
            return self._identifier(file, node, depth, span)
        return self._unknown(file, node, span)

    def _object(self, file, node, depth: int) -> Node:
        pairs: list[tuple[Scalar, Node]] = []
        for child in node.named_children:
            if child.type == "pair":
                key = self._key(file, child.child_by_field_name("key"))
                if key is None:
                    return self._unknown(file, node, file.span(node))
                pairs.append((key, self.value(file, child.child_by_field_name("value"), depth + 1)))
            elif child.type == "shorthand_property_identifier":
                key = Scalar(file.node_text(child), file.span(child), STR)
                pairs.append((key, self.value(file, child, depth + 1)))
            elif child.type == "spread_element":
                spread = self.value(file, child.named_children[0], depth + 1)
                if not isinstance(spread, Mapping):
                    return self._unknown(file, node, file.span(node))
                pairs.extend(spread.pairs)
            elif child.type != "comment":  # methods, computed keys: running code
                return self._unknown(file, node, file.span(node))
        merged: dict[str, int] = {}
        for index, (key, _) in enumerate(pairs):  # a later key wins, as in JavaScript
            merged[str(key.value)] = index
        return Mapping([pairs[i] for i in sorted(merged.values())], file.span(node))

    def _key(self, file, key) -> Scalar | None:
        if key is None:
            return None
        if key.type in ("property_identifier", "identifier"):
            return Scalar(file.node_text(key), file.span(key), STR)
        if key.type == "string":
            return self._string(file, key, file.span(key))
        if key.type == "number":
            return Scalar(file.node_text(key), file.span(key), STR)
        return None

    def _string(self, file, node, span: Span) -> Node:
        from ..read.sources import _literal_text

        if node.type == "string":
            return Scalar(_literal_text(node), span, STR)
        parts = []
        for child in node.named_children:
            if child.type == "template_substitution":
                expression = next((c for c in child.named_children if c.type != "comment"), None)
                value = self._substitution(file, expression)
                if value is None:
                    return self._unknown(file, node, span)
                parts.append(value)
            elif child.type == "comment":
                continue
            else:
                parts.append(_literal_text_of(file, child))
        return Scalar("".join(parts), span, STR)

    def _substitution(self, file, expression) -> str | None:
        """The text of `${expression}` in a template string, when it is known."""
        if expression is None:
            return None
        if expression.type == "call_expression" and self._is_handler_path(file, expression):
            folder = Path(file.path).parent
            try:
                return folder.relative_to(self.service_root).as_posix()
            except ValueError:
                return None
        value = self.value(file, expression, MAX_DEPTH - 4)  # a literal, or a const or two away
        return str(value.value) if isinstance(value, Scalar) and value.value is not None else None

    def _is_handler_path(self, file, call) -> bool:
        """`handlerPath(__dirname)`: the aws-nodejs-typescript template's helper, the folder of
        the calling file relative to the service."""
        function, arguments = call.child_by_field_name("function"), call.child_by_field_name("arguments")
        args = [c for c in arguments.named_children if c.type != "comment"] if arguments else []
        return function is not None and file.node_text(function) == "handlerPath" and \
            len(args) == 1 and file.node_text(args[0]) == "__dirname"

    def _identifier(self, file, node, depth: int, span: Span) -> Node:
        name = file.node_text(node)
        definitions = file.top_level_definitions
        if name in file.bindings:
            return self._imported(file, file.bindings[name], name, depth, span)
        definition = definitions.get(name)
        if definition is None or definition.type in ("variable_declarator", "function_declaration",
                                                     "class_declaration"):
            return self._unknown(file, node, span)
        if not _is_const(definition):
            return self._unknown(file, node, span)
        return self.value(file, definition, depth + 1)

    def _imported(self, file, imp, local: str, depth: int, span: Span) -> Node:
        from ..read.handlers import resolve_module

        imported = imp.bindings.get(local)
        target = resolve_module(file.path, imp.module, self.tsconfig, self.project_root)
        if target is None or imported in (None, "*") or self.modules >= MAX_MODULES:
            return Unknown(local, UNKNOWN_SOURCE, span)
        self.modules += 1
        module = self.sources.parse(target)
        if module is None:
            return Unknown(local, UNKNOWN_SOURCE, span)
        name = "default" if imported == "default" else imported
        if name in module.reexports:
            inner, original = module.reexports[name]
            return self._imported_by_path(module, inner, original, depth, span)
        definition = module.definition(name)
        if definition is None and name == "default":
            definition = module.definition("module.exports")
        if definition is None:
            return Unknown(local, UNKNOWN_SOURCE, span)
        return self.value(module, definition, depth + 1)

    def _imported_by_path(self, file, imp, name: str, depth: int, span: Span) -> Node:
        """`export { default as hello } from './hello'` followed to the value."""
        from ..read.handlers import resolve_module

        target = resolve_module(file.path, imp.module, self.tsconfig, self.project_root)
        if target is None or name == "*" or self.modules >= MAX_MODULES:
            return Unknown(name, UNKNOWN_SOURCE, span)
        self.modules += 1
        module = self.sources.parse(target)
        definition = module.definition(name) if module is not None else None
        if definition is None:
            return Unknown(name, UNKNOWN_SOURCE, span)
        return self.value(module, definition, depth + 1)

    @staticmethod
    def _number(text: str, span: Span) -> Node:
        cleaned = text.replace("_", "")
        try:
            return Scalar(int(cleaned, 0), span, INT)
        except ValueError:
            try:
                return Scalar(float(cleaned), span, FLOAT)
            except ValueError:
                return Scalar(text, span, STR)

    @staticmethod
    def _unknown(file, node, span: Span) -> Node:
        text = file.node_text(node) if node is not None else ""
        return Unknown(text[:200], UNKNOWN_SOURCE, span)


def _literal_text_of(file, child) -> str:
    from ..read.sources import _decode_escape

    text = file.node_text(child)
    return _decode_escape(text) if child.type == "escape_sequence" else text


def _is_const(value_node) -> bool:
    """Whether the module-scope variable whose value this is was declared with `const`."""
    declarator = value_node.parent
    declaration = declarator.parent if declarator is not None else None
    return declaration is not None and declaration.type == "lexical_declaration" and \
        declaration.children[0].type == "const"

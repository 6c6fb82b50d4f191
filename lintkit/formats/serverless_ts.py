"""The serverless.ts / serverless.js front end: the Serverless Framework configuration written as a
TypeScript or JavaScript module, read statically with tree-sitter and never executed.

The exported value (`module.exports = ...`, `export default ...`, `export = ...`, or an identifier
such as `const serverlessConfiguration: AWS = {...}` exported later) becomes located nodes: object
and array literals, strings, template strings, numbers, booleans and null; identifiers bound to a
`const` in the same file or exported by a local module (`functions: { hello }` imported from
`./src/functions`); spreads of objects that are known. The template's `handlerPath(__dirname)` is the
folder of the file that calls it, relative to the service. A YAML or JSON file the configuration
loads is part of it, with the positions of that file: `require('./x.json')`, `import x from
'./x.json'`, and `yaml.load(readFileSync('x.yml', 'utf8'))` (js-yaml's `load`/`safeLoad`, the yaml
package's `parse`, `JSON.parse`; the path a literal, relative to the service folder where the
Serverless CLI runs, or `path.join(__dirname, ...)`/`path.resolve(__dirname, ...)`, relative to the
file). Everything else (other calls, `.map()`, conditionals, `process.env` reads, files outside the
project or missing) is Unknown: never guessed, never a finding. `${self:...}`, `${file()}` and
`${opt:}` strings are then resolved like serverless.yml's (`variables`).

Every node keeps its span in the file it was written in, so a finding points into serverless.ts (or
the module that defined the value).
"""
from __future__ import annotations

import os
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
DATA_SUFFIXES = (".json", ".yml", ".yaml")
# Modules whose `load`/`parse` turns YAML text into a value, and the names they export for it.
YAML_PARSERS = {"js-yaml": ("load", "safeLoad"), "yaml": ("parse",), "yamljs": ("parse",)}
PATH_JOINERS = ("join", "resolve")

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
    result.findings.extend(evaluator.findings)
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
    loaded = {path: root for path, root in evaluator.data_files.items() if root is not None}
    result.includes = {**loaded, **resolved.included}
    result.modules = evaluator.module_files
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
        self.module_files: set[Path] = set()  # the local modules values were taken from
        self.data_files: dict[Path, Node] = {}  # YAML/JSON files loaded into the value, by path
        self.findings: list[Finding] = []

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
        if kind == "call_expression":
            path = self._loaded_file(file, node, depth)
            if path is not None:
                return self._data_file(path, file, node, span)
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
        if imp.is_relative and Path(imp.module).suffix.lower() == ".json":
            data = self._data_file(Path(file.path).parent / imp.module, file, None, span)
            if imported in ("default", "*") or not isinstance(data, Mapping):
                return data
            return data.get(imported) or Unknown(local, UNKNOWN_SOURCE, span)
        target = resolve_module(file.path, imp.module, self.tsconfig, self.project_root)
        if target is None or imported in (None, "*") or self.modules >= MAX_MODULES:
            return Unknown(local, UNKNOWN_SOURCE, span)
        self.modules += 1
        module = self.sources.parse(target)
        if module is None:
            return Unknown(local, UNKNOWN_SOURCE, span)
        self.module_files.add(Path(target))
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
        if module is not None:
            self.module_files.add(Path(target))
        definition = module.definition(name) if module is not None else None
        if definition is None:
            return Unknown(name, UNKNOWN_SOURCE, span)
        return self.value(module, definition, depth + 1)

    # -- YAML and JSON files the configuration loads --------------------------------------------
    def _loaded_file(self, file, call, depth: int) -> Path | None:
        """The YAML or JSON file a call's value is read from: `require('./x.json')`,
        `yaml.load(readFileSync(path, 'utf8'))`, `JSON.parse(readFileSync(path))`; else None."""
        from ..read.sources import callee_name, named_children, string_value

        arguments = call.child_by_field_name("arguments")
        args = named_children(arguments) if arguments is not None else []
        name = callee_name(call)
        if name == "require" and len(args) == 1:
            module = string_value(file, args[0])
            if module and module.startswith(".") and Path(module).suffix.lower() == ".json":
                return Path(file.path).parent / module
            return None
        if not args or not self._parses_data(file, name):
            return None
        read = self._through_const(file, args[0], depth)
        if read is None or read.type != "call_expression" or \
                callee_name(read).rsplit(".", 1)[-1] != "readFileSync":
            return None
        read_arguments = read.child_by_field_name("arguments")
        read_args = named_children(read_arguments) if read_arguments is not None else []
        path = self._path_argument(file, read_args[0], depth) if read_args else None
        return path if path is not None and path.suffix.lower() in DATA_SUFFIXES else None

    def _parses_data(self, file, name: str) -> bool:
        """`JSON.parse`, or a YAML parser imported from js-yaml, yaml or yamljs (`yaml.load`, `load`)."""
        if name == "JSON.parse":
            return True
        owner, _, member = name.rpartition(".")
        imp = file.bindings.get(owner or member)
        if imp is None or imp.module not in YAML_PARSERS:
            return False
        parsers = YAML_PARSERS[imp.module]
        if owner:  # `yaml.load(...)`: the module (default or namespace import) or its export
            return imp.bindings.get(owner) in ("default", "*") and member in parsers
        return imp.bindings.get(member) in parsers

    def _path_argument(self, file, node, depth: int) -> Path | None:
        """A file path given as a literal (relative to the service folder, where the Serverless CLI
        runs, as `process.cwd()` is) or as `path.join(__dirname, ...)`, `path.resolve(__dirname, ...)`,
        or a template starting with `${__dirname}` (relative to the file)."""
        from ..read.sources import callee_name, named_children, string_value

        node = self._through_const(file, node, depth)
        if node is None:
            return None
        if node.type == "call_expression":
            if callee_name(node).rsplit(".", 1)[-1] not in PATH_JOINERS:
                return None
            arguments = node.child_by_field_name("arguments")
            args = named_children(arguments) if arguments is not None else []
            base = self.service_root
            if args and file.node_text(args[0]) == "__dirname":
                base, args = Path(file.path).parent, args[1:]
            elif args and file.node_text(args[0]) == "process.cwd()":  # the service folder
                args = args[1:]
            parts = [string_value(file, arg) for arg in args]
            if not parts or any(part is None or "${" in part for part in parts):
                return None
            return Path(base, *parts)
        value = string_value(file, node)
        if value is None:
            return None
        if value.startswith("${__dirname}"):
            value, base = value[len("${__dirname}"):].lstrip("/"), Path(file.path).parent
        else:
            base = self.service_root
        return None if not value or "${" in value else base / value

    def _through_const(self, file, node, depth: int):
        """The expression a module-scope `const` name stands for (once), or the node itself."""
        from ..read.sources import unwrap

        node = unwrap(node)
        if node is not None and node.type == "identifier" and depth < MAX_DEPTH:
            definition = file.top_level_definitions.get(file.node_text(node))
            if definition is not None and definition.type not in (
                    "variable_declarator", "function_declaration", "class_declaration") \
                    and _is_const(definition):
                return unwrap(definition)
        return node

    def _data_file(self, path: Path, file, node, span: Span) -> Node:
        """The located root of a YAML or JSON file inside the project (loaded once); Unknown when
        it is outside, missing or cannot be parsed (its PARSE001 findings are reported)."""
        from ..read.files import is_file, is_inside, is_system_path, note
        from ..read.yamlload import load_json_or_yaml

        path = Path(os.path.normpath(path))
        note(path)  # also when it lies outside: the result cache checks it again
        real = os.path.realpath(path)
        if not is_inside(real, os.path.realpath(self.project_root)) or is_system_path(real) \
                or not is_file(path):
            return self._unknown(file, node, span)
        if path not in self.data_files:
            loaded = load_json_or_yaml(path)
            self.findings.extend(loaded.findings)
            self.data_files[path] = loaded.node
        root = self.data_files[path]
        return root if root is not None else self._unknown(file, node, span)

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

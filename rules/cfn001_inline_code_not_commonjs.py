"""Inline Lambda code uses ES module syntax, or a Handler that is not `index.<export>`.

What: an `AWS::Lambda::Function` resource with `Code.ZipFile` (also inside `!Sub`) on a Node.js
runtime whose code has `import` or `export` statements, whose `Handler` names a file other than
`index`, or whose `Handler` export is not defined by the code. Each statement is reported at its
line inside the block scalar. Not flagged: code in S3 or a zip file (`S3Bucket`/`S3Key`,
`ImageUri`), dynamic `import()`, runtimes given as variables, other languages.

Why: CloudFormation saves inline code as `index.js`, which Node.js loads as CommonJS: an `import`
statement fails with "Cannot use import statement outside a module", an `export` with "Unexpected
token 'export'", and any Handler but `index.<export>` fails with `Runtime.ImportModuleError`.

Example:
    Handler: migrate.handler
    Code:
      ZipFile: |
        import { execSync } from 'child_process'
        export function handler() { ... }

Use instead:
    Handler: index.handler
    Code:
      ZipFile: |
        const { execSync } = require('child_process')
        exports.handler = async () => { ... }

Fix (safe) for the Handler: `<file>.<export>` becomes `index.<export>`. Safe: no other file exists in
inline code, so the Handler as written can never load. Fix (unsafe) for each one-line `import`: the
`require` above in its place; for each `export` of a declaration: `export` removed and
`exports.<name> = <name>` added on a line after it (an `export { a as b }` list on one line becomes
the assignments). Unsafe: CommonJS is not ES modules (imports are no longer hoisted, top-level
`await` stops working), so read the result before deploying it. `export default` gets no fix.

References: AWS CloudFormation, "AWS::Lambda::Function Code" (ZipFile: "the code is saved as
index"); AWS Lambda, "Define Lambda function handler in Node.js" (CommonJS and ES modules).
"""
from lintkit.analysis.cfn import inline_code_scalar, inline_graph, nodejs_major
from lintkit.model.diagnostics import Edit, Finding, Fix
from lintkit.model.nodes import Span, is_dynamic, text
from lintkit.read.handlers import export_name, named_children, split_handler

from ._common import scalar_fix

CODE = "CFN001"
NAME = "inline-code-not-commonjs"
SEVERITY = "error"
SUMMARY = "Inline ZipFile code with import/export statements, or a Handler not index.<export>."

FIXES = ("safe", "unsafe")
SAVED_AS = "Inline ZipFile code is saved as index.js"
SAM_SAVED_AS = "InlineCode is saved as index.js"  # SAM turns it into Code.ZipFile
LOADED = " and loaded as CommonJS"


def _saved_as(function) -> str:
    return SAM_SAVED_AS if function.is_sam else SAVED_AS


def check(service, context):
    for function in service.functions:
        if inline_code_scalar(function) is None or nodejs_major(function) is None:
            continue
        graph = inline_graph(service, function)
        if graph is None:  # not analysed (nested too deep): PARSE004 says so
            continue
        source = graph.entry
        for statement in named_children(source.root):
            if statement.type == "import_statement":
                yield Finding.at(source.span(statement), _import_message(source, statement, function),
                                 function=function.name, fix=_import_fix(source, statement))
            elif statement.type == "export_statement":
                yield Finding.at(source.span(statement), _export_message(source, statement, function),
                                 function=function.name, fix=_export_fix(source, statement))
        yield from _check_handler(function, graph)


def _check_handler(function, graph):
    handler = function.handler
    value = text(handler)
    if not value or is_dynamic(handler) or "${" in value:
        return
    module, export = split_handler(value)
    if module != "index":
        wanted = f"index.{export or 'handler'}"
        yield Finding.at(handler, f"{_saved_as(function)}, so Handler must be `{wanted}`: change "
                         f"`{value}` to `{wanted}`.", function=function.name,
                         fix=scalar_fix(handler, wanted, f"Set Handler to `{wanted}`"))
    elif export and not graph.entry.is_esm and not graph.has_export(export_name(export)) \
            and "module.exports" not in graph.entry.exports:
        name = export_name(export)
        yield Finding.at(handler, f"The inline code defines no `{name}` export, so Lambda cannot "
                         f"find `{value}`: add `exports.{name} = async (event) => {{ ... }}` or "
                         "change Handler to the exported name.", function=function.name)


def _import_message(source, statement, function) -> str:
    imports = [imp for imp in source.imports if imp.node == statement]
    suggestion = _require_for(imports[0]) if imports else "require(...)"
    return (f"{_saved_as(function)}{LOADED}, so this `import` statement fails (\"Cannot use import "
            f"statement outside a module\"): use `{suggestion}`.")


def _import_fix(source, statement) -> Fix | None:
    """The `require` for a one-line import statement, written in its place."""
    imports = [imp for imp in source.imports if imp.node == statement]
    span = source.span(statement)
    if len(imports) != 1 or span.line != span.end_line:
        return None
    return Fix.replace(span, source.node_text(statement), _require_for(imports[0]),
                       "Rewrite this `import` as `require`", "unsafe")


def _export_fix(source, statement) -> Fix | None:
    """`export` removed from a declaration with `exports.<name> = <name>` on a line after it, or an
    `export { ... }` list on one line replaced by the assignments; None for `export default`."""
    names = _exported_names(source, statement)
    if not names:
        return None
    assignments = "; ".join(f"exports.{exported} = {local}" for exported, local in names)
    span = source.span(statement)
    title = "Rewrite this `export` for CommonJS"
    declaration = statement.child_by_field_name("declaration")
    if declaration is None:
        if span.line != span.end_line:
            return None
        return Fix.replace(span, source.node_text(statement), assignments, title, "unsafe")
    start = source.span(declaration)
    if start.line != span.line or statement.start_point[1] != 0:
        return None  # a statement that does not begin its line: its indentation is not known
    keyword = Span(span.path, span.line, span.column, start.line, start.column)
    original = source.text[statement.start_byte:declaration.start_byte].decode("utf-8", "replace")
    return Fix(title, [Edit(keyword, "", original),
                       Edit.new_line_after(span.path, span.end_line, assignments, span.column)], "unsafe")


def _require_for(imp) -> str:
    call = f"require('{imp.module}')"
    whole = [local for local, imported in imp.bindings.items() if imported in ("default", "*")]
    named = [local if local == imported else f"{imported}: {local}"
             for local, imported in imp.bindings.items() if imported not in ("default", "*")]
    statements = [f"const {local} = {call}" for local in whole]
    if named:
        statements.append(f"const {{ {', '.join(named)} }} = {call}")
    return "; ".join(statements) or call


def _export_message(source, statement, function) -> str:
    names = _exported_names(source, statement)
    if names:
        fix = "; ".join(f"exports.{exported} = {local}" for exported, local in names)
        advice = f"remove `export` and add `{fix}`"
    else:
        advice = "assign the handler to `exports.handler` instead"
    return f"{_saved_as(function)}{LOADED}, so this `export` fails (\"Unexpected token 'export'\"): {advice}."


def _exported_names(source, statement) -> list[tuple[str, str]]:
    """(exported name, local name) for each name the statement exports; [] for `export default`."""
    if any(child.type == "default" for child in statement.children):
        return []
    names = []
    for child in named_children(statement):
        if child.type == "export_clause":
            for spec in child.named_children:
                if spec.type == "export_specifier":
                    local = source.node_text(spec.child_by_field_name("name"))
                    alias = spec.child_by_field_name("alias")
                    names.append((source.node_text(alias) if alias is not None else local, local))
        elif child.child_by_field_name("name") is not None:
            name = source.node_text(child.child_by_field_name("name"))
            names.append((name, name))
        else:
            names += [(source.node_text(d.child_by_field_name("name")),) * 2
                      for d in child.named_children if d.type == "variable_declarator"]
    return names

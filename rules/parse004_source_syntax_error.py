"""A handler source file has syntax errors, so its analysis is partial.

What: a file of a handler graph (the handler a function names, and the local modules it imports, or
inline `Code.ZipFile` code) does not parse as TypeScript/JavaScript: tree-sitter finds ERROR or
MISSING nodes. lintkit still analyses the parts that parse.

Why: the code will not compile or load (`Runtime.UserCodeSyntaxError`), and findings lintkit would make
in the broken region may be missing.

Example:
    export const handler = async (event) => {
      return { statusCode: 200 }
    // missing closing brace

Use instead:
    export const handler = async (event) => {
      return { statusCode: 200 }
    }

References: AWS Lambda, "Troubleshoot invocation issues" (Runtime.UserCodeSyntaxError).
"""
from lintkit.diagnostics import Finding
from lintkit.nodes import Span

CODE = "PARSE004"
NAME = "source-syntax-error"
SEVERITY = "warning"
SUMMARY = "A handler source file has syntax errors; its analysis is partial."


def check(service, context):
    seen = set()
    for function in service.functions:
        graph = service.graph(function)
        if graph is None:
            continue
        for source in graph.files:
            key = (source.path, source.line_base)
            if key in seen or not source.has_errors:
                continue
            seen.add(key)
            span = source.first_error_span() or Span.point(source.path)
            yield Finding.at(span, f"{source.path.name} has a syntax error here; lintkit's analysis of "
                             "this file is partial until it parses.")

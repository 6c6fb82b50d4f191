"""A handler source file has syntax errors, so its analysis is partial.

What: a file of a handler graph (the handler a function names, and the local modules it imports, or
inline `Code.ZipFile` code), or the service's prisma.config.ts, does not parse as
TypeScript/JavaScript: tree-sitter finds ERROR or MISSING nodes. lintkit still analyses the parts
that parse. A handler, imported module or prisma.config.ts that lintkit does not analyse at all is
reported too, at its first line, with the reason: larger than 2 MB (a bundle rather than a source
file), binary, unreadable, or nested more than 1,000 syntax levels deep (a prisma.config.ts that
leads outside the project or is no regular file is PARSE006's, like schema.prisma).

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
from lintkit.model.diagnostics import Finding
from lintkit.model.nodes import Span
from lintkit.read.handlers import source_from_block_scalar

CODE = "PARSE004"
NAME = "source-syntax-error"
SEVERITY = "warning"
SUMMARY = "A handler source file has syntax errors; its analysis is partial."


def check(service, context):
    seen = set()
    yield from _prisma_config(service.prisma_config)
    for function in service.functions:
        for span, name, reason in _not_analysed(service, function):
            if span not in seen:
                seen.add(span)
                yield Finding.at(span, f"{name}: {reason}; lintkit skips the checks of its code "
                                 "(and of the modules it imports).")
        graph = service.graph(function)
        if graph is None:
            continue
        for source in graph.files:
            key = (source.path, source.line_base)
            if key in seen or not source.has_errors:
                continue
            seen.add(key)
            span = source.first_error_span() or Span.point(source.path)
            # Said as what lintkit knows: tree-sitter's grammar also fails on some valid code
            # (a parameter named `any` in a function type), so this is where parsing stopped.
            yield Finding.at(span, f"lintkit cannot parse {source.path.name} from here (a syntax error, "
                             "or syntax its TypeScript/JavaScript parser does not know), so its analysis "
                             "of this file is partial.")


def _prisma_config(config):
    """The config's syntax error, or why it was not analysed (refused files are PARSE006's)."""
    if config is None or config.error is None or config.refused:
        return
    if config.error_span is not None:
        yield Finding.at(config.error_span, f"lintkit cannot parse {config.path.name} from here (a "
                         "syntax error, or syntax its TypeScript/JavaScript parser does not know), so "
                         "what it reads of the Prisma config (schema, datasource URL) is partial.")
    else:
        yield Finding.at(Span.point(config.path), f"{config.path.name}: {config.error}; lintkit does "
                         "not read the Prisma config (schema, datasource URL) in it.")


def _not_analysed(service, function):
    """(where, name, reason) for the handler file, the imported modules and the inline code that
    were not analysed."""
    code = service.inline_code(function)
    if code is not None:
        if service.graph(function) is None and \
                service.sources.too_deep(source_from_block_scalar(service.sources, code)):
            yield code.span, "inline code", service.sources.too_deep_reason
        return
    path, _ = service.handler_path(function)
    if path is not None and service.sources.parse(path) is None:
        yield Span.point(path), path.name, service.sources.reason(path) or "not analysed"
    graph = service.graph(function)
    for path, reason in graph.unparsed if graph is not None else ():
        yield Span.point(path), path.name, reason

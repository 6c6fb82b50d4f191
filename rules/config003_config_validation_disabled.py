"""The Serverless Framework's own configuration validation is turned off.

What: `configValidationMode: off` at the top level of serverless.yml. `warn` (the default) and
`error` are not flagged.

Why: with validation off, typos such as `reservedConcurency` or `memorysize` deploy silently and the
setting simply does not apply; even `warn` lets them through, so `error` is the safest choice in CI.

Example:
    configValidationMode: off

Use instead:
    configValidationMode: error

References: Serverless Framework, "Configuration validation".
"""
from lintkit.model.diagnostics import Finding
from lintkit.model.nodes import text

CODE = "CONFIG003"
NAME = "config-validation-disabled"
SEVERITY = "info"
SUMMARY = "configValidationMode: off lets misspelt settings deploy silently."


def check(service, context):
    if service.format == "sam":
        return  # `configValidationMode` is serverless.yml's: a SAM template has none
    node = service.document.get("configValidationMode") if service.document else None
    # YAML 1.1 reads a bare `off` as the boolean false.
    if node is not None and (text(node) == "off" or getattr(node, "value", None) is False):
        yield Finding.at(node, "configuration validation is off, so misspelt keys deploy without a "
                         "word; set `configValidationMode: error` (or at least `warn`).")

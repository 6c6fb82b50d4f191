"""serverless.yml or a file it includes cannot be parsed.

What: serverless.yml, a `${file()}` include, or a file lintkit must read is not valid YAML (or is not a
text file at all): a syntax error, tabs used for indentation, invalid UTF-8, NUL bytes, an alias bomb,
an oversized file. lintkit points at the position the parser stopped at.

Why: the Serverless Framework refuses to deploy a file it cannot parse, and every other check on that
file is impossible until it parses. lintkit reports it instead of passing silently, and still lints the
other files of the project.

Example:
    provider:
    	runtime: nodejs20.x      # a tab before `runtime`

Use instead:
    provider:
      runtime: nodejs20.x

References: YAML 1.2 specification, section 6.1 (indentation spaces); Serverless Framework,
"Serverless.yml reference".
"""
from ._common import load_findings

CODE = "PARSE001"
NAME = "yaml-syntax-error"
SEVERITY = "error"
SUMMARY = "serverless.yml or an included file cannot be parsed."


def check(service, context):
    return load_findings(service, CODE)

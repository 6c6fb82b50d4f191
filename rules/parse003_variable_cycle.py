"""Serverless variables that refer to each other in a circle.

What: `${self:a}` resolves through `${self:b}` back to `${self:a}`, or a file includes itself
(directly or through other includes).

Why: the Serverless Framework cannot resolve a cycle and stops the deployment; there is no value to
check either.

Example:
    custom:
      a: ${self:custom.b}
      b: ${self:custom.a}

Use instead:
    custom:
      a: ${self:custom.b}
      b: value

References: Serverless Framework, "Variables".
"""
from ._common import load_findings

CODE = "PARSE003"
NAME = "variable-cycle"
SEVERITY = "error"
SUMMARY = "Serverless variables or file includes that refer to each other in a cycle."


def check(service, context):
    return load_findings(service, CODE)

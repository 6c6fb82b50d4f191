"""Inline Lambda code loads AWS SDK v2 (`aws-sdk`) on a runtime that only ships SDK v3.

What: `require('aws-sdk')`, `import ... from 'aws-sdk'` or `import('aws-sdk')` (and subpaths such
as `aws-sdk/clients/s3`) in the `Code.ZipFile` code of an `AWS::Lambda::Function` on nodejs18.x or
newer. Not flagged: older runtimes (they bundle v2), `@aws-sdk/*` (v3) imports, handler code under
`functions:` (its package brings its own dependencies), runtimes given as variables.

Why: from nodejs18.x on, the Lambda runtime includes only AWS SDK for JavaScript v3. Inline code has
no `node_modules`, so loading `aws-sdk` fails on every invocation with "Cannot find module
'aws-sdk'"; for a custom resource that means the stack hangs until CloudFormation times out.

Example:
    Runtime: nodejs20.x
    Code:
      ZipFile: |
        const AWS = require('aws-sdk')
        const s3 = new AWS.S3()

Use instead:
    Runtime: nodejs20.x
    Code:
      ZipFile: |
        const { S3Client, PutObjectCommand } = require('@aws-sdk/client-s3')
        const s3 = new S3Client({})

References: AWS Lambda, "Lambda runtimes" (Node.js 18 and later include SDK v3 only); AWS SDK for
JavaScript, "Migrating from version 2.x to 3.x".
"""
from lintkit.analysis.cfn import inline_code_scalar, inline_graph, nodejs_major
from lintkit.model.diagnostics import Finding
from lintkit.model.nodes import text
from lintkit.read.handlers import module_matches

CODE = "CFN005"
NAME = "inline-aws-sdk-v2"
SEVERITY = "error"
SUMMARY = "Inline code loads `aws-sdk` (v2) on nodejs18.x or newer, which only ship SDK v3."

FIRST_RUNTIME_WITHOUT_V2 = 18


def check(service, context):
    for function in service.functions:
        major = nodejs_major(function)
        if major is None or major < FIRST_RUNTIME_WITHOUT_V2:
            continue
        if inline_code_scalar(function) is None:
            continue
        graph = inline_graph(service, function)
        if graph is None:  # not analysed (nested too deep): PARSE004 says so
            continue
        source = graph.entry
        for imp in source.imports:
            if module_matches(imp.module, "aws-sdk") and not imp.type_only:
                yield Finding.at(
                    source.span(imp.node), f"{text(function.runtime)} ships only AWS SDK v3, and "
                    f"inline code has no node_modules: loading `{imp.module}` fails with "
                    f"\"Cannot find module\". {_advice(imp.module)}", function=function.name)


def _advice(module: str) -> str:
    client = module.split("/clients/", 1)[1] if "/clients/" in module else None
    if client:
        return f"Use `@aws-sdk/client-{client}` (SDK v3) instead."
    return ("Use the SDK v3 client packages instead, e.g. `const { S3Client } = "
            "require('@aws-sdk/client-s3')`.")

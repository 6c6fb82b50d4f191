#!/usr/bin/env python3
"""Generates a service with N functions, to measure how lintkit scales with the size of a service.

    python bench/scale.py OUT --functions 100000                  # handlers in a few shared files
    python bench/scale.py OUT --functions 10000 --shape own       # one handler file per function
    python bench/scale.py OUT --functions 10000 --shape resources # N raw Lambda resources too
    python bench/scale.py OUT --functions 10000 --findings        # every function has findings

    /usr/bin/time -v lintkit check OUT                             # time and peak RSS
    python -m cProfile -o scale.prof -m lintkit check OUT          # where the time goes

The service is shaped like a large real one: `functions:` is a list of `${file()}` includes of
1,000 functions each. It has a provider with a VPC, a runtime and an environment; each function a
handler and an HTTP event, every 7th an SQS event too and every 20th an environment of its own
(about ten YAML values a function: lintkit resolves at most 1,000,000 values per service, so
100,000 functions is about the most one service can hold). `shared` points the handlers into
5 × FILES handler files of 40 exports each (most services); `own` writes one handler file per
function; `resources` adds N CloudFormation resources (queues, and every 10th a raw Lambda function
with inline code), in includes too. Every 1,000th function has a too long timeout (RUNTIME003) so
there are findings to report; `--findings` gives every function a deprecated runtime and a
plaintext secret instead, two findings per function.

The standard library only.
"""
from __future__ import annotations

import argparse
from pathlib import Path

EXPORTS_PER_FILE = 40
FUNCTIONS_PER_INCLUDE = 1000  # serverless.yml and each include stay far under lintkit's 5 MB per file

HANDLER_FILE = """import {{ PrismaClient }} from '@prisma/client'
import {{ respond }} from '../lib/respond'

const prisma = new PrismaClient()

{exports}
"""

HANDLER_EXPORT = """export const {name} = async (event) => {{
  const rows = await prisma.{model}.findMany({{ take: 10 }})
  return respond(200, rows)
}}
"""

RESPOND = """export function respond(statusCode, body) {
  return { statusCode, body: JSON.stringify(body) }
}
"""

PROVIDER = """service: scale
frameworkVersion: '3'

provider:
  name: aws
  runtime: nodejs20.x
  region: eu-west-1
  memorySize: 512
  timeout: 10
  logRetentionInDays: 14
  vpc:
    securityGroupIds:
      - sg-0123456789abcdef0
    subnetIds:
      - subnet-0123456789abcdef0
      - subnet-0123456789abcdef1
  environment:
    DATABASE_URL: ${{ssm:/scale/database-url}}
    NODE_ENV: production

functions:
{functions}"""

FUNCTION = """  {name}:
    handler: {handler}
{settings}    events:
      - http: {method} /items/{index}
{events}"""

ENVIRONMENT = """    environment:
      TABLE_NAME: table-{index}
"""

SQS_EVENT = """      - sqs: arn:aws:sqs:eu-west-1:123456789012:queue-{index}
"""

RESOURCE_QUEUE = """    Queue{index}:
      Type: AWS::SQS::Queue
      Properties:
        QueueName: queue-{index}
        VisibilityTimeout: 60
"""

RESOURCE_FUNCTION = """    Inline{index}:
      Type: AWS::Lambda::Function
      Properties:
        Runtime: nodejs20.x
        Handler: index.handler
        Role: arn:aws:iam::123456789012:role/inline
        Code:
          ZipFile: |
            exports.handler = async () => ({{ statusCode: 200, body: '{index}' }})
"""

MODELS = ("user", "order", "invoice", "product", "session")


def handler_of(index: int, shape: str, files: int) -> tuple[str, str]:
    """(handler file stem under src/handlers, export name) of function `index`."""
    if shape == "own":
        return f"fn{index}", "handler"
    return f"{MODELS[index % len(MODELS)]}{index // len(MODELS) % files}", \
        f"h{index // (len(MODELS) * files) % EXPORTS_PER_FILE}"


def function_text(index: int, shape: str, files: int, findings: bool) -> str:
    stem, export = handler_of(index, shape, files)
    settings = ""
    if findings:
        settings = "    runtime: nodejs14.x\n    environment:\n" \
                   f"      API_SECRET: s3cr3t-{index:08d}-plaintext-value\n"
    elif index % 1000 == 999:
        settings = "    timeout: 60\n"
    if index % 20 == 0 and not findings:
        settings += ENVIRONMENT.format(index=index)
    events = SQS_EVENT.format(index=index) if index % 7 == 0 else ""
    return FUNCTION.format(name=f"fn{index}", handler=f"src/handlers/{stem}.{export}", index=index,
                           settings=settings, method=("GET", "POST", "PUT")[index % 3], events=events)


def generate(out: Path, functions: int, shape: str = "shared", files: int = 1,
             findings: bool = False) -> None:
    (out / "src" / "handlers").mkdir(parents=True, exist_ok=True)
    (out / "src" / "lib").mkdir(parents=True, exist_ok=True)
    (out / "src" / "lib" / "respond.ts").write_text(RESPOND)
    (out / "functions").mkdir(exist_ok=True)
    parts = range(0, functions, FUNCTIONS_PER_INCLUDE)
    for start in parts:
        with open(out / "functions" / f"part{start // FUNCTIONS_PER_INCLUDE}.yml", "w") as handle:
            for index in range(start, min(start + FUNCTIONS_PER_INCLUDE, functions)):
                handle.write(function_text(index, shape, files, findings)[2:].replace("\n  ", "\n"))
    with open(out / "serverless.yml", "w") as handle:
        handle.write(PROVIDER.format(functions="".join(
            f"  - ${{file(functions/part{start // FUNCTIONS_PER_INCLUDE}.yml)}}\n" for start in parts)))
        if shape == "resources":
            handle.write("\nresources:\n")
            for start in parts:
                handle.write(f"  - ${{file(resources/part{start // FUNCTIONS_PER_INCLUDE}.yml)}}\n")
    if shape == "resources":
        (out / "resources").mkdir(exist_ok=True)
        for start in parts:
            with open(out / "resources" / f"part{start // FUNCTIONS_PER_INCLUDE}.yml", "w") as handle:
                handle.write("Resources:\n")
                for index in range(start, min(start + FUNCTIONS_PER_INCLUDE, functions)):
                    template = RESOURCE_FUNCTION if index % 10 == 0 else RESOURCE_QUEUE
                    handle.write(template.format(index=index))
    if shape == "own":
        for index in range(functions):
            export = HANDLER_EXPORT.format(name="handler", model=MODELS[index % len(MODELS)])
            (out / "src" / "handlers" / f"fn{index}.ts").write_text(HANDLER_FILE.format(exports=export))
        return
    for model in MODELS:
        for number in range(files):
            exports = "\n".join(HANDLER_EXPORT.format(name=f"h{e}", model=model)
                                for e in range(EXPORTS_PER_FILE))
            (out / "src" / "handlers" / f"{model}{number}.ts").write_text(
                HANDLER_FILE.format(exports=exports))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write the service into")
    parser.add_argument("--functions", type=int, default=1000)
    parser.add_argument("--shape", choices=("shared", "own", "resources"), default="shared")
    parser.add_argument("--files", type=int, default=1,
                        help="handler files per model with --shape shared (default 1: 5 files)")
    parser.add_argument("--findings", action="store_true", help="findings on every function")
    args = parser.parse_args()
    generate(args.out, args.functions, args.shape, args.files, args.findings)


if __name__ == "__main__":
    main()

"""A handler runs `npx` when it is invoked.

What: handler code (the handler graph of a function, or inline `Code.ZipFile` code) that passes a
command starting with `npx` to `exec`, `execSync`, `execFile`, `execFileSync`, `spawn`, `spawnSync`
or `execa`, as a string, a template literal, or the first element of an argument list (also when the
command is kept in a local constant). Dockerfiles, CI files and package.json scripts are not handler
code and are not checked, nor are calls under `if (process.env.IS_OFFLINE)` (or `IS_LOCAL`,
`AWS_SAM_LOCAL`), which only run on a developer's machine.

Why: npx resolves and downloads packages at run time into a cache under the home folder. On Lambda
the filesystem is read-only outside `/tmp` and there is often no route to the npm registry, so the
call fails with `EROFS: read-only file system` or `command not found: prisma`, typically in the
middle of a deployment's migration step.

Example:
    import { execSync } from 'child_process'
    export const handler = async () => {
      execSync('npx prisma migrate deploy')
    }

Use instead:
    import { execFileSync } from 'child_process'
    export const handler = async () => {
      // prisma is a regular dependency, so its CLI is in the deployment package
      execFileSync(process.execPath, ['node_modules/prisma/build/index.js', 'migrate', 'deploy'])
    }

References: Prisma, "Deploying database changes with Prisma Migrate" and "Deploy to AWS Lambda";
AWS Lambda, "Lambda execution environment" (read-only filesystem, /tmp).
"""

from lintkit.analysis.execcalls import exec_commands, local_only
from lintkit.model.diagnostics import Finding
from lintkit.model.lazyre import lazy_compile

CODE = "MIGRATE002"
NAME = "npx-at-runtime"
SEVERITY = "error"
SUMMARY = "Handler code runs `npx`, which cannot work on Lambda's read-only filesystem."

NPX = lazy_compile(r"(?:^|[;&|(]\s*|\s)npx(?:\s|$)")


def check(service, context):
    seen = set()
    for function in service.functions:
        graph = service.graph(function)
        if graph is None:
            continue
        for command in exec_commands(graph):
            key = (command.source.path, command.span)
            if key in seen or not NPX.search(command.text):
                continue
            if local_only(command.source, command.call):  # serverless-offline only
                continue
            seen.add(key)
            yield Finding.at(
                command.span, "`npx` runs when the function is invoked, but Lambda's filesystem is "
                "read-only outside /tmp and npx downloads packages: put the CLI in `dependencies` and "
                "run it from node_modules (for Prisma: `node node_modules/prisma/build/index.js "
                "migrate deploy`), or run it from CI.", function=function.name)

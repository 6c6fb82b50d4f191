"""A second `schema.prisma` in the service that Prisma does not read and nothing points it at.

What: a `schema.prisma` in the service's folders (up to four folders down; not in dependencies,
build output, git-ignored folders, or a folder that is a package or service of its own) other than
the schema Prisma uses (prisma.config.ts's `schema`, package.json's `prisma.schema`, else
`prisma/schema.prisma`, `schema.prisma`, a `prisma/schema/` folder), which nothing lintkit can
read names: no `--schema` argument or path in package.json scripts, serverless.yml, a Makefile,
Dockerfile, buildspec or CI workflow (`.github/workflows`, `.circleci`, `.gitlab-ci.yml`), or
handler code, and no handler imports the client its generator writes to its `output`. Reported at
its first block. Not flagged: the files of a multi-file schema folder in use, a schema whose
generator `output` is an `env()` value (lintkit cannot tell who imports it), a service whose own
schema does not parse, schemas of nested packages (their own package.json) or services.

Why: Prisma reads one schema per command, so edits to the other one never reach `prisma generate`
or `prisma migrate`: a model added there is missing from the client and from the database, and the
mistake shows up as a type error or a failing query long after the edit. A copy left behind after
moving the schema is the usual source, and the CLI looks for `schema.prisma` before
`prisma/schema.prisma` (prisma/prisma packages/internals/src/cli/getSchema.ts, `getDefaultSchema`),
so an old copy at the root wins over the one in `prisma/`.

Example:
    schema.prisma              # the old copy at the service root: Prisma reads this one first
    prisma/schema.prisma       # where the team now edits the models

Use instead:
    prisma/schema.prisma       # one schema; or name the second with `prisma generate --schema`

References: Prisma, "Prisma schema: location" (the `--schema` argument, package.json
`prisma.schema`, the default locations, multi-file schemas) and "Prisma Config reference"
(`schema`).
"""
import os

from lintkit.analysis.prismaschemas import chosen_by, unused_schemas
from lintkit.model.diagnostics import Finding
from lintkit.model.nodes import Span

CODE = "CONFIG008"
NAME = "unused-prisma-schema"
SEVERITY = "info"
SUMMARY = "A second schema.prisma that Prisma does not read and nothing names."


def check(service, context):
    active = service.prisma_schema
    for schema in unused_schemas(service):
        read, unused = _shown(service, active.path), _shown(service, schema.path)
        yield Finding.at(_first_block(schema), f"Prisma reads {read} ({chosen_by(service)}), and nothing "
                         "lintkit can see (a `--schema` argument, a script, a handler importing its "
                         f"generated client) uses {unused}: keep one schema (delete the stale copy; if "
                         f"{unused} is the one you edit, move it over {read}), or name it with `--schema` "
                         "where it is meant to be used.")


def _first_block(schema) -> Span:
    blocks = [*schema.generators, *schema.datasources]
    if blocks:
        return min((block.span for block in blocks), key=lambda span: (span.line, span.column))
    return Span(schema.path, 1, 1, 1, 1)


def _shown(service, path) -> str:
    relative = os.path.relpath(path, service.root).replace(os.sep, "/")
    return f"`{relative}`"

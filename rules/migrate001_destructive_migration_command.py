"""Handler code runs a Prisma command that can drop data: `migrate dev`, `migrate reset`, `db push`.

What: an `exec`, `execSync`, `execFile`, `execFileSync`, `spawn`, `spawnSync` or `execa` call in a
handler graph or in inline `Code.ZipFile` code whose command (a string, a template literal, an
argument array, or a local constant holding one of them) runs the Prisma CLI with `migrate dev`,
`migrate reset` or `db push` (worse with `--accept-data-loss` or `--force-reset`), however the CLI
is invoked (`prisma`, `npx prisma`, `node node_modules/prisma/build/index.js`, `.bin/prisma`). Not
flagged: code outside handler graphs (tests, jest/vitest setup, `scripts/`, CI files, package.json
scripts). When a handler graph imports a test or `scripts/` file, its commands count only if the
function really runs them (at module load, or called from the handler).

Why: these commands are for a developer's database. `migrate reset` drops the database, `migrate
dev` resets it when it detects drift and creates new migrations, and `db push` applies the schema
without migrations, dropping columns and tables that are not in it. On Lambda they run against
production.

Example:
    export const handler = async () => {
      execSync('npx prisma migrate reset --force')
    }

Use instead:
    export const handler = async () => {
      execFileSync(process.execPath, ['node_modules/prisma/build/index.js', 'migrate', 'deploy'])
    }

References: Prisma, "Prisma Migrate in development and production" and "Deploying database changes
with Prisma Migrate"; Prisma CLI reference (`migrate reset`, `db push`).
"""
from lintkit.analysis.migrations import prisma_runs
from lintkit.model.diagnostics import Finding

CODE = "MIGRATE001"
NAME = "destructive-migration-command"
SEVERITY = "error"
SUMMARY = "Handler code runs `prisma migrate dev`, `migrate reset` or `db push`, which drop data."

DATA_LOSS_FLAGS = ("--accept-data-loss", "--force-reset")
EFFECT = {
    ("migrate", "dev"): "resets the database when it detects drift and creates new migrations",
    ("migrate", "reset"): "drops the database and every row in it",
    ("db", "push"): "changes the schema without migrations and drops what is not in schema.prisma",
}


def check(service, context):
    seen = set()
    for run in prisma_runs(service):
        command = run.command
        if not run.counts or not command.is_destructive:
            continue
        word = command.subcommand[1]
        span = run.source.span(word.node)
        if span in seen:
            continue
        seen.add(span)
        yield Finding.at(span, _message(command), function=run.function.name)


def _message(command) -> str:
    flags = [flag for flag in command.flags if flag in DATA_LOSS_FLAGS]
    worse = f" (with `{' '.join(flags)}`, without asking)" if flags else ""
    return (f"`{command.label}` runs on Lambda against the real database: it "
            f"{EFFECT[command.names[:2]]}{worse}. Run `prisma migrate deploy` instead, and keep "
            "`migrate dev`/`reset`/`db push` for development machines.")

"""Handler code uses a `Prisma.X` that the installed Prisma does not export.

What: `Prisma.X` read as a value in a handler graph (`e instanceof Prisma.X`, `Prisma.X(...)`,
`new Prisma.X()`, `Prisma.X.y`, `const { X } = Prisma`), where `Prisma` is the namespace that
`@prisma/client` or a generated client exports (imported, required, reached as `pc.Prisma` of
`import * as pc`, aliased or re-exported by a local module), and X is not one of the namespace's
runtime values in the Prisma major package.json installs (`@prisma/client`, else `prisma`): an error
class that does not exist (`PrismaClientRequestError`), a name another major removed
(`NotFoundError` in Prisma 6) or has not added yet (`defineExtension` before Prisma 4), a misspelt
helper (`Prisma.JsonNul`). The message names the closest runtime value. When the major is unknown
(`latest`, a git URL), only names that no major has are reported.
Not flagged: type positions (`Prisma.UserCreateInput` in an annotation, `satisfies`, type
arguments, `typeof` in a type); guarded reads (`typeof Prisma.X`, `Prisma.X?.y`, `Prisma.X?.()`,
`if (Prisma.X)`, `Prisma.X && ...`, `Prisma.X ?? y`, a destructured name with a default, a read
under a condition that tests the same expression); `Prisma.skip` (where it does not exist it is
`undefined`, which Prisma skips as well); names the generator writes from the schema and the query
engine (`ModelName`, `UserScalarFieldEnum`, `SortOrder`, `TransactionIsolationLevel`, ...) and
any other PascalCase name not ending in `Error` that resembles no runtime value, since the engine
adds enums over time; a `Prisma` imported from `@prisma/client/runtime/*`; code outside handler
graphs.

Why: the namespace member is `undefined` at run time. `e instanceof undefined` throws a TypeError
inside the `catch`, so the error branch never runs and the original error is lost; calling or
constructing it throws `Prisma.X is not a function`. Examples copied between projects spread the
wrong name, and JavaScript handlers have no compiler to catch it.

Example:
    const { Prisma } = require('@prisma/client')
    } catch (e) {
      if (e instanceof Prisma.PrismaClientRequestError && e.code === 'P2002') return conflict()
    }

Use instead:
    } catch (e) {
      if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002') return conflict()
    }

References: Prisma, "Handling exceptions and errors" (the error classes); Prisma Client API
reference (`Prisma.sql`, `Prisma.DbNull`, `Prisma.skip`, `Prisma.defineExtension`); Prisma, "Upgrade
to Prisma ORM 6" (`NotFoundError` removed); the generated client's index.js (prisma/prisma,
packages/client-generator-js/src/TSClient/common.ts).
"""
from lintkit.analysis.packaging import prisma_major
from lintkit.analysis.prisma_namespace import absence, namespace_reads
from lintkit.model.diagnostics import Finding

from ._common import once_per_place

CODE = "CLIENT005"
NAME = "unknown-prisma-namespace-member"
SEVERITY = "error"
SUMMARY = "`Prisma.X` used as a value where the installed Prisma exports no X."

EFFECT = {
    "instanceof": "`instanceof undefined` throws a TypeError, so this branch never runs",
    "call": "calling it throws a TypeError",
    "new": "`new` on it throws a TypeError",
    "destructure": "the destructured name is `undefined`",
    "read": "it is `undefined` at run time",
}


def check(service, context):
    major = prisma_major(service)
    findings = []
    for read in namespace_reads(service):
        missing = absence(read.name, major)
        if missing is not None:
            findings.append(Finding.at(read.span, _message(read, missing)))
    yield from once_per_place(findings)


def _message(read, missing) -> str:
    where = (f"Prisma {missing.major} (the major package.json installs)" if missing.major is not None
             else "any Prisma version")
    text = f"`Prisma.{read.name}` does not exist in {where}: {EFFECT[read.use]}."
    if missing.suggestion:
        return text + f" Did you mean `Prisma.{missing.suggestion}`?"
    if missing.note:
        return text + f" {missing.note}."
    if missing.majors_with_it:
        return text + (f" It exists in Prisma {_majors(missing.majors_with_it)} only: install one "
                       "of those or stop using it.")
    return text + " Use a name the namespace exports (Prisma Client API reference)."


def _majors(majors) -> str:
    if len(majors) > 1 and list(majors) == list(range(majors[0], majors[-1] + 1)):
        return f"{majors[0]}-{majors[-1]}"
    return ", ".join(str(major) for major in majors)

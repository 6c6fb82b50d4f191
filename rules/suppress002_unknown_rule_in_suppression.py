"""An inline lintkit: ignore[...] comment that names no lintkit rule.

What: a selector in a `lintkit: ignore[...]` or `lintkit: ignore-file[...]` comment that is not a
rule code (SECRET001), a code prefix (SECRET, SECRET00: the whole letter group, optionally with
leading digits) or a rule name (plaintext-database-password): `ignore[SECRT001]`, `ignore[VPC1]`,
`ignore[client-per-invocaton]`. The message names the closest real selector. Codes of rules that
exist but did not run (`--select`) are not reported: they are real names.

Why: a typo in a suppression silences nothing, so the finding it was meant for is reported anyway
and the comment reads as if a risk had been accepted; in a `.lintkit.yml` or on the command line the
same typo is a configuration error (exit 2), because there it would turn a check off unnoticed.

Example:
    provider:
      runtime: nodejs16.x  # lintkit: ignore[RUNTME001] legacy service, retired in Q3

Use instead:
    provider:
      runtime: nodejs16.x  # lintkit: ignore[RUNTIME001] legacy service, retired in Q3

References: ruff, "invalid-rule-code (RUF102)"; ESLint, "reportUnusedDisableDirectives".
"""

CODE = "SUPPRESS002"
NAME = "unknown-rule-in-suppression"
SEVERITY = "warning"
SUMMARY = "An inline lintkit: ignore[...] comment that names no lintkit rule."


def check(service, context):
    # The engine reads suppression comments after every rule has run and reports unknown
    # selectors under this code.
    return ()

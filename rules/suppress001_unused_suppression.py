"""An inline `lintkit: ignore[...]` comment that suppressed nothing.

What: a `# lintkit: ignore[CODE]` (YAML, .env) or `// lintkit: ignore[CODE]` (TypeScript, JavaScript,
schema.prisma) comment on a line, or on the line above it, where no diagnostic with that code was
reported; or an `ignore-file[CODE]` for a code that never fired in the file. Only codes of rules that
ran are considered, so `--select` does not make other suppressions look unused.

Why: stale suppressions hide the next real problem on that line and make reviewers think a risk was
accepted when it is gone.

Example:
    provider:
      runtime: nodejs22.x  # lintkit: ignore[RUNTIME001] upgrading next sprint

Use instead:
    provider:
      runtime: nodejs22.x

Fix (safe): remove the comment (the whole line when it stands alone on it), when every rule it
names ran and none was suppressed: it suppresses nothing, so nothing else changes. A comment that
also holds other text, a block comment and one that names no rule get no fix.

References: ruff, "unused-noqa (RUF100)"; zizmor, "Ignoring results".
"""

CODE = "SUPPRESS001"
NAME = "unused-suppression"
SEVERITY = "info"
SUMMARY = "An inline lintkit: ignore[...] comment that suppressed nothing."
FIXES = ("safe",)  # made in lintkit.suppress.unused_finding


def check(service, context):
    # The engine applies suppressions after every rule has run, and reports the unused ones
    # under this code; there is nothing to look at before that.
    return ()

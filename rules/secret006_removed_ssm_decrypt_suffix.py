"""An SSM variable with the `~true` or `~split` suffix that Serverless v3 removed.

What: `${ssm:/path~true}` (decrypt a SecureString) or `${ssm:/path~split}` (split a StringList) in
serverless.yml or a file it includes, when `frameworkVersion` allows v3 or later or is not set
(error), or limited to v2 with `variablesResolutionMode: 20210326` (the new resolver, which reads
the suffix the same way). With a `frameworkVersion` limited to v2 (`2`, `^2.72.0`, `>=2 <3`) and
the legacy resolver it is a warning: the suffix is deprecated there and breaks on upgrade. A
`frameworkVersion` computed by a variable also gives a warning.

Why: Serverless v3 no longer reads these suffixes: `~true` becomes part of the parameter name, so
the lookup fails (`Parameter /path~true not found`) and the deploy stops. v3 decrypts SecureString
parameters and splits StringList parameters by itself.

Example:
    provider:
      environment:
        DATABASE_URL: ${ssm:/prisma-app/database-url~true}

Use instead:
    provider:
      environment:
        DATABASE_URL: ${ssm:/prisma-app/database-url}

Fix (safe): remove the suffix. v3 decrypts and splits by itself, so the value the function gets is
the one the suffix asked for; where the suffix is written inside an escaped or multi-line string,
no fix is offered.

References: Serverless Framework, "Upgrading to Serverless Framework v3" and "Variables: SSM
Parameter Store".
"""
import re

from lintkit.analysis.facts import number
from lintkit.analysis.secretscan import raw_scalars
from lintkit.formats.variables import find_variables, source_name, split_alternatives
from lintkit.model.diagnostics import Finding, Fix
from lintkit.model.lazyre import lazy_compile
from lintkit.model.nodes import is_dynamic
from lintkit.read.positions import scalar_sub_span

from ._common import shared

CODE = "SECRET006"
NAME = "removed-ssm-decrypt-suffix"
SEVERITY = "error"
SUMMARY = "`${ssm:...~true}` or `~split`, which Serverless v3 reads as part of the name."
FIXES = ("safe",)  # the applicabilities of the fixes this rule attaches (tests/test_fixes.py)

SUFFIX = lazy_compile(r"~(true|split)\s*$")
_COMPARATOR = lazy_compile(r"(\^|~>?|>=|<=|>|<|=)?v?(\d+)((?:\.\d+|\.[xX*])*)")


def check(service, context):
    if service.format != "serverless":  # `${ssm:...~true}` is Serverless variable syntax
        return
    severity = _severity(service)
    for _, scalar in shared(service, raw_scalars):
        if "~" not in scalar.value:
            continue
        for start, end, suffix in _suffixes(scalar.value):
            span = scalar_sub_span(scalar, start, end)
            fix = Fix.replace(span, scalar.value[start:end], "", f"Remove `~{suffix}`")
            yield Finding.at(span, _message(suffix, severity), severity=severity, fix=fix)


def _suffixes(text: str, base: int = 0):
    """(start, end, "true"|"split") of each `~true`/`~split` ending an ssm variable's address."""
    for start, _, inner in find_variables(text):
        offset = base + start + 2
        cursor = 0
        for part in split_alternatives(inner):
            at = inner.find(part, cursor)
            cursor = at + len(part)
            match = SUFFIX.search(part)
            if match and source_name(part) == "ssm":
                yield offset + at + match.start(), offset + at + match.end(), match.group(1)
            if "${" in part:
                yield from _suffixes(part, offset + at)


def _severity(service) -> str | None:
    if is_dynamic(service.document.get("frameworkVersion")):
        return "warning"
    spec = service.framework_version
    modern = number(service.document.get("variablesResolutionMode")) or 0
    return "warning" if spec and _highest_major(spec) < 3 and modern < 20210326 else None


def _highest_major(spec: str) -> float:
    """The highest major version a `frameworkVersion` range accepts (inf without an upper bound)."""
    return max(_highest_in_set(part) for part in spec.split("||"))


def _highest_in_set(comparators: str) -> float:
    text = re.sub(r"(\^|~>?|>=|<=|>|<|=)\s+", r"\1", comparators.strip())
    parts = text.split()
    if "-" in parts:  # a hyphen range `2.0.0 - 2.9.9`: its upper end
        parts = parts[-1:]
    uppers = []
    for part in parts:
        match = _COMPARATOR.fullmatch(part)
        if match is None:
            return float("inf")
        operator, major, rest = match.group(1) or "", int(match.group(2)), match.group(3)
        if operator == "<":
            uppers.append(major - 1 if not rest.strip(".0") else major)
        elif operator not in (">", ">="):
            uppers.append(major)
    return min(uppers) if uppers else float("inf")


def _message(suffix: str, severity: str | None) -> str:
    does = ("the new resolver decrypts SecureString parameters by itself" if suffix == "true"
            else "the new resolver splits StringList parameters by itself")
    if severity == "warning":
        return (f"`~{suffix}` is a deprecated Serverless v2 instruction: v3 (and v2 with "
                "`variablesResolutionMode: 20210326`) reads it as part of the parameter name, so "
                f"the deploy fails after an upgrade: remove `~{suffix}` ({does}).")
    return (f"Serverless v3 reads `~{suffix}` as part of the parameter name, so this lookup fails: "
            f"remove `~{suffix}` ({does}).")

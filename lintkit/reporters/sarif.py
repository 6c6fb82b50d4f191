"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers."""
from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import TextIO
from urllib.parse import quote

from ..fingerprint import numbered
from ..model.diagnostics import Diagnostic
from ..model.nodes import Span
from . import ReportContext, RuleInfo, relative_path, sorted_diagnostics

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
_LEVELS = {"error": "error", "warning": "warning", "info": "note"}
FULL_DESCRIPTION_LIMIT = 1024


def render(diagnostics: list[Diagnostic], report: ReportContext, stream: TextIO) -> None:
    rules = list(report.rules)
    index = {rule.code: i for i, rule in enumerate(rules)}
    for d in diagnostics:  # codes the registry did not list (e.g. loader findings) still get a rule
        if d.code not in index:
            index[d.code] = len(rules)
            rules.append(RuleInfo(d.code, d.name, d.severity, ""))

    pairs = sorted_diagnostics(diagnostics, report.cwd, report.redact)
    fingerprints = numbered(pairs, report.read_source, report.redact)
    results = []
    for (_, d), (fingerprint, occurrence) in zip(pairs, fingerprints):
        result = {
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": _LEVELS.get(d.severity, "note"),
            "message": {"text": d.message},
            "locations": [_location(d.path, d, report)],
            "partialFingerprints": {"lintkitFingerprint/v1": f"{fingerprint}:{occurrence}"},
        }
        if d.function:
            result["locations"][0]["logicalLocations"] = [{"name": d.function, "kind": "function"}]
            result["properties"] = {"function": d.function}
        if d.related:
            result["relatedLocations"] = [
                {"id": i, **_location(span.path, span, report)} for i, span in enumerate(d.related, 1)
            ]
        if d.fix is not None and d.fix.edits:
            result["fixes"] = [_fix(d, report)]
        results.append(result)

    document = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "lintkit",
                        "version": report.tool_version,
                        "semanticVersion": report.tool_version,
                        "rules": [_rule(rule, report.rule_url) for rule in rules],
                    }
                },
                "originalUriBaseIds": {SRCROOT: {"uri": _base_uri(report)}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    json.dump(document, stream, indent=2)
    stream.write("\n")


def _fix(d: Diagnostic, report: ReportContext) -> dict:
    """A proposed fix: its edits as replacements in the finding's file (an insertion deletes an
    empty region); the applicability (safe, unsafe, display) is a property."""
    location = _location(d.path, d, report)["physicalLocation"]["artifactLocation"]
    replacements = [{"deletedRegion": {"startLine": e.span.line, "startColumn": e.span.column,
                                       "endLine": e.span.end_line, "endColumn": e.span.end_column},
                     "insertedContent": {"text": report.redact(e.replacement)}} for e in d.fix.edits]
    return {"description": {"text": report.redact(d.fix.title)},
            "artifactChanges": [{"artifactLocation": location, "replacements": replacements}],
            "properties": {"applicability": d.fix.applicability}}


def _base_uri(report: ReportContext) -> str:
    return report.redact(Path(os.path.abspath(report.cwd)).as_uri()).rstrip("/") + "/"


def _rule(rule: RuleInfo, rule_url: str | None = None) -> dict:
    descriptor = {"id": rule.code, "name": rule.name}
    if rule.summary:
        descriptor["shortDescription"] = {"text": rule.summary}
        # GitHub shows at most 1024 characters of fullDescription: the summary, the whole
        # documentation is `help`.
        descriptor["fullDescription"] = {"text": _shorten(rule.summary, FULL_DESCRIPTION_LIMIT)}
    if rule.help_text:
        # Two trailing spaces keep the docstring's line breaks in Markdown.
        markdown = "  \n".join(rule.help_text.splitlines())
        descriptor["help"] = {"text": rule.help_text, "markdown": markdown}
    if rule_url:
        descriptor["helpUri"] = rule_url.replace("{code}", rule.code)
    descriptor["defaultConfiguration"] = {"level": _LEVELS.get(rule.severity, "note")}
    score = security_severities().get(rule.code)
    tags = [rule.code.rstrip("0123456789").lower()] + (["security"] if score is not None else [])
    descriptor["properties"] = {"tags": tags, "severity": rule.severity}
    if score is not None:
        descriptor["properties"]["security-severity"] = f"{score:.1f}"
    return descriptor


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@lru_cache(maxsize=1)
def security_severities() -> dict[str, float]:
    """Rule code -> the security-severity GitHub maps to critical/high/medium/low
    (lintkit/data/security_severity.json says how each was chosen)."""
    from importlib import resources

    table = json.loads(resources.files("lintkit.data").joinpath("security_severity.json").read_text("utf-8"))
    return {code: float(score) for code, score in table["rules"].items()}


def _location(path: Path, where: Diagnostic | Span, report: ReportContext) -> dict:
    relative = relative_path(path, report.cwd)
    if relative is None:
        artifact = {"uri": report.redact(Path(os.path.abspath(path)).as_uri())}
    else:
        # A file name that is not UTF-8 (kept as surrogates) is quoted as its original bytes.
        artifact = {"uri": quote(report.redact(relative), safe="/", errors="surrogateescape"),
                    "uriBaseId": SRCROOT}
    region = {
        "startLine": where.line,
        "startColumn": where.column,
        "endLine": where.end_line,
        "endColumn": where.end_column,
    }
    return {"physicalLocation": {"artifactLocation": artifact, "region": region}}

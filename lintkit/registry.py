"""Finds the rule modules in `lintkit.rules` and checks that each declares what the engine needs."""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType

from .model.diagnostics import SEVERITIES

SCOPES = ("service", "configuration")


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: str
    summary: str
    doc: str
    module: ModuleType
    # "service" (default): findings anywhere in the service; "configuration": only on nodes of the
    # resolved serverless.yml document, which lets the engine skip the rule when it reports on
    # other files only (see engine._rules_to_run).
    scope: str = "service"

    def check(self, service, context):
        return self.module.check(service, context)


def _rule_from(module: ModuleType) -> Rule:
    code, name, severity = module.CODE, module.NAME, module.SEVERITY
    if severity not in SEVERITIES:
        raise ValueError(f"{module.__name__}: SEVERITY must be one of {SEVERITIES}")
    scope = getattr(module, "SCOPE", "service")
    if scope not in SCOPES:
        raise ValueError(f"{module.__name__}: SCOPE must be one of {SCOPES}")
    return Rule(code, name, severity, module.SUMMARY, (module.__doc__ or "").strip(), module, scope)


@lru_cache(maxsize=1)
def all_rules() -> tuple[Rule, ...]:
    from lintkit import rules as package

    found = []
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        if hasattr(module, "CODE"):
            found.append(_rule_from(module))
    return tuple(sorted(found, key=lambda rule: rule.code))


def find_rule(code_or_name: str) -> Rule | None:
    wanted = code_or_name.strip()
    for rule in all_rules():
        if rule.code.lower() == wanted.lower() or rule.name == wanted.lower():
            return rule
    return None


def selector_problem(selector: str) -> str | None:
    """Why a selector (`--select`, `.lintkit.yml`, `lintkit: ignore[...]`) picks no rule, with the
    closest real selector; None when it picks at least one."""
    from .suppress import matches

    rules = all_rules()
    if any(matches(selector, rule.code, rule.name) for rule in rules):
        return None
    message = f"`{selector}` is not a rule code, code prefix or rule name"
    closest = closest_selector(selector, rules)
    return f"{message} (did you mean `{closest}`?)" if closest else message


def closest_selector(selector: str, rules: tuple[Rule, ...]) -> str | None:
    """The real selector a typo most likely meant: a code or group for code-like text (any case),
    a rule name for the rest."""
    from difflib import SequenceMatcher

    groups = {rule.code.rstrip("0123456789") for rule in rules}
    codes = sorted(groups | {rule.code for rule in rules})
    names = sorted(rule.name for rule in rules)
    scored = [(SequenceMatcher(None, selector.upper(), code).ratio(), code) for code in codes]
    scored += [(SequenceMatcher(None, selector.lower(), name).ratio(), name) for name in names]
    score, best = max(scored, key=lambda pair: pair[0])
    if score >= 0.6:
        return best
    cut_off = [group for group in sorted(groups) if group.startswith(selector.upper())]
    return cut_off[0] if selector.isalpha() and cut_off else None  # `SEC` for SECRET

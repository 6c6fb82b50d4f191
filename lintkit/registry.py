"""The rules: a static index of what each rule module declares (`lintkit.rules._index`), so that a
rule's module is imported only when the rule runs or its documentation is asked for. A run that
selects a few rules, a service that is not AWS (PARSE rules only) and `lintkit rules` import none of
the others. `tests/test_rule_index.py` keeps the index true to the modules;
`python -m lintkit.registry > rules/_index.py` writes it again after a rule is added or changed."""
from __future__ import annotations

import importlib
from functools import lru_cache
from types import ModuleType

from .model.diagnostics import SEVERITIES

SCOPES = ("service", "configuration")
RULES_PACKAGE = "lintkit.rules"
INDEX_MODULE = f"{RULES_PACKAGE}._index"


class Rule:
    """One rule as the index declares it; `module` (and with it `doc` and `check`) loads on first use."""

    __slots__ = ("code", "name", "severity", "summary", "scope", "module_name", "_module")

    def __init__(self, code: str, name: str, severity: str, summary: str, scope: str,
                 module_name: str):
        self.code, self.name, self.severity, self.summary = code, name, severity, summary
        # "service": findings anywhere in the service; "configuration": only on nodes of the
        # resolved serverless.yml document, which lets the engine skip the rule when it reports on
        # other files only (see engine._rules_to_run).
        self.scope = scope
        self.module_name = module_name
        self._module: ModuleType | None = None

    @property
    def module(self) -> ModuleType:
        if self._module is None:
            self._module = importlib.import_module(f"{RULES_PACKAGE}.{self.module_name}")
        return self._module

    @property
    def doc(self) -> str:
        return (self.module.__doc__ or "").strip()

    def check(self, service, context):
        return self.module.check(service, context)

    def __repr__(self) -> str:
        return f"Rule({self.code}, {self.name})"


@lru_cache(maxsize=1)
def all_rules() -> tuple[Rule, ...]:
    index = importlib.import_module(INDEX_MODULE)
    return tuple(Rule(*entry) for entry in index.RULES)


def declared_rules() -> list[tuple[str, str, str, str, str, str]]:
    """What the rule modules themselves declare, each imported: the index's entries, sorted by code.
    Raises ValueError for a module that declares an impossible severity or scope."""
    import pkgutil

    package = importlib.import_module(RULES_PACKAGE)
    declared = []
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{RULES_PACKAGE}.{info.name}")
        if hasattr(module, "CODE"):
            declared.append(_entry(module, info.name))
    return sorted(declared)


def _entry(module: ModuleType, module_name: str) -> tuple[str, str, str, str, str, str]:
    severity = module.SEVERITY
    if severity not in SEVERITIES:
        raise ValueError(f"{module.__name__}: SEVERITY must be one of {SEVERITIES}")
    scope = getattr(module, "SCOPE", "service")
    if scope not in SCOPES:
        raise ValueError(f"{module.__name__}: SCOPE must be one of {SCOPES}")
    return (module.CODE, module.NAME, severity, module.SUMMARY, scope, module_name)


def index_source(entries) -> str:
    lines = ['"""Generated from the rule modules by `python -m lintkit.registry > rules/_index.py`.',
             "",
             "(code, name, severity, summary, scope, module) of every rule, sorted by code.",
             '"""', "", "RULES = ("]
    lines += [f"    {entry!r}," for entry in entries]
    lines.append(")")
    return "\n".join(lines) + "\n"


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


if __name__ == "__main__":  # python -m lintkit.registry > rules/_index.py
    import sys

    sys.stdout.write(index_source(declared_rules()))

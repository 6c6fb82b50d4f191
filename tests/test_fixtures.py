"""Every fixture project under fixtures/<CODE>/<case>/ is linted with `--select CODE` (plus the
arguments in an optional `lintkit.args` file) and its concise output compared with the `expected`
file beside it. `bad-*` cases must report CODE, `good-*` cases must not."""
from pathlib import Path

import pytest

from lintkit.registry import all_rules

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
AS_OF = "2026-11-27"


def fixture_cases():
    for rule_dir in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        for case in sorted(p for p in rule_dir.iterdir() if p.is_dir()):
            yield pytest.param(rule_dir.name, case, id=f"{rule_dir.name}/{case.name}")


def case_args(code: str, case: Path) -> list[str]:
    extra = case / "lintkit.args"
    args = extra.read_text().split() if extra.exists() else []
    return ["check", ".", "--format", "concise", "--as-of", AS_OF, "--select", code, *args]


@pytest.mark.parametrize("code, case", list(fixture_cases()))
def test_fixture_output_matches_expected(code, case, run_lintkit, update_snapshots):
    exit_code, out, err = run_lintkit(*case_args(code, case), cwd=case)
    assert exit_code in (0, 1), err
    expected_file = case / "expected"
    if update_snapshots:
        expected_file.write_text(out)
    assert out == expected_file.read_text(), f"stderr:\n{err}"
    reported = [line for line in out.splitlines() if f": {code} [" in line]
    if case.name.startswith("bad"):
        assert reported, f"{case} is a bad case but lintkit reported no {code}"
    elif case.name.startswith("good"):
        assert not reported, f"{case} is a good case but lintkit reported:\n{out}"


def test_every_rule_has_a_firing_and_a_silent_fixture():
    missing = []
    for rule in all_rules():
        cases = [p.name for p in (FIXTURES / rule.code).glob("*") if p.is_dir()]
        if not any(c.startswith("bad") for c in cases) or not any(c.startswith("good") for c in cases):
            missing.append(rule.code)
    assert not missing, f"rules without both a bad-* and a good-* fixture: {missing}"


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_rule_metadata_and_documentation(rule):
    import re

    assert re.fullmatch(r"[A-Z]+\d{3}", rule.code)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)
    assert rule.summary and not rule.summary.endswith(" ")
    for section in ("What:", "Why:", "Example:", "Use instead:", "References:"):
        assert section in rule.doc, f"{rule.code} docstring lacks {section}"


def test_codes_and_names_are_unique():
    rules = all_rules()
    assert len({r.code for r in rules}) == len(rules)
    assert len({r.name for r in rules}) == len(rules)

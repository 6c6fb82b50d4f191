"""The static rule index (lintkit.rules._index) is what the rule modules declare, and runs that do
not need a rule never import its module."""
import subprocess
import sys

from lintkit.registry import all_rules, declared_rules, find_rule, index_source

from test_cli import DEPRECATED_SERVICE, make_service


def test_the_index_matches_the_rule_modules():
    entries = [(r.code, r.name, r.severity, r.summary, r.scope, r.module_name) for r in all_rules()]
    assert entries == declared_rules(), (
        "lintkit.rules._index is stale: run `python -m lintkit.registry > rules/_index.py`")


def test_the_index_file_is_what_the_generator_writes():
    from lintkit.rules import _index

    with open(_index.__file__, encoding="utf-8") as file:
        assert file.read() == index_source(declared_rules())


def test_a_rule_loads_its_module_and_documentation_on_demand():
    rule = find_rule("LINT002")
    assert rule.module.CODE == "LINT002"
    assert rule.doc.startswith("lintkit stopped following")


def _modules_imported_by(code: str, cwd) -> set[str]:
    script = ("import sys\nfrom lintkit.cli import main\n"
              "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
              "print('\\n'.join(m for m in sys.modules if m.startswith('lintkit.rules.')), "
              "file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", script, *code.split()], cwd=cwd,
                          capture_output=True, text=True, timeout=120)
    return {line for line in done.stderr.splitlines() if line.startswith("lintkit.rules.")}


def test_rules_that_do_not_run_are_not_imported(tmp_path):
    service = make_service(tmp_path, DEPRECATED_SERVICE)
    imported = _modules_imported_by("check --select RUNTIME001 --format concise .", service)
    assert "lintkit.rules.runtime001_deprecated_runtime" in imported
    assert "lintkit.rules.client001_client_per_invocation" not in imported
    assert len(imported) < 10  # the selected rule, the PARSE/SUPPRESS/LINT rules that always apply


def test_listing_the_rules_imports_none_of_them(tmp_path):
    imported = _modules_imported_by("rules", tmp_path)
    assert imported <= {"lintkit.rules._index"}

"""Rule selectors as users type them: on the command line, in .lintkit.yml and in suppression
comments. A selector that picks no rule is an error that names the closest real one, never a
silent no-op (a typo in `--ignore` or `select:` would turn checks off without a word)."""
import pytest

from lintkit.registry import all_rules, selector_problem
from lintkit.suppress import matches

from test_cli import DEPRECATED_SERVICE, concise, make_service


def picked(selector: str) -> list[str]:
    return [rule.code for rule in all_rules() if matches(selector, rule.code, rule.name)]


@pytest.mark.parametrize("selector", ["VPC001", "vpc001", "VPC00", "VPC0", "VPC", "vpc",
                                      "database-function-outside-vpc"])
def test_codes_group_prefixes_and_names_select(selector):
    assert "VPC001" in picked(selector)
    assert selector_problem(selector) is None


def test_a_digit_prefix_picks_the_codes_it_starts():
    assert picked("RUNTIME00") == [code for code in picked("RUNTIME") if code.startswith("RUNTIME00")]
    assert "RUNTIME001" not in picked("RUNTIME01")


@pytest.mark.parametrize("selector, meant", [
    ("V", "VPC"), ("SEC", "SECRET"), ("SECRT001", "SECRET001"), ("PARSE01", "PARSE001"),
    ("client-per-invocaton", "client-per-invocation"), ("secrett", "SECRET"),
])
def test_part_of_a_group_or_a_typo_picks_nothing_and_names_the_closest(selector, meant):
    assert picked(selector) == []
    assert f"did you mean `{meant}`?" in selector_problem(selector)


def test_no_suggestion_when_nothing_is_close():
    problem = selector_problem("NOPE")
    assert "`NOPE` is not a rule code" in problem and "did you mean" not in problem


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_unknown_selector_on_the_command_line_is_a_usage_error(tmp_path, run_lintkit, option):
    make_service(tmp_path, DEPRECATED_SERVICE)
    code, out, err = concise(run_lintkit, ".", option, "RUNTIME001,RUNTME", cwd=tmp_path)
    assert (code, out) == (2, "")
    assert f"argument {option}: `RUNTME` is not a rule code" in err


def test_command_line_error_names_the_selector_and_the_closest(tmp_path):
    import subprocess
    import sys

    make_service(tmp_path, DEPRECATED_SERVICE)
    for command in (["check", "."], ["lsp"]):
        done = subprocess.run([sys.executable, "-m", "lintkit", *command, "--ignore", "RUNTME"],
                              cwd=tmp_path, capture_output=True, text=True, timeout=60)
        assert done.returncode == 2, done.stderr
        assert "`RUNTME` is not a rule code" in done.stderr and "`RUNTIME`" in done.stderr
        assert done.stdout == ""


@pytest.mark.parametrize("config, place, selector", [
    ("select: [RUNTIME, VPC9]\n", "1:19", "VPC9"),
    ("ignore:\n  - RUNTME001\n", "2:5", "RUNTME001"),
    ("severity:\n  deprecated-runtim: info\n", "2:3", "deprecated-runtim"),
    ("per-file-ignores:\n  'src/**': [CLIENT, CLINT]\n", "2:22", "CLINT"),
])
def test_unknown_selector_in_lintkit_yml_is_a_configuration_error(tmp_path, run_lintkit, config,
                                                                   place, selector):
    make_service(tmp_path, DEPRECATED_SERVICE)
    (tmp_path / ".lintkit.yml").write_text(config)
    code, out, err = concise(run_lintkit, ".", cwd=tmp_path)
    assert code == 2
    first = out.splitlines()[0]
    assert first.startswith(f".lintkit.yml:{place}: PARSE001 ") and f"`{selector}`" in first
    assert "did you mean" in first
    assert "serverless.yml:4:12: RUNTIME001" in out  # linted with the default configuration
    assert "invalid configuration in .lintkit.yml" in err


def test_valid_configuration_keeps_the_exit_code_of_the_findings(tmp_path, run_lintkit):
    make_service(tmp_path, DEPRECATED_SERVICE)
    (tmp_path / ".lintkit.yml").write_text("ignore: [RUNTIME00, CONFIG]\n")
    assert concise(run_lintkit, ".", cwd=tmp_path) == (0, "", "")


def test_unknown_selector_in_a_comment_is_a_finding_at_the_selector(tmp_path, run_lintkit):
    make_service(tmp_path, DEPRECATED_SERVICE.replace(
        "runtime: nodejs18.x", "runtime: nodejs18.x  # lintkit: ignore[VPC001, RUNTME001] tracked"))
    code, out, _ = concise(run_lintkit, ".", cwd=tmp_path)
    lines = out.splitlines()
    assert code == 1
    assert any(line.startswith("serverless.yml:4:12: RUNTIME001") for line in lines)  # not suppressed
    unknown = [line for line in lines if "SUPPRESS002" in line]
    assert len(unknown) == 1 and unknown[0].startswith("serverless.yml:4:50: SUPPRESS002")
    assert "did you mean `RUNTIME001`?" in unknown[0]
    unused = [line for line in lines if "SUPPRESS001" in line]  # the real, unused selector
    assert len(unused) == 1 and "reported as VPC001;" in unused[0]


def test_code_of_a_rule_that_did_not_run_is_neither_unknown_nor_unused(tmp_path, run_lintkit):
    make_service(tmp_path, DEPRECATED_SERVICE.replace(
        "runtime: nodejs18.x", "runtime: nodejs18.x  # lintkit: ignore[RUNTIME001, VPC001]"))
    code, out, _ = concise(run_lintkit, ".", "--select", "RUNTIME,SUPPRESS", cwd=tmp_path)
    assert (code, out) == (0, "")

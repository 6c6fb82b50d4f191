"""Fixes (issue 16): every fixable rule's must-fire fixtures go through `--fix` (and `--fix
--unsafe-fixes`) in a temporary copy, and for each: the finding is gone, no new finding appeared,
the files still parse, a second `--fix` changes nothing, and the files are exactly the original
with the announced edits applied (so every byte outside the edited spans is unchanged), also with
CRLF line endings and a BOM. A rule that declares no fix (`FIXES` in its module) never produces one;
`--diff` output applies with `patch -p1`; hypothesis drives `--fix` over generated YAML; `--fix`
never writes through a symbolic link that leads out of the project.
"""
from __future__ import annotations

import io
import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lintkit.fixes import FixedFile, FixOutcome, write_fixed
from lintkit.model.diagnostics import APPLICABILITIES, Diagnostic, Edit, Fix
from lintkit.model.nodes import Span
from lintkit.read.files import Refused
from lintkit.read.lines import LineIndex
from lintkit.registry import all_rules
from lintkit.reporters import ReportContext, render

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
AS_OF = "2026-11-27"
TEXT_SUFFIXES = (".yml", ".yaml", ".json", ".prisma", ".ts", ".js", ".mjs", ".cjs", ".env")


def declared_fixes(code: str) -> tuple[str, ...]:
    rule = next(rule for rule in all_rules() if rule.code == code)
    return getattr(rule.module, "FIXES", ())


def fixable_codes() -> list[str]:
    return [rule.code for rule in all_rules() if declared_fixes(rule.code)]


def bad_cases(codes):
    for code in codes:
        for case in sorted((FIXTURES / code).glob("bad-*")):
            yield pytest.param(code, case, id=f"{code}/{case.name}")


def case_args(code: str, case: Path) -> list[str]:
    extra = case / "lintkit.args"
    args = extra.read_text().split() if extra.exists() else []
    if "--select" not in args:
        args = ["--select", code, *args]
    return ["check", ".", "--as-of", AS_OF, *args]


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.is_symlink()}


def lint_json(run_lintkit, cwd: Path, args: list[str]) -> list[dict]:
    code, out, err = run_lintkit(*args, "--format", "json", cwd=cwd)
    assert code in (0, 1), err
    return json.loads(out)["diagnostics"]


def findings(diagnostics: list[dict]) -> Counter:
    return Counter((d["code"], d["message"]) for d in diagnostics)


def places(diagnostics: list[dict]) -> Counter:
    return Counter((d["code"], d["path"]) for d in diagnostics)


# What a fix may make another rule report, and why that is right. RUNTIME002 adds the target a
# function needs and keeps the ones listed (another service may build from the same schema), so
# PACKAGE004 may then count more engines than the functions load: the listed one nobody needs.
REVEALS = {("RUNTIME002", "PACKAGE004")}


def applies(diagnostic: dict, unsafe: bool) -> bool:
    fix = diagnostic.get("fix")
    return fix is not None and (fix["applicability"] == "safe" or unsafe and fix["applicability"] == "unsafe")


def expected_text(text: str, edits: list[dict]) -> str:
    """The file as the announced edits make it, worked out here independently of lintkit.fixes:
    1-based character columns, exclusive end, a column past a line's end is its end, a BOM
    not counted, `\\n` in a replacement written as the file's line break."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text[len(bom):]
    index = LineIndex(body)
    crlf = "\r\n" in body

    def offset(line, column):
        start = index.starts[line - 1]
        end = index.starts[line] if line < len(index.starts) else len(body)
        content_end = len(body[start:end].rstrip("\r\n")) + start
        return min(start + column - 1, content_end)

    spans = sorted(((offset(e["range"]["line"], e["range"]["column"]),
                     offset(e["range"]["end_line"], e["range"]["end_column"]),
                     e["replacement"].replace("\n", "\r\n") if crlf else e["replacement"])
                    for e in edits), reverse=True)
    for start, end, replacement in spans:
        body = body[:start] + replacement + body[end:]
    return bom + body


def to_crlf_and_bom(root: Path, bom: bool) -> None:
    for path in root.rglob("*"):
        if path.is_file() and (path.suffix in TEXT_SUFFIXES or path.name.startswith(".env")):
            text = path.read_bytes().decode("utf-8").replace("\r\n", "\n").replace("\n", "\r\n")
            if bom and path.suffix in (".yml", ".yaml"):
                text = "\ufeff" + text
            path.write_bytes(text.encode("utf-8"))


def copy_case(case: Path, tmp_path: Path) -> Path:
    target = tmp_path / case.name
    shutil.copytree(case, target, symlinks=True)
    (target / "expected").unlink(missing_ok=True)
    return target


@pytest.mark.parametrize("variant", ["as-is", "crlf-bom"])
@pytest.mark.parametrize("unsafe", [False, True], ids=["fix", "unsafe-fixes"])
@pytest.mark.parametrize("code, case", list(bad_cases(fixable_codes())))
def test_fix_removes_the_finding_and_nothing_else(code, case, unsafe, variant, tmp_path, run_lintkit):
    project = copy_case(case, tmp_path)
    if variant == "crlf-bom":
        to_crlf_and_bom(project, bom=True)
    args = case_args(code, case)
    every_rule = ["check", ".", "--as-of", AS_OF]
    before, before_all = lint_json(run_lintkit, project, args), lint_json(run_lintkit, project, every_rule)
    original = snapshot(project)
    fixing = [d for d in before if applies(d, unsafe)]
    flags = ["--fix", "--unsafe-fixes"] if unsafe else ["--fix"]

    exit_code, _, err = run_lintkit(*args, *flags, cwd=project)
    assert exit_code in (0, 1), err
    fixed = snapshot(project)
    after, after_all = lint_json(run_lintkit, project, args), lint_json(run_lintkit, project, every_rule)

    # The fixed findings are gone; nothing that was not there before appeared (with every rule on:
    # by code and file, as another rule's message may change with the fix, as POOL006 counts the
    # connections a fixed `connection_limit` now sets).
    assert findings(after) == findings(before) - findings(fixing)
    new = places(after_all) - places(before_all)
    assert not {place for place in new if (code, place[0]) not in REVEALS}, "a fix made a new finding"
    assert not [d for d in after_all if d["code"].startswith("PARSE")
                and (d["code"], d["message"]) not in findings(before_all)], "a fixed file no longer parses"
    # Exactly the announced edits, each file: bytes outside them (comments, CRLF, BOM) unchanged.
    by_file: dict[str, list[dict]] = {}
    for d in fixing:  # two findings with one cause may announce the same edit: it is made once
        edits = by_file.setdefault(d["path"], [])
        edits.extend(edit for edit in d["fix"]["edits"] if edit not in edits)
    assert set(fixed) == set(original)
    for name, data in original.items():
        edits = by_file.get(name)
        want = expected_text(data.decode("utf-8"), edits).encode("utf-8") if edits else data
        assert fixed[name] == want, f"{name} is not the original with the announced edits"
    # A second --fix changes nothing.
    run_lintkit(*args, *flags, cwd=project)
    assert snapshot(project) == fixed


def test_every_fixable_rule_has_a_fixture_whose_fix_applies(run_lintkit):
    missing = []
    for code in fixable_codes():
        if not any(applies(d, True) for case in sorted((FIXTURES / code).glob("bad-*"))
                   for d in lint_json(run_lintkit, case, case_args(code, case)) if d["code"] == code):
            missing.append(code)
    assert not missing


@pytest.mark.parametrize("code, case", list(bad_cases(rule.code for rule in all_rules())))
def test_a_rule_fixes_only_as_it_declares(code, case, run_lintkit):
    for d in lint_json(run_lintkit, case, case_args(code, case)):
        if "fix" in d:
            assert d["fix"]["applicability"] in declared_fixes(d["code"]), \
                f"{d['code']} attached a {d['fix']['applicability']} fix but declares {declared_fixes(d['code'])}"
            assert d["fix"]["edits"], "a fix without edits"


def test_declared_applicabilities_are_known():
    for code in fixable_codes():
        assert set(declared_fixes(code)) <= set(APPLICABILITIES), code


def test_diff_applies_with_patch_and_matches_fix(tmp_path, run_lintkit):
    if shutil.which("patch") is None:
        pytest.skip("patch is not installed")
    case = FIXTURES / "RUNTIME002" / "bad-wrong-openssl"
    fixed, patched = copy_case(case, tmp_path / "fixed"), copy_case(case, tmp_path / "patched")
    to_crlf_and_bom(patched, bom=False)
    to_crlf_and_bom(fixed, bom=False)
    original = snapshot(fixed)
    args = case_args("RUNTIME002", case)
    exit_code, diff, err = run_lintkit(*args, "--diff", cwd=fixed)
    assert exit_code == 1 and diff.startswith("--- a/prisma/schema.prisma\n+++ b/prisma/schema.prisma\n"), err
    assert snapshot(fixed) == original, "--diff changed a file"
    run_lintkit(*args, "--fix", cwd=fixed)
    subprocess.run(["patch", "-p1", "--binary", "--quiet"], input=diff.encode("utf-8"), cwd=patched, check=True)
    assert snapshot(patched) == snapshot(fixed) != original
    exit_code, diff, _ = run_lintkit(*args, "--diff", cwd=fixed)
    assert (exit_code, diff) == (0, "")


def test_diff_paths_are_relative_to_the_working_folder(tmp_path, run_lintkit):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    project = copy_case(FIXTURES / "SECRET006" / "bad-v3-suffixes", tmp_path / "repo")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path / "repo", check=True)
    _, diff, _ = run_lintkit("check", project.name, "--as-of", AS_OF, "--select", "SECRET006", "--diff",
                             cwd=tmp_path / "repo")
    assert diff.startswith(f"--- a/{project.name}/serverless.yml\n")
    subprocess.run(["git", "apply", "--check", "-"], input=diff.encode(), cwd=tmp_path / "repo", check=True)


def test_fixable_findings_are_marked_and_counted(run_lintkit):
    case = FIXTURES / "RUNTIME003" / "bad-provider-timeout"
    _, out, _ = run_lintkit(*case_args("RUNTIME003", case), cwd=case)
    assert "[*]" not in out and out.endswith("No fixes with `--fix` (1 with `--fix --unsafe-fixes`).\n")
    _, out, _ = run_lintkit(*case_args("RUNTIME003", case), "--unsafe-fixes", cwd=case)
    assert ": [*] timeout 30 s" in out and out.endswith("[*] 1 fixable with `--fix --unsafe-fixes`.\n")
    _, out, _ = run_lintkit(*case_args("RUNTIME003", case), "--format", "concise", "--unsafe-fixes", cwd=case)
    assert "RUNTIME003 [timeout-exceeds-api-gateway] [*] timeout 30 s" in out


def test_show_fixes_lists_what_was_fixed(tmp_path, run_lintkit):
    case = FIXTURES / "SECRET006" / "bad-v3-suffixes"
    project = copy_case(case, tmp_path)
    _, _, err = run_lintkit(*case_args("SECRET006", case), "--show-fixes", cwd=project)
    assert err.count("SECRET006 [safe] Remove `~") == 4
    code, out, err = run_lintkit(*case_args("SECRET006", case), "--fix", "--show-fixes", cwd=project)
    assert code == 0 and "fixed 4 findings" in err and err.count("serverless.yml: Remove `~") == 4
    assert "No problems found" in out


def test_suppressed_and_baselined_findings_are_not_fixed(tmp_path, run_lintkit):
    project = copy_case(FIXTURES / "RUNTIME003" / "bad-provider-timeout", tmp_path)
    config = project / "serverless.yml"
    config.write_text(config.read_text().replace("timeout: 30", "timeout: 30  # lintkit: ignore[RUNTIME003]"))
    original = snapshot(project)
    run_lintkit("check", ".", "--as-of", AS_OF, "--select", "RUNTIME003", "--fix", "--unsafe-fixes", cwd=project)
    assert snapshot(project) == original
    config.write_text(config.read_text().replace("  # lintkit: ignore[RUNTIME003]", ""))
    baseline = tmp_path / "baseline.json"
    run_lintkit("check", ".", "--as-of", AS_OF, "--select", "RUNTIME003", "--write-baseline", str(baseline),
                cwd=project)
    original = snapshot(project)
    code, _, _ = run_lintkit("check", ".", "--as-of", AS_OF, "--select", "RUNTIME003", "--baseline",
                             str(baseline), "--fix", "--unsafe-fixes", cwd=project)
    assert code == 0 and snapshot(project) == original


def test_fix_does_not_write_through_a_symlink_that_leads_out(tmp_path, run_lintkit):
    outside = tmp_path / "outside.yml"
    shutil.copy(FIXTURES / "SECRET006" / "bad-v3-suffixes" / "serverless.yml", outside)
    project = tmp_path / "project"
    project.mkdir()
    (project / "serverless.yml").symlink_to(outside)
    before = outside.read_bytes()
    run_lintkit("check", ".", "--as-of", AS_OF, "--select", "SECRET006", "--fix", cwd=project)
    assert outside.read_bytes() == before
    # The writer itself refuses, should a fixed file's path be such a link.
    outcome = FixOutcome(files={project / "serverless.yml": FixedFile(
        project / "serverless.yml", str(project.resolve()), before.decode(), "changed\n")})
    with pytest.raises(Refused):
        write_fixed(outcome)
    assert outside.read_bytes() == before


def test_fix_keeps_the_file_permissions(tmp_path, run_lintkit):
    project = copy_case(FIXTURES / "SECRET006" / "bad-v3-suffixes", tmp_path)
    config = project / "serverless.yml"
    config.chmod(0o600)
    run_lintkit("check", ".", "--as-of", AS_OF, "--select", "SECRET006", "--fix", cwd=project)
    assert "~true" not in config.read_text() and (config.stat().st_mode & 0o777) == 0o600


def test_fix_never_touches_an_included_file_outside_the_project(tmp_path, run_lintkit):
    project = copy_case(FIXTURES / "RUNTIME003" / "bad-provider-timeout", tmp_path / "root")
    shared = tmp_path / "root" / "shared.yml"
    shared.write_text("timeout: 30\n")
    config = project / "serverless.yml"
    config.write_text(config.read_text().replace("timeout: 30", "timeout: ${file(../shared.yml):timeout}"))
    (project / ".git").mkdir()  # the project root is this folder: ../shared.yml is outside it
    original = shared.read_bytes()
    run_lintkit("check", ".", "--as-of", AS_OF, "--select", "RUNTIME003", "--fix", "--unsafe-fixes", cwd=project)
    assert shared.read_bytes() == original


def test_overlapping_fixes_are_applied_one_round_at_a_time():
    from lintkit.fixes import one_round

    path = Path("/p/serverless.yml").resolve()
    text = "runtime: nodejs18.x\n"
    outcome = FixOutcome(files={path: FixedFile(path, "/p", text, text)})
    first = Diagnostic("A001", "a", "error", "m", path, 1, 10, 1, 20,
                       fix=Fix.replace(Span(path, 1, 10, 1, 20), "nodejs18.x", "nodejs22.x", "a"))
    second = Diagnostic("B001", "b", "error", "m", path, 1, 10, 1, 20,
                        fix=Fix("b", [Edit(Span(path, 1, 17, 1, 19), "24")]))
    stale = Diagnostic("C001", "c", "error", "m", path, 1, 1, 1, 8,
                       fix=Fix.replace(Span(path, 1, 1, 1, 8), "timeout", "x", "c"))
    assert one_round([first, second, stale], outcome, lambda p: "/p", False, lambda t: t)
    assert outcome.files[path].text == "runtime: nodejs22.x\n"
    assert [title for _, title in outcome.applied] == ["a"]


def test_a_fix_that_would_write_a_secret_is_not_applied():
    from lintkit.fixes import one_round
    from lintkit.redact import Redactor

    path = Path("/p/.env").resolve()
    text = "A=1\n"
    outcome = FixOutcome(files={path: FixedFile(path, "/p", text, text)})
    redactor = Redactor()
    redactor.add("hunter2hunter2", Span(path, 1, 1, 1, 2))
    leak = Diagnostic("A001", "a", "error", "m", path, 1, 3, 1, 4,
                      fix=Fix.replace(Span(path, 1, 3, 1, 4), "1", "hunter2hunter2", "a"))
    assert not one_round([leak], outcome, lambda p: "/p", False, redactor)


def test_json_and_sarif_carry_the_fix(shared):
    path = Path("/project/serverless.yml").resolve()
    fix = Fix.replace(Span(path, 3, 12, 3, 22), "nodejs18.x", "nodejs24.x", "Set `runtime` to nodejs24.x",
                      "unsafe")
    diagnostic = Diagnostic("RUNTIME001", "deprecated-runtime", "error", "old", path, 3, 12, 3, 22, fix=fix)
    plain = Diagnostic("CONFIG004", "missing-log-retention", "info", "none", path, 2, 1, 2, 9)
    context = ReportContext(cwd=path.parent, color=False)
    stream = io.StringIO()
    render("json", [diagnostic, plain], context, stream)
    entries = json.loads(stream.getvalue())["diagnostics"]
    assert "fix" not in entries[0]  # no fix: the entry is as before
    assert entries[1]["fix"] == {"title": "Set `runtime` to nodejs24.x", "applicability": "unsafe", "edits": [
        {"range": {"line": 3, "column": 12, "end_line": 3, "end_column": 22}, "replacement": "nodejs24.x"}]}
    stream = io.StringIO()
    render("sarif", [diagnostic, plain], context, stream)
    document = json.loads(stream.getvalue())
    results = document["runs"][0]["results"]
    assert "fixes" not in results[0]
    change = results[1]["fixes"][0]["artifactChanges"][0]
    assert change["artifactLocation"]["uri"] == "serverless.yml"
    assert change["replacements"] == [{"deletedRegion": {"startLine": 3, "startColumn": 12, "endLine": 3,
                                                         "endColumn": 22},
                                       "insertedContent": {"text": "nodejs24.x"}}]
    schema_path = shared / "data" / "sarif-schema-2.1.0.json"
    import jsonschema

    schema = json.loads(schema_path.read_text())
    jsonschema.validate(document, schema, cls=jsonschema.validators.validator_for(schema))


def test_diagnostics_with_fixes_pickle():
    import pickle

    path = Path("/p/serverless.yml")
    d = Diagnostic("A001", "a", "error", "m", path, 1, 1, 1, 2,
                   fix=Fix.replace(Span(path, 1, 1, 1, 2), "x", "y", "t", "unsafe"))
    copy = pickle.loads(pickle.dumps(d))
    assert copy.fix == d.fix and copy.fix.edits[0].span == d.fix.edits[0].span


# -- hypothesis: comments and quoting around the fixable keys ---------------------------------------
COMMENTS = st.sampled_from(["", "  # keep me", " #x", "\t# tab: 'quoted' \"too\""])
QUOTES = st.sampled_from(["", "'", '"'])
BREAKS = st.sampled_from(["\n", "\r\n"])


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(runtime_quote=QUOTES, comments=st.lists(COMMENTS, min_size=6, max_size=6),
       newline=BREAKS, indent=st.sampled_from([2, 4]))
def test_fix_keeps_comments_and_quoting(tmp_path_factory, run_lintkit, runtime_quote,
                                        comments, newline, indent):
    import yaml

    pad = " " * indent
    lines = [f"# service{comments[0]}", f"service: app{comments[1]}", f"provider:{comments[2]}",
             f"{pad}name: aws", f"{pad}runtime: {runtime_quote}nodejs18.x{runtime_quote}{comments[3]}",
             f"{pad}timeout: 60{comments[4]}",
             "functions:", f"{pad}api:", f"{pad}{pad}handler: src/api.handler{comments[5]}",
             f"{pad}{pad}events:", f"{pad}{pad}{pad}- http: GET /users"]
    text = newline.join(lines) + newline
    project = tmp_path_factory.mktemp("gen")
    (project / "serverless.yml").write_bytes(text.encode())
    args = ["check", ".", "--as-of", AS_OF, "--select", "RUNTIME001,RUNTIME003"]
    run_lintkit(*args, "--fix", "--unsafe-fixes", cwd=project)
    fixed = (project / "serverless.yml").read_bytes().decode()
    want = text.replace("nodejs18.x", "nodejs24.x").replace("timeout: 60", "timeout: 29")
    assert fixed == want
    assert yaml.load(fixed, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))["provider"]["runtime"] == "nodejs24.x"
    assert lint_json(run_lintkit, project, args) == []


def test_a_warm_result_cache_keeps_the_fixes(tmp_path, run_lintkit):
    project = copy_case(FIXTURES / "SECRET006" / "bad-v3-suffixes", tmp_path / "p")
    cache = ["--cache-dir", str(tmp_path / "cache")]
    args = [*case_args("SECRET006", FIXTURES / "SECRET006" / "bad-v3-suffixes"), *cache]
    cold = lint_json(run_lintkit, project, args)
    assert any((tmp_path / "cache").iterdir()), "the outcome was not kept"
    warm = lint_json(run_lintkit, project, args)
    assert warm == cold and all("fix" in d for d in warm)
    code, _, err = run_lintkit(*args, "--fix", cwd=project)
    assert code == 0 and "fixed 4 findings" in err and "~true" not in (project / "serverless.yml").read_text()


def test_inline_esm_code_is_rewritten_as_commonjs(tmp_path, run_lintkit):
    """CFN001's unsafe fix: imports become requires and exports assignments, and what is left of
    the inline code is CommonJS the rule accepts (only `export default`, which has no fix)."""
    root = copy_case(FIXTURES / "CFN001" / "bad-esm-inline", tmp_path)
    code, _, err = run_lintkit("check", ".", "--select", "CFN001", "--unsafe-fixes", "--fix", cwd=root)
    assert code == 1, err
    text = (root / "serverless.yml").read_text()
    for line in ("const https = require('https')", "const path = require('path')",
                 "const { S3Client, PutObjectCommand: Put } = require('@aws-sdk/client-s3')",
                 "            const main = async (event) => {", "            exports.main = main",
                 "            exports.client = s3", "Handler: index.main"):
        assert line in text
    assert "import " not in text and "export const" not in text and "export {" not in text
    left = lint_json(run_lintkit, root, ["check", ".", "--select", "CFN001"])
    assert [d["message"] for d in left] == [
        "Inline ZipFile code is saved as index.js and loaded as CommonJS, so this `export` fails "
        "(\"Unexpected token 'export'\"): assign the handler to `exports.handler` instead."]

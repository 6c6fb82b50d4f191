"""The GitHub Action (action.yml): its shape, its script run locally with the variables GitHub sets,
and zizmor's audit of it and of the README's workflow (issue 12, item 4)."""
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from test_cli import DEPRECATED_SERVICE, GOOD_SERVICE, make_service

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / ".github" / "action" / "run.sh"
ACTION = yaml.safe_load((REPO / "action.yml").read_text())
STEPS = ACTION["runs"]["steps"]
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def test_every_action_is_pinned_by_commit_with_its_version_in_a_comment():
    text = (REPO / "action.yml").read_text()
    uses = [step["uses"] for step in STEPS if "uses" in step]
    assert uses and all(PINNED.match(ref) for ref in uses), uses
    for ref in uses:
        assert re.search(re.escape(ref) + r"\s+# v\d+\.\d+\.\d+", text), ref
    assert any(ref.startswith("github/codeql-action/upload-sarif@") for ref in uses)


def test_lintkit_gets_its_own_environment_and_the_job_keeps_its_python():
    setup = next(step for step in STEPS if step.get("uses", "").startswith("actions/setup-python@"))
    assert setup["with"]["update-environment"] is False
    install = next(step for step in STEPS if "pip install" in step.get("run", ""))
    assert "-m venv" in install["run"] and "--constraint" in install["run"]
    assert "$GITHUB_ACTION_PATH/.github/action/constraints.txt" in install["run"]
    constraints = (REPO / ".github" / "action" / "constraints.txt").read_text()
    assert all(re.fullmatch(r"[\w.-]+==[\w.]+", line) for line in constraints.splitlines()
               if line and not line.startswith("#"))
    for step in STEPS:  # inputs reach the shell through the environment, never spliced into it
        assert "${{" not in step.get("run", ""), step["name"]


def test_the_job_fails_after_the_upload_from_the_exit_code():
    lint = next(step for step in STEPS if step.get("id") == "lintkit")
    upload = next(step for step in STEPS if step.get("uses", "").startswith("github/codeql-action/"))
    last = STEPS[-1]
    assert STEPS.index(lint) < STEPS.index(upload) < STEPS.index(last)
    assert upload["if"].startswith("always()") and last["if"].startswith("always()")
    assert "steps.lintkit.outputs.exit-code" in str(last) and 'exit "${LINTKIT_EXIT_CODE' in last["run"]


def run_action(folder: Path, tmp_path: Path, args: str = "", paths: str = ".") -> tuple[dict, str, str]:
    output = tmp_path / "github-output"
    output.write_text("")
    lintkit = shutil.which("lintkit", path=str(Path(sys.executable).parent))
    env = {**os.environ, "LINTKIT": lintkit, "LINTKIT_PATHS": paths, "LINTKIT_FAIL_ON": "",
           "LINTKIT_ARGS": args, "LINTKIT_SARIF": "lintkit.sarif", "GITHUB_OUTPUT": str(output),
           "NO_COLOR": "1"}
    done = subprocess.run(["bash", str(SCRIPT)], cwd=folder, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr  # the last step of the action fails the job
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    return outputs, done.stdout, done.stderr


@pytest.mark.skipif(shutil.which("bash") is None, reason="the action's script is bash")
def test_findings_give_sarif_annotations_and_exit_code_1(tmp_path):
    service = make_service(tmp_path / "svc", DEPRECATED_SERVICE)
    outputs, out, _ = run_action(service, tmp_path, args="--as-of 2026-11-27 --select RUNTIME")
    assert outputs == {"exit-code": "1", "sarif-written": "true"}
    sarif = json.loads((service / "lintkit.sarif").read_text())
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["RUNTIME001"]
    annotations = [line for line in out.splitlines() if line.startswith("::")]
    assert len(annotations) == 1 and annotations[0].startswith("::error file=serverless.yml,line=4")


@pytest.mark.skipif(shutil.which("bash") is None, reason="the action's script is bash")
def test_a_clean_service_gives_exit_code_0_and_no_annotations(tmp_path):
    service = make_service(tmp_path / "svc", GOOD_SERVICE)
    outputs, out, _ = run_action(service, tmp_path)
    assert outputs == {"exit-code": "0", "sarif-written": "true"} and "::" not in out


@pytest.mark.skipif(shutil.which("bash") is None, reason="the action's script is bash")
@pytest.mark.parametrize("args", ["--format json", "--output=x.json", "-o x.json", "-ox.json",
                                  "--statistics", "--write-baseline b.json", "--stdin-filename a.ts"])
def test_args_that_would_break_the_report_are_rejected(tmp_path, args):
    service = make_service(tmp_path / "svc", DEPRECATED_SERVICE)
    outputs, out, _ = run_action(service, tmp_path, args=f"--as-of 2026-11-27 {args}")
    assert outputs == {"exit-code": "2"}
    assert out.startswith("::error title=lintkit::args must not set " + args.split()[0].split("=")[0][:2])
    assert not (service / "lintkit.sarif").exists()


@pytest.mark.skipif(shutil.which("bash") is None, reason="the action's script is bash")
def test_paths_and_args_are_split_on_spaces_never_globbed(tmp_path):
    make_service(tmp_path / "a", DEPRECATED_SERVICE)
    make_service(tmp_path / "b", DEPRECATED_SERVICE)
    outputs, out, _ = run_action(tmp_path, tmp_path, args="--select RUNTIME001 --as-of 2026-11-27",
                                 paths="a b")
    assert outputs["exit-code"] == "1" and out.count("::error") == 2
    outputs, _, err = run_action(tmp_path, tmp_path, paths="*")
    assert outputs == {"exit-code": "2"} and "*: no such file or directory" in err


def _readme_workflow() -> str:
    readme = (REPO / "README.md").read_text()
    return re.search(r"```yaml\n(# \.github/workflows/lintkit\.yml\n.*?)```", readme, re.S).group(1)


def test_the_readme_workflow_pins_checkout_and_keeps_permissions_to_the_job():
    workflow = yaml.safe_load(_readme_workflow())
    assert workflow["permissions"] == {}
    job = workflow["jobs"]["lintkit"]
    assert job["permissions"] == {"contents": "read", "security-events": "write"}
    checkout = job["steps"][0]
    assert PINNED.match(checkout["uses"]) and checkout["with"]["persist-credentials"] is False


@pytest.mark.skipif(shutil.which("zizmor") is None, reason="zizmor is not installed (pip install zizmor)")
def test_zizmor_reports_nothing_on_the_action_and_the_readme_workflow(tmp_path):
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    # The README's `uses: OWNER/lintkit@COMMIT` is a placeholder: audit it as a pinned reference.
    (workflows / "lintkit.yml").write_text(_readme_workflow().replace("OWNER/lintkit@COMMIT", "o/lintkit@" + "0" * 40))
    shutil.copy(REPO / "action.yml", tmp_path / "action.yml")
    for target in (tmp_path / "action.yml", workflows / "lintkit.yml"):
        done = subprocess.run(["zizmor", "--offline", "--no-progress", str(target)], capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0 and "No findings" in done.stdout + done.stderr, done.stdout + done.stderr

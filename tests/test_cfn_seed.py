"""The seed project's inline migration function (serverless.yml lines 41-52): ES module syntax in a
`Code.ZipFile` block, a Handler that is not `index.<export>`, and no `Role`."""
import pytest

AS_OF = "2026-11-27"


@pytest.fixture
def seed_lines(shared, run_lintkit):
    project = shared / "seed" / "project"
    code, out, err = run_lintkit("check", ".", "--format", "concise", "--as-of", AS_OF,
                                 "--select", "CFN001,CFN002", cwd=project)
    assert code == 1, err
    return out.splitlines()


def located(lines, code):
    return [line.split(f": {code} [")[0] for line in lines if f": {code} [" in line]


def test_cfn001_reports_the_handler_name_and_each_esm_statement(seed_lines):
    assert located(seed_lines, "CFN001") == [
        "serverless.yml:46:18",  # Handler: migrate.handler → index.handler
        "serverless.yml:49:13",  # import { execSync } from 'child_process'
        "serverless.yml:50:13",  # export function handler() {
    ]
    by_line = {line.split(":")[1]: line for line in seed_lines if " CFN001 [" in line}
    assert "`index.handler`" in by_line["46"]
    assert "require('child_process')" in by_line["49"]
    assert "exports.handler" in by_line["50"]


def test_cfn002_reports_the_missing_role_at_the_properties_key(seed_lines):
    assert located(seed_lines, "CFN002") == ["serverless.yml:43:7"]
    assert "`MigrateDB` has no `Role`" in next(line for line in seed_lines if " CFN002 [" in line)

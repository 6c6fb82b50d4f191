"""The seed project's inline migration function (serverless.yml lines 41-52): ES module syntax in a
`Code.ZipFile` block, a Handler that is not `index.<export>`, and no `Role`."""
import pytest



@pytest.fixture
def seed_lines(lint_seed):
    return lint_seed("CFN001,CFN002")


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

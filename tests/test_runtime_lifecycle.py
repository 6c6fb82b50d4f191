"""lintkit/data/runtimes.json: three lifecycle dates per runtime, each entry with a known source, and
the stage a runtime is in on a date."""
from datetime import date

import pytest

from lintkit.analysis.facts import runtime_lifecycle, runtime_table


def test_every_runtime_has_its_three_dates_and_a_listed_source():
    table = runtime_table()
    for name in table["nodejs"]:
        lifecycle = runtime_lifecycle(name)
        assert lifecycle.source in table["sources"], name
        assert lifecycle.block_function_create <= lifecycle.block_function_update, name


@pytest.mark.parametrize("as_of, stage", [
    ("2026-04-29", "supported"), ("2026-04-30", "deprecated"), ("2027-02-01", "create-blocked"),
    ("2027-03-03", "update-blocked"),
])
def test_nodejs20_stages_follow_cfn_lint_dates(as_of, stage):
    assert runtime_lifecycle("nodejs20.x").stage(date.fromisoformat(as_of)) == stage


def test_not_a_node_runtime_has_no_lifecycle():
    assert runtime_lifecycle("python3.12") is None

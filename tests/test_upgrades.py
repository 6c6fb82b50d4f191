"""Prisma 7 and Serverless Framework v4 (issue 13): a service set up as both projects document stays
quiet under every rule, and the same service with the mistakes the upgrades bring reports each one,
once, at the line to edit (tests/data/upgrades/)."""
import re
from pathlib import Path

import pytest

UPGRADES = Path(__file__).parent / "data" / "upgrades"
AS_OF = "2026-11-27"
FINDING = re.compile(r"^(?P<place>[^:]+:\d+):\d+: (?P<code>[A-Z]+\d{3}) ")


def findings(run_lintkit, project: str) -> list[tuple[str, str]]:
    code, out, err = run_lintkit("check", ".", "--format", "concise", "--as-of", AS_OF,
                                 cwd=UPGRADES / project)
    assert code in (0, 1), err
    return [(match["code"], match["place"]) for match in map(FINDING.match, out.splitlines()) if match]


def test_a_prisma7_v4_service_set_up_as_documented_has_no_findings(run_lintkit):
    # pg adapter with max and connectionTimeoutMillis, prisma.config.ts with env('DATABASE_URL'),
    # the prisma-client generator, v4's built-in esbuild with the CLI external for `migrate`
    assert findings(run_lintkit, "prisma7-v4") == []


@pytest.mark.parametrize("code, place, mistake", [
    ("CLIENT003", "prisma/schema.prisma:8", "url still in schema.prisma's datasource"),
    ("PACKAGE010", "serverless.yml:5", "serverless-esbuild without build.esbuild: false"),
    ("RUNTIME001", "serverless.yml:7", "no runtime: v4 deploys nodejs20.x, deprecated"),
    ("POOL007", "serverless.yml:19", "connection_limit in the URL, ignored by the adapter"),
    ("CLIENT007", "serverless.yml:20", "PRISMA_CLIENT_ENGINE_TYPE, removed in Prisma 7"),
    ("POOL002", "src/lib/db.ts:4", "PrismaPg without max"),
    ("POOL008", "src/lib/db.ts:4", "PrismaPg without connectionTimeoutMillis"),
    ("SECRET015", "src/lib/db.ts:6", "rejectUnauthorized: false"),
    ("CLIENT007", "src/lib/db.ts:11", "$use middleware, removed in Prisma 7"),
])
def test_each_upgrade_mistake_is_reported_once_where_it_is_made(run_lintkit, code, place, mistake):
    assert findings(run_lintkit, "prisma7-v4-broken").count((code, place)) == 1, mistake


def test_the_broken_upgrade_reports_nothing_else_but_the_pool_size(run_lintkit):
    reported = {code for code, _ in findings(run_lintkit, "prisma7-v4-broken")}
    # POOL006: without `max` the adapter's default of 10 per instance multiplies with concurrency
    assert reported == {"CLIENT003", "CLIENT007", "PACKAGE010", "POOL002", "POOL006", "POOL007",
                        "POOL008", "RUNTIME001", "SECRET015"}

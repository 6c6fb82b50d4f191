"""The reviewer's labels on the real projects in ../shared/realworld (its README): each "flag" is
reported at its place, each "quiet" is not reported. Labels that lintkit cannot meet yet are strict
xfails naming the issue that brings them: when one starts to pass, the xfail must go.

A flag is (project, path, line or None, what): a finding at `path:line` whose code is `what`, or,
for a problem no rule catches yet, whose message names `what` (the thing to fix). A quiet is
(project, path or None, code or prefix): no such finding (in `path`, when given)."""
from __future__ import annotations

import json

import pytest

from conftest import SHARED

REALWORLD = SHARED / "realworld"
AS_OF = "2026-12-01"

PRISMA = "prisma__prisma-examples__deployment-platforms__aws-lambda"
ARM64 = "adamjq__aws-lambda-arm64-prisma"
EXPRESS = "orangelab-kr__openapi-platform"
NEST = "gridaco__serverless-prisma-webpack-nest-server-template"
HMM = "hmmhmmhm__serverless-prisma"
APOLLO = "rushi444__serverless-prisma"


def later(issue: int, why: str):
    return pytest.mark.xfail(strict=True, reason=f"issue {issue}: {why}")


FLAGS = [
    pytest.param(PRISMA, "serverless.yml", 8, "RUNTIME006", id="prisma-runtime-too-old-for-prisma-5"),
    pytest.param(PRISMA, "serverless.yml", 8, "RUNTIME001", id="prisma-deprecated-runtime"),
    pytest.param(PRISMA, "handlers/create-user.js", 18, "PrismaClientKnownRequestError",
                 id="prisma-no-such-error-class"),
    pytest.param(PRISMA, "serverless.yml", 20, "deleteMany", id="prisma-public-route-wipes-the-database"),
    pytest.param(ARM64, "prisma/schema.prisma", 10, "RUNTIME007", id="arm64-sqlite-on-lambda"),
    pytest.param(ARM64, "serverless.yml", 16, "RUNTIME001", id="arm64-deprecated-runtime"),
    pytest.param(EXPRESS, "serverless.yml", 6, "RUNTIME001", id="express-deprecated-runtime"),
    pytest.param(NEST, "serverless.yml", 26, "RUNTIME001", id="nest-deprecated-runtime"),
    pytest.param(NEST, "webpack.config.js", 19, ".env", id="nest-copy-plugin-ships-dotenv"),
    pytest.param(NEST, "package.json", None, "devDependencies", id="nest-prisma-client-declared-twice"),
    pytest.param(HMM, "serverless.yml", 21, "RUNTIME001", id="hmm-deprecated-runtime"),
    pytest.param(APOLLO, "serverless.yml", 17, "PACKAGE003", id="apollo-packager-options-as-a-list"),
    pytest.param(APOLLO, "serverless.yml", 24, "RUNTIME001", id="apollo-deprecated-runtime"),
    pytest.param(APOLLO, "src/graphql.js", 11, "formatError", id="apollo-format-error-returns-raw-errors"),
    pytest.param(APOLLO, "serverless.yml", 33, "cfnRole", id="apollo-account-specific-cfn-role"),
]

QUIET = [
    pytest.param(PRISMA, None, "CLIENT001", id="prisma-module-scope-clients"),
    pytest.param(PRISMA, None, "PACKAGE001", id="prisma-patterns-keep-the-engine"),
    pytest.param(PRISMA, None, "RUNTIME002", id="prisma-binary-target-right-for-node-14"),
    pytest.param(PRISMA, None, "VPC001", id="prisma-no-evidence-of-rds"),
    pytest.param(ARM64, None, "RUNTIME002", id="arm64-binary-target-matches"),
    pytest.param(ARM64, None, "PACKAGE002", id="arm64-patterns-keep-the-arm64-engine"),
    pytest.param(ARM64, None, "CLIENT001", id="arm64-module-scope-client"),
    pytest.param(EXPRESS, None, "CLIENT001", id="express-client-cached-on-global"),
    pytest.param(EXPRESS, None, "CONFIG005", id="express-doppler-injects-the-url"),
    pytest.param(EXPRESS, None, "VPC001", id="express-no-evidence-of-rds"),
    pytest.param(NEST, None, "PACKAGE001", id="nest-binary-engine-patterns"),
    pytest.param(NEST, None, "PACKAGE003", id="nest-webpack-copies-the-engine"),
    pytest.param(NEST, None, "CLIENT", id="nest-server-cached"),
    pytest.param(HMM, None, "CONFIG002", id="hmm-handler-re-exports-the-build"),
    pytest.param(HMM, None, "CONFIG005", id="hmm-dotenv-supplies-the-url"),
    pytest.param(HMM, None, "CLIENT001", id="hmm-module-scope-client"),
    pytest.param(HMM, None, "PACKAGE001", id="hmm-patterns-keep-the-rhel-engines"),
    pytest.param(HMM, None, "VPC001", id="hmm-no-evidence-of-rds"),
    pytest.param(APOLLO, None, "CLIENT001", id="apollo-module-scope-client"),
    pytest.param(APOLLO, None, "CONFIG005", id="apollo-url-from-uncommitted-env-yml"),
    pytest.param(APOLLO, None, "VPC001", id="apollo-no-evidence-of-rds"),
    pytest.param(APOLLO, None, "PARSE002", id="apollo-env-yml-kept-out-of-git"),
]

_reports: dict[str, list[dict]] = {}


@pytest.fixture
def diagnostics(run_lintkit):
    if not REALWORLD.is_dir():
        pytest.skip("../shared/realworld is not present")

    def of(project: str) -> list[dict]:
        if project not in _reports:
            code, out, err = run_lintkit("check", ".", "--format", "json", "--as-of", AS_OF,
                                         cwd=REALWORLD / project)
            assert code in (0, 1), err
            _reports[project] = json.loads(out)["diagnostics"]
        return _reports[project]
    return of


@pytest.mark.parametrize("project, path, line, code", FLAGS)
def test_flag_is_reported_at_its_place(diagnostics, project, path, line, code):
    found = [d for d in diagnostics(project) if d["path"] == path and line in (None, d["line"])
             and (d["code"] == code or code.lower() in d["message"].lower())]
    assert found, [f'{d["path"]}:{d["line"]} {d["code"]}' for d in diagnostics(project)]


@pytest.mark.parametrize("project, path, code", QUIET)
def test_quiet_is_not_reported(diagnostics, project, path, code):
    found = [f'{d["path"]}:{d["line"]} {d["code"]}: {d["message"]}' for d in diagnostics(project)
             if d["code"].startswith(code) and path in (None, d["path"])]
    assert not found, found

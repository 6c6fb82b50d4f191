"""Which Serverless Framework runs a service (lintkit.analysis.framework) and the npm range helper."""
from pathlib import Path

import pytest

from lintkit.analysis.framework import framework
from lintkit.formats import load_service
from lintkit.read.packagejson import allowed_majors

KNOWN = (1, 2, 3, 4)


@pytest.mark.parametrize("spec, majors", [
    ("3", {3}), ("^3.38.0", {3}), (">=3", {3, 4}), ("4", {4}), (">=4.0.0", {4}), ("2 || 3", {2, 3}),
    (">3", {4}), (">3.1.0", {3, 4}), ("<4", {1, 2, 3}), ("<4.1", {1, 2, 3, 4}), ("3.x", {3}),
    ("3.1 - 4", {3, 4}), (">=2.0.0 <3.0.0", {2}),
])
def test_allowed_majors(spec, majors):
    assert allowed_majors(spec, KNOWN) == majors


@pytest.mark.parametrize("spec", ["*", "latest", "", "github:serverless/serverless", None])
def test_allowed_majors_says_nothing_for_what_is_not_a_range(spec):
    assert allowed_majors(spec, KNOWN) is None


def _service(tmp_path: Path, framework_version: str | None, package_json: str | None):
    lines = ["service: s"] + ([f"frameworkVersion: '{framework_version}'"] if framework_version else [])
    (tmp_path / "serverless.yml").write_text("\n".join(lines + ["provider:", "  name: aws", ""]))
    if package_json:
        (tmp_path / "package.json").write_text(package_json)
    return load_service(tmp_path / "serverless.yml", tmp_path)


@pytest.mark.parametrize("version, package_json, flavour, majors", [
    ("4", None, "serverless", {4}),
    (None, '{"devDependencies": {"serverless": "^3.38.0"}}', "serverless", {3}),
    (">=3", '{"devDependencies": {"serverless": "^4.1.0"}}', "serverless", {4}),  # narrowed
    ("3", '{"devDependencies": {"serverless": "^4.1.0"}}', "serverless", None),  # disagree: unknown
    ("3", '{"devDependencies": {"osls": "^3.51.0"}}', "osls", {3}),
    (None, None, "unknown", None),
    ("3", '{"devDependencies": {"osls": "^3.51.0", "serverless": "^3.38.0"}}', "unknown", {3}),
])
def test_framework_from_version_and_package_json(tmp_path, version, package_json, flavour, majors):
    found = framework(_service(tmp_path, version, package_json))
    assert found.flavour == flavour
    assert found.majors == (frozenset(majors) if majors is not None else None)

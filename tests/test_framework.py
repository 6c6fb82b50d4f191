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


def _built(tmp_path: Path, document: str, files=("src/a.ts",)) -> dict[str, bool | None]:
    from lintkit.analysis.framework import builtin_builds

    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("export const handler = async () => ({});\n")
    (tmp_path / "serverless.yml").write_text(document)
    service = load_service(tmp_path / "serverless.yml", tmp_path)
    return {function.name: builtin_builds(service, function) for function in service.functions}


@pytest.mark.parametrize("document, expected", [
    # zero-config: TypeScript handlers only, and only with a written nodejs runtime
    ("provider: {name: aws, runtime: nodejs22.x}\nfunctions: {ts: {handler: src/a.handler}, "
     "js: {handler: src/b.handler}}\n", {"ts": True, "js": False}),
    ("provider: {name: aws}\nfunctions: {ts: {handler: src/a.handler}}\n", {"ts": False}),
    ("provider: {name: aws, runtime: python3.12}\nfunctions: {ts: {handler: src/a.handler}}\n", {"ts": False}),
    # build.esbuild set: JavaScript handlers too; `false` turns it off
    ("provider: {name: aws, runtime: nodejs22.x}\nbuild: {esbuild: {minify: true}}\n"
     "functions: {js: {handler: src/b.handler}}\n", {"js": True}),
    ("provider: {name: aws, runtime: nodejs22.x}\nbuild: {esbuild: false}\n"
     "functions: {ts: {handler: src/a.handler}}\n", {"ts": False}),
    # a function `build` other than esbuild, or an artifact, opts out
    ("provider: {name: aws, runtime: nodejs22.x}\nfunctions: {ts: {handler: src/a.handler, build: custom}, "
     "art: {handler: src/a.handler, package: {artifact: a.zip}}}\n", {"ts": False, "art": False}),
    ("provider: {name: aws, runtime: nodejs22.x}\npackage: {artifact: all.zip}\n"
     "functions: {ts: {handler: src/a.handler}, own: {handler: src/a.handler, package: {individually: true}}}\n",
     {"ts": False, "own": True}),
    # a service `build` without esbuild turns off the zero-config TypeScript check
    ("provider: {name: aws, runtime: nodejs22.x}\nbuild: {other: 1}\nfunctions: {ts: {handler: src/a.handler}}\n",
     {"ts": False}),
])
def test_builtin_esbuild_builds_what_the_framework_builds(tmp_path, document, expected):
    assert _built(tmp_path, "service: s\n" + document, files=("src/a.ts", "src/b.js")) == expected

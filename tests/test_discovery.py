"""Which services `check` lints: every serverless.yml in the tree, nested services too, none inside
dependency or build folders or what .gitignore ignores (`--verbose` says what was skipped), and a
PATH given explicitly even there."""
import json
from pathlib import Path

from lintkit.discovery import Skipped, discover, services_of
from test_cli import DEPRECATED_SERVICE, concise, make_service


def linted(run_lintkit, *args, cwd) -> list[str]:
    code, out, err = concise(run_lintkit, *args, cwd=cwd)
    assert code in (0, 1), err
    return sorted({line.split(":")[0] for line in out.splitlines()})


def repository(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    return tmp_path


def test_a_service_nested_in_another_is_linted_too(tmp_path, run_lintkit):
    root = repository(tmp_path)
    make_service(root, DEPRECATED_SERVICE)
    make_service(root / "layers" / "database", DEPRECATED_SERVICE)
    assert linted(run_lintkit, ".", cwd=root) == ["layers/database/serverless.yml", "serverless.yml"]
    assert linted(run_lintkit, "serverless.yml", cwd=root) == ["serverless.yml"]


def test_nested_services_are_found_from_the_pre_commit_hook_too(tmp_path):
    root = repository(tmp_path)
    make_service(root, DEPRECATED_SERVICE)
    make_service(root / "layers" / "database", DEPRECATED_SERVICE)
    configs = sorted(target.config_path for target in services_of([str(root)]))
    assert configs == [root / "layers" / "database" / "serverless.yml", root / "serverless.yml"]
    # a changed file belongs to the nearest service above it
    (root / "layers" / "database" / "src" / "api.ts").touch()
    targets = services_of([str(root / "layers" / "database" / "src" / "api.ts")])
    assert [target.config_path for target in targets] == [root / "layers" / "database" / "serverless.yml"]


def test_git_ignored_folders_are_skipped_and_verbose_says_so(tmp_path, run_lintkit):
    root = repository(tmp_path)
    (root / ".gitignore").write_text("generated/\n")
    make_service(root / "services" / "api", DEPRECATED_SERVICE)
    make_service(root / "services" / "api" / "generated", DEPRECATED_SERVICE)
    make_service(root / "node_modules" / "pkg", DEPRECATED_SERVICE)
    make_service(root / "services" / "api" / ".esbuild" / ".build", DEPRECATED_SERVICE)
    assert linted(run_lintkit, ".", cwd=root) == ["services/api/serverless.yml"]
    # the root .gitignore counts when a folder below it is linted
    assert linted(run_lintkit, "services", cwd=root) == ["services/api/serverless.yml"]

    code, out, err = concise(run_lintkit, ".", "--verbose", cwd=root)
    assert code == 1 and "generated" not in out
    assert err.splitlines() == [
        "lintkit: skipped node_modules (dependencies)",
        "lintkit: skipped services/api/.esbuild (build output)",
        "lintkit: skipped services/api/generated (ignored by .gitignore)",
    ]
    _, _, quiet = concise(run_lintkit, ".", cwd=root)
    assert quiet == ""


def test_verbose_keeps_machine_output_on_stdout_unchanged(tmp_path, run_lintkit):
    root = repository(tmp_path)
    make_service(root / "api", DEPRECATED_SERVICE)
    make_service(root / "node_modules" / "pkg", DEPRECATED_SERVICE)
    plain = run_lintkit("check", ".", "--format", "json", "--as-of", "2026-11-27", cwd=root)
    verbose = run_lintkit("check", ".", "--format", "json", "--as-of", "2026-11-27", "-v", cwd=root)
    assert plain[:2] == verbose[:2] and json.loads(verbose[1])
    assert verbose[2] == "lintkit: skipped node_modules (dependencies)\n"


def test_a_negated_gitignore_line_brings_a_folder_back(tmp_path, run_lintkit):
    root = repository(tmp_path)
    (root / ".gitignore").write_text("services/*\n!services/kept\n")
    make_service(root / "services" / "kept", DEPRECATED_SERVICE)
    make_service(root / "services" / "gone", DEPRECATED_SERVICE)
    assert linted(run_lintkit, ".", cwd=root) == ["services/kept/serverless.yml"]


def test_an_explicit_path_is_linted_inside_a_skipped_folder(tmp_path, run_lintkit):
    root = repository(tmp_path)
    (root / ".gitignore").write_text("dist/\n")
    make_service(root / "node_modules" / "x", DEPRECATED_SERVICE)
    make_service(root / "dist", DEPRECATED_SERVICE)
    make_service(root / "api", DEPRECATED_SERVICE)
    assert linted(run_lintkit, "node_modules/x", cwd=root) == ["node_modules/x/serverless.yml"]
    assert linted(run_lintkit, "dist/serverless.yml", cwd=root) == ["dist/serverless.yml"]
    assert linted(run_lintkit, "dist", cwd=root) == ["dist/serverless.yml"]
    assert linted(run_lintkit, ".", cwd=root) == ["api/serverless.yml"]


def test_the_pre_commit_hook_skips_services_in_ignored_folders(tmp_path):
    root = repository(tmp_path)
    (root / ".gitignore").write_text("generated/\n")
    make_service(root / "generated" / "svc", DEPRECATED_SERVICE)
    make_service(root / "node_modules" / "pkg", DEPRECATED_SERVICE)
    skipped = []
    changed = [str(root / "generated" / "svc" / "src" / "api.ts"), str(root / "node_modules" / "pkg")]
    assert services_of(changed, skipped) == []
    assert skipped == [Skipped(root / "generated" / "svc" / "serverless.yml", "ignored by .gitignore"),
                       Skipped(root / "node_modules" / "pkg" / "serverless.yml", "dependencies")]


def test_a_file_included_with_file_is_not_a_service(tmp_path):
    root = repository(tmp_path)
    make_service(root, DEPRECATED_SERVICE + "custom: ${file(./config/custom.yml)}\n")
    (root / "config").mkdir()
    (root / "config" / "custom.yml").write_text("service: not-a-service\nprovider:\n  name: aws\n")
    assert [target.config_path for target in discover([str(root)])] == [root / "serverless.yml"]


INCLUDED_RESOURCES = ("Resources:\n  Table:\n    Type: AWS::DynamoDB::Table\n    Properties:\n"
                      "      TableName: ${self:service}-${file(./config/common.yml):stage}\n")


def test_a_config_named_file_another_service_includes_is_part_of_that_service(tmp_path, run_lintkit):
    """`${file(./resources/serverless.yml)}` and a serverless.ts importing `./base/serverless.json`:
    those files are the including service's, never services of their own (no "has no provider"
    or unresolved-variable findings against them); --verbose says why they were skipped."""
    root = repository(tmp_path)
    make_service(root, DEPRECATED_SERVICE + "resources:\n  - ${file(./resources/serverless.yml)}\n")
    (root / "resources").mkdir()
    (root / "resources" / "serverless.yml").write_text(INCLUDED_RESOURCES)
    (root / "config").mkdir()
    (root / "config" / "common.yml").write_text("stage: dev\n")
    ts = root / "ts-service"
    make_service(ts, "import base from './base/serverless.json'\n"
                     "export default { ...base, service: 'ts',\n"
                     "  functions: { api: { handler: 'src/api.handler' } } }\n",
                 name="serverless.ts")
    (ts / "base").mkdir()
    (ts / "base" / "serverless.json").write_text('{"provider": {"name": "aws", "runtime": "nodejs18.x"}}\n')

    skipped: list[Skipped] = []
    configs = sorted(target.config_path for target in discover([str(root)], skipped))
    assert configs == [root / "serverless.yml", ts / "serverless.ts"]
    assert Skipped(root / "resources" / "serverless.yml",
                   "included by serverless.yml, part of that service") in skipped
    assert Skipped(ts / "base" / "serverless.json",
                   "included by ts-service/serverless.ts, part of that service") in skipped
    code, out, err = concise(run_lintkit, ".", cwd=root)
    assert code == 1 and "resources/serverless.yml" not in out
    assert "base/serverless.json:" in out  # its deprecated runtime, in the ts service
    # named explicitly or changed in a commit, it stands for the service that includes it
    included = root / "resources" / "serverless.yml"
    assert [(t.config_path, t.only_files) for t in discover([str(included)])] == \
        [(root / "serverless.yml", {included})]
    assert [t.config_path for t in services_of([str(root / "resources" / "serverless.yml")])] == \
        [root / "serverless.yml"]


def test_a_serverless_ts_module_the_configuration_imports_values_from_is_part_of_it(tmp_path, run_lintkit):
    """`import { todoHandlers } from './src/handlers/todo/serverless'`: a module named like a
    configuration that the service's serverless.ts takes `functions` from is not a service."""
    root = repository(tmp_path)
    make_service(root, "import { handlers } from './src/api/serverless'\n"
                       "export default { service: 'app', provider: { name: 'aws', runtime: 'nodejs24.x' },\n"
                       "  functions: { ...handlers } }\n", name="serverless.ts")
    (root / "src" / "api").mkdir()
    (root / "src" / "api" / "serverless.ts").write_text(
        "export const handlers = { api: { handler: 'src/api.handler', runtime: 'nodejs16.x' } }\n")
    skipped: list[Skipped] = []
    assert [t.config_path for t in discover([str(root)], skipped)] == [root / "serverless.ts"]
    assert Skipped(root / "src" / "api" / "serverless.ts",
                   "included by serverless.ts, part of that service") in skipped
    code, out, _ = concise(run_lintkit, ".", cwd=root)
    assert "PARSE001" not in out and "src/api/serverless.ts:1:" in out  # its runtime, in the service


def test_a_nested_service_that_is_not_included_is_still_its_own(tmp_path):
    root = repository(tmp_path)
    make_service(root, DEPRECATED_SERVICE + "custom: ${file(./config/custom.yml)}\n")
    (root / "config").mkdir()
    (root / "config" / "custom.yml").write_text("a: 1\n")
    make_service(root / "layers" / "database", DEPRECATED_SERVICE)
    configs = sorted(target.config_path for target in discover([str(root)]))
    assert configs == [root / "layers" / "database" / "serverless.yml", root / "serverless.yml"]


def test_the_editor_lints_an_included_config_as_part_of_its_service(tmp_path):
    from lintkit.lsp import service_of

    root = repository(tmp_path)
    make_service(root, DEPRECATED_SERVICE + "resources:\n  - ${file(./resources/serverless.yml)}\n")
    (root / "resources").mkdir()
    (root / "resources" / "serverless.yml").write_text(INCLUDED_RESOURCES)
    make_service(root / "layers" / "database", DEPRECATED_SERVICE)
    assert service_of(root / "resources" / "serverless.yml") == root / "serverless.yml"
    nested = root / "layers" / "database" / "serverless.yml"
    assert service_of(nested) == nested
    assert service_of(root / "new" / "serverless.yml") == root / "new" / "serverless.yml"  # not saved yet


def test_discovery_loads_no_service_when_none_is_nested(tmp_path, monkeypatch):
    """Only a configuration in a folder above another's can include it: without nesting,
    discovery reads no configuration (a service never includes itself)."""
    import lintkit.discovery as discovery

    def refuse(*args):
        raise AssertionError("discovery loaded a service")

    monkeypatch.setattr(discovery, "_included_files", refuse)
    root = repository(tmp_path)
    make_service(root / "a", DEPRECATED_SERVICE)
    make_service(root / "b", DEPRECATED_SERVICE)
    assert sorted(t.config_path for t in discover([str(root)])) == [root / "a" / "serverless.yml",
                                                                     root / "b" / "serverless.yml"]


def test_the_front_end_table_names_what_each_front_end_claims():
    """formats.FRONT_ENDS names each front end with its CONFIG_NAMES without importing it
    (discovery runs on every `check`, a warm one too): the table and the modules agree, and every
    module of lintkit/formats that claims names is in it."""
    import importlib

    from lintkit import formats

    listed = dict(formats.FRONT_ENDS)
    claiming = {path.stem for path in Path(formats.__file__).parent.glob("[!_]*.py")
                if "\nCONFIG_NAMES = " in path.read_text()}
    assert set(listed) == claiming
    for module, names in formats.FRONT_ENDS:
        front_end = importlib.import_module(f"lintkit.formats.{module}")
        assert front_end.CONFIG_NAMES == names
        assert all(formats.front_end_for(Path("service", name)) is front_end for name in names)

import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from lintkit.config import Config, ConfigError, find_config, load_config


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_find_config_walks_up_to_the_repository_root(tmp_path):
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    service = tmp_path / "repo" / "services" / "api"
    service.mkdir(parents=True)
    write(tmp_path / ".lintkit.yml", "")  # above the repository root: never used
    assert find_config(service) is None
    config = write(tmp_path / "repo" / ".lintkit.yaml", "")
    assert find_config(service) == config
    nearer = write(tmp_path / "repo" / "services" / ".lintkit.yml", "")
    assert find_config(service) == nearer


def test_find_config_stops_at_stop_at(tmp_path):
    write(tmp_path / ".lintkit.yml", "")
    service = tmp_path / "a" / "b"
    service.mkdir(parents=True)
    assert find_config(service, stop_at=tmp_path / "a") is None
    assert find_config(service, stop_at=tmp_path) == tmp_path / ".lintkit.yml"


def test_find_config_looks_at_each_folder_once_for_the_services_under_it(tmp_path, monkeypatch):
    import lintkit.config as config_module

    (tmp_path / "repo" / ".git").mkdir(parents=True)
    shared = write(tmp_path / "repo" / "services" / ".lintkit.yml", "")
    own = write(tmp_path / "repo" / "services" / "b" / "package.json", '{"lintkit": {}}')
    services = [tmp_path / "repo" / "services" / name for name in ("a", "b", "c")]
    for service in services:
        service.mkdir(parents=True, exist_ok=True)
    looked: list[Path] = []
    is_present = config_module.is_present
    monkeypatch.setattr(config_module, "is_present", lambda path: looked.append(path) or is_present(path))
    folders: dict = {}
    found = [find_config(service, tmp_path / "repo", folders) for service in services]
    assert found == [shared, own, shared]
    assert len(looked) == len(set(looked))  # each candidate once, the shared folder's too
    assert found == [find_config(service, tmp_path / "repo") for service in services]
    # the same folders under a project root that stops below them: their answers do not leak
    assert find_config(services[0], services[0], folders) is None


def test_load_full_config(tmp_path):
    path = write(tmp_path / ".lintkit.yml", """
select: [SECRET, VPC001, client-per-invocation]
ignore: [SECRET004]
severity: {SECRET: warning, SECRET002: info, missing-log-retention: warning}
per-file-ignores:
  "legacy/**": [CLIENT]
  "*.test.ts": [client-per-invocation]
exclude: [node_modules, "examples/**"]
fail-on: warning
opt: {stage: prod, debug: true, replicas: 2}
""")
    config = load_config(path)
    assert config.path == path and config.root == tmp_path
    assert config.select == ["SECRET", "VPC001", "client-per-invocation"]
    assert config.fail_on == "warning"
    assert config.opt == {"stage": "prod", "debug": "true", "replicas": "2"}

    assert config.is_selected("SECRET001", "plaintext-database-password")
    assert config.is_selected("CLIENT001", "client-per-invocation")
    assert not config.is_selected("SECRET004", "secret-in-variable-fallback")  # ignore wins
    assert not config.is_selected("RUNTIME001", "deprecated-runtime")

    assert config.severity_for("SECRET001", "x", "error") == "warning"  # prefix
    assert config.severity_for("SECRET002", "x", "error") == "info"  # exact code beats prefix
    assert config.severity_for("CONFIG004", "missing-log-retention", "info") == "warning"
    assert config.severity_for("VPC001", "x", "error") == "error"

    assert config.is_ignored_for_file("CLIENT001", "c", tmp_path / "legacy" / "a" / "h.ts")
    assert config.is_ignored_for_file("CLIENT001", "client-per-invocation", tmp_path / "src" / "h.test.ts")
    assert not config.is_ignored_for_file("CLIENT001", "c", tmp_path / "src" / "h.ts")
    assert not config.is_ignored_for_file("SECRET001", "s", tmp_path / "legacy" / "h.ts")

    assert config.is_excluded(tmp_path / "svc" / "node_modules" / "x" / "serverless.yml")
    assert config.is_excluded(tmp_path / "examples" / "demo")
    assert config.is_excluded(tmp_path / "examples" / "demo" / "serverless.yml")
    assert not config.is_excluded(tmp_path / "svc" / "examples" / "demo")  # anchored at the root
    assert not config.is_excluded(tmp_path / "services" / "api")


def test_empty_config_file_gives_defaults(tmp_path):
    config = load_config(write(tmp_path / ".lintkit.yml", "# nothing yet\n"))
    assert (config.select, config.ignore, config.fail_on) == ([], [], None)
    assert config.fails("warning") and not config.fails("info")
    assert config.is_selected("ANY001", "any")


def test_invalid_yaml_names_file_and_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / ".lintkit.yml", "select: [SECRET\nfail-on: error\n")
    with pytest.raises(ConfigError) as error:
        load_config(Path(".lintkit.yml"))
    assert str(error.value).startswith(".lintkit.yml:2:8: invalid YAML: ")


def test_schema_errors_name_path_line_and_problem(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / ".lintkit.yml", """\
selct: [SECRET]
fail-on: warn
severity:
  SECRET001: warn
ignore: [SECRET001, "not a selector"]
""")
    with pytest.raises(ConfigError) as error:
        load_config(tmp_path / ".lintkit.yml")
    assert str(error.value).splitlines() == [
        ".lintkit.yml:1:1: unknown key (did you mean 'select'?); allowed keys: select, "
        "ignore, severity, per-file-ignores, exclude, fail-on, rule-url, opt",
        ".lintkit.yml:2:10: fail-on: must be one of error, warning, info, never",
        ".lintkit.yml:4:14: severity.<key>: must be one of error, warning, info",
        ".lintkit.yml:5:21: ignore[1]: not a rule code (SECRET001), code prefix "
        "(SECRET) or rule name (plaintext-database-password)",
    ]


def test_top_level_must_be_a_mapping(tmp_path):
    with pytest.raises(ConfigError, match="must be a mapping"):
        load_config(write(tmp_path / ".lintkit.yml", "- SECRET\n"))


def test_overrides():
    config = Config(select=["SECRET"], ignore=["SECRET004"], fail_on="error")
    merged = config.with_overrides(select=["VPC"], ignore=["VPC003"], fail_on="never")
    assert merged.select == ["VPC"] and merged.ignore == ["SECRET004", "VPC003"]
    assert merged.fail_on == "never"
    assert config.with_overrides() == config
    with pytest.raises(ValueError):
        config.with_overrides(fail_on="warn")


@pytest.mark.parametrize(
    "fail_on, severity, fails",
    [("error", "error", True), ("error", "warning", False), ("warning", "warning", True),
     ("info", "info", True), ("never", "error", False)],
)
def test_fails(fail_on, severity, fails):
    assert Config(fail_on=fail_on).fails(severity) is fails


def test_schema_ships_as_package_data():
    text = resources.files("lintkit.schemas").joinpath("lintkit-config.schema.json").read_text()
    assert '"fail-on"' in text


def test_jsonschema_is_imported_only_for_a_config_file():
    code = "import sys, lintkit.config; print('jsonschema' in sys.modules)"
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- configuration where Node teams keep it; --config and --isolated (issue 12, item 10) ------------
SERVICE = ("service: app\nprovider:\n  name: aws\n  runtime: nodejs18.x\n"
           "functions:\n  api:\n    handler: src/api.handler\n")


def _service(folder: Path) -> Path:
    (folder / "src").mkdir(parents=True)
    (folder / "src" / "api.ts").write_text("export const handler = async () => ({})\n")
    (folder / "serverless.yml").write_text(SERVICE)
    return folder


def _codes(out: str) -> list[str]:
    return [line.split(": ")[1].split()[0] for line in out.splitlines()]


def test_a_lintkit_key_in_package_json_is_a_configuration(tmp_path, run_lintkit):
    _service(tmp_path)
    (tmp_path / "package.json").write_text('{"name": "app", "lintkit": {"ignore": ["RUNTIME001"]}}\n')
    code, out, _ = run_lintkit("check", ".", "--format", "concise", "--as-of", "2026-11-27", cwd=tmp_path)
    assert (code, _codes(out)) == (0, ["CONFIG004"])


def test_lintkit_yml_wins_over_package_json_and_package_json_without_the_key_is_passed_over(tmp_path):
    service = _service(tmp_path / "svc")
    (tmp_path / ".git").mkdir()
    (service / "package.json").write_text('{"name": "svc", "dependencies": {"lintkit": "1"}}\n')
    (tmp_path / "package.json").write_text('{"lintkit": {"select": ["VPC"]}}\n')
    assert find_config(service) == tmp_path / "package.json"
    (tmp_path / ".lintkit.yml").write_text("select: [RUNTIME]\n")
    assert find_config(service) == tmp_path / ".lintkit.yml"


def test_package_json_configuration_errors_are_located_in_package_json(tmp_path, run_lintkit):
    _service(tmp_path)
    (tmp_path / "package.json").write_text('{\n  "name": "app",\n  "lintkit": {\n    "fail-on": "sometimes"\n  }\n}\n')
    code, out, err = run_lintkit("check", ".", "--format", "concise", "--as-of", "2026-11-27", cwd=tmp_path)
    assert code == 2 and out.startswith("package.json:4:16: PARSE001 ") and "fail-on: must be one of" in out
    assert "RUNTIME001" in out  # linted with the default configuration


def test_explicit_config_replaces_the_ones_found_and_isolated_ignores_them_all(tmp_path, run_lintkit):
    service = _service(tmp_path / "svc")
    (service / ".lintkit.yml").write_text("ignore: [RUNTIME001, CONFIG004]\n")
    (tmp_path / "ci.yml").write_text("select: [CONFIG]\n")
    lint = ("check", ".", "--format", "concise", "--as-of", "2026-11-27")
    assert run_lintkit(*lint, cwd=service)[0] == 0
    code, out, _ = run_lintkit(*lint, "--config", str(tmp_path / "ci.yml"), cwd=service)
    assert _codes(out) == ["CONFIG004"]
    code, out, _ = run_lintkit(*lint, "--isolated", cwd=service)
    assert (code, _codes(out)) == (1, ["CONFIG004", "RUNTIME001"])


def test_a_missing_or_invalid_explicit_config_is_a_usage_error(tmp_path, run_lintkit):
    _service(tmp_path)
    code, out, err = run_lintkit("check", ".", "--config", "nope.yml", cwd=tmp_path)
    assert (code, out) == (2, "") and "--config nope.yml: no such file" in err
    (tmp_path / "bad.yml").write_text("select: [RUNTME]\n")
    code, out, err = run_lintkit("check", ".", "--config", "bad.yml", cwd=tmp_path)
    assert (code, out) == (2, "") and "bad.yml:1:10: select[0]: `RUNTME` is not a rule code" in err
    code, _, err = run_lintkit("check", ".", "--config", "bad.yml", "--isolated", cwd=tmp_path)
    assert code == 2 and "not allowed with argument" in err

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

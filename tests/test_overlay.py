"""Unsaved buffers stand in for files on disk, for every kind of file lintkit reads."""
from datetime import date

from lintkit.discovery import discover
from lintkit.engine import Engine, Options


def lint(folder, overlays, select):
    options = Options(as_of=date(2026, 11, 27), select=select, overlays=overlays)
    engine = Engine(options)
    return [(d.path.name, d.line, d.code) for d in engine.run(discover([str(folder)])).diagnostics]


def test_buffers_replace_yaml_source_and_dotenv_files(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "serverless.yml").write_text(
        "service: app\nprovider:\n  name: aws\n  runtime: nodejs24.x\n"
        "functions:\n  api:\n    handler: src/api.handler\n")
    handler = tmp_path / "src" / "api.ts"
    handler.write_text("export const handler = async () => ({})\n")
    (tmp_path / ".env").write_text("A=1\n")
    assert lint(tmp_path, {}, ["RUNTIME001", "PARSE004", "SECRET002"]) == []

    overlays = {
        tmp_path / "serverless.yml": "service: app\nprovider:\n  name: aws\n  runtime: nodejs18.x\n"
                                     "functions:\n  api:\n    handler: src/api.handler\n",
        handler: "export const handler = async () => {\n",
        tmp_path / ".env": "AWS_ACCESS_KEY_ID=AKIA2E0A8F3B244C9986\n",
    }
    found = lint(tmp_path, overlays, ["RUNTIME001", "PARSE004", "SECRET002"])
    assert ("serverless.yml", 4, "RUNTIME001") in found
    assert any(name == "api.ts" and code == "PARSE004" for name, _, code in found)
    assert (".env", 1, "SECRET002") in found
    # the buffers are gone after the run: disk content again
    assert lint(tmp_path, {}, ["RUNTIME001", "PARSE004", "SECRET002"]) == []

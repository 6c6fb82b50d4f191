"""lintkit.read.buildout: handlers and imports that name build output are followed to their sources
(tsconfig outDir/rootDir, project references, nest-cli.json sourceRoot, the usual dist/ layouts), and
what cannot be followed is said once, as info."""
import json
import textwrap
from pathlib import Path

from lintkit.formats import load_service
from lintkit.model.service import Service
from lintkit.read.buildout import load_build_layout
from lintkit.read.tsconfig import read_tsconfig

SERVERLESS = """\
service: app
provider:
  name: aws
  runtime: nodejs20.x
functions:
  api:
    handler: {handler}
"""


def make_service(tmp_path: Path, handler: str, files: dict[str, str]) -> Service:
    (tmp_path / "serverless.yml").write_text(SERVERLESS.format(handler=handler))
    for name, content in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content))
    return load_service(tmp_path / "serverless.yml", tmp_path)


def handler_file(service: Service) -> str:
    graph = service.graph(service.functions[0])
    assert graph is not None and graph.handler is not None
    return graph.handler_file.path.relative_to(service.root).as_posix()


def test_tsconfig_reads_out_dir_root_dir_include_and_references(tmp_path):
    (tmp_path / "base.json").write_text('{"compilerOptions": {"outDir": "./build"}}')
    (tmp_path / "tsconfig.json").write_text(
        '{"extends": "./base", "compilerOptions": {"rootDir": "src"}, "include": ["src/**/*.ts"],'
        ' "references": [{"path": "./packages/api"}, {"path": "./tsconfig.lib.json"}]}')
    config = read_tsconfig(tmp_path / "tsconfig.json")
    assert config.out_dir == tmp_path / "build"  # relative to the file that writes it
    assert config.root_dir == tmp_path / "src"
    assert config.include_dirs == [tmp_path / "src"]
    assert config.references == [tmp_path / "packages/api/tsconfig.json", tmp_path / "tsconfig.lib.json"]


def test_handler_in_out_dir_is_analysed_from_root_dir_even_when_built(tmp_path):
    service = make_service(tmp_path, "dist/handlers/users.handler", {
        "tsconfig.json": '{"compilerOptions": {"rootDir": "src", "outDir": "dist"}}',
        "src/handlers/users.ts": "export const handler = async () => 1\n",
        "dist/handlers/users.js": "exports.handler = async () => 1\n",
    })
    assert handler_file(service) == "src/handlers/users.ts"


def test_out_dir_without_root_dir_uses_the_folders_tsc_compiles(tmp_path):
    service = make_service(tmp_path, "build/main.handler", {
        "tsconfig.json": '{"compilerOptions": {"outDir": "build"}, "include": ["app"]}',
        "app/main.ts": "export const handler = async () => 1\n",
    })
    assert handler_file(service) == "app/main.ts"


def test_project_references_map_their_own_out_dir(tmp_path):
    service = make_service(tmp_path, "packages/api/lib/index.handler", {
        "tsconfig.json": '{"files": [], "references": [{"path": "packages/api"}]}',
        "packages/api/tsconfig.json": '{"compilerOptions": {"rootDir": "src", "outDir": "lib"}}',
        "packages/api/src/index.ts": "export const handler = async () => 1\n",
    })
    assert handler_file(service) == "packages/api/src/index.ts"


def test_nest_cli_source_root(tmp_path):
    service = make_service(tmp_path, "dist/main.handler", {
        "nest-cli.json": '{"sourceRoot": "apps/api"}',
        "package.json": '{"scripts": {"build": "nest build"}}',
        "apps/api/main.ts": "export const handler = async () => 1\n",
    })
    assert handler_file(service) == "apps/api/main.ts"


def test_whole_module_reexport_of_build_output_reaches_the_sources(tmp_path):
    service = make_service(tmp_path, "handler.serverlessAlpha", {
        "handler.js": "module.exports = require('./dist/index')",
        "tsconfig.json": '{"compilerOptions": {"rootDir": "./", "outDir": "dist"}}',
        "index.ts": "import './core/db'\nexport const serverlessAlpha = async () => 1\n",
        "core/db.ts": "import { PrismaClient } from '@prisma/client'\nexport const db = new PrismaClient()\n",
    })
    graph = service.graph(service.functions[0])
    assert graph.export_found and graph.handler_file.path == tmp_path / "index.ts"
    assert graph.imports_prisma_client()


def test_usual_layout_stands_in_only_for_missing_output_of_a_build(tmp_path):
    files = {"src/h.ts": "export const handler = async () => 1\n",
             "package.json": '{"scripts": {"build": "npx esbuild src/h.ts --outdir=dist"}}'}
    assert handler_file(make_service(tmp_path, "dist/h.handler", files)) == "src/h.ts"
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist/h.js").write_text("exports.handler = async () => 1\n")
    assert handler_file(make_service(tmp_path, "dist/h.handler", files)) == "dist/h.js"


def test_config_copied_into_an_output_folder_names_handlers_from_there(tmp_path):
    service = make_service(tmp_path, "handlers/users.handler", {
        "package.json": '{"scripts": {"build": "tsc && cp serverless.yml package.json ./dist"}}',
        "tsconfig.json": '{"compilerOptions": {"rootDir": "src", "outDir": "dist"}}',
        "src/handlers/users.ts": "export const handler = async () => 1\n",
    })
    assert service.build_layout.deploy_dirs == [tmp_path / "dist"]
    assert handler_file(service) == "src/handlers/users.ts"


def test_build_steps():
    root = Path("/srv/app")
    assert load_build_layout(root, None, {"test": "jest"}, [], "serverless.yml").build_step is None
    for scripts, plugins, step in [
        ({"build": "cross-env NODE_ENV=production npx tsc"}, [], "the `build` script (`tsc`)"),
        ({"compile": "rm -rf dist && yarn webpack"}, [], "the `compile` script (`webpack`)"),
        ({}, ["serverless-esbuild"], "the serverless-esbuild plugin"),
    ]:
        assert load_build_layout(root, None, scripts, plugins, "serverless.yml").build_step == step
    layout = load_build_layout(root, None, {}, [], "serverless.yml")
    assert layout.outputs == [] and layout.bases(root / "dist/x") == [root / "dist/x"]


def test_unfollowed_handlers_are_one_info_each_and_read_by_no_rule(tmp_path, run_lintkit):
    make_service(tmp_path, "dist/handlers/gone.handler", {
        "package.json": '{"scripts": {"build": "tsc"}}',
        "tsconfig.json": '{"compilerOptions": {"rootDir": "src", "outDir": "dist"}}',
    })
    service = load_service(tmp_path / "serverless.yml", tmp_path)
    assert service.graph(service.functions[0]) is None
    code, out, _ = run_lintkit("check", ".", "--format", "json", cwd=tmp_path)
    found = [d for d in json.loads(out)["diagnostics"] if d["code"] == "CONFIG002"]
    assert len(found) == 1 and found[0]["severity"] == "info"
    assert "`api` is not analysed" in found[0]["message"] and "src/handlers/gone" in found[0]["message"]


def test_realworld_reexport_of_tsc_output_is_followed(shared, run_lintkit):
    project = shared / "realworld" / "hmmhmmhm__serverless-prisma"
    code, out, err = run_lintkit("check", ".", "--format", "concise", "--select", "CONFIG002",
                                 cwd=project)
    assert code == 0 and out == "", out + err
    service = load_service(project / "serverless.yml", project)
    graph = service.graph(service.functions[0])
    assert graph.export_definition[0].path == project / "index.ts"  # `router.handler({...})`
    assert project / "core/prisma.ts" in [file.path for file in graph.files]


def test_hostile_build_configs_are_bounded_and_never_raise(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "tsconfig.json").write_text('{"compilerOptions": {"outDir": "dist"}}')
    project = tmp_path / "project"
    project.mkdir()
    service = make_service(project, "dist/h.handler", {
        "tsconfig.json": '{"compilerOptions": {"outDir": "dist"}, "references": [{"path": "./a"},'
                         ' {"path": "../outside"}, {"path": 7}]}',
        "a/tsconfig.json": '{"references": [{"path": ".."}, {"path": "../a"}]}',  # a cycle
        "nest-cli.json": "{ not json",
        "package.json": '{"scripts": {"build": "' + "tsc -p " * 5000 + '"}}',
    })
    layout = service.build_layout
    assert [output.path for output in layout.outputs if output.declared] == [project / "dist"]
    assert service.unfollowed(service.functions[0]) is not None  # one info, no traceback

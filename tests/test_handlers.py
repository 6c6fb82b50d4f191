"""lintkit.read.handlers and lintkit.read.tsconfig: handler paths, module resolution, the handler graph."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import yaml

from lintkit.read.handlers import (
    CALL_TYPES, HandlerGraph, block_scalar_bases, format_chain, handler_candidates, locate_handler,
    is_module_scope, iter_module_scope, module_matches, resolve_handler_path, resolve_module,
    handler_readings, source_from_block_scalar, split_handler,
)
from lintkit.model.nodes import Scalar, Span
from lintkit.read.buildout import BuildLayout, OutputDir
from lintkit.read.files import is_inside
from lintkit.read.sources import SourceCache, callee_name, iter_nodes, node_name
from lintkit.read.tsconfig import TsConfig, load_tsconfig, parse_jsonc

DATA = Path(__file__).parent / "data" / "handlers"
EXPORTS = DATA / "exports"
SEED = Path("/work/shared/seed/project")


def graph_for(root: Path, handler: str, tsconfig=None, cache=None) -> HandlerGraph:
    cache = cache or SourceCache()
    path, export = resolve_handler_path(root, handler)
    assert path is not None, handler
    return HandlerGraph(cache.parse(path), export, cache, tsconfig, root)


def rel(graph: HandlerGraph, root: Path) -> list[str]:
    return [file.path.relative_to(root).as_posix() for file in graph.files]


def new_expressions(graph: HandlerGraph):
    """(file name, text, callee names of the chain) for each `new` run per invocation."""
    return [(file.path.name, file.node_text(node), [step.name for step in steps])
            for file, node, steps in graph.per_invocation() if node.type == "new_expression"]


# -- handler paths ---------------------------------------------------------------------------------
@pytest.mark.parametrize("handler, expected", [
    ("src/handlers/users.handler", ("src/handlers/users", "handler")),
    ("src/api.v2.handler", ("src/api", "v2.handler")),
    ("handlers/countries.CountriesHandler.list", ("handlers/countries", "CountriesHandler.list")),
    ("src.v1/users.handler", ("src.v1/users", "handler")),
    ("index.default", ("index", "default")),
    ("nodot", ("nodot", "")),
])
def test_split_handler_as_the_lambda_runtime_does(handler, expected):
    """aws-lambda-nodejs-runtime-interface-client: the file name ends at the first dot of the
    last path segment; the rest is the export and the members below it."""
    assert split_handler(handler) == expected


def test_a_dotted_file_name_is_also_read_up_to_the_last_dot():
    assert handler_readings("src/api.v2.handler") == [("src/api", "v2.handler"), ("src/api.v2", "handler")]
    assert handler_readings("src/users.handler") == [("src/users", "handler")]


@pytest.mark.parametrize("source", [
    "export class Countries {\n  static async list(event) { return new PrismaClient(); }\n}\n",
    "export const Countries = {\n  list: async (event) => new PrismaClient(),\n};\n",
    "export const Countries = {\n  async list(event) { return new PrismaClient(); },\n};\n",
])
def test_a_nested_handler_is_the_member_of_its_export(tmp_path, source):
    (tmp_path / "handlers").mkdir()
    (tmp_path / "handlers" / "countries.ts").write_text("import { PrismaClient } from '@prisma/client';\n"
                                                         + source)
    path, export = resolve_handler_path(tmp_path, "handlers/countries.Countries.list")
    assert path == tmp_path / "handlers" / "countries.ts" and export == "Countries.list"
    graph = HandlerGraph(SourceCache().parse(path), export, SourceCache())
    assert graph.export_found and graph.handler is not None
    assert "new PrismaClient()" in [graph.handler_file.node_text(node) for _, node, _ in graph.per_invocation()]


def test_a_nested_handler_lintkit_cannot_see_is_not_followed(tmp_path):
    (tmp_path / "app.ts").write_text("export class Api {\n  list(event) { return 1; }\n}\n")
    path, export = resolve_handler_path(tmp_path, "app.Api.list")  # not static: Api.list is undefined
    graph = HandlerGraph(SourceCache().parse(path), export, SourceCache())
    assert graph.export_found and graph.handler is None


def test_resolve_seed_handler():
    path, export = resolve_handler_path(SEED, "src/handlers/users.handler")
    assert path == SEED / "src/handlers/users.ts" and export == "handler"


def test_missing_handler_file():
    path, export = resolve_handler_path(SEED, "src/handlers/create-user.handler")
    assert path is None and export == "handler"
    candidates = handler_candidates(SEED, "src/handlers/create-user.handler")
    assert candidates[0] == SEED / "src/handlers/create-user.ts"
    assert SEED / "src/handlers/create-user/index.js" in candidates


def test_handler_extension_order_and_dotted_names():
    assert resolve_handler_path(DATA, "dotted/api.v2.handler") == (DATA / "dotted/api.v2.ts",
                                                                   "handler")
    assert resolve_handler_path(DATA, "./exports/esm_module.handler")[0] == \
        EXPORTS / "esm_module.mjs"


def test_folder_index_handler():
    root = DATA / "folder_index"
    path, _ = resolve_handler_path(root, "src/handlers/users.handler")
    assert path == root / "src/handlers/users/index.ts"
    graph = graph_for(root, "src/handlers/users.handler")
    assert graph.handler_file.path.name == "handler.ts"


def test_handler_cannot_escape_project_root():
    service = DATA / "escape" / "service"
    assert resolve_handler_path(service, "../outside/handler.handler")[0] is None
    path, _ = resolve_handler_path(service, "../outside/handler.handler", DATA / "escape")
    assert path == DATA / "escape/outside/handler.ts"
    assert resolve_handler_path(service, "src/ok.handler")[0] == service / "src/ok.ts"


def first_outside_by_probing(service: Path, project: Path, handler: str) -> str | None:
    """What CONFIG002 probed before the resolution said it: the first candidate in the service
    folder that is a file, when it lies outside the project."""
    for candidate in handler_candidates(service, handler):
        if candidate.is_file():
            inside = is_inside(os.path.realpath(candidate), os.path.realpath(project))
            return None if inside else str(candidate)
    return None


@pytest.mark.parametrize("declared", [True, False])
def test_locate_handler_names_the_file_outside_the_project(tmp_path, declared):
    project, service = tmp_path / "project", tmp_path / "project" / "svc"
    (service / "src").mkdir(parents=True)
    (service / "dist").mkdir()
    (tmp_path / "elsewhere").mkdir()
    for name in ("src/ok.ts", "dist/built.js"):
        (service / name).write_text("export const main = () => 1\n")
    (tmp_path / "outside.ts").write_text("export const main = 1\n")
    (tmp_path / "elsewhere/built.ts").write_text("export const main = 1\n")
    (tmp_path / "elsewhere/both.ts").write_text("export const main = 1\n")
    os.symlink(tmp_path / "outside.ts", service / "src/linked.ts")
    os.symlink(tmp_path / "elsewhere/built.ts", service / "src/built.ts")
    os.symlink(tmp_path / "elsewhere/both.ts", service / "src/both.ts")
    os.symlink(tmp_path / "outside.ts", service / "dist/deployed.js")
    layout = BuildLayout([OutputDir(service / "dist", (service / "src",), "tsconfig.json `outDir`",
                                    declared)], "tsc", [service / "dist"])
    expected = {
        "src/ok.main": (service / "src/ok.ts", None),
        "../../outside.main": (None, str(tmp_path / "outside.ts")),
        "src/linked.main": (None, str(service / "src/linked.ts")),
        "src/missing.main": (None, None),
        # build output whose source links out: the service folder's own candidate decides
        "dist/built.main": (None, None) if declared else (service / "dist/built.js", None),
        "dist/both.main": (None, None),
        "deployed.main": (None, None),  # outside, but in the folder it is deployed from
    }
    for handler, (path, outside) in expected.items():
        found = locate_handler(service, handler, project, layout)
        assert (found.path, found.export, found.outside) == (path, "main", outside), handler
        assert found[:2] == resolve_handler_path(service, handler, project, layout)
        if path is None:
            assert outside == first_outside_by_probing(service, project, handler), handler


# -- export forms through the graph ----------------------------------------------------------------
@pytest.mark.parametrize("name, export, file, line", [
    ("esm_const.ts", "handler", "esm_const.ts", 3),
    ("esm_function.ts", "handler", "esm_function.ts", 1),
    ("esm_async_function.ts", "handler", "esm_async_function.ts", 1),
    ("esm_alias.ts", "handler", "esm_alias.ts", 1),
    ("esm_specifier.ts", "handler", "esm_specifier.ts", 1),
    ("esm_default.ts", "default", "esm_default.ts", 1),
    ("esm_default_ident.ts", "default", "esm_default_ident.ts", 1),
    ("cjs_exports.js", "handler", "cjs_exports.js", 1),
    ("cjs_module_exports_member.js", "handler", "cjs_module_exports_member.js", 1),
    ("cjs_shorthand.js", "handler", "cjs_shorthand.js", 1),
    ("cjs_pair.js", "handler", "cjs_pair.js", 2),
    ("cjs_method.js", "handler", "cjs_method.js", 2),
    ("cjs_whole.js", "module.exports", "cjs_whole.js", 1),
    ("cjs_whole.js", "default", "cjs_whole.js", 1),
    ("cjs_require_member.cjs", "handler", "cjs_impl.js", 1),
    ("cjs_reexport_module.js", "handler", "cjs_impl.js", 1),
    ("reexport.ts", "handler", "real.ts", 1),
    ("reexport_alias.ts", "handler", "real.ts", 5),
    ("star.ts", "handler", "real.ts", 1),
    ("imported_alias.ts", "handler", "real.ts", 5),
    ("imported_const.ts", "handler", "real.ts", 5),
    ("middy.ts", "handler", "middy.ts", 4),
    ("wrap_inline.ts", "handler", "wrap_inline.ts", 3),
    ("wrap_imported.ts", "handler", "real.ts", 5),
    ("ts_export_assign.ts", "handler", "ts_export_assign.ts", 1),
])
def test_graph_finds_handler_function(name, export, file, line):
    cache = SourceCache()
    graph = HandlerGraph(cache.parse(EXPORTS / name), export, cache, None, DATA)
    assert graph.export_found
    assert graph.handler is not None, name
    assert graph.handler_file.path.name == file
    assert graph.handler_file.span(graph.handler).line == line


def test_export_that_is_not_a_function():
    cache = SourceCache()
    graph = HandlerGraph(cache.parse(EXPORTS / "esm_class.ts"), "Handler", cache)
    assert graph.export_found and graph.handler is None
    assert list(graph.per_invocation()) == []


def test_missing_export():
    cache = SourceCache()
    graph = HandlerGraph(cache.parse(EXPORTS / "esm_const.ts"), "main", cache)
    assert not graph.export_found and graph.handler is None
    graph = HandlerGraph(cache.parse(EXPORTS / "star.ts"), "nothing", cache, None, DATA)
    assert not graph.export_found
    assert graph.has_export("main")


def test_reexport_from_package_counts_as_export():
    cache = SourceCache()
    source = cache.parse_text("export { handler } from '@acme/lambda'", Path("x.ts"), "typescript")
    graph = HandlerGraph(source, "handler", cache)
    assert graph.export_found and graph.handler is None


# -- module resolution and imports ----------------------------------------------------------------
IMPORTS = DATA / "imports"


def test_tsconfig_with_comments_trailing_commas_and_extends():
    config = load_tsconfig(IMPORTS)
    assert config is not None
    assert config.base_url == IMPORTS
    assert set(config.paths) == {"@/*", "@lib/*", "#db"}
    assert config.resolve_alias("@/lib/db")[0] == IMPORTS / "src/lib/db"
    assert config.resolve_alias("@lib/log")[0] == IMPORTS / "src/lib/log"
    assert config.resolve_alias("#db")[0] == IMPORTS / "src/lib/db.ts"
    assert config.resolve_alias("lodash") == [IMPORTS / "lodash"]  # baseUrl; never a file


def test_import_graph_follows_local_modules_only():
    graph = graph_for(IMPORTS, "src/handler.handler", load_tsconfig(IMPORTS))
    files = rel(graph, IMPORTS)
    assert files[0] == "src/handler.ts"
    assert set(files) == {
        "src/handler.ts", "src/lib/db.ts", "src/lib/log.ts", "src/util/index.ts",
        "src/esm-style.ts", "src/helper.ts", "src/cycle/a.ts", "src/cycle/b.ts", "src/shared.ts",
        "src/legacy.js", "src/lazy.ts"}
    assert len(files) == len(set(files))  # the a ↔ b cycle: each file once
    # type-only imports are not followed, generated clients are recorded but not read
    assert "src/types.ts" not in files
    assert not any("generated" in f for f in files)


def test_import_resolution_forms():
    graph = graph_for(IMPORTS, "src/handler.handler", load_tsconfig(IMPORTS))
    resolved = {imp.module: imp.resolved for imp in graph.entry.imports}
    src = IMPORTS / "src"
    assert resolved["@/lib/db"] == src / "lib/db.ts"
    assert resolved["./util"] == src / "util/index.ts"
    assert resolved["./esm-style.js"] == src / "esm-style.ts"
    assert resolved["./legacy"] == src / "legacy.js"
    assert resolved["#db"] == src / "lib/db.ts"
    assert resolved["./lazy"] == src / "lazy.ts"
    assert resolved["./generated/prisma"] == src / "generated/prisma/index.js"
    assert resolved["pg"] is None and resolved["node:child_process"] is None


def test_imports_module_queries():
    graph = graph_for(IMPORTS, "src/handler.handler", load_tsconfig(IMPORTS))
    assert graph.imports_module("pg")
    assert graph.imports_module("@prisma/client")  # from lib/db.ts, a transitive import
    assert graph.imports_module("child_process")  # `node:` prefix ignored
    assert not graph.imports_module("@prisma/adapter-")
    assert graph.imports_prisma_client()
    found = {(f.path.name, imp.module) for f, imp in graph.prisma_client_imports()}
    assert found == {("handler.ts", "./generated/prisma"), ("db.ts", "@prisma/client")}


def test_module_matches():
    assert module_matches("@prisma/adapter-pg", "@prisma/adapter-")
    assert module_matches("@prisma/client/edge", "@prisma/client")
    assert not module_matches("@prisma/clientx", "@prisma/client")
    assert module_matches("node:fs", "fs") and module_matches("fs/promises", "fs")
    assert module_matches("@aws-sdk/client-ssm", "@aws-sdk/")


def test_type_only_imports_count_only_when_asked():
    cache = SourceCache()
    code = "import type { User } from '@prisma/client'\nexport const handler = () => 1"
    source = cache.parse_text(code, Path("t.ts"), "typescript")
    graph = HandlerGraph(source, "handler", cache)
    assert not graph.imports_module("@prisma/client")
    assert graph.imports_module("@prisma/client", include_type_only=True)
    assert not graph.imports_prisma_client()


def test_generated_client_from_schema_output(tmp_path):
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "index.js").write_text("exports.PrismaClient = class {}\n")
    (tmp_path / "h.ts").write_text(
        "import { PrismaClient } from './db'\nexport const handler = () => 1\n")
    cache = SourceCache()
    graph = HandlerGraph(cache.parse(tmp_path / "h.ts"), "handler", cache, None, tmp_path)
    assert not graph.imports_prisma_client()
    assert graph.imports_prisma_client(generated_dirs=[tmp_path / "db"])


def test_resolve_module_respects_project_root(tmp_path):
    (tmp_path / "outside.ts").write_text("export const x = 1\n")
    (tmp_path / "svc").mkdir()
    importer = tmp_path / "svc" / "h.ts"
    importer.write_text("import { x } from '../outside'\n")
    assert resolve_module(importer, "../outside") == tmp_path / "outside.ts"
    assert resolve_module(importer, "../outside", project_root=tmp_path / "svc") is None
    assert resolve_module(importer, "lodash") is None


def test_unparsed_files_are_reported(tmp_path):
    (tmp_path / "big.ts").write_text("export const x = 1\n" * 50)
    (tmp_path / "h.ts").write_text("import { x } from './big'\nexport const handler = () => x\n")
    cache = SourceCache(max_bytes=200)
    graph = HandlerGraph(cache.parse(tmp_path / "h.ts"), "handler", cache, None, tmp_path)
    assert [f.path.name for f in graph.files] == ["h.ts"]
    assert graph.unparsed and graph.unparsed[0][0] == tmp_path / "big.ts"
    assert "too large" in graph.unparsed[0][1]


# -- tsconfig --------------------------------------------------------------------------------------
def test_parse_jsonc():
    text = ('{\n // c\n "a": "x // not a comment", /* b */ "b": [1, 2,],\n'
            ' "c": {"d": "/* s */",},\n}')
    assert parse_jsonc(text) == {"a": "x // not a comment", "b": [1, 2], "c": {"d": "/* s */"}}
    assert parse_jsonc("{ nope") is None
    assert parse_jsonc('\ufeff{"a": 1}') == {"a": 1}


def test_tsconfig_extends_cycle_and_bad_files(tmp_path):
    (tmp_path / "tsconfig.json").write_text(
        '{"extends": "./base", "compilerOptions": {"paths": {"~/*": ["./src/*"]}}}')
    (tmp_path / "base.json").write_text(
        '{"extends": "./tsconfig.json", "compilerOptions": {"baseUrl": "./lib"}}')
    config = load_tsconfig(tmp_path)
    assert config.base_url == tmp_path / "lib"
    assert config.resolve_alias("~/x")[0] == tmp_path / "lib/src/x"  # paths relative to baseUrl
    (tmp_path / "base.json").write_text("{ broken")
    config = load_tsconfig(tmp_path)
    assert config.base_url is None
    assert config.resolve_alias("~/x") == [tmp_path / "src/x"]  # relative to the tsconfig
    (tmp_path / "tsconfig.json").write_text("[1, 2")
    assert load_tsconfig(tmp_path) is None
    assert load_tsconfig(tmp_path / "nowhere") is None


def test_tsconfig_package_extends_and_parent_lookup(tmp_path):
    (tmp_path / "tsconfig.json").write_text(
        '{"extends": "@tsconfig/node20/tsconfig.json", "compilerOptions": {"baseUrl": "."}}')
    service = tmp_path / "services" / "api"
    service.mkdir(parents=True)
    assert load_tsconfig(service) is None
    config = load_tsconfig(service, project_root=tmp_path)
    assert config is not None and config.base_url == tmp_path


def test_alias_longest_prefix_wins():
    config = TsConfig(Path("/p/tsconfig.json"), None,
                      {"@/*": ["src/*"], "@/lib/*": ["lib/*", "vendor/*"], "exact": ["e.ts"]},
                      Path("/p"))
    assert config.resolve_alias("@/lib/db") == [Path("/p/lib/db"), Path("/p/vendor/db")]
    assert config.resolve_alias("@/x") == [Path("/p/src/x")]
    assert config.resolve_alias("exact") == [Path("/p/e.ts")]
    assert config.resolve_alias("other") == []


# -- call resolution -------------------------------------------------------------------------------
CALLS = DATA / "calls"


def test_resolve_callee_forms():
    graph = graph_for(CALLS, "handler.handler")
    resolved = {}
    for call in iter_nodes(graph.handler, CALL_TYPES):
        target = graph.resolve_callee(graph.entry, call)
        if target is None:
            resolved[callee_name(call)] = None
        else:
            file, node = target
            name = node_name(node) if node.type != "arrow_function" else "arrow"
            resolved.setdefault(callee_name(call), (file.path.name, name, file.span(node).line))
    assert resolved == {
        "db.getClient": ("db.ts", "getClient", 1),  # import * as ns
        "connect": ("service.ts", "connect", 29),  # default import (the shadowed one is later)
        "aliasHelper": ("service.ts", "helper", 25),  # { helper as aliasHelper }
        "legacyConnect": ("legacy.js", "legacyConnect", 1),  # const { x } = require()
        "legacy.legacyConnect": ("legacy.js", "legacyConnect", 1),  # const m = require(); m.x()
        "localFactory": ("handler.ts", "localFactory", 6),
        "Service": ("service.ts", "constructor", 8),  # class → its constructor
        "service.query": ("service.ts", "query", 16),  # const s = new Service(); s.query()
        "Service.create": ("service.ts", "create", 12),  # static method
        "event.run": None,  # a parameter
        "connect2": None,
        "inner": ("handler.ts", "arrow", 22),
        "unknownGlobal": None,
    }


def test_local_declarations_shadow_imports():
    graph = graph_for(CALLS, "handler.handler")
    calls = [c for c in iter_nodes(graph.handler, {"call_expression"})
             if callee_name(c) == "connect"]
    outer, inner = calls
    assert graph.resolve_callee(graph.entry, outer)[0].path.name == "service.ts"
    file, node = graph.resolve_callee(graph.entry, inner)
    assert file is graph.entry and file.span(node).line == 25


def test_per_invocation_follows_methods_super_and_this():
    graph = graph_for(CALLS, "handler.handler")
    chains = {}
    for file, node, steps in graph.per_invocation():
        if node.type in CALL_TYPES and file.path.name == "service.ts":
            chains[file.node_text(node)] = [step.label() for step in steps]
    assert chains["super()"] == ["new Service()"]
    assert chains["this.run()"] == ["service.query()"]
    assert chains["new Service()"] == ["Service.create()"]
    reached_base = [file.node_text(node) for file, node, _ in graph.per_invocation()
                    if node.type == "assignment_expression"]
    assert "this.ready = true" in reached_base  # Base's constructor, through super()


# -- what runs per invocation ----------------------------------------------------------------------
CHAIN = DATA / "chain"


def test_cross_file_chain_to_prisma_client():
    graph = graph_for(CHAIN, "src/handlers/orders.handler")
    assert rel(graph, CHAIN)[0] == "src/handlers/orders.ts"
    found = [(file, node, steps) for file, node, steps in graph.per_invocation()
             if node.type == "new_expression" and file.node_text(node) == "new PrismaClient()"]
    assert len(found) == 1
    file, node, steps = found[0]
    assert file.path.name == "database.ts" and file.span(node).line == 7
    assert [step.name for step in steps] == ["getRepository", "Database"]
    first, second = steps
    assert first.file is graph.entry and first.span.line == 6
    assert second.file.path.name == "repository.ts" and second.is_new
    assert second.target_span.line == 6  # Database's constructor
    assert format_chain(steps, root=CHAIN) == (
        "handler → getRepository() (src/lib/repository.ts:11) → "
        "new Database() (src/lib/database.ts:6)")
    assert not graph.is_module_scope(node)
    assert graph.enclosing_function(node).type == "method_definition"


def test_module_scope_and_instance_fields():
    graph = graph_for(CHAIN, "src/handlers/orders.handler")
    per_call = new_expressions(graph)
    assert ("reporter.ts", "new Pool()", ["Reporter"]) in per_call  # instance field
    assert not any(text == "new Pool({ max: 1 })" for _, text, _ in per_call)  # static field
    assert not any(name == "shared.ts" for name, _, _ in per_call)  # module scope / never called
    module_level = {(f.path.name, f.node_text(n)) for f in graph.files
                    for n in iter_module_scope(f, {"new_expression"})}
    assert module_level == {("reporter.ts", "new Pool({ max: 1 })"),
                            ("shared.ts", "new PrismaClient()")}
    module_nodes = {(f.path.name, n.start_byte) for f in graph.files
                    for n in iter_module_scope(f, {"new_expression"})}
    for file in graph.files:
        for node in iter_nodes(file.root, {"new_expression"}):
            expected = (file.path.name, node.start_byte) in module_nodes
            assert graph.is_module_scope(node) == expected
            assert is_module_scope(node, file) == expected
            assert is_module_scope(node) == expected
    assert [s.type for s in graph.module_scope_nodes(graph.files[-1])][:1] == ["import_statement"]


def test_callbacks_inside_the_handler_run_per_invocation():
    graph = graph_for(CHAIN, "src/handlers/orders.handler")
    arrows = [node for file, node, steps in graph.per_invocation()
              if file is graph.entry and node.type == "arrow_function"]
    assert len(arrows) == 3  # the handler and its two callbacks


def test_seed_users_handler():
    graph = graph_for(SEED, "src/handlers/users.handler")
    assert graph.handler.type == "arrow_function"
    assert graph.imports_module("@prisma/client") and graph.imports_prisma_client()
    found = [(file, node, steps) for file, node, steps in graph.per_invocation()
             if node.type == "new_expression"]
    assert len(found) == 1
    file, node, steps = found[0]
    assert file.span(node).line == 24 and file.node_text(node) == "new PrismaClient()"
    assert [step.name for step in steps] == ["getPrismaClient"]
    assert format_chain(steps, root=SEED) == \
        "handler → getPrismaClient() (src/handlers/users.ts:22)"
    assert not graph.is_module_scope(node)
    guard = graph.enclosing_function(node)
    assert node_name(guard) == "getPrismaClient"


# -- inline code in YAML ---------------------------------------------------------------------------
YAML = """\
resources:
  Resources:
    MigrateDB:
      Type: AWS::Lambda::Function
      Properties:
        Code:
          ZipFile: |
            const { execSync } = require('child_process')

            exports.handler = async () => {
              execSync('npx prisma migrate deploy')
            }
        Other: "x = require('y')"
"""


def scalar_at(text: str, *keys: str, path: Path = Path("serverless.yml")) -> Scalar:
    node = yaml.compose(text)
    for key in keys:
        node = next(v for k, v in node.value if k.value == key)
    start, end = node.start_mark, node.end_mark
    span = Span(path, start.line + 1, start.column + 1, end.line + 1, end.column + 1)
    return Scalar(node.value, span, node.tag, node.style)


def test_block_scalar_maps_line_for_line():
    scalar = scalar_at(YAML, "resources", "Resources", "MigrateDB", "Properties", "Code", "ZipFile")
    cache = SourceCache()
    source = source_from_block_scalar(cache, scalar, YAML)
    assert source.embedded and source.path == Path("serverless.yml")
    call = next(c for c in iter_nodes(source.root, {"call_expression"})
                if callee_name(c) == "execSync")
    span = source.span(call)
    lines = YAML.splitlines()
    assert lines[span.line - 1][span.column - 1:].startswith(
        "execSync('npx prisma migrate deploy')")
    assert (span.line, span.column) == (11, 15)
    graph = HandlerGraph(source, "handler", cache)
    assert graph.handler is not None and graph.imports_module("child_process")
    assert graph.files == [source]


def test_block_scalar_read_from_file(tmp_path):
    path = tmp_path / "serverless.yml"
    path.write_text(YAML)
    scalar = scalar_at(YAML, "resources", "Resources", "MigrateDB", "Properties", "Code", "ZipFile",
                       path=path)
    source = source_from_block_scalar(SourceCache(), scalar)
    require = next(iter_nodes(source.root, {"call_expression"}))
    assert (source.span(require).line, source.span(require).column) == (8, 34)


def test_block_scalar_with_explicit_indentation_and_other_styles():
    text = "a:\n  b: |2\n      indented()\n    x()\n"
    scalar = scalar_at(text, "a", "b")
    assert block_scalar_bases(scalar, text) == (2, 4)
    source = source_from_block_scalar(SourceCache(), scalar, text)
    calls = list(iter_nodes(source.root, {"call_expression"}))
    assert [(source.span(c).line, source.span(c).column) for c in calls] == [(3, 7), (4, 5)]
    quoted = scalar_at(YAML, "resources", "Resources", "MigrateDB", "Properties", "Other")
    source = source_from_block_scalar(SourceCache(), quoted, YAML)
    call = next(iter_nodes(source.root, {"call_expression"}))
    line = YAML.splitlines()[source.span(call).line - 1]
    assert line[source.span(call).column - 1:].startswith("require('y')")


def test_inline_code_does_not_follow_relative_requires():
    cache = SourceCache()
    source = cache.parse_text("const x = require('./helper')\nexports.handler = () => x",
                              DATA / "calls" / "serverless.yml")
    graph = HandlerGraph(source, "handler", cache, None, DATA)
    assert graph.files == [source] and graph.entry.imports[0].resolved is None


# -- robustness ------------------------------------------------------------------------------------
def test_deeply_nested_handler():
    depth = 10_000
    code = ("import { PrismaClient } from '@prisma/client'\n"
            "const cb = (f) => f()\n"
            "export const handler = async (event) => "
            + "cb(() => " * depth + "event.x(); new PrismaClient()" + ")" * depth + "\n")
    cache = SourceCache()
    source = cache.parse_text(code, Path("deep.ts"), "typescript")
    start = time.perf_counter()
    graph = HandlerGraph(source, "handler", cache)
    found = [(node, steps) for file, node, steps in graph.per_invocation()
             if node.type == "new_expression"]
    assert len(found) == 1 and found[0][1] == []
    node = found[0][0]
    assert not graph.is_module_scope(node)
    assert graph.enclosing_function(node).type == "arrow_function"
    assert graph.resolve_callee(source, node) is None
    assert time.perf_counter() - start < 20


def test_syntax_errors_do_not_stop_the_graph():
    cache = SourceCache()
    graph = HandlerGraph(cache.parse(DATA / "broken" / "broken.ts"), "handler", cache)
    assert graph.entry.has_errors
    assert graph.entry.first_error_span().line == 1


def test_graph_file_limit(tmp_path, monkeypatch):
    import lintkit.read.handlers as handlers

    for i in range(10):
        (tmp_path / f"m{i}.ts").write_text(
            f"import './m{i + 1}'\nexport const handler = () => {i}\n")
    monkeypatch.setattr(handlers, "MAX_GRAPH_FILES", 4)
    cache = SourceCache()
    graph = HandlerGraph(cache.parse(tmp_path / "m0.ts"), "handler", cache, None, tmp_path)
    assert len(graph.files) == 4 and graph.truncated

"""A module that many handlers import is analysed once per service, not once per handler (issue 15,
item 4): the graphs of a service resolve names alike, so what the client analysis finds in a file
is kept for all of them. The findings stay those of each graph."""
import os
import sys
from collections import Counter
from pathlib import Path

from lintkit.analysis import clients
from lintkit.formats import load_service

SERVERLESS = """service: app
provider:
  name: aws
  runtime: nodejs22.x
functions:
  users:
    handler: src/users.handler
  orders:
    handler: src/orders.handler
  inline:
    handler: src/inline.handler
"""
DB = """import { PrismaClient } from '@prisma/client'
export const prisma = new PrismaClient()
export const connect = () => new PrismaClient()
"""


def handler(body: str) -> str:
    return f"import {{ prisma, connect }} from './db'\nexport const handler = async () => {body}\n"


def service(tmp_path: Path):
    files = {"serverless.yml": SERVERLESS, "src/db.ts": DB,
             "src/users.ts": handler("prisma.user.findMany()"),
             "src/orders.ts": handler("connect().order.findMany()"),
             "src/inline.ts": "import { PrismaClient } from '@prisma/client'\n"
                              "export const handler = async () => new PrismaClient()\n"}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return load_service(tmp_path / "serverless.yml", tmp_path)


def test_each_call_of_a_shared_module_is_classified_once(tmp_path, monkeypatch):
    classified = Counter()
    classify = clients.ClientAnalysis._classify

    def counting(self, file, node):
        classified[(file.path.name, node.start_byte, node.end_byte)] += 1
        return classify(self, file, node)

    monkeypatch.setattr(clients.ClientAnalysis, "_classify", counting)
    loaded = service(tmp_path)
    for function in loaded.functions:
        analysis = clients.client_analysis(loaded, function)
        analysis.module_scope_clients()
        analysis.per_invocation_constructions()
    assert classified and set(classified.values()) == {1}
    assert ("db.ts", 68, 86) in classified  # `new PrismaClient()` at module scope, asked by both


def test_each_graph_keeps_its_own_findings(tmp_path):
    loaded = service(tmp_path)
    users, orders, inline = (clients.client_analysis(loaded, f) for f in loaded.functions)
    built = users.module_scope_clients()
    assert [(c.file.path.name, c.span.line) for c in built] == [("db.ts", 2)]
    assert orders.module_scope_clients() == built and built[0] is orders.module_scope_clients()[0]
    assert inline.module_scope_clients() == []
    assert users.per_invocation_constructions() == []
    assert [(c.file.path.name, c.span.line, [s.label() for s in chain])
            for c, chain in orders.per_invocation_constructions()] == [("db.ts", 3, ["connect()"])]
    assert [(c.file.path.name, c.span.line) for c, _ in inline.per_invocation_constructions()] \
        == [("inline.ts", 2)]


def test_handler_and_project_real_paths_are_resolved_once(tmp_path, monkeypatch):
    functions = "".join(f"  fn{i}:\n    handler: src/fn{i}.handler\n" for i in range(30))
    (tmp_path / "src").mkdir()
    (tmp_path / "serverless.yml").write_text(SERVERLESS.split("functions:")[0] + "functions:\n"
                                             + functions)
    (tmp_path / "src/db.ts").write_text(DB)
    for i in range(30):
        (tmp_path / f"src/fn{i}.ts").write_text(handler("connect()"))
    outside = tmp_path.parent / f"{tmp_path.name}-outside.ts"
    outside.write_text(handler("connect()"))
    (tmp_path / "src/fn29.ts").unlink()
    (tmp_path / "src/fn29.ts").symlink_to(outside)  # a handler that leads out of the project
    resolved = Counter()
    realpath = os.path.realpath

    def counting(path, *args, **kwargs):
        caller = sys._getframe(1).f_code.co_filename
        if caller.endswith(("read/handlers.py", "read/sources.py")):
            resolved[os.fspath(path)] += 1
        return realpath(path, *args, **kwargs)

    monkeypatch.setattr(os.path, "realpath", counting)
    loaded = load_service(tmp_path / "serverless.yml", tmp_path)
    graphs = [loaded.graph(function) for function in loaded.functions]
    assert all(graphs[:29]) and graphs[29] is None
    assert str(tmp_path) in resolved and set(resolved.values()) == {1}


def test_import_questions_of_a_shared_module_keep_type_only_imports_apart(tmp_path):
    loaded = service(tmp_path)
    (tmp_path / "src/db.ts").write_text("import type { Pool } from 'pg'\nimport mysql from 'mysql2'\n"
                                        + DB)
    loaded = load_service(tmp_path / "serverless.yml", tmp_path)
    users, orders = (loaded.graph(function) for function in loaded.functions[:2])
    for graph in (users, orders, users):
        assert [imp.module for _, imp in graph.find_imports("pg", "mysql2")] == ["mysql2"]
        assert [imp.module for _, imp in graph.find_imports("pg", "mysql2", include_type_only=True)] \
            == ["pg", "mysql2"]
        assert graph.imports_module("pg", include_type_only=True) and not graph.imports_module("pg")
    assert next(users.find_imports("mysql2"))[1] is next(orders.find_imports("mysql2"))[1]


def test_nesting_is_measured_only_when_a_tree_has_more_nodes_than_the_bound(tmp_path, monkeypatch):
    from lintkit.read import sources

    walked = []
    depth = sources.tree_depth
    monkeypatch.setattr(sources, "tree_depth", lambda root, limit=None: walked.append(root)
                        or depth(root, limit))
    cache = sources.SourceCache(max_depth=20)
    (tmp_path / "flat.ts").write_text("export const a = [1, 2, 3]\n")  # 16 nodes, 4 levels
    (tmp_path / "wide.ts").write_text("export const a = [" + ", ".join(map(str, range(50))) + "]\n")
    (tmp_path / "deep.ts").write_text("export const a = " + "[" * 30 + "]" * 30 + "\n")
    assert cache.parse(tmp_path / "flat.ts") is not None and walked == []
    assert cache.parse(tmp_path / "wide.ts") is not None and len(walked) == 1
    assert cache.parse(tmp_path / "deep.ts") is None and len(walked) == 2
    assert cache.reason(tmp_path / "deep.ts") == "nested more than 20 levels deep, not analysed"

"""The package layout is the data flow: every import runs down the layers, and no modules import
each other in a circle. Imports inside functions count too (a lazy import is still a dependency).

    front doors   lintkit.cli, lintkit.lsp (with lintkit.lsp_actions), lintkit.lsp_handshake,
                  lintkit.__main__
    reporters     lintkit.reporters.*
    engine        the other modules of lintkit/ (engine, config, suppress, baseline, fingerprint,
                  redact, registry, budget, discovery, display)
    rules         lintkit.rules.* (rules/)
    analysis      lintkit.analysis.*
    formats       lintkit.formats.*
    model         lintkit.model.service
    read          lintkit.read.*
    vocabulary    lintkit.model.nodes, lintkit.model.diagnostics, lintkit.model.fieldclasses,
                  lintkit.model.lazyre, lintkit.data, lintkit (__version__)
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ["vocabulary", "read", "model", "formats", "analysis", "rules", "engine", "reporters",
          "front doors"]
VOCABULARY = {"lintkit", "lintkit.model", "lintkit.model.nodes", "lintkit.model.diagnostics",
              "lintkit.model.fieldclasses", "lintkit.model._fieldclass_code", "lintkit.model.lazyre",
              "lintkit.data", "lintkit.schemas"}
FRONT_DOORS = {"lintkit.cli", "lintkit.lsp", "lintkit.lsp_actions", "lintkit.lsp_handshake",
               "lintkit.__main__"}


def layer_of(module: str) -> str:
    if module in VOCABULARY:
        return "vocabulary"
    if module in FRONT_DOORS:
        return "front doors"
    package = module.split(".")[1] if module.count(".") else ""
    if package in ("read", "formats", "analysis", "rules", "reporters"):
        return package
    if module == "lintkit.model.service":
        return "model"
    return "engine"


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted((ROOT / "lintkit").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    for path in sorted((ROOT / "rules").glob("*.py")):
        name = "lintkit.rules" if path.stem == "__init__" else f"lintkit.rules.{path.stem}"
        found[name] = path
    return found


def imports(module: str, path: Path, known: set[str]) -> set[str]:
    """The lintkit modules `module` imports (a name imported from a package counts as its module
    when there is one)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("lintkit")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module and node.module.startswith("lintkit"):
                target = node.module
            else:
                continue
            for alias in node.names:
                found.add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in known else target)
    return {name for name in found if name != module}


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports(name, path, set(known)) & set(known) for name, path in known.items()}


def test_every_import_runs_down_the_layers():
    upward = [f"{module} ({layer_of(module)}) imports {target} ({layer_of(target)})"
              for module, targets in graph().items() for target in sorted(targets)
              if LAYERS.index(layer_of(target)) > LAYERS.index(layer_of(module))]
    assert not upward, "imports that run up the layers:\n" + "\n".join(upward)


def test_no_modules_import_each_other_in_a_circle():
    edges = graph()
    state: dict[str, int] = {}  # 1: on the path, 2: done
    circles = []
    for start in sorted(edges):
        if state.get(start):
            continue
        stack = [(start, iter(sorted(edges[start])))]
        path = [start]
        state[start] = 1
        while stack:
            module, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                state[module] = 2
            elif state.get(child) == 1:
                circles.append(" -> ".join(path[path.index(child):] + [child]))
            elif not state.get(child):
                state[child] = 1
                path.append(child)
                stack.append((child, iter(sorted(edges[child]))))
    assert not circles, "modules that import each other in a circle:\n" + "\n".join(circles)


def test_the_layer_test_sees_upward_imports_and_circles(tmp_path, monkeypatch):
    """The checks above can fail: a read module importing the engine, and a circle."""
    package = tmp_path / "lintkit" / "read"
    package.mkdir(parents=True)
    (tmp_path / "lintkit" / "__init__.py").write_text("")
    (tmp_path / "lintkit" / "engine.py").write_text("from .read import a\n")
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from ..engine import x\nfrom . import b\n")
    (package / "b.py").write_text("def f():\n    from .a import y\n")
    (tmp_path / "rules").mkdir()
    monkeypatch.setattr(__import__(__name__), "ROOT", tmp_path)
    edges = graph()
    assert edges["lintkit.read.a"] == {"lintkit.engine", "lintkit.read.b"}
    assert edges["lintkit.read.b"] == {"lintkit.read.a"}
    try:
        test_every_import_runs_down_the_layers()
    except AssertionError as error:
        assert "lintkit.read.a (read) imports lintkit.engine (engine)" in str(error)
    else:
        raise AssertionError("the upward import went unseen")
    try:
        test_no_modules_import_each_other_in_a_circle()
    except AssertionError as error:
        assert "lintkit.engine -> lintkit.read.a -> lintkit.engine" in str(error)
    else:
        raise AssertionError("the circle went unseen")

#!/usr/bin/env python3
"""The floor under lintkit: start Python, import PyYAML and tree-sitter with lintkit's two grammars,
parse every serverless.yml below the given folders (libyaml's composer) and every handler source
(.ts/.js and kin, outside node_modules) with tree-sitter; no resolution, no rules, no report.

    python bench/floor.py FOLDER...          # what bench.py times as the `floor` tool

Run with the Python of lintkit's venv (it needs PyYAML and the tree-sitter packages).
"""
from __future__ import annotations

import os
import sys

import tree_sitter
import tree_sitter_javascript
import tree_sitter_typescript
import yaml

CONFIG_NAMES = {"serverless.yml", "serverless.yaml"}
SOURCE_SUFFIXES = (".ts", ".tsx", ".mts", ".cts", ".js", ".mjs", ".cjs")
SKIPPED = {"node_modules", ".git", ".serverless", ".build", "dist"}


def parsers() -> dict[str, tree_sitter.Parser]:
    typescript = tree_sitter.Language(tree_sitter_typescript.language_typescript())
    tsx = tree_sitter.Language(tree_sitter_typescript.language_tsx())
    javascript = tree_sitter.Language(tree_sitter_javascript.language())
    return {".ts": tree_sitter.Parser(typescript), ".tsx": tree_sitter.Parser(tsx),
            ".js": tree_sitter.Parser(javascript)}


def main(folders: list[str]) -> int:
    by_suffix = parsers()
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for folder in folders:
        for root, dirs, files in os.walk(folder):
            dirs[:] = [name for name in dirs if name not in SKIPPED]
            for name in files:
                path = os.path.join(root, name)
                if name in CONFIG_NAMES:
                    with open(path, "rb") as file:
                        try:
                            yaml.compose(file, Loader=loader)
                        except yaml.YAMLError:
                            pass
                elif name.endswith(SOURCE_SUFFIXES):
                    suffix = ".tsx" if name.endswith(".tsx") else (
                        ".ts" if name.endswith((".ts", ".mts", ".cts")) else ".js")
                    with open(path, "rb") as file:
                        by_suffix[suffix].parse(file.read())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

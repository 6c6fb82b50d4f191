"""Prisma schemas of a service other than the one Prisma uses, and whether anything names them.

Prisma reads one schema per command: the `--schema` argument, else prisma.config.ts's `schema`, else
package.json's `prisma.schema`, else `prisma/schema.prisma`, `schema.prisma` or a `prisma/schema/`
folder (`service.prisma_schema` is that one). Another `schema.prisma` in the service's own folders
is used only where something names it: a `--schema` argument (package.json scripts, a Makefile, a
Dockerfile, a CI workflow, serverless.yml, handler code) or a handler that imports the client its
generator writes. The search looks at most `MAX_DEPTH` folders down, never into dependencies,
build output, git-ignored folders, or folders that are a package or service of their own.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from ..model.nodes import Scalar, walk as walk_nodes
from ..read.dotenv import read_text
from ..read.files import is_file, list_folder, walk
from ..read.gitignore import GitIgnore
from ..read.layout import DEPENDENCY_DIRS, is_build_output
from ..read.prisma_schema import PrismaSchema, parse_prisma_schema

MAX_DEPTH = 4
SCHEMA_NAME = "schema.prisma"
OWN_PROJECT_FILES = ("package.json", "serverless.yml", "serverless.yaml", "serverless.json",
                     "serverless.ts", "serverless.js")
BUILD_FILES = ("Makefile", "Dockerfile", "buildspec.yml", "buildspec.yaml", ".gitlab-ci.yml",
               "bitbucket-pipelines.yml", "Procfile")
WORKFLOW_FOLDERS = (".github/workflows", ".circleci")


def unused_schemas(service) -> list[PrismaSchema]:
    """The `schema.prisma` files of the service that Prisma does not use and nothing names, parsed."""
    active = service.prisma_schema
    if active is None or active.error is not None:
        return []
    in_use = {_real(path) for path in [active.path, *active.paths]}
    others = [path for path in _schema_files(service.root) if _real(path) not in in_use
              and not any(_real(path).startswith(_real(folder) + os.sep) for folder in in_use)]
    if not others:
        return []
    texts = _texts_that_may_name_schemas(service)
    imports = _import_specifiers(service)
    unnamed = [parse_prisma_schema(path) for path in others if not _named(service, path, texts)]
    return [schema for schema in unnamed if not _generator_output_imported(schema, imports)]


def _schema_files(root: Path) -> list[Path]:
    found, ignore, top = [], GitIgnore(root), os.fspath(root)
    for folder, dirs, names in walk(root, skip=lambda name: name in DEPENDENCY_DIRS
                                    or is_build_output(name) or name == ".git"):
        ignore.listed(folder, names)
        depth = 0 if folder == top else os.path.relpath(folder, top).count(os.sep) + 1
        if depth and any(name in names for name in OWN_PROJECT_FILES):
            dirs[:] = []  # a package or service of its own: its schemas are its own
            continue
        if SCHEMA_NAME in names and not ignore.ignores(os.path.join(folder, SCHEMA_NAME), is_dir=False):
            found.append(Path(folder, SCHEMA_NAME))
        dirs[:] = [] if depth >= MAX_DEPTH else [
            name for name in dirs if not ignore.ignores(os.path.join(folder, name), is_dir=True)]
    return found


def _texts_that_may_name_schemas(service) -> list[str]:
    texts = []
    package = service.package_json
    if package is not None:
        texts += [script for script, _ in package.scripts.values()]
    texts += [node.value for node in walk_nodes(service.document)
              if isinstance(node, Scalar) and isinstance(node.value, str)]
    for folder in {service.root, service.project_root}:
        for name in BUILD_FILES:
            texts.append(_read_text(folder / name))
        for workflows in WORKFLOW_FOLDERS:
            texts += [_read_text(path) for path in list_folder(folder / workflows)]
    config = service.prisma_config
    source = service.sources.parse(config.path) if config is not None else None  # parsed already
    if source is not None:
        texts.append(source.text.decode("utf-8", "replace"))
    for function in service.functions:
        graph = service.graph(function)
        texts += [source.text.decode("utf-8", "replace") for source in graph.files] if graph else []
    return [text for text in texts if text]


def chosen_by(service) -> str:
    """Why Prisma reads the schema it reads, for messages."""
    config = service.prisma_config
    if config is not None and config.schema is not None and config.schema.kind == "literal":
        return f"the `schema` of {Path(config.path).name}"
    package = service.package_json
    if package is not None and package.prisma_config.get("schema") is not None:
        return "package.json's `prisma.schema`"
    return "the first of its default locations, `schema.prisma` then `prisma/schema.prisma`"


def _read_text(path: Path) -> str:
    return read_text(path)[0] if is_file(path) else ""


def _named(service, path: Path, texts: list[str]) -> bool:
    """Some text names the schema by its path from the service folder or the project root (not as
    the tail of a longer path), or names its folder after `--schema`."""
    names = {Path(os.path.relpath(path, base)).as_posix() for base in (service.root, service.project_root)}
    folders = {name.rsplit("/", 1)[0] for name in names if "/" in name}
    alternatives = [re.escape(name) for name in names] + \
        [rf"--schema[= ]+(?:\./)?{re.escape(folder)}/?" for folder in folders]
    pattern = re.compile(rf"(?<![\w./-])(?:\./)?(?:{'|'.join(alternatives)})(?![\w/.-])")
    return any(pattern.search(text) for text in texts)


def _import_specifiers(service) -> list[tuple[Path, str]]:
    """(importing file, module specifier) of every import in the service's handler graphs."""
    seen, found = set(), []
    for function in service.functions:
        graph = service.graph(function)
        for file in graph.files if graph is not None else []:
            if id(file) not in seen:
                seen.add(id(file))
                found += [(file.path, imp.module) for imp in file.imports]
    return found


def _generator_output_imported(schema: PrismaSchema, imports: list[tuple[Path, str]]) -> bool:
    """A handler imports the client the schema's generator writes to its `output` folder (which is
    usually not generated yet: matched by the import's path, or by the folder's last two names for
    path aliases). An output lintkit cannot read counts as imported."""
    generator = schema.client_generator
    output = generator.value("output") if generator is not None else None
    if output is None:
        return False
    if not isinstance(output, str):
        return True
    folder = _real(schema.path.parent / output)
    tail = "/".join(Path(folder).parts[-2:])
    for importer, module in imports:
        if module.startswith("."):
            target = _real(importer.parent / module)
            if target == folder or target.startswith(folder + os.sep):
                return True
        elif tail in module:
            return True
    return False


def _real(path) -> str:
    return os.path.normpath(os.path.abspath(path))

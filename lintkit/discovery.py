"""Turns the PATHs given on the command line into the services to lint."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

CONFIG_NAMES = ("serverless.yml", "serverless.yaml")
SKIPPED_DIRS = frozenset({
    "node_modules", ".git", ".serverless", ".esbuild", ".webpack", "dist", "build", "cdk.out",
    ".build", ".aws-sam", ".venv", "venv", "__pycache__",
})


class DiscoveryError(Exception):
    """A PATH that cannot be linted (exit 2)."""


@dataclass
class Target:
    """One service to lint; `only_files` narrows the report to some of its files."""

    config_path: Path
    project_root: Path
    only_files: set[Path] = field(default_factory=set)


def service_config(folder: Path) -> Path | None:
    for name in CONFIG_NAMES:
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


def repository_root(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def find_services(root: Path) -> list[Path]:
    """Every serverless.yml below `root`, skipping dependency and build folders and symlinked
    folders (which could loop)."""
    found = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith(".serverless"))
        for name in CONFIG_NAMES:
            if name in files:
                found.append(Path(folder) / name)
                break
    return found


def owning_service(file: Path) -> Path | None:
    for folder in file.parents:
        config = service_config(folder)
        if config is not None:
            return config
        if (folder / ".git").exists():
            return None
    return None


def discover(paths: list[str]) -> list[Target]:
    targets: dict[Path, Target] = {}
    whole: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise DiscoveryError(f"{raw}: no such file or directory")
        path = path.resolve()
        if path.is_dir():
            own = service_config(path)
            configs = [own] if own else find_services(path)
            if not configs:
                raise DiscoveryError(f"{raw}: no serverless.yml or serverless.yaml found here or below")
            for config in configs:
                _target(targets, config, boundary=path)
                whole.add(config)
        elif path.name in CONFIG_NAMES:
            _target(targets, path, boundary=path.parent)
            whole.add(path)
        else:
            config = owning_service(path)
            if config is None:
                raise DiscoveryError(f"{raw}: not inside a Serverless service (no serverless.yml above it)")
            _target(targets, config, boundary=config.parent).only_files.add(path)
    for config in whole:
        targets[config].only_files.clear()
    return list(targets.values())


def _target(targets: dict[Path, Target], config: Path, boundary: Path) -> Target:
    if config not in targets:
        root = repository_root(config.parent) or boundary
        if not config.parent.is_relative_to(root):
            root = config.parent
        targets[config] = Target(config, root)
    return targets[config]

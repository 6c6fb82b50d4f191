"""Turns the PATHs given on the command line into the services to lint: `discover` (a folder, a
repository root or one file), `services_of` (the services that changed files belong to, for the
pre-commit hook) and `service_target` (one service by its serverless.yml, for editors)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .formats import CONFIG_NAMES
from .read.files import walk

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
    folders (which could loop). A folder named serverless.yml where no such file is counts too, so
    that linting it says (PARSE001) that it is not a file instead of skipping it silently."""
    found = []
    for folder, dirs, files in walk(root, skip=_is_skipped_dir):
        name = next((name for name in CONFIG_NAMES if name in files), None) \
            or next((name for name in CONFIG_NAMES if name in dirs), None)
        if name is not None:
            found.append(Path(folder) / name)
    return found


def _is_skipped_dir(name: str) -> bool:
    return name in SKIPPED_DIRS or name.startswith(".serverless")


def owning_service(file: Path) -> Path | None:
    for folder in file.parents:
        config = service_config(folder)
        if config is not None:
            return config
        if (folder / ".git").exists():
            return None
    return None


def service_target(config: Path) -> Target:
    """The whole service whose serverless.yml is `config` (which need not exist on disk yet: an
    unsaved buffer may stand in for it)."""
    return _target({}, config, boundary=config.parent)


def services_of(paths: list[str]) -> list[Target]:
    """The services that own `paths` (the files a commit changes), each linted whole.

    A file belongs to the nearest serverless.yml/.yaml above it, up to the repository root; it need
    not exist (a deleted file still names its service). A folder stands for the services in and
    below it, or else for the service it lies in. Paths that belong to no service, and services inside dependency or build folders
    (node_modules, .serverless, ...), are skipped quietly: the result may be empty.
    """
    targets: dict[Path, Target] = {}
    for raw in paths:
        path = Path(raw).resolve()
        if path.is_dir():
            own = service_config(path)
            configs = [own] if own else find_services(path)
            if not configs:  # a folder inside a service, e.g. src/
                inside = owning_service(path)
                configs = [inside] if inside is not None else []
        elif path.name in CONFIG_NAMES and path.is_file():
            configs = [path]
        else:
            config = owning_service(path)
            configs = [config] if config is not None else []
        for config in configs:
            if not _in_skipped_folder(config):
                _target(targets, config, boundary=config.parent)
    return list(targets.values())


def _in_skipped_folder(config: Path) -> bool:
    root = repository_root(config.parent)
    if root is None:  # outside a repository nothing says where the project starts
        return False
    folders = config.parent.relative_to(root).parts
    return any(_is_skipped_dir(part) for part in folders)


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
            if not configs and path.name in CONFIG_NAMES:
                configs = [path]  # a folder named serverless.yml: PARSE001 says it is not a file
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

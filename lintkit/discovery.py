"""Turns the PATHs given on the command line into the services to lint: `discover` (a folder, a
repository root or one file), `services_of` (the services that changed files belong to, for the
pre-commit hook) and `service_target` (one service by its serverless.yml, for editors)."""
from __future__ import annotations

import os
from pathlib import Path

from .formats import CONFIG_NAMES, is_config, is_named_config
from .model.fieldclasses import field, fieldclass
from .read.files import walk
from .read.gitignore import GitIgnore
from .read.layout import DEPENDENCY_DIRS, is_build_output


class DiscoveryError(Exception):
    """A PATH that cannot be linted (exit 2)."""


@fieldclass
class Target:
    """One service to lint; `only_files` narrows the report to some of its files, `only_under` to
    the files under some of its folders (`lintkit check src` inside a service)."""

    config_path: Path
    project_root: Path
    only_files: set[Path] = field(default_factory=set)
    only_under: set[Path] = field(default_factory=set)

    @property
    def narrowed(self) -> bool:
        return bool(self.only_files or self.only_under)

    def reports(self, path: Path) -> bool:
        """Whether a finding in `path` belongs in this target's report."""
        if not self.narrowed or path in self.only_files:
            return True
        return any(path.is_relative_to(folder) for folder in self.only_under)


def service_config(folder: Path) -> Path | None:
    for name in CONFIG_NAMES:
        candidate = folder / name
        if candidate.is_file() and is_config(candidate):
            return candidate
    return None


def repository_root(start: Path, seen: dict[Path, Path | None] | None = None) -> Path | None:
    """The nearest folder from `start` up that holds `.git`; `seen` keeps the answer for each
    folder on the way, for the next call (services share the folders above them)."""
    seen = {} if seen is None else seen
    below, folder = [], start
    while folder not in seen:
        if (folder / ".git").exists():
            seen[folder] = folder
        elif folder.parent == folder:
            seen[folder] = None
        else:
            below.append(folder)
            folder = folder.parent
    for each in below:
        seen[each] = seen[folder]
    return seen[folder]


@fieldclass(frozen=True)
class Skipped:
    """A folder or service discovery did not lint, and why (`check --verbose` prints them)."""

    path: Path
    reason: str


def find_services(root: Path, skipped: list[Skipped] | None = None) -> list[Path]:
    """Every serverless.yml in and below `root`, nested services included, skipping dependency
    and build folders, what the repository's .gitignore ignores, symlinked folders (which
    could loop) and configuration files another service found here includes (part of that
    service); `root` itself is linted wherever it is. What is skipped is added to `skipped`. A
    folder named serverless.yml where no such file is counts too, so that linting it says
    (PARSE001) that it is not a file instead of skipping it silently."""
    top = str(root)
    ignore = GitIgnore(repository_root(Path(root)) or root)
    found = []
    for folder, dirs, files in walk(top):
        ignore.listed(folder, files)
        dirs[:] = [name for name in dirs if _enter(folder, name, ignore, skipped)]
        name = next((name for name in CONFIG_NAMES if name in files and
                     is_config(Path(folder, name))), None) \
            or next((name for name in CONFIG_NAMES if name in dirs and is_config(Path(folder, name))), None)
        if name is None:
            continue
        config = os.path.join(folder, name)
        if folder != top and ignore.ignores(config, is_dir=False):
            _skip(skipped, Path(config), "ignored by .gitignore")
        else:
            found.append(Path(config))
    return _without_includes(found, Path(root), skipped)


def _without_includes(configs: list[Path], root: Path, skipped: list[Skipped] | None,
                      includes: dict[Path, set[str]] | None = None) -> list[Path]:
    """The configurations that are not included by another one (`${file(resources/serverless.yml)}`,
    a serverless.ts loading a JSON file). Serverless reads included files from inside the service
    folder only, so only a configuration nested below another can be one; those services are
    loaded once more to see what they include, which costs nothing in a tree without nesting."""
    includes = {} if includes is None else includes  # configuration -> what it includes
    by_folder: dict[Path, list[Path]] = {}
    for config in configs:
        by_folder.setdefault(config.parent, []).append(config)
    kept = []
    for config in configs:
        outer = [other for folder in config.parent.parents for other in by_folder.get(folder, ())]
        including = next((other for other in outer if os.path.realpath(config) in
                          _included_files(other, root, includes)), None)
        if including is None:
            kept.append(config)
        else:
            _skip(skipped, config, f"included by {os.path.relpath(including, root)}, part of "
                  "that service")
    return kept


def _included_files(config: Path, root: Path, cache: dict[Path, set[str]]) -> set[str]:
    """The real paths of the files a configuration's loading reads into it."""
    if config not in cache:
        from .formats import front_end_for
        from .read.files import confined_to

        project = repository_root(config.parent) or root
        try:
            with confined_to(project):  # as the engine reads a service: nothing outside the project
                loaded = front_end_for(config).load(config, project, {})
            cache[config] = {os.path.realpath(path) for path in (*loaded.includes, *loaded.modules)}
        except Exception:  # a front end never raises for bad input; discovery must not either
            cache[config] = set()
    return cache[config]


def _enter(folder: str, name: str, ignore: GitIgnore, skipped: list[Skipped] | None) -> bool:
    reason = _skip_reason(name)
    if reason is None and ignore.ignores(os.path.join(folder, name), is_dir=True):
        reason = "ignored by .gitignore"
    if reason is not None and name != ".git":
        _skip(skipped, Path(folder, name), reason)
    return reason is None


def _skip_reason(name: str) -> str | None:
    if name == ".git":
        return "git's own folder"
    if name in DEPENDENCY_DIRS:
        return "dependencies"
    if is_build_output(name):
        return "build output"
    return None


def _skip(skipped: list[Skipped] | None, path: Path, reason: str) -> None:
    if skipped is not None:
        skipped.append(Skipped(path, reason))


def owning_service(file: Path, includes: dict[Path, set[str]] | None = None) -> Path | None:
    """The nearest configuration above `file` (up to the repository root) that is not included
    by one further up."""
    configs = []
    for folder in file.parents:
        config = service_config(folder)
        if config is not None:
            configs.append(config)
        if (folder / ".git").exists():
            if len(configs) > 1:
                configs = _without_includes(configs, folder, None, includes)
            return configs[0] if configs else None
    return configs[0] if configs else None


def service_target(config: Path) -> Target:
    """The whole service whose serverless.yml is `config` (which need not exist on disk yet: an
    unsaved buffer may stand in for it)."""
    return _target({}, config, boundary=config.parent)


def services_of(paths: list[str], skipped: list[Skipped] | None = None) -> list[Target]:
    """The services that own `paths` (the files a commit changes), each linted whole.

    A file belongs to the nearest serverless.yml/.yaml above it, up to the repository root; it need
    not exist (a deleted file still names its service). A folder stands for the services in and
    below it, or else for the service it lies in. Paths that belong to no service are skipped
    quietly, and services inside dependency or build folders (node_modules, .serverless, ...) or
    what .gitignore ignores are added to `skipped`: the result may be empty.
    """
    targets: dict[Path, Target] = {}
    includes: dict[Path, set[str]] = {}  # each enclosing service loaded once for all the paths
    for raw in paths:
        path = Path(raw).resolve()
        if path.is_dir():
            configs = find_services(path, skipped)
            if not configs:  # a folder inside a service, e.g. src/
                inside = owning_service(path, includes)
                configs = [inside] if inside is not None else []
        elif is_config(path) and path.is_file() and owning_service(path, includes) in (path, None):
            configs = [path]
        else:  # a file of a service, a configuration another one includes among them
            config = owning_service(path, includes)
            configs = [config] if config is not None else []
        for config in configs:
            if config in targets:
                continue
            reason = _skipped_folder_above(config)
            if reason is None:
                _target(targets, config, boundary=config.parent)
            else:
                _skip(skipped, config, reason)
    return list(targets.values())


def _skipped_folder_above(config: Path) -> str | None:
    """Why discovery would not lint `config`, found walking from its repository root down."""
    root = repository_root(config.parent)
    if root is None:  # outside a repository nothing says where the project starts
        return None
    ignore = GitIgnore(root)
    parts = config.relative_to(root).parts
    for depth in range(1, len(parts) + 1):
        path, is_dir = root.joinpath(*parts[:depth]), depth < len(parts)
        reason = _skip_reason(path.name) if is_dir else None
        if reason is None and ignore.ignores(path, is_dir):
            reason = "ignored by .gitignore"
        if reason is not None:
            return reason
    return None


def discover(paths: list[str], skipped: list[Skipped] | None = None) -> list[Target]:
    """The services to lint for the PATHs of `check`: a folder stands for every service in and
    below it (what is skipped there is added to `skipped`), a serverless.yml for its service, any
    other file (a configuration another service includes too) for the service it lies in,
    reporting that file only. A PATH given explicitly is
    linted even inside a folder discovery skips (`lintkit check node_modules/x`)."""
    targets: dict[Path, Target] = {}
    whole: set[Path] = set()
    roots: dict[Path, Path | None] = {}
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise DiscoveryError(f"{raw}: no such file or directory")
        path = path.resolve()
        if path.is_dir():
            found: list[Skipped] = []
            configs = find_services(path, found)
            if skipped is not None:
                skipped.extend(found)
            if not configs and is_config(path):
                configs = [path]  # a folder named serverless.yml: PARSE001 says it is not a file
            if not configs:
                inside = None if _passed_over(found) else owning_service(path)
                if inside is not None:  # a folder of a service, e.g. src/: its files are reported
                    _target(targets, inside, boundary=inside.parent).only_under.add(path)
                    continue
                raise DiscoveryError(_nothing_found(raw, found))
            for config in configs:
                _target(targets, config, boundary=path, roots=roots)
                whole.add(config)
        elif is_named_config(path) and (not is_config(path) or owning_service(path) in (path, None)):
            _target(targets, path, boundary=path.parent)
            whole.add(path)
        else:  # a file of a service, a configuration another one includes among them
            config = owning_service(path)
            if config is None:
                raise DiscoveryError(f"{raw}: not inside a Serverless service (no serverless.yml or SAM "
                                     "template.yaml above it)")
            _target(targets, config, boundary=config.parent).only_files.add(path)
    for config in whole:
        targets[config].only_files.clear()
        targets[config].only_under.clear()
    return list(targets.values())


def _passed_over(skipped: list[Skipped]) -> list[tuple[Path, str]]:
    """The services inside what discovery skipped (build output, git-ignored folders; not
    dependencies), with the reason: (serverless.yml, why)."""
    return [(config, skip.reason) for skip in skipped if skip.path.name not in DEPENDENCY_DIRS
            for config in ([skip.path] if is_config(skip.path) else find_services(skip.path))]


def _nothing_found(raw: str, skipped: list[Skipped]) -> str:
    """No service under a PATH: say so, and name the services discovery passed over there (in
    build output or git-ignored folders), which a user may have meant."""
    from .display import display_path

    message = f"{raw}: no serverless.yml, serverless.yaml or SAM template.yaml found here or below"
    passed_over = _passed_over(skipped)
    if not passed_over:
        return message
    shown = [f"{display_path(config, Path.cwd())} ({reason})" for config, reason in passed_over]
    more = f" and {len(shown) - 3} more" if len(shown) > 3 else ""
    first = display_path(passed_over[0][0], Path.cwd())
    return (f"{message} outside the folders discovery skips; skipped: {'; '.join(shown[:3])}{more}. "
            f"Name one to lint it: `lintkit check {first}`")


def _target(targets: dict[Path, Target], config: Path, boundary: Path,
            roots: dict[Path, Path | None] | None = None) -> Target:
    if config not in targets:
        root = repository_root(config.parent, roots) or boundary
        if not config.parent.is_relative_to(root):
            root = config.parent
        targets[config] = Target(config, root)
    return targets[config]

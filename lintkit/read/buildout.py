"""Build output and the sources it is compiled from.

A handler or an import may name a file that only a build creates (`dist/handlers/users.handler`,
`module.exports = require('./dist/index')`, a NestJS `dist/main.handler`, a serverless.yml that a
script copies into `dist/`). `BuildLayout` maps such a path back to the source it is built from:

- tsconfig `outDir` → `rootDir` (else the folders `include` names, `src/`, the tsconfig's folder,
  as `tsc` infers the root from its inputs), for the service's tsconfig, the tsconfig a build script
  names (`tsc -p tsconfig.build.json`) and the projects they reference;
- nest-cli.json: its `sourceRoot` (default `src`) for the output folder of its tsconfig (`dist`);
- the common layouts (`dist/`, `build/`, `lib/`, `out/` built from `src/` or the service folder),
  when a build step exists and the compiled file does not.

Declared mappings (tsconfig, nest-cli.json) name the source even when the compiled file exists, so
a service is analysed from the same files built or not; guessed layouts only stand in for a
compiled file that is missing. `build_step` names what could produce build output (a compiling
script, a bundler plugin, `tsc` with a tsconfig `outDir`), or is None when nothing could.
"""
from __future__ import annotations

import os
from collections import deque
from functools import cached_property
from pathlib import Path

from ..model.fieldclasses import field, fieldclass
from ..model.lazyre import lazy_compile
from .files import is_file, is_inside, is_present, note, read_bytes
from .tsconfig import TsConfig, parse_jsonc, read_tsconfig

COMMON_OUTPUT_DIRS = ("dist", "build", "lib", "out", ".build", ".webpack", ".esbuild")
COMMON_SOURCE_DIRS = ("src", ".")
BUNDLER_PLUGINS = ("serverless-esbuild", "serverless-webpack", "serverless-plugin-typescript",
                   "serverless-bundle", "serverless-plugin-optimize")
# Commands that compile or bundle into an output folder (the first word of a script's command).
COMPILERS = ("tsc", "nest", "webpack", "esbuild", "babel", "rollup", "swc", "tsup", "ncc", "vite",
             "parcel", "spack")
COPY_COMMANDS = ("cp", "copy", "copyfiles", "cpx", "cpy", "rsync", "ncp")
MAX_REFERENCES = 16
NEST_CONFIG = "nest-cli.json"
MAX_NEST_BYTES = 1 << 20

_COMMAND_SEPARATORS = lazy_compile(r"&&|\|\||[;|&]")
_RUNNERS = ("npx", "pnpm", "yarn", "bunx", "exec", "dlx", "cross-env")


@fieldclass(frozen=True)
class OutputDir:
    """A folder a build writes, the folders its files are built from, and who says so."""

    path: Path
    sources: tuple[Path, ...]
    origin: str  # "tsconfig.json `outDir`", "nest-cli.json `sourceRoot`"; "" for a usual layout
    declared: bool  # from a config file: its sources win even over a compiled file that exists


@fieldclass
class BuildLayout:
    outputs: list[OutputDir] = field(default_factory=list)
    build_step: str | None = None
    deploy_dirs: list[Path] = field(default_factory=list)  # output folders the config is copied to

    @cached_property  # part of every module resolution's memo key
    def key(self) -> tuple:
        """What module resolution through this layout depends on (for memo keys)."""
        return tuple((o.path, o.sources, o.declared) for o in self.outputs)

    def output_of(self, path: Path) -> OutputDir | None:
        """The output folder `path` lies in (the innermost), or None."""
        text = os.path.normpath(path)
        best = None
        for output in self.outputs:
            folder = str(output.path)
            if text == folder or text.startswith(folder.rstrip(os.sep) + os.sep):
                if best is None or len(folder) > len(str(best.path)):
                    best = output
        return best

    def bases(self, base: Path) -> list[Path]:
        """The module paths to probe for `base`, in order: for build output, its sources (before
        the compiled file when a config file declares the mapping, after it otherwise)."""
        output = self.output_of(base)
        if output is None:
            return [base]
        relative = os.path.relpath(os.path.normpath(base), output.path)
        sources = [Path(os.path.normpath(source / relative)) for source in output.sources]
        sources = [source for source in sources if self.output_of(source) is not output]
        return sources + [base] if output.declared else [base] + sources

    def expected_sources(self, base: Path) -> list[Path]:
        """The source module paths that would stand for build output `base` (for messages)."""
        return [candidate for candidate in self.bases(base) if candidate != Path(base)]


def load_build_layout(service_root: Path, tsconfig: TsConfig | None, scripts: dict[str, str],
                      plugins: list[str], config_name: str,
                      project_root: Path | None = None) -> BuildLayout:
    """The build layout of a service from its tsconfig, nest-cli.json, package.json scripts (name →
    command) and plugins."""
    root = Path(service_root)
    layout = BuildLayout()
    configs = _tsconfigs(root, tsconfig, scripts.values(), project_root)
    for config in configs:
        if config.out_dir is not None:
            layout.outputs.append(OutputDir(config.out_dir, _tsc_roots(config, root),
                                            f"{_name(config.path, root)} `outDir`", True))
    nest = _nest_output(root, configs)
    if nest is not None:
        layout.outputs.insert(0, nest)
    declared = {output.path for output in layout.outputs}
    layout.build_step = _build_step(scripts, plugins, layout.outputs)
    if layout.build_step is not None:
        for name in COMMON_OUTPUT_DIRS:
            folder = root / name
            if folder not in declared:
                sources = tuple(root / source for source in COMMON_SOURCE_DIRS)
                layout.outputs.append(OutputDir(Path(os.path.normpath(folder)), sources, "", False))
    layout.deploy_dirs = _config_copies(root, scripts.values(), config_name, layout.outputs)
    return layout


def _name(path: Path, root: Path) -> str:
    try:
        return Path(os.path.relpath(path, root)).as_posix()
    except ValueError:
        return Path(path).name


def _tsc_roots(config: TsConfig, root: Path) -> tuple[Path, ...]:
    """Where `tsc` takes its inputs from: `rootDir`, else (it infers the common folder of its
    inputs) the folders `include` names, `src/` and the tsconfig's own folder."""
    if config.root_dir is not None:
        return (config.root_dir,)
    folder = config.path.parent
    candidates = [*config.include_dirs, folder / "src", folder]
    unique: list[Path] = []
    for candidate in candidates:
        candidate = Path(os.path.normpath(candidate))
        if candidate not in unique and candidate != config.out_dir:
            unique.append(candidate)
    return tuple(unique)


def _tsconfigs(root: Path, tsconfig: TsConfig | None, commands, project_root) -> list[TsConfig]:
    """The service's tsconfig, those its build scripts name (`tsc -p x`, `tsc -b x`) and the
    projects they reference, each once."""
    queue = deque([tsconfig.path] if tsconfig is not None else [])
    for command in commands:
        queue.extend(root / name for name in _project_arguments(command))
    found: list[TsConfig] = []
    seen: set[str] = set()
    while queue and len(seen) < MAX_REFERENCES:
        path = Path(os.path.normpath(queue.popleft()))
        if path.suffix != ".json":
            path = path / "tsconfig.json"
        note(path)  # also when it leads outside: the result cache checks it again
        key = os.path.realpath(path)
        if key in seen:
            continue
        seen.add(key)
        if project_root is not None and not is_inside(key, os.path.realpath(project_root)):
            continue
        config = tsconfig if tsconfig is not None and path == tsconfig.path else \
            (read_tsconfig(path) if is_present(path) else None)
        if config is None:
            continue
        found.append(config)
        queue.extend(config.references)
    return found


def _commands(script: str) -> list[list[str]]:
    """A script's commands as words, with runners (`npx`, `yarn`, `cross-env X=1`) dropped."""
    commands = []
    for part in _COMMAND_SEPARATORS.split(script):
        words = part.split()
        while words and (words[0] in _RUNNERS or "=" in words[0]):
            words = words[1:]
        if words:
            commands.append(words)
    return commands


def _project_arguments(script: str) -> list[str]:
    found = []
    for words in _commands(script):
        if words[0] != "tsc":
            continue
        for flag, value in zip(words, words[1:]):
            if flag in ("-p", "--project", "-b", "--build") and not value.startswith("-"):
                found.append(value.strip("'\""))
    return found


def _build_step(scripts: dict[str, str], plugins: list[str], outputs: list[OutputDir]) -> str | None:
    for name, script in scripts.items():
        for words in _commands(script):
            if os.path.basename(words[0]) in COMPILERS:
                return f"the `{name}` script (`{os.path.basename(words[0])}`)"
            if _runs_build_script(words):
                return f"the `{name}` script (`node {words[1]}`)"
    plugin = next((p for p in plugins if p in BUNDLER_PLUGINS), None)
    if plugin is not None:
        return f"the {plugin} plugin"
    declared = next((output for output in outputs if output.declared), None)
    return f"`tsc` with {declared.origin}" if declared is not None else None


def _runs_build_script(words: list[str]) -> bool:
    """`node esbuild.js`, `node scripts/build.mjs`: a build script of the project's own, run with
    node (a SAM function's package often builds into dist/ that way)."""
    if len(words) < 2 or os.path.basename(words[0]) != "node":
        return False
    script = os.path.basename(words[1])
    stem, ext = os.path.splitext(script)
    return ext in (".js", ".mjs", ".cjs", ".ts") and any(tool in stem for tool in BUILD_SCRIPT_STEMS)


BUILD_SCRIPT_STEMS = ("esbuild", "build", "webpack", "rollup", "bundle")


def _nest_output(root: Path, configs: list[TsConfig]) -> OutputDir | None:
    """NestJS: `nest build` compiles `sourceRoot` (default `src`) into its tsconfig's outDir."""
    path = root / NEST_CONFIG
    if not is_file(path):
        return None
    try:
        data = parse_jsonc(read_bytes(path, MAX_NEST_BYTES).decode("utf-8", errors="replace"))
    except OSError:  # a refusal (link out of the project, too large) included
        return None
    if not isinstance(data, dict):
        return None
    source_root = data.get("sourceRoot") if isinstance(data.get("sourceRoot"), str) else "src"
    out_dir = next((config.out_dir for config in configs if config.out_dir is not None),
                   root / "dist")
    return OutputDir(Path(os.path.normpath(out_dir)), (Path(os.path.normpath(root / source_root)),),
                     f"{NEST_CONFIG} `sourceRoot`", True)


def _config_copies(root: Path, commands, config_name: str, outputs: list[OutputDir]) -> list[Path]:
    """Output folders a script copies the serverless config into (`cp serverless.yml dist/`):
    the service is deployed from there, and its handler paths are relative to it."""
    found: list[Path] = []
    for command in commands:
        for words in _commands(command):
            if os.path.basename(words[0]) not in COPY_COMMANDS:
                continue
            names = [word.strip("'\"") for word in words[1:]]
            if not any(os.path.basename(name) == config_name for name in names):
                continue
            for name in names:
                folder = Path(os.path.normpath(root / name))
                output = next((o for o in outputs if o.path == folder), None)
                if output is not None and folder not in found:
                    found.append(folder)
    return found

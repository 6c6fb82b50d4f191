""".lintkit.yml: which rules run, at which severity, on which files.

    select: [SECRET, VPC001]            # codes, code prefixes or rule names; absent: all rules
    ignore: [missing-log-retention]     # wins over select
    severity: {CONFIG004: warning}
    per-file-ignores: {"legacy/**": [CLIENT]}
    exclude: ["examples/**"]
    fail-on: error                      # error | warning (default) | info | never
    opt: {stage: prod}                  # values for ${opt:...}

Globs are relative to the folder of the config file; `*` stays within a path segment, `**` spans
segments, and a pattern without `/` matches a file or folder name at any depth.
"""
from __future__ import annotations

import dataclasses
import difflib
import json
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

from .diagnostics import SEVERITY_RANK
from .globs import Glob, compile_glob
from .lines import LineIndex
from .reporters import display_path, relative_path
from .suppress import matches

CONFIG_NAMES = (".lintkit.yml", ".lintkit.yaml")
FAIL_ON = ("error", "warning", "info", "never")
DEFAULT_FAIL_ON = "warning"
SCHEMA_NAME = "lintkit-config.schema.json"


class ConfigError(Exception):
    """An unreadable, unparsable or invalid config file. The message names the file and the line."""


def find_config(start: Path, stop_at: Path | None = None) -> Path | None:
    """The nearest config file from `start` upwards, stopping after the repository root (a folder with
    `.git`), `stop_at`, or the filesystem root."""
    folder = Path(os.path.abspath(start))
    stop = Path(os.path.abspath(stop_at)) if stop_at is not None else None
    while True:
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
        if folder == stop or (folder / ".git").exists() or folder.parent == folder:
            return None
        folder = folder.parent


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    root: Path = field(default_factory=Path.cwd)
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)
    fail_on: str | None = None  # None: not configured, DEFAULT_FAIL_ON applies
    opt: dict[str, str] = field(default_factory=dict)

    def is_selected(self, code: str, name: str) -> bool:
        if self.select and not any(matches(s, code, name) for s in self.select):
            return False
        return not any(matches(s, code, name) for s in self.ignore)

    def severity_for(self, code: str, name: str, default: str) -> str:
        """The configured severity: an exact code or name wins over the longest matching prefix."""
        best, best_length = default, -1
        for selector, severity in self.severity.items():
            if selector in (code, name):
                return severity
            if matches(selector, code, name) and len(selector) > best_length:
                best, best_length = severity, len(selector)
        return best

    def is_ignored_for_file(self, code: str, name: str, path: Path) -> bool:
        return any(
            any(matches(s, code, name) for s in selectors) and self._glob_matches(pattern, path)
            for pattern, selectors in self.per_file_ignores.items()
        )

    def is_excluded(self, path: Path) -> bool:
        return any(self._glob_matches(pattern, path) for pattern in self.exclude)

    def fails(self, severity: str) -> bool:
        """Does a diagnostic of this severity make the exit code 1?"""
        fail_on = self.fail_on or DEFAULT_FAIL_ON
        return fail_on != "never" and SEVERITY_RANK[severity] >= SEVERITY_RANK[fail_on]

    def with_overrides(self, select=None, ignore=None, fail_on=None) -> "Config":
        """CLI options: --select replaces the configured list, --ignore adds to it."""
        changes = {}
        if select is not None:
            changes["select"] = list(select)
        if ignore:
            changes["ignore"] = [*self.ignore, *ignore]
        if fail_on is not None:
            if fail_on not in FAIL_ON:
                raise ValueError(f"fail-on must be one of {', '.join(FAIL_ON)}, not {fail_on!r}")
            changes["fail_on"] = fail_on
        return dataclasses.replace(self, **changes)

    def _glob_matches(self, pattern: str, path: Path) -> bool:
        relative = relative_path(path, self.root)
        # Outside the root only the file name can match.
        parts = relative.split("/") if relative is not None else [Path(path).name]
        glob, anchored = _glob(pattern)
        if anchored:  # the pattern names a path: match it or one of its folders
            return any(glob.fullmatch("/".join(parts[: i + 1])) for i in range(len(parts)))
        return any(glob.fullmatch(part) for part in parts)


def _glob(pattern: str) -> tuple[Glob, bool]:
    """A glob over `/`-separated relative paths, and whether it contains a `/`."""
    pattern = pattern.strip()
    while pattern.startswith("./"):
        pattern = pattern[2:]
    pattern = pattern.strip("/")
    return compile_glob(pattern, "lintkit"), "/" in pattern


def load_config(path: Path) -> Config:
    shown = display_path(path, Path.cwd())
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{shown}: cannot read the config file: {error}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ConfigError(_yaml_error(shown, text, error)) from None
    if data is None:
        data = {}

    import jsonschema  # only when a config file exists: it is slow to import

    schema = json.loads(resources.files("lintkit.schemas").joinpath(SCHEMA_NAME).read_text("utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(_schema_error(text, error) for error in validator.iter_errors(data))
    if errors:
        raise ConfigError("\n".join(
            f"{shown}:{line}:{column}: {message}" if line else f"{shown}: {message}"
            for line, column, message in errors
        ))

    folder = Path(os.path.abspath(path)).parent
    return Config(
        path=Path(path),
        root=folder,
        select=list(data.get("select", [])),
        ignore=list(data.get("ignore", [])),
        severity={str(k): v for k, v in data.get("severity", {}).items()},
        per_file_ignores={str(k): list(v) for k, v in data.get("per-file-ignores", {}).items()},
        exclude=list(data.get("exclude", [])),
        fail_on=data.get("fail-on"),
        opt={str(k): _opt_text(v) for k, v in data.get("opt", {}).items()},
    )


def _opt_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _yaml_error(shown: str, text: str, error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    where = f"{shown}:{':'.join(map(str, _mark_position(text, mark)))}" if mark is not None else shown
    problem = getattr(error, "problem", None) or str(error)
    context = getattr(error, "context", None)
    return f"{where}: invalid YAML: {problem}" + (f" ({context})" if context else "")


def _schema_error(text: str, error) -> tuple[int, int, str]:
    """(line, column, message) of a schema violation; line 0 when it cannot be located."""
    keys = list(error.absolute_path)
    location = _key_path(keys)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = list(error.schema.get("properties", {}))
        unexpected = [k for k in error.instance if k not in allowed]
        key = unexpected[0] if unexpected else None
        hints = []
        for name in unexpected:
            close = difflib.get_close_matches(str(name), allowed, n=1)
            hints.append(f"unknown key {name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        message = "; ".join(hints) + f"; allowed keys: {', '.join(allowed)}"
    elif error.validator == "pattern":
        key = error.instance
        message = (f"{error.instance!r} is not a rule code (SECRET001), code prefix (SECRET) "
                   "or rule name (plaintext-database-password)")
    else:
        key = None
        message = error.message
    line, column = _locate(text, keys, key) or (0, 0)
    return line, column, f"{location}: {message}" if location else message


def _key_path(keys: list) -> str:
    text = ""
    for key in keys:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text


def _locate(text: str, keys: list, key=None) -> tuple[int, int] | None:
    """1-based line and column of the node at `keys`, or of its mapping key `key`."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    for part in keys:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in reversed(node.value) if k.value == str(part)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            node = None
        if node is None:
            return None
    if key is not None and isinstance(node, yaml.MappingNode):
        node = next((k for k, _ in node.value if k.value == str(key)), node)
    return _mark_position(text, node.start_mark)


def _mark_position(text: str, mark) -> tuple[int, int]:
    """1-based line and column of a libyaml mark in lintkit's lines (libyaml also breaks at NEL,
    U+2028 and U+2029)."""
    return LineIndex(text).position(mark.index)

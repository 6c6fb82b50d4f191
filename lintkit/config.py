""".lintkit.yml: which rules run, at which severity, on which files.

    select: [SECRET, VPC001]            # codes, code prefixes or rule names; absent: all rules
    ignore: [missing-log-retention]     # wins over select
    severity: {CONFIG004: warning}
    per-file-ignores: {"legacy/**": [CLIENT]}
    exclude: ["examples/**"]
    fail-on: error                      # error | warning (default) | info | never
    opt: {stage: prod}                  # values for ${opt:...}
    rule-url: https://wiki.example.com/lintkit/{code}   # SARIF helpUri of each rule

Globs are relative to the folder of the config file; `*` stays within a path segment, `**` spans
segments, and a pattern without `/` matches a file or folder name at any depth.
"""
from __future__ import annotations

import itertools
import json
import os
from importlib import resources
from pathlib import Path

from .display import display_path, relative_path
from .model.diagnostics import SEVERITY_RANK
from .model.fieldclasses import field, fieldclass, replace
from .model.nodes import Mapping, Node, path_get, to_plain, walk
from .read.files import is_present
from .read.globs import Glob, compile_glob
from .suppress import matches

CONFIG_NAMES = (".lintkit.yml", ".lintkit.yaml")
PACKAGE_JSON_KEY = "lintkit"  # a "lintkit" object in package.json, where Node teams keep tool settings
FAIL_ON = ("error", "warning", "info", "never")
DEFAULT_FAIL_ON = "warning"
SCHEMA_NAME = "lintkit-config.schema.json"
MAX_NODES = 100_000


class ConfigError(Exception):
    """An unreadable, unparsable or invalid config file: `problems` are (line, column, message),
    line 0 where a problem has no place. The message names the file and the line. `invalid`: the
    file was read and says something lintkit cannot do (a wrong key or value, a selector that picks
    no rule), a usage error (exit 2); otherwise the file could not be read or parsed, a finding
    like any other bad file."""

    def __init__(self, path: Path, problems: list[tuple[int, int, str]], invalid: bool = False):
        self.path = Path(path)
        self.problems = problems
        self.invalid = invalid
        shown = display_path(path, Path.cwd())
        super().__init__("\n".join(f"{shown}:{line}:{column}: {message}" if line else
                                    f"{shown}: {message}" for line, column, message in problems))


def find_config(start: Path, stop_at: Path | None = None, seen: dict | None = None) -> Path | None:
    """The nearest config file from `start` upwards, stopping after the repository root (a folder with
    `.git`), `stop_at`, or the filesystem root. In one folder `.lintkit.yml` wins over a package.json
    with a "lintkit" key; a package.json without one is passed over. `seen` keeps what each folder
    held for the next call (a monorepo's services share the folders above them)."""
    folder = Path(os.path.abspath(start))
    stop = Path(os.path.abspath(stop_at)) if stop_at is not None else None
    seen = {} if seen is None else seen
    while True:
        memo = (folder, stop)  # a package.json read is confined to the project: one per root
        if memo not in seen:
            seen[memo] = _config_in(folder), (folder / ".git").exists()
        found, repository = seen[memo]
        if found is not None:
            return found
        if folder == stop or repository or folder.parent == folder:
            return None
        folder = folder.parent


def _config_in(folder: Path) -> Path | None:
    for name in CONFIG_NAMES:
        candidate = folder / name
        if is_present(candidate):  # one lintkit refuses to read is reported, not skipped
            return candidate
    if _has_lintkit_key(folder / "package.json"):
        return folder / "package.json"
    return None


@fieldclass(frozen=True)
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
    rule_url: str | None = None
    # `--exclude`/`--extend-exclude`: globs relative to the working folder of the run.
    command_line_exclude: tuple[str, ...] = ()
    command_line_root: Path | None = None

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
        return any(self._glob_matches(pattern, path) for pattern in self.exclude) or any(
            self._glob_matches(pattern, path, self.command_line_root) for pattern in self.command_line_exclude)

    def fails(self, severity: str) -> bool:
        """Does a diagnostic of this severity make the exit code 1?"""
        fail_on = self.fail_on or DEFAULT_FAIL_ON
        return fail_on != "never" and SEVERITY_RANK[severity] >= SEVERITY_RANK[fail_on]

    def with_overrides(self, select=None, ignore=None, fail_on=None, exclude=None,
                       extend_exclude=None, cwd: Path | None = None) -> "Config":
        """CLI options: --select replaces the configured list, --ignore adds to it; --exclude
        replaces the configured `exclude`, --extend-exclude adds to it (globs relative to `cwd`)."""
        changes = {}
        if exclude is not None:
            changes["exclude"] = []
        if exclude or extend_exclude:
            changes["command_line_exclude"] = (*(exclude or ()), *(extend_exclude or ()))
            changes["command_line_root"] = Path(os.path.abspath(cwd or Path.cwd()))
        if select is not None:
            changes["select"] = list(select)
        if ignore:
            changes["ignore"] = [*self.ignore, *ignore]
        if fail_on is not None:
            if fail_on not in FAIL_ON:
                raise ValueError(f"fail-on must be one of {', '.join(FAIL_ON)}, not {fail_on!r}")
            changes["fail_on"] = fail_on
        return replace(self, **changes)

    def _glob_matches(self, pattern: str, path: Path, root: Path | None = None) -> bool:
        relative = relative_path(path, root or self.root)
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


def _has_lintkit_key(package_json: Path) -> bool:
    from .read.files import read_bytes

    if not is_present(package_json):
        return False
    try:
        data = read_bytes(package_json)
    except OSError:
        return False  # unreadable: its service's package.json findings say so
    if f'"{PACKAGE_JSON_KEY}"'.encode() not in data:  # most package.json files: no parse
        return False
    from .read.packagejson import parse_json

    node, _ = parse_json(data.decode("utf-8", "replace"), package_json)
    return _lintkit_value(node) is not None


def _lintkit_value(document: Node | None) -> Node | None:
    """The value of a package.json's top-level "lintkit" key (a dependency named lintkit is not it)."""
    if not isinstance(document, Mapping):
        return None
    return next((value for key, value in document.pairs if key.value == PACKAGE_JSON_KEY), None)


def load_config(path: Path) -> Config:
    """The configuration in `path` (a .lintkit.yml, or the "lintkit" key of a package.json); raises
    ConfigError. The file is read and parsed with the same bounds as serverless.yml (size, nesting,
    aliases: lintkit.read.files and lintkit.read.yamlload)."""
    node = _package_json_settings(path) if Path(path).name == "package.json" else _yaml_settings(path)
    if node is not None and sum(1 for _ in itertools.islice(walk(node), MAX_NODES + 1)) > MAX_NODES:
        raise ConfigError(path, [(1, 1, f"more than {MAX_NODES:,} values (after aliases are "
                                        "expanded); a configuration is a few dozen lines")])
    return _config_from(path, node)


def _yaml_settings(path: Path) -> Node | None:
    from .read.yamlload import load_yaml

    loaded = load_yaml(path)
    if loaded.findings:
        finding = loaded.findings[0]
        message = finding.message
        if loaded.text is not None and not message.startswith("cannot read"):
            message = f"invalid YAML: {message}"
        raise ConfigError(path, [(finding.span.line, finding.span.column, message)])
    return loaded.node


def _package_json_settings(path: Path) -> Node | None:
    """The "lintkit" value of a package.json, located in it."""
    from .read.files import read_bytes
    from .read.packagejson import parse_json

    try:
        data = read_bytes(path)
    except OSError as error:  # a Refused file too
        raise ConfigError(path, [(0, 0, f"cannot read: {getattr(error, 'strerror', None) or error}")])
    node, problem = parse_json(data.decode("utf-8", "replace"), path)
    if problem is not None:
        raise ConfigError(path, [(problem.span.line, problem.span.column, f"invalid JSON: {problem.message}")])
    return _lintkit_value(node)


def _config_from(path: Path, node: Node | None) -> Config:
    data = to_plain(node)
    if data is None:
        data = {}

    import jsonschema  # only when a config file exists: it is slow to import

    schema = json.loads(resources.files("lintkit.schemas").joinpath(SCHEMA_NAME).read_text("utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(_schema_error(node, error) for error in validator.iter_errors(data))
    if not errors:
        errors = _unknown_selectors(node, data)
    if errors:
        raise ConfigError(path, errors, invalid=True)

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
        rule_url=data.get("rule-url"),
    )


def _unknown_selectors(document: Node | None, data: dict) -> list[tuple[int, int, str]]:
    """Selectors that pick no rule, where they are: a typo in `ignore` or `select` would otherwise
    turn a check off, or every check, without a word."""
    from .registry import selector_problem

    places = [(["select", i], s) for i, s in enumerate(data.get("select", []))]
    places += [(["ignore", i], s) for i, s in enumerate(data.get("ignore", []))]
    places += [(["severity"], str(s)) for s in data.get("severity", {})]
    places += [(["per-file-ignores", pattern, i], s)
               for pattern, selectors in data.get("per-file-ignores", {}).items()
               for i, s in enumerate(selectors)]
    errors = []
    for keys, selector in places:
        problem = selector_problem(selector)
        if problem:
            key = selector if keys == ["severity"] else None
            line, column = _locate(document, keys, key) or (0, 0)
            errors.append((line, column, f"{_key_path(keys)}: {problem}"))
    return errors


def _opt_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


_TYPE_NAMES = {"object": "a mapping", "array": "a list", "string": "a string", "number": "a number",
               "integer": "an integer", "boolean": "true or false", "null": "empty"}


def _schema_error(document: Node | None, error) -> tuple[int, int, str]:
    """(line, column, message) of a schema violation; line 0 when it cannot be located. The message
    names the key path and the problem, never the value or a key of the file (the position shows
    them): a configuration error is printed, and in an editor logged, where a secret must not be."""
    keys = list(error.absolute_path)
    location = _key_path(keys)
    key = None
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = list(error.schema.get("properties", {}))
        unexpected = [k for k in error.instance if k not in allowed]
        key = unexpected[0] if unexpected else None
        hints = []
        import difflib  # for the rare misspelling: not on every run

        for name in unexpected:
            close = difflib.get_close_matches(str(name), allowed, n=1)
            hints.append("unknown key" + (f" (did you mean {close[0]!r}?)" if close else ""))
        message = "; ".join(hints) + f"; allowed keys: {', '.join(allowed)}"
    elif error.validator == "pattern" and keys == ["rule-url"]:
        message = "must be a URL template with {code}, e.g. https://wiki.example.com/lintkit/{code}"
    elif error.validator == "pattern":
        key = error.instance  # a selector as a mapping key (`severity:`) is where to point
        message = ("not a rule code (SECRET001), code prefix (SECRET) or rule name "
                   "(plaintext-database-password)")
    elif error.validator == "enum":
        message = f"must be one of {', '.join(map(str, error.validator_value))}"
    elif error.validator == "type":
        types = error.validator_value
        types = types if isinstance(types, list) else [types]
        message = "must be " + " or ".join(_TYPE_NAMES.get(t, t) for t in types)
    elif error.validator == "minLength":
        message = "must not be empty"
    else:
        message = f"is not valid ({error.validator})"
    line, column = _locate(document, keys, key) or (0, 0)
    return line, column, f"{location}: {message}" if location else message


def _key_path(keys: list) -> str:
    """`ignore[1]`, `severity.<key>`: the configuration's own keys by name, the file's keys (rule
    selectors, globs, option names) as `<key>`."""
    text = ""
    for depth, key in enumerate(keys):
        if isinstance(key, int):
            text += f"[{key}]"
        else:
            text += ("." if text else "") + (str(key) if depth == 0 else "<key>")
    return text


def _locate(document: Node | None, keys: list, key=None) -> tuple[int, int] | None:
    """1-based line and column of the node at `keys`, or of its mapping key `key`."""
    node = path_get(document, *keys)
    if node is None:
        return None
    if key is not None and isinstance(node, Mapping):
        node = next((k for k, _ in node.pairs if k.value == key or str(k.value) == str(key)), node)
    return node.span.line, node.span.column

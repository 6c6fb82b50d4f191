"""A small, tolerant reader of tsconfig.json (JSONC) for module resolution (`baseUrl`, `paths`) and
for where `tsc` writes its output (`outDir`, `rootDir`, the folders `include` names, project
`references`).

Comments and trailing commas are allowed; `extends` of a relative file is followed (cycles
ignored; package names like `@tsconfig/node20` are skipped: node_modules is never read). Bad JSON
never raises: `load_tsconfig` returns None for the service's own file, and ignores a broken parent.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from ..model.fieldclasses import field, fieldclass
from .files import is_file, is_present, read_bytes
from .lines import line_end

CONFIG_NAMES = ("tsconfig.json", "jsconfig.json")
MAX_BYTES = 1 << 20  # a tsconfig is a few kilobytes
MAX_EXTENDS = 16


@fieldclass
class TsConfig:
    path: Path
    base_url: Path | None = None
    paths: dict[str, list[str]] = field(default_factory=dict)
    paths_base: Path | None = None  # folder `paths` targets are relative to
    out_dir: Path | None = None
    root_dir: Path | None = None
    include_dirs: list[Path] = field(default_factory=list)  # `include: ["src/**/*"]` → src
    references: list[Path] = field(default_factory=list)  # the tsconfig files `references` names

    def resolve_alias(self, specifier: str) -> list[Path]:
        """Candidate base paths (without extension probing) for a non-relative specifier: the
        `paths` pattern that matches (exact first, then the longest prefix before `*`), then
        `baseUrl/specifier`."""
        candidates: list[Path] = []
        match = self._match(specifier)
        if match is not None:
            targets, star = match
            base = self.paths_base or self.path.parent
            for target in targets:
                candidates.append(_normalize(base / target.replace("*", star, 1)))
        if self.base_url is not None:
            candidates.append(_normalize(self.base_url / specifier))
        return candidates

    def _match(self, specifier: str) -> tuple[list[str], str] | None:
        if specifier in self.paths and "*" not in specifier:
            return self.paths[specifier], ""
        best: tuple[int, list[str], str] | None = None
        for pattern, targets in self.paths.items():
            prefix, star, suffix = pattern.partition("*")
            if not star:
                continue
            if len(specifier) >= len(prefix) + len(suffix) and specifier.startswith(prefix) \
                    and specifier.endswith(suffix):
                if best is None or len(prefix) > best[0]:
                    star_text = specifier[len(prefix):len(specifier) - len(suffix)]
                    best = (len(prefix), targets, star_text)
        return (best[1], best[2]) if best else None


def _normalize(path: Path) -> Path:
    return Path(os.path.normpath(path))


def parse_jsonc(text: str):
    """JSON with comments and trailing commas → Python data, or None when it cannot be parsed."""
    try:
        return json.loads(_strip_jsonc(text.lstrip("\ufeff")))
    except (ValueError, RecursionError):
        return None


def _strip_jsonc(text: str) -> str:
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            end = _string_end(text, i)
            out.append(text[i:end])
            i = end
        elif text.startswith("//", i):
            i = line_end(text, i)
        elif text.startswith("/*", i):
            close = text.find("*/", i + 2)
            i = n if close < 0 else close + 2
            out.append(" ")
        elif ch == ",":
            j = i + 1
            while j < n and text[j] in " \t\r\n":
                j += 1
            # a comma followed (maybe after comments) by } or ] is a trailing comma
            rest = _strip_leading_comments(text, j)
            if rest < n and text[rest] in "}]":
                i += 1
            else:
                out.append(ch)
                i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _string_end(text: str, start: int) -> int:
    i = start + 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
        elif text[i] == '"':
            return i + 1
        else:
            i += 1
    return len(text)


def _strip_leading_comments(text: str, i: int) -> int:
    n = len(text)
    while i < n:
        if text[i] in " \t\r\n":
            i += 1
        elif text.startswith("//", i):
            i = line_end(text, i)
        elif text.startswith("/*", i):
            close = text.find("*/", i + 2)
            i = n if close < 0 else close + 2
        else:
            break
    return i


def _read(path: Path) -> dict | None:
    try:
        data = parse_jsonc(read_bytes(path, MAX_BYTES).decode("utf-8", errors="replace"))
    except OSError:
        return None
    return data if isinstance(data, dict) else None


def _extends_targets(data: dict, folder: Path) -> list[Path]:
    value = data.get("extends")
    values = value if isinstance(value, list) else [value]
    targets = []
    for item in values:
        if not isinstance(item, str) or not item.startswith((".", "/")):
            continue  # a package (`@tsconfig/node20`): node_modules is never read
        target = _normalize(folder / item)
        if not is_file(target) and target.suffix != ".json":
            target = target.with_name(target.name + ".json")
        targets.append(target)
    return targets


def _chain(path: Path) -> list[tuple[Path, dict]]:
    """[(file, data)] from the most basic parent to `path` itself; unreadable parents skipped."""
    ordered: list[tuple[Path, dict]] = []
    seen: set[str] = set()

    def visit(current: Path, depth: int) -> None:
        key = os.path.realpath(current)
        if key in seen or depth > MAX_EXTENDS:
            return
        seen.add(key)
        data = _read(current)
        if data is None:
            return
        for parent in _extends_targets(data, current.parent):
            visit(parent, depth + 1)
        ordered.append((current, data))

    # The chain is at most MAX_EXTENDS deep, so this recursion is bounded.
    visit(path, 0)
    return ordered


def read_tsconfig(path: Path) -> TsConfig | None:
    """The effective options of one tsconfig file, following `extends`: each path relative to the
    file that writes it; `references` are the file's own (they are not inherited)."""
    chain = _chain(Path(path))
    if not chain or chain[-1][0] != Path(path):
        return None
    config = TsConfig(path=Path(path))
    paths_owner: Path | None = None
    for file, data in chain:
        options = data.get("compilerOptions")
        if not isinstance(options, dict):
            continue
        base_url = options.get("baseUrl")
        if isinstance(base_url, str):
            config.base_url = _normalize(file.parent / base_url)
        paths = options.get("paths")
        if isinstance(paths, dict):
            config.paths = {key: [t for t in targets if isinstance(t, str)]
                            for key, targets in paths.items()
                            if isinstance(key, str) and isinstance(targets, list)}
            paths_owner = file.parent
        for key, attribute in (("outDir", "out_dir"), ("rootDir", "root_dir")):
            if isinstance(options.get(key), str) and options[key].strip():
                setattr(config, attribute, _normalize(file.parent / options[key]))
    config.paths_base = config.base_url or paths_owner
    for file, data in chain:  # `include` is replaced, not merged, by an extending file
        if isinstance(data.get("include"), list):
            config.include_dirs = _literal_dirs(data["include"], file.parent)
    config.references = _references(chain[-1][1], Path(path).parent)
    return config


def _literal_dirs(patterns: list, folder: Path) -> list[Path]:
    """The folder each `include` pattern starts with, before its first wildcard."""
    dirs: list[Path] = []
    for pattern in patterns:
        if not isinstance(pattern, str):
            continue
        literal = []
        for part in pattern.replace("\\", "/").split("/"):
            if any(ch in part for ch in "*?[") or "." in part and part not in (".", ".."):
                break  # a wildcard, or a file name
            literal.append(part)
        target = _normalize(folder.joinpath(*literal)) if literal else folder
        if target not in dirs:
            dirs.append(target)
    return dirs


def _references(data: dict, folder: Path) -> list[Path]:
    references = data.get("references")
    found: list[Path] = []
    for reference in references if isinstance(references, list) else []:
        target = reference.get("path") if isinstance(reference, dict) else None
        if isinstance(target, str) and target.strip():
            target = _normalize(folder / target)
            found.append(target if target.suffix == ".json" else target / "tsconfig.json")
    return found


def load_tsconfig(service_root: Path, project_root: Path | None = None) -> TsConfig | None:
    """The tsconfig.json (or jsconfig.json) of a service: in `service_root`, else in a parent
    folder up to `project_root` when given. None when there is none or it cannot be parsed."""
    # Real paths once: os.path.realpath costs a system call per folder level, and a service can lie
    # a thousand folders deep.
    folder = Path(os.path.realpath(service_root))
    stop = Path(os.path.realpath(project_root)) if project_root is not None else None
    for _ in range(64):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if is_present(candidate):
                return read_tsconfig(candidate)
        if stop is None or folder == stop or folder.parent == folder:
            return None
        folder = folder.parent
    return None

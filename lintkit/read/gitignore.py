"""What git ignores: the rules of `.git/info/exclude` and of each folder's `.gitignore`, top down
(later rules win, a folder that is ignored hides everything in it). Asked by the SECRET rules
(`is_git_ignored`: does a `.env` get committed?) and by discovery (`GitIgnore`: which folders of a
tree are build output or dependencies nobody lints)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .files import read_bytes
from .globs import Glob, compile_glob

MAX_IGNORE_BYTES = 1 << 20  # a .gitignore is a few kilobytes


@dataclass(frozen=True)
class _IgnoreRule:
    base: Path
    pattern: Glob
    negated: bool
    directory_only: bool


def _ignore_rule(line: str, base: Path) -> _IgnoreRule | None:
    line = re.sub(r"(?<!\\)[ \t]+$", "", line.rstrip("\r\n"))
    if not line or line.startswith("#"):
        return None
    negated = line.startswith("!")
    line = line[1:] if negated else line
    directory_only = line.endswith("/")
    line = line.rstrip("/")
    if not line:
        return None
    anchored = "/" in line  # else the name matches at any depth
    glob = line.lstrip("/") if anchored else "**/" + line
    return _IgnoreRule(base, compile_glob(glob, "gitignore"), negated, directory_only)


def _read_rules(file: Path, base: Path) -> list[_IgnoreRule]:
    try:
        lines = read_bytes(file, MAX_IGNORE_BYTES).decode("utf-8", errors="replace").splitlines()
    except OSError:
        return []
    return [rule for rule in (_ignore_rule(line, base) for line in lines) if rule is not None]


def _matches(rules: list[_IgnoreRule], path: Path, is_dir: bool) -> bool:
    ignored = False
    for rule in rules:
        if (rule.directory_only and not is_dir) or not path.is_relative_to(rule.base):
            continue
        if rule.pattern.fullmatch(path.relative_to(rule.base).as_posix()):
            ignored = not rule.negated
    return ignored


class GitIgnore:
    """The ignore rules of a tree under `root`, each folder's `.gitignore` read once: discovery
    asks about every folder it walks, top down."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self._rules: dict[Path, list[_IgnoreRule]] = {}

    def ignores(self, path: Path, is_dir: bool) -> bool:
        """Whether the rules in force in `path`'s folder ignore `path` itself (its parents are
        the caller's to ask: a walk does not enter an ignored folder)."""
        path = Path(path)
        return path != self.root and _matches(self._rules_in(path.parent), path, is_dir)

    def _rules_in(self, folder: Path) -> list[_IgnoreRule]:
        missing = []  # iteratively, for a tree can be thousands of folders deep
        while folder not in self._rules:
            missing.append(folder)
            if folder == self.root or folder.parent == folder:
                break
            folder = folder.parent
        for folder in reversed(missing):
            inherited = self._rules.get(folder.parent, []) if folder != self.root else \
                _read_rules(folder / ".git" / "info" / "exclude", folder)
            own = _read_rules(folder / ".gitignore", folder)
            self._rules[folder] = inherited + own if own else inherited
        return self._rules[folder]


def is_git_ignored(path: Path, project_root: Path) -> bool:
    """Whether the .gitignore files from `project_root` down to `path`'s folder ignore it. A
    folder that is ignored hides everything in it, as in git."""
    path, root = Path(path), Path(project_root)
    if not path.is_relative_to(root):
        root = path.parent
    parts = path.relative_to(root).parts
    ignore = GitIgnore(root)
    return any(ignore.ignores(root.joinpath(*parts[:depth]), depth < len(parts))
               for depth in range(1, len(parts) + 1))

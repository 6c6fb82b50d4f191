"""What git ignores: the rules of `.git/info/exclude` and of each folder's `.gitignore`, top down
(later rules win, a folder that is ignored hides everything in it). Asked by the SECRET rules
(`is_git_ignored`: does a `.env` get committed?) and by discovery (`GitIgnore`: which folders of a
tree are build output or dependencies nobody lints)."""
from __future__ import annotations

import os
import re
from pathlib import Path

from ..model.fieldclasses import fieldclass
from .files import read_bytes
from .globs import Glob, compile_glob

MAX_IGNORE_BYTES = 1 << 20  # a .gitignore is a few kilobytes


@fieldclass(frozen=True)
class _IgnoreRule:
    base: str  # the .gitignore's folder, `/`-separated and ending in `/`
    pattern: Glob
    negated: bool
    directory_only: bool
    name: str | None = None  # a plain name (`node_modules`) matches at any depth: no glob to run

    def matches(self, name: str, posix: str) -> bool:
        if self.name is not None:
            return name == self.name
        return self.pattern.fullmatch(posix[len(self.base):])


def _ignore_rule(line: str, base: str) -> _IgnoreRule | None:
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
    name = None if anchored or any(c in line for c in "*?[{\\") else line
    return _IgnoreRule(_posix(base).rstrip("/") + "/", compile_glob(glob, "gitignore"), negated,
                       directory_only, name)


def _read_rules(file: Path, base: str) -> list[_IgnoreRule]:
    try:
        lines = read_bytes(file, MAX_IGNORE_BYTES).decode("utf-8", errors="replace").splitlines()
    except OSError:
        return []
    return [rule for rule in (_ignore_rule(line, base) for line in lines) if rule is not None]


def _matches(rules: list[_IgnoreRule], path: str, is_dir: bool) -> bool:
    ignored = False
    posix = _posix(path)
    name = posix.rsplit("/", 1)[-1]
    for rule in rules:
        if (rule.directory_only and not is_dir) or not posix.startswith(rule.base):
            continue
        if rule.matches(name, posix):
            ignored = not rule.negated
    return ignored


def _posix(path: str) -> str:
    return path.replace(os.sep, "/") if os.sep != "/" else path


class GitIgnore:
    """The ignore rules of a tree under `root`, each folder's `.gitignore` read once: discovery
    asks about every folder it walks, top down. Paths are handled as strings: a tree can be
    thousands of folders deep, and parsing each deep path into a Path again and again is what
    would make the walk slow."""

    def __init__(self, root):
        self.root = os.fspath(root)
        self._rules: dict[str, list[_IgnoreRule]] = {}

    def ignores(self, path, is_dir: bool) -> bool:
        """Whether the rules in force in `path`'s folder ignore `path` itself (its parents are
        the caller's to ask: a walk does not enter an ignored folder)."""
        path = os.fspath(path)
        return path != self.root and _matches(self._rules_in(os.path.dirname(path)), path, is_dir)

    def listed(self, folder, names) -> None:
        """Takes in the rules of a folder a walk has listed (`names`: its file names), reading
        its .gitignore only when it has one (a failed read costs a realpath of the whole path)."""
        folder = os.fspath(folder)
        if folder not in self._rules:
            self._add(folder, ".gitignore" in names)

    def _rules_in(self, folder: str) -> list[_IgnoreRule]:
        start, missing = folder, []  # iteratively, for a tree can be thousands of folders deep
        while folder not in self._rules:
            missing.append(folder)
            parent = os.path.dirname(folder)
            if folder == self.root or parent == folder:
                break
            folder = parent
        for each in reversed(missing):
            self._add(each, has_gitignore=True)
        return self._rules[start]

    def _add(self, folder: str, has_gitignore: bool) -> None:
        parent = os.path.dirname(folder)
        if folder == self.root:
            inherited = _read_rules(Path(folder, ".git", "info", "exclude"), folder)
        elif parent == folder:
            inherited = []
        else:
            inherited = self._rules_in(parent)
        own = _read_rules(Path(folder, ".gitignore"), folder) if has_gitignore else []
        self._rules[folder] = inherited + own if own else inherited


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

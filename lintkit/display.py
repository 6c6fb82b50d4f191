"""How findings are shown: paths relative to the working folder with `/` separators, and the report
order (path, line, column, code). Shared by the reporters, the configuration's globs and baselines."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterable

from .model.diagnostics import Diagnostic


def relative_path(path: Path, base: Path) -> str | None:
    """`path` relative to `base` with `/` separators, or None when it is not under `base`."""
    absolute, base_absolute = os.path.abspath(path), os.path.abspath(base)
    if absolute == base_absolute or absolute.startswith(base_absolute.rstrip(os.sep) + os.sep):
        return Path(os.path.relpath(absolute, base_absolute)).as_posix()
    return None


def display_path(path: Path, cwd: Path) -> str:
    """`path` relative to `cwd` when it is under it, else absolute; always with `/` separators."""
    return relative_path(path, cwd) or Path(os.path.abspath(path)).as_posix()


def sorted_diagnostics(diagnostics: Iterable[Diagnostic], cwd: Path,
                       redact: Callable[[str], str] | None = None) -> list[tuple[str, Diagnostic]]:
    """(display path, diagnostic) pairs sorted by path, line, column, code; the paths redacted with
    `redact` (after sorting, so the order does not depend on what is masked)."""
    shown_as: dict[Path, str] = {}  # worked out once a file, not once a finding
    pairs = []
    for d in diagnostics:
        if d.path not in shown_as:
            shown_as[d.path] = display_path(d.path, cwd)
        pairs.append((shown_as[d.path], d))
    pairs.sort(key=lambda p: (p[0], p[1].line, p[1].column, p[1].code))
    if redact is not None:
        shown: dict[str, str] = {}
        for path, _ in pairs:
            if path not in shown:
                shown[path] = redact(path)
        pairs = [(shown[path], d) for path, d in pairs]
    return pairs

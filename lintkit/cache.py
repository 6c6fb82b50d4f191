"""The result cache of `lintkit check`: one service's outcome, kept between runs and used again as
long as nothing it depends on has changed.

An entry holds what linting one service reported (its diagnostics, the files it checked) and what
that depended on: every path the service read or only looked at, found or not (its `fingerprint`:
the digest of a file's content, a folder, or that nothing is there), and every folder it listed
(the digest of its entries), as lintkit.read.files recorded them while the service was linted. A
lookup uses an entry only when its key matches (lintkit's code, every option that changes results,
the service's configuration file) and every recorded path and folder is as it was.

Why it is safe:
- Only outcomes that name no secret, had no internal error and did not run out of time are kept,
  and only when the run's redaction left their messages as they were: an entry holds exactly what
  was printed and no secret, and the run that uses it redacts it again with the secrets the other
  services name, as a run without the cache does. An entry whose text has since become a secret
  (another service names it) is emptied.
- A file that changed while its service was linted (its recorded digest is not what is there at
  the end) keeps the outcome out of the cache.
- A file is read again to check its digest unless its stamp (size, times, inode: files.file_stamp)
  is the one recorded and it was last written RACY_SECONDS or more before its outcome was stored:
  a file written since has a later modification or change time, and one written just before the
  store (within the clock's granularity, keeping its stamp) is read on every lookup.
- Entries are written to a temporary file and renamed over the old one (files.write_private): a
  concurrent run reads a whole entry or none, and an entry that does not parse is a miss.
- One entry per service, working folder, narrowing and set of options: a new outcome replaces the
  old one, so the cache grows with the services and option sets used, not with the runs.
- The folder is `$XDG_CACHE_HOME/lintkit` (`~/.cache/lintkit`), never used for a project it lies
  in unless the user names it (`--cache-dir`, LINTKIT_CACHE_DIR).
"""
from __future__ import annotations

import errno
import json
import os
import time
from pathlib import Path

from . import __version__
from .model.diagnostics import Diagnostic, Edit, Fix
from .model.nodes import Span
from .read.files import (FingerprintCheck, content_digest, is_inside, listing_digest, make_folder,
                         read_private, walk, write_private)

ENTRY_FORMAT = 2
# A file written this close to the store (or after it) is read on every lookup: file system
# clocks tick coarsely (FAT: 2 s) and a network file system's may run behind this machine's.
RACY_SECONDS = 3
MAX_ENTRY_BYTES = 64 << 20
NO_CACHE_VARIABLE = "LINTKIT_NO_CACHE"
CACHE_DIR_VARIABLE = "LINTKIT_CACHE_DIR"
# An outcome with one of these is not kept: it depends on time, not on files.
UNKEPT_CODES = frozenset({"LINT001"})


def cache_folder(named: str | None, environ=os.environ) -> tuple[Path | None, bool]:
    """(the cache folder, whether the user named it) for `--cache-dir NAMED` and the environment;
    (None, False) when LINTKIT_NO_CACHE is set to anything but "" or "0"."""
    if environ.get(NO_CACHE_VARIABLE, "") not in ("", "0"):
        return None, False
    named = named or environ.get(CACHE_DIR_VARIABLE) or None
    if named:
        return Path(os.path.abspath(named)), True
    base = environ.get("XDG_CACHE_HOME") or ""
    if not os.path.isabs(base):  # the XDG specification: a relative value is to be ignored
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "lintkit", False


class ResultCache:
    """Lookups and stores of service outcomes for one run with `options`."""

    def __init__(self, options, folder: Path, named: bool):
        self.folder = folder
        self.named = named
        self._real_folder = os.path.realpath(folder)
        self._options = _options_key(options)
        self._as_of = options.as_of.isoformat()
        self._code: str | None = None
        self._checks: dict[str, FingerprintCheck] = {}
        self._entry_paths: dict[int, tuple] = {}  # id(target) -> (target, its entry's path)
        self._keys: dict[tuple, str] = {}
        self._real_roots: dict[Path, str] = {}
        self._paths: dict[str, Path] = {}  # one Path for a file that many diagnostics name

    def _check(self, root: str) -> FingerprintCheck:
        """One check per project for the run: a folder shared by many services (a monorepo's root)
        is listed once, as the run sees it when it starts linting there."""
        if root not in self._checks:
            self._checks[root] = FingerprintCheck(root)
        return self._checks[root]

    def usable_for(self, target) -> bool:
        """Whether this run may use the cache for `target`: never when the default folder lies in
        the target's project (lintkit does not write into a project unasked)."""
        return self.named or not is_inside(self._real_folder, self._real_root(target.project_root))

    def _real_root(self, root: Path) -> str:
        if root not in self._real_roots:
            self._real_roots[root] = os.path.realpath(root)
        return self._real_roots[root]

    def load(self, target, config_file: Path | None) -> tuple[list[Diagnostic], set[Path], dict] | None:
        """(diagnostics, files checked, the entry) of the kept outcome of `target`, or None (a
        miss)."""
        if not self.usable_for(target):
            return None
        try:
            entry = json.loads(read_private(self._entry_path(target), MAX_ENTRY_BYTES))
            if entry.get("key") != self._key(target, config_file):
                return None
            base = os.path.abspath(target.project_root)
            check = self._check(self._real_root(target.project_root))
            for error, folders in entry["absent"].items():
                for folder, names in folders.items():
                    if not check.still_absent(_absolute(base, folder), names, int(error)):
                        return None
            stamps, written_before = entry["stamps"], entry["stamped"] - RACY_SECONDS * 10**9
            for path, expected in entry["present"].items():
                if not check.holds(_absolute(base, path), expected, stamps.get(path), written_before):
                    return None
            for folder, expected in entry["folders"].items():
                if listing_digest(_absolute(base, folder)) != expected:
                    return None
            return ([self._diagnostic(each) for each in entry["diagnostics"]],
                    {self._path(path) for path in entry["checked"]}, entry)
        except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
            return None  # missing, truncated, from another lintkit or not ours: linted again

    def store(self, target, config_file: Path | None, outcome, redactor) -> bool:
        """Keeps `outcome` (as printed) when it can be kept; returns whether it was. `redactor`
        (the run's, knowing the secrets of the services before this one) must find nothing to
        mask in it: not in a message, and not in a path it read (a file named after a secret)."""
        if not self.usable_for(target) or outcome.reads is None or outcome.secrets \
                or outcome.internal_errors or any(d.code in UNKEPT_CODES for d in outcome.diagnostics):
            return False
        base = os.path.abspath(target.project_root)
        root = os.path.realpath(base)
        paths = outcome.reads.absolute_files()
        if config_file is not None:
            paths.setdefault(os.path.abspath(config_file), None)
        absent: dict[str, dict[str, set[str]]] = {}  # errno -> folder -> names
        present, stamps = {}, {}
        if not outcome.reads.unchanged():
            return False  # a file appeared or went while it was linted: lint it again next time
        check = self._check(root)
        stamped = time.time_ns()  # before the stamps are taken: see RACY_SECONDS
        for path, read in paths.items():
            now, stamp = check.stamped_fingerprint(path)
            if read is not None and (now[0] != "file" or now[-1] != read):
                return False  # changed while it was linted: what is there now was not linted
            if now[0] == "absent" and isinstance(now[1], int):
                # Below a missing folder, that the folder is still missing says it all.
                folder, name = check.first_missing(path, base) if now[1] == errno.ENOENT \
                    else os.path.split(path)
                absent.setdefault(str(now[1]), {}).setdefault(_relative(base, folder), set()).add(name)
            else:
                present[_relative(base, path)] = now
                if stamp is not None:
                    stamps[_relative(base, path)] = stamp
        entry = {"key": self._key(target, config_file),
                 "absent": {error: {folder: sorted(names) for folder, names in folders.items()}
                            for error, folders in absent.items()},
                 "present": present,
                 "stamps": stamps, "stamped": stamped,
                 "folders": {_relative(base, os.path.abspath(folder)): digest
                             for folder, digest in outcome.reads.folders.items()},
                 "diagnostics": [_plain(d) for d in outcome.diagnostics],
                 "checked": sorted(str(path) for path in outcome.files)}
        if not masks_nothing(redactor, entry):
            return False
        try:
            make_folder(self.folder)
            write_private(self._entry_path(target), json.dumps(entry, separators=(",", ":")).encode())
        except (OSError, ValueError):
            return False  # a cache that cannot be written only makes the next run slower
        return True

    def _diagnostic(self, plain: list) -> Diagnostic:
        (code, name, severity, message, path, line, column, end_line, end_column, function, related,
         fail_on, fix) = plain
        return Diagnostic(code=code, name=name, severity=severity, message=message,
                          path=self._path(path), line=line, column=column, end_line=end_line,
                          end_column=end_column, function=function,
                          related=[Span(self._path(p), *rest) for p, *rest in related],
                          fail_on=fail_on, fix=_fix(fix, self._path))

    def _path(self, text: str) -> Path:
        if text not in self._paths:
            self._paths[text] = Path(text)
        return self._paths[text]

    def forget(self, target) -> None:
        """Empties the entry of `target` (a miss from now on): what it holds in clear has become
        a secret that another service names."""
        if self.usable_for(target):
            try:
                write_private(self._entry_path(target), b"{}")
            except (OSError, ValueError):
                pass

    def _entry_path(self, target) -> Path:
        """One file per service, working folder, narrowing and options (the date aside: an
        entry of yesterday is replaced, not kept beside today's)."""
        kept = self._entry_paths.get(id(target))
        if kept is not None and kept[0] is target:
            return kept[1]
        where = [os.path.abspath(target.project_root), os.path.abspath(target.config_path),
                 os.getcwd(), sorted(map(str, target.only_files)), sorted(map(str, target.only_under)),
                 self._options]
        path = self.folder / f"{_digest(where)}.json"
        self._entry_paths[id(target)] = (target, path)  # the target kept: its id stays its own
        return path

    def _key(self, target, config_file: Path | None) -> str:
        memo = (self._entry_path(target).name, config_file)
        if memo not in self._keys:
            config = os.path.abspath(config_file) if config_file is not None else None
            self._keys[memo] = _digest([ENTRY_FORMAT, self._code_version(), self._as_of, config,
                                        memo[0]])
        return self._keys[memo]

    def _code_version(self) -> str:
        """lintkit's version and the size and time of each of its files: an edited checkout (an
        editable install) is another lintkit."""
        if self._code is None:
            import lintkit.rules
            import lintkit.schemas

            signature = [__version__]
            for package in (lintkit, lintkit.rules, lintkit.schemas):
                for top in package.__path__:
                    for folder, dirs, names in walk(top, skip=lambda name: name == "__pycache__"):
                        for name in names:
                            if name.endswith((".py", ".json")):
                                info = os.stat(os.path.join(folder, name))
                                signature.append([folder, name, info.st_size, info.st_mtime_ns])
            self._code = _digest(signature)
        return self._code


def _options_key(options) -> list:
    """Every option that changes what a service reports, but the date (`--as-of`)."""
    config = getattr(options.config, "path", None)
    return [sorted(options.opt.items()), options.select, options.ignore, options.fail_on,
            options.no_ignores, str(config) if config is not None else None, options.isolated,
            options.exclude, options.extend_exclude, str(options.cwd)]


def masks_nothing(redactor, entry: dict) -> bool:
    """Whether no string of an entry holds a secret `redactor` knows. (Its messages were redacted
    as a whole already, patterns too: see Engine._merge.)"""
    return not redactor.names_a_secret("\n".join(_strings(entry)))


def _strings(value):
    """Every string in a JSON value, keys too."""
    stack = [value]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            yield from value
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


def _relative(base: str, path: str) -> str:
    """`path` relative to `base` when it is inside (entries stay small), else as it is."""
    if path == base:
        return "."
    return path[len(base) + 1:] if is_inside(path, base) else path


def _absolute(base: str, path: str) -> str:
    return base if path == "." else os.path.join(base, path)


def _digest(value) -> str:
    text = json.dumps(value, separators=(",", ":"), default=str)
    return content_digest(text.encode("utf-8", "surrogatepass"))


def _plain(d: Diagnostic) -> list:
    return [d.code, d.name, d.severity, d.message, str(d.path), d.line, d.column, d.end_line,
            d.end_column, d.function, [[str(s.path), s.line, s.column, s.end_line, s.end_column]
                                       for s in d.related], d.fail_on, _plain_fix(d.fix)]


def _plain_fix(fix: Fix | None) -> list | None:
    if fix is None:
        return None
    return [fix.title, fix.applicability,
            [[str(e.span.path), e.span.line, e.span.column, e.span.end_line, e.span.end_column,
              e.replacement, e.original] for e in fix.edits]]


def _fix(plain: list | None, path) -> Fix | None:
    """A kept diagnostic's fix (lintkit.fixes): title, applicability, edits."""
    if plain is None:
        return None
    title, applicability, edits = plain
    return Fix(title, [Edit(Span(path(file), *where), replacement, original)
                       for file, *where, replacement, original in edits], applicability)

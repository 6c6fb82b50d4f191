"""Baselines for gradual adoption: `--write-baseline FILE` records the findings a project has today,
`--baseline FILE` then reports (and fails on) only the findings that are not in it.

The file is JSON, sorted so that it diffs well, and holds no messages, no line numbers and nothing
secret: a finding is its path, code and fingerprint (a hash of redacted text, `lintkit.fingerprint`),
with how many times it occurs.

    {
      "version": 1,
      "tool": "lintkit",
      "findings": [
        {"path": "serverless.yml", "code": "RUNTIME001", "fingerprint": "9f2c...", "count": 2},
        {"path": "src/users.ts", "code": "CLIENT001", "fingerprint": "41d0...", "count": 1}
      ]
    }

Paths, and so fingerprints, are relative to the baseline file's folder: the same baseline works from
any working directory, and its fingerprints are SARIF's `lintkitFingerprint/v1` (without the
occurrence suffix) when lintkit runs from that folder. Matching is by fingerprint and counts
occurrences: with 1 in the baseline and 2 now, the later one (in position order) is new. A finding
that is fixed frees its entry; lintkit reports how many entries are unused so that the baseline can be
rewritten (lintkit never rewrites it by itself), after which reintroducing the finding makes it new.
The same mistake written again elsewhere (another file, function, YAML key or line text) is new even
before that.
"""
from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Callable

from .fingerprint import fingerprint
from .model.diagnostics import Diagnostic
from .model.fieldclasses import fieldclass
from .read.files import Refused, read_bytes, user_root, write_text
from .redact import redact as default_redact

VERSION = 1
MAX_BYTES = 50 << 20  # a baseline of a million findings
MAX_COUNT_DIGITS = 18


class BaselineError(Exception):
    """A baseline file that is missing, unreadable or not a lintkit baseline (exit 2)."""


@fieldclass
class Comparison:
    new: list[Diagnostic]  # not in the baseline, in the order given
    baselined: int  # findings the baseline accounts for
    gone: int  # baseline entries no finding matched any more (fixed, or edited into new ones)


def _fingerprints(diagnostics: list[Diagnostic], root: Path, read_source: Callable,
                  redact: Callable[[str], str]) -> list[tuple[str, str, Diagnostic]]:
    """(path relative to root, fingerprint, diagnostic) in position order."""
    from .display import sorted_diagnostics

    sources: dict[Path, list[str] | None] = {}
    anchors: dict = {}
    result = []
    for path, d in sorted_diagnostics(diagnostics, root):
        if d.path not in sources:
            sources[d.path] = read_source(d.path)
        result.append((path, fingerprint(d, path, sources[d.path], redact, anchors), d))
    return result


@fieldclass
class Baseline:
    path: Path
    counts: dict[str, int]

    @property
    def root(self) -> Path:
        return Path(os.path.abspath(self.path)).parent

    @classmethod
    def load(cls, path: Path) -> "Baseline":
        try:
            text = read_bytes(path, MAX_BYTES, root=user_root(path)).decode("utf-8")
        except FileNotFoundError:
            raise BaselineError(f"baseline {path} does not exist; create it with "
                                f"`lintkit check --write-baseline {path}`")
        except Refused as refusal:
            if refusal.errno == errno.ENOENT:
                raise BaselineError(f"baseline {path} does not exist; create it with "
                                    f"`lintkit check --write-baseline {path}`")
            raise BaselineError(f"cannot read baseline {path}: {refusal.reason}")
        except (OSError, UnicodeDecodeError) as error:
            raise BaselineError(f"cannot read baseline {path}: {getattr(error, 'strerror', None) or error}")
        return cls(Path(path), _counts(_parse(text, path), path))

    def compare(self, diagnostics: list[Diagnostic], read_source: Callable,
                redact: Callable[[str], str] = default_redact) -> Comparison:
        remaining = dict(self.counts)
        new_ids = set()
        for _, value, d in _fingerprints(diagnostics, self.root, read_source, redact):
            if remaining.get(value, 0) > 0:
                remaining[value] -= 1
            else:
                new_ids.add(id(d))
        new = [d for d in diagnostics if id(d) in new_ids]
        return Comparison(new, len(diagnostics) - len(new), sum(remaining.values()))


def _invalid(path: Path, reason: str) -> BaselineError:
    return BaselineError(f"baseline {path} is not a lintkit baseline: {reason}; "
                         f"rewrite it with `lintkit check --write-baseline {path}`")


def _parse(text: str, path: Path):
    """The JSON document of a baseline file. A baseline is three levels deep and its numbers are
    small, so JSON nested deeper than Python's parser recurses, and numbers longer than any count
    (Python refuses to convert integers of over 4,300 digits), are refused here, not tracebacks;
    reading bounds the size (MAX_BYTES)."""
    try:
        return json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as error:
        raise BaselineError(f"baseline {path} is not valid JSON (line {error.lineno}): {error.msg}")
    except RecursionError:
        raise _invalid(path, "JSON nested too deeply")


def _parse_int(digits: str) -> int | str:
    """A JSON integer; one too long to be a count stays text, which validation rejects."""
    return int(digits) if len(digits) <= MAX_COUNT_DIGITS else digits


def _counts(document, path: Path) -> dict[str, int]:
    def invalid(reason: str) -> BaselineError:
        return _invalid(path, reason)

    if not isinstance(document, dict) or "version" not in document:
        raise invalid("expected an object with a version field")
    if document["version"] != VERSION:
        raise invalid(f"version {_shown(document['version'])} (this lintkit reads version {VERSION})")
    findings = document.get("findings")
    if not isinstance(findings, list):
        raise invalid("`findings` must be a list")
    counts: dict[str, int] = {}
    for index, entry in enumerate(findings):
        if not isinstance(entry, dict):
            raise invalid(f"findings[{index}] must be an object")
        value, count = entry.get("fingerprint"), entry.get("count", 1)
        if not isinstance(value, str) or not value:
            raise invalid(f"findings[{index}].fingerprint must be a string")
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise invalid(f"findings[{index}].count must be a positive integer of at most "
                          f"{MAX_COUNT_DIGITS} digits")
        counts[value] = counts.get(value, 0) + count
    return counts


def _shown(value) -> str:
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."


def baseline_document(diagnostics: list[Diagnostic], root: Path, read_source: Callable,
                      redact: Callable[[str], str] = default_redact) -> dict:
    entries: dict[tuple[str, str, str], int] = {}
    for path, value, d in _fingerprints(diagnostics, root, read_source, redact):
        key = (redact(path), d.code, value)
        entries[key] = entries.get(key, 0) + 1
    return {
        "version": VERSION,
        "tool": "lintkit",
        "findings": [
            {"path": path, "code": code, "fingerprint": value, "count": count}
            for (path, code, value), count in sorted(entries.items())
        ],
    }


def write_baseline(path: Path, diagnostics: list[Diagnostic], read_source: Callable,
                   redact: Callable[[str], str] = default_redact) -> dict:
    """Writes the baseline for `diagnostics` to `path` (atomically); returns the document."""
    root = Path(os.path.abspath(path)).parent
    document = baseline_document(diagnostics, root, read_source, redact)
    write_text(Path(path), dump(document))
    return document


def dump(document: dict) -> str:
    """JSON with one finding per line, so that a diff shows one line per finding added or fixed."""
    head = {key: value for key, value in document.items() if key != "findings"}
    lines = [json.dumps(entry, ensure_ascii=True) for entry in document["findings"]]
    body = ",\n    ".join(lines)
    text = json.dumps(head, indent=2)[:-2]  # drop the closing "\n}"
    findings = f'[\n    {body}\n  ]' if lines else "[]"
    return f'{text},\n  "findings": {findings}\n}}\n'

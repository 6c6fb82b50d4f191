"""Fingerprints that recognise a finding after edits. SARIF `partialFingerprints`, GitLab Code Quality
fingerprints and baseline entries are all computed here, so they agree.

A fingerprint is the SHA-256 of
  - the rule code,
  - the file's path, relative to a base folder (the current folder for reports, the baseline file's
    folder for baselines), redacted,
  - the function the finding belongs to, if any, redacted,
  - in YAML files, the key path of the finding's line (`provider.environment.DB_PASSWORD`, read from
    the indentation; sequence items add no index, so inserting an item moves nothing), redacted,
  - the text of the finding's first line, redacted, with runs of whitespace collapsed and any
    `lintkit:` comment removed; when the source cannot be read, the redacted message with its
    `line N` references blanked.

Line and column numbers are left out, so a finding keeps its fingerprint when lines are inserted or
removed above it; editing the flagged line itself makes it a new finding. Findings with equal
fingerprints (the same mistake twice on one line, or on identical lines) are told apart by their
occurrence number in position order (`numbered`). Only redacted text is hashed: a secret in the line,
a key, a function or a file name is masked first (with a `Redactor`, also where the rules found one
under a neutral name or spelled with escapes), so neither the hash nor a rotation gives it away.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Callable, Iterable

from .model.diagnostics import Diagnostic
from .model.lazyre import lazy_compile
from .redact import mask_ranges, source_line_ranges
from .redact import redact as default_redact

YAML_SUFFIXES = (".yml", ".yaml")
_SPACES = lazy_compile(r"\s+")
_SUPPRESSION = lazy_compile(r"\s*(?:#|//|/\*)\s*lintkit:.*$", re.I)
_LINE_REFERENCE = lazy_compile(r"\b(lines?) \d+")
# `key:`, `- key:`, `"quoted key":` at the start of a YAML line; plain keys without spaces, which is
# every key a serverless.yml uses in block style.
_YAML_KEY = lazy_compile(
    r"""^(?P<lead>[ ]*(?:-[ ]+)*)
        (?:"(?P<double>[^"]*)"|'(?P<single>[^']*)'|(?P<plain>[^\s#:'"\[\]{},&*!|>%@`-][^\s#:]*))
        [ ]*:(?=\s|$)""",
    re.X,
)

Redact = Callable[[str], str]
ReadSource = Callable[[Path], "list[str] | None"]


def fingerprint(d: Diagnostic, path: str, lines: list[str] | None, redact: Redact = default_redact,
                anchors: dict | None = None) -> str:
    """The fingerprint of `d`, whose file is shown as `path` (relative to the base folder).
    `anchors` caches the line-derived parts across calls (pass one dict per `lines`/`redact`): a
    minified line of megabytes with thousands of findings is then redacted once, not per finding."""
    key_path = ""
    if lines is not None and 0 < d.line <= len(lines):
        key = (d.path, d.line)
        cached = anchors.get(key) if anchors is not None else None
        if cached is None:
            line = mask_ranges(lines[d.line - 1], source_line_ranges(redact, d.path, lines, d.line))
            anchor = _SPACES.sub(" ", redact(_SUPPRESSION.sub("", line))).strip()
            if d.path.name.endswith(YAML_SUFFIXES):
                key_path = redact(yaml_key_path(lines, d.line))
            cached = (anchor, key_path)
            if anchors is not None:
                anchors[key] = cached
        anchor, key_path = cached
    else:
        anchor = _LINE_REFERENCE.sub(r"\1 N", redact(d.message))
    parts = [d.code, redact(path), redact(d.function or ""), anchor]
    if key_path:
        parts.insert(3, key_path)
    return hashlib.sha256("\0".join(parts).encode("utf-8", errors="surrogatepass")).hexdigest()


def numbered(pairs: Iterable[tuple[str, Diagnostic]], read_source: ReadSource,
             redact: Redact = default_redact) -> list[tuple[str, int]]:
    """(fingerprint, occurrence) for (shown path, diagnostic) pairs in position order; occurrence
    counts from 1 among equal fingerprints."""
    sources: dict[Path, list[str] | None] = {}
    anchors: dict = {}
    seen: dict[str, int] = {}
    result = []
    for path, d in pairs:
        if d.path not in sources:
            sources[d.path] = read_source(d.path)
        value = fingerprint(d, path, sources[d.path], redact, anchors)
        seen[value] = seen.get(value, 0) + 1
        result.append((value, seen[value]))
    return result


def yaml_key_path(lines: list[str], line: int) -> str:
    """`provider.environment.DB_PASSWORD` for a line of block-style YAML: the line's own key and the
    keys of the less indented lines above it. Lines that are not keys (block scalar contents,
    comments, plain sequence items) are passed over."""
    keys: list[str] = []
    limit: int | None = None
    for number in range(line, 0, -1):
        text = lines[number - 1].rstrip("\r\n")
        stripped = text.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        match = _YAML_KEY.match(text)
        if limit is None:  # the finding's own line
            if match:
                keys.append(_key(match))
                limit = len(match.group("lead"))
            else:
                limit = len(text) - len(stripped)
        elif match and len(match.group("lead")) < limit:
            keys.append(_key(match))
            limit = len(match.group("lead"))
        if limit == 0:
            break
    return ".".join(reversed(keys))


def _key(match: re.Match) -> str:
    for group in ("plain", "double", "single"):
        if match.group(group) is not None:
            return match.group(group)
    return ""

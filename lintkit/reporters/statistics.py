"""`--statistics`: how many findings each rule reported, most frequent first, instead of the findings.

text, concise:  `count  code  name` rows, aligned (text says "No problems found." when there are none)
json:           [{"code": "VPC005", "name": "invalid-vpc-config", "count": 3}, ...]
"""
from __future__ import annotations

import json
from typing import TextIO

from ..model.diagnostics import Diagnostic

FORMATS = ("text", "concise", "json")


def statistics(diagnostics: list[Diagnostic]) -> list[tuple[int, str, str]]:
    """(count, code, name) per code, by count (highest first), then code."""
    counts: dict[str, int] = {}
    names: dict[str, str] = {}
    for d in diagnostics:
        counts[d.code] = counts.get(d.code, 0) + 1
        names.setdefault(d.code, d.name)
    return sorted(((count, code, names[code]) for code, count in counts.items()),
                  key=lambda row: (-row[0], row[1]))


def render(format: str, diagnostics: list[Diagnostic], stream: TextIO) -> None:
    if format not in FORMATS:
        raise ValueError(f"statistics come as {', '.join(FORMATS)}, not {format!r}")
    rows = statistics(diagnostics)
    if format == "json":
        json.dump([{"code": code, "name": name, "count": count} for count, code, name in rows],
                  stream, indent=2)
        stream.write("\n")
        return
    if not rows:
        if format == "text":
            stream.write("No problems found.\n")
        return
    count_width = max(len(str(count)) for count, _, _ in rows)
    code_width = max(len(code) for _, code, _ in rows)
    for count, code, name in rows:
        stream.write(f"{count:>{count_width}}  {code:<{code_width}}  {name}\n")

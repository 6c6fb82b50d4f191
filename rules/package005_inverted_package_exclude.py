"""`package.exclude`/`include` are deprecated, and a `!` inside `exclude` inverts the entry.

What: (1) an entry of `package.exclude` (service or function level) that starts with `!` and does
not narrow an earlier plain `exclude` entry: it was copied from `patterns`, where `!` removes files,
but in `exclude` it puts them back, and the plain entries copied after it remove what `patterns`
would have kept (e.g. the Lambda engine) — error, at the entry; (2) otherwise the deprecated keys
themselves, at the `exclude`/`include` key: an error when `frameworkVersion` is 4 or newer (the keys
were removed), a warning for v3 or an unset version (deprecated since v3). Not flagged:
`package.patterns`; a `!` entry that narrows an earlier plain `exclude` entry (the documented v1
idiom `node_modules/**` then `!node_modules/pg/**`: only the deprecated key is reported); the
`exclude`/`include` keys under a v1/v2 `frameworkVersion`.

Why: Serverless v3 applies `exclude` entries inverted and warns that they are deprecated; v4 drops
them. A list moved from `patterns` into `exclude` keeps its text but flips every entry, so the
package silently ships what it should drop and drops what it should ship.

Example:
    package:
      exclude:
        - '!node_modules/.prisma/client/libquery_engine-*'
        - 'node_modules/.prisma/client/libquery_engine-rhel-*'

Use instead:
    package:
      patterns:
        - '!node_modules/.prisma/client/libquery_engine-*'
        - 'node_modules/.prisma/client/libquery_engine-rhel-*'

Fix: `exclude` (or `include`) becomes `patterns`, each `exclude` entry flipped (`x` becomes `!x`,
`!x` becomes `x`), which keeps what each entry means. Safe for plain globs under Serverless v3, where
the old list still works; unsafe when an entry has a `!` (what `!` meant inside `exclude` depends on
the entries before it) and under v4, where the list was ignored and now starts to apply. A block
with two of `exclude`, `include` and `patterns` gets no fix (their order is a choice). An `exclude`
list that holds `patterns` entries (a `!` that narrows nothing) is renamed `patterns` as it is
(unsafe: the package changes from what Serverless builds today to what the entries say).

References: Serverless Framework, "Packaging" (patterns; include/exclude deprecated in v3,
serverless/serverless#8581); Serverless Framework v4 upgrade notes.
"""
from lintkit.analysis.packaging import function_package, service_package
from lintkit.model.diagnostics import Edit, Finding, Fix
from lintkit.model.nodes import Mapping, Scalar, Sequence
from lintkit.read.globs import glob_matches
from lintkit.read.packagejson import major_of_range

CODE = "PACKAGE005"
NAME = "inverted-package-exclude"
SEVERITY = "error"
SUMMARY = "Deprecated package.exclude/include, or a `!` entry inside `exclude` that inverts it."
FIXES = ("safe", "unsafe")


def check(service, context):
    if service.format == "sam":
        return  # `package.patterns`/`exclude` are serverless.yml's: a SAM template has none
    major = major_of_range(service.framework_version)
    service_block = service_package(service)
    service_excludes = _strings(service_block.get("exclude")) if service_block is not None else []
    blocks = [(service_block, [])]
    blocks += [(function_package(function), service_excludes) for function in service.functions]
    for block, inherited in blocks:
        if block is not None:
            yield from _check_block(block, inherited, major)


def _check_block(block: Mapping, inherited: list[str], major: int | None):
    inverted = _inverted_entries(block.get("exclude"), inherited)
    rename = _renamed_to_patterns(block) if inverted else None
    for entry in inverted:
        yield Finding.at(entry, f"`{entry.value}` is in `exclude`, where a leading `!` puts the files back "
                         "instead of removing them (Serverless inverts every `exclude` entry): move the "
                         "list to `package.patterns`, where `!` excludes.", fix=rename)
    if major is not None and major < 3:
        return
    for key in ("exclude", "include"):
        if key in block and not (key == "exclude" and inverted):
            yield _deprecated(block.key_node(key), key, major, _as_patterns(block, key, major))


def _deprecated(key_node, key: str, major: int | None, fix: Fix | None = None) -> Finding:
    instead = ("`package.patterns`, flipping each one's `!` (`x` becomes `!x`, `!x` becomes `x`)"
               if key == "exclude" else "`package.patterns`")
    if major is not None and major >= 4:
        return Finding.at(key_node, f"`package.{key}` was removed in Serverless v4 and is ignored: move its "
                          f"entries to {instead}.", fix=fix)
    return Finding.at(key_node, f"`package.{key}` is deprecated since Serverless v3 and removed in v4: move "
                      f"its entries to {instead}.", severity="warning", fix=fix)


def _renamed_to_patterns(block: Mapping) -> Fix | None:
    """A `patterns` list written under `exclude:` renamed as what it was meant to be (unsafe: the
    package changes from what Serverless builds today to what the entries say)."""
    key_node = block.key_node("exclude")
    if any(name in block for name in ("include", "patterns")) or key_node is None or key_node.style is not None:
        return None
    return Fix.replace(key_node.span, "exclude", "patterns", "Rename `exclude` to `patterns`", "unsafe")


def _as_patterns(block: Mapping, key: str, major: int | None) -> Fix | None:
    """`exclude:` or `include:` renamed `patterns:`, each `exclude` entry's `!` flipped, when the
    block has no other of the three lists (two would merge into one, in an order to choose) and
    every entry is a one-line string. Unsafe where an entry has a `!` or v4 ignored the list."""
    if sum(name in block for name in ("exclude", "include", "patterns")) != 1:
        return None
    key_node, entries = block.key_node(key), block.get(key)
    if not isinstance(entries, Sequence) or not entries.items:
        return None
    edits = [Edit(key_node.span, "patterns", key)] if key_node.style is None else []
    if not edits:
        return None
    negated = False
    for entry in entries.items:
        if not isinstance(entry, Scalar) or not isinstance(entry.value, str) \
                or entry.span.line != entry.span.end_line \
                or entry.style not in (None, "'", '"') or any(char in entry.value for char in "'\"\\"):
            return None
        negated = negated or entry.value.startswith("!")
        if key == "exclude":
            quote = entry.style or ""
            flipped = entry.value[1:] if entry.value.startswith("!") else "!" + entry.value
            # A plain `!x` is a YAML tag: a pattern that starts with `!` is quoted.
            written = f"'{flipped}'" if flipped.startswith("!") and not quote else f"{quote}{flipped}{quote}"
            edits.append(Edit(entry.span, written, f"{quote}{entry.value}{quote}"))
    unsafe = negated or (major is not None and major >= 4)
    return Fix(f"Move `package.{key}` to `package.patterns`", edits, "unsafe" if unsafe else "safe")


def _inverted_entries(entries, inherited: list[str]) -> list[Scalar]:
    """`!` entries that narrow no earlier plain entry: copied from `patterns`."""
    if not isinstance(entries, Sequence):
        return []
    plain, found = list(inherited), []
    for entry in entries:
        value = entry.value if isinstance(entry, Scalar) and isinstance(entry.value, str) else None
        if value is None:
            continue
        if not value.startswith("!"):
            plain.append(value)
        elif not any(glob_matches(earlier, value[1:]) for earlier in plain):
            found.append(entry)
    return found


def _strings(node) -> list[str]:
    items = node.items if isinstance(node, Sequence) else []
    return [item.value for item in items if isinstance(item, Scalar) and isinstance(item.value, str)
            and not item.value.startswith("!")]

"""What the SECRET rules share: where secrets are written, and whether they leave the developer's
machine.

- YAML as written: a value built by Serverless variables (`${env:X, 'fallback'}`,
  `postgres://u:p@${self:custom.host}/db`) is scanned in its raw text, so a secret is reported once,
  where it is typed; literals inside variable fallbacks are SECRET004's (`yaml_texts`, `fallbacks`).
- String literals of handler code, with the span of a part of them (`source_strings`,
  `literal_span`).
- Secret-looking values (`database_passwords`, `access_keys`, `is_secret_literal`,
  `secret_env_entries`).
- Whether a `.env` file gets shipped by `package.patterns` (`packaging_pattern`); whether it gets
  committed is `lintkit.read.gitignore`'s to say.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from ..formats.variables import find_variables, is_variable, split_alternatives
from ..model.diagnostics import Finding
from ..model.fieldclasses import fieldclass
from ..model.lazyre import lazy_compile
from ..model.nodes import Mapping, Scalar, Sequence, Span, Unknown, path_get, text, walk
from ..read.dburl import find_db_urls, is_default_local_credential, is_placeholder_credential, parse_db_url
from ..read.globs import glob_matches
from ..read.sources import string_value
from .packaging import function_package, packed_individually, service_package
from .secrets import (AWS_ACCESS_KEY, is_reference_value, is_secret_key, looks_like_access_key,
                      looks_like_placeholder)

PASSWORD_SCHEMES = ("postgres", "postgresql", "mysql", "sqlserver", "mongodb", "mongodb+srv")
_NUMBER_OR_BOOL = lazy_compile(r"(?i)[-+]?\d+(\.\d+)?|true|false|yes|no|on|off|null|~")
_SHELL_EXPANSION = lazy_compile(r"^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$")


def secret_finding(where, message: str, secret: str | None, secret_at=None, **kwargs) -> Finding:
    """A Finding that also names the secret value it points at, so that the engine can mask that
    value in every output, code frames included. `secret_at` (a node or span) is where the value is
    written when the finding points elsewhere (at its key)."""
    span = secret_at if secret_at is None or isinstance(secret_at, Span) else secret_at.span
    return Finding.at(where, message, secret=secret or None, secret_span=span, **kwargs)


# -- secret-looking values -------------------------------------------------------------------------
def database_passwords(value: str, variables=()):
    """(start, end, is_local) of each literal, non-placeholder password of a database URL in
    `value`. URLs that start inside one of the `variables` ranges (a variable's fallback) are
    skipped: SECRET004 reports those."""
    if "://" not in value:
        return
    for start, end in find_db_urls(value):
        if any(low <= start < high for low, high in variables):
            continue
        url = parse_db_url(value[start:end])
        if url is None or url.scheme not in PASSWORD_SCHEMES or not url.password:
            continue
        if url.has_variable_password or is_placeholder_credential(url.user, url.password):
            continue
        if url.is_local and is_default_local_credential(url.user, url.password):
            continue  # not a secret (CONFIG007 reports a .env that deploys such a URL)
        first, last = url.password_span
        yield start + first, start + last, url.is_local


def access_keys(value: str, variables=()):
    """(start, end) of each AWS access key id in `value` (documentation examples left out)."""
    for match in AWS_ACCESS_KEY.finditer(value):
        inside = any(low <= match.start(1) < high for low, high in variables)
        if not inside and looks_like_access_key(match.group(1)):
            yield match.start(1), match.end(1)


def is_secret_literal(value: str) -> bool:
    """A value that could be a real secret: not empty, a number, a boolean, a reference (ARN, SSM
    path, variable) or a placeholder."""
    value = value.strip()
    if not value or _NUMBER_OR_BOOL.fullmatch(value) or _SHELL_EXPANSION.match(value):
        return False
    if "${" in value or is_reference_value(value):
        return False
    return not looks_like_placeholder(value)


def secret_env_entries(env) -> list:
    """The entries of a `.env` file that hold a secret: a secret-named key with a real-looking
    value, a database URL with a password (not a local one), or an AWS access key."""
    found = []
    for entry in env.entries:
        passwords = [local for _, _, local in database_passwords(entry.value) if not local]
        if passwords or any(access_keys(entry.value)):
            found.append(entry)
        elif is_secret_key(entry.key) and is_secret_literal(entry.value):
            found.append(entry)
    return found


# -- YAML as written -------------------------------------------------------------------------------
class YamlText(NamedTuple):  # one per string of the configuration: cheaper than a dataclass
    """A string of the configuration as written: offsets into `text` are offsets into `scalar`'s
    value (use `positions.scalar_sub_span`); `variables` are the (start, end) ranges of Serverless
    variables in it."""

    scalar: Scalar
    text: str
    variables: tuple = ()


def _state(service) -> dict:
    state = getattr(service, "_lintkit_secretscan", None)
    if state is None:
        state = {}
        service._lintkit_secretscan = state
    return state


def _raw_documents(service) -> list:
    """(path, raw root node) of serverless.yml and of every file its variables include."""
    state = _state(service)
    if "raw_documents" not in state:
        from ..read.yamlload import load_json_or_yaml

        documents = [(service.config_path, service.raw_document)]
        included = service.document_files[0] - {service.config_path}
        for path in sorted(included, key=str):
            raw = service.raw_includes.get(path)  # loaded by the resolver: not parsed twice
            documents.append((path, raw if raw is not None else load_json_or_yaml(path).node))
        state["raw_documents"] = documents
    return state["raw_documents"]


def raw_scalars(service) -> list[tuple[str | None, Scalar]]:
    """(key name, raw string Scalar) of every string of serverless.yml and the files it includes,
    as written (all of an included file: `${file(env.yml):${opt:stage}}` may use any part).
    Worked out once per service: the secret rules and the raw index each asked."""
    state = _state(service)
    if "raw_scalars" not in state:
        state["raw_scalars"] = [item for path, root in _raw_documents(service)
                                for item in _document_scalars(service, path, root)]
    return state["raw_scalars"]


def _document_scalars(service, path: Path, root) -> list:
    """The strings of one raw document. The language server keeps them between lints keyed by the
    document object, which its store of parsed files keeps while the file's bytes are the same."""
    store = getattr(service.sources, "store", None)
    if store is None:
        return _strings_of(root)
    return store.result(("raw scalars", str(path)), root, lambda: _strings_of(root))


def _strings_of(root) -> list:
    return [(_key_name(keys), node) for keys, node in walk(root)
            if isinstance(node, Scalar) and isinstance(node.value, str)]


def _key_name(keys: tuple) -> str | None:
    return next((key for key in reversed(keys) if isinstance(key, str)), None)


def raw_scalar(service, node) -> Scalar | None:
    """The string Scalar written at `node`'s position, before variables were resolved."""
    state = _state(service)
    if "raw_index" not in state:
        index = state["raw_index"] = {}
        for path, root in _raw_documents(service):
            index.update(_document_index(service, path, root))
    return state["raw_index"].get(node.span) if node is not None else None


def _document_index(service, path: Path, root) -> dict:
    """span -> raw string Scalar of one raw document (kept as `_document_scalars` keeps its list)."""
    def index():
        return {scalar.span: scalar for _, scalar in _document_scalars(service, path, root)}

    store = getattr(service.sources, "store", None)
    return index() if store is None else store.result(("raw index", str(path)), root, index)


def variable_ranges(value: str) -> tuple:
    return tuple((start, end) for start, end, _ in find_variables(value)) if "${" in value else ()


def built_from_variables(service, node) -> bool:
    """True when `node` is a value Serverless variables produced (a fallback, an option, an
    interpolated string): its raw text at the same place holds `${...}`."""
    raw = raw_scalar(service, node)
    return raw is not None and bool(variable_ranges(raw.value))


def yaml_texts(service):
    """Each string of the resolved configuration once, as written. Inline `Code.ZipFile` sources
    are left out: they are scanned as handler code."""
    codes = (service.inline_code(function) for function in service.functions)
    inline = {code.span for code in codes if code is not None}
    seen = set()
    for node in service.document_nodes:
        if not isinstance(node, (Scalar, Unknown)) or node.span in seen or node.span in inline:
            continue
        seen.add(node.span)
        raw = raw_scalar(service, node)
        ranges = variable_ranges(raw.value) if raw is not None else ()
        if ranges:
            yield YamlText(raw, raw.value, ranges)
        elif isinstance(node, Scalar) and isinstance(node.value, str):
            yield YamlText(node, node.value)


def environment_blocks(service):
    """(environment Mapping, function name or None) of the provider, each function and each raw
    Lambda resource (`Environment.Variables`), each block once."""
    seen = set()
    candidates = [(path_get(service.provider, "environment"), None)]
    for function in service.functions:
        path = ("Environment", "Variables") if function.kind == "resource" else ("environment",)
        candidates.append((path_get(function.node, *path), function.name))
    for block, function in candidates:
        if isinstance(block, Mapping) and id(block) not in seen:
            seen.add(id(block))
            yield block, function


# -- variable fallbacks ----------------------------------------------------------------------------
@fieldclass(frozen=True)
class Fallback:
    """A literal fallback of a variable: `value` is `text[start:end]` (quotes excluded)."""

    start: int
    end: int
    value: str
    source: str  # the variable's own source expression, e.g. "env:DB_URL"
    feeds_key: bool  # the value of the enclosing key (not a part of another variable's address)


def fallbacks(text: str, base: int = 0, feeds_key: bool = True):
    """Every literal fallback in `text`, nested variables included."""
    for start, _, inner in find_variables(text):
        offset = base + start + 2
        parts = _located_parts(inner)
        source_at, source = parts[0]
        yield from fallbacks(source, offset + source_at, feeds_key=False)
        for at, part in parts[1:]:
            yield from _fallback_part(part, offset + at, source, feeds_key)


def _located_parts(inner: str) -> list[tuple[int, str]]:
    located, cursor = [], 0
    for part in split_alternatives(inner):
        at = inner.find(part, cursor)
        located.append((at, part))
        cursor = at + len(part)
    return located


def _fallback_part(part: str, at: int, source: str, feeds_key: bool):
    quoted = len(part) >= 2 and part[0] == part[-1] and part[0] in "'\""
    body = part[1:-1] if quoted else part
    if "${" in body:
        yield from fallbacks(body, at + (1 if quoted else 0), feeds_key)
    elif quoted or not is_variable(part):  # a bare `self:x` is another source, not a literal
        first = at + (1 if quoted else 0)
        yield Fallback(first, first + len(body), body, source, feeds_key)


def address_name(source: str) -> str:
    """The last name of a variable's address: `ssm:/app/db-password~true` -> `db-password`."""
    address = source.split(":", 1)[1] if ":" in source else source
    return re.split(r"[/.:]", address.split("~")[0].strip())[-1]


# -- handler code ----------------------------------------------------------------------------------
def source_strings(service, marker: re.Pattern):
    """(SourceFile, string node, value, function name) for every string or template literal of
    handler code (each file once) whose text matches `marker`."""
    seen = set()
    for function in service.functions:
        graph = service.graph(function)
        for file in graph.files if graph is not None else ():
            key = (file.path, file.line_base, file.column_base)
            if key in seen:
                continue
            seen.add(key)  # a file without the marker too: it is not searched again per function
            if not marker.search(file.text.decode("utf-8", "replace")):
                continue
            for node in file.nodes_of(("string", "template_string")):
                value = string_value(file, node)
                if value is not None and marker.search(value):
                    yield file, node, value, function.name


def literal_span(file, node, start: int, end: int) -> Span:
    """The span of characters [start, end) of a string literal's value; the whole literal when
    escapes or line breaks make the mapping inexact."""
    span = file.span(node)
    if span.line != span.end_line or file.node_text(node)[1:-1] != string_value(file, node):
        return span
    first = span.column + 1 + start
    return Span(span.path, span.line, first, span.line, first + (end - start))


# -- package.patterns ------------------------------------------------------------------------------
def packaging_pattern(service, path: Path) -> Scalar | None:
    """The `package.patterns` (or deprecated `package.include`) entry that puts `path` back into a
    deployment package after Serverless excluded `.env` files by default, or None. Function-level
    patterns count for functions packaged individually."""
    relative = Path(path).relative_to(service.root).as_posix()
    for patterns in _pattern_lists(service):
        winner = None
        for node in patterns:
            pattern = text(node).strip()
            glob = pattern.lstrip("!").removeprefix("./")
            if not glob_matches(glob, relative, "micromatch"):  # Serverless's own matcher
                continue
            if pattern.startswith("!"):
                winner = None
            elif "env" in glob.lower():  # `**` and the like do not undo the default exclusion
                winner = node
        if winner is not None:
            return winner
    return None


def _pattern_lists(service) -> list[list[Scalar]]:
    """The ordered patterns of each package Serverless builds: the service's, and one per
    function packaged individually (the service's patterns followed by the function's)."""
    shared = _pattern_nodes(service_package(service))
    functions = [f for f in service.functions if f.kind == "function"]
    lists = [shared + _pattern_nodes(function_package(function)) for function in functions
             if packed_individually(service, function)]
    if len(lists) < len(functions) or not functions:
        lists.append(shared)
    return lists


def _pattern_nodes(package) -> list[Scalar]:
    nodes = []
    for name in ("include", "patterns"):
        entries = path_get(package, name)
        if isinstance(entries, Sequence):
            nodes.extend(item for item in entries if isinstance(text(item), str))
    return nodes


def dotenv_plugin_keys(service):
    """(included names or None for all, excluded names) when serverless-dotenv-plugin loads `.env`
    files into every function's environment; None without the plugin."""
    if "serverless-dotenv-plugin" not in service.plugins:
        return None
    settings = path_get(service.custom, "dotenv")
    include, exclude = path_get(settings, "include"), path_get(settings, "exclude")
    if include is not None and not isinstance(include, Sequence):
        return set(), set()  # a computed include list: unknown, report nothing
    return (_names(include) if include is not None else None), _names(exclude)


def _names(node) -> set[str]:
    return {text(item) for item in node} if isinstance(node, Sequence) else set()

"""serverless.yml against `schemas/serverless.schema.json`: the violations, each at the node to edit.

The resolved document becomes plain data (`nodes.to_plain`: an Unknown becomes `UNKNOWN`, an
Intrinsic its long-form `{Fn::X: ...}` mapping) and is validated with a Draft 2020-12 validator whose
keywords are wrapped so that
- a deploy-time value (`UNKNOWN`, a CloudFormation intrinsic, a `{{resolve:...}}` string) is valid
  against every schema, inside `anyOf` branches too: lintkit never guesses such a value;
- types are coerced as Serverless's own validator does (ajv `coerceTypes: "array"`): `"512"` is an
  integer, `2` is text, a single value is a one-item list and a one-item list a single value.

Each jsonschema error becomes one `Violation` at the located node: the value for type, enum and range
errors, the key for unknown keys (with a "did you mean"), the parent key for missing keys. For
`anyOf`/`oneOf` the branch whose shape matches the value is followed, so a `sqs` mapping with a bad
`batchSize` is reported at `batchSize`, not as "matches none of the shapes".

Keys that plugins add to functions, the provider or events are accepted when the plugin is listed in
`plugins:` (PLUGIN_KEYS below); keys the Framework itself accepts are in the schema.
"""
from __future__ import annotations

import copy
import functools
import json
import re
from collections import defaultdict
from importlib import resources

from ..model.fieldclasses import fieldclass
from ..model.lazyre import lazy_compile
from .schema_compile import PASS, Unsupported, compile_schema
from ..model.nodes import (INTRINSIC_KEYS, UNKNOWN, Intrinsic, Mapping, Node, Scalar, Sequence, is_dynamic,
                    nodes_in, to_plain)

SCHEMA_NAME = "serverless.schema.json"

# Settings that plugins add, by plugin: accepted only when the plugin is listed in `plugins:`.
# Scopes: "function" (keys of a function), "provider" (keys of `provider:`), "event" (event types),
# "runtime" (`runtime` values the plugin replaces at packaging time), "handler" ("list": a list of
# handlers where the schema wants one).
# The Framework (v4) accepts serverless-iam-roles-per-function's keys itself: they are in the schema.
PLUGIN_KEYS: dict[str, dict[str, tuple[str, ...]]] = {
    "serverless-rust": {"runtime": ("rust",)},
    "serverless-haskell": {"runtime": ("haskell",)},
    "serverless-plugin-warmup": {"function": ("warmup",)},
    "serverless-plugin-canary-deployments": {"function": ("deploymentSettings",)},
    "serverless-plugin-aws-alerts": {"function": ("alarms",)},
    "serverless-python-requirements": {"function": ("module",)},
    "serverless-plugin-lambda-dead-letter": {"function": ("deadLetter",)},
    "serverless-plugin-log-subscription": {"function": ("logSubscription",)},
    "serverless-provisioned-concurrency-autoscaling": {"function": ("concurrencyAutoscaling",)},
    "serverless-plugin-optimize": {"function": ("optimize",)},
    "serverless-plugin-lambda-insights": {"function": ("lambdaInsights",)},
    "serverless-plugin-epsagon": {"function": ("epsagon",)},
    "serverless-sentry": {"function": ("sentry",)},
    "serverless-jetpack": {"function": ("jetpack",)},
    "serverless-plugin-conditional-functions": {"function": ("enabled",)},
    "serverless-plugin-cloudfront-lambda-edge": {"function": ("lambdaAtEdge",)},
    "@silvermine/serverless-plugin-cloudfront-lambda-edge": {"function": ("lambdaAtEdge",)},
    "serverless-lambda-edge-pre-existing-cloudfront": {"event": ("preExistingCloudFront",)},
    "serverless-plugin-existing-s3": {"event": ("existingS3",)},
    "serverless-middleware": {"function": ("middleware",), "handler": ("list",)},
}

# Values people write for an enum member under another name.
SYNONYMS = {"amd64": "x86_64", "x86-64": "x86_64", "x64": "x86_64", "aarch64": "arm64", "arm": "arm64"}

SELF_REFERENCE = lazy_compile(r"\$\{\s*self:([\w.-]+)")

TYPE_WORDS = {"string": "text", "integer": "an integer", "number": "a number",
              "boolean": "true or false", "array": "a list", "object": "a mapping", "null": "empty"}


@fieldclass(frozen=True)
class Violation:
    node: Node
    message: str
    function: str | None = None
    rename: str | None = None  # an unknown key's one did-you-mean candidate, not yet a key beside it


# -- the validator -----------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(resources.files("lintkit.schemas").joinpath(SCHEMA_NAME).read_text("utf-8"))


@functools.lru_cache(maxsize=1)
def validator():
    """The Draft 2020-12 validator for the schema, built once per process."""
    import jsonschema  # only when CONFIG001 runs: it is slow to import

    base = jsonschema.Draft202012Validator
    keywords = {name: _lenient(check) for name, check in base.VALIDATORS.items()}
    return jsonschema.validators.extend(base, validators=keywords)(_inline_references(schema()))


@functools.lru_cache(maxsize=1)
def fast_check():
    """The schema compiled to a valid/invalid answer (schema_compile), or None when it uses a
    keyword the compiler does not know: then jsonschema decides too."""
    try:
        return compile_schema(schema(), _prepare)
    except Unsupported:
        return None


def _prepare(instance, subschema):
    """What every keyword of the subschema sees, as `_lenient` gives it to jsonschema's keywords."""
    return PASS if _is_deploy_time(instance) else _coerce(instance, subschema)


def _inline_references(schema: dict) -> dict:
    """A copy of the schema where each `{"$ref": "#/$defs/name"}` is that definition itself (the
    same object): jsonschema would look each reference up again for every value it checks, a
    seventh of validating a service of 10,000 functions."""
    schema = copy.deepcopy(schema)
    defs = schema.get("$defs", {})

    def target(value):
        if isinstance(value, dict) and len(value) == 1 and isinstance(value.get("$ref"), str):
            return defs.get(value["$ref"].removeprefix("#/$defs/"), value)
        return value

    stack, seen = [schema], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in list(items):
            node[key] = target(value)
            if isinstance(node[key], (dict, list)):
                stack.append(node[key])
    return schema


def _lenient(check):
    def keyword(validator, value, instance, subschema):
        if _is_deploy_time(instance):
            return
        yield from check(validator, value, _coerce(instance, subschema), subschema) or ()
    return keyword


def _is_deploy_time(value) -> bool:
    if value is UNKNOWN:
        return True
    if isinstance(value, dict):
        return len(value) == 1 and next(iter(value)) in INTRINSIC_KEYS
    return isinstance(value, str) and "{{resolve:" in value


def _coerce(value, subschema):
    """The value as ajv's `coerceTypes: "array"` would see it for the subschema's `type`."""
    if not isinstance(subschema, dict) or "type" not in subschema:
        return value
    types = subschema["type"]
    types = [types] if isinstance(types, str) else list(types)
    if any(_has_type(value, kind) for kind in types):
        return value
    if isinstance(value, list) and len(value) == 1 and "array" not in types:
        value = value[0]  # a one-item list where a single value is expected
        if any(_has_type(value, kind) for kind in types):
            return value
    for kind in types:
        coerced = _COERCIONS.get(kind, _no_coercion)(value)
        if coerced is not _FAILED:
            return coerced
    return value


def _has_type(value, kind: str) -> bool:
    if kind == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer())
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    python = {"string": str, "boolean": bool, "array": list, "object": dict}.get(kind)
    return value is None if kind == "null" else python is not None and isinstance(value, python)


_FAILED = object()


def _no_coercion(value):
    return _FAILED


def _to_string(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    return "" if value is None else _FAILED


def _to_number(value):
    if isinstance(value, bool):
        return int(value)
    if value is None:
        return 0
    if isinstance(value, str) and value.strip():
        try:
            number = float(value)
        except ValueError:
            return _FAILED
        return int(number) if number.is_integer() else number
    return _FAILED


def _to_integer(value):
    number = _to_number(value)
    return number if number is _FAILED or isinstance(number, int) else _FAILED


def _to_boolean(value):
    if value in ("true", 1) and not isinstance(value, bool):
        return True
    if value in ("false", 0, None) and not isinstance(value, bool):
        return False
    return _FAILED


def _to_null(value):
    if value is False or (value in ("", 0) and not isinstance(value, bool)):
        return None
    return _FAILED


def _to_array(value):
    return [value] if not isinstance(value, (list, dict)) else _FAILED


_COERCIONS = {"string": _to_string, "number": _to_number, "integer": _to_integer,
              "boolean": _to_boolean, "null": _to_null, "array": _to_array}


# -- errors to violations ----------------------------------------------------------------------

def violations(service) -> list[Violation]:
    """Every schema violation of the service's resolved serverless.yml, in document order."""
    document = service.document
    if document is None:
        return []
    try:
        plain = to_plain(document)
        valid = _valid(service, plain)
    except RecursionError:  # includes nested thousands of levels deep: nothing sensible to check
        return []
    report = _Report(document, _plugin_keys(document), _self_references(service.raw_document))
    if not valid:  # only an invalid document pays for jsonschema
        for error in validator().iter_errors(plain):
            report.add(error)
    for function in service.functions:
        report.empty_events(function)
    return report.results()


def _valid(service, plain) -> bool:
    """The compiled check's verdict on the document (False when there is none: jsonschema decides).
    The language server keeps it between lints keyed by the document's repr, which holds each
    value and its type: the verdict reads nothing else."""
    check = fast_check()
    if check is None:
        return False
    store = getattr(service.sources, "store", None)
    if store is None:
        return check(plain)
    return store.result("CONFIG001 verdict", repr(plain), lambda: check(plain))


def _plugin_keys(document: Mapping) -> dict[str, dict[str, str]]:
    """scope -> {key: plugin} for the plugins listed in `plugins:` (all of PLUGIN_KEYS when the list
    is only known at deploy time)."""
    plugins = document.get("plugins")
    if isinstance(plugins, Mapping):  # {localPath, modules}
        plugins = plugins.get("modules")
    items = plugins.items if isinstance(plugins, Sequence) else []
    everything = (plugins is not None and is_dynamic(plugins)) or any(is_dynamic(i) for i in items)
    names = {str(item.value) for item in items if isinstance(item, Scalar)}
    names |= {name.rstrip("/").rsplit("/", 1)[-1] for name in names}  # ./local/path, @scope/name
    allowed: dict[str, dict[str, str]] = defaultdict(dict)
    for plugin, scopes in PLUGIN_KEYS.items():
        if everything or plugin in names or plugin.rsplit("/", 1)[-1] in names:
            for scope, keys in scopes.items():
                allowed[scope].update(dict.fromkeys(keys, plugin))
    return allowed


def _self_references(raw: Node | None) -> set[str]:
    """The `${self:a.b}` addresses the unresolved document uses."""
    found = set()
    for node in nodes_in(raw):
        if isinstance(node, Scalar) and isinstance(node.value, str) and "self:" in node.value:
            found.update(match.rstrip(".") for match in SELF_REFERENCE.findall(node.value))
    return found


class _Report:
    def __init__(self, document: Mapping, plugin_keys, self_references: set[str]):
        self.document = document
        self.plugin_keys = plugin_keys
        self.self_references = self_references
        self.found: list[tuple[tuple, str, Violation]] = []  # (instance path, topic, violation)
        self.event_shapes: set[tuple] = set()  # events reported as a whole: nothing more inside

    @functools.cached_property
    def scopes(self) -> dict[int, str]:
        defs = validator().schema["$defs"]  # the objects errors name (references inlined)
        return {id(defs["provider"]): "provider", id(defs["function"]): "function",
                id(defs["event"]): "event"}

    def results(self) -> list[Violation]:
        # One diagnostic per node and topic: a node shared through a YAML anchor is reported once,
        # and a value failing several keywords (pattern and maxLength) once.
        seen, results = set(), []
        for path, topic, violation in sorted(self.found, key=_order):
            if any(path[:len(event)] == event and path != event for event in self.event_shapes):
                continue
            key = (violation.node.span, topic)
            if key not in seen:
                seen.add(key)
                results.append(violation)
        return results

    def add(self, error) -> None:
        kind = error.validator
        if self._unset(tuple(error.absolute_path)) or self._plugin_runtime(error) \
                or self._plugin_handler_list(error):
            return
        if kind in ("anyOf", "oneOf"):
            self._alternatives(error)
        elif kind == "additionalProperties":
            self._unknown_keys(error)
        elif kind == "required":
            self._missing_keys(error)
        elif "propertyNames" in error.relative_schema_path:
            self._bad_key_name(error)
        elif kind in ("maxProperties", "minProperties") and self._scope(error) == "event":
            self._event_shape(error)
        elif kind == "type" and self._scope(error) == "event":
            self._event_not_mapping(error)
        else:
            self._wrong_value(error)

    def empty_events(self, function) -> None:
        """`- sqs:` with nothing under it: Serverless skips the event without a word."""
        events = function.node.get("events") if function.kind == "function" else None
        for index, event in enumerate(events.items if isinstance(events, Sequence) else []):
            if not isinstance(event, Mapping) or len(event.pairs) != 1:
                continue
            key, value = event.pairs[0]
            if value is None or (isinstance(value, Scalar) and value.value is None):
                self.found.append(((), "empty-event", Violation(key, (
                    f"`functions.{function.name}.events[{index}].{key.value}` has no settings, so "
                    "Serverless ignores this event: indent its settings under it, or remove it."),
                    function.name)))

    # -- kinds of error --------------------------------------------------------------------------
    def _alternatives(self, error) -> None:
        branches = defaultdict(list)
        for sub in error.context:
            branches[sub.relative_schema_path[0]].append(sub)
        fitting = [errors for errors in branches.values() if not _shape_mismatch(errors)]
        if len(fitting) == 1:
            for sub in fitting[0]:
                self.add(sub)
            return
        path = error.absolute_path
        if fitting and all(sub.validator == "required" and not sub.relative_path
                           for errors in fitting for sub in errors):
            names = " or ".join(f"`{sub.validator_value[0]}`" for errors in fitting for sub in errors)
            node, key = _locate(self.document, path)
            self._emit(path, key or node, f"`{self._path(path)}` needs {names}.")
            return
        self._emit(path, self._value_node(path), f"`{self._path(path)}` must be "
                   f"{_expected(error.schema)}, not {_shown(error.instance)}.")

    def _unknown_keys(self, error) -> None:
        path = error.absolute_path
        subschema = error.schema
        known = list(subschema.get("properties", {}))
        patterns = list(subschema.get("patternProperties", {}))
        scope = self._scope(error)
        node, _ = _locate(self.document, path)
        for name in error.instance:
            if name in known or any(re.search(pattern, name) for pattern in patterns):
                continue
            if name in self.plugin_keys.get(scope, {}):
                continue  # a listed plugin's setting
            key = node.key_node(name) if isinstance(node, Mapping) else None
            message = self._unknown_key_message(scope, path, name, known)
            suggestion = closest_name(name, known)
            rename = suggestion if key is not None and message.endswith(f"did you mean `{suggestion}`?") \
                and suggestion not in node.keys() else None
            self._emit((*path, name), key or node, message, topic=f"unknown:{name}", rename=rename)

    def _unknown_key_message(self, scope: str, path, name: str, known: list[str]) -> str:
        plugin = next((plugin for plugin, scopes in PLUGIN_KEYS.items()
                       if name in scopes.get(scope, ())), None)
        if plugin:
            return (f"`{name}` is a setting of the {plugin} plugin, which is not in `plugins:`: "
                    "add the plugin or remove the setting.")
        what = {"provider": "a provider setting", "function": "a function setting",
                "event": "an event type"}.get(scope, f"a setting of `{self._path(path)}`")
        address = _where((*path, name))
        if address in self.self_references:
            return (f"`{name}` is not {what} (Serverless warns about it, and stops with "
                    f"`configValidationMode: error`): keep your own values under `custom:` and use "
                    f"`${{self:custom.{name}}}` instead of `${{self:{address}}}`.")
        suggestion = closest_name(name, known)
        if suggestion:
            return f"`{name}` is not {what}: did you mean `{suggestion}`?"
        if scope == "event":
            return (f"`{name}` is not an event type Serverless knows: correct it, or list the plugin "
                    "that adds it under `plugins:`.")
        if scope in ("provider", "function"):
            return f"`{name}` is not {what}, so Serverless ignores it: remove it or correct the name."
        allowed = f" (allowed: {', '.join(f'`{k}`' for k in known)})" if len(known) <= 8 else ""
        return f"`{name}` is not {what}{allowed}: remove it or correct the name."

    def _missing_keys(self, error) -> None:
        path = error.absolute_path
        node, key = _locate(self.document, path)
        for name in error.validator_value:
            if name in error.instance:
                continue
            if not path:
                message = f"{self.document.span.path.name} has no `{name}`: add it at the top level."
            else:
                message = f"`{self._path(path)}` has no `{name}`: add it."
            self._emit(path, key or node, message, topic=f"missing:{name}")

    def _bad_key_name(self, error) -> None:
        path = error.absolute_path
        node, _ = _locate(self.document, path)
        key = node.key_node(error.instance) if isinstance(node, Mapping) else None
        self._emit((*path, error.instance), key or node,
                   f"`{error.instance}` in `{self._path(path)}` must be {_expected(error.schema)}.",
                   topic=f"name:{error.instance}")

    def _event_shape(self, error) -> None:
        path = tuple(error.absolute_path)
        node, _ = _locate(self.document, path)
        if not error.instance:
            self._emit(path, node, f"`{self._path(path)}` is empty: give it one event type, such as "
                       "`- http: ...`.")
            return
        names = ", ".join(f"`{name}`" for name in error.instance)
        first = node.pairs[0][0] if isinstance(node, Mapping) and node.pairs else node
        self.event_shapes.add(path)
        if all(name in error.schema["properties"] for name in error.instance):
            self._emit(path, first, f"this list item holds several events ({names}): start each "
                       "event with its own `- `.")
            return
        self._emit(path, first, f"this event has several keys ({names}): an event is one type "
                   "with its settings indented under it, e.g. `- http:` then `path:` and `method:` "
                   "two spaces deeper.")

    def _event_not_mapping(self, error) -> None:
        path = error.absolute_path
        message = (f"`{self._path(path)}` must be a mapping with one event type, such as "
                   f"`- http: ...`, not {_shown(error.instance)}.")
        if isinstance(error.instance, str) and error.instance in error.schema["properties"]:
            message += f" Give the event its settings: `- {error.instance}: ...`."
        self._emit(path, self._value_node(path), message)

    def _wrong_value(self, error) -> None:
        path = error.absolute_path
        value = error.instance
        message = f"`{self._path(path)}` must be {_expected(error.schema)}, not {_shown(value)}."
        hint = _value_hint(value, error.schema)
        if tuple(path) == ("service",) and isinstance(value, dict):
            if _before_v3(self.document.get("frameworkVersion")):
                return  # Framework v1 and v2 accept `service: {name: ...}`
            hint = "Framework v3 removed the `service: {name: ...}` form: write `service: <name>`."
        self._emit(path, self._value_node(path), message + (f" {hint}" if hint else ""))

    # -- helpers ---------------------------------------------------------------------------------
    def _path(self, path) -> str:
        """The path for messages, without the list indexes of a coerced single value."""
        path = tuple(path)
        _, _, depth = _walk(self.document, path)
        while len(path) > depth and isinstance(path[-1], int):
            path = path[:-1]
        return _where(path)

    def _unset(self, path: tuple) -> bool:
        """A key without a value (`key:`, `key: ~`, `${env:X, null}`) leaves the setting unset, as
        Serverless treats it. An event type without settings (`- http:`) is `empty_events`' case."""
        node, key, depth = _walk(self.document, path)
        null = node is key or (isinstance(node, Scalar) and node.value is None)
        return null and key is not None and all(part == 0 for part in path[depth:])

    def _plugin_runtime(self, error) -> bool:
        """A `runtime` that a listed plugin replaces at packaging time (`rust` with serverless-rust)."""
        path = tuple(error.absolute_path)
        if not path or path[-1] != "runtime" or not isinstance(error.instance, str):
            return False
        return error.instance in self.plugin_keys.get("runtime", {})

    def _plugin_handler_list(self, error) -> bool:
        """A function's `handler:` that lists handlers, with serverless-middleware listed."""
        path = tuple(error.absolute_path)
        return len(path) == 3 and path[0] == "functions" and path[2] == "handler" \
            and isinstance(error.instance, list) and "list" in self.plugin_keys.get("handler", {})

    def _scope(self, error) -> str | None:
        return self.scopes.get(id(error.schema))

    def _value_node(self, path) -> Node:
        node, key = _locate(self.document, path)
        return node if isinstance(node, Scalar) or key is None else key

    def _emit(self, path, node: Node, message: str, topic: str = "value", rename: str | None = None) -> None:
        self.found.append((tuple(path), topic, Violation(node, message, _function_name(path), rename)))


def _before_v3(version: Node | None) -> bool:
    """Does `frameworkVersion` pin Framework v1 or v2 (`2`, `^2.30.0`, `>=1.0.0 <2.0.0`)?"""
    constraint = str(version.value) if isinstance(version, Scalar) and version.value is not None else ""
    upper = re.search(r"<\s*v?(\d+)(?:\.0)*(?:\.(\d+))?", constraint)
    if upper:
        major = int(upper.group(1))
        return major < 3 or (major == 3 and not upper.group(2))
    return re.fullmatch(r"\s*[=~^]?\s*v?[12](?:\.[\dx*]+)*\s*", constraint) is not None


def _order(found) -> tuple:
    """Document order, then topic and path: jsonschema reports unknown keys in set order."""
    path, topic, violation = found
    span = violation.node.span
    return str(span.path), span.line, span.column, topic, _where(path)


def _shape_mismatch(errors) -> bool:
    """Does this anyOf branch fail because the value has another shape (not a mapping, ...)?"""
    for error in errors:
        if error.relative_path:
            continue
        if error.validator == "type":
            return True
        if error.validator in ("const", "enum") and isinstance(error.instance, (dict, list)):
            return True  # the listed values are all scalars
        if error.validator in ("anyOf", "oneOf") and error.context:
            branches = defaultdict(list)
            for sub in error.context:
                branches[sub.relative_schema_path[0]].append(sub)
            if all(_shape_mismatch(branch) for branch in branches.values()):
                return True
    return False


def _locate(document: Mapping, path) -> tuple[Node, Scalar | None]:
    """The node at a plain-data path and its key (None for list items), or the deepest node on the
    way when the path goes into a coerced value (`rate: cron(...)` validated as `rate[0]`)."""
    node, key, _ = _walk(document, path)
    return node, key


def _walk(document: Mapping, path) -> tuple[Node, Scalar | None, int]:
    node, key = document, None
    for depth, part in enumerate(path):
        if isinstance(node, Mapping) and isinstance(part, str) and part in node:
            key, child = node.key_node(part), node.get(part)
            if child is None:  # `key:` without a value
                return key, key, depth + 1
            node = child
        elif isinstance(node, Sequence) and isinstance(part, int) and 0 <= part < len(node.items):
            node, key = node.items[part], None
        elif isinstance(node, Intrinsic) and part == node.function:
            node, key = node.value, None
        else:
            return node, key, depth
    return node, key, len(path)


def _where(path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _function_name(path) -> str | None:
    parts = list(path)
    if len(parts) >= 2 and parts[0] == "functions":
        if isinstance(parts[1], str):
            return parts[1]
        if len(parts) >= 3 and isinstance(parts[2], str):
            return parts[2]
    return None


def _shown(value) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "`true`" if value else "`false`"
    text = str(value)
    return f"`{text[:60]}…`" if len(text) > 60 else f"`{text}`"


def _expected(subschema) -> str:
    """What a schema accepts, in words: its description, else words built from its keywords."""
    if not isinstance(subschema, dict):
        return "a valid value"
    if "description" in subschema:
        return subschema["description"]
    if "const" in subschema:
        return _literal(subschema["const"])
    if "enum" in subschema:
        values = subschema["enum"]
        listed = ", ".join(_literal(v) for v in values[:-1]) + f" or {_literal(values[-1])}"
        return listed if len(values) <= 8 else "one of the allowed values"
    kinds = subschema.get("type", [])
    kinds = [kinds] if isinstance(kinds, str) else kinds
    words = " or ".join(TYPE_WORDS.get(kind, kind) for kind in kinds) or "a valid value"
    low, high = subschema.get("minimum"), subschema.get("maximum")
    if low is not None and high is not None:
        words += f" from {low} to {high}"
    elif low is not None:
        words += f" of at least {low}"
    elif high is not None:
        words += f" of at most {high}"
    if "maxLength" in subschema:
        words += f" of at most {subschema['maxLength']} characters"
    if "maxItems" in subschema:
        words += f" of at most {subschema['maxItems']} items"
    return words


def _literal(value) -> str:
    if isinstance(value, bool):
        return "`true`" if value else "`false`"
    return f"`{value}`"


def _value_hint(value, subschema) -> str | None:
    """A "did you mean" for an enum value: a synonym, a near spelling, or the nearest numbers."""
    values = subschema.get("enum") if isinstance(subschema, dict) else None
    if not values:
        return None
    if isinstance(value, str) and SYNONYMS.get(value.lower()) in values:
        return f"Did you mean `{SYNONYMS[value.lower()]}`?"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        numbers = [v for v in values if isinstance(v, (int, float))]
        below = [v for v in numbers if v < value]
        above = [v for v in numbers if v > value]
        near = [str(v) for v in (max(below) if below else None, min(above) if above else None)
                if v is not None]
        if len(near) == 1:
            return f"The nearest allowed value is {near[0]}."
        return f"The nearest allowed values are {near[0]} and {near[1]}." if near else None
    if isinstance(value, str):
        suggestion = closest_name(value, [v for v in values if isinstance(v, str)])
        return f"Did you mean `{suggestion}`?" if suggestion else None
    return None


def closest_name(name: str, candidates: list[str]) -> str | None:
    """The one candidate the name is most likely a misspelling of, or None when it is ambiguous."""
    for candidate in candidates:
        if candidate.lower() == name.lower():
            return candidate
    import difflib  # for the rare misspelling: not on every run

    scored = sorted(((difflib.SequenceMatcher(None, name, c).ratio(), c) for c in candidates),
                    reverse=True)
    if not scored or scored[0][0] < 0.7:
        return None
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        return None
    return scored[0][1]

"""A JSON Schema compiled into nested closures that answer one question: is this document valid?

Deciding validity is all the common case (a valid serverless.yml) needs; jsonschema stays the
validator of record and explains the violations of an invalid one. The compiler knows exactly the
keywords `schemas/serverless.schema.json` uses, with jsonschema's (Draft 2020-12) meaning for each;
any other keyword raises `Unsupported`, so the caller validates with jsonschema instead: never a
silent wrong answer. `$ref`s to `#/$defs/...` are bound at compile time, recursive ones late.

Each subschema first asks `prepare(instance, subschema)` (schema_check's leniency: a deploy-time
value passes, others are coerced as ajv would): `PASS` for "valid whatever the keywords say", else
the value its keywords see. jsonschema's wrapped keywords do the same, keyword by keyword.
"""
from __future__ import annotations

from typing import Callable

from ..model.lazyre import lazy_compile

Check = Callable[[object], bool]
Prepare = Callable[[object, dict], object]

PASS = object()  # what `prepare` returns for a value valid against every schema

ANNOTATIONS = frozenset({"description", "title", "$comment", "$schema", "$id", "$defs"})


class Unsupported(ValueError):
    """The schema uses something this compiler does not implement."""


def compile_schema(schema: dict | bool, prepare: Prepare) -> Check:
    return _Compiler(schema, prepare).compile(schema)


class _Compiler:
    def __init__(self, root, prepare: Prepare):
        self.defs = root.get("$defs", {}) if isinstance(root, dict) else {}
        self.prepare = prepare
        self.compiled_defs: dict[str, Check] = {}

    def compile(self, schema) -> Check:
        if schema is True:
            return _always
        if schema is False:
            return _never  # jsonschema reports a false schema before any keyword (so no leniency)
        if not isinstance(schema, dict):
            raise Unsupported(f"schema {schema!r}")
        checks = []
        for keyword, value in schema.items():
            if keyword in ANNOTATIONS or keyword in ("additionalProperties", "patternProperties"):
                continue
            build = getattr(self, "_" + keyword.lstrip("$"), None)
            if build is None:
                raise Unsupported(f"keyword {keyword!r}")
            checks.append(build(value, schema))
        if "additionalProperties" in schema or "patternProperties" in schema:
            checks.append(self._extra_properties(schema))
        checks = tuple(checks)
        prepare = self.prepare

        def valid(instance) -> bool:
            instance = prepare(instance, schema)
            if instance is PASS:
                return True
            for check in checks:
                if not check(instance):
                    return False
            return True
        return valid

    # -- keywords ------------------------------------------------------------------------------
    def _ref(self, value, _schema) -> Check:
        if not isinstance(value, str) or not value.startswith("#/$defs/"):
            raise Unsupported(f"$ref {value!r}")
        name = value.removeprefix("#/$defs/")
        if name not in self.defs:
            raise Unsupported(f"$ref {value!r} names no definition")
        compiled = self.compiled_defs
        if name not in compiled:
            compiled[name] = _late(lambda: compiled[name])  # a recursive use binds on first call
            compiled[name] = self.compile(self.defs[name])
        return compiled[name]

    def _type(self, value, _schema) -> Check:
        kinds = tuple([value] if isinstance(value, str) else value)
        tests = tuple(_TYPE_TESTS[kind] for kind in kinds if kind in _TYPE_TESTS)
        if len(tests) != len(kinds):
            raise Unsupported(f"type {value!r}")
        return lambda instance: any(test(instance) for test in tests)

    def _properties(self, value, _schema) -> Check:
        checks = {name: self.compile(sub) for name, sub in value.items()}

        def valid(instance) -> bool:
            if not isinstance(instance, dict):
                return True
            return all(checks[name](item) for name, item in instance.items() if name in checks)
        return valid

    def _extra_properties(self, schema) -> Check:
        known = frozenset(schema.get("properties", {}))
        patterns = tuple((lazy_compile(p), self.compile(sub))
                         for p, sub in schema.get("patternProperties", {}).items())
        extra = self.compile(schema["additionalProperties"]) if "additionalProperties" in schema else None

        def valid(instance) -> bool:
            if not isinstance(instance, dict):
                return True
            for name, item in instance.items():
                matched = False
                for pattern, check in patterns:
                    if pattern.search(name):
                        matched = True
                        if not check(item):
                            return False
                if extra is not None and not matched and name not in known and not extra(item):
                    return False
            return True
        return valid

    def _required(self, value, _schema) -> Check:
        names = tuple(value)
        return lambda instance: not isinstance(instance, dict) or all(n in instance for n in names)

    def _propertyNames(self, value, _schema) -> Check:
        check = self.compile(value)
        return lambda instance: not isinstance(instance, dict) or all(check(n) for n in instance)

    def _maxProperties(self, value, _schema) -> Check:
        return _size_limit(dict, most=value)

    def _minProperties(self, value, _schema) -> Check:
        return _size_limit(dict, least=value)

    def _items(self, value, _schema) -> Check:
        check = self.compile(value)
        return lambda instance: not isinstance(instance, list) or all(check(i) for i in instance)

    def _maxItems(self, value, _schema) -> Check:
        return _size_limit(list, most=value)

    def _minItems(self, value, _schema) -> Check:
        return _size_limit(list, least=value)

    def _anyOf(self, value, _schema) -> Check:
        branches = tuple(self.compile(sub) for sub in value)
        return lambda instance: any(branch(instance) for branch in branches)

    def _enum(self, value, _schema) -> Check:
        members = tuple(value)
        return lambda instance: any(equal(member, instance) for member in members)

    def _const(self, value, _schema) -> Check:
        return lambda instance: equal(value, instance)

    def _minimum(self, value, _schema) -> Check:
        return lambda instance: not _is_number(instance) or instance >= value

    def _maximum(self, value, _schema) -> Check:
        return lambda instance: not _is_number(instance) or instance <= value

    def _pattern(self, value, _schema) -> Check:
        search = lazy_compile(value).search  # most of the schema's patterns never meet a value
        return lambda instance: not isinstance(instance, str) or search(instance) is not None

    def _maxLength(self, value, _schema) -> Check:
        return lambda instance: not isinstance(instance, str) or len(instance) <= value


def _size_limit(kind: type, least: int = 0, most: float = float("inf")) -> Check:
    """minItems/maxItems (lists), minProperties/maxProperties (mappings): other values pass."""
    return lambda instance: not isinstance(instance, kind) or least <= len(instance) <= most


def _late(get: Callable[[], Check]) -> Check:
    return lambda instance: get()(instance)


def _always(_instance) -> bool:
    return True


def _never(_instance) -> bool:
    return False


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_TYPE_TESTS: dict[str, Check] = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool))
    or (isinstance(v, float) and v.is_integer()),
    "number": _is_number,
    "boolean": lambda v: isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
    "null": lambda v: v is None,
}


def equal(one, two) -> bool:
    """jsonschema's equality: `true` is not 1, lists and mappings compare item by item."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return one == two
    if isinstance(one, list) and isinstance(two, list):
        return len(one) == len(two) and all(equal(a, b) for a, b in zip(one, two))
    if isinstance(one, dict) and isinstance(two, dict):
        return one.keys() == two.keys() and all(equal(one[k], two[k]) for k in one)
    if isinstance(one, bool) != isinstance(two, bool):
        return False
    return one == two

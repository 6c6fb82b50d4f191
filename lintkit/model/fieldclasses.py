"""`fieldclass`: classes declared by their annotated fields, as `dataclasses.dataclass` declares them,
for the subset lintkit uses (defaults, `field(default_factory=..., compare=..., repr=...)`, one
`InitVar` with `__post_init__`, `frozen`, `eq`, `repr`, `slots`), and `replace`.

Why not dataclasses: lintkit defines ~70 such classes and every run creates them all. Before Python
3.13, `dataclass` compiles each generated method with an `exec` of its own (~4 a class) and computes
an `inspect.signature` for every class without a docstring: ~35 ms of each run, a fifth of a
pre-commit or editor check of one service. `fieldclass` writes all of a class's methods in one source
text and compiles it once.
"""
from __future__ import annotations

try:
    from ._fieldclass_code import PRECOMPILED
except ImportError:  # pragma: no cover - while the generated module is being written
    PRECOMPILED = {}

_MISSING = object()
FACTORY_SOURCES: list[str] = []  # the method factories of the classes created, for generated_module


class FrozenInstanceError(AttributeError):
    """Assigning to a field of a frozen fieldclass."""


class InitVar:
    """`owner: InitVar[Service]`: an `__init__` parameter passed on to `__post_init__`, not stored."""

    def __class_getitem__(cls, item):
        return cls


class Field:
    __slots__ = ("name", "default", "default_factory", "compare", "repr", "init_only")

    def __init__(self, default=_MISSING, default_factory=_MISSING, compare=True, repr=True):
        if default is not _MISSING and default_factory is not _MISSING:
            raise ValueError("a field takes a default or a default_factory, not both")
        self.name = ""
        self.default = default
        self.default_factory = default_factory
        self.compare = compare
        self.repr = repr
        self.init_only = False


def field(*, default=_MISSING, default_factory=_MISSING, compare=True, repr=True) -> Field:
    return Field(default, default_factory, compare, repr)


def fieldclass(cls=None, /, *, frozen: bool = False, eq: bool = True, repr: bool = True,
           slots: bool = False):
    """Adds `__init__`, and unless turned off `__repr__` and `__eq__` (with `__hash__` when frozen),
    to a class from its annotations, in the order they are written."""

    def wrap(cls):
        return _build(cls, frozen, eq, repr, slots)

    return wrap if cls is None else wrap(cls)


def fields(obj_or_class) -> tuple[Field, ...]:
    """The stored fields (not the InitVars), in order."""
    return tuple(f for f in obj_or_class._fieldclass_fields if not f.init_only)


def replace(obj, /, **changes):
    """A copy of `obj` with `changes`; InitVars must be given, as `dataclasses.replace` requires."""
    for f in obj._fieldclass_fields:
        if f.init_only:
            if f.name not in changes:
                raise ValueError(f"InitVar {f.name!r} must be given to replace()")
        elif f.name not in changes:
            changes[f.name] = getattr(obj, f.name)
    return obj.__class__(**changes)


def _build(cls, frozen: bool, eq: bool, repr_: bool, slots: bool):
    class_fields = _collect_fields(cls)
    if slots:
        cls = _with_slots(cls, class_fields)
    names = {"__cls": cls, "__object_setattr": object.__setattr__, "__missing": _MISSING,
             "FrozenInstanceError": FrozenInstanceError}
    source = [_init_source(cls, class_fields, frozen, names)]
    stored = [f for f in class_fields if not f.init_only]
    if repr_:
        source.append(_repr_source(cls, stored))
    if eq:
        source.append(_eq_source(stored))
        if frozen:
            source.append(_hash_source(stored))
    if frozen:
        source.append(_frozen_source(stored))
        if slots:  # pickle (--jobs workers) restores slots with setattr, which frozen refuses
            source.append(_frozen_state_source(stored))
    make = _method_factory("\n".join(source), tuple(names))
    for name, method in make(*names.values()).items():
        method.__qualname__ = f"{cls.__qualname__}.{name}"
        setattr(cls, name, method)
    if eq and not frozen:
        cls.__hash__ = None  # mutable and compared by value: unhashable, as dataclasses makes it
    cls._fieldclass_fields = tuple(class_fields)
    cls.__match_args__ = tuple(f.name for f in stored)
    return cls


def _method_factory(methods: str, parameters: tuple[str, ...]):
    """A function of `parameters` that returns the `methods` (their source) as closures over
    them: precompiled when `_fieldclass_code` holds it, else compiled now."""
    text = (f"def make({', '.join(parameters)}):\n    " + methods.replace("\n", "\n    ")
            + "\n    return {" + ", ".join(f"{name!r}: {name}" for name in _defined(methods)) + "}\n")
    FACTORY_SOURCES.append(text)
    make = PRECOMPILED.get(text)
    if make is None:
        namespace: dict = {}
        exec(text, {}, namespace)
        make = namespace["make"]
    return make


def _defined(methods: str) -> list[str]:
    return [line[4:line.index("(")] for line in methods.split("\n") if line.startswith("def ")]


def generated_module() -> str:
    """The source of `_fieldclass_code` for every fieldclass created so far (`lintkit.precompile`
    imports every module first)."""
    lines = ['"""Generated by `python -m lintkit.precompile > lintkit/model/_fieldclass_code.py`:',
             "the methods of lintkit's fieldclasses, compiled with the package like any module, so that",
             "creating the classes compiles nothing at run time (tests/test_fieldclasses.py keeps it",
             'current; a class missing here is compiled when it is created, as before)."""', "", ""]
    texts = sorted(set(FACTORY_SOURCES))
    for number, text in enumerate(texts):
        lines.append(text.replace("def make(", f"def _make_{number}(", 1))
        lines.append("")
    lines.append("PRECOMPILED = {")
    lines += [f"    {text!r}: _make_{number}," for number, text in enumerate(texts)]
    lines.append("}")
    return "\n".join(lines) + "\n"


def _collect_fields(cls) -> list[Field]:
    found: list[Field] = []
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():
        annotation_text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
        if annotation_text.startswith(("ClassVar", "typing.ClassVar")):
            continue
        default = cls.__dict__.get(name, _MISSING)
        spec = default if isinstance(default, Field) else Field(default)
        spec.name = name
        spec.init_only = annotation is InitVar or annotation_text.startswith("InitVar")
        if isinstance(spec.default, (list, dict, set)):
            raise ValueError(f"mutable default for field {name}: use default_factory")
        if isinstance(default, Field) or spec.init_only:
            if spec.default is _MISSING or spec.init_only:
                if name in cls.__dict__:
                    delattr(cls, name)
            else:
                setattr(cls, name, spec.default)
        found.append(spec)
    seen_default = False
    for spec in found:
        has_default = spec.default is not _MISSING or spec.default_factory is not _MISSING
        if seen_default and not has_default:
            raise TypeError(f"non-default argument {spec.name!r} follows default argument")
        seen_default = seen_default or has_default
    return found


def _with_slots(cls, class_fields: list[Field]):
    """The class made again with `__slots__` (a class's slots are fixed when it is created); the
    defaults move from class attributes into `__init__`, where slots need them."""
    namespace = dict(cls.__dict__)
    stored = tuple(f.name for f in class_fields if not f.init_only)
    for name in stored:
        namespace.pop(name, None)
    namespace["__slots__"] = stored
    namespace.pop("__dict__", None)
    namespace.pop("__weakref__", None)
    return type(cls)(cls.__name__, cls.__bases__, namespace)


def _init_source(cls, class_fields: list[Field], frozen: bool, names: dict) -> str:
    parameters, body = ["self"], []
    assign = "__object_setattr(self, {name!r}, {value})" if frozen else "self.{name} = {value}"
    for spec in class_fields:
        if spec.default_factory is not _MISSING:
            names[f"__factory_{spec.name}"] = spec.default_factory
            parameters.append(f"{spec.name}=__missing")
            value = f"__factory_{spec.name}() if {spec.name} is __missing else {spec.name}"
        elif spec.default is not _MISSING:
            names[f"__default_{spec.name}"] = spec.default
            parameters.append(f"{spec.name}=__default_{spec.name}")
            value = spec.name
        else:
            parameters.append(spec.name)
            value = spec.name
        if not spec.init_only:
            body.append(assign.format(name=spec.name, value=value))
    if hasattr(cls, "__post_init__"):
        init_vars = ", ".join(f.name for f in class_fields if f.init_only)
        body.append(f"self.__post_init__({init_vars})")
    return f"def __init__({', '.join(parameters)}):\n    " + ("\n    ".join(body) or "pass")


def _repr_source(cls, stored: list[Field]) -> str:
    parts = ", ".join(f"{f.name}={{self.{f.name}!r}}" for f in stored if f.repr)
    return f"def __repr__(self):\n    return f\"{cls.__qualname__}({parts})\""


def _compared(stored: list[Field], owner: str) -> str:
    values = "".join(f"{owner}.{f.name}," for f in stored if f.compare)
    return f"({values})"


def _eq_source(stored: list[Field]) -> str:
    return ("def __eq__(self, other):\n"
            "    if other.__class__ is not self.__class__:\n"
            "        return NotImplemented\n"
            f"    return {_compared(stored, 'self')} == {_compared(stored, 'other')}")


def _hash_source(stored: list[Field]) -> str:
    return f"def __hash__(self):\n    return hash({_compared(stored, 'self')})"


def _frozen_state_source(stored: list[Field]) -> str:
    names = tuple(f.name for f in stored)
    return ("def __getstate__(self):\n"
            f"    return {_all_values(stored)}\n"
            "def __setstate__(self, state):\n"
            f"    for name, value in zip({names!r}, state):\n"
            "        __object_setattr(self, name, value)")


def _all_values(stored: list[Field]) -> str:
    return "(" + "".join(f"self.{f.name}," for f in stored) + ")"


def _frozen_source(stored: list[Field]) -> str:
    return ("def __setattr__(self, name, value):\n"
            "    raise FrozenInstanceError(f'cannot assign to field {name!r}')\n"
            "def __delattr__(self, name):\n"
            "    raise FrozenInstanceError(f'cannot delete field {name!r}')")

"""`fieldclass` behaves as `dataclasses.dataclass` does for what lintkit uses of it: the same
classes declared both ways construct, compare, hash, print and refuse assignment alike."""
from __future__ import annotations

import dataclasses
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lintkit.model.fieldclasses import FrozenInstanceError, InitVar, field, fieldclass, fields, replace


def declare(decorator, field_function, **options):
    @decorator(**options)
    class Point:
        """A point."""

        x: int
        y: int = 0
        tags: tuple = field_function(default_factory=tuple)
        note: str = field_function(default="", compare=False)
        secret: str = field_function(default="", repr=False)

    return Point


VARIANTS = [{}, {"frozen": True}, {"slots": True}, {"frozen": True, "slots": True}, {"eq": False},
            {"frozen": True, "eq": False}, {"repr": False}]


@pytest.mark.parametrize("options", VARIANTS, ids=lambda o: ",".join(o) or "plain")
@given(x=st.integers(), y=st.integers(), other_y=st.integers(), note=st.text(max_size=3))
def test_behaves_as_a_dataclass(options, x, y, other_y, note):
    ours = declare(fieldclass, field, **options)
    theirs = declare(dataclasses.dataclass, dataclasses.field, **options)
    a, b = ours(x, y, note=note), ours(x, other_y)
    da, db = theirs(x, y, note=note), theirs(x, other_y)
    assert (a == b) == (da == db)
    assert (a == ours(x, y)) == (da == theirs(x, y))  # `note` is not compared
    assert (a.__hash__ is None) == (da.__hash__ is None)
    if options.get("frozen") and options.get("eq", True):
        assert hash(a) == hash(ours(x, y, note="other"))
    if options.get("repr", True):
        assert repr(a).replace("declare.<locals>.", "") == repr(da).replace("declare.<locals>.", "")
    assert a.tags == ()
    assert hasattr(a, "__dict__") == hasattr(da, "__dict__")


@pytest.mark.parametrize("slots", [False, True])
def test_frozen_refuses_assignment(slots):
    point = declare(fieldclass, field, frozen=True, slots=slots)(1)
    with pytest.raises(FrozenInstanceError):
        point.x = 2
    with pytest.raises(AttributeError):
        del point.y
    assert point.x == 1


def test_arguments_are_checked_as_a_dataclass_checks_them():
    point_class = declare(fieldclass, field)
    with pytest.raises(TypeError):
        point_class()
    with pytest.raises(TypeError):
        point_class(1, 2, (), "", "", "extra")
    with pytest.raises(TypeError, match="follows default"):
        @fieldclass
        class Wrong:
            a: int = 0
            b: int


def test_default_factory_gives_each_instance_its_own_value():
    @fieldclass
    class Bag:
        items: list = field(default_factory=list)

    first, second = Bag(), Bag()
    first.items.append(1)
    assert second.items == [] and Bag([2]).items == [2]


def test_init_var_goes_to_post_init_and_is_not_stored():
    @fieldclass
    class Child:
        name: str
        owner: InitVar[object]

        def __post_init__(self, owner):
            self.parent = owner

    child = Child("c", owner="p")
    assert child.parent == "p" and not hasattr(Child, "owner")
    assert [f.name for f in fields(child)] == ["name"]
    assert replace(child, name="d", owner="q").parent == "q"
    with pytest.raises(ValueError):
        replace(child, name="d")


@pytest.mark.parametrize("options", VARIANTS, ids=lambda o: ",".join(o) or "plain")
def test_replace_copies_with_changes(options):
    point = declare(fieldclass, field, **options)(1, 2, ("t",))
    moved = replace(point, y=3)
    assert (moved.x, moved.y, moved.tags) == (1, 3, ("t",))
    assert point.y == 2


def test_slots_keep_the_class_methods_and_docstring():
    @fieldclass(slots=True)
    class Sized:
        """Docs."""

        size: int = 1

        def double(self):
            return self.size * 2

    assert Sized.__slots__ == ("size",) and Sized.__doc__ == "Docs."
    assert Sized().double() == 2 and Sized(3).double() == 6


def test_module_level_fieldclass_pickles():
    assert pickle.loads(pickle.dumps(Module(1))) == Module(1)


@fieldclass(frozen=True, slots=True)
class Module:
    value: int


def test_precompiled_methods_are_current():
    """Regenerate with `python -m lintkit.precompile > lintkit/model/_fieldclass_code.py`."""
    import subprocess
    import sys
    from pathlib import Path

    import lintkit.model._fieldclass_code as generated

    done = subprocess.run([sys.executable, "-m", "lintkit.precompile"], capture_output=True,
                          text=True, check=True)
    assert done.stdout == Path(generated.__file__).read_text()


def test_lintkit_classes_take_their_methods_precompiled():
    from lintkit.model import fieldclasses
    from lintkit.model.diagnostics import Finding

    assert Finding.__init__.__code__.co_filename.endswith("_fieldclass_code.py")
    assert len(fieldclasses.PRECOMPILED) >= 70

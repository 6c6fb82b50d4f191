"""Writes `lintkit/model/_fieldclass_code.py`, the precompiled methods of every fieldclass:

    python -m lintkit.precompile > lintkit/model/_fieldclass_code.py

after adding or changing a fieldclass (tests/test_fieldclasses.py fails until then; lintkit still
works, compiling the changed class's methods when it is created)."""
from __future__ import annotations

import importlib
import pkgutil

import lintkit
import lintkit.rules

from .model import fieldclasses


def main() -> None:
    for package in (lintkit, lintkit.rules):
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if not module.name.endswith(("._fieldclass_code", ".__main__", ".precompile")):
                importlib.import_module(module.name)
    print(fieldclasses.generated_module(), end="")


if __name__ == "__main__":
    main()

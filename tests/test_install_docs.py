"""Every install instruction installs this project, and every reference in the docs resolves.

`lintkit` on PyPI is an unrelated project: `pip install lintkit` would run a stranger's code in CI.
No tag of lintkit exists, so the docs pin commits, never tags.
"""
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "action.yml"]
CODE = sorted((ROOT / "lintkit").rglob("*.py"))

# `pip install lintkit`, `pip install 'lintkit[lsp]'`, `pip install "lintkit>=1"`: the PyPI name.
PYPI_LINTKIT = re.compile(r"pip install\s+(?:-\S+\s+)*['\"]?lintkit(?![-\w])")


def test_distribution_name_is_not_the_taken_one():
    pyproject = (ROOT / "pyproject.toml").read_text("utf-8")
    assert re.search(r'^name = "lintkit-serverless"$', pyproject, re.M)
    assert re.search(r'^lintkit = "lintkit.cli:main"$', pyproject, re.M)  # the command stays lintkit


@pytest.mark.parametrize("path", DOCS + CODE, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_instruction_installs_the_pypi_project_named_lintkit(path):
    found = PYPI_LINTKIT.findall(path.read_text("utf-8"))
    assert not found, found


def test_the_pattern_catches_what_it_must():
    for text in ("pip install lintkit", "pip install 'lintkit[lsp]'", "pip install -q lintkit>=1"):
        assert PYPI_LINTKIT.search(text), text
    for text in ("pip install lintkit-serverless", "pip install '.[lsp]'", "pip install lintkit_x"):
        assert not PYPI_LINTKIT.search(text), text


def test_docs_pin_commits_not_tags_or_a_made_up_repository():
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "github.com/lintkit/lintkit" not in readme and "lintkit/lintkit@" not in readme
    for rev in re.findall(r"^\s*rev:\s*(\S+)", readme, re.M):
        assert rev == "COMMIT" or re.fullmatch(r"[0-9a-f]{40}", rev), rev
    for ref in re.findall(r"OWNER/lintkit@(\S+)", readme):
        assert ref.rstrip("\"'`,") == "COMMIT", ref

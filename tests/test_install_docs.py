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


def _lua_block_after(heading: str) -> str:
    readme = (ROOT / "README.md").read_text("utf-8")
    after = readme[readme.index(heading):]
    return re.search(r"```lua\n(.*?)```", after, re.S).group(1)


def test_the_snippet_for_older_neovim_uses_only_apis_they_have():
    """Neovim 0.7 (Debian 12) and 0.9 (Ubuntu 24.04): no vim.fs.root (0.10), vim.lsp.start (0.8),
    vim.fs.find (0.8) or vim.iter (0.10) in the snippet meant for them; the 0.10 one may use them."""
    old = _lua_block_after("**Neovim 0.7 to 0.9**")
    for newer in ("vim.fs.root", "vim.lsp.start(", "vim.fs.find", "vim.iter", "vim.lsp.enable"):
        assert newer not in old, newer
    assert "vim.lsp.start_client(" in old and "vim.lsp.buf_attach_client(" in old
    assert "vim.fs.root" in _lua_block_after("**Neovim** (0.10 or later)")


def test_the_ale_snippet_defines_an_lsp_linter_for_every_filetype_lintkit_reads():
    readme = (ROOT / "README.md").read_text("utf-8")
    vim = re.search(r"\*\*Vim with ALE\*\*.*?```vim\n(.*?)```", readme, re.S).group(1)
    assert "ale#linter#Define" in vim and "'lsp': 'stdio'" in vim and "'%e lsp'" in vim
    for filetype in ("yaml", "typescript", "javascript", "prisma", "sh"):
        assert f"'{filetype}'" in vim

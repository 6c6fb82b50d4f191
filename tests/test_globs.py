"""lintkit.read.globs: one translator, three flavours (package patterns, .gitignore, .lintkit.yml)."""
import pytest

from lintkit.read.globs import glob_matches


@pytest.mark.parametrize("pattern, path, micromatch, gitignore, lintkit", [
    ("src/*.ts", "src/a.ts", True, True, True),
    ("src/*.ts", "src/a/b.ts", False, False, False),
    ("**/*.sql", "a/b/c.sql", True, True, True),
    ("**/**/x", "a/b/x", True, True, True),
    ("a/**/b", "a/b", True, True, True),
    ("src/**", "src", True, False, False),  # micromatch: `x/**` matches `x` itself
    ("src/**.ts", "src/a/b.ts", False, False, True),  # only .lintkit.yml spans folders here
    ("{a,b}/x", "b/x", True, False, False),  # braces are micromatch's
    ("./a/x", "a/x", True, False, False),
    ("a/+(x|y)", "a/x", False, False, False),  # extglobs match nothing
    (r"\*.ts", "*.ts", True, True, True),
    ("[!a]b", "cb", True, True, True),
    (".env*", ".env.local", True, True, True),
])
def test_flavours(pattern, path, micromatch, gitignore, lintkit):
    assert [glob_matches(pattern, path, flavour) for flavour in ("micromatch", "gitignore", "lintkit")] \
        == [micromatch, gitignore, lintkit]

"""lintkit's .gitignore matcher against git itself: for every pattern set below, and for random
ones, each file and folder of a tree is ignored by lintkit.read.gitignore exactly when
`git check-ignore` says git ignores it (a folder git ignores hides everything in it). This is why
discovery keeps its own matcher rather than a library: it is held to git's behaviour directly."""
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from lintkit.read.gitignore import GitIgnore

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

# gitignore(5)'s examples and the corners of git's wildmatch (t/t0008-ignores.sh, t/t3070-wildmatch.sh).
PATTERNS = [
    ["*.log"], ["/build"], ["build/"], ["doc/frotz/"], ["doc/frotz"], ["foo/**/bar"], ["**/foo"],
    ["abc/**"], ["a/**/b"], ["*.[oa]"], ["[!a]bc"], ["?x"], ["a?c"], ["a/*/c"], ["ba*/"], ["dir"], ["*/"],
    ["**/"], ["\\#hash"], ["\\!bang"], ["trailing\\ "], ["sp ace"], ["*"], ["/*.txt"], ["x/"], ["**/x/y"],
    ["deep/**/*.log"], ["[a-c]x"], ["a[]]b"], ["**foo"], ["foo**"], ["a\\*b"], ["/doc/*.md"], ["f[/]g"],
    ["#comment"], ["  lead"], ["name/"], ["nested/.env"], [".env*"], ["***/.env"], ["src/**/dist"],
    ["*.log", "!keep.log"], [".env*", "!.env.example"], ["build/", "!build/keep/"], ["/*", "!/src"],
    ["dir", "!dir/f"], ["deep/**", "!deep/**/"],
]
FILES = [
    "x.log", "keep.log", "build/out.js", "build/keep/k.js", "src/build/y.js", "doc/frotz/a", "a/doc/frotz/b",
    "foo/bar", "foo/x/y/bar", "q/foo/z", "abc/d/e", "a/b", "a/x/b", "a/x/y/b", "m.o", "m.a", "bbc", "zx",
    "abc2", "a/q/c", "bar/z", "baz/q", "dir/f", "dir/g", "q/dir", "#hash", "!bang", "trailing ", "sp ace",
    "t.txt", "s/t.txt", "x/y", "x/x/y", "deep/a/b/c.log", "deep/c.log", "ax", "cx", "dx", "a]b", "foox",
    "xfoo", "a*b", "aab", "doc/r.md", "doc/s/r.md", "fg", "lead", "  lead", "name/in", "nested/.env",
    ".env", ".env.example", ".env.local", "sub/.env.prod", "src/a/dist/x.js", "src/dist/y",
]


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("tree")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    for file in FILES:
        (root / file).parent.mkdir(parents=True, exist_ok=True)
        (root / file).write_text("")
    return root


def _paths() -> list[str]:
    return sorted({"/".join(Path(f).parts[:i]) for f in FILES for i in range(1, len(Path(f).parts) + 1)})


def _git_ignored(root: Path) -> set[str]:
    listed = subprocess.run(["git", "check-ignore", "--no-index", "--stdin", "-z"], cwd=root,
                            input="\0".join(_paths()), capture_output=True, text=True).stdout
    direct = set(filter(None, listed.split("\0")))
    return {p for p in _paths()
            if any("/".join(Path(p).parts[:i]) in direct for i in range(1, len(Path(p).parts) + 1))}


def _lintkit_ignored(root: Path) -> set[str]:
    ignore = GitIgnore(root)
    ignored = set()
    for path in _paths():
        parts = Path(path).parts
        prefixes = [root.joinpath(*parts[:i]) for i in range(1, len(parts) + 1)]
        if any(ignore.ignores(p, p.is_dir()) for p in prefixes):
            ignored.add(path)
    return ignored


def _disagreements(root: Path, lines: list[str]) -> set[str]:
    (root / ".gitignore").write_text("\n".join(lines) + "\n")
    return _git_ignored(root) ^ _lintkit_ignored(root)


@pytest.mark.parametrize("lines", PATTERNS, ids=lambda lines: " ".join(lines))
def test_matches_git_on_its_documented_patterns(tree, lines):
    assert _disagreements(tree, lines) == set()


_PIECES = ["*", "**", "?", "[a-c]", "[!a]", "a", "b", "x", "doc", "foo", "bar", "build", ".env", "log", "."]
_segment = st.lists(st.sampled_from(_PIECES), min_size=1, max_size=2).map("".join)
_pattern = st.tuples(st.booleans(), st.lists(_segment, min_size=1, max_size=4), st.booleans(), st.booleans()) \
    .map(lambda t: ("!" if t[0] else "") + ("/" if t[2] else "") + "/".join(t[1]) + ("/" if t[3] else ""))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_pattern, min_size=1, max_size=3))
def test_matches_git_on_random_patterns(tree, lines):
    assert _disagreements(tree, lines) == set()

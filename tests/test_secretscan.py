"""lintkit.analysis.secretscan: the .gitignore matcher, package pattern globs and variable fallbacks."""

import pytest

from lintkit.analysis.secretscan import address_name, fallbacks, glob_matches
from lintkit.read.gitignore import is_git_ignored


@pytest.mark.parametrize("gitignore, ignored", [
    (".env\n", True),
    (".env*\n", True),
    ("*.env\n", True),  # `*` may match nothing
    ("# .env\n", False),
    ("\\#.env\n", False),
    (".env*\n!.env\n", False),
    ("!.env\n.env\n", True),  # the last matching line wins
    ("/.env\n", True),
    ("/api/.env\n", False),  # anchored to the .gitignore's folder
    (".env/\n", False),  # folders only
    ("**/.env\n", True),
    (".env.*\n", False),
    (".e[mn]v\n", True),
    (".env   \n", True),  # trailing spaces are ignored
], ids=repr)
def test_gitignore_in_service_folder(tmp_path, gitignore, ignored):
    (tmp_path / ".gitignore").write_text(gitignore)
    assert is_git_ignored(tmp_path / ".env", tmp_path) is ignored


def test_gitignore_of_a_parent_folder_and_ignored_folders(tmp_path):
    service = tmp_path / "services" / "api"
    service.mkdir(parents=True)
    (tmp_path / ".gitignore").write_text("services/api/.env\n")
    assert is_git_ignored(service / ".env", tmp_path)
    (tmp_path / ".gitignore").write_text("services/\n")
    (service / ".gitignore").write_text("!.env\n")  # cannot re-include inside an ignored folder
    assert is_git_ignored(service / ".env", tmp_path)
    (tmp_path / ".gitignore").write_text(".env\n")
    (service / ".gitignore").write_text("!.env\n")  # a deeper .gitignore wins
    assert not is_git_ignored(service / ".env", tmp_path)


def test_git_info_exclude(tmp_path):
    (tmp_path / ".git" / "info").mkdir(parents=True)
    (tmp_path / ".git" / "info" / "exclude").write_text(".env\n")
    assert is_git_ignored(tmp_path / ".env", tmp_path)


@pytest.mark.parametrize("glob, path, matches", [
    (".env*", ".env.production", True),
    ("*.env", ".env", True),
    ("**", ".env", True),
    ("**/.env", ".env", True),
    ("src/**", ".env", False),
    ("*", "src/.env", False),
])
def test_package_pattern_globs(glob, path, matches):
    assert glob_matches(glob, path) is matches


def test_fallbacks_are_located_and_nested():
    text = "pre ${env:A, 'one'} ${ssm:/x/${opt:stage, 'dev'}/pw, ${env:B, \"two\"}}"
    found = [(text[f.start:f.end], f.value, f.source, f.feeds_key) for f in fallbacks(text)]
    assert found == [
        ("one", "one", "env:A", True),
        ("dev", "dev", "opt:stage", False),
        ("two", "two", "env:B", True),
    ]


def test_bare_sources_are_not_literal_fallbacks():
    assert [f.value for f in fallbacks("${env:A, self:custom.a, 'x'}")] == ["x"]


@pytest.mark.parametrize("source, name", [
    ("ssm:/app/db-password~true", "db-password"),
    ("env:JWT_SECRET", "JWT_SECRET"),
    ("self:custom.auth.apiKey", "apiKey"),
    ("ssm(us-east-1):/app/token", "token"),
])
def test_address_name(source, name):
    assert address_name(source) == name

"""lintkit.read.staticjs: what a name is bound to and what path an expression builds, statically."""
from pathlib import Path

import pytest

from lintkit.read.sources import SourceFile, iter_nodes
from lintkit.read.staticjs import package_calls, package_origin, static_path

PRELUDE = "const path = require('path')\nconst { join } = require('node:path')\n"


def _value(expression: str, language: str = "javascript"):
    file = SourceFile.from_bytes(Path("webpack.config.js"), f"{PRELUDE}const x = {expression}\n".encode(),
                                 language)
    declarator = list(iter_nodes(file.root, ("variable_declarator",)))[-1]
    return file, declarator.child_by_field_name("value")


@pytest.mark.parametrize("expression, dirname, expected", [
    ("'./.env'", "", ".env"),
    ("path.resolve(__dirname, '.env')", "", ".env"),
    ("path.join(__dirname, '..', 'config', '.env')", "build", "config/.env"),
    ("join(process.cwd(), 'config/.env')", "build", "config/.env"),
    ("`${__dirname}/.env.local`", "build", "build/.env.local"),
    ("__dirname + '/.env'", "", ".env"),
    ("path.resolve('/etc', 'app.env')", "", "/etc/app.env"),
    ("path.resolve(__dirname)", "", ""),
])
def test_static_path_follows_literal_paths(expression, dirname, expected):
    file, node = _value(expression)
    assert static_path(file, node, dirname) == expected


@pytest.mark.parametrize("expression", [
    "process.env.ENV_FILE", "path.resolve(__dirname, name)", "`${stage}/.env`", "other.resolve('.env')",
    "__dirname + suffix",
])
def test_static_path_is_none_for_what_it_cannot_know(expression):
    file, node = _value(expression)
    assert static_path(file, node) is None


def test_package_origin_and_calls_follow_module_scope_bindings():
    source = (b"import Copy from 'copy-webpack-plugin'\nconst apollo = require('apollo-server-lambda')\n"
              b"const { ApolloServer: Server } = require('@apollo/server')\n"
              b"new Copy([]); new apollo.ApolloServer({}); new Server({}); new Other({})\n"
              b"new (require('copy-webpack-plugin'))([])\n")
    file = SourceFile.from_bytes(Path("a.ts"), source, "typescript")
    found = [origin for _, origin in package_calls(
        file, frozenset({"copy-webpack-plugin", "apollo-server-lambda", "@apollo/server"}))]
    assert found == [("copy-webpack-plugin", "default"), ("apollo-server-lambda", "ApolloServer"),
                     ("@apollo/server", "ApolloServer"), ("copy-webpack-plugin", "*")]
    other = next(n for n in iter_nodes(file.root, ("identifier",)) if n.text == b"Other")
    assert package_origin(file, other) is None


@pytest.mark.parametrize("function, names, returned", [
    ("(e) => e", ["e"], ["e"]),
    ("e => e.originalError", ["e"], ["e.originalError"]),
    ("function (formatted, { extensions }, ...rest) { log(formatted); return formatted }",
     ["formatted", None, None], ["formatted"]),
    ("(err) => { if (known(err)) { return err } return generic }", ["err"], ["err", "generic"]),
    ("(err) => { if (known(err)) { return err } }", ["err"], None),
    ("(err) => { function f() { return 1 }; return }", ["err"], None),
])
def test_parameters_and_what_a_function_returns_on_every_path(function, names, returned):
    from lintkit.read.staticjs import parameter_names, returned_values

    file, node = _value(function, "typescript")
    assert parameter_names(node) == names
    values = returned_values(node)
    assert (None if values is None else [file.node_text(v) for v in values]) == returned

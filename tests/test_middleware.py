"""The serverless-middleware plugin's list of handlers: the last entry that is not a `catch:` is
the handler, the others run with it on every invocation and are part of its graph."""
import textwrap

from lintkit.formats import load_service

MIDDLEWARE = "export const check = async (event: object) => event\n"
HANDLER = "export const create = async () => ({ statusCode: 201 })\n"


def service(tmp_path, functions: str, plugin: bool = True):
    plugins = "plugins:\n  - serverless-middleware\n" if plugin else ""
    (tmp_path / "serverless.yml").write_text(
        f"service: app\n{plugins}provider:\n  name: aws\nfunctions:\n{textwrap.indent(functions, '  ')}")
    (tmp_path / "src").mkdir(exist_ok=True)
    (tmp_path / "src" / "auth.ts").write_text(MIDDLEWARE)
    (tmp_path / "src" / "orders.ts").write_text(HANDLER)
    (tmp_path / "src" / "errors.ts").write_text("export const onError = async () => ({ statusCode: 500 })\n")
    return load_service(tmp_path / "serverless.yml", tmp_path)


def handlers(function) -> tuple:
    return function.handler.value, [entry.value for entry in function.middleware]


def test_the_last_entry_is_the_handler_and_the_others_are_middleware(tmp_path):
    loaded = service(tmp_path, "a:\n  handler: [src/auth.check, src/orders.create]\n"
                                "b:\n  middleware:\n    - src/auth.check\n"
                                "    - then: src/orders.create\n      catch: src/errors.onError\n")
    a, b = loaded.functions
    assert handlers(a) == ("src/orders.create", ["src/auth.check"])
    assert handlers(b) == ("src/orders.create", ["src/auth.check", "src/errors.onError"])
    assert loaded.handler_path(a) == (tmp_path / "src" / "orders.ts", "create")


def test_the_graph_holds_the_middleware_files(tmp_path):
    loaded = service(tmp_path, "a:\n  handler: [src/auth.check, src/orders.create]\n"
                                "b:\n  handler: src/orders.create\n")
    a, b = loaded.functions
    assert [file.path.name for file in loaded.graph(a).files] == ["orders.ts", "auth.ts"]
    assert [file.path.name for file in loaded.graph(b).files] == ["orders.ts"]  # not shared with a
    assert [node.type for _, node in loaded.graph(a).middleware] == ["arrow_function"]


def test_without_the_plugin_a_list_is_no_handler(tmp_path):
    loaded = service(tmp_path, "a:\n  handler: [src/auth.check, src/orders.create]\n", plugin=False)
    (function,) = loaded.functions
    assert function.middleware == [] and loaded.handler_path(function) == (None, None)
    assert loaded.graph(function) is None

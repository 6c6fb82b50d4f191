"""`lintkit lsp`: the language server, driven over stdio by pygls' real client, and its parts."""
import asyncio
import shutil
import sys
from datetime import date
from pathlib import Path

import pytest

pytest.importorskip("pygls", reason="the language server needs pygls: pip install -e '.[test]'")

from lsprotocol import types  # noqa: E402
from pygls.lsp.client import LanguageClient  # noqa: E402
from pygls.uris import from_fs_path  # noqa: E402

from lintkit.lsp import Settings, code_units, lint_service, lsp_position, rule_href  # noqa: E402
from test_cli import DEPRECATED_SERVICE, make_service  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
TIMEOUT = 60  # seconds for any one answer: a broken server fails the test instead of hanging it
UTF16, UTF32, UTF8 = (types.PositionEncodingKind.Utf16, types.PositionEncodingKind.Utf32,
                      types.PositionEncodingKind.Utf8)


# -- parts -------------------------------------------------------------------------------------------

def test_columns_become_code_units_of_the_negotiated_encoding():
    line = 'a: "😀é" x'  # x is code point 8 (1-based column 9)
    assert lsp_position([line], 1, 9, UTF32).character == 8
    assert lsp_position([line], 1, 9, UTF16).character == 9  # the emoji is a surrogate pair
    assert lsp_position([line], 1, 9, UTF8).character == 12  # 4 bytes + 2 bytes
    assert lsp_position([line], 1, 99, UTF16).character == code_units(line, UTF16)  # clamped to the end
    assert (lsp_position([line], 7, 1, UTF16).line, lsp_position([line], 7, 1, UTF16).character) == (1, 0)
    assert lsp_position(None, 3, 5, UTF16) == types.Position(line=2, character=4)


def test_initialization_options_override_the_command_line():
    settings = Settings(as_of=date(2020, 1, 1), select=["VPC"])
    updated, problems = settings.updated({"asOf": "2026-11-27", "opt": {"stage": "prod"}, "ignore": "CONFIG004",
                                          "noIgnores": True, "debounce": 10, "ruleUrl": "https://x/{code}"})
    assert problems == []
    assert (updated.as_of, updated.opt, updated.select, updated.ignore, updated.no_ignores,
            updated.debounce_ms) == (date(2026, 11, 27), {"stage": "prod"}, ["VPC"], ["CONFIG004"], True, 10)
    assert rule_href(updated.rule_url, "VPC001") == "https://x/VPC001"
    assert settings.as_of == date(2020, 1, 1)  # the original is left alone
    _, problems = settings.updated({"asOf": "soon", "debounce": -1, "colour": "red", "ruleUrl": "x"})
    assert len(problems) == 4 and all(p.startswith("initializationOptions.") for p in problems)


def test_initialization_options_with_an_unknown_selector_are_left_out():
    updated, problems = Settings(ignore=["CONFIG004"]).updated({"ignore": ["RUNTME001"]})
    assert updated.ignore == ["CONFIG004"]
    assert problems == ["initializationOptions.ignore: `RUNTME001` is not a rule code, code prefix or "
                        "rule name (did you mean `RUNTIME001`?)"]


def test_lint_service_uses_unsaved_text_and_never_raises(tmp_path, monkeypatch):
    make_service(tmp_path)
    config = (tmp_path / "serverless.yml").resolve()
    settings = Settings(as_of=date(2026, 11, 27))
    outcome = lint_service(config, {config: DEPRECATED_SERVICE}, settings, UTF16)
    (diagnostic,) = outcome.diagnostics[config]
    assert outcome.ok and diagnostic.code == "RUNTIME001" and diagnostic.source == "lintkit"
    assert (diagnostic.range.start.line, diagnostic.range.start.character) == (3, 11)
    assert diagnostic.code_description.href == "lintkit-rule:RUNTIME001"
    assert config in outcome.files and (tmp_path / "src" / "api.ts").resolve() in outcome.files

    outcome = lint_service(config, {config: "service: x\nprovider: [\n"}, settings, UTF16)
    assert [d.code for d in outcome.diagnostics[config]] == ["PARSE001"]

    from lintkit.engine import Engine

    def explode(self, targets, progress=None):
        raise RuntimeError("boom")

    monkeypatch.setattr(Engine, "run", explode)
    outcome = lint_service(config, {}, settings, UTF16)
    assert not outcome.ok and "RuntimeError: boom" in outcome.errors[0]


# -- the server over stdio -----------------------------------------------------------------------------

class Client(LanguageClient):
    """pygls' client that keeps what the server publishes and logs."""

    def __init__(self):
        super().__init__("lintkit-tests", "1")
        self.diagnostics: asyncio.Queue = asyncio.Queue()
        self.unread: dict[str, list[types.PublishDiagnosticsParams]] = {}
        self.logs: list[str] = []
        self.returncode = None

        @self.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def publish(params: types.PublishDiagnosticsParams):
            self.diagnostics.put_nowait(params)

        @self.feature(types.WINDOW_LOG_MESSAGE)
        def log(params: types.LogMessageParams):
            self.logs.append(params.message)

    async def server_exit(self, server):
        self.returncode = server.returncode

    async def published(self, uri: str, version: int = 0) -> list[types.Diagnostic]:
        """The next list published for `uri` for its `version` or later; lists for other documents
        wait for their turn, lists for older versions are dropped."""
        while True:
            unread = self.unread.setdefault(uri, [])
            while unread:
                params = unread.pop(0)
                if params.version is None or params.version >= version:
                    return params.diagnostics
            params = await asyncio.wait_for(self.diagnostics.get(), TIMEOUT)
            self.unread.setdefault(params.uri, []).append(params)

    async def published_until(self, uri: str, condition) -> list[types.Diagnostic]:
        """Lists published for `uri` until one meets `condition` (a timeout fails the test)."""
        while True:
            diagnostics = await self.published(uri)
            if condition(diagnostics):
                return diagnostics

    def open(self, path: Path, language: str) -> str:
        uri = from_fs_path(str(path))
        self.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
            uri=uri, language_id=language, version=1, text=path.read_text())))
        return uri

    def change(self, uri: str, version: int, text: str, range: types.Range | None = None) -> None:
        change = (types.TextDocumentContentChangePartial(range=range, text=text) if range
                  else types.TextDocumentContentChangeWholeDocument(text=text))
        self.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[change]))


async def start(*args: str, encodings=(UTF16,), options=None) -> tuple[Client, types.InitializeResult]:
    client = Client()
    await client.start_io(sys.executable, "-m", "lintkit", "lsp", *args)
    result = await asyncio.wait_for(client.initialize_async(types.InitializeParams(
        capabilities=types.ClientCapabilities(
            general=types.GeneralClientCapabilities(position_encodings=list(encodings))),
        initialization_options=options)), TIMEOUT)
    client.initialized(types.InitializedParams())
    return client, result


async def stop(client: Client) -> None:
    await asyncio.wait_for(client.shutdown_async(None), TIMEOUT)
    client.exit(None)
    await asyncio.wait_for(client.stop(), TIMEOUT)


def run(session) -> None:
    """Run an async session, which passes each client it starts to `track`; no server process
    outlives the test, whatever happens."""
    clients: list[Client] = []

    async def guarded():
        try:
            await session(clients.append)
        finally:
            for client in clients:
                server = getattr(client, "_server", None)  # the process pygls' client started
                if server is not None and server.returncode is None:
                    server.kill()
                    await server.wait()

    asyncio.run(asyncio.wait_for(guarded(), 4 * TIMEOUT))


async def until(condition) -> None:
    for _ in range(TIMEOUT * 20):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


def codes_at(diagnostics) -> set[tuple[str, int]]:
    return {(d.code, d.range.start.line) for d in diagnostics}


@pytest.fixture
def seed_project(shared, tmp_path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(shared / "seed" / "project", project)
    for path in [project, *project.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)  # ../shared is read-only
    return project.resolve()


def test_server_publishes_updates_and_clears_findings_as_the_buffer_changes(seed_project):
    config = seed_project / "serverless.yml"
    handler = seed_project / "src" / "handlers" / "users.ts"

    async def session(track):
        client, result = await start("--as-of", "2026-11-27")
        track(client)
        assert result.capabilities.position_encoding == UTF16
        assert result.capabilities.hover_provider

        uri = client.open(config, "yaml")
        found = await client.published(uri)
        assert {"RUNTIME001", "VPC005", "CONFIG002", "CONFIG004"} <= {d.code for d in found}
        runtime = next(d for d in found if d.code == "RUNTIME001" and d.range.start.line == 4)
        assert (runtime.range.start.character, runtime.range.end.character) == (11, 21)
        assert runtime.severity == types.DiagnosticSeverity.Error and runtime.source == "lintkit"
        assert runtime.code_description.href == "lintkit-rule:RUNTIME001"
        assert "nodejs24.x" in runtime.message

        # hovering the finding shows its rule's documentation
        hover = await asyncio.wait_for(client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=4, character=14))), TIMEOUT)
        assert "RUNTIME001" in hover.contents.value and "Use instead" in hover.contents.value

        # the handler file of the same service: its own list
        handler_uri = client.open(handler, "typescript")
        assert {d.code for d in await client.published(handler_uri)} == {"SECRET009"}

        # fix line 5 (nodejs20.x -> nodejs24.x) without saving: the finding goes, the other stays
        client.change(uri, 2, "nodejs24.x", types.Range(start=types.Position(line=4, character=11),
                                                          end=types.Position(line=4, character=21)))
        fixed = await client.published(uri, 2)
        assert ("RUNTIME001", 4) not in codes_at(fixed) and ("RUNTIME001", 44) in codes_at(fixed)
        assert {"VPC005", "CONFIG002"} <= {d.code for d in fixed}
        # every open document of the service is published again
        assert {d.code for d in await client.published(handler_uri)} == {"SECRET009"}

        # half-typed YAML: a PARSE001 diagnostic, and the server carries on
        client.change(uri, 3, "service: prisma-app\nprovider: [\n")
        assert [d.code for d in await client.published(uri, 3)] == ["PARSE001"]
        client.change(uri, 4, config.read_text().replace("nodejs20.x", "nodejs24.x"))
        assert "CONFIG002" in {d.code for d in await client.published(uri, 4)}

        # the handler's finding fixed in its buffer: an empty list clears it
        client.change(handler_uri, 2, handler.read_text().replace("String(error)", "'failed'"))
        assert list(await client.published(handler_uri, 2)) == []

        # a file that is not open changes on disk (the missing handler is added): the client's
        # file watcher says so, and the service is linted again
        created = seed_project / "src" / "handlers" / "create-user.ts"
        created.write_text("export const handler = async () => ({ statusCode: 201 })\n")
        client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
            types.FileEvent(uri=from_fs_path(str(created)), type=types.FileChangeType.Created)]))
        await client.published_until(uri, lambda found: "CONFIG002" not in {d.code for d in found})

        await stop(client)
        assert client.returncode == 0
        assert not [log for log in client.logs if "internal error" in log], client.logs

    run(session)


def test_related_locations_utf8_positions_and_initialization_options(tmp_path):
    fixture = REPO / "fixtures" / "POOL005" / "bad-migration-function-through-pgbouncer"
    project = tmp_path / "pool"
    shutil.copytree(fixture, project, ignore=shutil.ignore_patterns("expected"))
    project = project.resolve()
    schema = project / "prisma" / "schema.prisma"
    emoji = tmp_path / "emoji"
    make_service(emoji, 'service: app\nprovider: {name: aws, stage: "😀😀", runtime: nodejs18.x}\n'
                        "functions:\n  api:\n    handler: src/api.handler\n")

    async def session(track):
        client, result = await start("--as-of", "2020-01-01", encodings=(UTF8, UTF16), options={
            "asOf": "2026-11-27", "select": ["POOL005", "RUNTIME001", "SECRET002"], "colour": "red"})
        track(client)
        assert result.capabilities.position_encoding == UTF8

        uri = client.open(schema, "prisma")
        (finding,) = await client.published(uri)
        assert finding.code == "POOL005" and finding.range.start.line == 6
        related = {(info.location.uri, info.location.range.start.line) for info in finding.related_information}
        assert {uri.rsplit("/", 2)[-1] for uri, _ in related} >= {"migrate.ts", "serverless.yml"}
        assert all(info.message for info in finding.related_information)

        # columns are UTF-8 code units: each emoji is 4, not 1; --as-of lost to asOf
        emoji_uri = client.open(emoji / "serverless.yml", "yaml")
        (runtime,) = await client.published(emoji_uri)
        line = (emoji / "serverless.yml").read_text().splitlines()[1]
        assert runtime.range.start.character == len(line[:line.index("nodejs18.x")].encode("utf-8"))

        # unknown options are logged, not fatal
        assert any("initializationOptions.colour" in log for log in client.logs)
        # an invalid .lintkit.yml is logged (a PARSE001 of its own when it is open), and the
        # service is linted with the default configuration
        (emoji / ".lintkit.yml").write_text("fail-on: sometimes\nselect: [CONFIG004]\n")
        client.text_document_did_save(types.DidSaveTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=emoji_uri)))
        await until(lambda: any(".lintkit.yml:1:10: fail-on" in log for log in client.logs))
        assert [d.code for d in await client.published(emoji_uri)] == ["RUNTIME001"]
        (emoji / ".lintkit.yml").unlink()
        client.text_document_did_save(types.DidSaveTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=emoji_uri)))
        assert [d.code for d in await client.published(emoji_uri)] == ["RUNTIME001"]
        # closing a document clears it
        client.text_document_did_close(types.DidCloseTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=emoji_uri)))
        assert list(await client.published(emoji_uri)) == []
        # a .env file of the same service: its buffer is linted (an AWS key pasted, not saved)
        (emoji / ".env").write_text("STAGE=dev\n")
        env_uri = client.open(emoji / ".env", "dotenv")
        assert list(await client.published(env_uri)) == []
        client.change(env_uri, 2, "STAGE=dev\nAWS_ACCESS_KEY_ID=AKIA2E0A8F3B244C9986\n")
        (secret,) = await client.published(env_uri, 2)
        assert secret.code == "SECRET002" and secret.range.start.line == 1
        assert "AKIA2E0A8F3B244C9986" not in secret.message
        client.change(env_uri, 3, "STAGE=dev\n")
        assert list(await client.published(env_uri, 3)) == []

        await stop(client)
        assert client.returncode == 0

    run(session)


def test_exit_without_shutdown_is_exit_code_1(tmp_path):
    async def session(track):
        client, _ = await start()
        track(client)
        client.exit(None)
        await asyncio.wait_for(client.stop(), TIMEOUT)
        assert client.returncode == 1

    run(session)


def test_lsp_without_pygls_is_a_clear_usage_error(run_lintkit, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "pygls", None)
    code, out, err = run_lintkit("lsp", cwd=tmp_path)
    assert code == 2 and out == "" and "pip install 'pygls>=2,<3'" in err


# -- issue 9: lone surrogates in a buffer -------------------------------------------------------------
FLOW_SERVICE = ('service: app\nprovider: {name: aws, stage: "STAGE", runtime: nodejs18.x, logRetentionInDays: 14}\n'
                "functions:\n  api:\n    handler: src/api.handler\n")


def test_lone_surrogate_in_a_buffer_is_linted_like_the_file_the_editor_would_save(tmp_path):
    """An LSP client can send a lone surrogate (`"\\ud800"` in JSON). The buffer is linted as the
    editor would save it, with U+FFFD in its place (one character for one: positions after it on
    the same line still agree), never an internal error on every lint until the text changes."""
    make_service(tmp_path, FLOW_SERVICE.replace("STAGE", "dev"))
    config = (tmp_path / "serverless.yml").resolve()
    settings = Settings(as_of=date(2026, 11, 27))
    unsaved = lint_service(config, {config: FLOW_SERVICE.replace("STAGE", "\ud800")}, settings, UTF16)
    saved = lint_service(config, {config: FLOW_SERVICE.replace("STAGE", "\ufffd")}, settings, UTF16)
    assert unsaved.ok and not unsaved.errors, unsaved.errors
    assert unsaved.diagnostics == saved.diagnostics and unsaved.diagnostics[config]

    async def session(track):
        client, _ = await start("--as-of", "2026-11-27", "--debounce", "0")
        track(client)
        uri = client.open(config, "yaml")
        assert codes_at(await client.published(uri)) == {("RUNTIME001", 1)}
        stage = FLOW_SERVICE.splitlines()[1].index("STAGE")
        client.change(uri, 2, "\ud800", types.Range(start=types.Position(line=1, character=stage),
                                                      end=types.Position(line=1, character=stage + 3)))
        found = {d.code: d for d in await client.published(uri, 2)}
        line = FLOW_SERVICE.splitlines()[1].replace("STAGE", "\ud800")
        assert set(found) == {"CONFIG001", "RUNTIME001"}  # the stage is no stage name now
        assert found["RUNTIME001"].range.start.character == line.index("nodejs18.x")
        assert "not `\ufffd`" in found["CONFIG001"].message
        assert not [log for log in client.logs if "internal error" in log], client.logs
        await stop(client)

    run(session)

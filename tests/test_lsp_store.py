"""The language server's store of parsed files (lintkit.read.sourcestore: handler sources and the
YAML of serverless.yml and its includes): a lint after an edit parses only what changed, and gives exactly what a fresh lint of the same buffers gives, whatever
was edited (a handler, serverless.yml, an included file) or changed on disk (a file deleted, a
file rewritten)."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

pytest.importorskip("pygls", reason="the language server needs pygls: pip install -e '.[test]'")

from lintkit.lsp import Settings, lint_service  # noqa: E402
from lintkit.read.sourcestore import SourceStore  # noqa: E402
from test_lsp import seed_project  # noqa: E402,F401  (the fixture)

AS_OF = "2026-12-01"
SERVERLESS = """service: store
frameworkVersion: '3'
provider:
  name: aws
  runtime: nodejs20.x
  logRetentionInDays: 30
  vpc:
    securityGroupIds: [sg-0123456789abcdef0]
    subnetIds: [subnet-0123456789abcdef0]
  environment:
    DATABASE_URL: ${ssm:/store/url}
functions: ${file(./functions.yml)}
"""
FUNCTIONS = """a:
  handler: src/a.handler
b:
  handler: src/b.handler
"""
PER_INVOCATION = """import { PrismaClient } from '@prisma/client'
import { respond } from './lib'

export const handler = async () => {
  const prisma = new PrismaClient()
  return respond(await prisma.user.findMany())
}
"""
MODULE_SCOPE = """import { PrismaClient } from '@prisma/client'
import { respond } from './lib'

const prisma = new PrismaClient()

export const handler = async () => respond(await prisma.user.findMany())
"""
LIB = """export function respond(body) {
  return { statusCode: 200, body: JSON.stringify(body) }
}
"""


@pytest.fixture
def service(tmp_path) -> Path:
    root = tmp_path / "service"
    (root / "src").mkdir(parents=True)
    (root / "serverless.yml").write_text(SERVERLESS)
    (root / "functions.yml").write_text(FUNCTIONS)
    (root / "src" / "a.ts").write_text(PER_INVOCATION)
    (root / "src" / "b.ts").write_text(MODULE_SCOPE)
    (root / "src" / "lib.ts").write_text(LIB)
    return root.resolve()


class Session:
    """What the server does for one service: lints with the open buffers and its store; each lint is
    checked against a fresh one (no store) of the same buffers."""

    def __init__(self, root: Path):
        self.config = root / "serverless.yml"
        self.store = SourceStore()
        self.settings = Settings(as_of=date.fromisoformat(AS_OF))
        self.texts: dict[Path, str] = {}

    def lint(self) -> set[tuple[str, str, int]]:
        kept = lint_service(self.config, dict(self.texts), self.settings, "utf-16", store=self.store)
        fresh = lint_service(self.config, dict(self.texts), self.settings, "utf-16")
        assert kept.ok and fresh.ok, kept.errors + fresh.errors
        assert kept.diagnostics == fresh.diagnostics
        assert kept.files == fresh.files
        return {(path.name, d.code, d.range.start.line)
                for path, found in kept.diagnostics.items() for d in found}


def test_an_edit_of_one_handler_parses_that_handler_only(service):
    session = Session(service)
    handler = service / "src" / "a.ts"
    session.texts[handler] = PER_INVOCATION
    assert ("a.ts", "CLIENT001", 4) in session.lint()
    first = session.store.parses
    assert first == 5  # serverless.yml, functions.yml, a.ts, b.ts, lib.ts

    session.texts[handler] = MODULE_SCOPE
    assert not any(code == "CLIENT001" for _, code, _ in session.lint())
    assert session.store.parses == first + 1

    session.texts[handler] = PER_INVOCATION  # back to what was linted before: parsed once more
    assert ("a.ts", "CLIENT001", 4) in session.lint()
    assert session.store.parses == first + 2
    assert len(session.store) == 5  # the version no longer linted was forgotten


def test_an_edit_of_serverless_yml_or_an_included_file_parses_that_file_only(service):
    session = Session(service)
    session.lint()
    parses = session.store.parses
    session.texts[service / "serverless.yml"] = SERVERLESS.replace("nodejs20.x", "nodejs14.x")
    assert any(code.startswith("RUNTIME") for name, code, _ in session.lint() if name == "serverless.yml")
    assert session.store.parses == parses + 1
    session.texts[service / "functions.yml"] = FUNCTIONS + "c:\n  handler: src/c.handler\n"
    assert ("functions.yml", "CONFIG002", 5) in session.lint()  # src/c.ts does not exist
    assert session.store.parses == parses + 2
    (service / "functions.yml").write_text(FUNCTIONS.replace("src/b.handler", "src/c.handler"))
    session.texts.pop(service / "functions.yml")  # closed: the disk again, changed meanwhile
    assert ("functions.yml", "CONFIG002", 3) in session.lint()
    assert session.store.parses == parses + 3


def test_a_handler_deleted_on_disk_is_not_taken_from_the_store(service):
    session = Session(service)
    assert not any(code == "CONFIG002" for _, code, _ in session.lint())
    (service / "src" / "b.ts").unlink()
    assert ("functions.yml", "CONFIG002", 3) in session.lint()
    assert len(session.store) == 4  # b.ts is gone from the store too
    (service / "src" / "lib.ts").unlink()  # imported by a.ts, which is taken from the store
    session.lint()
    (service / "src" / "lib.ts").write_text("export { respond } from './respond'\n")
    (service / "src" / "respond.ts").write_text(LIB.replace("200", "new PrismaClient() && 200"))
    session.lint()


def test_a_file_rewritten_on_disk_is_parsed_again(service):
    session = Session(service)
    session.lint()
    parses = session.store.parses
    (service / "src" / "lib.ts").write_text(LIB.replace("200", "201"))
    session.lint()
    assert session.store.parses == parses + 1
    (service / "src" / "b.ts").write_text(PER_INVOCATION)  # now builds a client per invocation too
    assert ("b.ts", "CLIENT001", 4) in session.lint()


def test_the_buffers_linted_through_the_store_report_what_lintkit_check_reports(service):
    """After a sequence of edits, the kept lint equals `lintkit check` of the buffers saved."""
    session = Session(service)
    edits = [(service / "src" / "a.ts", MODULE_SCOPE), (service / "src" / "b.ts", PER_INVOCATION),
             (service / "functions.yml", FUNCTIONS + "c:\n  handler: src/c.handler\n"),
             (service / "serverless.yml", SERVERLESS.replace("nodejs20.x", "nodejs14.x"))]
    for path, text in edits:
        session.texts[path] = text
        found = session.lint()
    for path, text in session.texts.items():
        path.write_text(text)
    done = subprocess.run([sys.executable, "-m", "lintkit", "check", "--format", "json", "--as-of", AS_OF,
                           str(service)], capture_output=True, text=True, cwd=service, timeout=120)
    assert done.returncode in (0, 1), done.stderr
    checked = {(Path(d["path"]).name, d["code"], d["line"] - 1) for d in json.loads(done.stdout)["diagnostics"]}
    assert found == checked


def test_edits_through_the_server_publish_what_a_fresh_lint_of_the_buffers_gives(seed_project):
    """The server keeps its store between lints: after each edit, the list it publishes for the
    edited document is the one a lint of the same buffers without a store gives."""
    from test_lsp import UTF16, run, start, stop

    config = seed_project / "serverless.yml"
    handler = seed_project / "src" / "handlers" / "users.ts"
    original = {config: config.read_text(), handler: handler.read_text()}
    per_invocation = original[handler].replace(
        "if (!globalThis.prisma) {\n    globalThis.prisma = new PrismaClient()\n  }\n  return globalThis.prisma",
        "return new PrismaClient()")
    assert per_invocation != original[handler]
    edits = [(handler, original[handler].replace("String(error)", "'failed'")),
             (config, original[config].replace("nodejs20.x", "nodejs24.x")),
             (handler, per_invocation),
             (config, original[config] + "custom:\n  stage: ${opt:stage, 'dev'}\n"),
             (handler, original[handler])]
    settings = Settings(as_of=date(2026, 11, 27))

    async def session(track):
        client, _ = await start("--as-of", "2026-11-27", "--debounce", "0")
        track(client)
        uris = {path: client.open(path, "yaml" if path == config else "typescript")
                for path in (config, handler)}
        texts, versions, seen = dict(original), {config: 1, handler: 1}, set()
        for path, text in edits:
            versions[path] += 1
            texts[path] = text
            client.change(uris[path], versions[path], text)
            published = await published_for_version(client, uris[path], versions[path])
            fresh = lint_service(config, dict(texts), settings, UTF16, {p: u for p, u in uris.items()})
            assert fresh.ok, fresh.errors
            assert list(published) == fresh.diagnostics.get(path, []), path
            seen |= {d.code for d in published}
        assert {"CLIENT001", "SECRET009", "RUNTIME001"} <= seen  # the edits changed what is found
        await stop(client)
        assert not [log for log in client.logs if "internal error" in log], client.logs

    run(session)


async def published_for_version(client, uri: str, version: int):
    """The list published for exactly this version of the document (a list published while the
    document was opening, with no version, is not it)."""
    import asyncio

    from test_lsp import TIMEOUT

    while True:
        unread = client.unread.setdefault(uri, [])
        while unread:
            params = unread.pop(0)
            if params.version == version:
                return params.diagnostics
        params = await asyncio.wait_for(client.diagnostics.get(), TIMEOUT)
        client.unread.setdefault(params.uri, []).append(params)


# -- handler graphs kept between lints (lintkit.read.keptgraphs) ----------------------------------
def checked(service: Path, texts: dict[Path, str], folder: Path) -> set[tuple[str, str, int]]:
    """What `lintkit check --format json` reports on a copy of the service with the buffers saved."""
    copy = folder / "service"
    shutil.copytree(service, copy)
    for path, text in texts.items():
        (copy / path.relative_to(service)).write_text(text)
    done = subprocess.run([sys.executable, "-m", "lintkit", "check", "--format", "json", "--as-of", AS_OF,
                           "."], capture_output=True, text=True, cwd=copy, timeout=120)
    assert done.returncode in (0, 1), done.stderr
    return {(Path(d["path"]).name, d["code"], d["line"] - 1) for d in json.loads(done.stdout)["diagnostics"]}


class GraphSession(Session):
    """A Session that says how many handler graphs each lint built and took again, and checks each
    lint against `lintkit check` too."""

    def __init__(self, root: Path, scratch: Path):
        super().__init__(root)
        self.root, self.scratch, self.lints = root, scratch, 0

    def lint_counting(self) -> tuple[set, int, int]:
        graphs = self.store.graphs
        built, reused = graphs.built, graphs.reused
        found = self.lint()
        self.lints += 1
        assert found == checked(self.root, self.texts, self.scratch / f"check{self.lints}")
        return found, graphs.built - built, graphs.reused - reused


def test_an_edit_of_a_handler_builds_its_graph_again_and_keeps_the_others(service, tmp_path):
    session = GraphSession(service, tmp_path)
    found, built, reused = session.lint_counting()
    assert ("a.ts", "CLIENT001", 4) in found and (built, reused) == (2, 0)
    assert session.lint_counting()[1:] == (0, 2)  # nothing changed: both taken again

    session.texts[service / "src" / "a.ts"] = MODULE_SCOPE
    found, built, reused = session.lint_counting()
    assert not any(code == "CLIENT001" for _, code, _ in found) and (built, reused) == (1, 1)

    session.texts[service / "src" / "b.ts"] = PER_INVOCATION
    found, built, reused = session.lint_counting()
    assert ("b.ts", "CLIENT001", 4) in found and (built, reused) == (1, 1)

    # lib.ts is in both graphs: both are built again
    session.texts[service / "src" / "lib.ts"] = LIB.replace("200", "201")
    assert session.lint_counting()[1:] == (2, 0)


def test_a_created_file_that_changes_an_import_s_resolution_builds_the_graphs_again(service, tmp_path):
    (service / "src" / "lib.ts").unlink()
    (service / "src" / "lib").mkdir()
    (service / "src" / "lib" / "index.ts").write_text(LIB)  # what './lib' names until src/lib.ts exists
    session = GraphSession(service, tmp_path)
    found, built, reused = session.lint_counting()
    assert ("b.ts", "CLIENT001", 5) not in found and built == 2
    assert session.lint_counting()[1:] == (0, 2)

    (service / "src" / "lib.ts").write_text(
        "import { PrismaClient } from '@prisma/client'\n\n"
        "export function respond(body) {\n  const prisma = new PrismaClient()\n"
        "  return { statusCode: 200, body: JSON.stringify(body) }\n}\n")
    found, built, reused = session.lint_counting()
    # respond() now builds a client on each invocation, reported where b's handler calls it
    assert ("b.ts", "CLIENT001", 5) in found and (built, reused) == (2, 0)


def test_an_edit_of_a_handler_path_in_serverless_yml_builds_that_graph_again(service, tmp_path):
    (service / "src" / "c.ts").write_text(PER_INVOCATION)
    session = GraphSession(service, tmp_path)
    assert session.lint_counting()[1:] == (2, 0)
    session.texts[service / "functions.yml"] = FUNCTIONS.replace("src/b.handler", "src/c.handler")
    found, built, reused = session.lint_counting()
    assert ("c.ts", "CLIENT001", 4) in found and (built, reused) == (1, 1)
    session.texts[service / "functions.yml"] = FUNCTIONS.replace("src/b.handler", "src/c.missing")
    found, built, reused = session.lint_counting()
    assert ("functions.yml", "CONFIG002", 3) in found and (built, reused) == (1, 1)
    assert len(session.store.graphs) == 2  # the graphs of src/c.handler and src/b.handler are forgotten


def test_a_deleted_imported_module_builds_the_graphs_again(service, tmp_path):
    (service / "src" / "lib.ts").write_text(LIB.replace("return {", "const prisma = new PrismaClient()\n  return {"))
    session = GraphSession(service, tmp_path)
    found, built, reused = session.lint_counting()
    assert built == 2
    (service / "src" / "lib.ts").unlink()
    found, built, reused = session.lint_counting()
    assert not any(name == "lib.ts" for name, _, _ in found) and (built, reused) == (2, 0)
    assert session.lint_counting()[1:] == (0, 2)


def test_an_edit_of_tsconfig_paths_builds_the_graphs_again(service, tmp_path):
    """The same import, the same files: a `paths` alias that now names another module."""
    (service / "src" / "b.ts").write_text(MODULE_SCOPE.replace("'./lib'", "'@lib'"))
    (service / "src" / "built.ts").write_text(
        "import { PrismaClient } from '@prisma/client'\n\n"
        "export function respond(body) {\n  const prisma = new PrismaClient()\n"
        "  return { statusCode: 200, body: JSON.stringify(body) }\n}\n")
    tsconfig = '{"compilerOptions": {"baseUrl": ".", "paths": {"@lib": ["src/%s"]}}}\n'
    (service / "tsconfig.json").write_text(tsconfig % "lib")
    session = GraphSession(service, tmp_path)
    found, built, _ = session.lint_counting()
    assert ("b.ts", "CLIENT001", 5) not in found and built == 2
    (service / "tsconfig.json").write_text(tsconfig % "built")
    found, built, reused = session.lint_counting()
    assert ("b.ts", "CLIENT001", 5) in found and (built, reused) == (2, 0)


# -- client analyses kept with their graphs (lintkit.analysis.clients, kept_results) ---------------
SHARED_FACTORY = """import { PrismaClient } from './prisma'

export function getDb() {
  return new PrismaClient()
}
"""
USES_FACTORY = """import { getDb } from './db'

export const handler = async () => {
  const db = getDb()
  return db.user.findMany()
}
"""


@pytest.fixture
def factory_service(tmp_path) -> Path:
    """Handlers a and b call getDb() of src/db.ts, which builds `new PrismaClient()` of ./prisma."""
    root = tmp_path / "factory"
    (root / "src").mkdir(parents=True)
    (root / "serverless.yml").write_text(SERVERLESS.replace("${file(./functions.yml)}", FUNCTIONS_INLINE))
    (root / "src" / "db.ts").write_text(SHARED_FACTORY)
    (root / "src" / "prisma.ts").write_text("export { PrismaClient } from '@prisma/client'\n")
    for name in ("a", "b"):
        (root / "src" / f"{name}.ts").write_text(USES_FACTORY)
    return root.resolve()


FUNCTIONS_INLINE = "\n  a:\n    handler: src/a.handler\n  b:\n    handler: src/b.handler"


def client_results(session: Session) -> list:
    return [kept.graph.kept_results.get("clients") for kept in session.store.graphs._kept.values()]


def test_client_analyses_are_kept_with_their_graphs_until_a_shared_module_changes(factory_service):
    session = Session(factory_service)
    assert {("a.ts", "CLIENT001", 3), ("b.ts", "CLIENT001", 3)} <= session.lint()
    kept = client_results(session)
    assert len(kept) == 2 and all(results is not None for results in kept)
    session.texts[factory_service / "serverless.yml"] = SERVERLESS.replace(
        "${file(./functions.yml)}", FUNCTIONS_INLINE) + "# an edit\n"
    assert {("a.ts", "CLIENT001", 3), ("b.ts", "CLIENT001", 3)} <= session.lint()
    assert all(now is before for now, before in zip(client_results(session), kept))

    # the shared module now caches its client: both findings go, both analyses are worked out again
    session.texts[factory_service / "src" / "db.ts"] = SHARED_FACTORY.replace(
        "return new PrismaClient()", "return (globalThis.prisma ??= new PrismaClient())")
    assert not any(code == "CLIENT001" for _, code, _ in session.lint())
    assert not any(now is before for now, before in zip(client_results(session), kept))
    session.texts.pop(factory_service / "src" / "db.ts")
    assert {("a.ts", "CLIENT001", 3), ("b.ts", "CLIENT001", 3)} <= session.lint()


def test_a_kept_client_analysis_notes_what_another_graph_asked_for_the_facts_it_took(factory_service):
    """Whether `./prisma` is the generated client depends on its real path (a symbolic link here)
    and on nothing the graphs ask themselves (CLIENT001 alone: other rules ask it of each graph):
    the analysis of a's graph asks it while working out db.ts's construction, and b's takes that
    fact. Relinked, both are worked out again (without the questions noted, b's kept findings
    would stay)."""
    root = factory_service
    (root / "prisma").mkdir()
    (root / "prisma" / "schema.prisma").write_text(
        'generator client {\n  provider = "prisma-client-js"\n  output   = "../generated"\n}\n')
    (root / "generated").mkdir()
    local_class = "export class PrismaClient {}\n"
    (root / "generated" / "index.ts").write_text(local_class)
    (root / "src" / "local.ts").write_text(local_class)  # the same bytes: the same stored file
    (root / "src" / "prisma.ts").unlink()
    (root / "src" / "prisma.ts").symlink_to(root / "generated" / "index.ts")
    session = Session(root)
    session.settings.select = ["CLIENT001"]
    assert session.lint() == {("a.ts", "CLIENT001", 3), ("b.ts", "CLIENT001", 3)}
    (root / "src" / "prisma.ts").unlink()
    (root / "src" / "prisma.ts").symlink_to(root / "src" / "local.ts")  # a class of its own now
    assert not any(code == "CLIENT001" for _, code, _ in session.lint())


# -- results kept in the store under a key of everything they read (SourceStore.result) -----------
def test_config001_s_verdict_is_kept_while_the_resolved_document_is_the_same(service):
    session, functions = Session(service), service / "functions.yml"
    assert not any(code == "CONFIG001" for _, code, _ in session.lint())
    assert session.store.computed["CONFIG001 verdict"] == 1
    session.texts[service / "serverless.yml"] = SERVERLESS + "# a comment\n"
    session.lint()
    assert session.store.computed["CONFIG001 verdict"] == 1  # new bytes, the same document

    session.texts[functions] = FUNCTIONS.replace("src/a.handler\n", "src/a.handler\n  memorySize: 99999\n")
    assert ("functions.yml", "CONFIG001", 2) in session.lint()
    session.texts[functions] = FUNCTIONS.replace("src/a.handler\n", "src/a.handler\n  memorySize: 1024\n")
    assert not any(code == "CONFIG001" for _, code, _ in session.lint())
    session.texts[service / "serverless.yml"] = SERVERLESS.replace("service: store", "service: 1 store")
    assert ("serverless.yml", "CONFIG001", 0) in session.lint()  # not a valid service name
    assert session.store.computed["CONFIG001 verdict"] == 4


def test_the_strings_of_an_unchanged_yaml_file_are_kept_and_an_edited_one_is_scanned_again(service):
    session, config, functions = Session(service), service / "serverless.yml", service / "functions.yml"
    assert not any(code.startswith("SECRET") for _, code, _ in session.lint())
    computed = session.store.computed
    assert computed[("raw scalars", str(functions))] == computed[("raw scalars", str(config))] == 1
    url = "postgres://app:Zq8vT2mW9xLp@db.example.com/app"
    session.texts[config] = SERVERLESS.replace("${ssm:/store/url}", url)
    assert ("serverless.yml", "SECRET001", 10) in session.lint()
    assert computed[("raw scalars", str(config))] == 2 and computed[("raw scalars", str(functions))] == 1

    session.texts[functions] = FUNCTIONS.replace(
        "src/b.handler\n", "src/b.handler\n  environment:\n    DATABASE_URL: ${opt:url, '%s'}\n" % url)
    found = session.lint()
    assert {("serverless.yml", "SECRET001", 10), ("functions.yml", "SECRET004", 5)} <= found
    session.texts[config] = SERVERLESS
    found = session.lint()
    assert ("functions.yml", "SECRET004", 5) in found and ("serverless.yml", "SECRET001", 10) not in found
    assert computed[("raw scalars", str(config))] == 3 and computed[("raw scalars", str(functions))] == 2

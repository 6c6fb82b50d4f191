"""lintkit.analysis.clients: which client constructions run on every invocation, which are cached, which
`$disconnect()` calls close a shared client, and which module-scope clients are separate pools."""
from pathlib import Path

import pytest

from lintkit.analysis.clients import ClientAnalysis
from lintkit.read.handlers import HandlerGraph
from lintkit.read.sources import SourceCache

PRISMA = "import { PrismaClient } from '@prisma/client'\n"


def analysis(tmp_path: Path, files: dict[str, str], entry: str = "handler.ts",
             generated_dirs=()) -> ClientAnalysis:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    cache = SourceCache()
    graph = HandlerGraph(cache.parse(tmp_path / entry), "handler", cache, None, tmp_path)
    return ClientAnalysis(graph, [tmp_path / d for d in generated_dirs])


def per_invocation(tmp_path, files, **kwargs) -> list[tuple[str, list[str]]]:
    clients = analysis(tmp_path, files, **kwargs)
    return [(built.label, [step.label() for step in chain])
            for built, chain in clients.per_invocation_constructions()]


FLAGGED = {
    "handler body": {"handler.ts": PRISMA + "export const handler = async () => {\n"
                     "  const prisma = new PrismaClient()\n}\n"},
    "unguarded module variable": {"handler.ts": PRISMA + "let prisma: PrismaClient\n"
                                  "export const handler = async () => { prisma = new PrismaClient() }\n"},
    "guard on a local variable": {"handler.ts": PRISMA + "export async function handler() {\n"
                                  "  let c\n  if (!c) c = new PrismaClient()\n}\n"},
    "callback run on the spot": {"handler.ts": PRISMA + "export const handler = async (e) =>\n"
                                 "  e.ids.map(() => new PrismaClient())\n"},
    "require('pg').Pool": {"handler.js": "exports.handler = async () => {\n"
                           "  const pool = new (require('pg').Pool)()\n}\n"},
    "pg namespace destructured": {"handler.ts": "import pg from 'pg'\nconst { Client: PgClient } = pg\n"
                                  "export const handler = async () => { new PgClient() }\n"},
    "mysql2 named createPool": {"handler.ts": "import { createPool } from 'mysql2/promise'\n"
                                "export const handler = async () => { createPool({}) }\n"},
    "adapter": {"handler.ts": "import { PrismaNeon } from '@prisma/adapter-neon'\n"
                "export const handler = async () => { new PrismaNeon({}) }\n"},
    "subclass of PrismaClient": {"handler.ts": PRISMA + "class Db extends PrismaClient {}\n"
                                 "export const handler = async () => { new Db() }\n"},
    "parameter default of a constructor": {"handler.ts": PRISMA + "class Service {\n"
                                           "  constructor(private prisma = new PrismaClient()) {} }\n"
                                           "export const handler = async () => { new Service() }\n"},
    "this in a constructor": {"handler.ts": PRISMA + "class Repo { client?: PrismaClient\n"
                              "  constructor() { this.client ??= new PrismaClient() } }\n"
                              "export const handler = async () => { new Repo() }\n"},
}


@pytest.mark.parametrize("case", FLAGGED)
def test_construction_on_every_invocation_is_found(tmp_path, case):
    files = FLAGGED[case]
    entry = next(iter(files))
    assert per_invocation(tmp_path, files, entry=entry), case


SILENT = {
    "module scope": PRISMA + "const prisma = new PrismaClient()\nexport const handler = async () => prisma\n",
    "lazy module variable": PRISMA + "let client\nexport const handler = async () => {\n"
                            "  if (!client) client = new PrismaClient()\n}\n",
    "early return": PRISMA + "let cached\nfunction get() {\n  if (cached) return cached\n"
                    "  cached = new PrismaClient()\n  return cached\n}\n"
                    "export const handler = async () => get()\n",
    "globalThis ??=": PRISMA + "export const handler = async () => (globalThis.prisma ??= new PrismaClient())\n",
    "global ||": PRISMA + "export const handler = async () => global.prisma || new PrismaClient()\n",
    "global ??": PRISMA + "export const handler = async () => {\n"
                 "  const prisma = global.prisma ?? new PrismaClient()\n}\n",
    "if not globalThis": PRISMA + "export const handler = async () => {\n"
                         "  if (!globalThis.prisma) { globalThis.prisma = new PrismaClient() }\n}\n",
    "memoised promise": PRISMA + "let p\nasync function connect() { return new PrismaClient() }\n"
                        "export function getDb() { return (p ??= connect()) }\n"
                        "export const handler = async () => getDb()\n",
    "if not promise": PRISMA + "let promise = null\nconst init = async () => new PrismaClient()\n"
                      "function db() { if (!promise) promise = init(); return promise }\n"
                      "export const handler = async () => db()\n",
    "cached factory": PRISMA + "function make() { return new PrismaClient() }\n"
                      "function get() { if (!globalThis.prisma) { globalThis.prisma = make() }\n"
                      "  return globalThis.prisma }\nexport const handler = async () => get()\n",
    "map cache": PRISMA + "const clients = new Map()\nexport const handler = async (e) => {\n"
                 "  if (!clients.has(e.tenant)) clients.set(e.tenant, new PrismaClient())\n}\n",
    "reconnect in catch": PRISMA + "let prisma = new PrismaClient()\nexport const handler = async () => {\n"
                          "  try { await prisma.$connect() } catch { prisma = new PrismaClient() }\n}\n",
    "nested function never called": PRISMA + "export const handler = async () => {\n"
                                    "  function unused() { return new PrismaClient() }\n}\n",
    "shutdown listener": PRISMA + "export const handler = async () => {\n"
                         "  process.once('SIGTERM', () => new PrismaClient())\n}\n",
    "memoiser callback": PRISMA + "import memoize from 'lodash/memoize'\n"
                         "const getDb = memoize(() => new PrismaClient())\n"
                         "export const handler = async () => getDb()\n",
    "class named Pool that is not pg": "class Pool {}\nexport const handler = async () => new Pool()\n",
    "Client from another package": "import { Client } from '@elastic/elasticsearch'\n"
                                    "export const handler = async () => new Client({})\n",
    "repository at module scope": PRISMA + "class Repo { prisma = new PrismaClient() }\n"
                                  "const repo = new Repo()\nexport const handler = async () => repo\n",
    "static method": PRISMA + "class Db { static client\n"
                     "  static get() { return (this.client ??= new PrismaClient()) } }\n"
                     "export const handler = async () => Db.get()\n",
}


@pytest.mark.parametrize("case", SILENT)
def test_cached_or_module_scope_construction_is_not_per_invocation(tmp_path, case):
    assert per_invocation(tmp_path, {"handler.ts": SILENT[case]}) == [], case


def test_chain_names_each_call_across_files(tmp_path):
    found = per_invocation(tmp_path, {
        "handler.ts": "import { Repo } from './repo'\nexport const handler = async () => new Repo().all()\n",
        "repo.ts": "import { open } from './db'\nexport class Repo { db = open() ; all() {} }\n",
        "db.js": "const { PrismaClient } = require('@prisma/client')\n"
                 "module.exports.open = () => new PrismaClient()\n",
    })
    assert found == [("new PrismaClient()", ["new Repo()", "open()"])]


def test_client_class_followed_through_local_reexports(tmp_path):
    found = per_invocation(tmp_path, {
        "handler.ts": "import { PrismaClient, Pool } from './lib'\n"
                      "export const handler = async () => { new PrismaClient(); new Pool() }\n",
        "lib/index.ts": "export { PrismaClient } from '@prisma/client'\nexport * from './pg'\n",
        "lib/pg.ts": "import { Pool } from 'pg'\nexport { Pool }\n",
    })
    assert [label for label, _ in found] == ["new PrismaClient()", "new Pool()"]


def test_generated_client_in_schema_output_is_prisma_even_before_generation(tmp_path):
    files = {"handler.ts": "import { PrismaClient } from './db/client'\n"
                           "export const handler = async () => new PrismaClient()\n"}
    assert per_invocation(tmp_path, files, generated_dirs=["db"]) == [("new PrismaClient()", [])]
    assert per_invocation(tmp_path, files) == []


@pytest.mark.parametrize("source, expected", [
    (PRISMA + "const prisma = new PrismaClient()\n"
     "export const handler = async () => { try {} finally { await prisma.$disconnect() } }\n",
     ["prisma.$disconnect()"]),
    (PRISMA + "function get() { return (globalThis.prisma ??= new PrismaClient()) }\n"
     "export const handler = async () => { const p = get(); await p.$disconnect() }\n",
     ["p.$disconnect()"]),
    (PRISMA + "export const handler = async () => {\n"
     "  const p = new PrismaClient(); await p.$disconnect() }\n", []),
    ("import { Pool } from 'pg'\nconst pool = new Pool()\n"
     "export const handler = async (e, res) => { res.end(); await pool.end() }\n",
     ["pool.end()"]),
    (PRISMA + "export const handler = async (e, prisma) => { await prisma.$disconnect() }\n", []),
])
def test_disconnect_of_a_shared_client(tmp_path, source, expected):
    clients = analysis(tmp_path, {"handler.ts": source})
    assert [d.label for d in clients.per_invocation_disconnects()] == expected


def test_disconnect_of_an_imported_module_client(tmp_path):
    clients = analysis(tmp_path, {
        "handler.ts": "import { prisma } from './db'\n"
                      "export const handler = async () => { await prisma.$disconnect() }\n",
        "db.ts": PRISMA + "const g = globalThis as unknown as { prisma?: PrismaClient }\n"
                 "export const prisma = g.prisma ?? new PrismaClient()\n",
    })
    assert [d.label for d in clients.per_invocation_disconnects()] == ["prisma.$disconnect()"]


def test_module_scope_clients_merge_adapters_and_global_slots(tmp_path):
    clients = analysis(tmp_path, {
        "handler.ts": "import './a'\nimport './b'\nimport './c'\nexport const handler = async () => 1\n",
        "a.ts": PRISMA + "import { PrismaPg } from '@prisma/adapter-pg'\nimport { pool } from './pool'\n"
                "export const prisma = new PrismaClient({ adapter: new PrismaPg(pool) })\n",
        "pool.ts": "import { Pool } from 'pg'\nexport const pool = new Pool()\n",
        "b.ts": PRISMA + "globalThis.prisma ??= new PrismaClient()\n",
        "c.ts": PRISMA + "const g = globalThis as any\nif (!g.prisma) g.prisma = new PrismaClient()\n",
    })
    found = sorted((c.file.path.name, c.label) for c in clients.module_scope_clients())
    assert found == [("a.ts", "new PrismaClient()"), ("b.ts", "new PrismaClient()")]


def test_module_scope_clients_in_exclusive_branches_are_one(tmp_path):
    clients = analysis(tmp_path, {
        "handler.ts": PRISMA + "let prisma: PrismaClient\n"
                      "if (process.env.NODE_ENV === 'production') {\n  prisma = new PrismaClient()\n"
                      "} else {\n  if (!global.prisma) global.prisma = new PrismaClient()\n"
                      "  prisma = global.prisma\n}\n"
                      "const replica = process.env.REPLICA ? new PrismaClient() : undefined\n"
                      "export const handler = async () => prisma\n",
    })
    assert [c.span.line for c in clients.module_scope_clients()] == [4, 9]

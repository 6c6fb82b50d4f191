"""The calls real handlers make (issue 11, item 4): functions passed as arguments, objects that build
clients through several classes, handlers wrapped by middleware, the request handlers of Express,
Koa and Fastify apps served by serverless-http and its kin. Each case is a small project; the
assertion is which client constructions run on every invocation, with the calls that lead there."""
from pathlib import Path

import pytest

from lintkit.analysis.clients import ClientAnalysis
from lintkit.read.handlers import MAX_BINDINGS, HandlerGraph
from lintkit.read.sources import SourceCache

PRISMA = "import { PrismaClient } from '@prisma/client'\n"
SERVERLESS = "import serverless from 'serverless-http'\n"


def graph(tmp_path: Path, files: dict[str, str], entry: str | None = None) -> HandlerGraph:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    cache = SourceCache()
    return HandlerGraph(cache.parse(tmp_path / (entry or next(iter(files)))), "handler", cache,
                        None, tmp_path)


def per_invocation(tmp_path, files) -> list[tuple[str, int, list[str]]]:
    """(file, line, labels of the chain) of each construction run on every invocation."""
    clients = ClientAnalysis(graph(tmp_path, files))
    return [(built.file.path.name, built.span.line, [step.label() for step in chain])
            for built, chain in clients.per_invocation_constructions()]


# -- functions passed as arguments -----------------------------------------------------------------
def test_a_function_passed_as_an_argument_runs_where_the_callee_calls_it(tmp_path):
    found = per_invocation(tmp_path, {
        "handler.ts": "import { processAPI } from './api'\nimport { AuthController } from './auth'\n"
                      "export const handler = (e, c) => processAPI(e, c, AuthController.login)\n",
        "api.ts": "export async function processAPI(event, context, fn) {\n"
                  "  try { return await fn(event) } catch (error) { return { statusCode: 500 } }\n}\n",
        "auth.ts": PRISMA + "export class AuthController {\n"
                   "  static async login(event) {\n    const prisma = new PrismaClient()\n  }\n}\n",
    })
    assert found == [("auth.ts", 4, ["processAPI()", "AuthController.login()"])]


def test_a_bound_function_handed_on_stays_bound(tmp_path):
    found = per_invocation(tmp_path, {
        "handler.ts": PRISMA + "const login = async () => new PrismaClient()\n"
                      "function run(fn) { return fn() }\nfunction outer(g) { return run(g) }\n"
                      "export const handler = async () => outer(login)\n",
    })
    assert found == [("handler.ts", 2, ["outer()", "run()", "login()"])]


def test_a_function_passed_but_never_called_does_not_run(tmp_path):
    assert per_invocation(tmp_path, {
        "handler.ts": PRISMA + "const listeners = []\nconst connect = () => new PrismaClient()\n"
                      "function register(fn) { listeners.push(fn) }\n"
                      "export const handler = async () => register(connect)\n",
    }) == []


def test_each_binding_is_analysed_and_a_construction_reported_once(tmp_path):
    found = per_invocation(tmp_path, {
        "handler.ts": PRISMA + "const a = async () => 1\nconst b = async () => 2\n"
                      "function run(fn) { const db = new PrismaClient(); return fn(db) }\n"
                      "export const handler = async () => { await run(a); await run(b) }\n",
    })
    assert found == [("handler.ts", 4, ["run()"])]


def test_bindings_of_one_function_are_bounded(tmp_path):
    names = [f"f{i}" for i in range(MAX_BINDINGS + 4)]
    source = "".join(f"const {n} = async () => {i}\n" for i, n in enumerate(names))
    source += "function run(fn) { return fn() }\n"
    source += "export const handler = async () => {\n" + "".join(f"  run({n})\n" for n in names)
    source += "}\n"
    g = graph(tmp_path, {"handler.ts": source})
    runs = [node for file, node, _ in g.per_invocation()
            if node.type == "function_declaration"]
    assert len(runs) == MAX_BINDINGS


def test_callbacks_by_name_to_array_methods_and_promises(tmp_path):
    found = per_invocation(tmp_path, {
        "handler.ts": PRISMA + "function save(item) { return new PrismaClient() }\n"
                      "function report() { return new PrismaClient() }\n"
                      "export const handler = async (e) => {\n"
                      "  await Promise.all(e.items.map(save))\n  return load().then(report)\n}\n",
    })
    assert found == [("handler.ts", 2, ["save()"]), ("handler.ts", 3, ["report()"])]


def test_a_callback_by_name_to_a_listener_does_not_run(tmp_path):
    assert per_invocation(tmp_path, {
        "handler.ts": PRISMA + "function connect() { return new PrismaClient() }\n"
                      "export const handler = async () => { process.once('SIGTERM', connect) }\n",
    }) == []


# -- objects that build clients through several classes ------------------------------------------
@pytest.mark.parametrize("repo", [
    PRISMA + "export default class UserRepository { prisma = new PrismaClient() }\n",
    PRISMA + "export class Repo { constructor(private prisma = new PrismaClient()) {} }\n"
             "export default Repo\n",
])
def test_service_field_builds_a_repository_that_builds_a_client(tmp_path, repo):
    found = per_invocation(tmp_path, {
        "handler.ts": "import { UserService } from './service'\n"
                      "export const handler = async () => new UserService().list()\n",
        "service.ts": "import UserRepository from './repository'\n"
                      "export class UserService { repo = new UserRepository(); list() {} }\n",
        "repository.ts": repo,
    })
    assert [chain for _, _, chain in found] == [["new UserService()", "new UserRepository()"]]


@pytest.mark.parametrize("export", [
    "module.exports = class UserRepository { constructor() { this.prisma = new PrismaClient() } }\n",
    "class UserRepository { constructor() { this.prisma = new PrismaClient() } }\n"
    "module.exports = UserRepository\n",
])
def test_commonjs_module_exports_of_a_class(tmp_path, export):
    found = per_invocation(tmp_path, {
        "handler.js": "const { UserService } = require('./service')\n"
                      "exports.handler = async () => new UserService()\n",
        "service.js": "const UserRepository = require('./repository')\n"
                      "class UserService { constructor() { this.repo = new UserRepository() } }\n"
                      "module.exports = { UserService }\n",
        "repository.js": "const { PrismaClient } = require('@prisma/client')\n" + export,
    })
    assert [chain for _, _, chain in found] == [["new UserService()", "new UserRepository()"]]


def test_services_sharing_a_module_client_build_none(tmp_path):
    assert per_invocation(tmp_path, {
        "handler.ts": "import { UserService } from './service'\n"
                      "export const handler = async () => new UserService().list()\n",
        "service.ts": "import UserRepository from './repository'\n"
                      "export class UserService { repo = new UserRepository(); list() {} }\n",
        "repository.ts": "import { prisma } from './db'\n"
                         "export default class UserRepository { db = prisma }\n",
        "db.ts": PRISMA + "export const prisma = new PrismaClient()\n",
    }) == []


# -- handlers wrapped by middleware ----------------------------------------------------------------
@pytest.mark.parametrize("export", [
    "import middy from '@middy/core'\nimport parser from '@middy/http-json-body-parser'\n"
    "export const handler = middy(base).use(parser())\n",
    "import middy from '@middy/core'\nexport const handler = middy().use(cors()).handler(base)\n",
    "import { withSentry } from '@sentry/serverless'\nexport const handler = withSentry(base)\n",
    "import * as Sentry from '@sentry/serverless'\n"
    "export const handler = Sentry.AWSLambda.wrapHandler(base)\n",
])
def test_middleware_wrappers_of_packages(tmp_path, export):
    found = per_invocation(tmp_path, {
        "handler.ts": PRISMA + "const base = async (event) => { const db = new PrismaClient() }\n"
                      + export,
    })
    assert found == [("handler.ts", 2, [])]


def test_a_wrapper_of_the_service_runs_its_closure_and_the_wrapped_function(tmp_path):
    files = {
        "handler.ts": PRISMA + "import { withErrors } from './wrap'\n"
                      "export const handler = withErrors(async (event, db) => {\n"
                      "  const other = new PrismaClient()\n})\n",
        "wrap.ts": PRISMA + "export const withErrors = (fn) => async (event, context) => {\n"
                   "  const db = new PrismaClient()\n"
                   "  try { return await fn(event, db) } catch { return { statusCode: 500 } }\n}\n",
    }
    assert sorted(per_invocation(tmp_path, files)) == [("handler.ts", 4, []), ("wrap.ts", 3, [])]


def test_a_wrapper_with_its_client_at_module_scope(tmp_path):
    assert per_invocation(tmp_path, {
        "handler.ts": "import { withDb } from './wrap'\n"
                      "export const handler = withDb(async (event, db) => db.user.findMany())\n",
        "wrap.ts": PRISMA + "const prisma = new PrismaClient()\n"
                   "export function withDb(fn) { return (event) => fn(event, prisma) }\n",
    }) == []


# -- web framework apps ------------------------------------------------------------------------------
EXPRESS_APP = ("import express from 'express'\n" + SERVERLESS +
               "import { usersRouter } from './users'\nconst app = express()\n"
               "app.use(express.json())\napp.use('/users', usersRouter)\n"
               "export const handler = serverless(app)\n")


def test_express_routes_of_an_imported_router_run_per_request(tmp_path):
    found = per_invocation(tmp_path, {
        "handler.ts": EXPRESS_APP,
        "users.ts": PRISMA + "import { Router } from 'express'\nexport const usersRouter = Router()\n"
                    "usersRouter.get('/', async (req, res) => {\n"
                    "  const prisma = new PrismaClient()\n  res.json(await prisma.user.findMany())\n})\n"
                    "usersRouter.route('/:id').get(show).delete(remove)\n"
                    "function show(req, res) { new PrismaClient() }\n"
                    "function remove(req, res) {}\n",
    })
    assert found == [("users.ts", 5, []), ("users.ts", 9, [])]


def test_express_setup_and_module_clients_do_not_run_per_request(tmp_path):
    assert per_invocation(tmp_path, {
        "handler.ts": EXPRESS_APP,
        "users.ts": PRISMA + "import express from 'express'\nconst prisma = new PrismaClient()\n"
                    "export const usersRouter = express.Router()\n"
                    "usersRouter.get('/', async (req, res) => res.json(await prisma.user.findMany()))\n"
                    "const unused = express.Router()\n"
                    "unused.get('/', () => new PrismaClient())\n",
    }) == []


def test_routers_built_by_functions_and_wrapped_routes(tmp_path):
    found = per_invocation(tmp_path, {
        "handler.ts": "const express = require('express')\nconst serverless = require('serverless-http')\n"
                      "const { getRouter } = require('./routes')\nconst app = express()\n"
                      "app.use('/', getRouter())\nmodule.exports.handler = serverless(app, {})\n",
        "routes.js": "const { Router } = require('express')\nconst { PrismaClient } = require('@prisma/client')\n"
                     "const Wrapper = (cb) => async (req, res, next) => {\n"
                     "  try { await cb(req, res, next) } catch (e) { next(e) }\n}\n"
                     "function getRouter() {\n  const router = Router()\n"
                     "  router.get('/', Wrapper(async (req, res) => {\n"
                     "    const prisma = new PrismaClient()\n  }))\n  return router\n}\n"
                     "module.exports = { getRouter }\n",
    }, )
    assert found == [("routes.js", 9, [])]


@pytest.mark.parametrize("adapter", [
    "import serverlessExpress from '@vendia/serverless-express'\n"
    "export const handler = serverlessExpress({ app })\n",
    "import serverlessExpress from '@codegenie/serverless-express'\n"
    "let cached\nexport const handler = async (event, context) => {\n"
    "  cached ??= serverlessExpress({ app: app })\n  return cached(event, context)\n}\n",
    "import { createServer, proxy } from 'aws-serverless-express'\nconst server = createServer(app)\n"
    "export const handler = (event, context) => proxy(server, event, context, 'PROMISE').promise\n",
    SERVERLESS + "const serve = serverless(app)\n"
    "export const handler = async (event, context) => serve(event, context)\n",
])
def test_express_adapters(tmp_path, adapter):
    found = per_invocation(tmp_path, {
        "handler.ts": PRISMA + "import express from 'express'\nconst app = express()\n"
                      "app.post('/users', (req, res) => { new PrismaClient() })\n" + adapter,
    })
    assert [(name, line) for name, line, _ in found] == [("handler.ts", 4)]


def test_koa_middleware_and_router(tmp_path):
    found = per_invocation(tmp_path, {
        "handler.ts": PRISMA + SERVERLESS + "import Koa from 'koa'\nimport Router from '@koa/router'\n"
                      "const app = new Koa()\nconst router = new Router()\n"
                      "router.get('/users', async (ctx) => { ctx.body = new PrismaClient() })\n"
                      "app.use(async (ctx, next) => { new PrismaClient(); await next() })\n"
                      "app.use(router.routes()).use(router.allowedMethods())\n"
                      "export const handler = serverless(app)\n",
    })
    assert sorted(line for _, line, _ in found) == [7, 8]


def test_fastify_routes(tmp_path):
    found = per_invocation(tmp_path, {
        "handler.ts": PRISMA + "import Fastify from 'fastify'\nimport awsLambdaFastify from '@fastify/aws-lambda'\n"
                      "const app = Fastify({ logger: true })\n"
                      "app.get('/a', async () => new PrismaClient())\n"
                      "app.route({ method: 'GET', url: '/b', handler: async () => new PrismaClient() })\n"
                      "app.register(async (instance) => { instance.get('/c', async () => 1) })\n"
                      "export const handler = awsLambdaFastify(app)\n",
    })
    assert sorted(line for _, line, _ in found) == [5, 6]


def test_an_app_that_is_a_parameter_or_unknown_says_nothing(tmp_path):
    assert per_invocation(tmp_path, {
        "handler.ts": PRISMA + SERVERLESS + "import { makeApp } from 'some-framework'\n"
                      "const app = makeApp()\napp.get('/', () => new PrismaClient())\n"
                      "export const handler = serverless(app)\n",
    }) == []


# -- NestJS ----------------------------------------------------------------------------------------
NEST_MODULE = ("import { Module } from '@nestjs/common'\nimport { PrismaService } from './prisma.service'\n"
               "import { UsersService } from './users.service'\n"
               "import { UsersController } from './users.controller'\n"
               "@Module({ providers: [PrismaService, UsersService], controllers: [UsersController] })\n"
               "export class AppModule {}\n")
NEST_CONTROLLER = ("import { Controller } from '@nestjs/common'\nimport { UsersService } from './users.service'\n"
                   "@Controller('users')\n"
                   "export class UsersController { constructor(private readonly users: UsersService) {} }\n")
NEST_SERVICE = ("import { Injectable } from '@nestjs/common'\nimport { PrismaService } from './prisma.service'\n"
                "@Injectable()\nexport class UsersService { constructor(private prisma: PrismaService) {} }\n")
SINGLETON_PRISMA = (PRISMA + "import { Injectable } from '@nestjs/common'\n"
                    "@Injectable()\nexport class PrismaService extends PrismaClient {}\n")
CACHED_BOOTSTRAP = ("import { NestFactory } from '@nestjs/core'\n"
                    "import serverlessExpress from '@codegenie/serverless-express'\n"
                    "import { AppModule } from './app.module'\nlet server\n"
                    "async function bootstrap() {\n  const app = await NestFactory.create(AppModule)\n"
                    "  await app.init()\n"
                    "  return serverlessExpress({ app: app.getHttpAdapter().getInstance() })\n}\n"
                    "export const handler = async (event, context) => {\n"
                    "  server ??= await bootstrap()\n  return server(event, context)\n}\n")


def nest_project(bootstrap: str, **overrides) -> dict[str, str]:
    files = {"handler.ts": bootstrap, "app.module.ts": NEST_MODULE,
             "users.controller.ts": NEST_CONTROLLER, "users.service.ts": NEST_SERVICE,
             "prisma.service.ts": SINGLETON_PRISMA}
    files.update({name.replace("_", "."): text for name, text in overrides.items()})
    return files


def test_a_nest_app_created_on_every_invocation_builds_its_providers(tmp_path):
    found = per_invocation(tmp_path, nest_project(
        "import { NestFactory } from '@nestjs/core'\nimport { AppModule } from './app.module'\n"
        "export const handler = async (event) => {\n"
        "  const app = await NestFactory.createApplicationContext(AppModule)\n"
        "  return app.get('UsersService').list(event)\n}\n"))
    assert found == [("prisma.service.ts", 4, ["NestFactory.create() → new PrismaService()"])]


def test_a_cached_nest_app_builds_its_singletons_once(tmp_path):
    assert per_invocation(tmp_path, nest_project(CACHED_BOOTSTRAP, prisma_service_ts=(
        PRISMA + "import { Injectable } from '@nestjs/common'\n@Injectable()\n"
        "export class PrismaService { client: PrismaClient\n"
        "  constructor() { this.client = new PrismaClient() } }\n"))) == []


@pytest.mark.parametrize("provider, line", [
    (PRISMA + "import { Injectable, Scope } from '@nestjs/common'\n"
     "@Injectable({ scope: Scope.REQUEST })\nexport class PrismaService extends PrismaClient {}\n", 4),
    (PRISMA + "import { Injectable, Scope } from '@nestjs/common'\n"
     "@Injectable({ scope: Scope.REQUEST })\n"
     "export class PrismaService { client = new PrismaClient() }\n", 4),
])
def test_a_request_scoped_provider_that_a_controller_needs_is_built_per_request(tmp_path, provider,
                                                                               line):
    found = per_invocation(tmp_path, nest_project(CACHED_BOOTSTRAP, prisma_service_ts=provider))
    assert found == [("prisma.service.ts", line, [])]


def test_request_scope_bubbles_up_to_providers_that_inject_it(tmp_path):
    found = per_invocation(tmp_path, nest_project(
        CACHED_BOOTSTRAP,
        users_service_ts="import { Injectable } from '@nestjs/common'\n" + PRISMA +
        "import { RequestContext } from './request.context'\n@Injectable()\n"
        "export class UsersService { db = new PrismaClient()\n"
        "  constructor(private context: RequestContext) {} }\n",
        request_context_ts="import { Injectable, Scope } from '@nestjs/common'\n"
        "@Injectable({ scope: Scope.REQUEST })\nexport class RequestContext {}\n",
        app_module_ts=NEST_MODULE.replace("providers: [PrismaService, UsersService]",
                                          "providers: [PrismaService, UsersService, RequestContext]")
        .replace("import { Module }", "import { RequestContext } from './request.context'\n"
                 "import { Module }")))
    assert found == [("users.service.ts", 5, [])]


def test_a_request_scoped_provider_no_controller_needs_is_never_built(tmp_path):
    assert per_invocation(tmp_path, nest_project(
        CACHED_BOOTSTRAP, users_service_ts="import { Injectable } from '@nestjs/common'\n"
        "@Injectable()\nexport class UsersService {}\n",
        prisma_service_ts=PRISMA + "import { Injectable, Scope } from '@nestjs/common'\n"
        "@Injectable({ scope: Scope.REQUEST })\nexport class PrismaService extends PrismaClient {}\n")
    ) == []


def test_providers_of_dynamic_modules_are_not_guessed(tmp_path):
    assert per_invocation(tmp_path, nest_project(
        "import { NestFactory } from '@nestjs/core'\nimport { AppModule } from './app.module'\n"
        "export const handler = async () => { await NestFactory.create(AppModule) }\n",
        app_module_ts="import { Module } from '@nestjs/common'\nimport { DbModule } from './db.module'\n"
        "@Module({ imports: [DbModule.forRoot()] })\nexport class AppModule {}\n",
        db_module_ts=PRISMA + "import { Module } from '@nestjs/common'\n@Module({})\n"
        "export class DbModule { static forRoot() { return { module: DbModule, providers: [\n"
        "  { provide: 'DB', useValue: new PrismaClient() }] } } }\n")) == []


@pytest.mark.parametrize("use", [
    "middy(base).use(withDatabase())",
    "middy(base).use([parser(), withDatabase()])",
    "middy().use(withDatabase()).handler(base)",
    "middy(base).before(openDatabase)",
])
def test_middy_middleware_objects_run_on_every_invocation(tmp_path, use):
    found = per_invocation(tmp_path, {
        "handler.ts": "import middy from '@middy/core'\nimport parser from '@middy/http-json-body-parser'\n"
                      "import { withDatabase, openDatabase } from './middleware'\n"
                      "const base = async (event, context) => context.prisma.user.findMany()\n"
                      f"export const handler = {use}\n",
        "middleware.ts": PRISMA + "export const openDatabase = async (request) => {\n"
                         "  request.context.prisma = new PrismaClient()\n}\n"
                         "export const withDatabase = () => ({ before: openDatabase })\n",
    })
    assert found == [("middleware.ts", 3, [])]


def test_middy_middleware_with_a_cached_client(tmp_path):
    assert per_invocation(tmp_path, {
        "handler.ts": "import middy from '@middy/core'\nimport { withDatabase } from './middleware'\n"
                      "export const handler = middy(async () => 1).use(withDatabase())\n",
        "middleware.ts": PRISMA + "let prisma\nexport const withDatabase = () => ({\n"
                         "  before: async (request) => { request.context.prisma = prisma ??= new PrismaClient() },\n"
                         "})\n",
    }) == []


def test_a_router_required_from_a_commonjs_module(tmp_path):
    found = per_invocation(tmp_path, {
        "handler.js": "const express = require('express')\nconst serverless = require('serverless-http')\n"
                      "const app = express()\napp.use('/users', require('./users'))\n"
                      "app.use('/posts', posts)\nconst posts = require('./posts')\n"
                      "module.exports.handler = serverless(app)\n",
        "users.js": "const { PrismaClient } = require('@prisma/client')\nconst router = require('express').Router()\n"
                    "router.get('/', (req, res) => { new PrismaClient() })\nmodule.exports = router\n",
        "posts.js": "const { PrismaClient } = require('@prisma/client')\nconst express = require('express')\n"
                    "const router = express.Router()\nrouter.post('/', (req, res) => { new PrismaClient() })\n"
                    "module.exports = router\n",
    })
    assert sorted(found) == [("posts.js", 4, []), ("users.js", 3, [])]


def test_fastify_plugins_register_routes_on_their_instance(tmp_path):
    found = per_invocation(tmp_path, {
        "handler.ts": "import Fastify from 'fastify'\nimport fp from 'fastify-plugin'\n"
                      "import awsLambdaFastify from '@fastify/aws-lambda'\nimport cors from '@fastify/cors'\n"
                      "import userRoute from './user.route'\nexport const app = Fastify()\n"
                      "app.register(cors, { origin: true })\n"
                      "app.register(userRoute, { prefix: '/users' })\n"
                      "app.register(fp(async (instance) => { instance.addHook('onRequest', async () => 1) }))\n"
                      "export const handler = awsLambdaFastify(app)\n",
        "user.route.ts": PRISMA + "import type { FastifyPluginCallback } from 'fastify'\n"
                         "const userRoute: FastifyPluginCallback = (fastify, _, done) => {\n"
                         "  fastify.withTypeProvider<Zod>().get('/me', {}, async () => new PrismaClient())\n"
                         "  const setup = (other) => other.get('/x', async () => new PrismaClient())\n"
                         "  done()\n}\nexport default userRoute\n",
    })
    assert found == [("user.route.ts", 4, [])]


def test_routes_registered_by_a_function_the_app_is_given_to(tmp_path):
    found = per_invocation(tmp_path, {
        "handler.js": "const express = require('express')\nconst serverless = require('serverless-http')\n"
                      "const registerRoutes = require('./routes')\nconst app = express()\n"
                      "registerRoutes(app)\nmodule.exports.handler = serverless(app)\n",
        "routes.js": "const { PrismaClient } = require('@prisma/client')\n"
                     "module.exports = function (app) {\n"
                     "  app.get('/users', async (req, res) => { new PrismaClient() })\n}\n",
    })
    assert found == [("routes.js", 3, [])]


def test_a_function_given_another_object_registers_nothing(tmp_path):
    assert per_invocation(tmp_path, {
        "handler.ts": PRISMA + SERVERLESS + "import express from 'express'\nconst app = express()\n"
                      "const cache = new Map()\nfunction prime(store) { store.get('/', () => new PrismaClient()) }\n"
                      "prime(cache)\nexport const handler = serverless(app)\n",
    }) == []

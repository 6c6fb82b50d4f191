"""The service model every rule reads: one serverless.yml with its functions, resources and the
files beside it (package.json, schema.prisma, .env, tsconfig.json), all loaded lazily and once."""
from __future__ import annotations

import gc
import os
import weakref
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path

from .diagnostics import Finding
from .fieldclasses import InitVar, field, fieldclass
from .nodes import (Intrinsic, Mapping, Node, Scalar, Sequence, Span, Unknown, intrinsic_name,
                    is_dynamic, nodes_in, path_get, text)

# Settings a function inherits from `provider:` when it does not set them itself.
INHERITED_SETTINGS = ("vpc", "runtime", "timeout", "memorySize", "architecture")

# The same settings on a raw AWS::Lambda::Function resource.
RESOURCE_PROPERTY = {
    "vpc": "VpcConfig",
    "runtime": "Runtime",
    "timeout": "Timeout",
    "memorySize": "MemorySize",
    "architecture": "Architectures",
    "handler": "Handler",
    "role": "Role",
    "reservedConcurrency": "ReservedConcurrentExecutions",
    "environment": "Environment",
}

SOURCE_SUFFIXES = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")
LAMBDA_RESOURCE_TYPES = ("AWS::Lambda::Function", "AWS::Serverless::Function")
SAM_FUNCTION_TYPE = "AWS::Serverless::Function"

# A SAM event's `Type` -> the event kind rules know (serverless.yml's names); others lowercased.
SAM_EVENT_KINDS = {
    "Api": "http", "HttpApi": "httpApi", "SQS": "sqs", "Schedule": "schedule", "ScheduleV2": "schedule",
    "S3": "s3", "SNS": "sns", "DynamoDB": "stream", "Kinesis": "stream", "EventBridgeRule": "eventBridge",
    "CloudWatchEvent": "cloudwatchEvent", "CloudWatchLogs": "cloudwatchLog", "Cognito": "cognitoUserPool",
    "IoTRule": "iot", "MSK": "msk", "SelfManagedKafka": "kafka", "AlexaSkill": "alexaSkill",
}

# The plugin that runs a list of handlers in order: `handler: [auth.check, api.handler]` (or its
# newer `middleware:` key), each entry a handler string or `{then: ..., catch: ...}`.
MIDDLEWARE_PLUGIN = "serverless-middleware"


@fieldclass
class Resource:
    logical_id: str
    key: Scalar
    node: Mapping
    type: str | None

    @property
    def properties(self) -> Mapping | None:
        props = self.node.get("Properties")
        return props if isinstance(props, Mapping) else None


@fieldclass
class Function:
    """A function of the service: an entry of `functions:` or a raw Lambda resource. It refers to
    its service weakly: the service holds its functions, and without a cycle between the two a
    linted service is freed as soon as the engine lets go of it, not at the collector's next full
    pass (which, with the thresholds lintkit runs at, let a monorepo's services pile up)."""

    name: str
    key: Scalar
    node: Mapping
    kind: str  # "function" | "resource"
    owner: InitVar["Service"]
    resource: Resource | None = None

    def __post_init__(self, owner: "Service") -> None:
        self._service = weakref.ref(owner)

    @property
    def service(self) -> "Service":
        return self._service()

    @cached_property
    def is_sam(self) -> bool:
        """An AWS::Serverless::Function of a SAM template: it inherits `Globals.Function` (merged into
        its Properties by the front end), has `Events`, and its code is `CodeUri` + `Handler`."""
        return (self.kind == "resource" and self.resource is not None
                and self.resource.type == SAM_FUNCTION_TYPE and self.service.format == "sam")

    def inherited(self, name: str) -> bool:
        """Whether a property of a SAM function comes from `Globals.Function` (where it is written)."""
        key = self.node.key_node(name) if self.is_sam else None
        globals_ = self.service.sam_globals
        return key is not None and globals_ is not None and globals_.key_node(name) is key

    @cached_property  # asked for by most rules, for every function
    def handler(self) -> Node | None:
        """The handler node; in a serverless-middleware chain, its last entry that is not an
        error handler (`catch:`)."""
        if self.kind == "resource":
            props = self.resource.properties if self.resource else None
            return props.get("Handler") if props else None
        chain = self._middleware_chain()
        if chain is None:
            return self.node.get("handler")
        handlers = [item.get("then") if isinstance(item, Mapping) else item for item in chain.items]
        handlers = [item for item in handlers if item is not None]
        return handlers[-1] if handlers else None

    @cached_property
    def middleware(self) -> list[Node]:
        """The other entries of a serverless-middleware chain, in order (middleware before the
        handler, error handlers): they run on the invocations of the function too."""
        chain = self._middleware_chain()
        if chain is None:
            return []
        entries = []
        for item in chain.items:
            parts = [item.get("then"), item.get("catch")] if isinstance(item, Mapping) else [item]
            entries.extend(part for part in parts if part is not None and part is not self.handler)
        return entries

    def _middleware_chain(self) -> Sequence | None:
        """The list of handlers of the serverless-middleware plugin, when it is listed; without
        it a list-valued `handler:` is a schema error (CONFIG001) and no handler at all."""
        if self.kind != "function" or MIDDLEWARE_PLUGIN not in self.service.plugins:
            return None
        chain = self.node.get("handler")
        if chain is None:
            chain = self.node.get("middleware")
        return chain if isinstance(chain, Sequence) else None

    @property
    def image(self) -> Node | None:
        if self.kind == "resource":
            props = self.resource.properties if self.resource else None
            package_type = text(props.get("PackageType")) if props else None
            return props.get("PackageType") if package_type == "Image" else None
        return self.node.get("image")

    def own_setting(self, name: str) -> tuple[bool, Node | None]:
        """(present, node) for a setting written on the function itself."""
        if self.kind == "resource":
            props = self.resource.properties if self.resource else None
            key = RESOURCE_PROPERTY.get(name, name)
            if props is None or key not in props:
                return False, None
            return True, props.get(key)
        if name not in self.node:
            return False, None
        return True, self.node.get(name)

    def setting(self, name: str) -> Node | None:
        """The effective value: the function's own, else the provider's (raw resources inherit
        nothing)."""
        present, node = self.own_setting(name)
        if present or self.kind == "resource":
            return node
        provider = self.service.provider
        if provider is not None and name in INHERITED_SETTINGS:
            return provider.get(name)
        return None

    @property
    def runtime(self) -> Node | None:
        return self.setting("runtime")

    @cached_property
    def environment(self) -> dict[str, tuple[Scalar, Node]]:
        """Effective environment: provider-level merged key by key with the function's own."""
        merged: dict[str, tuple[Scalar, Node]] = {}
        for env in self._environment_blocks():
            if isinstance(env, Mapping):
                for key, value in env.pairs:
                    merged[str(key.value)] = (key, value)
        return merged

    @property
    def environment_unknown(self) -> bool:
        """True when some environment block is a deploy-time value whose keys cannot be known."""
        return any(env is not None and not isinstance(env, Mapping) and is_dynamic(env)
                   for env in self._environment_blocks())

    def _environment_blocks(self) -> list[Node | None]:
        if self.kind == "resource":
            props = self.resource.properties if self.resource else None
            return [path_get(props, "Environment", "Variables")]
        provider = self.service.provider
        return [provider.get("environment") if provider else None, self.node.get("environment")]

    @property
    def events(self) -> list[tuple[str, Node]]:
        """(kind, settings) of each event: serverless.yml's `events:` entries; a SAM function's
        `Events`, each as the serverless kind of its `Type` with its `Properties`."""
        if self.is_sam:
            return self._sam_events()
        events = self.node.get("events") if self.kind == "function" else None
        found: list[tuple[str, Node]] = []
        if isinstance(events, Sequence):
            for event in events:
                if isinstance(event, Mapping) and event.pairs:
                    key, value = event.pairs[0]
                    found.append((str(key.value), value))
        return found

    def _sam_events(self) -> list[tuple[str, Node]]:
        events = self.node.get("Events")
        found: list[tuple[str, Node]] = []
        for _, event in events.pairs if isinstance(events, Mapping) else ():
            kind = text(event.get("Type")) if isinstance(event, Mapping) else None
            if kind:
                properties = event.get("Properties")
                found.append((SAM_EVENT_KINDS.get(kind, kind.lower()),
                              properties if properties is not None else event))
        return found

    def event_types(self) -> set[str]:
        return {kind for kind, _ in self.events}

    @property
    def location(self) -> Span:
        return self.key.span


@fieldclass
class LoadedConfig:
    """What a config-format front end makes of a service's configuration: the document before and
    after its variables are resolved (None when it could not be loaded), the PARSE findings of
    loading it, the raw roots of the files it included, the code modules it took values from (a
    serverless.ts importing `functions` from `./src/functions/serverless.ts`), and the format's name."""

    format: str
    raw_document: Node | None = None
    document: Mapping | None = None
    findings: list[Finding] = field(default_factory=list)
    includes: dict[Path, Node] = field(default_factory=dict)
    modules: set[Path] = field(default_factory=set)


class Service:
    """One service: its configuration, as a front end loaded it, plus the files around it."""

    def __init__(self, config_path: Path, project_root: Path, loaded: "LoadedConfig",
                 options: dict[str, str] | None = None, sources=None):
        """A service as a config-format front end loaded it (`lintkit.formats.load_service`)."""
        self.config_path = config_path
        self.root = config_path.parent
        self.project_root = project_root
        self.options = options or {}
        self.format = loaded.format
        self.load_findings: list[Finding] = list(loaded.findings)
        self.raw_document: Node | None = loaded.raw_document
        self.raw_includes: dict[Path, Node] = loaded.includes  # path -> raw root of each file included
        self.document: Mapping | None = loaded.document
        self._sources = sources
        self._graphs: dict[int, object] = {}  # id of the function node -> graph
        self._handler_graphs: dict[tuple | int, object] = {}  # (file, export, middleware) -> graph
        self._handler_paths: dict[tuple, object] = {}  # (handler text, layout) -> handlers.HandlerFile
        self._handler_modules: dict[tuple, tuple] = {}  # (module part, layout) -> (file, outside)
        self._code_layouts: dict[Path, tuple] = {}  # a SAM function's package -> (layout, tsconfig)

    @cached_property  # the engine and the secret rules each looked at every node: one walk for all
    def document_nodes(self) -> list[Node]:
        """Every node of the resolved document, in `walk`'s order (a shared subtree each time)."""
        return nodes_in(self.document)

    @cached_property  # asked for by the engine (twice) and the secret scan
    def document_files(self) -> tuple[frozenset[Path], frozenset[Path]]:
        """(files the resolved document's values come from, files its mapping keys come from)."""
        values: set[Path] = set()
        keys: set[Path] = set()
        for node in self.document_nodes:
            values.add(node.span.path)
            if isinstance(node, Mapping):
                keys.update(key.span.path for key, _ in node.pairs)
        return frozenset(values), frozenset(keys)

    @cached_property  # every function's settings fall back to it
    def provider(self) -> Mapping | None:
        provider = self.document.get("provider") if self.document else None
        return provider if isinstance(provider, Mapping) else None

    @property
    def provider_name(self) -> str | None:
        provider = self.document.get("provider") if self.document else None
        if isinstance(provider, Mapping):
            return text(provider.get("name"))
        return text(provider)

    @property
    def is_aws(self) -> bool:
        """Non-AWS providers (azure, google, knative...) are skipped quietly."""
        name = self.provider_name
        return self.document is not None and (name is None or name == "aws")

    @property
    def framework_version(self) -> str | None:
        return text(self.document.get("frameworkVersion")) if self.document else None

    @property
    def plugins(self) -> list[str]:
        plugins = self.document.get("plugins") if self.document else None
        if isinstance(plugins, Mapping):  # the `plugins: {localPath, modules}` form
            plugins = plugins.get("modules")
        if isinstance(plugins, Sequence):
            return [text(p) for p in plugins if text(p)]
        return []

    @property
    def custom(self) -> Mapping | None:
        custom = self.document.get("custom") if self.document else None
        return custom if isinstance(custom, Mapping) else None

    @cached_property
    def resources(self) -> list[Resource]:
        found: list[Resource] = []
        block = self.document.get("resources") if self.document else None
        # `resources:` may be a list of fragments (often `${file(...)}` includes); a SAM template's
        # `Resources` are at its top level.
        fragments = block.items if isinstance(block, Sequence) else [block]
        if self.format == "sam":
            fragments = [self.document]
        for fragment in fragments:
            resources = path_get(fragment, "Resources")
            if not isinstance(resources, Mapping):
                continue
            for key, node in resources.pairs:
                if isinstance(node, Mapping):
                    found.append(Resource(str(key.value), key, node, text(node.get("Type"))))
        return found

    def resources_of_type(self, *types: str) -> list[Resource]:
        return [r for r in self.resources if r.type in types]

    @cached_property
    def sam_globals(self) -> Mapping | None:
        """A SAM template's `Globals.Function` (what its functions inherit), else None."""
        if self.format != "sam":
            return None
        found = path_get(self.document, "Globals", "Function")
        return found if isinstance(found, Mapping) else None

    @cached_property
    def functions(self) -> list[Function]:
        found: list[Function] = []
        block = self.document.get("functions") if self.document else None
        # `functions:` may be a mapping, or a list of mappings (often `${file(...)}` includes).
        blocks = block.items if isinstance(block, Sequence) else [block]
        for part in blocks:
            if not isinstance(part, Mapping):
                continue
            for key, node in part.pairs:
                if isinstance(node, Mapping):
                    found.append(Function(str(key.value), key, node, "function", self))
        for resource in self.resources_of_type(*LAMBDA_RESOURCE_TYPES):
            if resource.properties is not None:
                found.append(Function(resource.logical_id, resource.key, resource.properties,
                                      "resource", self, resource))
        return found

    # -- files beside serverless.yml ---------------------------------------------------------
    @cached_property
    def package_json(self):
        from ..read.packagejson import load_package_json

        return load_package_json(self.root, self.project_root)

    @cached_property
    def prisma_schema(self):
        from ..read.files import is_folder
        from ..read.prisma_schema import find_prisma_schema, parse_prisma_folder, parse_prisma_schema

        path = find_prisma_schema(self.root, self.package_json, self.prisma_config)
        if path is None:
            return None
        return parse_prisma_folder(path) if is_folder(path) else parse_prisma_schema(path)

    @cached_property
    def prisma_config(self):
        """prisma.config.ts (or .js/.mts/..., `.config/prisma.ts`) where the Prisma CLI runs: the
        service folder, else the folder of its package.json."""
        from ..read.prisma_config import load_prisma_config

        package = self.package_json
        folders = [self.root] + ([Path(package.path).parent] if package is not None else [])
        return load_prisma_config(self.sources, *folders)

    @cached_property
    def env_files(self):
        from ..read.dotenv import find_env_files, parse_dotenv

        return [parse_dotenv(path) for path in find_env_files(self.root)]

    @cached_property
    def tsconfig(self):
        from ..read.tsconfig import load_tsconfig

        return load_tsconfig(self.root, self.project_root)

    @cached_property
    def build_layout(self):
        """Where a build writes its output and which sources it compiles (lintkit.read.buildout)."""
        from ..read.buildout import load_build_layout

        package = self.package_json
        scripts = {name: value for name, (value, _) in package.scripts.items()} if package else {}
        return load_build_layout(self.root, self.tsconfig, scripts, self.plugins,
                                 self.config_path.name, self.project_root)

    @property
    def sources(self):
        if self._sources is None:
            from ..read.sources import SourceCache

            self._sources = SourceCache()
        return self._sources

    # -- handler graphs ----------------------------------------------------------------------
    def handler_path(self, function: Function):
        """(path or None, export name) for a `functions:` entry's handler; (None, None) when the
        handler is missing or not a literal."""
        if function.is_sam:
            return self._sam_handler(function)
        if function.kind != "function":
            return None, None
        return self._resolved_handler(function.handler)

    def sam_handler_text(self, function: Function) -> str | None:
        """The handler of a SAM function as a path from the template's folder, the way
        serverless.yml writes one: `CodeUri: src/` + `Handler: app.handler` is `src/app.handler`;
        with `Metadata.BuildMethod: esbuild`, the entry point the handler's module is built from
        (`EntryPoints: [handlers/app.ts]` gives `src/handlers/app.handler`). None for inline code, an image, a handler or CodeUri that
        is not a literal, or code in S3."""
        handler = text(function.handler)
        if function.image is not None or not handler or "." not in handler \
                or self.inline_code(function) is not None:
            return None
        code_uri = function.node.get("CodeUri")
        folder = text(code_uri) if code_uri is not None else "."
        if not isinstance(folder, str) or folder.startswith("s3://") or "${" in folder:
            return None
        if not code_inside(self.root, folder, self.project_root):
            return None  # PARSE005 says so at the CodeUri
        from ..read.handlers import split_handler

        module, export = split_handler(handler)
        entry = sam_entry_point(function.resource, module)
        if entry is not None and Path(entry).suffix in SOURCE_SUFFIXES:
            entry = entry[: -len(Path(entry).suffix)]  # `app.ts` → `app`: the handler names a module
        prefix = "" if folder.strip("/") in ("", ".") else folder.rstrip("/") + "/"
        return f"{prefix}{entry or module}.{export}"

    def _sam_handler(self, function: Function) -> tuple[Path | None, str | None]:
        handler = self.sam_handler_text(function)
        if handler is None:
            return None, None
        return self._resolved(handler, self._code_package(function)[0])

    def _code_package(self, function: Function) -> tuple[object, object]:
        """(build layout, tsconfig) of a SAM function's own package: the package.json nearest above
        its `CodeUri` folder (`src/handlers/users/` with a build into `dist/` and its own
        tsconfig paths), below the template's folder; the template folder's otherwise."""
        from ..read.packagejson import find_package_json

        code_uri = text(function.node.get("CodeUri"))
        package = find_package_json(self.root / code_uri, self.root) if isinstance(code_uri, str) else None
        folder = package.parent if package is not None else self.root
        if folder == self.root:
            return self.build_layout, self.tsconfig
        if folder not in self._code_layouts:
            from ..read.buildout import load_build_layout
            from ..read.packagejson import parse_package_json
            from ..read.tsconfig import load_tsconfig

            parsed = parse_package_json(package)
            scripts = {name: value for name, (value, _) in parsed.scripts.items()} if parsed else {}
            tsconfig = load_tsconfig(folder, self.project_root)
            self._code_layouts[folder] = (load_build_layout(
                folder, tsconfig, scripts, [], self.config_path.name, self.project_root), tsconfig)
        return self._code_layouts[folder]

    def middleware_paths(self, function: Function) -> list[tuple[Path | None, str | None]]:
        """(path or None, export name) for each middleware entry of a function (see
        `Function.middleware`), as `handler_path` gives them."""
        return [self._resolved_handler(entry) for entry in function.middleware]

    def handler_outside_project(self, node: Node | None) -> str | None:
        """The file a handler (or middleware) entry names when it exists but lies outside the
        project, as probed from the service folder (`../../lib/x.js`); None otherwise."""
        location = self._location(text(node))
        return location.outside if location is not None else None

    def _resolved_handler(self, node: Node | None) -> tuple[Path | None, str | None]:
        location = self._location(text(node))
        return (location.path, location.export) if location is not None else (None, None)

    def _resolved(self, handler: str | None, layout=None) -> tuple[Path | None, str | None]:
        location = self._location(handler, layout)
        return (location.path, location.export) if location is not None else (None, None)

    def _location(self, handler: str | None, layout=None):
        """Where a handler string leads (handlers.HandlerFile), found with `layout` (a SAM
        function's own package) or the service's build layout; None for no literal handler."""
        if not isinstance(handler, str) or not handler or "${" in handler:
            return None
        layout = self.build_layout if layout is None else layout
        key = (handler, id(layout))  # layouts live as long as the service
        if key not in self._handler_paths:
            from ..read.handlers import HandlerFile, handler_readings, locate_module

            found = None
            for module, export in handler_readings(handler):
                if not export or not module:
                    found = HandlerFile(None, export)
                    break
                if (module, id(layout)) not in self._handler_modules:  # a dozen stats: once a module
                    self._handler_modules[module, id(layout)] = locate_module(
                        self.root, module, self.project_root, layout, self.sources.real_path)
                path, outside = self._handler_modules[module, id(layout)]
                if path is not None:
                    found = HandlerFile(path, export)
                    break
                if found is None or (found.outside is None and outside is not None):
                    found = HandlerFile(None, export, outside)
            self._handler_paths[key] = found
        return self._handler_paths[key]

    def unfollowed(self, function: Function) -> str | None:
        """Why a function's code cannot be followed although a build step could produce it: its
        handler, or the module its handler file re-exports, is build output whose source was not
        found. None otherwise (a missing handler with nothing to build it is CONFIG002's error)."""
        layout = self.build_layout
        if function.kind != "function" or layout.build_step is None:
            return None
        path, export = self.handler_path(function)
        handler = text(function.handler)
        if path is None:
            module = handler.rsplit(".", 1)[0] if handler and "." in handler else ""
            if not module or "${" in handler:
                return None
            for folder in (self.root, *layout.deploy_dirs):  # deployed from where it is copied to
                if layout.output_of(folder / module) is not None:
                    return _unfollowed_message(self.root, layout, f"its handler `{handler}`",
                                               folder / module)
            return None
        graph = self.graph(function, followed_only=False)
        if graph is None or graph.export_found or not graph.missing_output:
            return None
        file, imp, base = graph.missing_output[0]
        return _unfollowed_message(self.root, layout, f"{_relative(file.path, self.root)} hands its "
                                   f"exports on to `{imp.module}`, which", base)

    def graph(self, function: Function, followed_only: bool = True):
        """The handler graph of a function (cached), or None when its code cannot be found, or
        when its handler file hands the export on to build output whose source was not found
        (`followed_only=False` gives that graph too). Functions naming the same handler share one
        graph, and so every analysis of it."""
        node = id(function.node)
        if node not in self._graphs:
            path, export = self.handler_path(function)
            key = (path, export, *self.middleware_paths(function)) if path is not None else node
            if key not in self._handler_graphs:
                self._handler_graphs[key] = self._build_graph(function)
            self._graphs[node] = self._handler_graphs[key]
        graph = self._graphs[node]
        if followed_only and graph is not None and graph.missing_output and not graph.export_found:
            return None
        return graph

    def _build_graph(self, function: Function):
        from ..read.keptgraphs import build_handler_graph

        if function.kind == "resource" and (not function.is_sam or self.inline_code(function) is not None):
            return self._inline_graph(function)
        path, export = self.handler_path(function)
        if path is None:
            return None
        middleware = [(path, name) for path, name in self.middleware_paths(function) if path is not None]
        store = getattr(self.sources, "store", None)  # the language server's, kept between lints
        build = store.graphs.graph if store is not None else build_handler_graph
        layout, tsconfig = self._code_package(function) if function.is_sam else (self.build_layout,
                                                                                 self.tsconfig)
        return build(self.sources, path, export, middleware, tsconfig, self.project_root, layout)

    def _inline_graph(self, function: Function):
        from ..read.handlers import HandlerGraph, source_from_block_scalar

        code = self.inline_code(function)
        if code is None:
            return None
        handler = text(function.handler) or "index.handler"
        export = handler.rsplit(".", 1)[-1]
        entry = source_from_block_scalar(self.sources, code)
        if self.sources.too_deep(entry):
            return None  # PARSE004 says it is not analysed
        return HandlerGraph(entry, export, self.sources, self.tsconfig, self.project_root)

    def inline_code(self, function: Function) -> Scalar | None:
        """The `Code.ZipFile` source of a raw Lambda resource (a SAM function's `InlineCode`), also
        under `!Sub`."""
        if function.kind != "resource":
            return None
        if function.is_sam:
            code = function.node.get("InlineCode")
        else:
            code = path_get(function.node, "Code", "ZipFile")
        if intrinsic_name(code) == "Fn::Sub":
            code = code.value if isinstance(code, Intrinsic) else code.get("Fn::Sub")
            if isinstance(code, Sequence) and code.items:  # !Sub [template, {variables}]
                code = code.items[0]
        return code if isinstance(code, Scalar) and isinstance(code.value, str) else None


def code_inside(template_folder: Path, code_uri: str, project_root: Path) -> bool:
    """A literal SAM `CodeUri` folder lies inside the project (S3 locations and variables count as
    inside: they are not read)."""
    if code_uri.startswith("s3://") or "${" in code_uri:
        return True
    folder = Path(os.path.normpath(Path(template_folder) / code_uri))
    return folder.is_relative_to(os.path.normpath(project_root))


def sam_entry_point(resource: Resource | None, module: str) -> str | None:
    """The `Metadata.BuildProperties.EntryPoints` entry an esbuild-built SAM function's handler
    module is built from: the one of the module's name (esbuild names each output after its entry),
    else the only one."""
    metadata = resource.node.get("Metadata") if resource is not None else None
    if text(path_get(metadata, "BuildMethod")) != "esbuild":
        return None
    entries = path_get(metadata, "BuildProperties", "EntryPoints")
    names = [text(entry) for entry in entries.items] if isinstance(entries, Sequence) else []
    names = [name for name in names if isinstance(name, str) and name]
    stem = module.rsplit("/", 1)[-1]
    named = [name for name in names if Path(name).stem == stem]
    if named:
        return named[0].removeprefix("./")
    return names[0].removeprefix("./") if len(names) == 1 else None


def _relative(path: Path, root: Path) -> str:
    path = Path(path)
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name


def _unfollowed_message(root: Path, layout, what: str, base: Path) -> str:
    output = layout.output_of(base)
    origin = f" ({output.origin})" if output.origin else ""
    expected = " or ".join(f"`{_relative(source, root)}`" for source in layout.expected_sources(base))
    return (f"{what} is build output in `{_relative(output.path, root)}/`{origin} that "
            f"{layout.build_step} may produce, but no source for it was found"
            + (f" at {expected}" if expected else ""))


@contextmanager
def long_lived_objects():
    """Makes objects that live as long as the service and hold no cycles (its nodes): the cyclic
    collector is paused while they are built and does not walk them afterwards. On a service of
    10,000 functions, walking them again and again was a third of the run."""
    enabled = gc.isenabled()
    gc.unfreeze()  # what earlier services left behind is collected as before
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def is_unknown(node: Node | None) -> bool:
    return isinstance(node, Unknown) or is_dynamic(node)

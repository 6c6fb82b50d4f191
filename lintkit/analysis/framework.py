"""Which Serverless Framework runs the service, and what v4's built-in esbuild does with it.

The flavour is "serverless" (the Serverless, Inc. framework), "osls" (the open-source v3 fork) or
"unknown"; the majors are the ones both `frameworkVersion` and package.json's `serverless`/`osls`
dependency allow. Serverless refuses to run when its version does not satisfy `frameworkVersion`,
so the two narrow each other; when they leave no major in common, lintkit does not know which one
runs and says "unknown".

v4's esbuild (packages/serverless/lib/plugins/esbuild/index.js, `_shouldBuildFunction`) builds a
function unless `build.esbuild` is `false`, the function is an image or has a `package.artifact`
(or the service one, not packed individually), or its written runtime (the function's, else
`provider.runtime`; the framework's default is applied only later, when functions are compiled) is
not `nodejs*`. With neither a function `build` nor a service `build` it builds TypeScript handlers
only (`.ts .cts .mts .tsx`, the first existing of `.js .ts .cjs .mjs .cts .mts .jsx .tsx`); a
function `build: esbuild` builds it, any other function `build` does not; a service `build: esbuild`
or a truthy `build.esbuild` builds every Node.js function, JavaScript ones too.
"""
from __future__ import annotations

import weakref

from ..model.fieldclasses import fieldclass
from ..model.nodes import Mapping, Node, Scalar, Sequence, is_dynamic, path_get, text
from ..read.handlers import path_exists, split_handler
from ..read.packagejson import allowed_majors

KNOWN_MAJORS = (1, 2, 3, 4)
FLAVOUR_PACKAGES = {"serverless": "serverless", "osls": "osls"}
HANDLER_EXTENSIONS = (".js", ".ts", ".cjs", ".mjs", ".cts", ".mts", ".jsx", ".tsx")
TYPESCRIPT_EXTENSIONS = (".ts", ".cts", ".mts", ".tsx")
_FRAMEWORKS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
BUNDLER_PLUGINS = ("serverless-esbuild", "serverless-plugin-typescript", "serverless-webpack",
                   "serverless-bundle")  # plugin-manager.js `typescriptPlugins`


@fieldclass(frozen=True)
class Framework:
    flavour: str  # "serverless", "osls" or "unknown"
    majors: frozenset[int] | None  # the majors that may run the service; None: nothing says
    source: str  # what said so, for messages: "frameworkVersion '4'", "package.json serverless ^4"

    @property
    def is_v4(self) -> bool:
        return self.flavour == "serverless" and self.majors == frozenset({4})


def framework(service) -> Framework:
    """Asked per function by several rules: worked out once per service."""
    if service not in _FRAMEWORKS:
        _FRAMEWORKS[service] = _framework(service)
    return _FRAMEWORKS[service]


def _framework(service) -> Framework:
    declared = service.framework_version
    from_config = allowed_majors(declared, KNOWN_MAJORS) if declared else None
    flavour, spec = _installed(service)
    from_package = allowed_majors(spec, KNOWN_MAJORS) if spec else None
    sources = []
    if from_config is not None:
        sources.append(f"frameworkVersion '{declared}'")
    if from_package is not None:
        sources.append(f"package.json {flavour} {spec}")
    if from_config is not None and from_package is not None:
        majors = from_config & from_package or None  # they disagree: nothing certain
    else:
        majors = from_config if from_config is not None else from_package
    if flavour == "not installed" and majors is not None:
        flavour = "serverless"  # `frameworkVersion` alone (a global install): the usual framework
    elif flavour == "not installed":
        flavour = "unknown"
    return Framework(flavour, majors or None, " and ".join(sources))


def _installed(service) -> tuple[str, str | None]:
    """(flavour, version range) of the framework package.json installs; ("not installed", None)
    when it installs none, ("unknown", None) when it installs both."""
    package = service.package_json
    if package is None:
        return "not installed", None
    found = [(flavour, package.dependency(name)) for flavour, name in FLAVOUR_PACKAGES.items()]
    found = [(flavour, located[0]) for flavour, located in found if located is not None]
    if not found:
        return "not installed", None
    if len(found) > 1:
        return "unknown", None  # which binary runs depends on the command line
    return found[0]


def frameworkversion_node(service) -> Node | None:
    return service.document.get("frameworkVersion") if service.document else None


# -- v4's built-in esbuild -------------------------------------------------------------------------
def build_esbuild(service) -> Node | None:
    """The `build.esbuild` value."""
    return path_get(service.document, "build", "esbuild")


def builtin_build_key(service) -> Node | None:
    """Where a fix to v4's built-in build is written: the `esbuild` key under `build`, else the
    `build` key, else `frameworkVersion` (what makes v4 build at all)."""
    build = service.document.get("build")
    if isinstance(build, Mapping) and build.key_node("esbuild") is not None:
        return build.key_node("esbuild")
    return service.document.key_node("build") or frameworkversion_node(service)


def esbuild_disabled(service) -> bool | None:
    """`build.esbuild: false` (the boolean; the framework compares with `!== false`); None when the
    value is a deploy-time variable."""
    node = build_esbuild(service)
    if is_dynamic(node) or is_dynamic(path_get(service.document, "build")):
        return None
    return isinstance(node, Scalar) and node.value is False


def builtin_builds(service, function) -> bool | None:
    """v4's esbuild builds the function (see the module docstring); None when a setting it depends
    on is a deploy-time value."""
    if function.kind != "function" or function.image is not None:
        return False
    disabled = esbuild_disabled(service)
    if disabled is not False:
        return None if disabled is None else False
    if path_get(function.node, "package", "artifact") is not None:
        return False
    individually = text(path_get(function.node, "package", "individually")) == "true"
    if not individually and path_get(service.document, "package", "artifact") is not None:
        return False
    runtime = function.runtime
    if is_dynamic(runtime):
        return None
    if not (text(runtime) or "").startswith("nodejs"):
        return False
    own_build = function.node.get("build")
    service_build = service.document.get("build")
    if is_dynamic(own_build) or is_dynamic(service_build):
        return None
    if _unset(own_build) and _unset(service_build):
        return handler_extension(service, function) in TYPESCRIPT_EXTENSIONS
    if not _unset(own_build):
        return text(own_build) == "esbuild"
    return text(service_build) == "esbuild" or _truthy(build_esbuild(service))


def _unset(node: Node | None) -> bool:
    return node is None or (isinstance(node, Scalar) and node.value is None)


def _truthy(node: Node | None) -> bool:
    if isinstance(node, Scalar):
        return node.value not in (None, False, "", 0)
    return node is not None  # a mapping or a list, even an empty one


def handler_extension(service, function) -> str | None:
    handler = text(function.handler)
    if not handler:
        return None
    module, _ = split_handler(handler)
    base = str(service.root / module)
    return next((extension for extension in HANDLER_EXTENSIONS if path_exists(base + extension)), None)


def esbuild_list(service, key: str) -> list[str] | None:
    """The literal strings of `build.esbuild.<key>` (external, exclude); None when it is not a
    literal list."""
    node = path_get(build_esbuild(service), key)
    if node is None:
        return []
    if not isinstance(node, Sequence) or any(is_dynamic(item) or text(item) is None for item in node):
        return None
    return [text(item) for item in node]


def esbuild_setting(service, key: str) -> Node | None:
    settings = build_esbuild(service)
    return settings.get(key) if isinstance(settings, Mapping) else None

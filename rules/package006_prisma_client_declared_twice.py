"""`@prisma/client` (or `prisma`) is declared in both `dependencies` and `devDependencies`.

What: the service's package.json lists `@prisma/client` or `prisma` in both `dependencies` and
`devDependencies`, with different ranges or the same one. Reported at the entry to remove:
- `@prisma/client` at its `devDependencies` entry (the client is needed at run time);
- `prisma` (the CLI) at its `devDependencies` entry when a function runs the CLI (see MIGRATE003),
  otherwise at its `dependencies` entry (the CLI is a build tool).
Not flagged: a package in only one of the two, `optionalDependencies` and `peerDependencies`.
The same range in both is flagged too (the issue asked only about different ranges): npm's
treatment of the duplicate below does not depend on the ranges, only the message does.

Why: npm 7 and later keep one edge per name for the project, and the `devDependencies` one wins:
`npm install` installs the devDependencies range and records the package as `"dev": true` in
package-lock.json, so `npm ci --omit=dev` leaves it out and `npm ls --prod` does not list it, and
`npm ls --prod` is how Serverless decides which devDependencies to keep out of the package
(`Cannot find module '@prisma/client'`). serverless-webpack (with `includeModules`) and
serverless-esbuild (for its `external` modules) install the package into the bundle from the
`dependencies` range, so with two ranges the version tested locally is not the one deployed.
The finding is info, as the issue asked: yarn and pnpm, npm 6, a layer or
`excludeDevDependencies: false` change the outcome, and lintkit does not know which installs.

Example:
    "dependencies":    { "@prisma/client": "^2.23.0" },
    "devDependencies": { "@prisma/client": "^2.27.0", "prisma": "^2.27.0" }

Use instead:
    "dependencies":    { "@prisma/client": "^2.27.0" },
    "devDependencies": { "prisma": "^2.27.0" }

References: npm, `@npmcli/arborist` `Node[_loadDeps]` (devDependencies loaded last and preferred,
npm/rfcs#324) and npm/cli#5590; Serverless Framework, "Packaging" (devDependencies are excluded);
serverless-webpack, "includeModules"; Prisma, "Install Prisma Client".
"""
from lintkit.analysis.migrations import cli_runs
from lintkit.analysis.packaging import BUNDLERS, bundler, function_names
from lintkit.model.diagnostics import Finding
from lintkit.model.nodes import Mapping, Sequence, path_get, text
from lintkit.read.packagejson import PRISMA_PACKAGES

CODE = "PACKAGE006"
NAME = "prisma-client-declared-twice"
SEVERITY = "info"
SUMMARY = "@prisma/client or prisma is in both dependencies and devDependencies of package.json."


def check(service, context):
    package = service.package_json
    if package is None:
        return
    for name in PRISMA_PACKAGES:
        if name in package.dependencies and name in package.dev_dependencies:
            yield _finding(service, name, package.dependencies[name],
                           package.dev_dependencies[name])


def _finding(service, name, dependency, dev_dependency) -> Finding:
    (range_, span), (dev_range, dev_span) = dependency, dev_dependency
    both = f"`{name}` is in both `dependencies` and `devDependencies`"
    runners = _cli_runners(service) if name == "prisma" else []
    if name == "prisma" and not runners:
        return Finding.at(span, f"{both}: npm 7 and later install the devDependencies range and "
                          "count it as a dev dependency, and no function runs the Prisma CLI, so "
                          "this `dependencies` entry only misleads: remove it.")
    plugin = bundler(service)
    if range_ != dev_range and _installs_dependencies_range(service, plugin, name):
        why = (f"npm 7 and later install the devDependencies range `{dev_range}` locally, while "
               f"{plugin} packs the `dependencies` range `{range_}`, so the version deployed is "
               "not the one tested")
    elif plugin is not None:
        why = ("npm 7 and later count it as a dev dependency, so `npm ci --omit=dev` leaves it "
               "out")
    else:
        why = ("npm 7 and later count it as a dev dependency (`npm ls --prod` does not list it), "
               "so `npm ci --omit=dev` and Serverless's exclusion of devDependencies leave it out "
               "of the deployment package")
    if runners:
        verb = "runs" if len(runners) == 1 else "run"
        why += f", although {function_names(runners)} {verb} the Prisma CLI"
    return Finding.at(dev_span, f"{both}: {why}; remove this `devDependencies` entry.")


def _installs_dependencies_range(service, plugin: str | None, name: str) -> bool:
    """The bundler installs `name` into the package from the `dependencies` range:
    serverless-webpack with `includeModules`, serverless-esbuild with `name` in `external`."""
    settings = path_get(service.custom, BUNDLERS.get(plugin, ""))
    if plugin == "serverless-webpack":
        include = path_get(settings, "includeModules")
        return isinstance(include, Mapping) or text(include) == "true"
    if plugin == "serverless-esbuild":
        external = path_get(settings, "external")
        return isinstance(external, Sequence) and any(text(item) == name for item in external)
    return False


def _cli_runners(service) -> list:
    return [function for function in service.functions if cli_runs(service, function)]


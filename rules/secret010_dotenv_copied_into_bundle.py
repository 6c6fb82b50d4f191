"""A bundler plugin copies a `.env` file into the deployment package.

What: serverless-webpack's webpack config (`custom.webpack.webpackConfig`, `webpack.config.js` by
default) creates a copy-webpack-plugin (`new CopyPlugin(...)`, the class bound to
`require('copy-webpack-plugin')` or its import under any name) with a pattern whose `from` names a
`.env` file: `'.env'`, `{ from: '.env.production' }`, `path.resolve(__dirname, '.env')`,
`path.join(__dirname, 'config', '.env')`, `` `${__dirname}/.env` ``, or a glob that explicitly
matches one (`.env*`, `**/.env`); the v6+ `{ patterns: [...] }` form and the v4/v5 array are
read. Also serverless-bundle's `custom.bundle.copyFiles` entries (`from: .env`), and
esbuild-plugin-copy's `copy({ assets: { from, to } })` in serverless-esbuild's
`custom.esbuild.plugins` file. Reported at the `from` as written, naming the file and saying
whether it is in the repository, present but git-ignored, or absent (a `.env` absent from the
checkout still ships from the machine that deploys); a glob is tried on the `.env` files of its
folder and on `.env`, `.env.local` and `.env.production`, and one with a glob in its folder part
(other than `**`) is left out. Not flagged: templates (`.env.example`, `.env.sample`,
`.env.template`, `.env.dist`), patterns whose `globOptions.ignore` (or v4/v5 `ignore`,
esbuild-plugin-copy's `globbyOptions.ignore`) leaves the file out, copies of other files, whole
folders and wildcards such as `**/*` (the copy plugins skip dotfiles in globs unless `dot` is
set; with it, only `.env` files present in the service folder count), a plugin that is required
but never created, patterns with a `filter` function, a `to` outside the output folder (also
esbuild-plugin-copy's `resolveFrom`), values lintkit cannot read (variables, function results),
and calls under a condition (`isLocal ? new CopyPlugin(...) : ...`, also `fs.existsSync('.env')
? ...`). Other esbuild copy plugins are not read. `package.patterns` that put a `.env` back into
the package are SECRET007's.

Why: the copied file lands in the bundler's output folder, which the plugin zips and uploads:
every secret in it (the database URL with its password, API keys) is readable by anyone allowed
`lambda:GetFunction` or read access to the deployment bucket, and stays in every old version of
the function.

Example:
    new CopyWebpackPlugin({
      patterns: [{ from: './prisma/schema.prisma' }, { from: '.env' }],
    })

Use instead:
    new CopyWebpackPlugin({ patterns: [{ from: './prisma/schema.prisma' }] })
    # serverless.yml
    useDotenv: true
    provider:
      environment:
        DATABASE_URL: ${env:DATABASE_URL}   # or ${ssm:/app/database-url}

References: copy-webpack-plugin, "Options: patterns, globOptions"; Serverless Framework,
"Resolution of environment variables" (`useDotenv`); AWS Lambda, "Securing environment
variables"; OWASP, "Secrets Management Cheat Sheet".
"""
import posixpath
from pathlib import Path

from lintkit.analysis.bundlecopies import bundle_copies
from lintkit.model.diagnostics import Finding
from lintkit.read.dotenv import find_env_files, is_template_env
from lintkit.read.files import is_present
from lintkit.read.gitignore import is_git_ignored
from lintkit.read.globs import glob_matches
from ._common import once_per_place

CODE = "SECRET010"
NAME = "dotenv-copied-into-bundle"
SEVERITY = "error"
SUMMARY = "A bundler plugin copies a `.env` file into the deployment package."

# What a glob naming `.env` takes from the machine that deploys, when the checkout has none.
USUAL_ENV_FILES = (".env", ".env.local", ".env.production")
GLOB_CHARACTERS = frozenset("*?[{")
ADVICE = ("Remove the copy and give the function its variables at deploy time: `useDotenv: true` "
          "with `${env:NAME}` in provider.environment (or serverless-dotenv-plugin), or read the "
          "secrets from SSM Parameter Store or Secrets Manager.")


def check(service, context):
    yield from once_per_place(_findings(service))


def _findings(service):
    for copy in bundle_copies(service):
        files, present = _copied_env_files(service, copy)
        if files:
            yield Finding.at(copy.where, _message(service, copy, files, present))


def _copied_env_files(service, copy) -> tuple[list[str], list[str]]:
    """(the `.env` files the copy takes, those of them in the checkout), paths relative to the
    service folder. A glob is tried on the `.env` files of its folder and the usual names; one
    whose folder part is a glob (other than `**`) is left out."""
    source = copy.source.removeprefix("./")
    directory, _, name = source.rpartition("/")
    if not GLOB_CHARACTERS & set(source):
        if not _is_env_name(name) or _ignored(copy, source):
            return [], []
        return [source], [source] if is_present(service.root / source) else []
    if not (copy.dot or name.startswith(".")):
        return [], []  # the copy plugins' globs skip dotfiles
    if set(directory.split("/")) == {"**"}:
        directory = ""  # `**/.env`: the service folder's own count
    elif GLOB_CHARACTERS & set(directory):
        return [], []
    files = [env.path for env in service.env_files] if not directory else \
        find_env_files(service.root / directory)
    present = [path.name for path in files if not is_template_env(path)]
    usual = [usual for usual in USUAL_ENV_FILES if usual not in present] if "env" in name else []
    paths = [posixpath.join(directory, candidate) for candidate in present + usual
             if glob_matches(name, candidate)]
    taken = [path for path in paths if not _ignored(copy, path)]
    return taken, [path for path in taken if path.rpartition("/")[2] in present]


def _is_env_name(name: str) -> bool:
    return (name == ".env" or name.startswith(".env.")) and not is_template_env(Path(name))


def _ignored(copy, path: str) -> bool:
    """An ignore glob of the copy matches the file (its path, or its name by the glob's last
    segment: `**/.env`, `.env*`)."""
    name = path.rpartition("/")[2]
    return any(glob_matches(glob.removeprefix("./"), path) or glob_matches(glob.rpartition("/")[2], name)
               for glob in copy.ignore)


def _message(service, copy, files: list[str], present: list[str]) -> str:
    pattern = copy.source.removeprefix("./")
    literal = files == [pattern]
    shown = ", ".join(f"`{name}`" for name in files[:3]) + (" ..." if len(files) > 3 else "")
    what = shown if literal else f"`.env` files (`{pattern}` matches {shown})"
    if present:
        names = ", ".join(f"`{name}`" for name in present)
        ignored = all(is_git_ignored(service.root / name, service.project_root) for name in present)
        verb = "is" if len(present) == 1 else "are"
        where = (f"{names} {verb} here but git-ignored: not committed, yet every deploy from a "
                 "machine that has it ships it" if ignored else f"{names} {verb} in the repository")
    elif literal:
        where = f"no {shown} is in the checkout, so the deploy ships whichever the deploying machine has"
    else:
        where = "none is in the checkout, so the deploy ships whichever the deploying machine has"
    return (f"This {copy.via} pattern copies {what} into the deployment package, where anyone "
            f"allowed to download the function's code reads the secrets in it; {where}. {ADVICE}")

"""A `.env` file deploys a database URL that points at the developer's machine.

What: serverless-dotenv-plugin (in `plugins`) or `useDotenv: true` loads a `.env` file whose
database URL (DATABASE_URL, or the variable schema.prisma's `url = env("...")` names) has the host
`localhost`, `127.0.0.1` (any loopback address), `::1`, `0.0.0.0`, `host.docker.internal` (or
another Docker name for the host), or a service name of the docker-compose file (`compose.yaml`,
`docker-compose.yml` ...) in the service folder or at the repository root; and the variable reaches
a deployed function's environment: serverless-dotenv-plugin injects every variable it loads unless
`custom.dotenv.include` leaves it out or `custom.dotenv.exclude` names it, and either loader feeds a
`${env:DATABASE_URL}` in `provider.environment` or a function's `environment`. Reported at the
URL's host in the `.env` file.
Which file deploys: serverless-dotenv-plugin loads `.env.<env>.local`, `.env.<env>`, `.env.local`
and `.env` (the first that defines a variable wins; `<env>` is NODE_ENV, `--env` or `--stage`), so
`.env` counts only when no other (non-template) `.env.*` file defines the variable, and
`.env.<stage>` counts when `<stage>` is the service's literal `provider.stage` (not `test`) and
`.env.<stage>.local` does not override it. `useDotenv: true` loads `.env.<stage>` instead of `.env`
when it exists, so `.env` counts only when no other `.env.*` file exists. Not flagged:
`.env.local`, `.env.*.local`, `.env.development` and other stage files the service's stage does
not pick; templates (`.env.example` ...); `.env` files nothing deploys (no dotenv plugin, no
`useDotenv`, no `${env:}` reference); a function whose environment sets the variable from
elsewhere (`${ssm:...}`, Secrets Manager, a literal), or whose environment is a deploy-time value;
a custom `custom.dotenv.path`/`basePath`/`dotenvParser` (lintkit does not follow them); hosts that
are variables, single-label names that are not compose services (a VPC's DNS may resolve them);
services whose functions lintkit cannot list (a serverless.ts that spreads them in from code). A
deploy whose shell already sets the variable keeps that value with the plugin's default variable
expansion, which lintkit cannot see: the file's value is what every other deploy ships.
Local URLs with default credentials are not SECRET001 findings: this rule reports the URL once.

Why: on Lambda, localhost is the function's own sandbox and compose names resolve nowhere, so the
deploy succeeds and every invocation fails to connect (`Can't reach database server at
localhost:5432`, P1001), usually only noticed in production.

Example:
    # serverless.yml
    plugins:
      - serverless-dotenv-plugin
    # .env
    DATABASE_URL=postgresql://postgres:postgres@localhost:5432/app

Use instead:
    # .env (for local runs only: the plugin no longer deploys this variable)
    DATABASE_URL=postgresql://postgres:postgres@localhost:5432/app
    # serverless.yml
    custom:
      dotenv:
        exclude: [DATABASE_URL]
    provider:
      environment:
        DATABASE_URL: ${ssm:/app/database-url}

References: serverless-dotenv-plugin README (automatic env file name resolution, include/exclude);
Serverless Framework, "Variables: environment variables" (useDotenv, .env.<stage>); Prisma error
P1001; AWS Lambda, "Lambda execution environment".
"""
import re

from lintkit.analysis.facts import database_env_var
from lintkit.analysis.packaging import function_names
from lintkit.analysis.secretscan import dotenv_plugin_keys
from lintkit.model.diagnostics import Finding
from lintkit.model.nodes import Mapping, Unknown, is_dynamic, path_get, string_like, text
from lintkit.read.compose import compose_host_names
from lintkit.read.dburl import find_db_urls, is_loopback, is_this_machine, parse_db_url

CODE = "CONFIG007"
NAME = "deployed-database-url-is-local"
SEVERITY = "error"
SUMMARY = "A `.env` file that the deploy loads sets the database URL to localhost or a compose service."

DOTENV_PLUGIN = "serverless-dotenv-plugin"
CUSTOM_LOADING = ("path", "basePath", "dotenvParser")  # settings that choose the files another way


def check(service, context):
    loader = _loader(service)
    if loader is None:
        return
    env_var = database_env_var(service)
    injected, referencing = _receivers(service, loader, env_var)
    if not injected and not referencing:
        return
    for env, entry in _deployed_entries(service, loader, env_var):
        for start, end, host in _local_hosts(service, entry.value):
            yield Finding.at(entry.value_sub_span(start, end), _message(
                service, env.path.name, env_var, host, loader, injected, referencing))


def _loader(service) -> str | None:
    """serverless-dotenv-plugin or `useDotenv: true`, whichever loads .env files at deploy."""
    if DOTENV_PLUGIN in service.plugins:
        settings = path_get(service.custom, "dotenv")
        if is_dynamic(settings) or (isinstance(settings, Mapping)
                                    and any(key in settings for key in CUSTOM_LOADING)):
            return None
        return DOTENV_PLUGIN
    if service.document is not None and text(service.document.get("useDotenv")) == "true":
        return "`useDotenv: true`"
    return None


def _deployed_entries(service, loader: str, env_var: str):
    """(file, entry) for the database variable of each .env file the deploy takes it from."""
    files = {env.path.name: env for env in service.env_files if not env.is_template}
    defining = {name for name, env in files.items() if env.get(env_var) is not None}
    stage = _literal_stage(service)
    stage_file = f".env.{stage}" if stage and stage != "test" else None
    if loader == DOTENV_PLUGIN:
        if stage_file in defining and f"{stage_file}.local" not in defining:
            yield files[stage_file], files[stage_file].get(env_var)
        if defining == {".env"}:
            yield files[".env"], files[".env"].get(env_var)
    elif set(files) == {".env"} and defining:
        yield files[".env"], files[".env"].get(env_var)
    elif stage_file in defining:
        yield files[stage_file], files[stage_file].get(env_var)


def _literal_stage(service) -> str | None:
    stage = path_get(service.provider, "stage")
    return None if stage is None or is_dynamic(stage) else text(stage)


def _receivers(service, loader: str, env_var: str) -> tuple[list, list]:
    """The functions whose deployed environment gets the .env value: (those the plugin injects it
    into, those whose environment reads it with `${env:...}`)."""
    keys = dotenv_plugin_keys(service) if loader == DOTENV_PLUGIN else None
    injected = keys is not None and (keys[0] is None or env_var in keys[0]) and env_var not in keys[1]
    injected_into, referencing = [], []
    for function in service.functions:
        if function.kind != "function" or function.environment_unknown:
            continue
        entry = function.environment.get(env_var)
        if entry is None and injected:
            injected_into.append(function)
        elif entry is not None and _env_reference(entry[1], env_var):
            referencing.append(function)
    return injected_into, referencing


def _env_reference(value, env_var: str) -> bool:
    """`${env:DATABASE_URL}` (with or without a fallback), which the loaded .env file answers."""
    return isinstance(value, Unknown) and re.fullmatch(
        rf"\$\{{env:{re.escape(env_var)}\s*(,[^}}]*)?\}}", (string_like(value) or "").strip()) is not None


def _local_hosts(service, value: str):
    """(start, end, host) of the host of each URL in the value that only a developer's machine
    serves; a URL with any other host (or a variable one) is not reported."""
    compose = None
    for url_start, url_end in find_db_urls(value):
        url = parse_db_url(value[url_start:url_end])
        if url is None or url.host_span is None or not url.hosts or url.has_variable_host:
            continue
        if not all(is_this_machine(host) for host in url.hosts):
            if compose is None:
                compose = compose_host_names(service.root, service.project_root)
            if not all(is_this_machine(host) or host.lower() in compose for host in url.hosts):
                continue
        first, last = url.host_span
        yield url_start + first, url_start + last, url.host


def _message(service, file_name: str, env_var: str, host: str, loader: str, injected, referencing) -> str:
    ssm = f"${{ssm:/{_service_name(service)}/database-url}}"
    fixes = []
    if injected:
        fixes.append(f"{_leave_out(service, env_var)} and give {function_names(injected)} "
                     f"`{env_var}: {ssm}`")
    if referencing:
        fixes.append(f"replace `${{env:{env_var}}}` with `{ssm}` (or a Secrets Manager reference) for "
                     f"{function_names(referencing)}")
    return (f"{env_var} in {file_name} points at `{host}`, and {loader} deploys it into the Lambda "
            f"environment of {function_names(injected + referencing)}: there {_there(host)}, so every "
            f"connection fails. Keep the local URL for local runs only: {'; '.join(fixes)}.")


def _there(host: str) -> str:
    if is_loopback(host):
        return f"`{host}` is the function's own sandbox, where no database listens"
    if is_this_machine(host):
        return f"`{host}` (Docker's name for the developer's computer) resolves nowhere"
    return f"`{host}`, a docker-compose service, resolves nowhere"


def _leave_out(service, env_var: str) -> str:
    keys = dotenv_plugin_keys(service)
    if keys is not None and keys[0] is not None:
        return f"remove `{env_var}` from `custom.dotenv.include`"
    return f"add `{env_var}` to `custom.dotenv.exclude`"


def _service_name(service) -> str:
    name = text(service.document.get("service"))
    return name if name and "${" not in name else "app"

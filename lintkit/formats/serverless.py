"""The serverless.yml front end: the Serverless Framework's `serverless.yml` / `serverless.yaml` (and
`serverless.json`, which YAML reads too),
loaded with the bounded YAML reader and its `${...}` variables resolved (`variables`, which follows
`${file()}` includes inside the project). Positions are the YAML reader's: a value that came from an
include keeps the included file's span. With a store of parsed files (`sources.store`, the language
server), a YAML file whose bytes did not change since the last lint is not parsed again."""
from __future__ import annotations

from pathlib import Path

from ..model.diagnostics import Finding
from ..model.nodes import Mapping, Span
from ..model.service import LoadedConfig

NAME = "serverless"
CONFIG_NAMES = ("serverless.yml", "serverless.yaml", "serverless.json")


def load_document(config_path: Path, sources, format_name: str, needs: str, top_keys: str):
    """(the YAML file as loaded, a LoadedConfig of `format_name` holding its raw document): the
    language server's store keeps the loaded file between lints; an empty file is a PARSE001 that
    says what it `needs`, a top level that is not a mapping one that names its `top_keys`."""
    from ..read.yamlload import load_yaml

    store = getattr(sources, "store", None)
    loaded = load_yaml(config_path) if store is None else kept(store, config_path, load_yaml)
    result = LoadedConfig(format_name, raw_document=loaded.node, findings=list(loaded.findings))
    if loaded.node is None and not loaded.findings:
        result.findings.append(Finding(Span.point(config_path), f"{config_path.name} is empty: "
                                       f"{needs}.", code="PARSE001"))
    elif loaded.node is not None and not isinstance(loaded.node, Mapping):
        result.findings.append(Finding.at(
            loaded.node, f"The top level of {config_path.name} must be a mapping of keys "
            f"({top_keys} ...).", code="PARSE001"))
    return loaded, result


def load(config_path: Path, project_root: Path, options: dict[str, str],
         sources=None) -> LoadedConfig:
    from ..read.yamlload import load_json_or_yaml

    loaded, result = load_document(config_path, sources, NAME,
                                   "a service needs at least `service:` and `provider:`",
                                   "`service:`, `provider:`, `functions:`")
    if not isinstance(loaded.node, Mapping):
        return result
    from .variables import resolve

    store = getattr(sources, "store", None)
    loader = load_json_or_yaml if store is None else lambda path: kept(store, path, load_json_or_yaml)
    resolved = resolve(loaded.node, config_path=config_path, project_root=project_root,
                       options=options, loader=loader)
    result.findings.extend(resolved.findings)
    result.document = resolved.document
    result.includes = resolved.included
    return result


def kept(store, path: Path, load):
    """`load(path)`, the parse taken from `store` when the file's bytes were parsed before (the
    file is read every time: confinement and refusals stay those of this run). The resolver never
    modifies a loaded tree, so one can serve many lints."""
    from ..read.yamlload import LoadResult, read_source

    data, problem = read_source(path)
    if problem is not None:
        return LoadResult(None, [problem])
    return store.parsed(path, "yaml", data, lambda: load(path, data))

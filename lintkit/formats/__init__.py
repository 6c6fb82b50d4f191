"""Config-format front ends: each turns one format's files into the one service model
(`lintkit.model.service`). A front end is the only place that knows its format: the file names it
claims in discovery, how it loads them (includes, variables) and how positions map back. Rules never
ask which format a service came from, except through `Service.format` for the few format-specific
rules (CONFIG001's serverless.yml schema, SECRET006's `${ssm:~true}`).

A front end is a module with `NAME`, `CONFIG_NAMES` (the file names discovery claims for it) and
`load(config_path, project_root, options, sources) -> LoadedConfig` (`sources`: the run's SourceCache,
for a front end that parses code); listing it in FRONT_ENDS plugs it in.

- `serverless`: serverless.yml / serverless.yaml / serverless.json, with Serverless variables
  (`variables`).
- `serverless_ts`: serverless.ts / serverless.js, read statically with tree-sitter, then the same
  variables.
- `sam`: an AWS SAM template (template.yaml / template.yml, or any YAML file named explicitly) whose
  `Transform` is the SAM transform; a front end whose names are not enough has `claims(path)`,
  a cheap look at the file's text.

May import: `lintkit.model`, `lintkit.read`. Never: analysis, rules, the engine, reporters.
"""
from __future__ import annotations

import importlib
from pathlib import Path

# Each front end's module and the names it claims (its CONFIG_NAMES; tests/test_discovery.py keeps
# them equal), in the order discovery takes them: every run needs the names, a front end's module
# (PyYAML, tree-sitter) loads only when a service of its format is loaded.
FRONT_ENDS = (("serverless", ("serverless.yml", "serverless.yaml", "serverless.json")),
              ("serverless_ts", ("serverless.ts", "serverless.js", "serverless.cjs", "serverless.mjs")),
              ("sam", ("template.yaml", "template.yml")))
CONFIG_NAMES = tuple(name for _, names in FRONT_ENDS for name in names)
SAM_NAMES = FRONT_ENDS[2][1]


def front_end_for(config_path: Path):
    """The front end that claims a configuration file by its name, else a YAML file that is a SAM
    template (`lintkit check infra/app.yaml`), else serverless.yml's."""
    name = Path(config_path).name
    named = next((module for module, names in FRONT_ENDS if name in names), None)
    if named is None:
        named = "sam" if Path(name).suffix in (".yaml", ".yml") and _is_sam(config_path) else "serverless"
    return importlib.import_module(f"{__name__}.{named}")


def _is_sam(path: Path) -> bool:
    from . import sam

    return sam.claims(path)


def is_config(path: Path) -> bool:
    """Whether discovery takes `path` (a file or a name not on disk yet) for a service's
    configuration: a name a front end claims, and for a SAM template also its transform."""
    name = Path(path).name
    if name in SAM_NAMES:
        return _is_sam(path)
    return name in CONFIG_NAMES


def is_named_config(path: Path) -> bool:
    """`is_config`, or a YAML file of another name that is a SAM template: a file given
    explicitly on the command line."""
    return is_config(path) or (Path(path).suffix in (".yaml", ".yml") and _is_sam(path))


def load_service(config_path: Path, project_root: Path, options: dict[str, str] | None = None,
                 sources=None):
    """The service whose configuration is `config_path`, loaded by its front end."""
    from ..model.service import Service, long_lived_objects

    options = options or {}
    with long_lived_objects():
        loaded = front_end_for(config_path).load(config_path, project_root, options, sources)
    return Service(config_path, project_root, loaded, options, sources=sources)

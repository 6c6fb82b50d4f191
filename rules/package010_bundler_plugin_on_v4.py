"""A bundler plugin on Serverless v4 without `build.esbuild: false`: every command fails.

What: Serverless Framework v4 runs the service (`frameworkVersion` or package.json's `serverless`
allows only 4) and `plugins` (a list, or `plugins: {modules: [...]}`) names `serverless-esbuild`,
`serverless-webpack`, `serverless-bundle` or `serverless-plugin-typescript`, while `build.esbuild`
is not the boolean `false`. Reported at the plugin's entry. Not flagged: Serverless v3, osls, a
version lintkit cannot tell, `build.esbuild: false`, a `build` that is a deploy-time variable.

Why: v4's plugin manager throws `PLUGIN_TYPESCRIPT_CONFLICT` when it loads one of these plugins
and `service.build?.esbuild !== false`, so `serverless package`, `deploy` and `offline` all stop
before doing anything.

Example:
    frameworkVersion: '4'
    plugins:
      - serverless-esbuild

Use instead:
    frameworkVersion: '4'
    build:
      esbuild: false      # keep the plugin; or remove the plugin and use v4's built-in esbuild
    plugins:
      - serverless-esbuild

References: serverless/serverless packages/serverless/lib/classes/plugin-manager.js
(`typescriptPlugins`, `addPlugin`, PLUGIN_TYPESCRIPT_CONFLICT); docs/sf/guides/upgrading-v4.md
("plugins that build your code will not work unless you opt out of the default build
experience"); docs/sf/providers/aws/guide/building.md ("Plugin Conflicts").
"""
from lintkit.analysis.framework import BUNDLER_PLUGINS, build_esbuild, esbuild_disabled, framework
from lintkit.model.diagnostics import Finding
from lintkit.model.nodes import Mapping, Sequence, text

CODE = "PACKAGE010"
NAME = "bundler-plugin-on-v4"
SEVERITY = "error"
SUMMARY = "A bundler plugin on Serverless v4 without `build.esbuild: false` (PLUGIN_TYPESCRIPT_CONFLICT)."


def check(service, context):
    if service.format == "sam":
        return  # bundler plugins are serverless.yml's: a SAM template has none
    if esbuild_disabled(service) is not False:
        return
    found = framework(service)
    if not found.is_v4:
        return
    quoted = " (a quoted 'false' is a string)" if text(build_esbuild(service)) == "false" else ""
    for entry in _plugin_entries(service):
        name = text(entry)
        if name in BUNDLER_PLUGINS:
            yield Finding.at(entry, f"Serverless 4 ({found.source}) stops every command with "
                             f"PLUGIN_TYPESCRIPT_CONFLICT while {name} is loaded and `build.esbuild` is "
                             f"not `false`{quoted}: set `build: {{esbuild: false}}` to keep {name}, or remove "
                             "the plugin and let v4's built-in esbuild bundle the handlers.")


def _plugin_entries(service) -> list:
    plugins = service.document.get("plugins") if service.document else None
    if isinstance(plugins, Mapping):
        plugins = plugins.get("modules")
    return list(plugins) if isinstance(plugins, Sequence) else []

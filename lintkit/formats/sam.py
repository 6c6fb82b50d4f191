"""The AWS SAM front end: a CloudFormation template whose `Transform` is (or lists)
`AWS::Serverless-2016-10-31`, conventionally `template.yaml` / `template.yml`.

Loading does what SAM's own transform does before CloudFormation sees the template, as far as the
rules need it:
- `!Ref Param` (and `{Ref: Param}`) to a template parameter becomes its value: `--opt Param=VALUE`,
  else `parameter_overrides` in samconfig.toml (the environment `--sam-env` names, `default`
  otherwise; its `deploy` table over its `global` one), else the parameter's `Default`. A parameter
  with none of these is a deploy-time value and stays an intrinsic; so do `!Ref` to pseudo
  parameters and resources, `!Sub`, `!GetAtt` and the rest.
- `Globals.Function` is merged into each `AWS::Serverless::Function`'s Properties: a property the
  function does not set is taken from Globals with its Globals nodes (positions stay where it is
  written), and `Environment.Variables` are merged key by key, the function's own winning.

Positions are the YAML reader's, in the template; a parameter's value keeps the span of where it
is written, the place to edit: its `Default`, or its `NAME=value` in samconfig.toml; a value from the
command line (or one samconfig.toml writes in a way lintkit cannot place) the span of the `!Ref`.
A plain CloudFormation template (no SAM transform) loads to no document: it is not a service."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

from ..model.diagnostics import Finding
from ..model.lazyre import lazy_compile
from ..model.nodes import Intrinsic, Mapping, Node, Scalar, Sequence, Span, intrinsic_name, text
from ..model.service import LoadedConfig, code_inside
from ..read.lines import LineIndex

NAME = "sam"
CONFIG_NAMES = ("template.yaml", "template.yml")
TRANSFORM = "AWS::Serverless-2016-10-31"
FUNCTION_TYPE = "AWS::Serverless::Function"
SAMCONFIG = "samconfig.toml"
DEFAULT_ENVIRONMENT = "default"
# The key `--sam-env` sets in the options: a SAM parameter name is alphanumeric, so it cannot clash.
ENVIRONMENT_OPTION = "sam:config-env"
SAMCONFIG_MAX_BYTES = 1_000_000

# A top-level `Transform:` and the indented or flow lines after it, in the text: enough to tell a
# SAM template from a plain CloudFormation one without parsing it.
_TRANSFORM_BLOCK = lazy_compile(rb"""(?m)^["']?Transform["']?[ \t]*:(?P<value>.*(?:\r?\n(?:[ \t#].*)?)*)""")
# Properties of an AWS::Serverless::Function that `Globals.Function` may set (the SAM specification's
# list): only these are inherited.
GLOBAL_PROPERTIES = frozenset((
    "Handler Runtime CodeUri DeadLetterQueue Description MemorySize Timeout VpcConfig Environment "
    "Tags Tracing KmsKeyArn Layers AutoPublishAlias DeploymentPreference PermissionsBoundary "
    "ReservedConcurrentExecutions ProvisionedConcurrencyConfig AssumeRolePolicyDocument "
    "EventInvokeConfig Architectures EphemeralStorage SnapStart RuntimeManagementConfig LoggingConfig "
    "RecursiveLoop SourceKMSKeyArn FunctionUrlConfig PropagateTags").split())
_TOML_POSITION = lazy_compile(r"\(at line (\d+), column (\d+)\)")


def with_environment(opt: dict[str, str], environment: str | None) -> dict[str, str]:
    """The `--opt` values with `--sam-env ENV` (samconfig.toml's environment) among them."""
    return {**opt, ENVIRONMENT_OPTION: environment} if environment else dict(opt)


def claims(path: Path) -> bool:
    """Whether the file is a SAM template: its text has a top-level `Transform` naming the SAM
    transform (a cheap look at the text; loading parses it once)."""
    from ..read.files import read_bytes
    from ..read.yamlload import MAX_BYTES

    try:
        data = read_bytes(path, MAX_BYTES)
    except OSError:
        return False
    return any(TRANSFORM.encode() in match["value"] for match in _TRANSFORM_BLOCK.finditer(data))


def is_sam_template(document: Node | None) -> bool:
    transform = document.get("Transform") if isinstance(document, Mapping) else None
    names = transform.items if isinstance(transform, Sequence) else [transform]
    return any(text(name) == TRANSFORM for name in names)


def load(config_path: Path, project_root: Path, options: dict[str, str],
         sources=None) -> LoadedConfig:
    from .serverless import load_document

    loaded, result = load_document(config_path, sources, NAME, "a SAM template needs at least "
                                   f"`Transform: {TRANSFORM}` and `Resources:`",
                                   "`Transform:`, `Resources:`")
    if not isinstance(loaded.node, Mapping):
        return result
    if not is_sam_template(loaded.node):
        return result  # a plain CloudFormation template: not a service
    result.findings.extend(_shape_findings(loaded.node))
    values, findings = parameter_values(config_path, loaded.node, options)
    result.findings.extend(findings)
    document = _resolve_refs(loaded.node, values)
    result.document = _with_globals(document)
    result.findings.extend(_code_outside_project(result.document, config_path, project_root))
    return result


def _code_outside_project(document: Mapping, config_path: Path, project_root: Path) -> list[Finding]:
    """PARSE005 at each function's `CodeUri` that leaves the project: lintkit reads nothing there."""
    resources = document.get("Resources")
    findings = []
    for key, resource in resources.pairs if isinstance(resources, Mapping) else ():
        code_uri = path_mapping(resource, "Properties", "CodeUri")
        folder = text(code_uri) if isinstance(code_uri, Scalar) else None
        if not isinstance(folder, str) or text(resource.get("Type")) != FUNCTION_TYPE:
            continue
        if not code_inside(config_path.parent, folder, project_root):
            findings.append(Finding.at(code_uri, f"`CodeUri: {folder}` of `{key.value}` points outside "
                                       "the project (the repository that holds the template): "
                                       "lintkit does not read code there; keep the function's code "
                                       "inside the project.", code="PARSE005"))
    return findings



def _shape_findings(document: Mapping) -> list[Finding]:
    """PARSE001 where the template's shape keeps lintkit from reading it: `Resources`, `Globals`,
    `Globals.Function`, a function or its `Properties` that is not a mapping."""
    findings = []
    for key, of in (("Resources", "logical ids to their definitions"),
                    ("Parameters", "parameter names to their definitions"),
                    ("Globals", "resource kinds to their shared properties (`Function:` ...)")):
        node = document.get(key)
        if node is not None and not isinstance(node, Mapping):
            findings.append(Finding.at(node, f"`{key}` must be a mapping of {of}; lintkit reads "
                                       "nothing from it.", code="PARSE001"))
    functions = path_mapping(document, "Globals", "Function")
    if functions is not None and not isinstance(functions, Mapping):
        findings.append(Finding.at(functions, "`Globals.Function` must be a mapping of function "
                                   "properties; no function inherits from it.", code="PARSE001"))
    resources = document.get("Resources")
    for key, resource in resources.pairs if isinstance(resources, Mapping) else ():
        if not isinstance(resource, Mapping):
            findings.append(Finding.at(resource, f"`{key.value}` must be a mapping with `Type:` and "
                                       "`Properties:`; lintkit reads nothing from it.", code="PARSE001"))
            continue
        properties = resource.get("Properties")
        if text(resource.get("Type")) == FUNCTION_TYPE and properties is not None \
                and not isinstance(properties, Mapping) and intrinsic_name(properties) is None:
            findings.append(Finding.at(properties, f"The `Properties` of `{key.value}` must be a mapping "
                                       "(`Handler:`, `Runtime:` ...); lintkit cannot read this "
                                       "function.", code="PARSE001"))
    return findings


def path_mapping(node: Node | None, *keys: str) -> Node | None:
    for key in keys:
        node = node.get(key) if isinstance(node, Mapping) else None
    return node


# -- parameters ------------------------------------------------------------------------------------

def parameter_values(config_path: Path, document: Mapping, options: dict[str, str]
                     ) -> tuple[dict[str, Node], list[Finding]]:
    """The value of each template parameter that has one: the command line's over samconfig.toml's
    over the `Default`."""
    parameters = document.get("Parameters")
    if not isinstance(parameters, Mapping):
        return {}, []
    environment = options.get(ENVIRONMENT_OPTION) or DEFAULT_ENVIRONMENT
    overrides, findings = samconfig_overrides(config_path.parent / SAMCONFIG, environment)
    values: dict[str, Node] = {}
    for key, definition in parameters.pairs:
        name = str(key.value)
        declared = definition if isinstance(definition, Mapping) else None
        kind = text(declared.get("Type")) if declared else None
        if name in options and name != ENVIRONMENT_OPTION:
            values[name] = _typed(options[name], kind, None)
        elif name in overrides:
            value, span = overrides[name]
            values[name] = _typed(value, kind, span)
        elif declared is not None and isinstance(declared.get("Default"), Scalar):
            default = declared.get("Default")
            values[name] = _typed(default.value, kind, default.span, default.style)
    return values, findings


def _typed(value, kind: str | None, span: Span | None, style: str | None = None) -> Node:
    """A parameter's value as the node a rule reads: a number for `Number`, a list for
    `CommaDelimitedList` and `List<...>`; `span` is where it is written (the `Default`, the value
    in samconfig.toml), None for a value from the command line (the `!Ref` keeps its span: see
    `_resolve_refs`)."""
    if kind is not None and (kind == "CommaDelimitedList" or kind.startswith("List<")):
        items = [Scalar(item.strip(), span) for item in str(value if value is not None else "").split(",")]
        return Sequence([item for item in items if item.value], span)
    if kind == "Number" and isinstance(value, str):
        number = _number(value)
        if number is not None:
            return Scalar(number, span)
    return Scalar(value, span, style=style)


def _number(value: str) -> int | float | None:
    try:
        return int(value)
    except ValueError:
        try:
            return float(value)
        except ValueError:
            return None


def samconfig_overrides(path: Path, environment: str
                        ) -> tuple[dict[str, tuple[str, Span | None]], list[Finding]]:
    """`parameter_overrides` of samconfig.toml's `environment` (its `global.parameters`, then its
    `deploy.parameters` over them), as name -> (value, where the value is written in the file, or
    None where lintkit cannot tell exactly); a broken file is a PARSE001 finding."""
    from ..read.files import is_present, read_bytes, refusal_reason

    if not is_present(path):
        return {}, []
    try:
        data = read_bytes(path, SAMCONFIG_MAX_BYTES).decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = refusal_reason(error) if isinstance(error, OSError) else "it is not UTF-8"
        return {}, [Finding(Span.point(path), f"cannot read {path.name}: {reason}; its parameter "
                            "values are not used.", code="PARSE001")]
    toml = _toml()
    try:
        config = toml.loads(data)
    except toml.TOMLDecodeError as error:
        message = str(error)
        at = _TOML_POSITION.search(message)
        line, column = (int(at[1]), int(at[2])) if at else (1, 1)
        reason = _TOML_POSITION.sub("", message).strip()
        return {}, [Finding(Span.point(path, line, column), f"{path.name} is not valid TOML ({reason}); "
                            "its parameter values are not used: fix the file.", code="PARSE001")]
    overrides: dict[str, tuple[str, Span | None]] = {}
    lines = None
    for command in ("global", "deploy"):
        table = _table(config, environment, command, "parameters")
        for name, value in parse_overrides(table.get("parameter_overrides")).items():
            lines = lines or LineIndex(data, path)
            overrides[name] = (value, _override_span(lines, environment, command, name, value))
    return overrides, []


def _override_span(lines, environment: str, command: str, name: str, value: str) -> Span | None:
    """Where `NAME=value` is written in the `[ENV.COMMAND.parameters]` table of samconfig.toml: a
    value a rule reports is edited there. None when the text does not show it plainly (a dotted
    key, escapes): the finding then stays at the template's `!Ref`."""
    text = lines.text
    header = re.compile(rf"(?m)^[ \t]*\[[ \t]*{re.escape(environment)}[ \t]*\.[ \t]*{command}[ \t]*\."
                        rf"[ \t]*parameters[ \t]*\][ \t]*$")
    table = header.search(text)
    if table is None:
        return None
    end = re.compile(r"(?m)^[ \t]*\[").search(text, table.end())
    section = text[table.end():end.start() if end else len(text)]
    found = None
    for match in re.finditer(rf"(?<![\w-]){re.escape(name)}=", section):
        found = match  # the last one wins, as in parse_overrides
    if found is None:
        return None
    start = table.end() + found.end()
    if text[start:start + 1] in ("'", '"') and text[start + 1:start + 1 + len(value)] == value:
        start += 1
    if text[start:start + len(value)] != value or not value:
        return None
    return lines.span(start, start + len(value))


def _toml():
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10: the backport of the same parser
        import tomli as tomllib
    return tomllib


def _table(config: dict, *keys: str) -> dict:
    for key in keys:
        config = config.get(key) if isinstance(config, dict) else None
    return config if isinstance(config, dict) else {}


def parse_overrides(value) -> dict[str, str]:
    """`"A=1 B='two words'"`, a list of such strings, or the
    `ParameterKey=A,ParameterValue=1` form `sam deploy` also takes, as name -> value."""
    items = value if isinstance(value, list) else [value]
    found: dict[str, str] = {}
    for item in items:
        if not isinstance(item, str):
            continue
        try:
            words = shlex.split(item)
        except ValueError:  # an unclosed quote: as sam reads it, word by word
            words = item.split()
        for word in words:
            if word.startswith("ParameterKey="):
                parts = dict(part.partition("=")[::2] for part in word.split(",", 1))
                if "ParameterValue" in parts:
                    found[parts["ParameterKey"]] = parts["ParameterValue"]
                continue
            name, sep, setting = word.partition("=")
            if sep and name:
                found[name] = setting
    return found


def _resolve_refs(node: Node, values: dict[str, Node]) -> Node:
    """`node` with each `Ref` to a parameter that has a value replaced by it; untouched subtrees are
    shared with the raw document (which is never modified: the language server keeps it). The YAML
    reader bounds nesting at 100 levels, so the recursion is bounded."""
    if not values:
        return node
    name = _ref_target(node)
    if name is not None:
        value = values.get(name)
        return _located(value, node.span) if value is not None else node
    if isinstance(node, Mapping):
        pairs = [(key, _resolve_refs(value, values)) for key, value in node.pairs]
        changed = any(new is not old for (_, new), (_, old) in zip(pairs, node.pairs))
        return Mapping(pairs, node.span) if changed else node
    if isinstance(node, Sequence):
        items = [_resolve_refs(item, values) for item in node.items]
        changed = any(new is not old for new, old in zip(items, node.items))
        return Sequence(items, node.span) if changed else node
    if isinstance(node, Intrinsic):  # !If [cond, !Ref A, !Ref B], !Join, ...: their arguments
        if node.function in ("Fn::Sub", "Fn::GetAtt"):
            return node
        inner = _resolve_refs(node.value, values)
        return Intrinsic(node.function, inner, node.span) if inner is not node.value else node
    return node


def _ref_target(node: Node) -> str | None:
    if isinstance(node, Intrinsic) and node.function == "Ref":
        return text(node.value)
    if intrinsic_name(node) == "Ref":
        return text(node.get("Ref"))
    return None


def _located(value: Node, span: Span) -> Node:
    """A parameter's value where the `!Ref` is, unless it keeps the span of its `Default`."""
    if value.span is not None:
        return value
    if isinstance(value, Sequence):
        return Sequence([Scalar(item.value, span) for item in value.items], span)
    return Scalar(value.value, span)


# -- Globals -----------------------------------------------------------------------------------------

def _with_globals(document: Mapping) -> Mapping:
    """The document with `Globals.Function` merged into every AWS::Serverless::Function."""
    globals_ = path_mapping(document, "Globals", "Function")
    resources = document.get("Resources")
    if not isinstance(globals_, Mapping) or not globals_.pairs or not isinstance(resources, Mapping):
        return document
    merged = []
    for key, resource in resources.pairs:
        if isinstance(resource, Mapping) and text(resource.get("Type")) == FUNCTION_TYPE:
            resource = _function_with_globals(resource, globals_)
        merged.append((key, resource))
    pairs = [(key, Mapping(merged, resources.span) if str(key.value) == "Resources" else value)
             for key, value in document.pairs]
    return Mapping(pairs, document.span)


def _function_with_globals(resource: Mapping, globals_: Mapping) -> Mapping:
    properties = resource.get("Properties")
    if properties is None:
        properties = Mapping([], resource.key_node("Type").span)
    if not isinstance(properties, Mapping):
        return resource
    pairs = list(properties.pairs)
    for key, value in globals_.pairs:
        name = str(key.value)
        if name not in GLOBAL_PROPERTIES:
            continue
        if name not in properties:
            pairs.append((key, value))
        elif name == "Environment":
            index = next(i for i, (own, _) in enumerate(pairs) if str(own.value) == name)
            pairs[index] = (pairs[index][0], _merged_environment(value, pairs[index][1]))
    merged = Mapping(pairs, properties.span)
    return Mapping([(key, merged if str(key.value) == "Properties" else value)
                    for key, value in resource.pairs] + ([] if "Properties" in resource else
                                                          [(Scalar("Properties", merged.span), merged)]),
                   resource.span)


def _merged_environment(inherited: Node, own: Node) -> Node:
    """`Environment.Variables` of Globals and of the function, key by key (the function's win)."""
    inherited_vars, own_vars = path_mapping(inherited, "Variables"), path_mapping(own, "Variables")
    if not isinstance(inherited_vars, Mapping) or not isinstance(own, Mapping):
        return own
    if own_vars is not None and not isinstance(own_vars, Mapping):
        return own  # a deploy-time value: its keys cannot be known
    own_pairs = own_vars.pairs if own_vars is not None else []
    names = {str(key.value) for key, _ in own_pairs}
    variables = Mapping([pair for pair in inherited_vars.pairs if str(pair[0].value) not in names]
                        + list(own_pairs), (own_vars or inherited_vars).span)
    pairs = [(key, variables if str(key.value) == "Variables" else value) for key, value in own.pairs]
    if own_vars is None:
        pairs.append((inherited.key_node("Variables"), variables))
    return Mapping(pairs, own.span)

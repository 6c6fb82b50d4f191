"""A rotated database secret frozen into the function: resolved at deploy time, or read once per instance.

What: the database URL variable (`DATABASE_URL`, or the one schema.prisma's `url = env(...)` names)
or a database password variable (`DB_PASSWORD`, `PGPASSWORD`, `POSTGRES_PASSWORD`, ...) filled from
`{{resolve:secretsmanager:...}}` (literal, or in `!Sub` / `!Join`) or
`${ssm:/aws/reference/secretsmanager/...}`, while the same stack rotates that secret: an RDS
`DBInstance`/`DBCluster` with `ManageMasterUserPassword: true` (its secret is referenced as
`MasterUserSecret.SecretArn`), or an `AWS::SecretsManager::RotationSchedule` (rotation Lambda or
`HostedRotationLambda`) on it. The secret is matched by logical id (`!Ref`, `!GetAtt`, `${X}` in
`!Sub`) or by its literal name or ARN. Reported at the reference. Not flagged: a secret lintkit
cannot match to the rotated one (a rotation elsewhere, a deploy-time name), a JSON key other than
`password` (`:SecretString:host`), functions with the AWS Parameters and Secrets Lambda Extension
layer (they are taken to read the secret at runtime), a database reached through RDS Proxy (the URL
host is a proxy endpoint or an `AWS::RDS::DBProxy` of the stack, or a proxy's `Auth` names the
secret: the proxy follows the rotation and may authenticate the function with IAM), and secrets read
in code (Secrets Manager SDK calls) inside a function. A `new GetSecretValueCommand({ SecretId })`
(`@aws-sdk/client-secrets-manager`) that runs at module scope, its `SecretId` a literal or
`process.env.X` naming the rotated secret, is reported too: it is read once per instance and never
refreshed. Reads in a lazy singleton are not (their cache may expire in ways lintkit cannot see), nor
v2 `getSecretValue()` calls or helper libraries.

Why: the reference is replaced by the secret's value when CloudFormation deploys, and the value
never changes until the next deploy. RDS rotates the master password it manages every 7 days by
default, so a week after the deploy every new connection fails with an authentication error.

Example:
    provider:
      environment:
        DB_PASSWORD: !Sub '{{resolve:secretsmanager:${Database.MasterUserSecret.SecretArn}:SecretString:password}}'
    resources:
      Resources:
        Database:
          Type: AWS::RDS::DBInstance
          Properties:
            ManageMasterUserPassword: true

Use instead:
    provider:
      environment:
        DB_SECRET_ARN: !GetAtt Database.MasterUserSecret.SecretArn   # read at runtime, cached for
                                                                      # minutes, refreshed on auth errors

References: AWS RDS User Guide, "Password management with Amazon RDS and AWS Secrets Manager"
(rotation every 7 days by default); AWS CloudFormation, "Get values stored in other services using
dynamic references" (resolved at stack create/update); AWS Secrets Manager, "Use AWS Secrets Manager
secrets in AWS Lambda functions" (Parameters and Secrets Lambda Extension).
"""
import os
from pathlib import Path

from lintkit.analysis.facts import database_env_var
from lintkit.model.diagnostics import Finding
from lintkit.model.fieldclasses import fieldclass
from lintkit.model.lazyre import lazy_compile
from lintkit.model.nodes import Intrinsic, Mapping, Scalar, Sequence, Unknown, intrinsic_name, path_get, \
    string_like, text, walk
from lintkit.read.dburl import parse_db_url
from lintkit.read.handlers import iter_module_scope
from lintkit.read.sources import object_member, string_value, unwrap
from lintkit.read.staticjs import call_arguments, env_member, package_origin

CODE = "SECRET013"
NAME = "rotated-secret-frozen-at-deploy"
SEVERITY = "warning"
SUMMARY = "A rotated database secret resolved at deploy time or read once at module scope."

EXTENSION_LAYER = "AWS-Parameters-and-Secrets-Lambda-Extension"
PASSWORD_VARIABLE = lazy_compile(
    r"(?i)^(pg|db|database|postgres(ql)?|mysql|maria(db)?|rds|aurora|sql)_?(master_?)?(user_?)?"
    r"(password|pass|passwd|pwd)$")
RESOLVE = lazy_compile(r"\{\{resolve:secretsmanager:(.+?)\}\}")
SSM_REFERENCE = lazy_compile(r"\$\{ssm(?:\([^)]*\))?:/aws/reference/secretsmanager/([^,}\s~]+)")
SUB_NAME = lazy_compile(r"^\$\{([\w:-]+)(?:\.([\w.]+))?\}$")
# `arn:aws:secretsmanager:region:account:secret:prod/db-AbCdEf` -> `prod/db`
SECRET_ARN = lazy_compile(r"^arn:[\w-]+:secretsmanager:[^:]*:[^:]*:secret:(.+?)(-[A-Za-z0-9]{6})?$")
MANAGED_ATTRIBUTE = "MasterUserSecret.SecretArn"
SECRETS_MODULE = "@aws-sdk/client-secrets-manager"


@fieldclass(frozen=True)
class Rotation:
    what: str     # "RDS rotates the master password it manages for `Database` every 7 days by default"
    setting: str  # "`ManageMasterUserPassword`"
    where: Scalar


def check(service, context):
    rotations = _rotations(service)
    if not rotations:
        return
    proxied = _proxied_secrets(service)
    seen = set()
    for function in service.functions:
        if _has_extension_layer(function) or _through_proxy(service, function):
            continue
        for name, (_, value) in function.environment.items():
            if not _is_database_variable(service, name):
                continue
            for node, secret in _secret_references(value):
                rotation = rotations.get(secret)
                if rotation is None or secret in proxied or node.span in seen:
                    continue
                seen.add(node.span)
                yield Finding.at(node, _message(service, name, rotation), function=function.name)
        for span, secret, label in _module_scope_reads(service, function):
            rotation = rotations.get(secret)
            if rotation is not None and secret not in proxied and span not in seen:
                seen.add(span)
                yield Finding.at(span, _read_once_message(service, label, rotation), function=function.name)


def _is_database_variable(service, name: str) -> bool:
    return name in (database_env_var(service), "DATABASE_URL") or bool(PASSWORD_VARIABLE.match(name))


# -- which secrets the stack rotates ---------------------------------------------------------------
def _rotations(service) -> dict:
    """Secret key -> Rotation. A key is ("id", logical id), ("managed", DB logical id) or
    ("name", literal secret name)."""
    rotations = {}
    for db in service.resources_of_type("AWS::RDS::DBInstance", "AWS::RDS::DBCluster"):
        flag = path_get(db.properties, "ManageMasterUserPassword")
        if isinstance(flag, Scalar) and str(flag.value).lower() == "true":
            rotations[("managed", db.logical_id)] = Rotation(
                f"RDS rotates the master password it manages for `{db.logical_id}` every 7 days by "
                "default", "`ManageMasterUserPassword`", flag)
    names = {secret.logical_id: text(path_get(secret.properties, "Name"))
             for secret in service.resources_of_type("AWS::SecretsManager::Secret")}
    for schedule in service.resources_of_type("AWS::SecretsManager::RotationSchedule"):
        secret_id = path_get(schedule.properties, "SecretId")
        hosted = path_get(schedule.properties, "HostedRotationLambda") is not None
        how = " with `HostedRotationLambda`" if hosted else ""
        rotation = Rotation(f"`{schedule.logical_id}` rotates it",
                            f"`AWS::SecretsManager::RotationSchedule`{how}", schedule.key)
        for key in _keys_of_token(secret_id):
            rotations.setdefault(key, rotation)
            if key[0] == "id" and names.get(key[1]):
                rotations.setdefault(("name", names[key[1]]), rotation)
    return rotations


def _keys_of_token(node) -> list:
    """The secret keys a `SecretId`/`SecretArn` value names: `!Ref S`, `!GetAtt DB.MasterUserSecret.
    SecretArn`, `!Sub ${S}`, or a literal name or ARN."""
    name = intrinsic_name(node)
    value = node.value if isinstance(node, Intrinsic) else path_get(node, name or "")
    if name == "Ref":
        return [("id", text(value))] if text(value) else []
    if name == "Fn::GetAtt":
        parts = [text(item) for item in value.items] if isinstance(value, Sequence) else \
            (text(value) or "").split(".", 1)
        return _attribute_key(parts[0], parts[1]) if len(parts) == 2 and parts[0] else []
    if name == "Fn::Sub" and isinstance(value, Scalar):
        match = SUB_NAME.match(text(value) or "")
        return _attribute_key(match.group(1), match.group(2)) if match else []
    literal = text(node) if isinstance(node, Scalar) else None
    return [("name", _secret_name(literal))] if literal and "${" not in literal else []


def _attribute_key(logical_id: str, attribute: str | None) -> list:
    if attribute is None:
        return [("id", logical_id)]
    if attribute == MANAGED_ATTRIBUTE:
        return [("managed", logical_id)]
    return []


def _secret_name(literal: str) -> str:
    match = SECRET_ARN.match(literal)
    return match.group(1) if match else literal


def _proxied_secrets(service) -> set:
    keys = set()
    for proxy in service.resources_of_type("AWS::RDS::DBProxy"):
        auth = path_get(proxy.properties, "Auth")
        for entry in auth.items if isinstance(auth, Sequence) else []:
            keys.update(_keys_of_token(path_get(entry, "SecretArn")))
    return keys


# -- where a value takes a secret from -------------------------------------------------------------
def _secret_references(value):
    """(node to report, secret key) for each rotated-secret candidate the value resolves."""
    if isinstance(value, Unknown) or (isinstance(value, Scalar) and isinstance(value.value, str)):
        resolved = string_like(value) or ""
        for match in SSM_REFERENCE.finditer(resolved):
            yield value, ("name", _secret_name(match.group(1)))
        for reference in RESOLVE.findall(resolved):
            key = _literal_reference(reference)
            if key is not None:
                yield value, key
        return
    name = intrinsic_name(value)
    if name == "Fn::Sub":
        yield from _sub_references(value.value if isinstance(value, Intrinsic) else path_get(value, name))
    elif name == "Fn::Join":
        yield from _join_references(value.value if isinstance(value, Intrinsic) else path_get(value, name))


def _literal_reference(reference: str):
    """The key of `prod/db:SecretString:password` (a name or ARN, then the JSON key), unless the
    value is another JSON key than the password or the name is not literal."""
    secret, json_key = _split_reference(reference)
    if "${" in secret or not _is_password_key(json_key):
        return None
    return ("name", _secret_name(secret))


def _split_reference(reference: str) -> tuple[str, str | None]:
    """`{{resolve:secretsmanager:secret-id:SecretString:json-key:...}}` -> (secret-id, json-key)."""
    secret, marker, rest = reference.partition(":SecretString")
    if not marker:
        return reference, None
    return secret, (rest.lstrip(":").split(":", 1)[0] or None)


def _is_password_key(json_key: str | None) -> bool:
    return json_key is None or json_key.lower() == "password"


def _sub_references(value):
    template, variables = value, None
    if isinstance(value, Sequence) and value.items:
        template = value.items[0]
        variables = value.items[1] if len(value.items) > 1 else None
    if not isinstance(template, Scalar) or not isinstance(template.value, str):
        return
    for reference in RESOLVE.findall(template.value):
        secret, json_key = _split_reference(reference)
        if not _is_password_key(json_key):
            continue
        match = SUB_NAME.match(secret)
        if match is None:
            key = _literal_reference(reference)
            keys = [key] if key is not None else []
        elif isinstance(variables, Mapping) and variables.get(match.group(1)) is not None:
            keys = _keys_of_token(variables.get(match.group(1)))
        else:
            keys = _attribute_key(match.group(1), match.group(2))
        for key in keys:
            yield template, key


def _join_references(value):
    """`!Join ['', ['{{resolve:secretsmanager:', !Ref S, ':SecretString:password}}']]`."""
    parts = path_get(value, 1)
    items = parts.items if isinstance(parts, Sequence) else []
    for index, item in enumerate(items[:-1]):
        opening = text(item) if isinstance(item, Scalar) else None
        if not isinstance(opening, str) or not opening.endswith("{{resolve:secretsmanager:"):
            continue
        closing = text(items[index + 2]) if index + 2 < len(items) else None
        json_key = _split_reference(closing.split("}}", 1)[0])[1] if closing else None
        if closing and closing.startswith(":SecretString") and not _is_password_key(json_key):
            continue
        for key in _keys_of_token(items[index + 1]):
            yield item, key


# -- a secret read once, when the module loads ---------------------------------------------------
def _module_scope_reads(service, function):
    """(span, secret key, how the id is written) of each `new GetSecretValueCommand({ SecretId })` that runs at module scope,
    its `SecretId` a literal or `process.env.X` whose environment value names the secret."""
    graph = service.graph(function)
    for file in graph.files if graph is not None else ():
        if b"GetSecretValueCommand" not in file.text:
            continue
        for command in iter_module_scope(file, ("new_expression",)):
            origin = package_origin(file, command.child_by_field_name("constructor"))
            arguments = call_arguments(command)
            if origin != (SECRETS_MODULE, "GetSecretValueCommand") or not arguments:
                continue
            secret_id = object_member(unwrap(arguments[0]), "SecretId") \
                if unwrap(arguments[0]).type == "object" else None
            for key in _secret_id_keys(function, file, secret_id):
                yield file.span(command), key, file.node_text(secret_id)


def _secret_id_keys(function, file, secret_id) -> list:
    if secret_id is None:
        return []
    literal = string_value(file, secret_id)
    if literal is not None:
        return [("name", _secret_name(literal))]
    entry = function.environment.get(env_member(file, secret_id) or "")
    return _keys_of_token(entry[1]) if entry is not None else []


# -- what makes the deploy-time value harmless -----------------------------------------------------
def _has_extension_layer(function) -> bool:
    present, layers = function.own_setting("Layers" if function.kind == "resource" else "layers")
    if not present and function.kind == "function" and function.service.provider is not None:
        layers = function.service.provider.get("layers")  # function layers replace the provider's
    return any(EXTENSION_LAYER in (string_like(node) or "") for _, node in walk(layers))


def _through_proxy(service, function) -> bool:
    entry = function.environment.get(database_env_var(service))
    if entry is None:
        return False
    url = parse_db_url(string_like(entry[1]) or "")
    if url is not None and url.is_rds_proxy:
        return True
    proxies = {proxy.logical_id for proxy in service.resources_of_type("AWS::RDS::DBProxy")}
    for _, node in walk(entry[1]):
        if intrinsic_name(node) == "Fn::GetAtt":
            target = [text(piece) for _, piece in walk(node) if text(piece)]
            if target and target[0].split(".")[0] in proxies:
                return True
        elif isinstance(node, Scalar) and isinstance(node.value, str):
            if any(f"${{{proxy}." in node.value for proxy in proxies):
                return True
    return False


def _declared(service, rotation: Rotation) -> str:
    where = Path(os.path.relpath(rotation.where.span.path, service.root)).as_posix()
    return f"{rotation.setting} at {where}:{rotation.where.span.line}"


def _read_once_message(service, label: str, rotation: Rotation) -> str:
    return (f"The secret `{label}` names is read once, when the module loads, but {rotation.what} "
            f"({_declared(service, rotation)}): a warm instance keeps the old password after a rotation "
            "and its new connections fail. Read it when connecting, with a cache of a few minutes "
            "that is dropped on an authentication error.")


def _message(service, name: str, rotation: Rotation) -> str:
    declared = _declared(service, rotation)
    return (f"`{name}` takes the database secret's value when the stack deploys, but {rotation.what} "
            f"({declared}): after the first rotation the function keeps the old "
            "password and cannot connect until the next deploy. Pass the secret's ARN instead and read "
            "it at runtime (Secrets Manager SDK with a short cache, or the Parameters and Secrets Lambda "
            "Extension), or connect through RDS Proxy.")

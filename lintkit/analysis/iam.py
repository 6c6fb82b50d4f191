"""IAM policy statements a service deploys, wherever they are written: `provider.iamRoleStatements`
(Serverless v1/v2), `provider.iam.role.statements` (v3 and later), per-function
`iamRoleStatements` (serverless-iam-roles-per-function), and the policy documents of raw
`AWS::IAM::Role`, `AWS::IAM::Policy` and `AWS::IAM::ManagedPolicy` resources."""
from __future__ import annotations

from ..model.fieldclasses import fieldclass
from ..model.nodes import Mapping, Node, Scalar, Sequence, path_get, text

# The plugin that reads `iamRoleStatements` on a function; without it the key deploys nothing.
PER_FUNCTION_PLUGINS = ("serverless-iam-roles-per-function",)
POLICY_RESOURCE_TYPES = ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")


@fieldclass
class Statement:
    node: Mapping
    where: str  # "provider.iam.role.statements", "function `x`", "`LogicalId`"
    function: str | None = None  # the function whose role holds it, for per-function statements

    @property
    def allows(self) -> bool:
        return text(self.node.get("Effect")) == "Allow"


def statements(service) -> list[Statement]:
    found = []
    provider = service.provider
    for path in (("iamRoleStatements",), ("iam", "role", "statements")):
        found += _listed(path_get(provider, *path), "provider." + ".".join(path))
    if any(plugin in PER_FUNCTION_PLUGINS for plugin in service.plugins):
        for function in service.functions:
            if function.kind == "function":
                found += _listed(function.node.get("iamRoleStatements"),
                                 f"function `{function.name}`", function.name)
    for resource in service.resources_of_type("AWS::IAM::Role"):
        policies = path_get(resource.properties, "Policies")
        for policy in policies if isinstance(policies, Sequence) else ():
            found += _listed(path_get(policy, "PolicyDocument", "Statement"),
                             f"`{resource.logical_id}`")
    for resource in service.resources_of_type(*POLICY_RESOURCE_TYPES):
        found += _listed(path_get(resource.properties, "PolicyDocument", "Statement"),
                         f"`{resource.logical_id}`")
    return found


def _listed(node: Node | None, where: str, function: str | None = None) -> list[Statement]:
    """A policy's statements: a list of them, or the single statement IAM also accepts."""
    items = node.items if isinstance(node, Sequence) else [node]
    return [Statement(item, where, function) for item in items if isinstance(item, Mapping)]


def values(node: Node | None) -> list[Scalar]:
    """The literal strings of an `Action`/`Resource` value, a string or a list of strings."""
    items = node.items if isinstance(node, Sequence) else [node]
    return [item for item in items if isinstance(item, Scalar) and isinstance(item.value, str)]

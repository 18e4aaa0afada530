"""Each function's IAM policy from template.yaml, resolved to the emulated ARNs, and a small evaluator.

`FunctionPolicies.from_template(template, resources)` collects every function's inline `Policies` statements
(resolving `!Ref`/`!GetAtt`/`!Sub` with the dev server's resolver against the provisioned resources) plus the
policies SAM attaches on its own:
- the basic execution role (CloudWatch Logs) and, with `Tracing: Active`, X-Ray write access;
- for an `SQS` event source, receive/delete/get-attributes/change-visibility on THAT queue. (SAM attaches the
  managed `AWSLambdaSQSQueueExecutionRole`, which is on `*`; we model it on the source queue only, so code
  that reads some other queue is flagged rather than accepted.)
Anything the evaluator cannot model faithfully — a managed policy name, a SAM policy template, a custom
`Role`, `NotAction`/`NotResource`, an unknown condition operator — raises `PolicyError`: an IAM check that
silently skips a grant would prove nothing.

`decide(function, request)` follows IAM's evaluation for identity policies: an explicit Deny wins, then any
Allow whose action, resource and conditions all match. Actions match case-insensitively with `*`/`?`
wildcards; resources case-sensitively with the same wildcards. Conditions: the String*, Arn*, Bool and Null
operators, with `...IfExists`; keys are case-insensitive, several values for a key are ORed, several keys and
operators ANDed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from devserver.cfn import NO_VALUE
from devserver.template import Template
from tests.integration.iam.actions import Request

IMPLICIT = "sam-managed"
SQS_EVENT_SOURCE_ACTIONS = (
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
    "sqs:ChangeMessageVisibility",
)
BASIC_EXECUTION_ACTIONS = ("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents")
XRAY_ACTIONS = (
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "xray:GetSamplingStatisticSummaries",
)
_STRING_OPERATORS = {
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Bool",
}


class PolicyError(ValueError):
    """The template grants something this evaluator cannot evaluate faithfully."""


@functools.cache
def _glob(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    translated = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    flags = re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL
    return re.compile(f"^{translated}$", flags)


def glob_match(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    return _glob(pattern, ignore_case).match(value) is not None


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list | tuple) else [value]
    return tuple(_text(item) for item in items if item is not NO_VALUE)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if not isinstance(value, str | int | float):
        raise PolicyError(f"expected a string in a policy, got {value!r}")
    return str(value)


@dataclass(frozen=True)
class Statement:
    function: str
    sid: str
    effect: str
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    conditions: tuple[tuple[str, str, tuple[str, ...]], ...] = ()  # (operator, key, values)
    source: str = "template"

    def matches_action(self, action: str) -> bool:
        return any(glob_match(pattern, action, ignore_case=True) for pattern in self.actions)

    def matches_resource(self, resource: str) -> bool:
        return any(glob_match(pattern, resource) for pattern in self.resources)

    def conditions_hold(self, request: Request) -> bool:
        return all(_condition(op, key, values, request) for op, key, values in self.conditions)

    def applies(self, request: Request) -> bool:
        return (
            self.matches_action(request.action)
            and self.matches_resource(request.resource)
            and self.conditions_hold(request)
        )


def _condition(operator: str, key: str, values: tuple[str, ...], request: Request) -> bool:
    if_exists = operator.endswith("IfExists")
    base = operator.removesuffix("IfExists")
    actual = request.condition_value(key)
    if base == "Null":
        wanted_absent = {v.lower() for v in values}
        return ("true" if actual is None else "false") in wanted_absent
    if base not in _STRING_OPERATORS:
        raise PolicyError(f"condition operator {operator} is not supported by the evaluator")
    if actual is None:
        return if_exists or base.startswith(("StringNot", "ArnNot"))
    negated = "Not" in base
    core = base.replace("Not", "")
    if core in ("StringLike", "ArnLike"):
        hit = any(glob_match(v, actual) for v in values)
    elif core in ("StringEqualsIgnoreCase", "Bool"):
        hit = any(v.lower() == actual.lower() for v in values)
    else:
        hit = actual in values
    return not hit if negated else hit


@dataclass(frozen=True)
class Decision:
    allowed: bool
    statements: tuple[str, ...] = ()  # Sids that allowed (or the one that denied)
    denied_explicitly: bool = False


@dataclass
class FunctionPolicies:
    statements: dict[str, list[Statement]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # physical ARN/name prefix → logical id (display)

    @classmethod
    def from_template(cls, template: Template, resources: Any) -> FunctionPolicies:
        resolver = resources.resolver(template)
        policies = cls(names=_display_names(resources))
        for logical_id, function in template.functions.items():
            properties = template.resources[logical_id].properties
            if "Role" in properties:
                raise PolicyError(f"{logical_id}: a custom Role is not evaluated (use inline Policies)")
            found: list[Statement] = []
            for index, document in enumerate(_as_list(properties.get("Policies"))):
                if not isinstance(document, dict) or set(document) - {"Statement", "Version"}:
                    raise PolicyError(
                        f"{logical_id}: Policies[{index}] is not an inline statement list ({document!r}); "
                        "managed policies and SAM policy templates are not evaluated"
                    )
                for number, raw in enumerate(_as_list(resolver.resolve(document["Statement"]))):
                    found.append(_statement(logical_id, raw, f"Policies[{index}].Statement[{number}]"))
            found.extend(_implicit(template, logical_id, function, resources))
            policies.statements[logical_id] = found
        return policies

    def functions(self) -> list[str]:
        return sorted(self.statements)

    def decide(self, function: str, request: Request) -> Decision:
        statements = self.statements.get(function, [])
        for statement in statements:
            if statement.effect == "Deny" and statement.applies(request):
                return Decision(False, (statement.sid,), denied_explicitly=True)
        allowing = tuple(s.sid for s in statements if s.effect == "Allow" and s.applies(request))
        return Decision(bool(allowing), allowing)

    def display(self, resource: str) -> str:
        """An ARN with its stack resource replaced by the logical id (`UsersTable/index/gsi1`)."""
        for prefix in sorted(self.names, key=len, reverse=True):
            if resource == prefix or resource.startswith(prefix + "/"):
                return self.names[prefix] + resource[len(prefix) :]
        return resource

    def logical_id(self, resource: str) -> str | None:
        shown = self.display(resource)
        head = shown.split("/", 1)[0]
        return head if head in self.names.values() else None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _statement(function: str, raw: Any, where: str) -> Statement:
    if not isinstance(raw, dict):
        raise PolicyError(f"{function}: {where} is not a statement")
    unsupported = {"NotAction", "NotResource", "NotPrincipal", "Principal"} & set(raw)
    if unsupported:
        raise PolicyError(
            f"{function}: {where} uses {sorted(unsupported)}, which the evaluator does not model"
        )
    effect = _text(raw.get("Effect"))
    if effect not in ("Allow", "Deny"):
        raise PolicyError(f"{function}: {where} has Effect {effect!r}")
    conditions: list[tuple[str, str, tuple[str, ...]]] = []
    for operator, keys in (raw.get("Condition") or {}).items():
        if operator.startswith(("ForAnyValue:", "ForAllValues:")):
            raise PolicyError(f"{function}: {where} uses the set operator {operator}")
        if not isinstance(keys, dict):
            raise PolicyError(f"{function}: {where} condition {operator} is not a map")
        for key, values in keys.items():
            conditions.append((str(operator), str(key), _as_tuple(values)))
    return Statement(
        function=function,
        sid=str(raw.get("Sid") or where),
        effect=effect,
        actions=_as_tuple(raw.get("Action")),
        resources=_as_tuple(raw.get("Resource")),
        conditions=tuple(conditions),
    )


def _implicit(template: Template, logical_id: str, function: Any, resources: Any) -> list[Statement]:
    implicit = [
        Statement(logical_id, "SAM:AWSLambdaBasicExecutionRole", "Allow", BASIC_EXECUTION_ACTIONS, ("*",))
    ]
    properties = {
        **(template.data.get("Globals", {}).get("Function") or {}),
        **template.resources[logical_id].properties,
    }
    if properties.get("Tracing") == "Active":
        implicit.append(Statement(logical_id, "SAM:AWSXrayWriteOnlyAccess", "Allow", XRAY_ACTIONS, ("*",)))
    for source in function.sqs_sources:
        queue = source.queue_logical_id
        if queue is None:
            raise PolicyError(f"{logical_id}: SQS event {source.name} does not name a template queue")
        arn = resources.attribute(queue, "Arn")
        implicit.append(
            Statement(logical_id, f"SAM:SQSEvent:{source.name}", "Allow", SQS_EVENT_SOURCE_ACTIONS, (arn,))
        )
    return [
        Statement(s.function, s.sid, s.effect, s.actions, s.resources, s.conditions, IMPLICIT)
        for s in implicit
    ]


def _display_names(resources: Any) -> dict[str, str]:
    names: dict[str, str] = {}
    for logical_id, physical in resources.physical.items():
        for value in (physical.ref, *physical.attributes.values()):
            if isinstance(value, str) and value.startswith("arn:"):
                names[value] = logical_id
    return names


# ------------------------------------------------------------------------------------------ unused grants


@dataclass(frozen=True)
class Grant:
    """One action × resource pattern of one template statement (the unit a reviewer would remove)."""

    function: str
    sid: str
    action: str
    resource: str


def grants(statements: Iterable[Statement]) -> list[Grant]:
    return [
        Grant(s.function, s.sid, action, resource)
        for s in statements
        if s.source == "template" and s.effect == "Allow"
        for action in s.actions
        for resource in s.resources
    ]


def unused_grants(
    policies: FunctionPolicies, observed: Mapping[str, Sequence[Request]]
) -> dict[str, list[Grant]]:
    """Per function: the grants no observed request used (allowed requests only)."""
    unused: dict[str, list[Grant]] = {}
    for function, statements in policies.statements.items():
        requests = observed.get(function, ())
        by_sid = {s.sid: s for s in statements}
        missing = []
        for grant in grants(statements):
            statement = by_sid[grant.sid]
            used = any(
                glob_match(grant.action, r.action, ignore_case=True)
                and glob_match(grant.resource, r.resource)
                and statement.conditions_hold(r)
                for r in requests
            )
            if not used:
                missing.append(grant)
        unused[function] = missing
    return unused


def unused_condition_values(
    policies: FunctionPolicies, observed: Mapping[str, Sequence[Request]]
) -> dict[str, list[str]]:
    """StringEquals values (e.g. an encryption `purpose`) that no allowed request of the function carried."""
    report: dict[str, list[str]] = {}
    for function, statements in policies.statements.items():
        requests = [r for r in observed.get(function, ()) if any(s.applies(r) for s in statements)]
        for statement in statements:
            for operator, key, values in statement.conditions:
                if operator != "StringEquals" or len(values) < 2:
                    continue
                seen = {r.condition_value(key) for r in requests if statement.matches_action(r.action)}
                for value in values:
                    if value not in seen:
                        report.setdefault(function, []).append(f"{statement.sid}: {key} = {value}")
    return report

"""CloudFormation/SAM template reading: short-form tags, intrinsic functions, conditions.

`load_yaml` turns `!Ref X`, `!GetAtt A.B`, `!Sub ...` and friends into their long form (`{"Ref": "X"}`,
`{"Fn::GetAtt": ["A", "B"]}`, ...). `Resolver` evaluates the long form against parameters, pseudo
parameters, conditions, mappings and the physical ids of emulated resources.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_FUNCTION_TAGS = (
    "Base64",
    "Cidr",
    "FindInMap",
    "GetAZs",
    "If",
    "ImportValue",
    "Join",
    "Select",
    "Split",
    "Sub",
    "Transform",
    "And",
    "Equals",
    "Not",
    "Or",
    "Length",
    "ToJsonString",
)

PSEUDO_NO_VALUE = "AWS::NoValue"


class TemplateError(ValueError):
    """The template uses something the local stack cannot evaluate."""


class _CfnLoader(yaml.SafeLoader):
    """A SafeLoader that understands CloudFormation's short-form tags."""


def _construct(node: yaml.Node, loader: yaml.SafeLoader) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    raise TemplateError(f"unsupported YAML node {node!r}")  # pragma: no cover


def _function_constructor(name: str) -> Callable[[yaml.SafeLoader, yaml.Node], dict[str, Any]]:
    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> dict[str, Any]:
        return {f"Fn::{name}": _construct(node, loader)}

    return construct


def _ref(loader: yaml.SafeLoader, node: yaml.Node) -> dict[str, Any]:
    return {"Ref": _construct(node, loader)}


def _condition(loader: yaml.SafeLoader, node: yaml.Node) -> dict[str, Any]:
    return {"Condition": _construct(node, loader)}


def _get_att(loader: yaml.SafeLoader, node: yaml.Node) -> dict[str, Any]:
    value = _construct(node, loader)
    if isinstance(value, str):
        resource, _, attribute = value.partition(".")
        return {"Fn::GetAtt": [resource, attribute]}
    return {"Fn::GetAtt": value}


for _name in _FUNCTION_TAGS:
    _CfnLoader.add_constructor(f"!{_name}", _function_constructor(_name))
_CfnLoader.add_constructor("!Ref", _ref)
_CfnLoader.add_constructor("!Condition", _condition)
_CfnLoader.add_constructor("!GetAtt", _get_att)


def load_yaml(text: str) -> Any:
    """Parse a CloudFormation YAML (or JSON) document into plain long-form data."""
    return yaml.load(text, Loader=_CfnLoader)  # noqa: S506  # a SafeLoader subclass  # nosec B506


def load_template_file(path: str | Path) -> dict[str, Any]:
    data = load_yaml(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise TemplateError(f"{path}: not a CloudFormation template")
    return data


class _NoValue:
    """`Ref: AWS::NoValue` — the property is removed."""

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return "NoValue"


NO_VALUE = _NoValue()
_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")


@dataclass
class PhysicalResource:
    """What `Ref` and `Fn::GetAtt` return for one emulated resource."""

    ref: str
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass
class Resolver:
    """Evaluates intrinsic functions. Unknown resources resolve to stable placeholders."""

    template: Mapping[str, Any]
    region: str = "us-east-1"
    account_id: str = "123456789012"
    stack_name: str = "bidcraft-local"
    parameter_overrides: Mapping[str, str] = field(default_factory=dict)
    physical: dict[str, PhysicalResource] = field(default_factory=dict)
    _condition_cache: dict[str, bool] = field(default_factory=dict, init=False, repr=False)

    # -- parameters and pseudo parameters ---------------------------------------------------------
    def parameter(self, name: str) -> Any:
        declared = (self.template.get("Parameters") or {}).get(name)
        if declared is None:
            raise TemplateError(f"unknown parameter {name}")
        if name in self.parameter_overrides:
            value: Any = self.parameter_overrides[name]
        elif "Default" in declared:
            value = declared["Default"]
        else:
            raise TemplateError(f"parameter {name} has no Default and no override")
        kind = str(declared.get("Type", "String"))
        if kind == "CommaDelimitedList" or kind.startswith("List<"):
            if isinstance(value, list):
                return [str(item) for item in value]
            return [item.strip() for item in str(value).split(",")] if str(value) else []
        return str(value) if not isinstance(value, bool) else str(value).lower()

    def pseudo(self, name: str) -> Any:
        values: dict[str, Any] = {
            "AWS::Region": self.region,
            "AWS::AccountId": self.account_id,
            "AWS::StackName": self.stack_name,
            "AWS::StackId": (
                f"arn:aws:cloudformation:{self.region}:{self.account_id}:stack/{self.stack_name}/local"
            ),
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NotificationARNs": [],
            PSEUDO_NO_VALUE: NO_VALUE,
        }
        if name not in values:
            raise TemplateError(f"unknown pseudo parameter {name}")
        return values[name]

    # -- references ---------------------------------------------------------------------------------
    def ref(self, name: str) -> Any:
        if name.startswith("AWS::"):
            return self.pseudo(name)
        if name in (self.template.get("Parameters") or {}):
            return self.parameter(name)
        if name in self.physical:
            return self.physical[name].ref
        if name in (self.template.get("Resources") or {}):
            return f"{self.stack_name}-{name}"
        raise TemplateError(f"Ref to unknown name {name}")

    def get_att(self, resource: str, attribute: str) -> Any:
        known = self.physical.get(resource)
        if known is not None and attribute in known.attributes:
            return known.attributes[attribute]
        if resource not in (self.template.get("Resources") or {}):
            raise TemplateError(f"GetAtt to unknown resource {resource}")
        if attribute == "Arn":
            return f"arn:aws:local:{self.region}:{self.account_id}:{self.stack_name}-{resource}"
        return f"{self.stack_name}-{resource}.{attribute}"

    # -- conditions ------------------------------------------------------------------------------------
    def condition(self, name: str) -> bool:
        if name not in self._condition_cache:
            conditions = self.template.get("Conditions") or {}
            if name not in conditions:
                raise TemplateError(f"unknown condition {name}")
            self._condition_cache[name] = bool(self.resolve(conditions[name]))
        return self._condition_cache[name]

    # -- evaluation --------------------------------------------------------------------------------------
    def resolve(self, value: Any) -> Any:
        """Evaluate every intrinsic function inside `value` (a template fragment)."""
        if isinstance(value, list):
            items = [self.resolve(item) for item in value]
            return [item for item in items if item is not NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, argument),) = value.items()
            handler = self._intrinsics().get(key)
            if handler is not None:
                return handler(argument)
        resolved = {key: self.resolve(item) for key, item in value.items()}
        return {key: item for key, item in resolved.items() if item is not NO_VALUE}

    def _intrinsics(self) -> dict[str, Callable[[Any], Any]]:
        return {
            "Ref": lambda arg: self.ref(self._text(arg)),
            "Condition": lambda arg: self.condition(self._text(arg)),
            "Fn::GetAtt": self._fn_get_att,
            "Fn::Sub": self._fn_sub,
            "Fn::Join": self._fn_join,
            "Fn::Split": self._fn_split,
            "Fn::Select": self._fn_select,
            "Fn::If": self._fn_if,
            "Fn::Equals": self._fn_equals,
            "Fn::Not": lambda arg: not self._truth(self._list(arg, 1)[0]),
            "Fn::And": lambda arg: all(self._truth(item) for item in self._list(arg)),
            "Fn::Or": lambda arg: any(self._truth(item) for item in self._list(arg)),
            "Fn::FindInMap": self._fn_find_in_map,
            "Fn::Base64": lambda arg: base64.b64encode(self._text(arg).encode()).decode(),
            "Fn::GetAZs": lambda _arg: [f"{self.region}{zone}" for zone in "abc"],
            "Fn::ImportValue": lambda arg: f"imported-{self._text(arg)}",
            "Fn::ToJsonString": lambda arg: json.dumps(self.resolve(arg), separators=(",", ":")),
            "Fn::Length": lambda arg: len(self._list(arg)),
        }

    def _text(self, value: Any) -> str:
        resolved = self.resolve(value)
        if isinstance(resolved, bool):
            return str(resolved).lower()
        if isinstance(resolved, int | float | str):
            return str(resolved)
        raise TemplateError(f"expected a string, got {resolved!r}")

    def _list(self, value: Any, length: int | None = None) -> list[Any]:
        resolved = self.resolve(value)
        if not isinstance(resolved, list) or (length is not None and len(resolved) != length):
            raise TemplateError(f"expected a list of {length or 'n'} items, got {resolved!r}")
        return resolved

    def _truth(self, value: Any) -> bool:
        resolved = self.resolve(value)
        if isinstance(resolved, str):
            return resolved.lower() == "true"
        return bool(resolved)

    def _fn_get_att(self, argument: Any) -> Any:
        if isinstance(argument, str):
            resource, _, attribute = argument.partition(".")
        else:
            resource, attribute = (self._text(part) for part in self._list(argument, 2))
        return self.get_att(resource, attribute)

    def _fn_sub(self, argument: Any) -> str:
        if isinstance(argument, list):
            if len(argument) != 2:
                raise TemplateError("Fn::Sub takes a string and a map of variables")
            text, variables = argument[0], {k: self.resolve(v) for k, v in argument[1].items()}
        else:
            text, variables = argument, {}
        if not isinstance(text, str):
            raise TemplateError(f"Fn::Sub needs a string, got {text!r}")

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                return str(variables[name])
            if "." in name and not name.startswith("AWS::"):
                resource, _, attribute = name.partition(".")
                return str(self.get_att(resource, attribute))
            resolved = self.ref(name)
            if isinstance(resolved, list):
                return ",".join(resolved)
            return str(resolved)

        return _SUB_VARIABLE.sub(replace, text)

    def _fn_join(self, argument: Any) -> str:
        delimiter, items = self._list(argument, 2)
        if not isinstance(items, list):
            raise TemplateError(f"Fn::Join needs a list, got {items!r}")
        return str(delimiter).join(self._text(item) for item in items)

    def _fn_split(self, argument: Any) -> list[str]:
        delimiter, text = self._list(argument, 2)
        return str(text).split(str(delimiter))

    def _fn_select(self, argument: Any) -> Any:
        index, items = self._list(argument, 2)
        if not isinstance(items, list):
            raise TemplateError(f"Fn::Select needs a list, got {items!r}")
        return items[int(index)]

    def _fn_if(self, argument: Any) -> Any:
        if not isinstance(argument, list) or len(argument) != 3:
            raise TemplateError("Fn::If takes [condition, value_if_true, value_if_false]")
        name, when_true, when_false = argument
        return self.resolve(when_true if self.condition(self._text(name)) else when_false)

    def _fn_equals(self, argument: Any) -> bool:
        left, right = self._list(argument, 2)
        return _comparable(left) == _comparable(right)

    def _fn_find_in_map(self, argument: Any) -> Any:
        name, top, second = (self._text(item) for item in self._list(argument)[:3])
        try:
            return (self.template.get("Mappings") or {})[name][top][second]
        except KeyError as exc:
            raise TemplateError(f"Fn::FindInMap: no {name}/{top}/{second}") from exc


def _comparable(value: Any) -> Any:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return str(value)
    return value


def references(value: Any) -> set[str]:
    """Logical names a template fragment refers to (Ref, GetAtt, ${Name} in Sub)."""
    found: set[str] = set()
    if isinstance(value, list):
        for item in value:
            found |= references(item)
    elif isinstance(value, dict):
        if set(value) == {"Ref"} and isinstance(value["Ref"], str):
            found.add(value["Ref"])
        elif set(value) == {"Fn::GetAtt"}:
            argument = value["Fn::GetAtt"]
            name = argument.partition(".")[0] if isinstance(argument, str) else argument[0]
            found.add(str(name))
        elif set(value) == {"Fn::Sub"}:
            argument = value["Fn::Sub"]
            text = argument[0] if isinstance(argument, list) else argument
            variables = set(argument[1]) if isinstance(argument, list) else set()
            for name in _SUB_VARIABLE.findall(str(text)):
                if not name.startswith("!") and name not in variables:
                    found.add(name.partition(".")[0])
            if isinstance(argument, list):
                found |= references(argument[1])
        else:
            for item in value.values():
                found |= references(item)
    return {name for name in found if not name.startswith("AWS::")}

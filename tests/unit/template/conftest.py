"""Fixtures over template.yaml: a YAML loader for CloudFormation short-form tags and small IAM helpers.

The loader is deliberately tiny and independent of devserver/cfn.py: these tests read the template as text
and check it, they do not evaluate it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
TEMPLATE_PATH = ROOT / "template.yaml"

FUNCTION = "AWS::Serverless::Function"
QUEUE = "AWS::SQS::Queue"
TABLE = "AWS::DynamoDB::Table"
LOG_GROUP = "AWS::Logs::LogGroup"
ALARM = "AWS::CloudWatch::Alarm"
KEY = "AWS::KMS::Key"

_SUB_VARIABLE = re.compile(r"\$\{([^}!][^}]*)\}")


class CfnLoader(yaml.SafeLoader):
    """SafeLoader that turns `!Ref X`, `!GetAtt A.B`, `!Sub ...`, ... into their long (JSON) forms."""


def _construct_tag(loader: CfnLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    if tag_suffix == "Ref":
        return {"Ref": value}
    if tag_suffix == "Condition":
        return {"Condition": value}
    if tag_suffix == "GetAtt" and isinstance(value, str):
        resource, _, attribute = value.partition(".")
        return {"Fn::GetAtt": [resource, attribute]}
    return {f"Fn::{tag_suffix}": value}


CfnLoader.add_multi_constructor("!", _construct_tag)


def load_cfn_yaml(text: str) -> Any:
    return yaml.load(text, Loader=CfnLoader)  # noqa: S506 - a SafeLoader subclass


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def references(value: Any) -> set[str]:
    """Every logical name a fragment points at: Ref, GetAtt and `${Name}` / `${Name.Attr}` inside Sub."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "Ref" and isinstance(inner, str):
                found.add(inner)
            elif key == "Fn::GetAtt":
                found.add(str(inner[0] if isinstance(inner, list) else inner.partition(".")[0]))
            elif key == "Fn::Sub":
                text = inner[0] if isinstance(inner, list) else inner
                found |= {name.partition(".")[0] for name in _SUB_VARIABLE.findall(text)}
                if isinstance(inner, list) and len(inner) > 1:
                    found |= references(inner[1])
            else:
                found |= references(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= references(inner)
    return found


@dataclass(frozen=True)
class Statement:
    function: str
    sid: str
    effect: str
    actions: tuple[str, ...]
    resources: tuple[Any, ...]
    condition: dict[str, Any]

    @property
    def resource_names(self) -> set[str]:
        return references(list(self.resources))


@pytest.fixture(scope="session")
def template() -> dict[str, Any]:
    loaded = load_cfn_yaml(TEMPLATE_PATH.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


@pytest.fixture(scope="session")
def resources(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return dict(template["Resources"])


def _of_type(resources: dict[str, dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {name: body for name, body in resources.items() if body["Type"] == kind}


@pytest.fixture(scope="session")
def functions(template: dict[str, Any], resources: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Function properties with Globals merged in (maps merge key by key, as SAM does)."""
    globals_function = template.get("Globals", {}).get("Function", {})
    return {
        name: _merge(globals_function, body.get("Properties", {}))
        for name, body in _of_type(resources, FUNCTION).items()
    }


@pytest.fixture(scope="session")
def queues(resources: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return _of_type(resources, QUEUE)


@pytest.fixture(scope="session")
def tables(resources: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return _of_type(resources, TABLE)


@pytest.fixture(scope="session")
def alarms(resources: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return _of_type(resources, ALARM)


@pytest.fixture(scope="session")
def statements(functions: dict[str, dict[str, Any]]) -> list[Statement]:
    """Every inline IAM statement of every function (SAM `Policies: - Statement: [...]`)."""
    return list(_statements(functions))


def _statements(functions: dict[str, dict[str, Any]]) -> Iterator[Statement]:
    for name, props in functions.items():
        for policy in as_list(props.get("Policies", [])):
            assert isinstance(policy, dict), f"{name}: managed policy {policy!r}; write inline statements"
            assert "Statement" in policy, f"{name}: SAM policy template {policy!r}; write inline statements"
            for raw in as_list(policy["Statement"]):
                yield Statement(
                    function=name,
                    sid=str(raw.get("Sid", "")),
                    effect=raw["Effect"],
                    actions=tuple(as_list(raw["Action"])),
                    resources=tuple(as_list(raw["Resource"])),
                    condition=dict(raw.get("Condition", {})),
                )


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged

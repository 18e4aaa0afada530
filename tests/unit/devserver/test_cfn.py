"""CloudFormation short-form tags and intrinsic functions, as the local stack evaluates them."""

from __future__ import annotations

from typing import Any

import pytest

from devserver.cfn import PhysicalResource, Resolver, TemplateError, load_yaml, references

TEMPLATE = """
Parameters:
  Stage: {Type: String, Default: dev}
  Origins: {Type: CommaDelimitedList, Default: "https://a.test, https://b.test"}
  Count: {Type: Number, Default: 0}
  NoDefault: {Type: String}
Mappings:
  Sizes:
    dev: {memory: 256}
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  NotProd: !Not [!Condition IsProd]
  HasCount: !Not [!Equals [!Ref Count, 0]]
  Both: !And [!Condition NotProd, !Equals [a, a]]
  Either: !Or [!Condition IsProd, !Condition HasCount]
Resources:
  Table: {Type: AWS::DynamoDB::Table}
  Queue: {Type: AWS::SQS::Queue}
"""


def resolver(**overrides: str) -> Resolver:
    data = load_yaml(TEMPLATE)
    return Resolver(
        data,
        parameter_overrides=overrides,
        physical={
            "Table": PhysicalResource(
                "local-table", {"Arn": "arn:aws:dynamodb:us-east-1:123456789012:table/t"}
            ),
            "Queue": PhysicalResource(
                "http://q.local/queue", {"Arn": "arn:aws:sqs:us-east-1:123456789012:q"}
            ),
        },
    )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("!Ref Table", {"Ref": "Table"}),
        ("!GetAtt Queue.Arn", {"Fn::GetAtt": ["Queue", "Arn"]}),
        ("!GetAtt [Queue, Arn]", {"Fn::GetAtt": ["Queue", "Arn"]}),
        ("!Sub ${AWS::StackName}-x", {"Fn::Sub": "${AWS::StackName}-x"}),
        ("!Sub ['a-${X}', {X: !Ref Table}]", {"Fn::Sub": ["a-${X}", {"X": {"Ref": "Table"}}]}),
        ("!Join [',', [a, b]]", {"Fn::Join": [",", ["a", "b"]]}),
        ("!Split [',', 'a,b']", {"Fn::Split": [",", "a,b"]}),
        ("!If [IsProd, a, b]", {"Fn::If": ["IsProd", "a", "b"]}),
        ("!Select [0, [a]]", {"Fn::Select": [0, ["a"]]}),
        ("!Equals [a, b]", {"Fn::Equals": ["a", "b"]}),
        ("!Not [!Condition X]", {"Fn::Not": [{"Condition": "X"}]}),
        ("!And [a, b]", {"Fn::And": ["a", "b"]}),
        ("!Or [a, b]", {"Fn::Or": ["a", "b"]}),
        ("!FindInMap [M, a, b]", {"Fn::FindInMap": ["M", "a", "b"]}),
        ("!ImportValue shared", {"Fn::ImportValue": "shared"}),
        ("!GetAZs ''", {"Fn::GetAZs": ""}),
        ("!Base64 abc", {"Fn::Base64": "abc"}),
    ],
)
def test_short_form_tags_load_as_long_form(source: str, expected: Any) -> None:
    assert load_yaml(f"value: {source}")["value"] == expected


def test_parameters_use_defaults_then_overrides() -> None:
    assert resolver().resolve({"Ref": "Stage"}) == "dev"
    assert resolver(Stage="prod").resolve({"Ref": "Stage"}) == "prod"
    assert resolver().resolve({"Ref": "Origins"}) == ["https://a.test", "https://b.test"]
    assert resolver().resolve({"Ref": "Count"}) == "0"


def test_parameter_without_default_needs_an_override() -> None:
    with pytest.raises(TemplateError, match="NoDefault"):
        resolver().resolve({"Ref": "NoDefault"})
    assert resolver(NoDefault="given").resolve({"Ref": "NoDefault"}) == "given"


def test_resources_resolve_to_their_physical_ids() -> None:
    r = resolver()
    assert r.resolve({"Ref": "Table"}) == "local-table"
    assert r.resolve({"Fn::GetAtt": ["Queue", "Arn"]}) == "arn:aws:sqs:us-east-1:123456789012:q"
    assert r.resolve({"Fn::GetAtt": "Queue.Arn"}) == "arn:aws:sqs:us-east-1:123456789012:q"


def test_unknown_names_are_errors() -> None:
    with pytest.raises(TemplateError):
        resolver().resolve({"Ref": "Missing"})
    with pytest.raises(TemplateError):
        resolver().resolve({"Fn::GetAtt": ["Missing", "Arn"]})
    with pytest.raises(TemplateError):
        resolver().resolve({"Ref": "AWS::Nonsense"})


def test_sub_replaces_pseudo_parameters_refs_attributes_and_keeps_literals() -> None:
    r = resolver()
    text = "${AWS::Region}/${AWS::AccountId}/${AWS::StackName}/${Table}/${Queue.Arn}/${!Literal}"
    assert r.resolve({"Fn::Sub": text}) == (
        "us-east-1/123456789012/bidcraft-local/local-table/arn:aws:sqs:us-east-1:123456789012:q/${Literal}"
    )


def test_sub_list_form_uses_its_variables_first() -> None:
    value = load_yaml("v: !Sub ['${Name}-${Stage}', {Name: !Ref Table}]")["v"]
    assert resolver().resolve(value) == "local-table-dev"


def test_join_split_select() -> None:
    r = resolver()
    assert r.resolve(load_yaml("v: !Join ['-', [a, !Ref Stage]]")["v"]) == "a-dev"
    assert r.resolve(load_yaml("v: !Split [',', 'x,y,z']")["v"]) == ["x", "y", "z"]
    assert r.resolve(load_yaml("v: !Select [1, !Split [',', 'x,y,z']]")["v"]) == "y"
    assert r.resolve(load_yaml("v: !Select [0, !Ref Origins]")["v"]) == "https://a.test"


def test_conditions_drive_if() -> None:
    value = load_yaml("v: !If [IsProd, big, small]")["v"]
    assert resolver().resolve(value) == "small"
    assert resolver(Stage="prod").resolve(value) == "big"
    assert resolver().condition("NotProd") is True
    assert resolver().condition("HasCount") is False  # "0" (a Number parameter) equals 0
    assert resolver(Count="3").condition("Either") is True
    assert resolver().condition("Both") is True


def test_no_value_removes_the_property() -> None:
    value = load_yaml("v: {Keep: 1, Drop: !If [IsProd, 2, !Ref AWS::NoValue]}")["v"]
    assert resolver().resolve(value) == {"Keep": 1}
    listed = load_yaml("v: [a, !If [IsProd, b, !Ref AWS::NoValue]]")["v"]
    assert resolver().resolve(listed) == ["a"]


def test_find_in_map() -> None:
    assert resolver().resolve(load_yaml("v: !FindInMap [Sizes, !Ref Stage, memory]")["v"]) == 256
    with pytest.raises(TemplateError):
        resolver().resolve(load_yaml("v: !FindInMap [Sizes, prod, memory]")["v"])


def test_references_finds_refs_getatts_and_sub_variables() -> None:
    fragment = load_yaml(
        """
        a: !Ref Table
        b: [!GetAtt Queue.Arn]
        c: !Sub "${Other.Arn}/${AWS::Region}/${!Skip}"
        d: !Sub ["${Local}", {Local: !Ref Fourth}]
        """
    )
    assert references(fragment) == {"Table", "Queue", "Other", "Fourth"}

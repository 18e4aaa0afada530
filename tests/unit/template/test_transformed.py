"""template.yaml after SAM's transform, as CloudFormation receives it (issue 10 items 10 and 11)."""

from __future__ import annotations

from typing import Any

import pytest

from devserver import sam_transform
from tests.unit.template.conftest import TEMPLATE_PATH

EXPECTED_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


@pytest.fixture(scope="module")
def transformed() -> dict[str, Any]:
    return sam_transform.transform(sam_transform.load(TEMPLATE_PATH))


def _cors(transformed: dict[str, Any]) -> Any:
    return transformed["Resources"]["HttpApi"]["Properties"]["Body"]["x-amazon-apigateway-cors"]


def test_the_transformed_api_keeps_its_whole_cors_block(transformed: dict[str, Any]) -> None:
    cors = _cors(transformed)

    # An object, as API Gateway requires — not an intrinsic that replaced it
    assert isinstance(cors, dict)
    assert not any(key.startswith("Fn::") or key == "Ref" for key in cors)
    assert cors["allowOrigins"] == {"Fn::Split": [",", {"Ref": "AllowedOrigins"}]}
    assert cors["allowMethods"] == EXPECTED_METHODS
    assert cors["allowHeaders"] == ["authorization", "content-type", "x-request-id"]
    assert set(cors["exposeHeaders"]) >= {"x-request-id", "retry-after", "www-authenticate"}
    assert cors["maxAge"] == 600
    assert cors["allowCredentials"] is False


def test_cors_does_not_depend_on_how_the_origins_parameter_reaches_the_transform() -> None:
    """CloudFormation hands the macro parameter values; the CORS block must come out the same."""
    template = sam_transform.load(TEMPLATE_PATH)
    for value in ("https://app.example.com", "https://a.example.com,https://b.example.com"):
        cors = _cors(sam_transform.transform(template, {"AllowedOrigins": value}))
        assert cors["allowOrigins"] == {"Fn::Split": [",", {"Ref": "AllowedOrigins"}]}
        assert cors["allowMethods"] == EXPECTED_METHODS


def test_every_api_route_survives_the_transform(transformed: dict[str, Any]) -> None:
    body = transformed["Resources"]["HttpApi"]["Properties"]["Body"]
    paths = body["paths"]
    assert "/auth/{proxy+}" in paths
    assert "/api/upwork/sync" in paths or any(p.startswith("/api/upwork") for p in paths)
    for path, methods in paths.items():
        for method, operation in methods.items():
            integration = operation["x-amazon-apigateway-integration"]
            assert integration["payloadFormatVersion"] == "2.0", (path, method)


def test_the_deployed_webhook_function_keeps_its_reserved_concurrency(transformed: dict[str, Any]) -> None:
    function = transformed["Resources"]["WebhooksFunction"]
    assert function["Type"] == "AWS::Lambda::Function"
    assert function["Properties"]["ReservedConcurrentExecutions"]["Fn::If"][1] == {
        "Ref": "WebhooksReservedConcurrency"
    }

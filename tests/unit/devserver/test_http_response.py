"""Lambda results mapped to HTTP responses with API Gateway's payload 2.0 rules."""

from __future__ import annotations

import base64
import json

import pytest

from devserver.invoker import http_response, problem


def test_structured_result_keeps_status_headers_cookies_and_body() -> None:
    response = http_response(
        {
            "statusCode": 201,
            "headers": {"Content-Type": "application/json", "X-Request-Id": "r1"},
            "cookies": ["a=1; HttpOnly", "b=2"],
            "body": '{"ok": true}',
        }
    )

    assert response.status == 201
    assert response.header("content-type") == "application/json"
    assert [v for k, v in response.headers if k == "Set-Cookie"] == ["a=1; HttpOnly", "b=2"]
    assert response.body == b'{"ok": true}'


def test_base64_bodies_are_decoded() -> None:
    raw = b"%PDF-\x00\xff"

    response = http_response(
        {"statusCode": 200, "body": base64.b64encode(raw).decode(), "isBase64Encoded": True}
    )

    assert response.body == raw


def test_a_result_without_status_code_is_a_200_json_body() -> None:
    response = http_response({"hello": "world"})

    assert response.status == 200
    assert response.header("content-type") == "application/json"
    assert json.loads(response.body) == {"hello": "world"}


def test_missing_body_is_empty() -> None:
    assert http_response({"statusCode": 204}).body == b""


@pytest.mark.parametrize("status", [0, 99, 600, "abc"])
def test_an_invalid_status_code_is_rejected(status: object) -> None:
    with pytest.raises((ValueError, TypeError)):
        http_response({"statusCode": status})


def test_local_problems_are_problem_documents_with_a_request_id() -> None:
    response = problem(502, "internal", "Internal error", "The function failed.", "req-1")

    assert response.status == 502
    assert response.header("content-type") == "application/problem+json"
    assert response.header("x-request-id") == "req-1"
    assert json.loads(response.body) == {
        "type": "https://bidcraft.dev/problems/internal",
        "title": "Internal error",
        "status": 502,
        "detail": "The function failed.",
        "request_id": "req-1",
    }

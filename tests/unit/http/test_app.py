"""The shared resolver: every failure is a problem document, every response carries X-Request-Id."""

from __future__ import annotations

import json
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, Field

from bidcraft import errors
from bidcraft.http import create_app, lambda_handler_for
from devserver.events import http_event


class Echo(BaseModel):
    text: Annotated[str, Field(min_length=3, max_length=10)]


def _app() -> Any:
    app = create_app("test")

    @app.post("/echo")
    def echo(body: Echo) -> Echo:
        return body

    @app.get("/fail/<kind>")
    def fail(kind: str) -> dict[str, str]:
        if kind == "locked":
            raise errors.Locked("locked", retry_after=90)
        if kind == "limited":
            raise errors.RateLimited("slow down", retry_after=7, limit=30, reset=7)
        if kind == "token":
            raise errors.Unauthorized("bad token", token_sent=True)
        if kind == "anonymous":
            raise errors.Unauthorized("no token")
        if kind == "boom":
            raise RuntimeError("secret internal detail at /var/task/app.py")
        raise errors.Conflict("already there")

    return lambda_handler_for(app, public=True)


handler = _app()


def call(
    method: str,
    path: str,
    *,
    json_body: Any = None,
    body: str | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], Any]:
    headers = dict(headers or {})
    if json_body is not None:
        body = json.dumps(json_body)
        headers.setdefault("content-type", "application/json")
    response = handler(http_event(method, path, headers=headers, body=body), None)
    body = response.get("body") or ""
    headers = response["headers"]
    parsed = json.loads(body) if body and "json" in headers.get("Content-Type", "") else body
    return response["statusCode"], headers, parsed


def assert_problem(
    status: int, headers: dict[str, str], body: dict[str, Any], expected: int, slug: str
) -> None:
    assert status == expected
    assert headers["Content-Type"] == "application/problem+json"
    assert body["type"] == f"https://bidcraft.dev/problems/{slug}"
    assert body["status"] == expected
    assert body["title"]
    assert body["detail"]
    assert body["request_id"] == headers["X-Request-Id"]


def test_success_is_json_with_charset_and_request_id() -> None:
    status, headers, body = call("POST", "/echo", json_body={"text": "hello"})
    assert status == 200
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert headers["X-Request-Id"]
    assert body == {"text": "hello"}


def test_client_request_id_is_echoed_when_sane_and_replaced_when_not() -> None:
    _, headers, _ = call("GET", "/fail/x", headers={"X-Request-Id": "abc-123"})
    assert headers["X-Request-Id"] == "abc-123"
    _, headers, _ = call("GET", "/fail/x", headers={"X-Request-Id": "bad\nid"})
    assert headers["X-Request-Id"] != "bad\nid"


@pytest.mark.parametrize(
    ("kind", "status", "slug"),
    [("x", 409, "conflict"), ("locked", 423, "account-locked"), ("limited", 429, "rate-limited")],
)
def test_domain_errors_become_problem_documents(kind: str, status: int, slug: str) -> None:
    assert_problem(*call("GET", f"/fail/{kind}"), status, slug)


def test_locked_and_rate_limited_carry_their_headers() -> None:
    _, headers, _ = call("GET", "/fail/locked")
    assert headers["Retry-After"] == "90"
    _, headers, _ = call("GET", "/fail/limited")
    assert headers["Retry-After"] == "7"
    assert headers["RateLimit-Limit"] == "30"
    assert headers["RateLimit-Remaining"] == "0"
    assert headers["RateLimit-Reset"] == "7"


def test_401_carries_a_bearer_challenge() -> None:
    _, headers, _ = call("GET", "/fail/token")
    assert headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    _, headers, _ = call("GET", "/fail/anonymous")
    assert headers["WWW-Authenticate"] == "Bearer"


def test_unexpected_error_is_a_generic_500_without_internals() -> None:
    status, headers, body = call("GET", "/fail/boom")
    assert_problem(status, headers, body, 500, "internal")
    assert "secret" not in json.dumps(body)
    assert "Traceback" not in json.dumps(body)


def test_unknown_route_is_404_problem() -> None:
    assert_problem(*call("GET", "/nowhere"), 404, "not-found")


def test_malformed_json_is_400() -> None:
    assert_problem(
        *call("POST", "/echo", body="{not json", headers={"content-type": "application/json"}),
        400,
        "malformed-json",
    )


def test_schema_violation_is_422_with_field_errors() -> None:
    status, headers, body = call("POST", "/echo", json_body={"text": "x" * 50})
    assert_problem(status, headers, body, 422, "validation-error")
    assert body["errors"][0]["loc"][-1] == "text"
    assert body["errors"][0]["msg"]


def test_body_over_64_kib_is_413() -> None:
    assert_problem(*call("POST", "/echo", json_body={"text": "x" * (65 * 1024)}), 413, "payload-too-large")


def test_non_json_media_type_is_415() -> None:
    assert_problem(
        *call("POST", "/echo", body="text=hi", headers={"content-type": "text/plain"}),
        415,
        "unsupported-media-type",
    )


def test_protected_function_refuses_anonymous_callers_before_validating_the_body() -> None:
    # Given a function whose routes need a bearer token
    app = create_app("private")

    @app.post("/private")
    def private(body: Echo) -> Echo:
        return body

    protected = lambda_handler_for(app)
    # When an anonymous caller sends an invalid body
    response = protected(
        http_event("POST", "/private", body="{}", headers={"content-type": "application/json"}), None
    )
    # Then the answer is 401 with a bearer challenge, not a 422 that would describe the schema
    assert response["statusCode"] == 401
    assert response["headers"]["WWW-Authenticate"] == "Bearer"
    assert json.loads(response["body"])["type"].endswith("/unauthorized")


def test_deeply_nested_json_is_a_400_not_a_500() -> None:
    status, headers, body = call(
        "POST", "/echo", body="[" * 5000 + "]" * 5000, headers={"content-type": "application/json"}
    )
    assert_problem(status, headers, body, 400, "malformed-json")


def test_duplicate_member_names_are_malformed_json() -> None:
    assert_problem(
        *call(
            "POST",
            "/echo",
            body='{"text": "abc", "text": "xyz"}',
            headers={"content-type": "application/json"},
        ),
        400,
        "malformed-json",
    )


@pytest.mark.parametrize(
    "text",
    [
        '{"text": ' + "9" * 4_301 + "}",  # json.loads raises a plain ValueError past 4,300 digits
        '{"text": -' + "1" * 60_000 + "}",
        '{"text": NaN}',  # not JSON (RFC 8259), though Python's parser takes it
        '{"text": -Infinity}',
    ],
)
def test_numbers_json_does_not_have_are_malformed_json_not_a_500(text: str) -> None:
    assert_problem(
        *call("POST", "/echo", body=text, headers={"content-type": "application/json"}), 400, "malformed-json"
    )


def test_the_largest_integer_python_parses_is_still_a_schema_question() -> None:
    status, headers, body = call(
        "POST", "/echo", body='{"text": ' + "9" * 4_300 + "}", headers={"content-type": "application/json"}
    )
    assert_problem(status, headers, body, 422, "validation-error")


def test_body_that_is_not_utf8_is_malformed_json() -> None:
    response = handler(
        http_event(
            "POST", "/echo", body=b'{"text": "\xff\xfe"}', headers={"content-type": "application/json"}
        ),
        None,
    )
    assert response["statusCode"] == 400
    assert json.loads(response["body"])["type"].endswith("/malformed-json")


def test_known_path_with_another_method_is_405_with_allow() -> None:
    status, headers, body = call("DELETE", "/echo")
    assert_problem(status, headers, body, 405, "method-not-allowed")
    assert headers["Allow"] == "POST"


@pytest.mark.parametrize(
    ("method", "path", "text"),
    [
        ("POST", "/echo", '{"text": "hello"}'),  # success
        ("POST", "/echo", '{"text": 1}'),  # refused by validation
        ("GET", "/fail/token", None),  # a problem from the route
        ("POST", "/echo", "x" * (65 * 1024)),  # refused before routing
    ],
)
def test_every_response_tells_caches_not_to_store_it(method: str, path: str, text: str | None) -> None:
    _, headers, _ = call(method, path, body=text, headers={"content-type": "application/json"})
    assert headers["Cache-Control"] == "no-store"


def test_a_route_that_chooses_its_own_caching_keeps_it() -> None:
    app = create_app("test")

    @app.get("/static")
    def static() -> Any:
        from aws_lambda_powertools.event_handler import Response

        return Response(200, "text/plain", "ok", headers={"Cache-Control": "public, max-age=60"})

    response = lambda_handler_for(app, public=True)(http_event("GET", "/static"), None)
    assert response["headers"]["Cache-Control"] == "public, max-age=60"

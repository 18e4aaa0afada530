"""Route selection as API Gateway HTTP APIs do it."""

from __future__ import annotations

import pytest

from devserver.router import Route, Router

ROUTER = Router(
    [
        Route("GET", "/health", "Meta"),
        Route("GET", "/docs", "Meta"),
        Route("GET", "/docs/{proxy+}", "Meta"),
        Route("ANY", "/auth/{proxy+}", "Auth"),
        Route("POST", "/auth/special", "Special"),
        Route("GET", "/api/users/{user_id}", "Users"),
        Route("ANY", "/api/users/{proxy+}", "UsersAny"),
        Route("ANY", "/api/{proxy+}", "Api"),
        Route("ANY", "$default", "Default"),
    ]
)


@pytest.mark.parametrize(
    ("method", "path", "function", "route_key"),
    [
        ("GET", "/health", "Meta", "GET /health"),
        ("GET", "/docs", "Meta", "GET /docs"),
        ("GET", "/docs/swagger-ui.css", "Meta", "GET /docs/{proxy+}"),
        ("POST", "/auth/special", "Special", "POST /auth/special"),
        ("GET", "/auth/special", "Auth", "ANY /auth/{proxy+}"),
        ("DELETE", "/auth/a/b/c", "Auth", "ANY /auth/{proxy+}"),
        ("GET", "/api/users/42", "Users", "GET /api/users/{user_id}"),
        ("POST", "/api/users/42", "UsersAny", "ANY /api/users/{proxy+}"),
        ("GET", "/api/users/42/items", "UsersAny", "ANY /api/users/{proxy+}"),
        ("GET", "/api/other", "Api", "ANY /api/{proxy+}"),
        ("POST", "/health", "Default", "$default"),
        ("GET", "/auth", "Default", "$default"),
        ("GET", "/auth/", "Default", "$default"),
        ("GET", "/health/", "Default", "$default"),
        ("GET", "/", "Default", "$default"),
    ],
)
def test_most_specific_route_wins(method: str, path: str, function: str, route_key: str) -> None:
    match = ROUTER.match(method, path)

    assert match is not None
    assert (match.route.function, match.route.route_key) == (function, route_key)


def test_path_parameters_are_extracted_and_decoded() -> None:
    def params(path: str) -> dict[str, str]:
        match = ROUTER.match("GET", path)
        assert match is not None
        return match.path_parameters

    assert params("/api/users/me%40x") == {"user_id": "me@x"}
    assert params("/auth/upwork/callback") == {"proxy": "upwork/callback"}
    assert params("/health") == {}


def test_without_a_default_route_nothing_matches() -> None:
    assert Router([Route("GET", "/health", "Meta")]).match("GET", "/nope") is None

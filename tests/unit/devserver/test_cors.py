"""CORS as API Gateway applies an HTTP API's CorsConfiguration."""

from __future__ import annotations

from devserver.cors import CorsPolicy
from devserver.invoker import HttpResponse

CONFIG = {
    "AllowOrigins": ["https://app.example.com"],
    "AllowMethods": ["GET", "POST", "OPTIONS"],
    "AllowHeaders": ["authorization", "content-type"],
    "ExposeHeaders": ["x-request-id", "retry-after"],
    "MaxAge": 600,
}


def policy() -> CorsPolicy:
    built = CorsPolicy.from_config(CONFIG)
    assert built is not None
    return built


def preflight(origin: str, method: str = "POST", headers: str = "content-type") -> dict[str, str]:
    return {
        "origin": origin,
        "access-control-request-method": method,
        "access-control-request-headers": headers,
    }


def test_preflight_for_an_allowed_origin_is_answered() -> None:
    response = policy().preflight(preflight("https://app.example.com"))

    assert response.status == 204
    assert response.header("access-control-allow-origin") == "https://app.example.com"
    assert response.header("access-control-allow-methods") == "GET,POST,OPTIONS"
    assert response.header("access-control-allow-headers") == "content-type"
    assert response.header("access-control-max-age") == "600"


def test_preflight_for_a_foreign_origin_or_header_gets_no_cors_headers() -> None:
    assert policy().preflight(preflight("https://evil.example")).header("access-control-allow-origin") is None
    refused = policy().preflight(preflight("https://app.example.com", headers="x-evil"))
    assert refused.header("access-control-allow-origin") is None
    assert policy().preflight(preflight("https://app.example.com", method="DELETE")).headers == []


def test_local_origins_are_allowed_on_the_local_stack() -> None:
    assert policy().origin_allowed("http://localhost:5173")
    assert policy().origin_allowed("http://127.0.0.1:8080")
    assert not policy().origin_allowed("http://localhost.evil.example")


def test_responses_get_the_origin_and_exposed_headers() -> None:
    response = HttpResponse(200, [("Access-Control-Allow-Origin", "*")], b"{}")

    decorated = policy().decorate(response, "https://app.example.com")

    assert [v for k, v in decorated.headers if k.lower() == "access-control-allow-origin"] == [
        "https://app.example.com"
    ]
    assert decorated.header("access-control-expose-headers") == "x-request-id,retry-after"
    assert policy().decorate(HttpResponse(200), "https://evil.example").headers == []


def test_origins_can_come_from_the_environment() -> None:
    overridden = CorsPolicy.from_config(CONFIG, origins_override="https://a.test, https://b.test")

    assert overridden is not None
    assert overridden.allow_origins == ["https://a.test", "https://b.test"]
    assert CorsPolicy.from_config(None) is None


def test_the_openapi_extension_reads_as_the_sam_property() -> None:
    extension = {key[:1].lower() + key[1:]: value for key, value in CONFIG.items()}

    from_extension = CorsPolicy.from_openapi(extension)

    assert from_extension == CorsPolicy.from_config(CONFIG)
    assert CorsPolicy.from_openapi(None) is None

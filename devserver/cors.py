"""CORS as API Gateway applies an HTTP API's CORS settings (`x-amazon-apigateway-cors` in its OpenAPI body,
or SAM's `CorsConfiguration` property).

With CORS configured, API Gateway answers preflight requests itself (they never reach a function) and adds
the CORS headers to every response for an allowed origin. Allowed origins come from the template (or
`ALLOWED_ORIGINS`); on the local stack any `http://localhost[:port]` / `http://127.0.0.1[:port]` origin is
allowed as well.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from devserver.invoker import HttpResponse

_LOCAL_ORIGIN = re.compile(r"^http://(localhost|127\.0\.0\.1)(:\d{1,5})?$")


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return [str(item) for item in value or []]


@dataclass
class CorsPolicy:
    allow_origins: list[str] = field(default_factory=list)
    allow_methods: list[str] = field(default_factory=list)
    allow_headers: list[str] = field(default_factory=list)
    expose_headers: list[str] = field(default_factory=list)
    allow_credentials: bool = False
    max_age: int | None = None
    allow_local_origins: bool = True

    @classmethod
    def from_config(
        cls, config: Mapping[str, Any] | None, *, origins_override: str | None = None
    ) -> CorsPolicy | None:
        """From a resolved `CorsConfiguration` (None when the API has none)."""
        if not config:
            return None
        max_age = config.get("MaxAge")
        return cls(
            allow_origins=_strings(origins_override)
            if origins_override
            else _strings(config.get("AllowOrigins")),
            allow_methods=[m.upper() for m in _strings(config.get("AllowMethods"))],
            allow_headers=[h.lower() for h in _strings(config.get("AllowHeaders"))],
            expose_headers=_strings(config.get("ExposeHeaders")),
            allow_credentials=config.get("AllowCredentials") in (True, "true"),
            max_age=None if max_age is None else int(max_age),
        )

    @classmethod
    def from_openapi(
        cls, extension: Mapping[str, Any] | None, *, origins_override: str | None = None
    ) -> CorsPolicy | None:
        """From a resolved `x-amazon-apigateway-cors` OpenAPI extension (camelCase keys; None when absent)."""
        if not extension:
            return None
        pascal = {key[:1].upper() + key[1:]: value for key, value in extension.items()}
        return cls.from_config(pascal, origins_override=origins_override)

    def origin_allowed(self, origin: str) -> bool:
        if "*" in self.allow_origins or origin in self.allow_origins:
            return True
        return self.allow_local_origins and bool(_LOCAL_ORIGIN.match(origin))

    @staticmethod
    def is_preflight(method: str, headers: Mapping[str, str]) -> bool:
        return method == "OPTIONS" and "origin" in headers and "access-control-request-method" in headers

    def preflight(self, headers: Mapping[str, str]) -> HttpResponse:
        response = HttpResponse(204)
        origin = headers["origin"]
        method = headers["access-control-request-method"].upper()
        if not self.origin_allowed(origin):
            return response
        if self.allow_methods and "*" not in self.allow_methods and method not in self.allow_methods:
            return response
        requested = [h.strip().lower() for h in headers.get("access-control-request-headers", "").split(",")]
        requested = [h for h in requested if h]
        if "*" not in self.allow_headers and any(h not in self.allow_headers for h in requested):
            return response
        response.headers += self._origin_headers(origin)
        response.headers.append(("Access-Control-Allow-Methods", ",".join(self.allow_methods or [method])))
        if requested:
            response.headers.append(("Access-Control-Allow-Headers", ",".join(requested)))
        if self.max_age is not None:
            response.headers.append(("Access-Control-Max-Age", str(self.max_age)))
        return response

    def decorate(self, response: HttpResponse, origin: str | None) -> HttpResponse:
        """Add the CORS headers for an allowed origin (replacing any the function set)."""
        if not origin or not self.origin_allowed(origin):
            return response
        response.headers = [
            (k, v) for k, v in response.headers if not k.lower().startswith("access-control-")
        ]
        response.headers += self._origin_headers(origin)
        if self.expose_headers:
            response.headers.append(("Access-Control-Expose-Headers", ",".join(self.expose_headers)))
        return response

    def _origin_headers(self, origin: str) -> list[tuple[str, str]]:
        wildcard = "*" in self.allow_origins and not self.allow_credentials
        headers = [("Access-Control-Allow-Origin", "*" if wildcard else origin)]
        if not wildcard:
            headers.append(("Vary", "Origin"))
        if self.allow_credentials:
            headers.append(("Access-Control-Allow-Credentials", "true"))
        return headers

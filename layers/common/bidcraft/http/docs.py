"""The API's published description: the committed OpenAPI document and a Swagger UI that needs no internet.

The document is generated from every function's routes at build time (`make openapi`) and shipped in the
layer, because no single Lambda can import the others' code. Swagger UI's assets come from the copy bundled
inside aws-lambda-powertools, served from our own origin.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

OPENAPI_PATH = Path(__file__).with_name("openapi.json")
PROBLEM_CONTENT: dict[str, Any] = {
    "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
}


def problem(description: str) -> Any:
    """A route's documented error response: a problem document (`responses={409: docs.problem("...")}`)."""
    return {"description": description, "content": PROBLEM_CONTENT}


def ok(model: type, description: str = "OK") -> Any:
    """A route's documented JSON success response carrying `model`."""
    return {"description": description, "content": {"application/json": {"model": model}}}


_ASSETS = {
    "swagger-ui-bundle.js": ("swagger-ui-bundle.min.js", "application/javascript; charset=utf-8"),
    "swagger-ui.css": ("swagger-ui.min.css", "text/css; charset=utf-8"),
}

SWAGGER_HTML = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Bidcraft API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui">Loading…</div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({
      url: "/openapi.json",
      dom_id: "#swagger-ui",
      deepLinking: true,
      persistAuthorization: false,
      validatorUrl: null
    });
  </script>
</body>
</html>
"""


@functools.cache
def openapi_document() -> str:
    return OPENAPI_PATH.read_text(encoding="utf-8")


@functools.cache
def swagger_asset(name: str) -> tuple[str, str] | None:
    """(body, content type) of a Swagger UI asset, or None for an unknown name."""
    entry = _ASSETS.get(name)
    if entry is None:
        return None
    from aws_lambda_powertools.event_handler.openapi import swagger_ui

    filename, content_type = entry
    return (Path(swagger_ui.__file__).with_name(filename).read_text(encoding="utf-8"), content_type)

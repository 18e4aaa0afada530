"""Meta: health, the OpenAPI document, Swagger UI, and the problem document for unknown routes."""

from __future__ import annotations

from bidcraft import startup  # isort: skip  # first: the collector pauses while the function loads

from typing import Literal

from aws_lambda_powertools.event_handler import Response
from pydantic import BaseModel

import bidcraft
from bidcraft.errors import NotFound
from bidcraft.http import create_app, docs, lambda_handler_for

app = create_app("meta")


class Health(BaseModel):
    status: Literal["ok"]
    version: str


@app.get("/health", summary="Liveness check", tags=["meta"])
def health() -> Health:
    return Health(status="ok", version=bidcraft.__version__)


@app.get("/openapi.json", summary="This API's OpenAPI 3.1 document", tags=["meta"], include_in_schema=False)
def openapi() -> Response[str]:
    return Response(200, "application/json; charset=utf-8", docs.openapi_document())


@app.get("/docs", summary="Swagger UI", include_in_schema=False)
def swagger() -> Response[str]:
    return Response(200, "text/html; charset=utf-8", docs.SWAGGER_HTML)


@app.get("/docs/<asset>", include_in_schema=False)
def swagger_asset(asset: str) -> Response[str]:
    found = docs.swagger_asset(asset)
    if found is None:
        raise NotFound("No such documentation asset")
    body, content_type = found
    return Response(200, content_type, body, headers={"Cache-Control": "public, max-age=86400"})


lambda_handler = lambda_handler_for(app, public=True)
startup.finished()

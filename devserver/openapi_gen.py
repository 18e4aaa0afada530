"""Generate the service's OpenAPI 3.1 document from every function's routes.

Each Lambda has its own resolver, so no single function can describe the whole API at run time. This
merges the resolvers' documents, adds what they cannot know (bearer security, problem documents for errors)
and writes `layers/common/bidcraft/http/openapi.json`, which the meta function serves. `--check` fails when
the committed copy is stale (run by the test suite).
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

import bidcraft
from bidcraft.http.docs import OPENAPI_PATH
from bidcraft.http.guard import PUBLIC_PATHS

ROOT = Path(__file__).resolve().parent.parent
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem document",
    "type": "object",
    "required": ["type", "title", "status", "detail", "request_id"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "request_id": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"loc": {"type": "array", "items": {}}, "msg": {"type": "string"}},
            },
        },
    },
}
_PROBLEM_RESPONSE = {
    "description": "Problem document",
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}
_HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


def resolvers() -> dict[str, APIGatewayHttpResolver]:
    """Every function's resolver, by function directory name."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    found: dict[str, APIGatewayHttpResolver] = {}
    for app_file in sorted((ROOT / "functions").glob("*/app.py")):
        module = importlib.import_module(f"functions.{app_file.parent.name}.app")
        app = getattr(module, "app", None)
        if isinstance(app, APIGatewayHttpResolver):
            found[app_file.parent.name] = app
    return found


def _merge_component(target: dict[str, Any], name: str, schema: Any, origin: str) -> None:
    if name in target and target[name] != schema:
        raise SystemExit(f"OpenAPI component {name!r} from {origin} differs from another function's")
    target[name] = schema


def _decorate(path: str, operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    if "422" in responses:
        takes_input = operation.get("parameters") or operation.get("requestBody")
        if takes_input:
            responses["422"] = dict(_PROBLEM_RESPONSE, description="Validation failed")
        else:
            del responses["422"]
    if "204" in responses:  # No Content has no body, whatever the handler's return annotation says
        responses["204"].pop("content", None)
    responses.setdefault("default", _PROBLEM_RESPONSE)
    if path not in PUBLIC_PATHS:
        operation.setdefault("security", [{"bearerAuth": []}])
        responses.setdefault("401", dict(_PROBLEM_RESPONSE, description="Missing or invalid bearer token"))


def build() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {"Problem": PROBLEM_SCHEMA}
    for name, app in resolvers().items():
        doc = json.loads(app.get_openapi_json_schema(title="Bidcraft", version=bidcraft.__version__))
        for path, item in (doc.get("paths") or {}).items():
            for method, operation in item.items():
                if method in _HTTP_METHODS:
                    if method in paths.get(path, {}):
                        raise SystemExit(f"{method.upper()} {path} is served by two functions")
                    _decorate(path, operation)
                    operation.setdefault("tags", [name])
                    paths.setdefault(path, {})[method] = operation
        for comp_name, schema in ((doc.get("components") or {}).get("schemas") or {}).items():
            if comp_name in ("HTTPValidationError", "ValidationError"):
                continue
            _merge_component(schemas, comp_name, schema, name)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Bidcraft API",
            "version": bidcraft.__version__,
            "description": "The backend of an Upwork freelancer's assistant. Errors are RFC 9457 problem "
            "documents; authenticate with `Authorization: Bearer <access_token>`.",
        },
        "servers": [{"url": "/"}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
    }


def render() -> str:
    return json.dumps(build(), indent=2, sort_keys=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="write the committed document")
    mode.add_argument("--check", action="store_true", help="exit 1 when the committed document is stale")
    args = parser.parse_args(argv)
    fresh = render()
    if args.write:
        OPENAPI_PATH.write_text(fresh, encoding="utf-8")
        print(f"wrote {OPENAPI_PATH.relative_to(ROOT)} ({len(json.loads(fresh)['paths'])} paths)")
        return 0
    current = OPENAPI_PATH.read_text(encoding="utf-8") if OPENAPI_PATH.exists() else ""
    if current != fresh:
        print(f"{OPENAPI_PATH.relative_to(ROOT)} is stale: run `make openapi`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

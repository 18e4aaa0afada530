"""The committed OpenAPI document is generated from the routes and must not go stale."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import bidcraft
from bidcraft.http.docs import OPENAPI_PATH
from bidcraft.http.guard import PUBLIC_PATHS
from devserver import openapi_gen

ROOT = Path(__file__).resolve().parents[3]


def test_committed_document_matches_the_routes() -> None:
    assert OPENAPI_PATH.read_text(encoding="utf-8") == openapi_gen.render(), "run `make openapi`"


def test_document_is_openapi_3_1_with_bearer_security_on_private_routes() -> None:
    doc = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
    assert doc["openapi"].startswith("3.1")
    assert doc["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    for path, item in doc["paths"].items():
        for operation in item.values():
            protected = "security" in operation
            assert protected == (path not in PUBLIC_PATHS), path
            assert "default" in operation["responses"], path


def test_package_version_matches_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert bidcraft.__version__ == project["version"]

"""Storage goes through the PynamoDB models of `bidcraft.tables` (issue 10): no deployed module imports
boto3's DynamoDB helpers (`boto3.dynamodb.*` imports all of boto3: 50-75 ms of a cold start). The low-level
calls left (through a model's connection) are named in their modules' docstrings."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DEPLOYED = [ROOT / "layers" / "common" / "bidcraft", ROOT / "functions"]


def _imports(source: str) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_no_deployed_module_imports_boto3s_dynamodb_helpers() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for base in DEPLOYED
        for path in sorted(base.rglob("*.py"))
        if any(name.startswith("boto3.dynamodb") for name in _imports(path.read_text(encoding="utf-8")))
    ]
    assert offenders == []


def test_the_check_sees_an_import_in_a_function_body() -> None:
    source = "def f():\n    from boto3.dynamodb.types import TypeSerializer\n"
    assert "boto3.dynamodb.types" in _imports(source)

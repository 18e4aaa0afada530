"""Shared by every test layer: markers and the repository root. Nothing heavy happens here."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["tests.integration.iam.plugin"]  # records AWS calls for the IAM check (docs/iam.md)

REPO_ROOT = Path(__file__).resolve().parent.parent
_LAYERS = ("unit", "integration", "e2e")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "unit: pure logic, no network")
    config.addinivalue_line("markers", "integration: handlers in-process against moto in server mode")
    config.addinivalue_line("markers", "slow: takes seconds (queue redrive, timeouts)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test with its layer (tests/unit → `unit`, ...) so `-m "not e2e"` works."""
    for item in items:
        parts = Path(str(item.path)).relative_to(REPO_ROOT).parts
        if len(parts) > 1 and parts[0] == "tests" and parts[1] in _LAYERS:
            item.add_marker(parts[1])


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT

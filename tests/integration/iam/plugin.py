"""pytest plugin (registered by tests/conftest.py): records AWS calls while integration tests run.

Inert unless the session collected integration tests: then, before the first test, it installs the recorder
(`recorder.RECORDER.install`) and moves the tests marked `iam_verdict` to the very end of the run, so the
verdict sees every call the other tests caused. Nothing heavy is imported when only unit tests run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
INTEGRATION = REPO_ROOT / "tests" / "integration"
IAM_TESTS = INTEGRATION / "iam"
MARKER = "iam_verdict"


@dataclass
class SessionState:
    integration: bool = False  # any integration test collected: the recorder is on
    suite_collected: bool = False  # integration tests other than tests/integration/iam were collected


STATE = SessionState()


def _under(item: pytest.Item, directory: Path) -> bool:
    return Path(str(item.path)).resolve().is_relative_to(directory)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{MARKER}: runs after every other test and judges the AWS calls they made (IAM)"
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    last = [item for item in items if item.get_closest_marker(MARKER) is not None]
    if last:
        items[:] = [item for item in items if item.get_closest_marker(MARKER) is None] + last


def pytest_collection_finish(session: pytest.Session) -> None:
    STATE.integration = any(_under(item, INTEGRATION) for item in session.items)
    STATE.suite_collected = any(
        _under(item, INTEGRATION) and not _under(item, IAM_TESTS) for item in session.items
    )
    if STATE.integration:
        from tests.integration.iam.recorder import RECORDER

        RECORDER.install(REPO_ROOT / "template.yaml")


def pytest_sessionfinish(session: pytest.Session) -> None:
    if STATE.integration:
        from tests.integration.iam.recorder import RECORDER

        RECORDER.uninstall()

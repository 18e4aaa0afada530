"""Integration tests: handlers in-process against moto in SERVER mode, resources from template.yaml.

The session fixture `local_aws` (autouse) starts the emulator and sets AWS_ENDPOINT_URL, region and dummy
credentials BEFORE any test creates a boto3 client, provisions template.yaml's tables, key, secrets, queues
and bucket with the dev server's own code (devserver.aws.provision), serves the Upwork sandbox on a free
local port, and exports every function's environment variables. Builders and `invoke` are fixtures below.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from devserver.testing import LocalAws

TEST_WEBHOOK_SECRET = "whsec_" + "dGVzdC13ZWJob29rLXNlY3JldC0wMTIzNDU2Nzg5YWJjZGVm"
TEST_REDIRECT_URI = "http://localhost:5173/callback"


def _reset_caches() -> None:
    """Drop the layer's cached clients/settings/secrets so they see the emulator's environment."""
    for module_name in ("bidcraft.aws", "bidcraft.config", "bidcraft.secrets"):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        reset = getattr(module, "reset", None)
        if callable(reset):
            reset()


@pytest.fixture(scope="session", autouse=True)
def local_aws(repo_root: Path) -> Iterator[LocalAws]:
    stack = LocalAws.start(
        repo_root / "template.yaml",
        environ={"WEBHOOK_SECRET": TEST_WEBHOOK_SECRET, "ALLOWED_REDIRECT_URIS": TEST_REDIRECT_URI},
    )
    _reset_caches()
    try:
        yield stack
    finally:
        stack.stop()
        _reset_caches()


@pytest.fixture(scope="session")
def resources(local_aws: LocalAws) -> Any:
    """Physical names by logical id: `resources.ref("UsersTable")`, `.attribute("EventsQueue", "Arn")`."""
    return local_aws.resources


@pytest.fixture(scope="session")
def webhook_secret() -> str:
    return TEST_WEBHOOK_SECRET


@pytest.fixture(scope="session")
def redirect_uri() -> str:
    return TEST_REDIRECT_URI


@pytest.fixture(scope="session")
def apigw_event(local_aws: LocalAws) -> Callable[..., dict[str, Any]]:
    """`apigw_event(method, path, body=None, headers=None, query=None, source_ip=None)` → 2.0 event."""
    return local_aws.apigw_event


@pytest.fixture(scope="session")
def sqs_event(local_aws: LocalAws) -> Callable[..., dict[str, Any]]:
    """`sqs_event(*bodies, queue="EventsQueue")` → SQS event (bodies: str or JSON-able mapping)."""
    return local_aws.sqs_event


@pytest.fixture(scope="session")
def invoke(local_aws: LocalAws) -> Callable[[str, dict[str, Any]], Any]:
    """`invoke(function, event)` → the handler's raw result; function = logical id or directory name."""
    return local_aws.invoke

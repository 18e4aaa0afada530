"""KMS for the envelope tests: the session's moto server (tests/integration/conftest.py) and its key."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from bidcraft import aws, config
from bidcraft.crypto import envelope


@pytest.fixture(scope="session")
def kms_key_id(local_aws: Any) -> str:
    """The template's KMS key in the session's emulator (tests/integration/conftest.py exports it)."""
    return os.environ["KMS_KEY_ID"]


@pytest.fixture(autouse=True)
def _fresh_caches(kms_key_id: str) -> Iterator[None]:
    envelope.reset_cache()
    config.reset()
    yield
    envelope.reset_cache()


@pytest.fixture
def kms_calls() -> Iterator[Counter[str]]:
    """Counts the KMS API calls made through `aws.client("kms")` during the test."""
    calls: Counter[str] = Counter()

    def count(model: Any, **_: Any) -> None:
        calls[model.name] += 1

    events = aws.client("kms").meta.events
    events.register("before-call.kms", count)
    yield calls
    events.unregister("before-call.kms", count)

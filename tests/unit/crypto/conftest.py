from __future__ import annotations

from collections.abc import Iterator

import pytest

from bidcraft import aws, config
from bidcraft.crypto import envelope

from .fake_kms import FakeKms

KEY_ID = "arn:aws:kms:us-east-1:111122223333:key/unit-test"


@pytest.fixture
def kms(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeKms]:
    """Envelope encryption wired to an in-memory KMS, with `KMS_KEY_ID` set and empty caches."""
    fake = FakeKms()
    monkeypatch.setenv("KMS_KEY_ID", KEY_ID)
    monkeypatch.setattr(aws, "client", lambda service: fake if service == "kms" else pytest.fail(service))
    config.reset()
    envelope.reset_cache()
    yield fake
    envelope.reset_cache()
    config.reset()

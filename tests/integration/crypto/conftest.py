"""KMS for the envelope tests: moto in SERVER mode (never the in-process `mock_aws`).

Temporary until tests/integration/conftest.py provides the session-wide moto server: if `AWS_ENDPOINT_URL` is
already set (by that fixture or by the caller) it is reused, and so is `KMS_KEY_ID` when present; otherwise a
server is started here for the session and stopped at its end. Either way the environment is restored.
"""

from __future__ import annotations

import os
import socket
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from bidcraft import aws, config
from bidcraft.crypto import envelope


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session", autouse=True)
def kms_key_id() -> Iterator[str]:
    """The id of a KMS key in the emulator, also exported as `KMS_KEY_ID`."""
    server = None
    with pytest.MonkeyPatch.context() as mp:
        if not os.environ.get("AWS_ENDPOINT_URL"):
            from moto.server import ThreadedMotoServer

            port = _free_port()
            server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
            server.start()
            mp.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
            mp.setenv("AWS_DEFAULT_REGION", "us-east-1")
            mp.setenv("AWS_ACCESS_KEY_ID", "testing")
            mp.setenv("AWS_SECRET_ACCESS_KEY", "testing")
            mp.delenv("AWS_SESSION_TOKEN", raising=False)
            mp.delenv("AWS_PROFILE", raising=False)
        aws.reset()
        key_id = os.environ.get("KMS_KEY_ID") or str(
            aws.client("kms").create_key(Description="bidcraft crypto tests")["KeyMetadata"]["KeyId"]
        )
        mp.setenv("KMS_KEY_ID", key_id)
        config.reset()
        try:
            yield key_id
        finally:
            aws.reset()
            config.reset()
            envelope.reset_cache()
            if server is not None:
                server.stop()
    aws.reset()
    config.reset()


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

"""A webhook attempt as a receiver sees it: Standard Webhooks-signed (checked with the reference library)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from standardwebhooks import Webhook

from bidcraft import clock
from bidcraft.alerts import messages, senders
from tests.unit.outbound.receiver import Answer, loopback_receiver

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # the specification's example secret


def _now() -> datetime:
    """Now, when the attempt is made (not at import): a receiver refuses a timestamp 5 minutes off."""
    return datetime.now(UTC).replace(microsecond=0)


def _outgoing(url: str, at: datetime | None = None) -> senders.Outgoing:
    return senders.Outgoing(
        delivery_id="dl_0123456789abcdef01234567",
        delivery_type="job.matched",
        channel_type="webhook",
        target=url,
        secret=SECRET,
        search_id="s-42",
        job=messages.SAMPLE_JOB,
        at=at or _now(),
    )


@pytest.mark.usefixtures("local_stack")
def test_the_receiver_gets_a_signed_job_matched_event() -> None:
    with loopback_receiver() as receiver:
        now = _now()
        result = senders.send(_outgoing(f"{receiver.url}/hooks/bidcraft", now))

    assert result == senders.SendResult(True, 200)
    (request,) = receiver.requests
    verified = Webhook(SECRET).verify(request.body, request.headers)  # raises if the signature is wrong
    assert verified["type"] == "job.matched"
    assert verified["data"] == {"search_id": "s-42", "job": messages.SAMPLE_JOB}
    assert request.headers["webhook-id"] == "dl_0123456789abcdef01234567"
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.body)["timestamp"] == clock.iso(now)
    assert request.headers["webhook-timestamp"] == str(clock.epoch(now))


@pytest.mark.usefixtures("local_stack")
def test_a_non_2xx_answer_is_a_failure_with_its_status() -> None:
    with loopback_receiver(lambda _r: Answer(503, b"busy")) as receiver:
        result = senders.send(_outgoing(f"{receiver.url}/hook"))

    assert result == senders.SendResult(False, 503, "http_503")


def test_deployed_a_loopback_target_is_refused_without_a_request(monkeypatch: pytest.MonkeyPatch) -> None:
    from bidcraft import config

    monkeypatch.setenv("LOCAL_STACK", "false")
    config.reset()
    with loopback_receiver() as receiver:
        result = senders.send(_outgoing(f"{receiver.url}/hook"))

    assert result == senders.SendResult(False, None, "refused_scheme")
    assert receiver.requests == []
    config.reset()

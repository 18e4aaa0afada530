"""The guarded client against loopback receivers: pinned address, Host kept, no redirects, timeout, cap."""

from __future__ import annotations

import logging

import httpx2
import pytest

from bidcraft.outbound.client import GuardedClient, OutboundFailed, OutboundRefused
from bidcraft.outbound.guard import Policy
from tests.unit.outbound.receiver import Answer, Received, loopback_receiver

LOCAL = Policy(allow_loopback=True)


class ScriptedResolver:
    """Answers each lookup with the next scripted answer (a rebinding DNS server does exactly this)."""

    def __init__(self, *answers: list[str]) -> None:
        self.answers = list(answers)
        self.lookups = 0

    def __call__(self, host: str, port: int) -> list[str]:
        self.lookups += 1
        return self.answers.pop(0) if self.answers else []


def test_connects_to_the_checked_address_and_keeps_the_host_name() -> None:
    with loopback_receiver() as receiver:
        resolver = ScriptedResolver(["127.0.0.1"], ["10.9.9.9"])
        client = GuardedClient(LOCAL, resolver=resolver)

        response = client.post(
            f"http://localhost:{receiver.port}/hook?a=1", content=b'{"x":1}', headers={"X-Test": "1"}
        )

    assert response.status_code == 200
    assert response.address == "127.0.0.1"
    assert resolver.lookups == 1  # one lookup; the second (rebound) answer is never asked for
    (request,) = receiver.requests
    assert request.path == "/hook?a=1"
    assert request.headers["host"] == f"localhost:{receiver.port}"
    assert request.headers["x-test"] == "1"
    assert request.body == b'{"x":1}'


def test_a_rebinding_answer_that_turns_private_is_refused_before_connecting() -> None:
    # Given a name whose (single) answer mixes a loopback address with a private one
    client = GuardedClient(LOCAL, resolver=ScriptedResolver(["127.0.0.1", "192.168.0.10"]))

    with loopback_receiver() as receiver, pytest.raises(OutboundRefused) as refused:
        client.post(f"http://localhost:{receiver.port}/hook", content=b"{}", headers={})

    assert refused.value.reason == "private"
    assert receiver.requests == []


def test_redirects_are_not_followed() -> None:
    def answer(request: Received) -> Answer:
        if request.path == "/hook":
            return Answer(302, b"", {"Location": "/internal"})
        return Answer(200)

    with loopback_receiver(answer) as receiver:
        response = GuardedClient(LOCAL).post(f"{receiver.url}/hook", content=b"{}", headers={})

    assert response.status_code == 302
    assert [r.path for r in receiver.requests] == ["/hook"]


def test_a_slow_receiver_times_out() -> None:
    with loopback_receiver(lambda _r: Answer(200, delay=1.5)) as receiver:
        client = GuardedClient(LOCAL, timeout=0.3)
        with pytest.raises(OutboundFailed) as failed:
            client.post(f"{receiver.url}/hook", content=b"{}", headers={})

    assert failed.value.reason == "timeout"


def test_the_default_timeout_is_five_seconds() -> None:
    assert GuardedClient(LOCAL).timeout == 5.0


def test_a_huge_response_body_is_cut_at_the_cap() -> None:
    with loopback_receiver(lambda _r: Answer(200, b"x" * 1_000_000)) as receiver:
        response = GuardedClient(LOCAL, max_body_bytes=1024).post(
            f"{receiver.url}/hook", content=b"{}", headers={}
        )

    assert response.truncated is True
    assert len(response.body) == 1024


def test_a_closed_port_is_a_connect_error() -> None:
    with loopback_receiver() as receiver:
        port = receiver.port
    with pytest.raises(OutboundFailed) as failed:
        GuardedClient(LOCAL).post(f"http://127.0.0.1:{port}/hook", content=b"{}", headers={})

    assert failed.value.reason == "connect_error"


def test_the_deployed_policy_refuses_the_loopback_receiver() -> None:
    with loopback_receiver() as receiver, pytest.raises(OutboundRefused) as refused:
        GuardedClient(Policy()).post(f"{receiver.url}/hook", content=b"{}", headers={})

    assert refused.value.reason == "scheme"
    assert receiver.requests == []


def test_proxy_environment_variables_are_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://10.0.0.1:3128")
    monkeypatch.setenv("ALL_PROXY", "http://10.0.0.1:3128")

    with loopback_receiver() as receiver:
        response = GuardedClient(LOCAL).post(f"{receiver.url}/hook", content=b"{}", headers={})

    assert response.status_code == 200
    assert len(receiver.requests) == 1


def test_the_url_never_reaches_the_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)

    with loopback_receiver() as receiver:
        url = f"{receiver.url}/bot123:SECRET-TOKEN/sendMessage"
        GuardedClient(LOCAL).post(url, content=b"{}", headers={})

    assert "SECRET-TOKEN" not in caplog.text
    with httpx2.Client(trust_env=False) as plain, loopback_receiver() as receiver:
        plain.post(f"{receiver.url}/not-guarded")  # httpx2's own logging is left alone otherwise
    assert "/not-guarded" in caplog.text

"""Fixed-window rate limits counted atomically in DynamoDB (security-tests R1–R5)."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.stub import Stubber

from bidcraft import config
from bidcraft.errors import ConfigurationError, RateLimited
from bidcraft.security import ratelimit
from bidcraft.tables.users import RateWindow
from devserver.testing import LocalAws

WINDOW_START = 1_800_000_000 - 1_800_000_000 % ratelimit.WINDOW_SECONDS


@pytest.fixture
def limit_of_three(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("RATE_LIMIT_AI_OPERATIONS", "3")
    config.reset()
    yield
    config.reset()


def subject() -> str:
    return f"user:{uuid.uuid4()}"


@pytest.mark.usefixtures("limit_of_three")
def test_requests_up_to_the_limit_pass_and_the_next_is_429() -> None:
    # Given a limit of 3 per minute
    who = subject()
    # When 3 requests arrive in one window
    states = [ratelimit.hit(ratelimit.AI_OPERATIONS, who, now_epoch=WINDOW_START + i) for i in range(3)]
    # Then all pass with a falling remainder, and the 4th is refused until the window ends
    assert [s.remaining for s in states] == [2, 1, 0]
    with pytest.raises(RateLimited) as refused:
        ratelimit.hit(ratelimit.AI_OPERATIONS, who, now_epoch=WINDOW_START + 10)
    assert refused.value.headers["Retry-After"] == "50"
    assert refused.value.headers["RateLimit-Limit"] == "3"
    assert refused.value.headers["RateLimit-Remaining"] == "0"


@pytest.mark.usefixtures("limit_of_three")
def test_counters_are_independent_per_subject_and_class() -> None:
    alice, bob = subject(), subject()
    for i in range(3):
        ratelimit.hit(ratelimit.AI_OPERATIONS, alice, now_epoch=WINDOW_START + i)
    assert ratelimit.hit(ratelimit.AI_OPERATIONS, bob, now_epoch=WINDOW_START + 5).remaining == 2
    api = ratelimit.hit(ratelimit.API, alice, now_epoch=WINDOW_START + 5)
    assert api.remaining == ratelimit.limit_for(ratelimit.API) - 1


@pytest.mark.usefixtures("limit_of_three")
def test_next_window_is_allowed_again_without_waiting_for_ttl() -> None:
    who = subject()
    for i in range(3):
        ratelimit.hit(ratelimit.AI_OPERATIONS, who, now_epoch=WINDOW_START + i)
    nxt = ratelimit.hit(ratelimit.AI_OPERATIONS, who, now_epoch=WINDOW_START + ratelimit.WINDOW_SECONDS)
    assert nxt.remaining == 2


@pytest.mark.usefixtures("limit_of_three")
def test_two_callers_at_limit_minus_one_admit_exactly_one() -> None:
    # Given a counter at limit - 1 (interleaving: both callers have decided to call, in a fixed order)
    who = subject()
    for i in range(2):
        ratelimit.hit(ratelimit.AI_OPERATIONS, who, now_epoch=WINDOW_START + i)
    outcomes = []
    for _ in range(2):
        try:
            ratelimit.hit(ratelimit.AI_OPERATIONS, who, now_epoch=WINDOW_START + 3)
            outcomes.append("admitted")
        except RateLimited:
            outcomes.append("refused")
    # Then the conditional ADD admits one and refuses the other: no read-then-write gap to slip through
    assert outcomes == ["admitted", "refused"]


@pytest.mark.usefixtures("limit_of_three")
def test_peek_reports_without_counting() -> None:
    who = subject()
    ratelimit.hit(ratelimit.AI_OPERATIONS, who, now_epoch=WINDOW_START)
    first = ratelimit.peek(ratelimit.AI_OPERATIONS, who, now_epoch=WINDOW_START + 1)
    second = ratelimit.peek(ratelimit.AI_OPERATIONS, who, now_epoch=WINDOW_START + 2)
    assert first.remaining == second.remaining == 2
    assert not first.exceeded


# --- when DynamoDB refuses (issue 10 item 15) ---------------------------------------------------------------


def _metric_components(stdout: str) -> list[tuple[str, str]]:
    """(metric name, component) of every CloudWatch embedded-metric document printed."""
    found = []
    for line in stdout.splitlines():
        if line.startswith("{") and '"_aws"' in line:
            document = json.loads(line)
            for directive in document["_aws"]["CloudWatchMetrics"]:
                found += [(metric["Name"], document.get("component", "")) for metric in directive["Metrics"]]
    return found


def test_a_missing_table_is_a_misconfiguration_not_a_free_pass(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given the limiter's table does not exist (a wrong USERS_TABLE)
    monkeypatch.setenv("USERS_TABLE", "bidcraft-no-such-table")
    config.reset()
    capsys.readouterr()

    # When a request is counted
    with caplog.at_level(logging.ERROR), pytest.raises(ConfigurationError) as refused:
        ratelimit.hit(ratelimit.API, subject(), now_epoch=WINDOW_START)

    # Then it is refused as a 500, logged as an error and metered
    config.reset()
    assert refused.value.status == 500
    assert [getattr(r, "error", None) for r in caplog.records if r.getMessage() == "misconfigured"] == [
        "ResourceNotFoundException"
    ]
    assert ("Misconfiguration", "rate_limiter") in _metric_components(capsys.readouterr().out)


def _counter_client() -> Any:
    """The botocore client the limiter's PynamoDB model calls through (to stub its answers)."""
    return RateWindow._get_connection().connection.client


def test_access_denied_is_a_misconfiguration(capsys: pytest.CaptureFixture[str]) -> None:
    with Stubber(_counter_client()) as stub:
        stub.add_client_error("update_item", "AccessDeniedException", http_status_code=400)
        with pytest.raises(ConfigurationError):
            ratelimit.hit(ratelimit.API, subject(), now_epoch=WINDOW_START)
    assert ("Misconfiguration", "rate_limiter") in _metric_components(capsys.readouterr().out)


@pytest.mark.parametrize(
    "code", ["ProvisionedThroughputExceededException", "ThrottlingException", "InternalServerError"]
)
def test_throttling_or_an_outage_fails_open_loudly(
    code: str, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    """The limiter protects capacity; a DynamoDB outage must not take the whole API down with it."""
    with caplog.at_level(logging.ERROR), Stubber(_counter_client()) as stub:
        stub.add_client_error(
            "update_item", code, http_status_code=500 if code == "InternalServerError" else 400
        )
        state = ratelimit.hit(ratelimit.API, subject(), now_epoch=WINDOW_START)

    assert state.remaining == state.limit
    failed_open = [r for r in caplog.records if r.getMessage() == "rate limiter failed open"]
    assert [getattr(r, "error", None) for r in failed_open] == [code]
    assert ("RateLimiterFailedOpen", "rate_limiter") in _metric_components(capsys.readouterr().out)


def test_a_misconfigured_limiter_answers_a_route_with_500(
    local_aws: LocalAws, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the auth function's limiter may not write its table
    event = local_aws.apigw_event(
        "POST",
        "/auth/upwork/init",
        body={"redirect_uri": "http://localhost:5173/callback"},
        source_ip="203.0.113.8",
    )

    # When a rate-limited route is called
    with Stubber(_counter_client()) as stub:
        stub.add_client_error("update_item", "AccessDeniedException", http_status_code=400)
        raw = local_aws.invoke("AuthFunction", event)

    # Then it is a 500 problem, not a request let through
    assert raw["statusCode"] == 500
    assert json.loads(raw["body"])["type"] == "https://bidcraft.dev/problems/misconfigured"

"""Fixed-window rate limits counted atomically in DynamoDB (security-tests R1–R5)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from bidcraft import config
from bidcraft.errors import RateLimited
from bidcraft.security import ratelimit

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

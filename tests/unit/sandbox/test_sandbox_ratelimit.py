"""Upwork's documented limit, as the sandbox enforces it: more than 10 requests per second per IP → 429."""

from __future__ import annotations

from devserver.sandbox.ratelimit import SlidingWindowLimiter

from .helpers import Driver, FakeClock


def test_the_eleventh_request_within_a_second_is_429(driver: Driver, clock: FakeClock) -> None:
    # Given a signed-in client (the token request counted too)
    token = driver.sign_in()["access_token"]
    clock.advance(seconds=1)

    # When it sends 11 GraphQL requests within one second
    statuses = []
    for _ in range(11):
        statuses.append(driver.graphql(token, "{ user { id } }").status)
        clock.advance(seconds=0.05)

    # Then the first 10 pass and the 11th is throttled with Retry-After: 1
    assert statuses == [200] * 10 + [429]
    throttled = driver.graphql(token, "{ user { id } }")
    assert throttled.status == 429
    assert throttled.headers["Retry-After"] == "1"
    assert throttled.json()["errors"][0]["extensions"]["code"] == "TOO_MANY_REQUESTS"


def test_the_window_slides_and_other_ips_are_not_affected(driver: Driver, clock: FakeClock) -> None:
    token = driver.sign_in()["access_token"]
    clock.advance(seconds=1)
    for _ in range(10):
        driver.graphql(token, "{ user { id } }")

    assert driver.graphql(token, "{ user { id } }").status == 429
    assert driver.graphql(token, "{ user { id } }", ip="10.0.0.2").status == 200
    clock.advance(seconds=1)
    assert driver.graphql(token, "{ user { id } }").status == 200


def test_the_authorize_page_is_not_rate_limited(driver: Driver) -> None:
    statuses = {driver.authorize().status for _ in range(30)}

    assert statuses == {302}


def test_sliding_window_limiter() -> None:
    limiter = SlidingWindowLimiter(limit=2, window=1.0)

    assert limiter.allow("a", 0.0)
    assert limiter.allow("a", 0.5)
    assert not limiter.allow("a", 0.9)  # rejected requests do not count
    assert limiter.allow("a", 1.0)  # the hit at 0.0 has left the window (t - 1.0, t]
    assert not limiter.allow("a", 1.4)
    assert limiter.allow("a", 1.5)
    assert limiter.allow("b", 1.5)

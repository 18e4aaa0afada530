"""A polling round against in-memory fakes: one Upwork request per distinct search, only what is new, results
kept to the searches' owners, the budget respected, failures contained."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from bidcraft.errors import Conflict
from bidcraft.jobs import poller, store
from bidcraft.upwork.errors import UpworkError

from .fakes import NOW, FakeSearch, FakeStore, contexts, posting

Sub = store.Subscriber


@pytest.fixture
def fake_store(monkeypatch: pytest.MonkeyPatch) -> FakeStore:
    fake = FakeStore()
    monkeypatch.setattr(poller, "store", fake)
    return fake


def run(search: FakeSearch, *, alert: Callable[..., None] | None = None, **kwargs: Any) -> poller.RoundReport:
    sent: list[tuple[Any, ...]] = []
    return poller.run_round(
        now=NOW,
        searcher=lambda: search,
        token_for=lambda scope: f"token-for-{scope}",
        contexts=contexts(),
        alert=alert or (lambda *args: sent.append(args)),
        **kwargs,
    )


def test_a_hundred_users_with_the_same_search_cost_one_upwork_request(fake_store: FakeStore) -> None:
    # Given 100 users subscribed to one distinct search (service credentials), and two new postings
    subs = [Sub(f"u{i}", f"s{i}", None) for i in range(100)]
    fake_store.subscribe("fp1", {"skills": ["Python"]}, "service", *subs)
    search = FakeSearch([posting("j1", 3), posting("j2", 1)])
    # When a round runs
    report = run(search)
    # Then Upwork was asked once, and every user got both jobs
    assert len(search.calls) == 1
    assert search.tokens == ["token-for-service"]
    assert report.polled == 1
    assert report.new_jobs == 2
    assert report.feed_items == 200
    assert all(set(fake_store.feeds[f"u{i}"]) == {"j1", "j2"} for i in range(100))


def test_each_distinct_search_is_fetched_once_with_its_filters(fake_store: FakeStore) -> None:
    fake_store.subscribe("fp1", {"query": "django", "job_type": "hourly"}, "service", Sub("u1", "s1", None))
    fake_store.subscribe(
        "fp2",
        {"category": "Design & Creative", "verified_payment_only": True},
        "service",
        Sub("u2", "s2", None),
    )
    search = FakeSearch([posting("j1", 2)])
    run(search)
    assert len(search.calls) == 2
    first, second = search.calls
    assert first["query"] == "django"
    assert first["job_type"] == "hourly"
    assert first["limit"] == poller.PAGE_SIZE
    assert second["category"] == "Design & Creative"
    assert second["verified_payment_only"] is True


def test_the_next_round_fetches_only_what_is_new(fake_store: FakeStore) -> None:
    # Given a round that saw j1 and j2
    fake_store.subscribe("fp1", {"skills": ["Python"]}, "service", Sub("u1", "s1", None))
    search = FakeSearch([posting("j1", 3), posting("j2", 1)])
    run(search)
    # When a third posting appears — at the same instant as j2 — and the next round runs
    search.postings.append(posting("j3", 1))
    report = run(search)
    # Then the second request asked from the high-water mark on, and only j3 is new
    assert search.calls[1]["posted_after"] == NOW - timedelta(minutes=1)
    assert report.new_jobs == 1
    assert set(fake_store.feeds["u1"]) == {"j1", "j2", "j3"}


def test_postings_older_than_a_day_are_never_stored(fake_store: FakeStore) -> None:
    fake_store.subscribe("fp1", {"skills": ["Python"]}, "service", Sub("u1", "s1", None))
    run(FakeSearch([posting("old", 25 * 60), posting("new", 10)]))
    assert set(fake_store.jobs) == {"new"}


def test_an_owner_scoped_search_feeds_only_its_owner_and_skips_what_they_applied_to(
    fake_store: FakeStore,
) -> None:
    # Given an entry running with u1's token (owner credentials), and a posting u1 already applied to
    fake_store.subscribe(
        "fp1", {"skills": ["Python"]}, "user:u1", Sub("u1", "s1", None), Sub("u2", "s2", None)
    )
    search = FakeSearch([posting("j1", 2), posting("applied", 1, applied=True)])
    # When the round runs
    run(search)
    # Then u1's token was used, only u1 got jobs, and not the one they applied to
    assert search.tokens == ["token-for-user:u1"]
    assert set(fake_store.feeds) == {"u1"}
    assert set(fake_store.feeds["u1"]) == {"j1"}


def test_two_searches_of_one_user_matching_a_job_make_one_feed_item(fake_store: FakeStore) -> None:
    fake_store.subscribe(
        "fp1", {"skills": ["Python"]}, "service", Sub("u1", "s1", None), Sub("u1", "s2", None)
    )
    run(FakeSearch([posting("j1", 2)]))
    assert fake_store.feeds["u1"]["j1"].search_ids == ("s1", "s2")


def test_alerts_go_out_for_matches_at_or_above_the_searches_min_score(fake_store: FakeStore) -> None:
    alerts_low = {"channel_ids": ["c1"], "min_score": 0.1}
    alerts_high = {"channel_ids": ["c2"], "min_score": 0.99}
    fake_store.subscribe(
        "fp1",
        {"skills": ["Python"]},
        "service",
        Sub("u1", "s1", alerts_low),
        Sub("u2", "s2", alerts_high),
        Sub("u3", "s3", None),
    )
    sent: list[tuple[Any, ...]] = []
    run(FakeSearch([posting("j1", 2)]), alert=lambda *args: sent.append(args))
    assert [(user, sid) for user, sid, _, _ in sent] == [("u1", "s1")]
    _user, _sid, alerts, job = sent[0]
    assert alerts == alerts_low
    assert job["job_id"] == "j1"
    assert job["matched_searches"] == ["s1"]
    assert job["scores"]["overall"] >= 0.1


def test_the_budget_stops_the_round_and_the_rest_waits(fake_store: FakeStore) -> None:
    # Given three distinct searches and a budget that refuses after the first request
    for n in range(3):
        fake_store.subscribe(f"fp{n}", {"query": f"q{n}"}, "service", Sub(f"u{n}", f"s{n}", None))
    search = FakeSearch([posting("j1", 2)], refuse_after=1)
    # When a round runs
    report = run(search)
    # Then it does not fail: one search polled, two deferred, their marks untouched
    assert (report.polled, report.deferred, report.failed) == (1, 2, 0)
    assert fake_store.entries["fp1"].last_polled_at is None
    assert fake_store.entries["fp2"].last_polled_at is None


def test_running_out_of_time_defers_the_rest(fake_store: FakeStore) -> None:
    for n in range(3):
        fake_store.subscribe(f"fp{n}", {"query": f"q{n}"}, "service", Sub(f"u{n}", f"s{n}", None))
    left = iter([100.0, 5.0, 5.0])
    report = run(FakeSearch([posting("j1", 2)]), remaining_seconds=lambda: next(left))
    assert (report.polled, report.deferred) == (1, 2)


def test_a_failing_search_is_retried_next_round_and_others_go_on(fake_store: FakeStore) -> None:
    fake_store.subscribe("fp0", {"query": "a"}, "user:gone", Sub("gone", "s0", None))
    fake_store.subscribe("fp1", {"query": "b"}, "service", Sub("u1", "s1", None))
    search = FakeSearch([posting("j1", 2)])

    def token_for(scope: str) -> str:
        if scope == "user:gone":
            raise Conflict("Upwork is not connected", slug="upwork-not-connected")
        return "t"

    report = poller.run_round(
        now=NOW, searcher=lambda: search, token_for=token_for, contexts=contexts(), alert=print
    )
    assert (report.polled, report.failed) == (1, 1)
    assert fake_store.entries["fp0"].last_polled_at is None
    assert fake_store.entries["fp1"].last_polled_at == "2026-12-01T21:00:00Z"


def test_an_upwork_error_leaves_the_mark_so_nothing_is_lost(fake_store: FakeStore) -> None:
    fake_store.subscribe("fp1", {"query": "b"}, "service", Sub("u1", "s1", None))

    class Broken(FakeSearch):
        def search_jobs(self, access_token: Any, **kwargs: Any) -> Any:
            raise UpworkError("Upwork failed with HTTP 500")

    report = run(Broken())
    assert report.failed == 1
    assert fake_store.entries["fp1"].high_water is None


def test_entries_without_subscribers_are_dropped_not_polled(fake_store: FakeStore) -> None:
    fake_store.subscribe("fp1", {"query": "b"}, "service")
    search = FakeSearch([posting("j1", 2)])
    report = run(search)
    assert report.dropped_entries == 1
    assert not search.calls
    assert "fp1" not in fake_store.entries


def test_data_as_of_is_recorded_for_every_subscribers_feed(fake_store: FakeStore) -> None:
    fake_store.subscribe("fp1", {"query": "b"}, "service", Sub("u1", "s1", None), Sub("u1", "s2", None))
    run(FakeSearch([]))
    assert sorted(fake_store.touched) == ["FEED#u1", "FEED#u1#S#s1", "FEED#u1#S#s2"]


def test_new_postings_handles_the_mark_exactly() -> None:
    entry = store.RegistryEntry("fp", {}, "service", 1, None, "2026-12-01T20:59:00Z", ("a",))
    found = [posting("b", 1), posting("a", 1), posting("c", 2), posting("d", 0.5)]
    fresh, mark, ids = poller.new_postings(found, entry, NOW)
    assert [job.job_id for job in fresh] == ["d", "b"]
    assert mark == "2026-12-01T20:59:30Z"
    assert ids == ["d"]

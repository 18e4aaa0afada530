"""The jobs routes' replies as the resolver serializes them (a `TypeAdapter`, JSON mode): a value Upwork or
the search did not give is absent — never `null` — and timestamps are API.md's (UTC, whole seconds, `Z`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from pydantic import TypeAdapter

from bidcraft import clock
from bidcraft.jobs.job_models import Job
from bidcraft.jobs.models import Search


def _reply(model: type, document: dict[str, Any]) -> Any:
    adapter: TypeAdapter[Any] = TypeAdapter(model)
    return adapter.dump_python(adapter.validate_python(document), mode="json", by_alias=True)


def _job(**fields: Any) -> dict[str, Any]:
    scores = {"fit": 0.5, "client_quality": 0.5, "competition": 0.5, "overall": 0.5}
    return {
        "job_id": "~01",
        "title": "Django API",
        "url": "https://www.upwork.com/jobs/~01",
        "posted_at": "2026-12-01T20:59:00Z",
        "type": "hourly",
        "budget": {"hourly_min": 30.0},
        "skills": ["Python"],
        "client": {"payment_verified": True, "rating": None},
        "competition": {},
        "scores": scores,
        "win_probability": 0.4,
        "reasons": [],
        "matched_searches": ["s1"],
        "seen_at": "2026-12-01T21:00:00Z",
        **fields,
    }


def test_a_job_leaves_out_what_upwork_did_not_give() -> None:
    # Given a job without a category, description, budget amount, client rating or competition figures
    # When it is serialized as a reply
    reply = _reply(Job, _job())
    # Then those fields are absent (not null), and what was given is there
    assert {"category", "description", "screening_questions"}.isdisjoint(reply)
    assert reply["budget"] == {"hourly_min": 30.0, "currency": "USD"}
    assert reply["client"] == {"payment_verified": True}
    assert reply["competition"] == {}
    assert None not in reply.values()


def test_a_job_keeps_false_zero_and_empty_values() -> None:
    reply = _reply(Job, _job(screening_questions=[], client={"payment_verified": False, "hires": 0}))
    assert reply["screening_questions"] == []
    assert reply["client"] == {"payment_verified": False, "hires": 0}


def test_a_search_writes_its_timestamps_as_clock_iso_and_leaves_out_what_is_unset() -> None:
    # Given a creation time with microseconds in another zone, and no poll yet
    created = datetime(2026, 12, 1, 22, 59, 7, 123456, tzinfo=timezone(timedelta(hours=2)))
    document = {"search_id": "s1", "name": "Mine", "skills": ["Go"], "created_at": created, "new_jobs_24h": 0}
    # When it is serialized as a reply
    reply = _reply(Search, document)
    # Then the time is UTC in whole seconds with `Z` (exactly `clock.iso`), and unset fields are absent
    assert reply["created_at"] == clock.iso(created) == "2026-12-01T20:59:07Z"
    assert {"last_polled_at", "query", "alerts"}.isdisjoint(reply)
    polled = _reply(Search, {**document, "last_polled_at": datetime(2026, 12, 1, 21, 0, tzinfo=UTC)})
    assert polled["last_polled_at"] == "2026-12-01T21:00:00Z"

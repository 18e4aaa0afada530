"""The jobs-table items the PynamoDB models write are the wire format the store always wrote (docs/jobs.md,
"Storage"): same attribute names, same DynamoDB types, nothing extra — so items written before the move still
load and items written after it still read with the low-level client. And the transactions keep their
conditions: PynamoDB sends a transaction's items grouped by kind, so the store maps the cancellation reasons
back to its own order (a stale replace is a 409 conflict, not a 503)."""

from __future__ import annotations

import json
import os
import uuid
from typing import Any

import pytest

from bidcraft import aws
from bidcraft.errors import Conflict
from bidcraft.jobs import store
from tests.integration.auth.conftest import raw_item

NOW = 1_796_000_000


def _raw(pk: str, sk: str) -> dict[str, Any] | None:
    return raw_item(pk, sk, table=os.environ["JOBS_TABLE"])


def _types(item: dict[str, Any] | None) -> dict[str, str]:
    assert item is not None
    return {name: next(iter(value)) for name, value in item.items()}


def _search(user_id: str, fingerprint: str, version: int = 1, **doc: Any) -> store.StoredSearch:
    return store.StoredSearch(
        user_id=user_id,
        search_id="srch_" + uuid.uuid4().hex[:8],
        doc={"name": "Python", "skills": ["Python"], **doc},
        fingerprint=fingerprint,
        created_at="2026-12-01T10:00:00Z",
        version=version,
    )


def test_a_saved_search_writes_the_search_counter_subscription_and_registry_entry_as_before() -> None:
    user, fp = f"u-{uuid.uuid4()}", f"fp-{uuid.uuid4()}"
    saved = _search(user, fp, alerts={"min_score": 0.7})

    store.create_search(saved, {"skills": ["python"]}, "service", maximum=10)

    search = _raw(f"USER#{user}", f"SEARCH#{saved.search_id}")
    assert _types(search) == {
        "pk": "S", "sk": "S", "user_id": "S", "search_id": "S", "doc": "S", "fingerprint": "S",
        "created_at": "S", "version": "N",
    }  # fmt: skip
    assert search is not None
    assert json.loads(search["doc"]["S"]) == saved.doc
    assert _raw(f"USER#{user}", "SEARCHES") == {
        "pk": {"S": f"USER#{user}"},
        "sk": {"S": "SEARCHES"},
        "n": {"N": "1"},
    }
    subscription = _raw(f"FP#{fp}", f"SUB#{user}#{saved.search_id}")
    assert _types(subscription) == {"pk": "S", "sk": "S", "user_id": "S", "search_id": "S", "alerts": "S"}
    entry = _raw("REGISTRY", f"FP#{fp}")
    assert _types(entry) == {
        "pk": "S", "sk": "S", "subscribers": "N", "filters": "S", "cred_scope": "S", "fingerprint": "S",
    }  # fmt: skip
    assert entry is not None
    assert entry["subscribers"] == {"N": "1"}
    assert store.list_searches(user) == [saved]
    assert store.subscribers(fp) == [store.Subscriber(user, saved.search_id, {"min_score": 0.7})]

    # When the poller marks the entry polled, the high-water ids are a list of strings
    assert store.mark_polled(fp, "2026-12-01T10:05:00Z", "2026-12-01T10:04:00Z", ["j1", "j2"])
    entry = _raw("REGISTRY", f"FP#{fp}")
    assert entry is not None
    assert entry["high_water_ids"] == {"L": [{"S": "j1"}, {"S": "j2"}]}
    assert store.get_registry([fp])[fp].high_water_ids == ("j1", "j2")


def test_a_stale_replace_is_a_conflict_and_changes_nothing() -> None:
    # Given a search that a first replace moved to another fingerprint (version 2)
    user, old_fp, new_fp, third_fp = (f"x-{uuid.uuid4()}" for _ in range(4))
    original = _search(user, old_fp)
    store.create_search(original, {"skills": ["python"]}, "service", maximum=10)
    first = store.StoredSearch(user, original.search_id, {"name": "Go", "skills": ["Go"]}, new_fp,
                               original.created_at, 2)  # fmt: skip
    store.replace_search(original, first, {"skills": ["go"]}, "service")

    # When a second writer replaces it from the version it read before (1): a fixed interleaving
    stale = store.StoredSearch(user, original.search_id, {"name": "Rust", "skills": ["Rust"]}, third_fp,
                               original.created_at, 2)  # fmt: skip
    with pytest.raises(Conflict) as refused:
        store.replace_search(original, stale, {"skills": ["rust"]}, "service")

    # Then it is the optimistic-concurrency conflict, and the first replace stands whole
    assert refused.value.slug == "conflict"
    assert store.get_search(user, original.search_id) == first
    assert _raw("REGISTRY", f"FP#{third_fp}") is None
    assert [s.search_id for s in store.subscribers(new_fp)] == [original.search_id]
    assert store.subscribers(old_fp) == []


def test_feed_items_markers_and_as_of_keep_their_types_and_read_back() -> None:
    user, job_id = f"f-{uuid.uuid4()}", f"job-{uuid.uuid4().hex[:8]}"
    job = {"job_id": job_id, "title": "A job", "posted_at": "2026-12-01T09:00:00Z"}
    entry = store.FeedEntry(user, ("s1",), job, 0.81, job["posted_at"], NOW + store.JOB_TTL_SECONDS)

    assert store.add_to_feed(entry)
    store.touch_feeds([store.feed_pk(user)], "2026-12-01T10:00:00Z", NOW)

    sk = store.feed_sk(0.81, job["posted_at"], job_id)
    item = _raw(store.feed_pk(user), sk)
    assert _types(item) == {
        "pk": "S", "sk": "S", "doc": "S", "job_id": "S", "matched": "SS", "expires_at": "N",
    }  # fmt: skip
    assert _raw(store.feed_pk(user, "s1"), sk) is not None
    assert _raw(store.feed_pk(user), f"J#{job_id}") == {
        "pk": {"S": store.feed_pk(user)},
        "sk": {"S": f"J#{job_id}"},
        "feed_sk": {"S": sk},
        "expires_at": {"N": str(NOW + store.JOB_TTL_SECONDS)},
    }
    as_of = _raw(store.feed_pk(user), "F#~")
    assert _types(as_of) == {"pk": "S", "sk": "S", "data_as_of": "S", "expires_at": "N"}

    page = store.feed_page(user, None, min_score=None, limit=10, start_key=None, now=NOW)
    assert page.data_as_of == "2026-12-01T10:00:00Z"
    assert page.jobs == [{**job, "matched_searches": ["s1"]}]
    assert store.count_recent(user, "s1", NOW) == 1

    # When Upwork says the user applied, every copy is marked (a boolean) and the feed leaves it out
    store.mark_applied(user, job_id)
    applied = _raw(store.feed_pk(user, "s1"), sk)
    assert applied is not None
    assert applied["applied"] == {"BOOL": True}
    assert store.feed_page(user, None, min_score=None, limit=10, start_key=None, now=NOW).jobs == []
    assert store.feed_entry(user, job_id, NOW) is None


def test_a_posting_is_a_json_document_with_its_ttl_and_is_not_served_after_it() -> None:
    job_id = f"post-{uuid.uuid4().hex[:8]}"
    store.put_job(job_id, {"job_id": job_id, "title": "T"}, NOW)

    stored = aws.client("dynamodb").get_item(
        TableName=os.environ["JOBS_TABLE"], Key={"pk": {"S": f"JOB#{job_id}"}, "sk": {"S": "JOB"}}
    )["Item"]
    assert _types(stored) == {"pk": "S", "sk": "S", "doc": "S", "expires_at": "N"}
    assert store.get_job(job_id, NOW) == {"job_id": job_id, "title": "T"}
    assert store.get_job(job_id, NOW + store.JOB_TTL_SECONDS) is None

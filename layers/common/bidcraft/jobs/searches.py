"""Saved searches: create, list, read, replace, delete — owner-only, at most 10 per user (API.md, "Jobs").

Each write keeps the registry of distinct searches in step in the same transaction (`bidcraft.jobs.store`),
so the poller always sees exactly the searches that exist. `new_jobs_24h` counts the search's own feed
partition, which holds only the last 24 hours; `last_polled_at` is its registry entry's.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from bidcraft import clock
from bidcraft.errors import NotFound
from bidcraft.jobs import store
from bidcraft.jobs.models import MAX_SEARCHES, Search, SearchIn, SearchList
from bidcraft.jobs.settings import jobs as settings


def _parse(moment: str | None) -> datetime | None:
    return datetime.fromisoformat(moment.replace("Z", "+00:00")) if moment else None


def _view(saved: store.StoredSearch, entry: store.RegistryEntry | None, now: int) -> Search:
    return Search.model_validate(
        {
            **saved.doc,
            "search_id": saved.search_id,
            "created_at": _parse(saved.created_at),
            "last_polled_at": _parse(entry.last_polled_at) if entry else None,
            "new_jobs_24h": store.count_recent(saved.user_id, saved.search_id, now),
        }
    )


def _stored(
    user_id: str, search_id: str, body: SearchIn, created_at: str, version: int
) -> tuple[store.StoredSearch, dict[str, Any], str]:
    """The search to store, the filters Upwork is asked for, and the credential scope it runs with."""
    # create and replace only: reading or deleting a search needs neither the filters nor Upwork's categories
    from bidcraft.jobs import filters

    scope = filters.scope_for(user_id, settings().jobs_upwork_credentials)
    doc: dict[str, Any] = body.model_dump(mode="json", exclude_none=True)
    saved = store.StoredSearch(
        user_id=user_id,
        search_id=search_id,
        doc=doc,
        fingerprint=filters.fingerprint(body, scope),
        created_at=created_at,
        version=version,
    )
    return saved, filters.request_filters(body), scope


def create(user_id: str, body: SearchIn) -> Search:
    now = clock.now()
    saved, wanted, scope = _stored(user_id, "srch_" + uuid.uuid4().hex[:20], body, clock.iso(now), 1)
    store.create_search(saved, wanted, scope, MAX_SEARCHES)
    return _view(saved, None, clock.epoch(now))


def list_all(user_id: str) -> SearchList:
    saved = store.list_searches(user_id)
    entries = store.get_registry([s.fingerprint for s in saved])
    now = clock.epoch(clock.now())
    return SearchList(searches=[_view(s, entries.get(s.fingerprint), now) for s in saved])


def _own(user_id: str, search_id: str) -> store.StoredSearch:
    """The caller's own search; another user's search id is simply not found (no existence oracle)."""
    saved = store.get_search(user_id, search_id)
    if saved is None:
        raise NotFound("No such saved search")
    return saved


def get(user_id: str, search_id: str) -> Search:
    saved = _own(user_id, search_id)
    entry = store.get_registry([saved.fingerprint]).get(saved.fingerprint)
    return _view(saved, entry, clock.epoch(clock.now()))


def replace(user_id: str, search_id: str, body: SearchIn) -> Search:
    old = _own(user_id, search_id)
    new, wanted, scope = _stored(user_id, search_id, body, old.created_at, old.version + 1)
    store.replace_search(old, new, wanted, scope)
    entry = store.get_registry([new.fingerprint]).get(new.fingerprint)
    return _view(new, entry, clock.epoch(clock.now()))


def delete(user_id: str, search_id: str) -> None:
    store.delete_search(_own(user_id, search_id))

"""The jobs table: saved searches, the registry of distinct searches, jobs (24 h) and per-user feed items.

The one adapter of `JobsTable` (docs/jobs.md, "Storage"), over the PynamoDB models of `bidcraft.tables.jobs`
(keys, attribute names and types are there). What is stored:

- a saved search (`SavedSearch`) and the user's search counter (`SearchCounter`, ≤ 10, counted in the same
  transaction as the search is written);
- one registry entry per *distinct* search (`RegistryItem`: filters, credential scope, `subscribers`,
  `last_polled_at`, the high-water mark of what was fetched) and one `Subscription` per saved search, kept in
  step with the saved searches by the same transactions, so a polling round reads one partition — never a
  `Scan`;
- the public posting as Upwork gave it (`Posting`, 24 h);
- the user's feed items (`FeedItem`), keyed `F#<score>#<posted_at>#<job_id>` where `<score>` is
  `scores.overall` × 10,000 zero-padded: one `Query` descending on `sk` is the feed in score order, then
  newest first, and `min_score` is a key condition. `FEED#<uid>#S#<sid>` holds the same items for one
  search (the `search_id` filter). A `FeedMarker` marks a job already in the feed (so a second search
  matching it extends `matched` instead of adding a duplicate). The partition's `F#~` item (sorts after
  every score) is its `data_as_of`, refreshed by each polling round.

Everything that expires carries `expires_at` (TTL) and is filtered on read as well, since TTL deletion lags.
Transactions go through `tables.base.transact_write`; every read and write is a model call, except the feed
page and the search counts, which drive PynamoDB's `PageIterator` directly: the feed page must be exactly one
`Query` and hand its `LastEvaluatedKey` to the cursor (`Model.query` iterates on to fill `limit` and may call
`DescribeTable` to rebuild a key mid-page), and a count is bounded to `max_pages` pages (`Model.count` reads
them all). Storage failures are `tables.base.STORAGE_ERRORS`, translated once here.

What it hands back (`StoredSearch`, `RegistryEntry`, `Subscriber`, `FeedEntry`, `FeedSlice`) are immutable
`NamedTuple`s: every jobs request and every polling round loads this module, and a frozen dataclass generates
its six methods from source (`exec`) at import — ~0.5 ms per class, against ~0.1 ms for a `NamedTuple`.
"""

from __future__ import annotations

import itertools
import json
import logging
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from bidcraft.errors import Conflict, NotFound
from bidcraft.tables import base
from bidcraft.tables.jobs import (
    FEED_LOW,
    META_SK,
    REGISTRY_PK,
    SEARCH_PREFIX,
    SUB_PREFIX,
    FeedItem,
    FeedMarker,
    Posting,
    RegistryItem,
    SavedSearch,
    SearchCounter,
    Subscription,
    feed_pk,
    fp_pk,
    user_pk,
)

logger = logging.getLogger(__name__)

SCORE_SCALE = 10_000
JOB_TTL_SECONDS = 24 * 3600
META_TTL_SECONDS = 30 * 86_400
CHECK_FAILED = "ConditionalCheckFailed"  # a transaction item's cancellation reason code


def score_key(overall: float) -> str:
    return f"{round(max(0.0, min(1.0, overall)) * SCORE_SCALE):05d}"


def feed_sk(overall: float, posted_at: str, job_id: str) -> str:
    return f"{FEED_LOW}{score_key(overall)}#{posted_at}#{job_id}"


def _get(model: Any, key: tuple[str, str], *, consistent: bool = True) -> Any:
    """One item, or None; a storage failure fails closed (503)."""
    try:
        return model.get(*key, consistent_read=consistent)
    except model.DoesNotExist:
        return None
    except base.STORAGE_ERRORS as exc:
        raise base.unavailable() from exc


_SENT_ORDER = ("delete", "save", "update")  # PynamoDB sends a transaction's deletes, then puts, then updates


def _transact(writes: Sequence[tuple[str, Any, Any, Any]]) -> list[str]:
    """One `TransactWriteItems` of (`save`/`update`/`delete`, model, condition, actions) writes: [] when
    applied, else the per-item cancellation codes in the order of `writes` (PynamoDB groups the items by
    kind, so its reasons come in that order: mapped back here)."""
    try:
        with base.transact_write(SavedSearch) as transaction:
            for operation, item, condition, actions in writes:
                if operation == "update":
                    transaction.update(item, actions, condition=condition)
                elif operation == "save":
                    transaction.save(item, condition=condition)
                elif operation == "delete":
                    transaction.delete(item, condition=condition)
                else:
                    raise ValueError(f"unknown transaction write {operation!r}")
    except base.STORAGE_ERRORS as exc:
        sent = base.cancellation_codes(exc)
        if sent:
            order = [i for kind in _SENT_ORDER for i, write in enumerate(writes) if write[0] == kind]
            codes = [""] * len(writes)
            for position, code in zip(order, sent, strict=False):
                codes[position] = code
            return codes
        raise base.unavailable() from exc
    return []


# -------------------------------------------------------------------------------------------- saved searches


class StoredSearch(NamedTuple):
    user_id: str
    search_id: str
    doc: dict[str, Any]  # the SearchIn fields
    fingerprint: str
    created_at: str
    version: int


class RegistryEntry(NamedTuple):
    fingerprint: str
    filters: dict[str, Any]
    scope: str  # "service" or "user:<uid>"
    subscribers: int
    last_polled_at: str | None
    high_water: str | None
    high_water_ids: tuple[str, ...]


class Subscriber(NamedTuple):
    user_id: str
    search_id: str
    alerts: dict[str, Any] | None


def _stored(item: SavedSearch) -> StoredSearch:
    return StoredSearch(
        user_id=str(item.user_id),
        search_id=str(item.search_id),
        doc=json.loads(item.doc or "{}"),
        fingerprint=str(item.fingerprint),
        created_at=str(item.created_at),
        version=int(item.version if item.version is not None else 1),
    )


def _registry(item: RegistryItem) -> RegistryEntry:
    return RegistryEntry(
        fingerprint=str(item.fingerprint),
        filters=json.loads(item.filters or "{}"),
        scope=str(item.cred_scope),
        subscribers=int(item.subscribers or 0),
        last_polled_at=item.last_polled_at,
        high_water=item.high_water,
        high_water_ids=tuple(item.high_water_ids or ()),
    )


def list_searches(user_id: str) -> list[StoredSearch]:
    """A user's saved searches (at most 10: one small query)."""
    try:
        items = list(
            SavedSearch.query(
                user_pk(user_id), SavedSearch.sk.startswith(SEARCH_PREFIX), consistent_read=True
            )
        )
    except base.STORAGE_ERRORS as exc:
        raise base.unavailable() from exc
    return sorted((_stored(item) for item in items), key=lambda s: (s.created_at, s.search_id))


def get_search(user_id: str, search_id: str) -> StoredSearch | None:
    item = _get(SavedSearch, SavedSearch.key(user_id, search_id))
    return _stored(item) if item else None


def get_registry(fingerprints: Sequence[str]) -> dict[str, RegistryEntry]:
    """Registry entries by fingerprint (one BatchGetItem: a user has at most 10 searches; PynamoDB asks again
    for any unprocessed keys)."""
    wanted = sorted(set(fingerprints))
    if not wanted:
        return {}
    try:
        items = list(RegistryItem.batch_get([RegistryItem.key(fp) for fp in wanted], consistent_read=True))
    except base.STORAGE_ERRORS as exc:
        raise base.unavailable() from exc
    return {entry.fingerprint: entry for entry in map(_registry, items)}


def _registry_add(fingerprint: str, filters: Mapping[str, Any], scope: str, delta: int) -> tuple[Any, ...]:
    """`ADD subscribers`; the filters and scope are set only by the entry's first subscriber."""
    actions = [
        RegistryItem.subscribers.add(delta),
        RegistryItem.filters.set(RegistryItem.filters | json.dumps(dict(filters), sort_keys=True)),
        RegistryItem.cred_scope.set(RegistryItem.cred_scope | scope),
        RegistryItem.fingerprint.set(fingerprint),
    ]
    return "update", RegistryItem(*RegistryItem.key(fingerprint)), None, actions


def _counter(user_id: str, delta: int, maximum: int | None) -> tuple[Any, ...]:
    condition = None
    if maximum is not None:
        condition = SearchCounter.n.does_not_exist() | (SearchCounter.n < maximum)
    return "update", SearchCounter(*SearchCounter.key(user_id)), condition, [SearchCounter.n.add(delta)]


def _search_save(search: StoredSearch, condition: Any) -> tuple[Any, ...]:
    item = SavedSearch(
        *SavedSearch.key(search.user_id, search.search_id),
        user_id=search.user_id,
        search_id=search.search_id,
        doc=json.dumps(search.doc, sort_keys=True),
        fingerprint=search.fingerprint,
        created_at=search.created_at,
        version=search.version,
    )
    return "save", item, condition, None


def _sub_save(search: StoredSearch) -> tuple[Any, ...]:
    alerts = search.doc.get("alerts")
    item = Subscription(
        *Subscription.key(search.fingerprint, search.user_id, search.search_id),
        user_id=search.user_id,
        search_id=search.search_id,
        alerts=json.dumps(alerts) if alerts else None,
    )
    return "save", item, None, None


def _sub_delete(fingerprint: str, user_id: str, search_id: str) -> tuple[Any, ...]:
    return "delete", Subscription(*Subscription.key(fingerprint, user_id, search_id)), None, None


def create_search(search: StoredSearch, filters: Mapping[str, Any], scope: str, maximum: int) -> None:
    """Save a new search, count it (≤ `maximum`: else 409) and subscribe it to its registry entry."""
    codes = _transact(
        [
            _search_save(search, SavedSearch.pk.does_not_exist()),
            _counter(search.user_id, 1, maximum),
            _sub_save(search),
            _registry_add(search.fingerprint, filters, scope, 1),
        ]
    )
    if not codes:
        return
    if codes[1] == CHECK_FAILED:
        raise Conflict(
            f"You already have {maximum} saved searches; delete one first", slug="too-many-searches"
        )
    if codes[0] == CHECK_FAILED:
        raise Conflict("A search with this id already exists", slug="duplicate")
    raise base.unavailable()


def replace_search(old: StoredSearch, new: StoredSearch, filters: Mapping[str, Any], scope: str) -> None:
    """Replace a search's fields (optimistic on `version`), moving its subscription if its filters changed."""
    writes = [_search_save(new, SavedSearch.version == old.version)]
    if new.fingerprint != old.fingerprint:
        writes += [
            _sub_delete(old.fingerprint, old.user_id, old.search_id),
            _registry_add(old.fingerprint, {}, scope, -1),  # `if_not_exists`: its own filters stay
            _registry_add(new.fingerprint, filters, scope, 1),
        ]
    writes.append(_sub_save(new))
    codes = _transact(writes)
    if not codes:
        return
    if codes[0] == CHECK_FAILED:
        raise Conflict("The search changed meanwhile; read it again and retry", slug="conflict")
    raise base.unavailable()


def delete_search(search: StoredSearch) -> None:
    codes = _transact(
        [
            (
                "delete",
                SavedSearch(*SavedSearch.key(search.user_id, search.search_id)),
                SavedSearch.pk.exists(),
                None,
            ),
            _counter(search.user_id, -1, None),
            _sub_delete(search.fingerprint, search.user_id, search.search_id),
            _registry_add(search.fingerprint, {}, "", -1),
        ]
    )
    if not codes:
        return
    if codes[0] == CHECK_FAILED:
        raise NotFound("No such saved search")
    raise base.unavailable()


# ------------------------------------------------------------------------------------------------- registry


def registry() -> Iterator[RegistryEntry]:
    """Every distinct search with subscribers, page after page of one partition (no Scan)."""
    try:
        for item in RegistryItem.query(REGISTRY_PK):
            yield _registry(item)
    except base.STORAGE_ERRORS as exc:
        raise base.unavailable() from exc


def subscribers(fingerprint: str) -> list[Subscriber]:
    try:
        items = list(Subscription.query(fp_pk(fingerprint), Subscription.sk.startswith(SUB_PREFIX)))
    except base.STORAGE_ERRORS as exc:
        raise base.unavailable() from exc
    return [
        Subscriber(str(item.user_id), str(item.search_id), json.loads(item.alerts) if item.alerts else None)
        for item in items
    ]


def mark_polled(fingerprint: str, polled_at: str, high_water: str | None, ids: Sequence[str]) -> bool:
    """Move an entry's poll time (and high-water mark); False when the entry is gone meanwhile."""
    actions: list[Any] = [RegistryItem.last_polled_at.set(polled_at)]
    if high_water is not None:
        actions += [RegistryItem.high_water.set(high_water), RegistryItem.high_water_ids.set(list(ids))]
    try:
        RegistryItem(*RegistryItem.key(fingerprint)).update(actions, condition=RegistryItem.pk.exists())
    except base.STORAGE_ERRORS as exc:
        if base.is_condition_failure(exc):
            return False
        raise base.unavailable() from exc
    return True


def drop_if_unused(fingerprint: str) -> bool:
    """Delete a registry entry nobody subscribes to any more (conditional: a new subscriber wins)."""
    try:
        RegistryItem(*RegistryItem.key(fingerprint)).delete(condition=RegistryItem.subscribers <= 0)
    except base.STORAGE_ERRORS as exc:
        if base.is_condition_failure(exc):
            return False
        raise base.unavailable() from exc
    return True


# ----------------------------------------------------------------------------------------------------- jobs


def put_job(job_id: str, doc: Mapping[str, Any], stored_at: int) -> None:
    item = Posting(
        *Posting.key(job_id),
        doc=json.dumps(dict(doc), sort_keys=True),
        expires_at=stored_at + JOB_TTL_SECONDS,
    )
    try:
        item.save()
    except base.STORAGE_ERRORS as exc:
        raise base.unavailable() from exc


def get_job(job_id: str, now: int) -> dict[str, Any] | None:
    """The stored posting, unless it is past its 24 hours (TTL deletion lags: filtered here too)."""
    item = _get(Posting, Posting.key(job_id), consistent=False)
    if item is None or int(item.expires_at or 0) <= now or item.doc is None:
        return None
    return dict(json.loads(item.doc))


# ----------------------------------------------------------------------------------------------------- feed


class FeedEntry(NamedTuple):
    """A job for one user: the API `Job` document and the searches of theirs it matched."""

    user_id: str
    search_ids: tuple[str, ...]
    job: dict[str, Any]  # the API Job, without `matched_searches`
    overall: float
    posted_at: str
    expires_at: int


def _feed_item(pk: str, sk: str, entry: FeedEntry) -> FeedItem:
    return FeedItem(
        pk,
        sk,
        doc=json.dumps(entry.job, sort_keys=True),
        job_id=entry.job["job_id"],
        matched=set(entry.search_ids),
        expires_at=entry.expires_at,
    )


def _api_job(item: FeedItem) -> dict[str, Any]:
    doc = dict(json.loads(item.doc or "{}"))
    doc["matched_searches"] = sorted(item.matched or ())
    return doc


def add_to_feed(entry: FeedEntry) -> bool:
    """Put a job in a user's feed (and in each matched search's feed); False when it was already there, in
    which case the new searches are added to its `matched` set."""
    user_id, job_id = entry.user_id, entry.job["job_id"]
    sk = feed_sk(entry.overall, entry.posted_at, job_id)
    marker = FeedMarker(*FeedMarker.key(user_id, job_id), feed_sk=sk, expires_at=entry.expires_at)
    codes = _transact(
        [
            ("save", marker, FeedMarker.pk.does_not_exist(), None),
            ("save", _feed_item(feed_pk(user_id), sk, entry), None, None),
            *(
                ("save", _feed_item(feed_pk(user_id, sid), sk, entry), None, None)
                for sid in sorted(set(entry.search_ids))
            ),
        ]
    )
    if not codes:
        return True
    if codes[0] != CHECK_FAILED:
        raise base.unavailable()
    _extend_matches(entry)
    return False


def _extend_matches(entry: FeedEntry) -> None:
    """A job already in the feed matched more searches: one transaction adds them to every existing copy's
    `matched` and puts the new searches' copies (a copy TTL deleted meanwhile cancels it: nothing to do)."""
    user_id, job_id = entry.user_id, entry.job["job_id"]
    marker = _get(FeedMarker, FeedMarker.key(user_id, job_id))
    if marker is None or not marker.feed_sk:
        return
    sk = str(marker.feed_sk)
    current = _get(FeedItem, (feed_pk(user_id), sk))
    if current is None:
        return
    known = set(current.matched or ())
    new = sorted(set(entry.search_ids) - known)
    if not new:
        return
    updates = [
        ("update", FeedItem(pk, sk), FeedItem.pk.exists(), [FeedItem.matched.add(set(new))])
        for pk in [feed_pk(user_id)] + [feed_pk(user_id, sid) for sid in sorted(known)]
    ]
    existing = FeedEntry(
        user_id=user_id,
        search_ids=tuple(sorted(known | set(new))),
        job=json.loads(current.doc or "{}"),
        overall=entry.overall,
        posted_at=entry.posted_at,
        expires_at=int(current.expires_at or 0),
    )
    saves = [("save", _feed_item(feed_pk(user_id, sid), sk, existing), None, None) for sid in new]
    codes = _transact(updates + saves)
    if codes and CHECK_FAILED not in codes:
        raise base.unavailable()


def touch_feeds(partitions: Sequence[str], as_of: str, now: int) -> None:
    """Record `data_as_of` in each feed partition (`F#~`): BatchWriteItem, 25 at a time (PynamoDB sends
    unprocessed items again and fails after its retries)."""
    expires = now + META_TTL_SECONDS
    try:
        with FeedItem.batch_write() as batch:
            for pk in sorted(set(partitions)):
                batch.save(FeedItem(pk, META_SK, data_as_of=as_of, expires_at=expires))
    except base.STORAGE_ERRORS as exc:
        raise base.unavailable() from exc


class FeedSlice(NamedTuple):
    jobs: list[dict[str, Any]]  # API Job documents, matched_searches included
    last_key: dict[str, Any] | None
    data_as_of: str | None


def _pages(partition: str, range_key: Any, filter_condition: Any, **query: Any) -> Iterator[dict[str, Any]]:
    """The raw pages of one `Query` of a feed partition (PynamoDB's page iterator: one call per page)."""
    from pynamodb.pagination import PageIterator

    arguments = {"range_key_condition": range_key, "filter_condition": filter_condition, **query}
    return PageIterator(FeedItem._get_connection().query, (partition,), arguments)


def feed_page(
    user_id: str,
    search_id: str | None,
    *,
    min_score: float | None,
    limit: int,
    start_key: dict[str, Any] | None,
    now: int,
) -> FeedSlice:
    """One `Query`: the feed in score order, newest first among equals, expired and applied items left out.

    The first page also reads the partition's `data_as_of` item, which sorts above every score (`F#~`).
    """
    low = FEED_LOW + (score_key(min_score) if min_score is not None else "")
    pages = _pages(
        feed_pk(user_id, search_id),
        FeedItem.sk.between(low, META_SK),
        (FeedItem.expires_at > now) & FeedItem.applied.does_not_exist(),
        scan_index_forward=False,
        limit=limit if start_key else limit + 1,
        exclusive_start_key=start_key,
    )
    try:
        page = next(iter(pages))
    except base.STORAGE_ERRORS as exc:
        raise base.unavailable() from exc
    jobs: list[dict[str, Any]] = []
    as_of: str | None = None
    for raw in page.get("Items", []):
        item = FeedItem.from_raw_data(raw)
        if item.sk == META_SK:
            as_of = item.data_as_of
            continue
        jobs.append(_api_job(item))
    last = page.get("LastEvaluatedKey")
    return FeedSlice(jobs=jobs, last_key=dict(last) if last else None, data_as_of=as_of)


def feed_entry(user_id: str, job_id: str, now: int) -> dict[str, Any] | None:
    """This user's current feed copy of a job (the API Job with `matched_searches`), if they have one."""
    marker = _get(FeedMarker, FeedMarker.key(user_id, job_id), consistent=False)
    if marker is None or int(marker.expires_at or 0) <= now or not marker.feed_sk:
        return None
    item = _get(FeedItem, (feed_pk(user_id), str(marker.feed_sk)), consistent=False)
    if item is None or item.applied:
        return None
    return _api_job(item)


def mark_applied(user_id: str, job_id: str) -> None:
    """Leave a job the user applied to out of every copy of their feed."""
    marker = _get(FeedMarker, FeedMarker.key(user_id, job_id), consistent=False)
    if marker is None or not marker.feed_sk:
        return
    sk = str(marker.feed_sk)
    item = _get(FeedItem, (feed_pk(user_id), sk), consistent=False)
    searches = sorted(item.matched or ()) if item is not None else []
    for pk in [feed_pk(user_id)] + [feed_pk(user_id, sid) for sid in searches]:
        try:
            FeedItem(pk, sk).update([FeedItem.applied.set(True)], condition=FeedItem.pk.exists())
        except base.STORAGE_ERRORS as exc:
            if not base.is_condition_failure(exc):
                raise base.unavailable() from exc


def count_recent(user_id: str, search_id: str, now: int, *, max_pages: int = 5) -> int:
    """How many current jobs a search put in the feed (its partition holds exactly the last 24 hours): a
    `COUNT` query of at most `max_pages` pages, so the calls of a read do not grow with the feed."""
    from pynamodb.constants import COUNT

    pages = _pages(
        feed_pk(user_id, search_id),
        FeedItem.sk.between(FEED_LOW + "0", FEED_LOW + "9"),
        FeedItem.expires_at > now,
        select=COUNT,
    )
    try:
        return sum(int(page.get("Count", 0)) for page in itertools.islice(pages, max_pages))
    except base.STORAGE_ERRORS as exc:
        raise base.unavailable() from exc

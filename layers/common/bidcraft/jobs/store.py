"""The jobs table: saved searches, the registry of distinct searches, jobs (24 h) and per-user feed items.

The one adapter of `JobsTable` (docs/jobs.md, "Storage"). Items (`pk` / `sk`):

- `USER#<uid>` / `SEARCH#<sid>` — a saved search (`doc`: its `SearchIn` JSON, `fingerprint`, `created_at`,
  `version`); `USER#<uid>` / `SEARCHES` — `n`, how many the user has (≤ 10, checked in the same transaction).
- `REGISTRY` / `FP#<fingerprint>` — one per *distinct* search: its filters, its credential `scope`, how many
  saved searches share it (`subscribers`), `last_polled_at` and the high-water mark of what was fetched
  (`high_water` = newest `posted_at`, `high_water_ids` = the ids posted at that instant). Kept in step with
  the saved searches by the same transactions, so a polling round reads one partition — never a `Scan`.
- `FP#<fingerprint>` / `SUB#<uid>#<sid>` — who subscribes (with the search's `alerts`).
- `JOB#<job_id>` / `JOB` — the public posting as Upwork gave it (`doc`), `expires_at` = stored + 24 h.
- `FEED#<uid>` / `F#<score>#<posted_at>#<job_id>` — the user's feed item (`doc`: the API `Job`), where
  `<score>` is `scores.overall` × 10,000 zero-padded: one `Query` descending on `sk` is the feed in score
  order, then newest first, and `min_score` is a key condition. `FEED#<uid>#S#<sid>` holds the same items for
  one search (the `search_id` filter). `FEED#<uid>` / `J#<job_id>` marks a job already in the feed (so a
  second search matching it extends `matched` instead of adding a duplicate). `FEED…` / `F#~` (sorts after
  every score) is the partition's `data_as_of`, refreshed by each polling round.

Everything that expires carries `expires_at` (TTL) and is filtered on read as well, since TTL deletion lags.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bidcraft import aws, config, dynamo
from bidcraft.errors import Conflict, NotFound

logger = logging.getLogger(__name__)

REGISTRY_PK = "REGISTRY"
COUNTER_SK = "SEARCHES"
META_SK = "F#~"  # after every `F#<5 digits>`: the first item of a descending query of the whole range
FEED_LOW = "F#"
SCORE_SCALE = 10_000
JOB_TTL_SECONDS = 24 * 3600
META_TTL_SECONDS = 30 * 86_400
BATCH_WRITE_MAX = 25
CHECK_FAILED = "ConditionalCheckFailed"  # a transaction item's cancellation reason code


class JobsStoreSettings(config.BaseSettings):
    jobs_table: str


def table() -> str:
    return config.load(JobsStoreSettings).jobs_table


def _client() -> Any:
    return dynamo.client()


# --------------------------------------------------------------------------------------------------- keys


def user_pk(user_id: str) -> str:
    return f"USER#{user_id}"


def search_sk(search_id: str) -> str:
    return f"SEARCH#{search_id}"


def fp_pk(fingerprint: str) -> str:
    return f"FP#{fingerprint}"


def sub_sk(user_id: str, search_id: str) -> str:
    return f"SUB#{user_id}#{search_id}"


def feed_pk(user_id: str, search_id: str | None = None) -> str:
    return f"FEED#{user_id}" if search_id is None else f"FEED#{user_id}#S#{search_id}"


def score_key(overall: float) -> str:
    return f"{round(max(0.0, min(1.0, overall)) * SCORE_SCALE):05d}"


def feed_sk(overall: float, posted_at: str, job_id: str) -> str:
    return f"{FEED_LOW}{score_key(overall)}#{posted_at}#{job_id}"


def job_key(job_id: str) -> dict[str, Any]:
    return dynamo.key(f"JOB#{job_id}", "JOB")


# -------------------------------------------------------------------------------------------- saved searches


@dataclass(frozen=True)
class StoredSearch:
    user_id: str
    search_id: str
    doc: dict[str, Any]  # the SearchIn fields
    fingerprint: str
    created_at: str
    version: int


@dataclass(frozen=True)
class RegistryEntry:
    fingerprint: str
    filters: dict[str, Any]
    scope: str  # "service" or "user:<uid>"
    subscribers: int
    last_polled_at: str | None
    high_water: str | None
    high_water_ids: tuple[str, ...]


@dataclass(frozen=True)
class Subscriber:
    user_id: str
    search_id: str
    alerts: dict[str, Any] | None


def _stored(raw: Mapping[str, Any]) -> StoredSearch:
    return StoredSearch(
        user_id=str(raw["user_id"]),
        search_id=str(raw["search_id"]),
        doc=json.loads(raw["doc"]),
        fingerprint=str(raw["fingerprint"]),
        created_at=str(raw["created_at"]),
        version=int(raw.get("version", 1)),
    )


def _registry(raw: Mapping[str, Any]) -> RegistryEntry:
    return RegistryEntry(
        fingerprint=str(raw["fingerprint"]),
        filters=json.loads(raw["filters"]),
        scope=str(raw["cred_scope"]),
        subscribers=int(raw.get("subscribers", 0)),
        last_polled_at=raw.get("last_polled_at"),
        high_water=raw.get("high_water"),
        high_water_ids=tuple(raw.get("high_water_ids") or ()),
    )


def list_searches(user_id: str) -> list[StoredSearch]:
    """A user's saved searches (at most 10: one small query)."""
    try:
        response = _client().query(
            TableName=table(),
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues=dynamo.expression_values(
                {":pk": user_pk(user_id), ":prefix": "SEARCH#"}
            ),
            ConsistentRead=True,
        )
    except aws.AWS_ERRORS as exc:
        raise dynamo.unavailable() from exc
    items = [dynamo.plain(raw) or {} for raw in response.get("Items", [])]
    return sorted((_stored(item) for item in items), key=lambda s: (s.created_at, s.search_id))


def get_search(user_id: str, search_id: str) -> StoredSearch | None:
    raw = dynamo.get_item(table(), dynamo.key(user_pk(user_id), search_sk(search_id)))
    return _stored(raw) if raw else None


def get_registry(fingerprints: Sequence[str]) -> dict[str, RegistryEntry]:
    """Registry entries by fingerprint (one BatchGetItem: a user has at most 10 searches)."""
    wanted = sorted(set(fingerprints))
    if not wanted:
        return {}
    keys = [dynamo.key(REGISTRY_PK, f"FP#{fp}") for fp in wanted]
    found: dict[str, RegistryEntry] = {}
    request: dict[str, Any] = {table(): {"Keys": keys, "ConsistentRead": True}}
    try:
        for _ in range(5):
            response = _client().batch_get_item(RequestItems=request)
            for raw in response.get("Responses", {}).get(table(), []):
                entry = _registry(dynamo.plain(raw) or {})
                found[entry.fingerprint] = entry
            request = response.get("UnprocessedKeys") or {}
            if not request:
                break
    except aws.AWS_ERRORS as exc:
        raise dynamo.unavailable() from exc
    return found


def _registry_add(fingerprint: str, filters: Mapping[str, Any], scope: str, delta: int) -> dict[str, Any]:
    update: dict[str, Any] = {
        "TableName": table(),
        "Key": dynamo.key(REGISTRY_PK, f"FP#{fingerprint}"),
        "UpdateExpression": "ADD subscribers :d SET filters = if_not_exists(filters, :f), "
        "cred_scope = if_not_exists(cred_scope, :s), fingerprint = :fp",
        "ExpressionAttributeValues": dynamo.expression_values(
            {":d": delta, ":f": json.dumps(dict(filters), sort_keys=True), ":s": scope, ":fp": fingerprint}
        ),
    }
    return {"Update": update}


def _counter(user_id: str, delta: int, maximum: int | None) -> dict[str, Any]:
    update: dict[str, Any] = {
        "TableName": table(),
        "Key": dynamo.key(user_pk(user_id), COUNTER_SK),
        "UpdateExpression": "ADD n :d",
        "ExpressionAttributeValues": dynamo.expression_values({":d": delta}),
    }
    if maximum is not None:
        update["ConditionExpression"] = "attribute_not_exists(n) OR n < :max"
        update["ExpressionAttributeValues"][":max"] = dynamo.attr(maximum)
    return {"Update": update}


def _search_put(search: StoredSearch, condition: str, values: Mapping[str, Any]) -> dict[str, Any]:
    put: dict[str, Any] = {
        "TableName": table(),
        "Item": {
            **dynamo.key(user_pk(search.user_id), search_sk(search.search_id)),
            **dynamo.item(
                {
                    "user_id": search.user_id,
                    "search_id": search.search_id,
                    "doc": json.dumps(search.doc, sort_keys=True),
                    "fingerprint": search.fingerprint,
                    "created_at": search.created_at,
                    "version": search.version,
                }
            ),
        },
        "ConditionExpression": condition,
    }
    if values:
        put["ExpressionAttributeValues"] = dynamo.expression_values(values)
        put["ExpressionAttributeNames"] = {"#v": "version"}
    return {"Put": put}


def _sub_put(search: StoredSearch) -> dict[str, Any]:
    alerts = search.doc.get("alerts")
    return {
        "Put": {
            "TableName": table(),
            "Item": {
                **dynamo.key(fp_pk(search.fingerprint), sub_sk(search.user_id, search.search_id)),
                **dynamo.item(
                    {
                        "user_id": search.user_id,
                        "search_id": search.search_id,
                        "alerts": json.dumps(alerts) if alerts else None,
                    }
                ),
            },
        }
    }


def _sub_delete(fingerprint: str, user_id: str, search_id: str) -> dict[str, Any]:
    return {
        "Delete": {"TableName": table(), "Key": dynamo.key(fp_pk(fingerprint), sub_sk(user_id, search_id))}
    }


def _transact(items: list[dict[str, Any]]) -> list[str]:
    """Run one transaction; [] when applied, else the per-item cancellation codes."""
    try:
        _client().transact_write_items(TransactItems=items)
    except aws.AWS_ERRORS as exc:
        codes = dynamo.cancellation_codes(exc)
        if codes:
            return codes
        raise dynamo.unavailable() from exc
    return []


def create_search(search: StoredSearch, filters: Mapping[str, Any], scope: str, maximum: int) -> None:
    """Save a new search, count it (≤ `maximum`: else 409) and subscribe it to its registry entry."""
    codes = _transact(
        [
            _search_put(search, "attribute_not_exists(pk)", {}),
            _counter(search.user_id, 1, maximum),
            _sub_put(search),
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
    raise dynamo.unavailable()


def replace_search(old: StoredSearch, new: StoredSearch, filters: Mapping[str, Any], scope: str) -> None:
    """Replace a search's fields (optimistic on `version`), moving its subscription if its filters changed."""
    items = [_search_put(new, "#v = :v", {":v": old.version})]
    if new.fingerprint != old.fingerprint:
        items += [
            _sub_delete(old.fingerprint, old.user_id, old.search_id),
            _registry_add(old.fingerprint, {}, scope, -1),  # `if_not_exists`: its own filters stay
            _registry_add(new.fingerprint, filters, scope, 1),
        ]
    items.append(_sub_put(new))
    codes = _transact(items)
    if not codes:
        return
    if codes[0] == CHECK_FAILED:
        raise Conflict("The search changed meanwhile; read it again and retry", slug="conflict")
    raise dynamo.unavailable()


def delete_search(search: StoredSearch) -> None:
    codes = _transact(
        [
            {
                "Delete": {
                    "TableName": table(),
                    "Key": dynamo.key(user_pk(search.user_id), search_sk(search.search_id)),
                    "ConditionExpression": "attribute_exists(pk)",
                }
            },
            _counter(search.user_id, -1, None),
            _sub_delete(search.fingerprint, search.user_id, search.search_id),
            _registry_add(search.fingerprint, {}, "", -1),
        ]
    )
    if not codes:
        return
    if codes[0] == CHECK_FAILED:
        raise NotFound("No such saved search")
    raise dynamo.unavailable()


# ------------------------------------------------------------------------------------------------- registry


def registry() -> Iterator[RegistryEntry]:
    """Every distinct search with subscribers, page after page of one partition (no Scan)."""
    request = {
        "TableName": table(),
        "KeyConditionExpression": "pk = :pk",
        "ExpressionAttributeValues": dynamo.expression_values({":pk": REGISTRY_PK}),
    }
    try:
        for item in dynamo.query_pages(request):
            yield _registry(item)
    except aws.AWS_ERRORS as exc:
        raise dynamo.unavailable() from exc


def subscribers(fingerprint: str) -> list[Subscriber]:
    request = {
        "TableName": table(),
        "KeyConditionExpression": "pk = :pk AND begins_with(sk, :p)",
        "ExpressionAttributeValues": dynamo.expression_values({":pk": fp_pk(fingerprint), ":p": "SUB#"}),
    }
    try:
        items = list(dynamo.query_pages(request))
    except aws.AWS_ERRORS as exc:
        raise dynamo.unavailable() from exc
    return [
        Subscriber(
            str(item["user_id"]),
            str(item["search_id"]),
            json.loads(item["alerts"]) if item.get("alerts") else None,
        )
        for item in items
    ]


def mark_polled(fingerprint: str, polled_at: str, high_water: str | None, ids: Sequence[str]) -> None:
    values: dict[str, Any] = {":t": polled_at}
    expression = "SET last_polled_at = :t"
    if high_water is not None:
        expression += ", high_water = :hw, high_water_ids = :ids"
        values.update({":hw": high_water, ":ids": list(ids)})
    dynamo.conditional_update(
        table(), dynamo.key(REGISTRY_PK, f"FP#{fingerprint}"), expression, "attribute_exists(pk)", values
    )


def drop_if_unused(fingerprint: str) -> bool:
    """Delete a registry entry nobody subscribes to any more (conditional: a new subscriber wins)."""
    try:
        _client().delete_item(
            TableName=table(),
            Key=dynamo.key(REGISTRY_PK, f"FP#{fingerprint}"),
            ConditionExpression="subscribers <= :zero",
            ExpressionAttributeValues=dynamo.expression_values({":zero": 0}),
        )
    except aws.AWS_ERRORS as exc:
        if dynamo.is_condition_failure(exc):
            return False
        raise dynamo.unavailable() from exc
    return True


# ----------------------------------------------------------------------------------------------------- jobs


def put_job(job_id: str, doc: Mapping[str, Any], stored_at: int) -> None:
    try:
        _client().put_item(
            TableName=table(),
            Item={
                **job_key(job_id),
                **dynamo.item(
                    {"doc": json.dumps(dict(doc), sort_keys=True), "expires_at": stored_at + JOB_TTL_SECONDS}
                ),
            },
        )
    except aws.AWS_ERRORS as exc:
        raise dynamo.unavailable() from exc


def get_job(job_id: str, now: int) -> dict[str, Any] | None:
    """The stored posting, unless it is past its 24 hours (TTL deletion lags: filtered here too)."""
    raw = dynamo.get_item(table(), job_key(job_id), consistent=False)
    if not raw or int(raw.get("expires_at", 0)) <= now:
        return None
    return dict(json.loads(raw["doc"]))


# ----------------------------------------------------------------------------------------------------- feed


@dataclass(frozen=True)
class FeedEntry:
    """A job for one user: the API `Job` document and the searches of theirs it matched."""

    user_id: str
    search_ids: tuple[str, ...]
    job: dict[str, Any]  # the API Job, without `matched_searches`
    overall: float
    posted_at: str
    expires_at: int


def _feed_item(pk: str, sk: str, entry: FeedEntry) -> dict[str, Any]:
    return {
        **dynamo.key(pk, sk),
        **dynamo.item(
            {
                "doc": json.dumps(entry.job, sort_keys=True),
                "job_id": entry.job["job_id"],
                "expires_at": entry.expires_at,
            }
        ),
        "matched": {"SS": sorted(set(entry.search_ids))},
    }


def add_to_feed(entry: FeedEntry) -> bool:
    """Put a job in a user's feed (and in each matched search's feed); False when it was already there, in
    which case the new searches are added to its `matched` set."""
    user_id, job_id = entry.user_id, entry.job["job_id"]
    sk = feed_sk(entry.overall, entry.posted_at, job_id)
    marker = {
        **dynamo.key(feed_pk(user_id), f"J#{job_id}"),
        **dynamo.item({"feed_sk": sk, "expires_at": entry.expires_at}),
    }
    puts = [{"Put": {"TableName": table(), "Item": _feed_item(feed_pk(user_id), sk, entry)}}]
    puts += [
        {"Put": {"TableName": table(), "Item": _feed_item(feed_pk(user_id, sid), sk, entry)}}
        for sid in sorted(set(entry.search_ids))
    ]
    codes = _transact(
        [
            {
                "Put": {
                    "TableName": table(),
                    "Item": marker,
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            *puts,
        ]
    )
    if not codes:
        return True
    if codes[0] != CHECK_FAILED:
        raise dynamo.unavailable()
    _extend_matches(entry)
    return False


def _extend_matches(entry: FeedEntry) -> None:
    """A job already in the feed matched more searches: one transaction adds them to every existing copy's
    `matched` and puts the new searches' copies (a copy TTL deleted meanwhile cancels it: nothing to do)."""
    user_id, job_id = entry.user_id, entry.job["job_id"]
    marker = dynamo.get_item(table(), dynamo.key(feed_pk(user_id), f"J#{job_id}"))
    if not marker:
        return
    sk = str(marker["feed_sk"])
    current = dynamo.get_item(table(), dynamo.key(feed_pk(user_id), sk))
    if not current:
        return
    known = set(current.get("matched") or ())
    new = sorted(set(entry.search_ids) - known)
    if not new:
        return
    updates = [
        {
            "Update": {
                "TableName": table(),
                "Key": dynamo.key(pk, sk),
                "UpdateExpression": "ADD matched :m",
                "ConditionExpression": "attribute_exists(pk)",
                "ExpressionAttributeValues": {":m": {"SS": new}},
            }
        }
        for pk in [feed_pk(user_id)] + [feed_pk(user_id, sid) for sid in sorted(known)]
    ]
    existing = FeedEntry(
        user_id=user_id,
        search_ids=tuple(sorted(known | set(new))),
        job=json.loads(current["doc"]),
        overall=entry.overall,
        posted_at=entry.posted_at,
        expires_at=int(current["expires_at"]),
    )
    puts = [
        {"Put": {"TableName": table(), "Item": _feed_item(feed_pk(user_id, sid), sk, existing)}}
        for sid in new
    ]
    codes = _transact(updates + puts)
    if codes and CHECK_FAILED not in codes:
        raise dynamo.unavailable()


def touch_feeds(partitions: Sequence[str], as_of: str, now: int) -> None:
    """Record `data_as_of` in each feed partition (`F#~`), 25 per BatchWriteItem."""
    expires = now + META_TTL_SECONDS
    requests = [
        {
            "PutRequest": {
                "Item": {
                    **dynamo.key(pk, META_SK),
                    **dynamo.item({"data_as_of": as_of, "expires_at": expires}),
                }
            }
        }
        for pk in sorted(set(partitions))
    ]
    try:
        for start in range(0, len(requests), BATCH_WRITE_MAX):
            pending: dict[str, Any] = {table(): requests[start : start + BATCH_WRITE_MAX]}
            for _ in range(5):
                response = _client().batch_write_item(RequestItems=pending)
                pending = response.get("UnprocessedItems") or {}
                if not pending:
                    break
    except aws.AWS_ERRORS as exc:
        raise dynamo.unavailable() from exc


@dataclass(frozen=True)
class FeedSlice:
    jobs: list[dict[str, Any]]  # API Job documents, matched_searches included
    last_key: dict[str, Any] | None
    data_as_of: str | None


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
    kwargs: dict[str, Any] = {
        "TableName": table(),
        "KeyConditionExpression": "pk = :pk AND sk BETWEEN :low AND :high",
        "FilterExpression": "expires_at > :now AND attribute_not_exists(applied)",
        "ExpressionAttributeValues": dynamo.expression_values(
            {":pk": feed_pk(user_id, search_id), ":low": low, ":high": META_SK, ":now": now}
        ),
        "ScanIndexForward": False,
        "Limit": limit if start_key else limit + 1,
    }
    if start_key:
        kwargs["ExclusiveStartKey"] = start_key
    try:
        response = _client().query(**kwargs)
    except aws.AWS_ERRORS as exc:
        raise dynamo.unavailable() from exc
    jobs: list[dict[str, Any]] = []
    as_of: str | None = None
    for raw in response.get("Items", []):
        item = dynamo.plain(raw) or {}
        if item.get("sk") == META_SK:
            as_of = item.get("data_as_of")
            continue
        doc = json.loads(item["doc"])
        doc["matched_searches"] = sorted(item.get("matched") or ())
        jobs.append(doc)
    last = response.get("LastEvaluatedKey")
    return FeedSlice(jobs=jobs, last_key=dict(last) if last else None, data_as_of=as_of)


def feed_entry(user_id: str, job_id: str, now: int) -> dict[str, Any] | None:
    """This user's current feed copy of a job (the API Job with `matched_searches`), if they have one."""
    marker = dynamo.get_item(table(), dynamo.key(feed_pk(user_id), f"J#{job_id}"), consistent=False)
    if not marker or int(marker.get("expires_at", 0)) <= now:
        return None
    item = dynamo.get_item(table(), dynamo.key(feed_pk(user_id), str(marker["feed_sk"])), consistent=False)
    if not item or item.get("applied"):
        return None
    doc = dict(json.loads(item["doc"]))
    doc["matched_searches"] = sorted(item.get("matched") or ())
    return doc


def mark_applied(user_id: str, job_id: str) -> None:
    """Leave a job the user applied to out of every copy of their feed."""
    marker = dynamo.get_item(table(), dynamo.key(feed_pk(user_id), f"J#{job_id}"), consistent=False)
    if not marker:
        return
    sk = str(marker["feed_sk"])
    item = dynamo.get_item(table(), dynamo.key(feed_pk(user_id), sk), consistent=False)
    searches = sorted((item or {}).get("matched") or ())
    for pk in [feed_pk(user_id)] + [feed_pk(user_id, sid) for sid in searches]:
        dynamo.conditional_update(
            table(), dynamo.key(pk, sk), "SET applied = :t", "attribute_exists(pk)", {":t": True}
        )


def count_recent(user_id: str, search_id: str, now: int, *, max_pages: int = 5) -> int:
    """How many current jobs a search put in the feed (its partition holds exactly the last 24 hours)."""
    total = 0
    start: dict[str, Any] | None = None
    for _ in range(max_pages):
        kwargs: dict[str, Any] = {
            "TableName": table(),
            "KeyConditionExpression": "pk = :pk AND sk BETWEEN :low AND :high",
            "FilterExpression": "expires_at > :now",
            "ExpressionAttributeValues": dynamo.expression_values(
                {
                    ":pk": feed_pk(user_id, search_id),
                    ":low": FEED_LOW + "0",
                    ":high": FEED_LOW + "9",
                    ":now": now,
                }
            ),
            "Select": "COUNT",
        }
        if start:
            kwargs["ExclusiveStartKey"] = start
        try:
            response = _client().query(**kwargs)
        except aws.AWS_ERRORS as exc:
            raise dynamo.unavailable() from exc
        total += int(response.get("Count", 0))
        start = response.get("LastEvaluatedKey")
        if not start:
            break
    return total

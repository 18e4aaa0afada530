"""PynamoDB models of JobsTable (`JOBS_TABLE`): single-table design, every item keyed by `pk`/`sk`, with the
TTL attribute `expires_at` (docs/jobs.md, "Storage").

Models and their items (attribute names and types are the wire format `bidcraft.jobs.store` has always
written; JSON documents are strings, as before):
- `SavedSearch`: `USER#<uid>` / `SEARCH#<sid>` — `doc` (its `SearchIn` JSON), `fingerprint`, `created_at`,
  `version` (optimistic concurrency; not PynamoDB's implicit `VersionAttribute`).
- `SearchCounter`: `USER#<uid>` / `SEARCHES` — `n`, how many searches the user has (≤ 10).
- `RegistryItem`: `REGISTRY` / `FP#<fp>` — one distinct search: `filters` (JSON), `cred_scope`,
  `subscribers`, `last_polled_at`, `high_water`, `high_water_ids`.
- `Subscription`: `FP#<fp>` / `SUB#<uid>#<sid>` — a saved search subscribed to an entry (`alerts`, JSON).
- `Posting`: `JOB#<job_id>` / `JOB` — the public posting as Upwork gave it (`doc`, JSON), 24 h.
- `FeedItem`: `FEED#<uid>[#S#<sid>]` / `F#<score>#<posted_at>#<job_id>` — a job in a feed (`doc`: the API
  `Job`, `matched`: a string set of search ids, `applied`), 24 h. The partition's `F#~` item is a `FeedItem`
  too, carrying only `data_as_of`: it is read by the same descending `Query` as the feed.
- `FeedMarker`: `FEED#<uid>` / `J#<job_id>` — the job is in the user's feed; `feed_sk` is its item's key.
Attributes are nullable unless they are keys: items written before an attribute existed still load. All the
models share one connection (`tables.base.TableItem`).
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)

from bidcraft import config, tables
from bidcraft.tables.base import TableItem, table_meta

REGISTRY_PK = "REGISTRY"
COUNTER_SK = "SEARCHES"
SEARCH_PREFIX = "SEARCH#"
SUB_PREFIX = "SUB#"
FEED_LOW = "F#"
META_SK = "F#~"  # after every `F#<5 digits>`: the first item of a descending query of the whole range


class JobsTableSettings(config.BaseSettings):
    jobs_table: str


def jobs_table() -> str:
    return config.load(JobsTableSettings).jobs_table


def user_pk(user_id: str) -> str:
    return f"USER#{user_id}"


def fp_pk(fingerprint: str) -> str:
    return f"FP#{fingerprint}"


def feed_pk(user_id: str, search_id: str | None = None) -> str:
    return f"FEED#{user_id}" if search_id is None else f"FEED#{user_id}#S#{search_id}"


@tables.register
class _JobsItem(TableItem):
    Meta = table_meta(jobs_table)  # the table name is read at first use
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


@tables.register
class SavedSearch(_JobsItem):
    user_id = UnicodeAttribute(null=True)
    search_id = UnicodeAttribute(null=True)
    doc = UnicodeAttribute(null=True)  # the SearchIn fields, JSON
    fingerprint = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute(null=True)  # ISO 8601 UTC
    version = NumberAttribute(null=True)

    @classmethod
    def key(cls, user_id: str, search_id: str) -> tuple[str, str]:
        return user_pk(user_id), SEARCH_PREFIX + search_id


@tables.register
class SearchCounter(_JobsItem):
    n = NumberAttribute(null=True)

    @classmethod
    def key(cls, user_id: str) -> tuple[str, str]:
        return user_pk(user_id), COUNTER_SK


@tables.register
class RegistryItem(_JobsItem):
    fingerprint = UnicodeAttribute(null=True)
    filters = UnicodeAttribute(null=True)  # Upwork's search filters, JSON
    cred_scope = UnicodeAttribute(null=True)  # "service" or "user:<uid>"
    subscribers = NumberAttribute(null=True)
    last_polled_at = UnicodeAttribute(null=True)
    high_water = UnicodeAttribute(null=True)  # the newest `posted_at` fetched
    high_water_ids: Any = ListAttribute(of=UnicodeAttribute, null=True)  # the ids posted at that instant

    @classmethod
    def key(cls, fingerprint: str) -> tuple[str, str]:
        return REGISTRY_PK, fp_pk(fingerprint)


@tables.register
class Subscription(_JobsItem):
    user_id = UnicodeAttribute(null=True)
    search_id = UnicodeAttribute(null=True)
    alerts = UnicodeAttribute(null=True)  # the search's alert settings, JSON

    @classmethod
    def key(cls, fingerprint: str, user_id: str, search_id: str) -> tuple[str, str]:
        return fp_pk(fingerprint), f"{SUB_PREFIX}{user_id}#{search_id}"


@tables.register
class Posting(_JobsItem):
    doc = UnicodeAttribute(null=True)  # Upwork's posting, JSON
    expires_at = NumberAttribute(null=True)  # the table's TTL (epoch seconds)

    @classmethod
    def key(cls, job_id: str) -> tuple[str, str]:
        return f"JOB#{job_id}", "JOB"


@tables.register
class FeedItem(_JobsItem):
    doc = UnicodeAttribute(null=True)  # the API Job without `matched_searches`, JSON
    job_id = UnicodeAttribute(null=True)
    matched = UnicodeSetAttribute(null=True)  # the user's search ids that found the job
    applied = BooleanAttribute(null=True)  # set when Upwork says the user applied: left out of the feed
    data_as_of = UnicodeAttribute(null=True)  # only on the partition's `F#~` item
    expires_at = NumberAttribute(null=True)  # the table's TTL (epoch seconds)


@tables.register
class FeedMarker(_JobsItem):
    feed_sk = UnicodeAttribute(null=True)  # the sort key of the job's feed items
    expires_at = NumberAttribute(null=True)  # the table's TTL (epoch seconds)

    @classmethod
    def key(cls, user_id: str, job_id: str) -> tuple[str, str]:
        return feed_pk(user_id), f"J#{job_id}"
